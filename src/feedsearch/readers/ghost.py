"""Ghost's JSON export (Ghost Admin: Settings, "Export content"): one essay per published
public post.

Facts of the format this relies on (Ghost's exporter and importer, its developer docs
"Migrating to Ghost: JSON file structure", and its RSS feed code):

- The file is ``{"db": [{"meta": {...}, "data": {...}}]}``; the importer also takes the
  object inside ``db`` alone. ``meta`` has ``exported_on`` (milliseconds since 1970) and
  ``version``; ``data`` is the database's tables: ``posts``, ``tags``, ``users``,
  ``posts_tags`` and ``posts_authors`` (``post_id``, ``tag_id``/``author_id``,
  ``sort_order``), ``posts_meta`` (one row per post), and others not read here. ``data``
  begins with its small tables and ``posts``, whose joins come after it, so the file is
  read whole (which the file size limit, ``--max-file-size``, bounds).
- A post has ``id`` (a 24-digit hex ObjectId since Ghost 1.0, a number before), ``uuid``,
  ``title``, ``slug``, ``html`` (rendered by Ghost on save), ``plaintext``, ``lexical``
  (Ghost 5) or ``mobiledoc`` (Ghost 1 to 4) or ``markdown`` (Ghost 0.x), ``feature_image``
  (``image`` before 1.0), ``type`` "post" or "page" (before 3.0 a boolean ``page``),
  ``status`` "published", "draft", "scheduled" or "sent" (sent by email only, never on the
  site), ``visibility`` "public", "members", "paid" or "tiers", ``published_at`` and
  ``updated_at`` in UTC (ISO strings ending in "Z"; "2017-07-18 15:31:31" from SQLite;
  milliseconds since 1970 before 1.0), ``custom_excerpt`` and ``canonical_url``. Before 3.0
  ``meta_description`` was on the post, since then in ``posts_meta``, which also has
  ``feature_image_alt``. Before Ghost 1.22 a post had one author, its ``author_id``.
- Tags whose ``visibility`` is "internal" (their names begin with "#") are for themes, not
  readers; Ghost's own feed leaves them out, and so does this.
- Ghost's RSS feed gives each item ``<guid isPermaLink="false">`` with the post's ``id``
  (Ghost 0.x gave its ``uuid``): that is the essay's feed id, so that readers who followed
  the Ghost feed do not see its posts again. The feed's description is ``custom_excerpt``,
  else ``meta_description``, else the text's beginning; its content starts with the feature
  image, alt text the title.
- Since Ghost 4.0 the site's own address is stored as ``__GHOST_URL__`` ("__GHOST_URL__/
  content/images/2024/03/bread.jpg"), so that an export can move to another domain, and
  the export does not say what the address was. The placeholder is taken out, leaving a
  path from the site's root ("/content/images/..."), which works where the essays are
  published at the Ghost site's address; the file gets one warning saying so.

What a post becomes: a published public post, an essay; a draft, an essay marked draft
(published only with ``--drafts``); scheduled posts, email-only posts, members-only and
paid posts and pages (unless ``--pages``) are left out and counted in the build's note.

The export does not hold the site's address either, so a post's URL is its
``canonical_url`` when it has one and otherwise is left to the build: BASE_URL/<slug>/,
which is the post's old address when BASE_URL is the Ghost site's (Ghost's default
permalinks are /<slug>/).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from html import escape
from pathlib import Path

from ..model import Document
from ..urls import web_url
from .base import InputFile, Reader
from .errors import ReadError
from .exportbase import ExportEntry, Post, make_document, plain, unique_key
from .ghostdocs import markdown_card, render_lexical, render_mobiledoc
from .jsonhead import JsonHead
from .meta import slugify, to_datetime
from .registry import register

GHOST_URL = "__GHOST_URL__"
# Why a post is left out, as the build's note counts them ("2 scheduled posts").
STATUS_LEFT_OUT = {"scheduled": "scheduled post", "sent": "email-only post"}
OTHER_STATUS = "post of another status"
OTHER_TYPE = "item of another type"
MEMBERS_ONLY, PAID_ONLY = "members-only post", "paid-only post"
_ROOT_PATH = re.compile(re.escape(GHOST_URL) + r"(?=/)")
_TAG = re.compile(r"<[^>]*>")


@register
class GhostReader(Reader):
    """A Ghost export: a JSON file whose ``meta`` names the export and whose ``data`` holds
    the site's tables (see :mod:`feedsearch.readers.jsonhead`)."""

    extensions = (".json",)
    container = "json"
    kind, label = "ghost", "Ghost export"

    @classmethod
    def accepts(cls, head: JsonHead) -> bool:
        return isinstance(head, JsonHead) and head.ghost

    def entries(self, file: InputFile) -> Iterator[ExportEntry]:
        export = load_export(file.path, file.settings.max_bytes)
        return ghost_entries(export, file.relpath, file.settings.include_pages, file.warnings)


