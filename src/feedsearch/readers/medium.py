"""Medium exports: the ZIP that Settings -> "Download your information" sends.

Facts of the format this relies on (Medium documents none of it; these are the shapes its
exports have and public importers read, Ghost's ``@tryghost/mg-medium-export`` among them):

- ``posts/`` holds one HTML page per story, named ``<YYYY-MM-DD>_<Title-Words>-<id>.html``
  when published and ``draft_<Title-Words>-<id>.html`` when not; ``<id>`` is the story's
  hexadecimal id, the one in ``https://medium.com/p/<id>``. Beside it are ``README.html``,
  ``profile/`` and folders of claps, bookmarks and the like, which are never read.
- Each page is one ``<article class="h-entry">``: the title in ``<h1 class="p-name">``
  (and again, as ``h3.graf--title``, at the top of the body), the subtitle in
  ``<section data-field="subtitle">`` (and again as ``h4.graf--subtitle``), the body in
  ``<section data-field="body" class="e-content">``, and a footer with the author
  (``a.p-author.h-card``), the date (``time.dt-published[datetime]``, ISO 8601 in UTC), the
  story's address (``a.p-canonical``) and, in some exports, its tags (``.p-tags a``).
  Drafts have no author, date or address in their footer.
- Images are on Medium's CDN, with absolute URLs, and stay so.

What is read: exactly the published stories. A draft (``draft_`` in its name, or a page
without a published date) is an essay marked draft, as a WordPress draft is: the build
leaves drafts out and counts them; ``--drafts`` includes them. Medium exports responses
(comments on other people's stories) as posts too, with nothing that marks them as such;
what tells them apart is that a story's body opens with its title (``graf--title``) and a
response's does not, and responses are short. A published post with no title in its body
and at most three paragraphs, with no headings, pictures, embeds, quotes or code, is left
out as a "response" and counted. Member-only stories are not marked in the export: they
are read like the others.

An essay's ``url`` is the story's canonical address; its feed id is
``https://medium.com/p/<id>``, which is what Medium's own feeds give as each story's guid,
so a reader who followed the story there sees the same entry, and no retitling changes it.
Its slug is the one in that address, without the id ("smørrebrød-and-the-art-of-patience":
the file name has lost the letters that are not ASCII), else the file name's words. The
export may sit in one folder inside the ZIP (unpacked and zipped again); a posts/ folder
beside a posts.csv is Substack's (see substack.py), and never read here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC
from functools import partial
from urllib.parse import unquote, urlsplit

import lxml.html
from lxml.html import HtmlElement

from ..urls import web_url
from .base import InputFile
from .decode import decode
from .errors import ReadError, as_read_error
from .exportbase import ExportEntry, Post, make_document, plain, unique_key, when
from .extract import parse_page
from .meta import slugify
from .registry import register
from .ziparchive import ZipArchive, ZipExportReader, files_in

POSTS_FOLDER = "posts/"
# "2022-05-14_Learning-to-Read-Tide-Tables-3f2a9c1b7d40.html", "draft_Notes-5c7d9e0f1a23"
_STORY_NAME = re.compile(r"^(?:(?P<day>\d{4}-\d{2}-\d{2})|(?P<draft>draft))_(?P<words>.*?)"
                         r"(?:-(?P<id>[0-9a-f]{6,16}))?\.html$", re.I)
_SUBSTANTIAL = ("h1", "h2", "h3", "h4", "h5", "h6", "figure", "img", "iframe", "pre",
                "blockquote", "ul", "ol", "table", "video", "audio")
MOST_RESPONSE_PARAGRAPHS = 3


@register
class MediumReader(ZipExportReader):
    """A Medium export: a ZIP with a posts/ folder of Medium's HTML pages."""

    kind, label = "medium", "Medium export"
    shape = "posts/ folder of Medium's pages"

    @staticmethod
    def export_root(names) -> str | None:
        return export_root(names)

    def read(self, archive: ZipArchive, root: str, file: InputFile) -> Iterator[ExportEntry]:
        return medium_entries(archive, root, file.relpath)


def export_root(names) -> str | None:
    """Where the export is in the ZIP ("" at the top, or "folder/"), or None. A posts/
    folder of HTML files is Medium's when a README.html or profile/profile.html is beside
    it or one of its files is named as Medium names stories (and no posts.csv is beside
    it: that is a Substack export)."""
    listed = set(names)
    for root, posts in files_in(names, POSTS_FOLDER, ".html").items():
        if root + "posts.csv" in listed:
            continue
        if root + "README.html" in listed or root + "profile/profile.html" in listed or \
                any(_STORY_NAME.match(_base(name)) for name in posts):
            return root
    return None


def medium_entries(archive: ZipArchive, root: str, relpath: str) -> Iterator[ExportEntry]:
    """One entry per page in posts/, in the ZIP's order."""
    posts = files_in(archive.names, POSTS_FOLDER, ".html").get(root, [])
    archive.reserve(archive.members[name] for name in posts)
    taken: set[str] = set()
    for name in posts:
        yield _entry(archive, name, relpath, taken)


