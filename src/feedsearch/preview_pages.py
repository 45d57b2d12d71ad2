"""The preview's pages (``feedsearch serve``), made from the index and store a build left:
a request's path and query in, a response out, with no socket in sight (serve.py carries
them over HTTP).

- ``/``: the archive, newest first, with tags, and a search box;
- ``/search?q=WORDS`` (``&tag=``, ``&author=``, ``&since=``, ``&until=``, ``&page=``): the
  results of ``feedsearch search``, with highlighted snippets, "did you mean", the total
  and pages; ``/api/search?q=...`` answers with the JSON of ``search --json``;
- ``/essays/<slug>/``: the essay as the feeds carry it (sanitised HTML), with its related
  posts and why each is related;
- ``/tags/<tag>/``: the essays with that tag;
- any other path: the file the build wrote there in OUT (the feeds, the feeds page, the
  static search), never one outside OUT.

Everything from the archive or the request is escaped by the templates (pages.py); the
only HTML shown as HTML is the sanitised essay and the snippets, whose only markup is
``<mark>``.
"""

from __future__ import annotations

import json
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from .pages import render, safe, style_sheet

PAGE_SIZE = 10  # search results per page, as `feedsearch search`
HOME_PAGE = 100  # essays on each page of the home page
# What a page may load: itself, its style sheet and script, images from anywhere (essays
# show them), nothing inline, no frames, no plugins; forms post only to the preview.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' http: "
       "https: data:; media-src 'self' http: https:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
# The files a build wrote into OUT: the static search runs Pagefind's WebAssembly, and
# the pages written for any static host (the feeds page, the search page) carry their
# style inline. Their scripts are still only files of the site's own.
CSP_FILES = CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'") \
    .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