# --- the file -------------------------------------------------------------------------------

def load_export(path: Path, max_bytes: int) -> dict:
    """The export object (``meta`` and ``data``) of a Ghost export. Raises ReadError for a
    file over ``max_bytes`` (it is read whole), one that is not JSON, and one whose JSON is
    not a Ghost export's."""
    try:
        with path.open("rb") as stream:
            size = path.stat().st_size
            if size > max_bytes:
                raise ReadError(_too_large(size, max_bytes))
            data = stream.read(max_bytes + 1)
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:  # grew since
        raise ReadError(_too_large(len(data), max_bytes))
    if not data.strip():
        raise ReadError("not JSON: the file is empty")
    try:
        value = json.loads(data)
    except json.JSONDecodeError as exc:
        raise ReadError(f"not JSON: {exc.msg.lower()} (line {exc.lineno}, column "
                        f"{exc.colno})") from exc
    except UnicodeDecodeError as exc:
        raise ReadError(f"not JSON: not UTF-8 text (byte {exc.start:,})") from exc
    except RecursionError as exc:
        raise ReadError("not JSON: nested too deeply to read") from exc
    return export_of(value)


def _too_large(size: int, limit: int) -> str:
    return (f"the Ghost export is {size:,} bytes, over the {limit:,}-byte limit; it is read "
            "whole, so a larger one needs a larger --max-file-size; not read")


def export_of(value: object) -> dict:
    """The object inside ``{"db": [...]}``, or ``value`` itself when it has ``data``."""
    export = value
    if isinstance(value, dict) and isinstance(value.get("db"), list):
        export = value["db"][0] if value["db"] else None
    if not isinstance(export, dict) or not isinstance(export.get("data"), dict):
        raise ReadError("a Ghost export without its data object (the site's tables); "
                        "not read")
    return export


# --- the tables -----------------------------------------------------------------------------

def _key(value: object) -> str | None:
    """An id as a key: Ghost's are strings, numbers before 1.0."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    return str(value)


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _order(row: dict) -> int:
    order = row.get("sort_order")
    return order if isinstance(order, int) and not isinstance(order, bool) else 0


@dataclasses.dataclass
class Tables:
    """What a post is joined with: its tags, authors and meta row, by the post's id."""

    tags: dict[str, tuple[str, bool]]  # id: (name, internal)
    users: dict[str, str]  # id: name
    post_tags: dict[str, list[str]]  # post id: tag ids, in order
    post_authors: dict[str, list[str]]  # post id: user ids, in order
    meta: dict[str, dict]  # post id: its posts_meta row

    @classmethod
    def read(cls, data: dict, warnings: list[str]) -> Tables:
        def rows(name: str) -> list[dict]:
            table = data.get(name, [])
            if not isinstance(table, list):
                warnings.append(f"the export's {name} table is not a list; the posts are "
                                "read without it")
                return []
            return [row for row in table if isinstance(row, dict)]

        tags = {}
        for row in rows("tags"):
            name = " ".join(_str(row.get("name")).split())
            if (key := _key(row.get("id"))) is not None and name:
                tags[key] = (name, row.get("visibility") == "internal" or name.startswith("#"))
        users = {key: name for row in rows("users")
                 if (key := _key(row.get("id"))) is not None
                 and (name := " ".join(_str(row.get("name")).split()))}
        meta = {key: row for row in rows("posts_meta")
                if (key := _key(row.get("post_id"))) is not None}
        return cls(tags, users, _joined(rows("posts_tags"), "tag_id"),
                   _joined(rows("posts_authors"), "author_id"), meta)

    def tag_names(self, post_id: str | None) -> list[str]:
        found = (self.tags.get(tag) for tag in self.post_tags.get(post_id or "", ()))
        return [name for name, internal in filter(None, found) if not internal]

    def author_names(self, post_id: str | None, author_id: object) -> list[str]:
        ids = self.post_authors.get(post_id or "") or [_key(author_id)]
        return [self.users[user] for user in ids if user in self.users]


