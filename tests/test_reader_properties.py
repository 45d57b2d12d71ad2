"""Property tests of the readers: whatever bytes a file holds, a reader gives back a Document
with a title and a safe slug, or raises ReadError. Never any other exception: not even one
that the catch-all of reading() turned into a ReadError ("could not be read (...)"), which
keeps a build going but is a reader failing in a way nobody planned for."""

from __future__ import annotations

import json
from datetime import UTC

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from feedsearch.model import Document
from feedsearch.readers import ReadError, reader_for
from feedsearch.readers.errors import as_read_error

EXTENSIONS = (".md", ".html", ".txt")
RAW = settings(max_examples=150, deadline=None,
               suppress_health_check=[HealthCheck.too_slow])
STRUCTURED = settings(max_examples=100, deadline=None,
                      suppress_health_check=[HealthCheck.too_slow])


def made_by_the_catch_all(exc: ReadError) -> bool:
    """Whether ``exc`` is what reading() made of another exception (an AttributeError, a
    ValueError from a library) rather than a ReadError a reader raised on purpose. A
    deliberate one may chain the library error it reports (a decode, YAML or XML error),
    but its message says what is wrong, never what as_read_error says of that error:
    "could not be read (TypeName: ...)". (A RecursionError is the one exception
    as_read_error gives a reason of its own, "nested too deeply to read": the file's
    nesting, not the reader, is at fault.)"""
    if str(exc).startswith("could not be read ("):
        return True
    cause = exc.__cause__
    return (cause is not None and not isinstance(cause, ReadError | RecursionError)
            and str(exc) == str(as_read_error(cause)))


def read_or_refuse(data: bytes, relpath: str) -> Document | None:
    """The property itself: a Document with a title and a safe slug, or a ReadError that a
    reader raised on purpose, with its reason."""
    reader = reader_for(relpath)
    assert reader is not None, relpath
    warnings: list[str] = []
    try:
        document = reader.read(data, relpath, UTC, warnings)
    except ReadError as exc:
        assert str(exc), "a ReadError must give its reason"
        assert not made_by_the_catch_all(exc), (
            f"{relpath}: the reader failed unexpectedly: {exc!r} from {exc.__cause__!r}",
            data[:200])
        return None
    assert isinstance(document, Document)
    assert document.title.strip(), (data[:200], relpath)
    slug = document.slug
    assert slug, (data[:200], relpath)
    assert "/" not in slug and "\\" not in slug and ".." not in slug, slug
    assert slug.strip() == slug and slug not in (".", "..")
    assert all(isinstance(w, str) and w for w in warnings)
    return document


# --- raw bytes ------------------------------------------------------------------------------

# File names as they come: hostile ones too. The slug must be safe whatever the name.
names = st.one_of(
    st.sampled_from(["x", "..", "...", "../../escape", "/etc/passwd", "2021-02-30-bad",
                     "2020-01-01-", " ", "-", "\u202e", "ﬁ", "İ", "a/b/../c"]),
    # A "/" at the end would leave no file name at all, only a folder.
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00/"),
            min_size=1, max_size=30),
)


@RAW
@given(data=st.binary(max_size=3000), extension=st.sampled_from(EXTENSIONS), stem=names)
@example(data=b"\xef\xbb\xbf", extension=".md", stem="x")
@example(data=b"\xff\xfe\x00\xd8", extension=".txt", stem="x")
@example(data=b"---\n---\n", extension=".md", stem="..")
@example(data=b"<title>\x01</title><p>x</p>", extension=".html", stem="x")
# A page whose body text (outside any element) holds a control character.
@example(data=b"<title>Form Feed</title>A page of text with a form feed \x0c in it.",
         extension=".html", stem="x")
@example(data=b"&nbsp;&nbsp;<!DOCTYPE html>", extension=".html", stem="x")
# Not UTF-8, so the charset the page declares is tried: Python's "undefined" codec.
@example(data=b'<meta charset="undefined"><title>T</title><p>caf\xe9</p>', extension=".html",
         stem="x")
def test_any_bytes_read_or_refused(data: bytes, extension: str, stem: str) -> None:
    read_or_refuse(data, f"essays/{stem}{extension}")


@RAW
@given(text=st.text(max_size=2000), extension=st.sampled_from(EXTENSIONS),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
def test_any_text_in_any_encoding_read_or_refused(text: str, extension: str,
                                                  encoding: str) -> None:
    data = text.encode(encoding, errors="replace")
    read_or_refuse(data, f"x{extension}")


# --- front matter and Markdown --------------------------------------------------------------

def _date_text(year: int, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}"


dates = st.one_of(
    # Any year, month and day: 2021-02-30, year 0 and month 13 included.
    st.builds(_date_text, st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32)),
    st.builds(lambda d, t: f"{d.isoformat()}T{t}", st.dates(),
              st.sampled_from(["00:00:00", "23:59:59-12:00", "12:00:00+14:00", "25:61:61",
                               "10:00:00Z"])),
    st.sampled_from(["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+05:00", "yesterday",
                     "2021-02-30", "'2021-02-30'", "12:30:00", "1e999", "-1", "NaN",
                     "2020-01-01 10:00:00 +0000", "Jan 32, 2020", "!!timestamp 2021-02-30"]),
)
scalars = st.one_of(
    st.text(max_size=40).map(json.dumps),  # a quoted YAML string, escapes and all
    st.text(st.characters(categories=("L", "N", "P", "Zs")), max_size=30),
    st.integers().map(str),
    st.sampled_from(["NO", "yes", "~", "null", "true", "1.10", "0x1F", "&a x", "*a", "!!binary",
                     "!!python/object:os.system", "[", "{", ":", "- x", "'", '"', "|", ">",
                     "..", "../../escape", "/etc/passwd", "<script>alert(1)</script>",
                     "!!set {a, b}", "[a, [b, {c: d}]]", "{pin: [a], exclude: b}", ""]),
    dates,
)
keys = st.sampled_from(["title", "date", "updated", "lastmod", "slug", "tags", "categories",
                        "keywords", "author", "authors", "summary", "description", "draft",
                        "published", "id", "guid", "canonical_url", "related", "Title",
                        "DATE", "? complex", "", "- item"])


