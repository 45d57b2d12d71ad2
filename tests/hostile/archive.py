"""A hostile archive: every way a folder of essays can be broken, plus a few good essays.

``make_hostile_archive(root)`` writes it and returns {relative path: what is wrong with it}.
What a build must make of each file is in the sets below, so that the tests can check it.
Beside the archive (in ``root``'s parent) it writes one file more, OUTSIDE, which a link in
the archive points at: a build must neither read it nor write it.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

MB = 1024 * 1024
BIG_BYTES = 20 * MB  # over the default 10 MB limit: skipped with a warning
LONG_LINE_BYTES = 5 * MB  # under the limit: must be built

# Good essays: {relative path: title}. Each must be built, and none may get a warning.
GOOD_ESSAYS = {
    "good/2016-04-02-the-first-good-essay.md": "The First Good Essay",
    "good/on-keeping-a-notebook.md": "On Keeping a Notebook",
    "good/2015-11-20-the-long-walk-home.md": "The Long Walk Home",
    "good/2017-09-30-a-plain-text-essay.txt": "A Plain Text Essay",
    "good/a-saved-blog-page.html": "A Saved Blog Page",
}
# A word that occurs in every good essay's text and nowhere else, per essay.
GOOD_MARKERS = {
    "good/2016-04-02-the-first-good-essay.md": "quillfeather",
    "good/on-keeping-a-notebook.md": "marbleback",
    "good/2015-11-20-the-long-walk-home.md": "hedgerowing",
    "good/2017-09-30-a-plain-text-essay.txt": "lanternlight",
    "good/a-saved-blog-page.html": "windowsill",
}

# Skipped: named in exactly one warning line, and not built.
SKIPPED = {
    "empty/empty.md", "empty/empty.html", "empty/empty.txt",
    "empty/whitespace.md", "empty/whitespace.html", "empty/whitespace.txt",
    "binary/binary.md", "binary/binary.html", "binary/binary.txt",
    "frontmatter/malformed-yaml.md", "frontmatter/yaml-list.md",
    "size/huge-20mb.md",
    "links/dangling.md", "links/outside.md",
}
# Unreadable (chmod 000): skipped with a warning, unless the tests run as root.
UNREADABLE = "perm/unreadable.md"
# Built, and named in a warning.
BUILT_WARNED = {
    "slugs/dup/two/same-name.md",  # the second of two essays with one slug
    "dates/2021-02-30-impossible-name-date.txt",  # no date left: warned, still searchable
}
# Named in a warning, built or not (a bad date may be ignored, or the file skipped).
WARNED = {
    "dates/impossible-yaml-date.md",
    "dates/impossible-meta-date.html",
}
# Hostile content or encoding, yet an essay: must be built.
BUILT = {
    "encoding/invalid-utf8.md", "encoding/cp1252-declared-latin1.html",
    "encoding/utf8-bom.md", "encoding/utf16-bom.md",
    "slugs/dup/one/same-name.md",
    "slugs/slug-escape.md", "slugs/slug-passwd.md", "slugs/slug-dotdot.md",
    "slugs/slug-absolute.md",
    "content/xss.md", "content/xss-page.html", "content/2024-01-03-control.txt",
    "size/long-line-5mb.md",
}
# Built, or skipped with a warning naming it; never a crash.
BUILT_OR_WARNED = {"deep/nested-2000.html"}
# Dated in the year 9999: left out as a future essay (with a note), never a crash.
FUTURE = {"dates/year-9999.md"}
# Symlinked folders, never walked: nothing under them may be read.
NOT_WALKED = {"loop/up"}
# Beside the archive, in the parent of its folder: the file links/outside.md points at.
OUTSIDE = "outside-the-archive.md"
# Beside the archive too: the folder the slug, tag and author of slugs/slug-absolute.md name
# by its absolute path. A build that joined such a name to OUT would write there.
ESCAPED = "escaped-from-out"

# What the warning naming a file must say (a part of it): the real reason, never the
# "could not be read (...)" of a reader that failed in a way nobody planned for.
REASONS = {
    **{f"empty/{name}": "empty file" for name in
       ("empty.md", "empty.html", "empty.txt", "whitespace.md", "whitespace.html",
        "whitespace.txt")},
    **{f"binary/binary.{ext}": "binary file (contains NUL bytes)" for ext in
       ("md", "html", "txt")},
    "frontmatter/malformed-yaml.md": "front matter is not valid YAML at line 3",
    "frontmatter/yaml-list.md": "front matter is a list, not a set of key: value pairs",
    "size/huge-20mb.md": "over the 10,485,760-byte limit",
    "links/dangling.md": "cannot read file: No such file or directory",
    "links/outside.md": "a symbolic link to a file outside the archive; not read",
    UNREADABLE: "cannot read file: Permission denied",
    "slugs/dup/two/same-name.md":
        "slug 'same-name' is already used by slugs/dup/one/same-name.md",
    "dates/2021-02-30-impossible-name-date.txt": "no date in the text or the file name",
    "dates/impossible-yaml-date.md": "not a date: '2021-02-30'",
    "dates/impossible-meta-date.html": "not a date: '2021-02-30'",
    "deep/nested-2000.html": "HTML nested over 256 elements deep",
}

# Text that a correctly decoded file must give (checked in export's output).
EXPECTED_TEXT = {
    "encoding/invalid-utf8.md": ("Invalid Bytes", "café"),
    "encoding/cp1252-declared-latin1.html": ("Café Menu", "\u201csmart quotes\u201d"),
    "encoding/utf8-bom.md": ("Byte Order Mark", "naïve"),
    "encoding/utf16-bom.md": ("Sixteen Bits", "Grüße"),
}

CONTROL = "".join(chr(c) for c in (*range(1, 9), 0x0B, 0x0C, *range(0x0E, 0x20))) + "\ufffe\uffff"
PROSE = ("This paragraph is here so that the essay has enough ordinary words in it to be read "
         "as an essay, with sentences that run on a little, the way essays do. ")
XSS_HTML = (
    '<p>Before the trap.</p>\n'
    '<script>alert("script")</script>\n'
    '<iframe src="https://evil.example/frame"></iframe>\n'
    '<p><img src="x.png" onerror="alert(\'img\')" alt="picture"> an image.</p>\n'
    '<p><a href="javascript:alert(\'link\')">a link</a> and '
    '<a href="JaVaScRiPt:alert(1)">another</a> and '
    '<a href="java&#x09;script:alert(2)">a third</a>.</p>\n'
    '<p onclick="alert(3)" onmouseover="alert(4)">Handlers on a paragraph.</p>\n'
    '<svg><script>alert(5)</script></svg>\n'
    '<p>A CDATA end ]]&gt; and raw ]]> in the text.</p>\n'
)

HOSTILE = {
    "empty/empty.md": "empty file",
    "empty/empty.html": "empty file",
    "empty/empty.txt": "empty file",
    "empty/whitespace.md": "whitespace only",
    "empty/whitespace.html": "whitespace only",
    "empty/whitespace.txt": "whitespace only",
    "binary/binary.md": "binary (PNG bytes) with a .md extension",
    "binary/binary.html": "binary (gzip bytes) with a .html extension",
    "binary/binary.txt": "binary (random bytes with NULs) with a .txt extension",
    "encoding/invalid-utf8.md": "invalid UTF-8 (latin-1 bytes and a stray 0xC3)",
    "encoding/cp1252-declared-latin1.html": "windows-1252 bytes in a page declaring iso-8859-1",
    "encoding/utf8-bom.md": "UTF-8 with a byte-order mark before the front matter",
    "encoding/utf16-bom.md": "UTF-16 (little-endian) with a byte-order mark",
    "frontmatter/malformed-yaml.md": "front matter that is not valid YAML",
    "frontmatter/yaml-list.md": "front matter that is a YAML list, not a mapping",
    "dates/impossible-yaml-date.md": "impossible date 2021-02-30 in YAML front matter",
    "dates/impossible-meta-date.html": "impossible date 2021-02-30 in article:published_time",
    "dates/2021-02-30-impossible-name-date.txt": "impossible date 2021-02-30 in the file name",
    "dates/year-9999.md": "dated in the year 9999 (at -12:00, past the end of UTC time)",
    "slugs/dup/one/same-name.md": "same slug as slugs/dup/two/same-name.md",
    "slugs/dup/two/same-name.md": "same slug as slugs/dup/one/same-name.md",
    "slugs/slug-escape.md": "slug, tag and author ../../escape",
    "slugs/slug-passwd.md": "slug, tag and author /etc/passwd",
    "slugs/slug-dotdot.md": "slug, tag and author ..",
    "content/xss.md": "script, iframe, onerror, javascript: links, ]]> and XML-illegal "
                      "control characters in title, tags and body",
    "content/xss-page.html": "script, iframe, onerror, javascript: links in a saved page",
    "content/2024-01-03-control.txt": "XML-illegal control characters, ]]> and <script> "
                                      "in plain text",
    "size/huge-20mb.md": "20 MB essay, over the 10 MB limit",
    "size/long-line-5mb.md": "5 MB essay on a single line",
    "deep/nested-2000.html": "HTML nested 2,000 elements deep",
    "loop/up": "a folder symlinked to its parent (a loop)",
    "links/dangling.md": "a dangling symlink",
    "links/outside.md": f"a symlink to ../{OUTSIDE}, a file outside the archive",
    "slugs/slug-absolute.md": f"slug, tag and author the absolute path of ../{ESCAPED}",
    UNREADABLE: "unreadable (chmod 000)",
}


def _front(title: str, date: str, extra: str = "", tags: str = "[hostile]") -> str:
    return f"---\ntitle: {title}\ndate: {date}\ntags: {tags}\n{extra}---\n"


def _good(root: Path) -> None:
    files = {
        "good/2016-04-02-the-first-good-essay.md":
            "---\ntitle: The First Good Essay\ntags: [writing, craft]\nauthor: A. Writer\n---\n"
            f"The quillfeather scratched. {PROSE}\n\nA second paragraph. {PROSE}\n",
        "good/on-keeping-a-notebook.md":
            "+++\ntitle = \"On Keeping a Notebook\"\ndate = 2018-02-11T09:30:00+01:00\n"
            "tags = [\"writing\", \"habits\"]\n+++\n"
            f"A marbleback notebook sits on the desk. {PROSE}\n",
        "good/2015-11-20-the-long-walk-home.md":
            "# The Long Walk Home\n\n"
            f"Past the hedgerowing fields. {PROSE}\n",
        "good/2017-09-30-a-plain-text-essay.txt":
            f"A Plain Text Essay\n\nBy lanternlight we read. {PROSE}\n\nThe end of it. {PROSE}\n",
        "good/a-saved-blog-page.html":
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>A Saved Blog Page | Some Blog</title>"
            "<meta property=\"og:title\" content=\"A Saved Blog Page\">"
            "<meta property=\"og:site_name\" content=\"Some Blog\">"
            "<meta property=\"article:published_time\" content=\"2019-05-06T08:00:00+00:00\">"
            "</head><body><header><nav><a href=\"/\">Home</a></nav></header>"
            "<main><article><h1>A Saved Blog Page</h1>"
            f"<p>On the windowsill a cat sleeps. {PROSE}</p>"
            f"<p>The second paragraph of the page. {PROSE}</p>"
            f"<p>The third paragraph of the page. {PROSE}</p>"
            "</article></main><footer>Copyright Some Blog</footer></body></html>",
    }
    for relpath, text in files.items():
        _write(root / relpath, text.encode("utf-8"))


def _sizes(root: Path) -> None:
    """A file over the size limit and one just under it, on one line; each written with a
    single write call."""
    head = _front("Huge", "2019-08-01").encode()
    _write(root / "size/huge-20mb.md", head + b"word " * ((BIG_BYTES - len(head)) // 5 + 1))
    head = _front("One Long Line", "2019-08-02").encode()
    words = b"".join(b"w%04d " % n for n in range(1000))  # 6,000 bytes, 1,000 distinct words
    body = words * ((LONG_LINE_BYTES - len(head)) // len(words) + 1)
    _write(root / "size/long-line-5mb.md", head + body.rstrip() + b"\n")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def make_hostile_archive(root: Path, sizes: bool = True) -> dict[str, str]:
    """Write the hostile archive into ``root``; return {relative path: what is wrong}.
    ``sizes`` False leaves out the two files of megabytes: what a build must survive, where
    the pages' tests look at markup, and indexing five megabytes of words costs seconds."""
    root.mkdir(parents=True, exist_ok=True)
    _good(root)
    files: dict[str, bytes] = {
        "empty/empty.md": b"",
        "empty/empty.html": b"",
        "empty/empty.txt": b"",
        "empty/whitespace.md": b"  \n\t\n\r\n   \n",
        "empty/whitespace.html": b"\n\n\t \r\n",
        "empty/whitespace.txt": b" \t \n\n \x0c\n",
        "binary/binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(256),
        "binary/binary.html": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(256)),
        "binary/binary.txt": bytes(range(256)) * 8,
        "encoding/invalid-utf8.md":
            b"---\ntitle: Invalid Bytes\ndate: 2019-01-02\n---\n"
            b"A caf\xe9 on the corner \xc3 where the bytes are not UTF-8. "
            + PROSE.encode() + b"\n",
        "encoding/cp1252-declared-latin1.html":
            b"<html><head><meta http-equiv=\"Content-Type\" "
            b"content=\"text/html; charset=iso-8859-1\"><title>Caf\xe9 Menu</title>"
            b"<meta property=\"article:published_time\" content=\"2019-02-03\"></head>"
            b"<body><article><h1>Caf\xe9 Menu</h1><p>Prices in \x80 and \x93smart quotes\x94 "
            b"\x96 the windows-1252 kind. " + PROSE.encode() + b"</p><p>"
            + PROSE.encode() + b"</p></article></body></html>",
        "encoding/utf8-bom.md": codecs.BOM_UTF8 + (
            "---\ntitle: Byte Order Mark\ndate: 2019-03-04\n---\n"
            f"A naïve reader trips on the mark. {PROSE}\n").encode(),
        "encoding/utf16-bom.md": codecs.BOM_UTF16_LE + (
            "---\ntitle: Sixteen Bits\ndate: 2019-04-05\n---\n"
            f"Grüße in two bytes a letter. {PROSE}\n").encode("utf-16-le"),
        "frontmatter/malformed-yaml.md":
            b"---\ntitle: [unclosed\ndate: 2020-01-01\n  bad: indentation: here\n---\nBody.\n",
        "frontmatter/yaml-list.md": b"---\n- title\n- date\n---\nA body after a list.\n",
        "dates/impossible-yaml-date.md":
            _front("Impossible YAML Date", "2021-02-30").encode() + PROSE.encode() + b"\n",
        "dates/impossible-meta-date.html":
            b"<html><head><title>Impossible Meta Date</title>"
            b"<meta property=\"article:published_time\" content=\"2021-02-30\"></head>"
            b"<body><article><p>" + PROSE.encode() * 3 + b"</p></article></body></html>",
        "dates/2021-02-30-impossible-name-date.txt":
            b"Impossible Name Date\n\n" + PROSE.encode() + b"\n",
        "dates/year-9999.md":
            _front("The Year 9999", "9999-12-31T23:59:59-12:00").encode() + PROSE.encode(),
        "slugs/dup/one/same-name.md":
            _front("Same Name One", "2019-06-01").encode() + PROSE.encode(),
        "slugs/dup/two/same-name.md":
            _front("Same Name Two", "2019-06-02").encode() + PROSE.encode(),
        "slugs/slug-escape.md": _front(
            "Escape", "2019-07-01", "slug: ../../escape\nauthor: ../../escape\n",
            tags="['../../escape', '../..']").encode() + PROSE.encode(),
        "slugs/slug-passwd.md": _front(
            "Password File", "2019-07-02", "slug: /etc/passwd\nauthor: /etc/passwd\n",
            tags="['/etc/passwd', '/etc']").encode() + PROSE.encode(),
        "slugs/slug-dotdot.md": _front(
            "Dot Dot", "2019-07-03", "slug: '..'\nauthor: '..'\n",
            tags="['..', '.', '/']").encode() + PROSE.encode(),
        "content/xss.md": (
            # YAML refuses raw control characters; its escapes put them in title and tags.
            "---\ntitle: \"Hostile ]]> Title \\x01\\x02\\x1f <script>\"\ndate: 2024-01-01\n"
            "tags: [hostile, \"ctl\\x03\\x0btag\"]\nauthor: \"Mal\\x07lory\"\n---\n"
            f"{PROSE}{CONTROL}\n\n{XSS_HTML}\n{PROSE}\n").encode(),
        "content/xss-page.html": (
            "<html><head><title>Hostile Page</title>"
            "<meta property=\"article:published_time\" content=\"2024-01-02\">"
            "<meta name=\"keywords\" content=\"hostile\">"
            "<script>alert('head')</script></head><body onload=\"alert('body')\">"
            f"<article><h1>Hostile Page</h1><p>{PROSE}</p>{XSS_HTML}<p>{PROSE}</p>"
            f"<p>{PROSE}{CONTROL}</p></article></body></html>").encode(),
        "content/2024-01-03-control.txt": (
            f"Control {CONTROL[:4]} Characters ]]>\n\n{PROSE}{CONTROL}\n\n"
            f"<script>alert(1)</script> and ]]> in text. {PROSE}\n").encode(),
    }
    for relpath, data in files.items():
        _write(root / relpath, data)

    if sizes:
        _sizes(root)

    # Depth: 2,000 nested elements around the text.
    page = ("<html><head><title>Nested Deep</title>"
            "<meta property=\"article:published_time\" content=\"2019-09-01\"></head><body>"
            + "<div>" * 1000 + "<section>" * 1000 + f"<p>{PROSE}</p>"
            + "</section>" * 1000 + "</div>" * 1000 + "</body></html>")
    _write(root / "deep/nested-2000.html", page.encode())

    # Links: a folder linked to its parent, and a link to nothing.
    (root / "loop").mkdir(parents=True, exist_ok=True)
    (root / "loop" / "up").symlink_to("..", target_is_directory=True)
    (root / "links").mkdir(parents=True, exist_ok=True)
    (root / "links" / "dangling.md").symlink_to("no-such-essay.md")

    # A link out of the archive, to an essay beside it that no build may read or write.
    outside = root.parent / OUTSIDE
    outside.write_bytes(_front("Outside the Archive", "2019-10-02").encode() + PROSE.encode())
    (root / "links" / "outside.md").symlink_to(outside)

    # An absolute path as slug, tag and author, into a folder beside the archive.
    escaped = str(root.parent.resolve() / ESCAPED)
    _write(root / "slugs/slug-absolute.md", _front(
        "Absolute Path", "2019-07-04", f"slug: '{escaped}'\nauthor: '{escaped}'\n",
        tags=f"['{escaped}', '{escaped}/tags']").encode() + PROSE.encode())

    # Permissions: an essay nobody may read (root still can).
    unreadable = root / UNREADABLE
    _write(unreadable, _front("Unreadable", "2019-10-01").encode() + PROSE.encode())
    os.chmod(unreadable, 0)

    return dict(HOSTILE)
