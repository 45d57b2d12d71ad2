"""decode() and declared_charset(): bytes to NFC text with \\n newlines, once for every reader."""

from __future__ import annotations

import codecs

import pytest

from feedsearch.readers import ReadError
from feedsearch.readers.decode import declared_charset, decode

CP1252_BYTES = b"caf\xe9 \x93quoted\x94"
CP1252_TEXT = "café “quoted”"


def test_plain_utf8() -> None:
    assert decode("Grief has no schedule — ça va, 悲しみ".encode()) == (
        "Grief has no schedule — ça va, 悲しみ"
    )


def test_utf8_bom_is_removed() -> None:
    text = decode(codecs.BOM_UTF8 + "“Can you help me?”".encode())
    assert text == "“Can you help me?”"
    assert not text.startswith("\ufeff")


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_utf16_with_bom(bom: bytes, encoding: str) -> None:
    data = bom + "Rest is not a reward — café\r\nSecond line".encode(encoding)
    assert b"\x00" in data  # UTF-16 is full of NUL bytes; the BOM must win over the binary check
    assert decode(data) == "Rest is not a reward — café\nSecond line"


def test_windows_1252_without_declared_charset() -> None:
    assert decode(CP1252_BYTES) == CP1252_TEXT


def test_declared_iso_8859_1_is_read_as_windows_1252() -> None:
    text = decode(CP1252_BYTES, "iso-8859-1")
    assert text == CP1252_TEXT
    assert "\x93" not in text and "\x94" not in text


def test_declared_latin1_label_is_case_insensitive() -> None:
    # Charset labels are case-insensitive (WHATWG Encoding Standard); "ISO-8859-1" is the
    # spelling most pages use.
    text = decode(CP1252_BYTES, "ISO-8859-1")
    assert text == CP1252_TEXT


def test_declared_charset_other_than_latin1_is_used() -> None:
    # "Привет" in windows-1251: not valid UTF-8, so the declared charset decides.
    data = "Привет, мир".encode("cp1251")
    assert decode(data, "windows-1251") == "Привет, мир"


def test_valid_utf8_wins_over_a_wrong_declaration() -> None:
    assert decode("café “quoted”".encode(), "iso-8859-1") == "café “quoted”"


def test_nfc_normalisation() -> None:
    text = decode("cafe\u0301 and re\u0301sume\u0301".encode())
    assert text == "café and résumé"
    assert "\u0301" not in text
    assert len(text) == len("café and résumé")


@pytest.mark.parametrize(
    "data",
    [b"one\r\ntwo\r\nthree", b"one\rtwo\rthree", b"one\r\ntwo\rthree", b"one\ntwo\nthree"],
)
def test_newlines_become_lf(data: bytes) -> None:
    text = decode(data)
    assert text == "one\ntwo\nthree"
    assert "\r" not in text


@pytest.mark.parametrize(
    "data",
    [b"", b"   ", b"\n\r\n\t  \n", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"  \n ",
     codecs.BOM_UTF16_LE + " \n ".encode("utf-16-le")],
)
def test_empty_or_whitespace_only_is_an_error(data: bytes) -> None:
    with pytest.raises(ReadError) as caught:
        decode(data)
    assert str(caught.value) == "empty file"


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04\x00\x00\x08\x00word/document.xml", b"# Title\n\nText\x00\x00\x01more"],
)
def test_nul_bytes_mean_binary(data: bytes) -> None:
    with pytest.raises(ReadError) as caught:
        decode(data)
    assert "binary" in str(caught.value)


def test_declared_charset_from_meta_charset() -> None:
    page = b'<!doctype html><html><head><meta charset="utf-8"><title>x</title>'
    assert declared_charset(page) == "utf-8"
    assert declared_charset(b"<meta charset=Windows-1252>") == "windows-1252"
    assert declared_charset(b"<META CHARSET='ISO-8859-1'>") == "iso-8859-1"


def test_declared_charset_from_http_equiv() -> None:
    page = (b'<html><head><meta http-equiv="Content-Type" '
            b'content="text/html; charset=ISO-8859-1"><title>x</title></head>')
    assert declared_charset(page) == "iso-8859-1"


def test_declared_charset_absent() -> None:
    assert declared_charset(b"<html><head><title>No charset</title></head></html>") is None
    assert declared_charset(b"plain text that mentions charset but no meta") is None


def test_declared_charset_then_decode_html_page() -> None:
    page = (b'<html><head><meta http-equiv="Content-Type" content="text/html; '
            b'charset=iso-8859-1"></head><body><p>caf\xe9 \x93quoted\x94</p></body></html>')
    text = decode(page, declared_charset(page))
    assert "<p>café “quoted”</p>" in text


def test_other_scripts_encodings_are_detected():
    russian = ("Привет, как дела? Это текст на русском языке, довольно длинный, "
               "чтобы его кодировку можно было определить.")
    japanese = "日本語のテキストです。これは長い文章で、エンコーディングを判定します。"
    assert decode(russian.encode("cp1251")) == russian
    assert decode(japanese.encode("shift_jis")) == japanese


def test_western_text_without_a_charset_is_read_as_windows_1252_however_long():
    german = ("Ein schöner Tag am See, die Kinder spielen, es ist warm und fröhlich. "
              "Größe, Übung, Ärger, Öl, süß, müde, grün. „Anführungszeichen“ – so.") * 3
    assert decode(german.encode("cp1252")) == german
