"""Word .docx essays, made for real with python-docx in each test and read through the
public entry point (read_essay, or a whole build through the CLI)."""

from __future__ import annotations

import io
import pickle
import struct
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

import docx
import feedparser
import pytest
from click.testing import CliRunner
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from feedsearch.cli import cli
from feedsearch.readers import InputFile, ReadError, read_essay, reader_for
from feedsearch.readers.limits import MAX_FILE_BYTES
from feedsearch.search import search

OPENING = ("The lamp in the hall stays on after everyone has gone to bed, and the house "
           "keeps a small circle of its evening there.")
LATER = "By morning the circle is gone, and nobody remembers turning the switch."


def png() -> bytes:
    """A 1x1 red PNG."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def bmp() -> bytes:
    """A 1x1 BMP: a format Word holds and feed readers do not show."""
    pixels = b"\x00\x00\xff\x00"
    info = struct.pack("<IiiHHIIiiII", 40, 1, 1, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 54 + len(pixels), 0, 0, 54) + info + pixels


def add_link(paragraph, url: str, text: str) -> None:
    rid = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link, run, words = OxmlElement("w:hyperlink"), OxmlElement("w:r"), OxmlElement("w:t")
    link.set(qn("r:id"), rid)
    words.text = text
    run.append(words)
    link.append(run)
    paragraph._p.append(link)


def word_file(path: Path, *, title: str = "", creator: str = "", keywords: str = "",
              created: datetime | None = datetime(2021, 3, 4, 9, 30, tzinfo=UTC),
              modified: datetime | None = None, heading: str | None = None,
              paragraphs: tuple[str, ...] = (OPENING, LATER), build=None) -> Path:
    """A .docx at ``path``: the core properties given (python-docx's template has its own
    creator and dates, which are replaced), an optional Heading 1, then ``paragraphs``;
    ``build(document)`` adds more."""
    document = docx.Document()
    props = document.core_properties
    props.title, props.author, props.keywords, props.comments = title, creator, keywords, ""
    if created is not None:
        props.created = created
    props.modified = modified or created or datetime(2021, 3, 4, tzinfo=UTC)
    if heading is not None:
        document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if build is not None:
        build(document)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def read(path: Path):
    return read_essay(path.read_bytes(), path.name)


def test_title_author_dates_and_tags_come_from_the_core_properties(tmp_path):
    def unstyled(document):  # a style mammoth has no mapping for: not the writer's problem
        document.styles.add_style("Pull Aside", WD_STYLE_TYPE.PARAGRAPH)
        document.add_paragraph("An aside in a style of the writer's own.", style="Pull Aside")

    path = word_file(tmp_path / "the-lamp.docx", title="Keeping the Lamp On",
                     creator="Ines Varga; Tomas Reyes", keywords="evenings; rest, home",
                     created=datetime(2021, 3, 4, 9, 30, tzinfo=UTC),
                     modified=datetime(2021, 5, 1, 18, 0, tzinfo=UTC), build=unstyled)
    essay = read(path)
    assert essay.title == "Keeping the Lamp On"
    assert essay.slug == "the-lamp"
    assert essay.authors == ["Ines Varga", "Tomas Reyes"]
    assert essay.tags == ["evenings", "rest", "home"]
    assert essay.date == datetime(2021, 3, 4, 9, 30, tzinfo=UTC)
    assert essay.updated == datetime(2021, 5, 1, 18, 0, tzinfo=UTC)
    assert essay.text.startswith(OPENING)
    assert essay.summary == OPENING
    assert essay.warnings == []


def test_a_heading_repeating_the_title_property_is_not_shown_twice(tmp_path):
    essay = read(word_file(tmp_path / "lamp.docx", title="Keeping the Lamp On",
                           heading="Keeping the Lamp On"))
    assert essay.title == "Keeping the Lamp On"
    assert "Keeping the Lamp On" not in essay.text
    assert essay.html.startswith("<p>")


def test_without_a_title_property_the_first_heading_is_the_title(tmp_path):
    essay = read(word_file(tmp_path / "lamp.docx", heading="The Hall at Night"))
    assert essay.title == "The Hall at Night"
    assert "The Hall at Night" not in essay.text
    assert "<h1" not in essay.html
    assert essay.text.startswith(OPENING)


def test_then_a_short_first_paragraph_then_the_file_name(tmp_path):
    short = read(word_file(tmp_path / "a.docx", paragraphs=("Notes on a Hall Lamp", OPENING)))
    assert short.title == "Notes on a Hall Lamp"
    assert short.text == OPENING
    named = tmp_path / "hall-lamp.docx"
    warnings: list[str] = []
    essay = reader_for(named.name).read(word_file(named).read_bytes(), named.name,
                                        warnings=warnings)
    assert essay.title == "hall-lamp"
    assert essay.text.startswith(OPENING)
    assert any("using the file name" in w for w in warnings)


@pytest.mark.parametrize("placeholder", ["python-docx", "Microsoft Office User", "Unknown"])
def test_names_tools_write_when_nobody_set_one_are_not_authors(tmp_path, placeholder):
    essay = read(word_file(tmp_path / "lamp.docx", creator=f"{placeholder}; Ines Varga"))
    assert essay.authors == ["Ines Varga"]


def test_a_dated_file_name_wins_over_the_created_date(tmp_path):
    path = word_file(tmp_path / "2019-10-02-late-trains.docx", title="Late Trains",
                     created=datetime(2018, 1, 1, tzinfo=UTC),
                     modified=datetime(2020, 2, 2, 12, 0, tzinfo=UTC))
    essay = read(path)
    assert essay.date == datetime(2019, 10, 2, tzinfo=UTC)
    assert essay.slug == "late-trains"
    assert essay.updated == datetime(2020, 2, 2, 12, 0, tzinfo=UTC)
    earlier = read(word_file(tmp_path / "2022-06-01-late-trains.docx", title="Late Trains",
                             created=datetime(2018, 1, 1, tzinfo=UTC),
                             modified=datetime(2020, 2, 2, tzinfo=UTC)))
    assert earlier.updated is None  # last saved before the date it went out


def test_headings_lists_links_and_emphasis_are_kept(tmp_path):
    def body(document):
        document.add_heading("What the Switch Knows", level=2)
        document.add_paragraph("a brass switch", style="List Bullet")
        document.add_paragraph("a frayed cord", style="List Bullet")
        marked = document.add_paragraph("Some evenings are ")
        marked.add_run("quieter").bold = True
        marked.add_run(" than ")
        marked.add_run("others").italic = True
        marked.add_run(", as the ")
        add_link(marked, "https://lamps.example/notes", "lamp notes")
        marked.add_run(" say.")

    html = read(word_file(tmp_path / "lamp.docx", title="Lamp", build=body)).html
    assert "<h2>What the Switch Knows</h2>" in html
    assert "<ul><li>a brass switch</li><li>a frayed cord</li></ul>" in html
    assert "<strong>quieter</strong>" in html
    assert "<em>others</em>" in html
    assert '<a href="https://lamps.example/notes">lamp notes</a>' in html


def test_images_feeds_show_are_data_urls_others_left_out_with_one_warning(tmp_path):
    def pictures(document):
        document.add_picture(io.BytesIO(png()))
        document.add_picture(io.BytesIO(bmp()))
        document.add_picture(io.BytesIO(bmp()))

    path = word_file(tmp_path / "lamp.docx", title="Lamp", build=pictures)
    essay = read(path)
    assert essay.html.count("<img") == 1
    assert '<img src="data:image/png;base64,' in essay.html
    assert "image/bmp" not in essay.html
    assert essay.warnings == ["2 images left out (2 BMP): the feeds carry only PNG, JPEG, GIF "
                              "and WebP images the file holds"]


def damaged(data: bytes, name: str) -> bytes:
    """``data`` with bytes inside the compressed ``name`` overwritten."""
    member = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    extra = struct.unpack_from("<H", data, member.header_offset + 28)[0]
    start = member.header_offset + 30 + len(name) + extra + member.compress_size // 2
    return data[:start] + b"\xff" * 16 + data[start + 16:]


def test_a_file_that_is_not_a_word_document_is_one_read_error(tmp_path):
    good = word_file(tmp_path / "lamp.docx", title="Lamp").read_bytes()
    for data, reason in ((b"just some bytes, not a zip", "not a ZIP file, or a damaged one"),
                         (good[: len(good) // 2], "not a readable Word document"),
                         (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "encrypted"),
                         (b"", "empty file")):
        with pytest.raises(ReadError, match=reason) as caught:
            read_essay(data, "lamp.docx")
        assert "Traceback" not in str(caught.value)
    with pytest.raises(ReadError, match="not a readable Word document"):
        read_essay(damaged(good, "word/document.xml"), "lamp.docx")
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("notes.txt", "a zip, but no Word document inside")
    with pytest.raises(ReadError, match="not a readable Word document: .*main document part"):
        read_essay(other.getvalue(), "lamp.docx")


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """``data`` with the central directory saying that ``name`` unpacks to ``size``."""
    start = 0
    while (at := data.find(b"PK\x01\x02", start)) != -1:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46: at + 46 + length] == name.encode():
            return data[: at + 24] + struct.pack("<I", size) + data[at + 28:]
        start = at + 4
    raise AssertionError(f"{name} not in the ZIP")


def test_a_part_declaring_a_huge_size_is_refused_unread(tmp_path, monkeypatch):
    good = word_file(tmp_path / "lamp.docx", title="Lamp").read_bytes()
    bomb = declare_size(good, "word/document.xml", 0xFFFFFFF0)
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    with pytest.raises(ReadError, match=f"'word/document.xml' unpacks to 4,294,967,280 bytes, "
                                        f"over the {MAX_FILE_BYTES:,}-byte limit"):
        read_essay(bomb, "lamp.docx")
    assert opened == []
    read_essay(good, "lamp.docx")  # the same file as it was is read, through the spy
    assert "word/document.xml" in opened


@pytest.mark.parametrize("name", ["docProps/core.xml", "word/document.xml"])
def test_a_part_declaring_entities_is_refused(tmp_path, name):
    good = word_file(tmp_path / "lamp.docx", title="Lamp").read_bytes()
    hostile = rewritten(good, lambda member, part: part.replace(
        b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaa">]>', 1) if member == name else part)
    with pytest.raises(ReadError, match=f"'{name}' declares a DTD"):
        read_essay(hostile, "lamp.docx")


def rewritten(data: bytes, change) -> bytes:
    """``data`` with each part replaced by ``change(name, part)``; None drops the part."""
    result = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(result, "w") as target:
        for member in source.infolist():
            part = change(member.filename, source.read(member))
            if part is not None:
                target.writestr(member, part)
    return result.getvalue()


def test_without_properties_or_a_dated_name_the_essay_is_undated(tmp_path):
    good = word_file(tmp_path / "lamp.docx", heading="The Hall at Night").read_bytes()
    bare = rewritten(good, lambda name, part: None if name == "docProps/core.xml" else part)
    essay = read_essay(bare, "lamp.docx")
    assert (essay.title, essay.date, essay.updated, essay.authors) == (
        "The Hall at Night", None, None, [])
    (warning,) = essay.warnings
    assert "searchable, but left out of the feeds" in warning
    assert "YYYY-MM-DD-lamp.docx" in warning


def test_a_document_without_text_is_a_read_error(tmp_path):
    with pytest.raises(ReadError, match="no text in the document"):
        read(word_file(tmp_path / "empty.docx", title="Nothing Yet", paragraphs=()))


def test_a_docx_entry_pickles_for_a_parsing_process(tmp_path):
    path = word_file(tmp_path / "lamp.docx", title="Lamp")
    data = path.read_bytes()
    file = InputFile(path, "lamp.docx", data=data, digest="d")
    (entry,) = list(reader_for("lamp.docx").entries(file))
    assert pickle.loads(pickle.dumps(entry.make))().title == "Lamp"


def test_a_build_puts_the_word_essay_in_the_feeds_and_the_index(tmp_path):
    archive = tmp_path / "essays"
    word_file(archive / "2023-11-05-the-hall-lamp.docx", title="The Hall Lamp",
              creator="Ines Varga", keywords="evenings",
              build=lambda document: document.add_picture(io.BytesIO(png())))
    (archive / "old-draft.doc").write_bytes(b"\xd0\xcf\x11\xe0 an old Word file")
    out, index = tmp_path / "public", tmp_path / "index"
    result = CliRunner().invoke(cli, ["build", str(archive), "--out", str(out), "--index",
                                      str(index), "--base-url", "https://lamps.example/",
                                      "--title", "Lamps"])
    assert result.exit_code == 0, result.output
    assert "old-draft.doc: not read: a Word 97-2003 document" in result.output
    assert "the-hall-lamp.docx" not in result.output  # read without a warning
    feed = feedparser.parse((out / "feed.xml").read_bytes(), sanitize_html=False)
    (entry,) = feed.entries
    assert entry.title == "The Hall Lamp"
    assert entry.link == "https://lamps.example/the-hall-lamp/"
    assert entry.published_parsed[:3] == (2023, 11, 5)
    assert OPENING in entry.content[0].value
    assert 'src="data:image/png;base64,' in entry.content[0].value
    atom = feedparser.parse((out / "atom.xml").read_bytes())
    assert atom.entries[0].author == "Ines Varga"
    assert (out / "tags" / "evenings" / "feed.xml").exists()
    assert search(index, "circle evening switch").results[0].slug == "the-hall-lamp"