RELOAD_SCRIPT = """\
// Reloads the page when the preview has built again (after a file in the archive changed).
(function () {
  var seen = null;
  function check() {
    fetch("/__build", {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (state) {
        if (seen !== null && state.build !== seen) { location.reload(); return; }
        seen = state.build;
      }).catch(function () {}).finally(function () { setTimeout(check, 500); });
  }
  check();
})();
"""


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Preview:
    """The preview of one index and OUT. ``build_id`` changes with each build, for the
    pages' reload script; ``title`` and ``language`` are the site's."""

    index: Path
    out: Path
    title: str = "Essays"
    language: str = "en"
    build_id: int = 0
    problem: str | None = None  # the last build's failure, shown on every page
    _listing: tuple[int, list] | None = field(default=None, repr=False)

    def respond(self, path: str, query: dict[str, list[str]]) -> Response:
        """The response to a GET of ``path`` with ``query`` (parsed, unquoted). A page
        that fails is a 500 with one line saying why, never a traceback."""
        from .essays import NoIndex

        try:
            return self._route(path, query)
        except NoIndex as exc:  # no index yet: the first build failed
            return Response(503, f"{exc}\n".encode(), "text/plain; charset=utf-8")
        except LookupError:
            return self._missing(path)
        except Exception as exc:
            return Response(500, f"this page failed: {type(exc).__name__}: {exc}\n".encode(),
                            "text/plain; charset=utf-8")

    def _route(self, path: str, query: dict[str, list[str]]) -> Response:
        if path == "/":
            return self._home(query)
        if path == "/search":
            return self._search(query)
        if path == "/api/search":
            return self._api_search(query)
        if path == "/__build":
            return Response(200, json.dumps({"build": self.build_id}).encode(),
                            "application/json", {"Cache-Control": "no-store"})
        if path == "/assets/style.css":
            return Response(200, style_sheet().encode(), "text/css; charset=utf-8")
        if path == "/assets/preview.js":
            return Response(200, RELOAD_SCRIPT.encode(), "text/javascript; charset=utf-8")
        if path.startswith("/essays/") and path.endswith("/") and path.count("/") == 3:
            return self._essay(path.split("/")[2])
        if path.startswith("/tags/") and path.endswith("/") and path.count("/") == 3:
            return self._tag(path.split("/")[2])
        return self._file(path)

    # --- pages

    def _page(self, template: str, status: int = 200, **context) -> Response:
        context.setdefault("query_text", "")
        html = render(template, language=self.language, site_title=self.title, home="/",
                      problem=self.problem, essay_path=essay_path, tag_path=tag_path,
                      **context)
        return Response(status, html.encode("utf-8"))

    def listing(self) -> list:
        """Every essay without its body, newest first (undated last), then by slug, as
        ``list`` orders them: read once per build, for the home and tag pages."""
        if self._listing is None or self._listing[0] != self.build_id:
            from . import store
            from .essays import require_index

            require_index(self.index)
            essays = sorted(store.load_documents(self.index, bodies=False).values(),
                            key=lambda d: d.slug)
            essays.sort(key=lambda d: d.date.timestamp() if d.date else float("-inf"),
                        reverse=True)
            self._listing = (self.build_id, essays)
        return self._listing[1]

    def _home(self, query: dict[str, list[str]]) -> Response:
        """The newest HOME_PAGE essays, and a link to the older ones: a page of 10,000
        essays is slow to make and to read."""
        page = _page_number(query)
        everything = self.listing()
        older = len(everything) > page * HOME_PAGE
        essays = everything[(page - 1) * HOME_PAGE: page * HOME_PAGE]
        if not essays and page > 1:
            raise LookupError(page)
        return self._page("preview_home.html", essays=essays, heading=None,
                          first=(page - 1) * HOME_PAGE + 1,
                          newer=f"/?page={page - 1}" if page > 2 else "/" if page == 2 else None,
                          older=f"/?page={page + 1}" if older else None)

    def _tag(self, tag: str) -> Response:
        wanted = tag.casefold()
        essays = [d for d in self.listing() if wanted in {t.casefold() for t in d.tags}]
        if not essays:
            raise LookupError(tag)
        return self._page("preview_home.html", essays=essays, heading=tag, first=1,
                          newer=None, older=None)

    def _essay(self, slug: str) -> Response:
        from .essays import NoSuchEssay, get_essay, related_essays
        from .sanitize import feed_html

        try:
            document = get_essay(self.index, slug)
            related = related_essays(self.index, slug)
        except NoSuchEssay as exc:
            raise LookupError(slug) from exc
        body = safe(feed_html(document.html, document.url or ""))
        return self._page("preview_essay.html", essay=document, body=body, related=related)

    def _search(self, query: dict[str, list[str]]) -> Response:
        from .search import SearchError
        from .search_query import QueryError

        words, filters, page = _search_request(query)
        results, problem = None, None
        if words.strip() or filters_given(filters):
            try:
                results = self._run_search(words, filters, page)
            except (SearchError, QueryError) as exc:
                problem = str(exc)
        return self._page("preview_search.html", 200 if problem is None else 400,
                          query_text=words, results=results, search_problem=problem,
                          snippet=safe, filters=filters, page_link=_page_link(query),
                          suggestion_link=_suggestion_link(query, results))

    def _api_search(self, query: dict[str, list[str]]) -> Response:
        from .search import SearchError
        from .search_query import QueryError

        words, filters, page = _search_request(query)
        try:
            results = self._run_search(words, filters, page)
        except (SearchError, QueryError) as exc:
            return Response(400, json.dumps({"error": str(exc)}).encode(),
                            "application/json")
        return Response(200, json.dumps(results.to_dict(), ensure_ascii=False).encode(),
                        "application/json")

    def _run_search(self, words: str, filters, page: int):
        from .search import search

        return search(self.index, words, limit=PAGE_SIZE, page=page, filters=filters)

    def _file(self, path: str) -> Response:
        """A file the build wrote into OUT: only there, never through a link out of it."""
        root = self.out.resolve()
        target = (root / path.lstrip("/")).resolve()
        if not target.is_relative_to(root):
            raise LookupError(path)
        if target.is_dir():
            if not path.endswith("/"):
                return Response(301, b"", headers={"Location": path + "/"})
            target = target / "index.html"
        if not target.is_file():
            raise LookupError(path)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/json", "application/xml"):
            kind += "; charset=utf-8"
        return Response(200, target.read_bytes(), kind, {"Content-Security-Policy": CSP_FILES})

    def _missing(self, path: str) -> Response:
        return self._page("preview_missing.html", 404, path=path)


def essay_path(slug: str) -> str:
    return f"/essays/{quote(slug, safe='')}/"


def tag_path(tag: str) -> str:
    return f"/tags/{quote(tag, safe='')}/"


def filters_given(filters) -> bool:
    return bool(filters.tags or filters.authors or filters.since or filters.until)


def _search_request(query: dict[str, list[str]]):
    from .search_query import Filters

    def one(key: str) -> str | None:
        values = [v for v in query.get(key, []) if v.strip()]
        return values[0].strip() if values else None

    filters = Filters([t for t in query.get("tag", []) if t.strip()],
                      [a for a in query.get("author", []) if a.strip()],
                      one("since"), one("until"))
    return " ".join(query.get("q", [])), filters, _page_number(query)


def _page_number(query: dict[str, list[str]]) -> int:
    try:
        return min(max(1, int((query.get("page") or ["1"])[0])), 100_000)
    except ValueError:
        return 1


def _page_link(query: dict[str, list[str]]):
    """The link to another page of the same search."""
    def link(page: int) -> str:
        kept = [(key, value) for key, values in query.items() if key != "page"
                for value in values]
        return "/search?" + urlencode([*kept, ("page", str(page))])
    return link


def _suggestion_link(query: dict[str, list[str]], results) -> str | None:
    if results is None or not results.suggestion:
        return None
    kept = [(key, value) for key, values in query.items() if key not in ("q", "page")
            for value in values]
    return "/search?" + urlencode([("q", results.suggestion), *kept])