@st.composite
def front_matter_essays(draw) -> str:
    fields = draw(st.lists(st.tuples(keys, scalars), max_size=8))
    style = draw(st.sampled_from(["yaml", "toml", "none", "unclosed"]))
    if style == "toml":
        lines = [f"{key or 'k'} = {value}" for key, value in fields]
        head = "+++\n" + "\n".join(lines) + "\n+++\n"
    elif style == "none":
        head = draw(st.sampled_from(["", "# A Heading\n\n", "#\n", "# \t#\n"]))
    else:
        lines = [f"{key}: {value}" for key, value in fields]
        head = "---\n" + "\n".join(lines) + ("\n---\n" if style == "yaml" else "\n")
    body = draw(st.lists(st.one_of(
        st.text(max_size=80),
        st.sampled_from(["# Heading", "<!-- more -->", "<div>", "</div>", "<script>x</script>",
                         "```", "> quote", "[^1]: note", "| a | b |\n|---|---|", "<?xml ?>",
                         "<![CDATA[ x ]]>", "&#0;", "&#x110000;", "\x0b\x0c", "\ufeff"]),
    ), max_size=10))
    return head + "\n\n".join(body)


@STRUCTURED
@given(text=front_matter_essays(), stem=names)
@example(text="---\ntitle: Impossible\ndate: 2021-02-30\n---\nAn essay.\n", stem="x")
@example(text="---\ntitle: Year Zero\ndate: 0000-01-01\n---\nAn essay.\n", stem="x")
@example(text="---\ntitle: Month 13\ntags: 2021-13-01\n---\nAn essay.\n", stem="x")
@example(text="---\ntitle: Raw HTML\n---\n<html>\n", stem="x")
@example(text="---\ntitle: Big\nn: " + "9" * 5000 + "\n---\nAn essay.\n", stem="x")
@example(text="+++\ntitle = \"Big\"\nn = " + "9" * 5000 + "\n+++\nAn essay.\n", stem="x")
@example(text="---\n- a list\n---\nAn essay.\n", stem="x")
def test_front_matter_and_markdown_read_or_refused(text: str, stem: str) -> None:
    read_or_refuse(text.encode("utf-8"), f"{stem}.md")


# --- HTML tag soup --------------------------------------------------------------------------

attribute_values = st.one_of(
    st.text(max_size=20), dates,
    st.sampled_from(["javascript:alert(1)", "https://example.org/2021/02/30/x/", "../../escape",
                     "/etc/passwd", "", "article:published_time", "canonical", "author",
                     "application/ld+json", "published", "updated", "tag", "entry-content"]),
)
attribute_names = st.sampled_from(["class", "id", "href", "src", "rel", "content", "property",
                                   "name", "datetime", "itemprop", "type", "onerror", "charset",
                                   "http-equiv", "srcset"])
tag_names = st.sampled_from(["html", "head", "body", "title", "meta", "link", "article", "main",
                             "div", "p", "h1", "h2", "a", "img", "time", "script", "style",
                             "nav", "footer", "header", "aside", "form", "svg", "iframe",
                             "template", "table", "tr", "td", "figure", "figcaption", "pre",
                             "br", "section", "span", "noscript", "math", "select"])
json_ld = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20), dates),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(["@type", "@graph", "headline", "datePublished",
                                         "dateModified", "author", "name", "keywords"]),
                        children, max_size=4)),
    max_leaves=10,
)


@st.composite
def tag_soup(draw) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.sampled_from(["open", "close", "text", "special", "ld"]))
        if kind == "open":
            attributes = draw(st.lists(st.tuples(attribute_names, attribute_values),
                                       max_size=3))
            rendered = "".join(f' {name}="{value.replace(chr(34), "&quot;")}"'
                               for name, value in attributes)
            parts.append(f"<{draw(tag_names)}{rendered}>")
        elif kind == "close":
            parts.append(f"</{draw(tag_names)}>")
        elif kind == "text":
            parts.append(draw(st.text(max_size=60)))
        elif kind == "ld":
            parts.append('<script type="application/ld+json">'
                         + json.dumps(draw(json_ld)) + "</script>")
        else:
            parts.append(draw(st.sampled_from([
                "<!DOCTYPE html>", "<?xml version='1.0' encoding='utf-8'?>", "<!-- c -->",
                "<![CDATA[x]]>", "&nbsp;", "&#0;", "&#xD800;", "<", ">", "</", "<p", "<<p>>",
                "<meta charset='utf-16'>", "<meta charset='x-unknown'>",
                "<title>" + "a" * 200 + " | Site</title>", "\x00", "\x0b", "\ufffe"])))
    return "".join(parts)


@pytest.mark.slow  # 100 pages of tag soup, each read twice
@STRUCTURED
@given(page=tag_soup(), stem=names)
@example(page="<title>T</title><meta property='article:published_time' content='2021-02-30'>"
              "<p>Some text.</p>", stem="x")
@example(page="<html><body>" + "<div>" * 2000 + "<p>Deep text.</p>" + "</div>" * 2000,
         stem="x")
def test_tag_soup_read_or_refused(page: str, stem: str) -> None:
    read_or_refuse(page.encode("utf-8"), f"{stem}.html")
    read_or_refuse(page.encode("utf-8"), f"{stem}.md")  # Markdown passes raw HTML through