def _joined(rows: list[dict], column: str) -> dict[str, list[str]]:
    """post id: the ids its rows join it to, by sort_order (file order among equals)."""
    joined: dict[str, list[tuple[int, str]]] = {}
    for row in rows:
        post, other = _key(row.get("post_id")), _key(row.get(column))
        if post is not None and other is not None:
            joined.setdefault(post, []).append((_order(row), other))
    return {post: list(dict.fromkeys(other for _, other in sorted(pairs, key=lambda p: p[0])))
            for post, pairs in joined.items()}


# --- the posts ------------------------------------------------------------------------------

def ghost_entries(export: dict, relpath: str, include_pages: bool = False,
                  warnings: list[str] | None = None, site: str | None = None,
                  ) -> Iterator[ExportEntry]:
    """One entry per row of the posts table, in file order. ``site``: the Ghost site's
    address, which the export does not hold; without it, ``__GHOST_URL__`` is taken out
    of the posts' URLs, leaving paths from the site's root. Problems of the file go to
    ``warnings``."""
    warnings = warnings if warnings is not None else []
    data = export["data"]
    posts = data.get("posts")
    if not isinstance(posts, list):
        warnings.append("the export has no posts table" if posts is None else
                        "the export's posts table is not a list; no post read")
        return
    tables = Tables.read(data, warnings)
    taken: set[str] = set()
    placeholders = 0
    for number, row in enumerate(posts, 1):
        if not isinstance(row, dict):
            warnings.append(f"post {number} of the export is not an object; left out")
            continue
        entry = _entry(row, number, tables, relpath, include_pages, site, taken, warnings)
        if entry is not None:
            if entry.make is not None and GHOST_URL in json.dumps(row, ensure_ascii=False):
                placeholders += 1
            yield entry
    if placeholders and not site:
        warnings.append(
            f"{placeholders} post{'s' * (placeholders != 1)} link to the Ghost site's own "
            f"address, which the export writes as {GHOST_URL} without saying what it was: "
            "those links and images are kept as paths from the site's root (such as "
            "/content/images/...), which work where the essays are published at the Ghost "
            "site's address")


