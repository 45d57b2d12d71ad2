"""OUT/search/ and OUT/pagefind/ (``--site-search``): search for the published site.

The index is Pagefind's (pagefind.app), a static search engine: the browser fetches a
small entry file, a WebAssembly module, and then only the chunks of the index and the
fragments (one per essay) that a query touches, so it works on any static host and from
``feedsearch serve``. It is fed from the essays themselves, not from crawled pages: one
small HTML page each, made for Pagefind alone (:func:`record_html`: the title and headings
weighed above the text; the title, date, summary and tags as metadata; tags and authors as
filters), by the ``pagefind`` binary that the ``pagefind_bin`` wheel ships: nothing is
downloaded when a build runs.

``search/index.html`` is the page: the site's layout, a search box, and ``search.js``
(templates/site_search.js), which loads ``../pagefind/pagefind.js`` on demand, runs the
query in ``?q=`` when the page opens (so a link can carry a search) and keeps ``?q=`` in
step with the box. It ranks as readers describe an essay, in words it may not all hold
(each word searched on its own, see the script), and shows every title, date, tag and
excerpt as text (``textContent``): Pagefind's excerpts, whose only markup is the ``<mark>``
around matched words, are split at those tags, never parsed as HTML. Pagefind's own UI
scripts are in the bundle as Pagefind writes it, but the page does not use them: they
insert filter names and values as HTML.

Pagefind is driven through its service protocol (``pagefind --service``: base64-encoded
JSON messages separated by commas on its stdin and stdout), the one the ``pagefind``
package's ``PagefindIndex`` speaks, with asyncio: records are streamed without waiting for
each answer, where ``PagefindIndex`` takes at least 0.1 s an answer (a sleep in its reading
loop: 1,000 essays, 100 s), and ``GetFiles``, whose answer holds the whole bundle, is read
without the 2 MiB limit on one answer that makes ``PagefindIndex.get_files`` wait forever
on all but the smallest sites.

Pagefind's bundle is not byte-for-byte the same from the same records: its filter index
(and so the meta index and ``pagefind-entry.json``, which name it by hash) lists values in
an order that changes from run to run (Pagefind issue #638); the word index chunks and the
fragments are stable. So besides the output's key (the essays and settings, which skips the
render when nothing changed), the render keeps a digest of what it fed Pagefind and keeps
the files as they are when that is unchanged and they are all in place.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from ..model import Document
from ..settings import BuildOptions
from . import Output, OutputContext, Rendered, register

BUNDLE = "pagefind/"  # Pagefind's files, under OUT
PAGE = "search/index.html"
SCRIPT = "search/search.js"
TEMPLATE = "site_search.html"
SCRIPT_SOURCE = "site_search.js"  # in templates/, copied as SCRIPT
BATCH = 250  # essays whose bodies are loaded at a time
SUMMARY_CHARACTERS = 300  # of the summary kept as the record's meta (shown when no excerpt)
TITLE_WEIGHT, HEADING_WEIGHT = 7, 2  # see record_html
_HEADING = re.compile(r"<h[1-6](?=[\s>])", re.IGNORECASE)
# Words Pagefind's indexer reads as its own instructions (weights, anchors) when a page's
# text holds them; an essay's words never are.
_MARKERS = re.compile(r"(?<!\S)_+(?=(?:END_)?PAGEFIND_)")


class PagefindError(RuntimeError):
    """Pagefind could not be started, failed on a request, or stopped."""


def language_code(options: BuildOptions) -> str:
    """The index's language, as the build's index takes it (``en`` of ``en-us``): every
    essay's words are stemmed as the site's language."""
    return options.language.lower().split("-")[0]


def record(document: Document, language: str) -> dict[str, Any]:
    """What Pagefind is given of one essay (its ``AddFile`` request, less the index): the
    essay as an HTML page of its own, :func:`record_html`."""
    return {"type": "AddFile", "url": document.url or "", "file_path": None,
            "file_contents": record_html(document, language)}


def record_html(document: Document, language: str = "en") -> str:
    """One essay as Pagefind reads it. The title weighs as Pagefind weighs a page's
    ``<h1>`` (7 times a word of text), the headings twice, as the build's own index weighs
    them (index.py; Pagefind would weigh them 2 to 6 times by their level), the tags and
    the text once (``data-pagefind-weight``). Measured on the real blogs with the search
    page's ranking (bench/site_search.py): readers' descriptions find the essay first as
    often as ``feedsearch search`` does, and typed titles as often as before. The title,
    date, summary and tags are metadata shown with a result; tags and authors are
    filters. The body is the essay as the feeds carry it (sanitised, so no script or
    style of an essay's is read as its words)."""
    from markupsafe import escape

    from ..sanitize import clean_text, feed_html

    title = clean_text(document.title).strip() or document.slug
    head = [_meta("title", title, "meta")]
    if document.date is not None:
        head.append(_meta("date", document.date.strftime("%Y-%m-%d"), "meta"))
    summary = " ".join(clean_text(document.summary).split())
    if summary:
        if len(summary) > SUMMARY_CHARACTERS:
            summary = summary[:SUMMARY_CHARACTERS].rsplit(" ", 1)[0] + " …"
        head.append(_meta("summary", summary, "meta"))
    tags, authors = _distinct(document.tags), _distinct(document.authors)
    if tags:
        head.append(_meta("tags", ", ".join(tags), "meta"))
    head += [_meta("tags", tag, "filter") for tag in tags]
    head += [_meta("authors", author, "filter") for author in authors]
    body = _HEADING.sub(lambda m: f'{m.group()} data-pagefind-weight="{HEADING_WEIGHT}"',
                        feed_html(document.html, document.url or ""))
    words_of_tags = f"<p>{escape(', '.join(tags))}</p>" if tags else ""
    return _unsteered(
        f'<!doctype html><html lang="{escape(language)}"><head>{"".join(head)}</head><body>'
        f'<h1 data-pagefind-weight="{TITLE_WEIGHT}">{escape(title)}</h1>'
        f"{words_of_tags}{body}</body></html>")


def _meta(name: str, value: str, kind: str) -> str:
    """A head element giving Pagefind one metadata or filter value; the value is an
    attribute's, taken whole (Pagefind's inline form would split it at commas)."""
    from markupsafe import escape

    return f'<meta data-pagefind-{kind}="{name}[content]" content="{escape(value)}">'


def _unsteered(html: str) -> str:
    """``html`` with the words Pagefind's indexer reads as its own instructions broken."""
    return _MARKERS.sub(lambda m: "\u200b".join(m.group()), html)


def _distinct(values: list[str]) -> list[str]:
    from ..sanitize import clean_text

    seen: dict[str, None] = {}
    for value in values:
        value = " ".join(clean_text(value).split())
        if value:
            seen.setdefault(value, None)
    return list(seen)


def records(context: OutputContext) -> Iterator[dict[str, Any]]:
    """Each essay's record, in file order; bodies are loaded BATCH essays at a time."""
    from .. import faults, interrupts

    language = language_code(context.options)
    documents = context.documents
    for start in range(0, len(documents), BATCH):
        interrupts.check()
        batch = documents[start:start + BATCH]
        context.load_bodies(batch)
        for document in batch:
            faults.inject("render", document.source)
            yield record(document, language)


def search_page(options: BuildOptions) -> bytes:
    """search/index.html: the site's layout around the search box."""
    from ..pages import render

    html = render(TEMPLATE, inline_css=True, language=options.language,
                  site_title=options.title, home="../")
    return html.encode("utf-8")


def search_script() -> bytes:
    return _template_file(SCRIPT_SOURCE)


def _template_file(name: str) -> bytes:
    return resources.files("feedsearch").joinpath("templates", name).read_bytes()


def pagefind_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind_bin")
    except PackageNotFoundError:
        return "?"


def _page_digest() -> str:
    """The page's template, layout, style sheet and script: a changed one makes the
    output again though the essays and settings are the same."""
    digest = hashlib.sha256()
    for name in (TEMPLATE, "base.html", "style.css", SCRIPT_SOURCE):
        digest.update(_template_file(name))
    return digest.hexdigest()


# --- Pagefind, through its service protocol ---------------------------------------------


def build_bundle(items: Iterator[dict[str, Any]], language: str) -> tuple[dict[str, bytes],
                                                                           str]:
    """Pagefind's bundle for the records ``items`` (paths relative to the bundle's folder),
    and a digest of everything it was made from."""
    work = _bundle(items, language)
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: no event loop in this thread
        return asyncio.run(work)
    from concurrent.futures import ThreadPoolExecutor  # called from a running loop

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()


async def _bundle(items: Iterator[dict[str, Any]], language: str) -> tuple[dict[str, bytes],
                                                                             str]:
    digest = hashlib.sha256(f"{pagefind_version()}\0{language}\0".encode())
    async with _Service() as service:
        index = (await service.call({"type": "NewIndex", "config": {
            "force_language": language, "write_playground": False}}))["index_id"]
        pending = []
        for item in items:
            data = json.dumps(item, ensure_ascii=False, sort_keys=True)
            digest.update(data.encode("utf-8", "surrogatepass") + b"\n")
            pending.append(await service.send({**item, "index_id": index}))
        for answer in pending:
            await answer
        files = (await service.call({"type": "GetFiles", "index_id": index}))["files"]
    return ({file["path"]: base64.b64decode(file["content"]) for file in files},
            digest.hexdigest())


class _Service:
    """One ``pagefind --service`` process: requests are written as they come, answers
    matched to them by message id as they arrive."""

    def __init__(self) -> None:
        self.process: asyncio.subprocess.Process | None = None
        self.answers: dict[int, asyncio.Future] = {}
        self.sent = 0
        self.reader: asyncio.Task | None = None

    async def __aenter__(self) -> _Service:
        from pagefind.service import get_executable

        binary = get_executable()
        if binary is None:
            raise PagefindError("the pagefind binary is not installed (pip install "
                                "'pagefind[bin]')")
        try:
            self.process = await asyncio.create_subprocess_exec(
                str(binary), "--service", stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
        except OSError as exc:
            raise PagefindError(f"pagefind could not be started: {exc}") from exc
        self.reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        process = self.process
        assert process is not None and process.stdin is not None and self.reader is not None
        process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except (TimeoutError, asyncio.CancelledError):
            pass
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
            self.reader.cancel()

    async def send(self, payload: dict[str, Any]) -> asyncio.Future:
        """Write one request; its answer's payload is the future's result."""
        process = self.process
        assert process is not None and process.stdin is not None
        self.sent += 1
        answer = asyncio.get_running_loop().create_future()
        self.answers[self.sent] = answer
        message = json.dumps({"message_id": self.sent, "payload": payload},
                             ensure_ascii=True)
        process.stdin.write(base64.b64encode(message.encode("ascii")) + b",")
        try:
            await process.stdin.drain()
        except (BrokenPipeError, ConnectionResetError) as exc:
            await asyncio.wait([self.reader], timeout=1)  # let it say why, when it can
            if not answer.done():
                raise PagefindError(f"pagefind stopped ({exc})") from exc
        return answer

    async def call(self, payload: dict[str, Any]) -> dict[str, Any]:
        return await (await self.send(payload))

    async def _read(self) -> None:
        process = self.process
        assert process is not None and process.stdout is not None
        buffer, scanned = bytearray(), 0
        try:
            while True:
                end = buffer.find(b",", scanned)
                if end < 0:
                    scanned = len(buffer)
                    chunk = await process.stdout.read(1 << 20)
                    if not chunk:
                        break
                    buffer += chunk
                    continue
                self._answer(bytes(buffer[:end]))
                del buffer[:end + 1]
                scanned = 0
            code = await process.wait()
            failure = PagefindError(f"pagefind stopped (exit status {code})")
        except Exception as exc:  # an answer that is not one: nothing more can be trusted
            failure = PagefindError(f"pagefind's answer could not be read: {exc}")
        for answer in self.answers.values():
            if not answer.done():
                answer.set_exception(failure)

    def _answer(self, message: bytes) -> None:
        answer = json.loads(base64.b64decode(message))
        payload = answer.get("payload") or {}
        number = answer.get("message_id")
        if number is None and payload.get("original_message"):  # a request it could not read
            number = json.loads(payload["original_message"]).get("message_id")
        future = self.answers.get(number)
        if future is None or future.done():
            return
        if payload.get("type") == "Error":
            future.set_exception(PagefindError(f"pagefind: {payload.get('message')}"))
        else:
            future.set_result(payload)


# --- the output -------------------------------------------------------------------------


@register
class SiteSearch(Output):
    name = "site-search"

    def enabled(self, options: BuildOptions) -> bool:
        return options.site_search

    def settings(self, options: BuildOptions, base_url: str) -> object:
        return (base_url, options.title, options.language, pagefind_version(),
                _page_digest())

    def render(self, context: OutputContext, previous: Any) -> Rendered:
        options = context.options
        page, script = search_page(options), search_script()
        bundle, fed = build_bundle(records(context), language_code(options))
        digest = hashlib.sha256(f"{fed}\0".encode() + page + b"\0" + script).hexdigest()
        if isinstance(previous, dict) and previous.get("digest") == digest and \
                isinstance(previous.get("files"), list) and \
                all(context.present(name) for name in previous["files"]):
            # The same records, page and Pagefind as last time: keep the files written
            # then (Pagefind would name its filter and meta indexes anew).
            return Rendered(dict.fromkeys(previous["files"]), previous)
        files: dict[str, bytes | None] = {BUNDLE + path: data
                                          for path, data in sorted(bundle.items())}
        files[PAGE] = page
        files[SCRIPT] = script
        return Rendered(files, {"digest": digest, "files": list(files)})

    def summary(self, out: Path, names: list[str]) -> list[str]:
        return [f"Search:  {out / PAGE} (its index: {out / BUNDLE})"]
