"""Word essays (.docx): the body through mammoth, the title, dates, authors and tags from the
document's own properties (docProps/core.xml).

A .docx is a ZIP of XML parts, and it comes from elsewhere: it is read in memory, never
unpacked to disk, and no member name is ever used as a path (mammoth's access to files
outside the ZIP stays off). Before anything is read, the member count and each member's
declared size are bounded: zipfile never reads past the size a member declares, so a
member that declares too much (a zip bomb) is refused unread. A part that declares a DTD is
refused too, as every XML file is here: entities are the way to expand a few bytes into
gigabytes, and Word never writes one.
"""

from __future__ import annotations

import base64
import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import mammoth
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from lxml import html as lxmlhtml
from mammoth import html as mammothhtml
from mammoth.docx.files import InvalidFileReferenceError

from ..model import Document
from .base import Reader, SourceFile
from .errors import ReadError
from .htmltext import first_paragraph, html_to_text, parse_fragment
from .limits import MAX_FILE_BYTES
from .meta import as_list, dated_name_fix, shorten, to_datetime, undated_warning, unique
from .registry import register

MAX_MEMBERS = 5_000  # a long essay with many pictures has a few hundred
MAX_UNPACKED_BYTES = 4 * MAX_FILE_BYTES  # all members together; each is under MAX_FILE_BYTES
_CORE = "docProps/core.xml"  # where Word, LibreOffice, Google Docs and python-docx put it
_DC, _TERMS = "{http://purl.org/dc/elements/1.1/}", "{http://purl.org/dc/terms/}"
_CORE_TAGS = {"title": _DC + "title", "creator": _DC + "creator", "created": _TERMS + "created",
              "modified": _TERMS + "modified", "keywords": "{http://schemas.openxmlformats.org"
              "/package/2006/metadata/core-properties}keywords"}
# What tools write as dc:creator when nobody set a name: not a byline. ("Microsoft Office
# User" is Word for Mac's, "Windows User" Word for Windows', the rest are account names.)
_NO_AUTHOR = frozenset({"python-docx", "microsoft office user", "windows user", "unknown",
                        "author", "user", "admin", "administrator"})