def _entry(row: dict, number: int, tables: Tables, relpath: str, include_pages: bool,
           site: str | None, taken: set[str], warnings: list[str]) -> ExportEntry | None:
    kind = _str(row.get("type")) or ("page" if row.get("page") else "post")
    if kind not in ("post", "page"):  # Ghost has no other; a broken row
        return ExportEntry(left_out=OTHER_TYPE)
    if kind == "page" and not include_pages:
        return ExportEntry(left_out="page")
    status = _str(row.get("status")) or "draft"  # Ghost's default
    if status not in ("published", "draft"):
        return ExportEntry(left_out=STATUS_LEFT_OUT.get(status, OTHER_STATUS))
    visibility = _str(row.get("visibility")) or "public"  # none before Ghost 1.0
    if visibility != "public":
        return ExportEntry(left_out=MEMBERS_ONLY if visibility == "members" else PAID_ONLY)
    post_id = _key(row.get("id"))
    title = plain(_str(row.get("title")))
    if not title:
        named = f"{row.get('slug')!r}" if _str(row.get("slug")) else f"id {post_id!r}"
        warnings.append(f"post {number} of the export ({named}) has no title; left out")
        return None
    meta = tables.meta.get(post_id or "", {})
    tags, authors = tables.tag_names(post_id), tables.author_names(post_id, row.get("author_id"))
    slug = slugify(_str(row.get("slug"))) or slugify(title) or f"post-{post_id or number}"

    def site_paths(value: object) -> str:
        return with_site(_str(value), site)

    canonical = site_paths(row.get("canonical_url"))
    post = Post(
        title=title,
        slug=slug,
        body="",  # made from the post's first readable form, when the essay is made
        date=ghost_date(row.get("published_at")),
        updated=ghost_date(row.get("updated_at")),
        authors=authors,
        tags=tags,
        excerpt=_str(row.get("custom_excerpt")) or _str(meta.get("meta_description"))
        or _str(row.get("meta_description")),
        url=web_url(canonical),
        guid=post_id if isinstance(row.get("id"), str) else _str(row.get("uuid")) or None,
        draft=status == "draft",
    )
    forms = tuple((form, site_paths(row.get(form))) for form in _FORMS
                  if _str(row.get(form)).strip())
    image = site_paths(row.get("feature_image") or row.get("image")).strip()
    feature = (image, _str(meta.get("feature_image_alt")) or title) if image else None
    key = unique_key(slug, taken)
    record = json.dumps([row, tags, authors, meta], sort_keys=True, ensure_ascii=False,
                        default=str).encode("utf-8", "surrogatepass")
    content_hash = hashlib.sha256(record).hexdigest()
    return ExportEntry(key, content_hash,
                       partial(make_post, post, forms, feature, f"{relpath}#{key}",
                               content_hash),
                       size=len(json.dumps(row, ensure_ascii=False).encode(
                           "utf-8", "surrogatepass")))


def with_site(value: str, site: str | None) -> str:
    """``value`` with Ghost's placeholder for the site's address replaced by ``site``, or
    taken out when it is not known (a link to the home page becomes "/")."""
    if GHOST_URL not in value:
        return value
    if site:
        return value.replace(GHOST_URL, site.rstrip("/"))
    return _ROOT_PATH.sub("", value).replace(GHOST_URL, "/")


def ghost_date(value: object) -> datetime | None:
    """A date from a Ghost export, in UTC: an ISO string (Ghost writes UTC, with or without
    a "Z"), or milliseconds since 1970 (before Ghost 1.0). None when there is none or it is
    not a date."""
    try:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, (int, float)):
            return datetime.fromtimestamp(value / 1000, UTC)
        if isinstance(value, str):
            moment = to_datetime(value, UTC)
            return moment.astimezone(UTC) if moment else None
    except (ValueError, OverflowError, OSError):
        return None
    return None


# --- the body -------------------------------------------------------------------------------

def make_post(post: Post, forms: tuple[tuple[str, str], ...], feature: tuple[str, str] | None,
              source: str, content_hash: str) -> Document:
    """The Document of a post, its body from the first of its forms that holds text: the
    HTML Ghost rendered, else its editor's document rendered here, else its plain text."""
    failed = []
    chosen: Post | None = None
    for form, raw in forms:
        try:
            if form == "plaintext":
                candidate = dataclasses.replace(post, body=raw, body_is_text=True)
            else:
                body = raw if form == "html" else _RENDER[form](raw)
                candidate = dataclasses.replace(post, body=_with_feature(body, feature))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
            failed.append(form)
            continue
        chosen = chosen or candidate
        if _TAG.sub("", candidate.body).strip():
            chosen = candidate
            break
    if chosen is None:
        if failed:
            raise ReadError(f"no text in the post that can be read (its {' and '.join(failed)} "
                            "could not be)")
        chosen = post
    return make_document(chosen, source, content_hash)


def _with_feature(html: str, feature: tuple[str, str] | None) -> str:
    """The post's feature image first, as Ghost's feed has it, unless the body shows it."""
    if not feature or feature[0] in html:
        return html
    src, alt = feature
    return f'<figure><img src="{escape(src)}" alt="{escape(alt)}"></figure>{html}'


_RENDER: dict[str, Callable[[str], str]] = {
    "lexical": render_lexical, "mobiledoc": render_mobiledoc,
    "markdown": lambda raw: markdown_card({"markdown": raw}),
}
_FORMS = ("html", "lexical", "mobiledoc", "markdown", "plaintext")  # in the order tried
