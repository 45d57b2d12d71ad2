"""Substack exports: the ZIP that Settings -> Exports -> "Create new export" sends.

Facts of the format this relies on (Substack documents none of it; these are the shapes
public importers read, Ghost's ``@tryghost/mg-substack`` among them):

- ``posts.csv`` at the top of the ZIP lists every post, one row each, with the columns
  ``post_id`` ("123456.the-slug": the post's number, a dot, its slug), ``post_date`` (ISO
  8601 in UTC, "2023-11-04T07:12:45.221Z"), ``is_published`` (true or false, in either
  case), ``email_sent_at``, ``inbox_sent_at``, ``type`` (newsletter, podcast, thread, page),
  ``audience`` (everyone, only_free, only_paid, founding), ``title``, ``subtitle`` and
  ``podcast_url``. There are no tags and no author.
- ``posts/<post_id>.html`` is the body of each post that has one, an HTML fragment (no
  title, no page around it). Other files (per-post delivery and open counts, the
  subscriber list) are never read.
- The publication's address is nowhere in the export, so a post's own URL
  (``https://<publication>.substack.com/p/<slug>``, or the publication's own domain) cannot
  be known: essays get no ``url``, and the build gives each one BASE_URL/<slug>/. Their
  feed id is ``substack:<post number>``, which no later edit changes.
- An export unpacked and zipped again has all this inside one folder, which is read the
  same way.

What is read: exactly the public posts. A draft (``is_published`` false) is an essay
marked draft, as a WordPress draft is (the build leaves drafts out and counts them;
``--drafts`` includes them); a draft with no text at all is left out as an "empty draft".
Left out and counted, in the words of the build's note: posts for paying subscribers
("paid-only post": audience only_paid or founding) and for signed-in subscribers
("subscribers-only post": only_free), discussion threads ("thread"), pages unless pages
are asked for ("page"), and podcast or video episodes with no text ("podcast", "video");
an episode with show notes is an essay. A post scheduled for later (published, dated in
the future) is an essay the build holds back until its date. A published post whose HTML
is not in the export gives a warning and is not read; one whose HTML holds no text is
published with its title only, with a warning, as an empty post of any export is.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC
from functools import partial

import lxml.html

from ..model import Document
from .base import InputFile
from .decode import decode
from .errors import ReadError
from .exportbase import ExportEntry, Post, make_document, plain, unique_key, when
from .htmltext import html_to_text, parse_fragment
from .meta import slugify
from .registry import register
from .ziparchive import ZipArchive, ZipExportReader, files_in, shown_name

POSTS_CSV = "posts.csv"
POSTS_FOLDER = "posts/"
# Who may read a post, and what a post for fewer than everyone is called when it is left
# out (the same words as the Ghost reader's: "2 paid-only posts" in the build's note).
PAID_ONLY, SUBSCRIBERS_ONLY = "paid-only post", "subscribers-only post"
AUDIENCES_LEFT_OUT = {"only_paid": PAID_ONLY, "founding": PAID_ONLY,
                      "only_free": SUBSCRIBERS_ONLY}
EPISODE_TYPES = frozenset({"podcast", "video"})  # an essay only if it has show notes
TRUE = frozenset({"true", "t", "yes", "1"})
# Substack's own blocks inside a body: subscribe, share and comment buttons, and the marker
# where the paywall begins. (Subscribe widgets and share dialogs go with every platform's
# furniture, in posthtml.)
_PLATFORM_CLASSES = frozenset({"button-wrapper", "paywall-jump", "captioned-button-wrap",
                               "image-link-expand", "subscription-widget-wrap",
                               "subscription-widget-wrap-editor"})
_SAFE_POST_ID = re.compile(r"^[^/\\]+$")


@register
class SubstackReader(ZipExportReader):
    """A Substack export: a ZIP holding posts.csv beside a posts/ folder of HTML files.
    Asked before the Medium reader, whose exports have a posts/ folder too."""

    kind, label = "substack", "Substack export"
    shape = "posts.csv beside a posts/ folder"

    @staticmethod
    def export_root(names) -> str | None:
        return export_root(names)

    def read(self, archive: ZipArchive, root: str, file: InputFile) -> Iterator[ExportEntry]:
        return substack_entries(archive, root, file.relpath, file.settings.include_pages)


def export_root(names) -> str | None:
    """Where the export is in the ZIP ("" at the top, or "folder/"), or None when it holds
    no posts.csv beside a posts/ folder of HTML files."""
    listed = set(names)
    return next((root for root in files_in(names, POSTS_FOLDER, ".html")
                 if root + POSTS_CSV in listed), None)


def substack_entries(archive: ZipArchive, root: str, relpath: str,
                     include_pages: bool = False) -> Iterator[ExportEntry]:
    """One entry per row of posts.csv, in its order. A row the CSV module cannot read
    (broken quoting) ends the file: the rows before it stand."""
    bodies = files_in(archive.names, POSTS_FOLDER, ".html").get(root, [])
    archive.reserve(archive.members[name] for name in bodies)
    rows = _rows(archive, root)
    taken: set[str] = set()
    for row in rows:
        yield _entry(row, archive, root, relpath, include_pages, taken)


def _rows(archive: ZipArchive, root: str) -> Iterator[dict[str, str]]:
    info = archive.find(root + POSTS_CSV)
    assert info is not None  # export_root found it
    data = archive.read(info)  # its own errors name it
    try:
        text = decode(data)
    except ReadError as exc:
        raise ReadError(f"{POSTS_CSV}: {exc}") from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        if "post_id" not in header:
            raise ReadError(f"{POSTS_CSV} has no post_id column: not the list of posts of "
                            "a Substack export")
        for values in reader:
            if any(value.strip() for value in values):
                yield dict(zip(header, values, strict=False))
    except csv.Error as exc:
        raise ReadError(f"{POSTS_CSV} is not valid CSV at line {reader.line_num} ({exc}); "
                        "export it again from Substack") from exc


def _entry(row: dict[str, str], archive: ZipArchive, root: str, relpath: str,
           include_pages: bool, taken: set[str]) -> ExportEntry:
    post_id = row.get("post_id", "").strip()
    number, _, name_slug = post_id.partition(".")
    kind = (row.get("type") or "newsletter").strip().lower()
    audience = (row.get("audience") or "everyone").strip().lower()
    published = (row.get("is_published") or "").strip().lower() in TRUE
    if kind == "page" and not include_pages:
        return ExportEntry(left_out="page")
    if kind == "thread":
        return ExportEntry(left_out="thread")
    if audience in AUDIENCES_LEFT_OUT:
        return ExportEntry(left_out=AUDIENCES_LEFT_OUT[audience])
    title = plain(row.get("title") or "")
    slug = slugify(name_slug) or slugify(title) or f"post-{number or len(taken) + 1}"
    member = f"{root}{POSTS_FOLDER}{post_id}.html"
    info = archive.find(member) if _SAFE_POST_ID.match(post_id) else None
    if info is None:
        if not published:
            return ExportEntry(left_out="empty draft")
        if kind in EPISODE_TYPES:
            return ExportEntry(left_out=kind)
        key = unique_key(slug, taken)
        return ExportEntry(key, "", partial(_refuse, f"its text ({shown_name(member)}) is "
                                                     "not in the export"))
    if archive.too_large(info):  # the build reports it, with the limit
        key = unique_key(slug, taken)
        return ExportEntry(key, "", partial(_refuse, "too large"), size=info.file_size)
    try:
        data = archive.read(info)
        body = decode(data) if data.strip() else ""
        empty = (not published or kind in EPISODE_TYPES) and not html_to_text(body).strip()
    except ReadError as exc:  # damaged, or nested without end: this post's warning
        key = unique_key(slug, taken)
        return ExportEntry(key, "", partial(_refuse, str(exc)), size=info.file_size)
    if empty:
        return ExportEntry(left_out="empty draft" if not published else kind)
    post = Post(
        title=title or slug.replace("-", " ").capitalize(),
        slug=slug,
        body=body,
        date=when(row.get("post_date") or "", UTC),
        excerpt=row.get("subtitle") or "",
        guid=f"substack:{number}" if number.isdigit() else None,
        draft=not published,
    )
    key = unique_key(slug, taken)
    digest = hashlib.sha256(json.dumps(row, sort_keys=True).encode("utf-8", "surrogatepass")
                            + b"\0" + data).hexdigest()
    return ExportEntry(key, digest, partial(make_post, post, f"{relpath}#{key}", digest),
                       size=len(data))


def make_post(post: Post, source: str, content_hash: str) -> Document:
    """The Document of a post, once Substack's own buttons are out of its body."""
    return make_document(replace(post, body=_without_platform_blocks(post.body)), source,
                         content_hash)


def _without_platform_blocks(body: str) -> str:
    if not any(name in body for name in _PLATFORM_CLASSES):
        return body
    root = parse_fragment(body)
    for element in list(root.iter()):
        if isinstance(element.tag, str) and element.getparent() is not None and \
                _PLATFORM_CLASSES.intersection(element.get("class", "").split()):
            element.drop_tree()
    return (root.text or "") + "".join(lxml.html.tostring(child, encoding="unicode")
                                       for child in root)


def _refuse(reason: str) -> Document:
    raise ReadError(reason)