# Mammoth's own map already keeps Heading 1-6, lists, links, bold, italic and strikethrough.
_STYLE_MAP = """
p[style-name='Title'] => h1:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
r[style-name='Emphasis'] => em
r[style-name='Intense Emphasis'] => em
"""
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# The sanitiser keeps data:image/ URLs in the feeds (sanitize.py); these formats are the
# ones feed readers and browsers show. EMF, WMF and TIFF, which Word also holds, are not.
_SHOWN = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
_DTD_MARKS = tuple("<!DOCTYPE".encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be"))
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: encrypted .docx, or a .doc


@register
class DocxReader(Reader):
    extensions = (".docx",)

    def decode(self, data: bytes) -> str:
        """The bytes unchanged: latin-1 maps each byte to one character and back, so
        Reader.read hands them to :meth:`parse` (a .docx is not text to decode)."""
        if not data:
            raise ReadError("empty file")
        return data.decode("latin-1")

    def parse(self, source: SourceFile) -> Document:
        data = source.text.encode("latin-1")
        with _unreadable():
            properties = _core_properties(_checked_zip(data), source)
            left_out: Counter[str] = Counter()
            # Mammoth's messages are about styles it has no mapping for: not the writer's.
            html = mammoth.convert_to_html(
                io.BytesIO(data), style_map=_STYLE_MAP, include_embedded_style_map=False,
                external_file_access=False, convert_image=_image_converter(left_out)).value
        if left_out:
            count = sum(left_out.values())
            source.warn(f"{count} image{'s' * (count != 1)} left out ("
                        + ", ".join(f"{n} {why}" for why, n in sorted(left_out.items()))
                        + "): the feeds carry only PNG, JPEG, GIF and WebP images the file "
                        "holds")
        title, html = _title(properties.get("title", ""), html, source)
        text = html_to_text(html)
        if not text:
            raise ReadError("no text in the document")

        name_date, name_slug = source.name_date_and_slug()
        date = to_datetime(name_date, source.default_tz) if name_date else None
        date = date or _date(source, properties.get("created"))
        updated = _date(source, properties.get("modified"))
        if updated is not None and (date is None or updated <= date):
            updated = None  # saved before the date it was published: not an update
        if date is None:
            source.warn(undated_warning("no date in the document's properties or its file "
                                        "name", dated_name_fix(source.relpath).removeprefix("or ")))
        authors = [name for name in as_list(properties.get("creator", "").replace(";", ","))
                   if name.casefold() not in _NO_AUTHOR]
        # The summary is not dc:description: Word shows that as "Comments", for notes to self.
        return Document(slug=name_slug, title=title, source=source.relpath, html=html,
                        text=text, date=date, updated=updated, authors=unique(authors),
                        tags=unique(as_list(properties.get("keywords", "").replace(";", ","))),
                        summary=shorten(first_paragraph(text)))


@contextmanager
def _unreadable() -> Iterator[None]:
    """Whatever the ZIP, its XML or mammoth raise is one ReadError saying why."""
    try:
        yield
    except ReadError:
        raise
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
        if isinstance(exc, zipfile.BadZipFile):  # "File is not a zip file", "Bad CRC-32 ..."
            reason = "not a ZIP file, or a damaged one" if "not a zip" in str(exc) else str(exc)
        raise ReadError(f"not a readable Word document: {reason}") from exc


def _checked_zip(data: bytes) -> zipfile.ZipFile:
    """The ZIP in ``data``, once its members are known to be few and small enough and its
    XML parts to declare no DTD (else ReadError)."""
    if data.startswith(_OLE):
        raise ReadError("not a readable Word document: it is encrypted with a password, or "
                        "is a Word 97-2003 file named .docx")
    archive = zipfile.ZipFile(io.BytesIO(data))
    members = archive.infolist()
    largest = max(members, key=lambda member: member.file_size, default=None)
    total = sum(member.file_size for member in members)
    if len(members) > MAX_MEMBERS:
        problem = f"{len(members):,} parts, over the limit of {MAX_MEMBERS:,}"
    elif largest is not None and largest.file_size > MAX_FILE_BYTES:
        problem = (f"part {largest.filename!r} unpacks to {largest.file_size:,} bytes, over "
                   f"the {MAX_FILE_BYTES:,}-byte limit")
    elif total > MAX_UNPACKED_BYTES:
        problem = f"unpacks to {total:,} bytes, over the {MAX_UNPACKED_BYTES:,}-byte limit"
    else:
        problem = next((f"part {member.filename!r} declares a DTD (entities), which Word "
                        "never writes" for member in members
                        if member.filename.lower().endswith((".xml", ".rels"))
                        and any(mark in archive.read(member) for mark in _DTD_MARKS)), None)
    if problem:
        raise ReadError(f"not a readable Word document: {problem}")
    return archive


def _core_properties(archive: zipfile.ZipFile, source: SourceFile) -> dict[str, str]:
    """Title, creator, keywords and dates from docProps/core.xml; {} without one."""
    try:
        root = fromstring(archive.read(_CORE), forbid_dtd=True)
    except KeyError:
        return {}
    except (ParseError, DefusedXmlException):
        source.warn(f"the document's properties ({_CORE}) are not well-formed XML; ignored")
        return {}
    return {key: " ".join((root.findtext(tag) or "").split()) for key, tag in _CORE_TAGS.items()}


def _image_converter(left_out: Counter[str]):
    """Mammoth's image hook: a shown format becomes a data URL; any other, or an image
    linked rather than held in the file, is left out and counted in ``left_out``."""

    def convert(image) -> list:
        kind = (image.content_type or "").lower()
        if kind not in _SHOWN:
            left_out[kind.removeprefix("image/").removeprefix("x-").upper() or "unknown"] += 1
            return []
        try:
            with image.open() as stream:
                data = stream.read()
        except InvalidFileReferenceError:  # linked: external file access is off
            left_out["linked"] += 1
            return []
        attributes = {"src": f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"}
        if image.alt_text:
            attributes["alt"] = image.alt_text
        return [mammothhtml.element("img", attributes)]

    return convert


def _title(title: str, html: str, source: SourceFile) -> tuple[str, str]:
    """The title (the property, else a first heading, else a short first paragraph, else
    the file name) and the body without the block the title was taken from."""
    root = parse_fragment(html)
    first = root[0] if len(root) else None
    words = " ".join(first.text_content().split()) if first is not None else ""
    heading = first is not None and first.tag in _HEADINGS and bool(words)
    if title:
        taken = heading and words.casefold() == title.casefold()  # the title, shown again
    elif heading or (first is not None and first.tag == "p" and _short(words) and len(root) > 1):
        title, taken = words, True
    else:
        title, taken = source.stem, False
        source.warn("no title in the document's properties or its first lines; "
                    "using the file name")
    if not taken:
        return title, html
    first.drop_tree()
    return title, (root.text or "") + "".join(
        lxmlhtml.tostring(child, encoding="unicode") for child in root)


def _short(line: str) -> bool:
    """A paragraph that reads as a title: a few words, not a sentence's ending."""
    return 0 < len(line.split()) <= 12 and len(line) <= 120 and not line.endswith(
        (".", ",", ";", ":"))


def _date(source: SourceFile, value: str | None):
    try:
        return to_datetime(value, source.default_tz)
    except ValueError as exc:
        source.warn(f"{exc} in the document's properties; ignored")
        return None