def _base(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def _entry(archive: ZipArchive, name: str, relpath: str, taken: set[str]) -> ExportEntry:
    info = archive.members[name]
    match = _STORY_NAME.match(_base(name))
    story_id = (match.group("id") or "").lower() if match else ""
    named_draft = bool(match and match.group("draft"))
    name_slug = slugify(match.group("words")) if match else slugify(_base(name)[:-5])
    if archive.too_large(info):  # the build reports it, with the limit
        key = unique_key(name_slug or f"post-{story_id or len(taken) + 1}", taken)
        return ExportEntry(key, "", partial(_refuse, "too large"), size=info.file_size)
    try:
        data = archive.read(info)
        page = _Page(parse_page(decode(data)))
    except Exception as exc:  # one page that cannot be read is that post's warning
        key = unique_key(name_slug or f"post-{story_id or len(taken) + 1}", taken)
        return ExportEntry(key, "", partial(_refuse, str(as_read_error(exc))),
                           size=info.file_size)
    date = when(page.attribute("time", "dt-published", "datetime"), UTC)
    draft = named_draft or date is None
    if not draft and page.is_response():
        return ExportEntry(left_out="response")
    title = page.title() or name_slug.replace("-", " ").capitalize()
    canonical = web_url(page.attribute("a", "p-canonical", "href"))
    slug = _slug_of(canonical, story_id) or name_slug or slugify(title) or \
        f"post-{story_id or len(taken) + 1}"
    post = Post(
        title=title,
        slug=slug,
        body=page.body(),
        base=canonical,
        date=None if draft else date,
        authors=[author] if (author := page.text("a", "p-author")) else [],
        tags=page.tags(),
        excerpt=page.text("section", "p-summary", field="subtitle"),
        url=None if draft else canonical,
        guid=f"https://medium.com/p/{story_id}" if story_id else canonical,
        draft=draft,
    )
    key = unique_key(slug, taken)
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass") + b"\0" + data).hexdigest()
    return ExportEntry(key, digest, partial(make_document, post, f"{relpath}#{key}", digest),
                       size=len(data))


def _slug_of(canonical: str | None, story_id: str) -> str:
    """The slug in a story's address, ".../smørrebrød-and-the-art-of-patience-8b1e4d2c6a95",
    without its id: the file name has lost what is not ASCII in it ("Sm-rrebr-d-...").
    "" when the address has none (".../@name/8b1e4d2c6a95")."""
    if not canonical or not story_id:
        return ""
    try:
        last = unquote(urlsplit(canonical).path.rstrip("/").rsplit("/", 1)[-1])
    except ValueError:
        return ""
    if not last.lower().endswith("-" + story_id):
        return ""
    return slugify(last[:-len(story_id) - 1])


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


class _Page:
    """One of Medium's story pages, parsed."""

    def __init__(self, root: HtmlElement) -> None:
        articles = root.xpath(f"//article[{_has_class('h-entry')}]")
        self.root = articles[0] if articles else root
        found = self.root.xpath(f".//section[@data-field='body' or {_has_class('e-content')}]")
        self.content = found[0] if found else None

    def first(self, tag: str, mark: str, field: str | None = None) -> HtmlElement | None:
        test = _has_class(mark) + (f" or @data-field='{field}'" if field else "")
        found = self.root.xpath(f".//{tag}[{test}]")
        return found[0] if found else None

    def text(self, tag: str, mark: str, field: str | None = None) -> str:
        element = self.first(tag, mark, field)
        return " ".join(element.text_content().split()) if element is not None else ""

    def attribute(self, tag: str, mark: str, name: str) -> str:
        element = self.first(tag, mark)
        return (element.get(name) or "").strip() if element is not None else ""

    def title(self) -> str:
        title = self.text("h1", "p-name")
        if not title:
            found = self.root.getroottree().getroot().xpath("//title")
            title = " ".join(found[0].text_content().split()) if found else ""
        return plain(title)

    def tags(self) -> list[str]:
        holders = self.root.xpath(f".//*[{_has_class('p-tags')}]")
        return [" ".join(a.text_content().split()) for holder in holders[:1]
                for a in holder.iter("a") if a.text_content().strip()]

    def _title_blocks(self) -> list[HtmlElement]:
        if self.content is None:
            return []
        return self.content.xpath(f".//*[{_has_class('graf--title')} or "
                                  f"{_has_class('graf--subtitle')}]")

    def is_response(self) -> bool:
        """A response: no title at the top of its body, and short (see the docstring)."""
        if self.content is None or self.content.xpath(f".//*[{_has_class('graf--title')}]"):
            return False
        if next(self.content.iter(*_SUBSTANTIAL), None) is not None:
            return False
        return len(list(self.content.iter("p"))) <= MOST_RESPONSE_PARAGRAPHS

    def body(self) -> str:
        """The body's HTML without its copies of the title and subtitle, and without the
        rule Medium puts at the top of its first section."""
        if self.content is None:
            return ""
        for element in self._title_blocks():
            element.drop_tree()
        dividers = self.content.xpath(f".//div[{_has_class('section-divider')}]")
        if dividers:
            dividers[0].drop_tree()
        return (self.content.text or "") + "".join(
            lxml.html.tostring(child, encoding="unicode") for child in self.content)


def _refuse(reason: str):
    raise ReadError(reason)
