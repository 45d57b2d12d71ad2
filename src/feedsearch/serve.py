"""``feedsearch serve``: build, then show the archive in a browser on this machine, and
build again when a file in the archive changes, so that a writer sees an edit within a
second or two (each page reloads itself after a build).

The server is the standard library's threading HTTP server, bound to localhost unless
told otherwise; it answers GET and HEAD only (no request writes anything), sends a
Content-Security-Policy with every page, and serves no file outside OUT. The pages are
preview_pages.py's. Changes are watched with watchfiles (the operating system's file
events); a burst of them (an editor saving) makes one build.
"""

from __future__ import annotations

import errno
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .preview_pages import CSP, Preview, Response
from .settings import BuildOptions

DEFAULT_PORT = 8000


class ServeError(Exception):
    """The preview cannot start: its port is taken, or its host cannot be bound."""


@dataclass
class Served:
    """A running preview: its address, and how to stop it."""

    url: str
    server: ThreadingHTTPServer
    stop_event: threading.Event
    threads: list[threading.Thread]
    rebuild: _Rebuilder | None = None

    def stop(self) -> None:
        self.stop_event.set()
        if self.rebuild is not None:  # a whole build under way stops at its next safe point
            self.rebuild.superseded.set()
        self.server.shutdown()
        self.server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)


def start(options: BuildOptions, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
          watch: bool = True, on_build: Callable[[object], None] | None = None,
          on_error: Callable[[str], None] | None = None) -> Served:
    """Build, then serve the preview in background threads; returns at once. A build
    that fails (a BuildError) is shown on every page and told to ``on_error``; each
    build's report goes to ``on_build``. Raises ServeError when the port is taken."""
    preview = Preview(Path(options.index), Path(options.out), options.title,
                      options.language.split("-")[0])
    rebuild = _Rebuilder(options, preview, on_build, on_error)
    rebuild()
    server = _bind(host, port, preview)
    stop_event = threading.Event()
    threads = [threading.Thread(target=server.serve_forever, name="serve", daemon=True)]
    if watch:
        threads += [threading.Thread(target=_watch, args=(options, rebuild, stop_event),
                                     name="watch", daemon=True),
                    threading.Thread(target=rebuild.run, args=(stop_event,), name="build",
                                     daemon=True)]
    for thread in threads:
        thread.start()
    shown = f"[{host}]" if ":" in host else host
    return Served(f"http://{shown}:{server.server_address[1]}/", server, stop_event, threads,
                  rebuild)


def serve(options: BuildOptions, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
          watch: bool = True, on_ready: Callable[[str], None] | None = None,
          on_build: Callable[[object], None] | None = None,
          on_error: Callable[[str], None] | None = None) -> None:
    """Build, serve and rebuild on changes until interrupted (Ctrl-C)."""
    served = start(options, host, port, watch, on_build, on_error)
    if on_ready is not None:
        on_ready(served.url)
    try:
        served.stop_event.wait()
    finally:
        served.stop()


class _Rebuilder:
    """Runs a build (one at a time) and tells the pages a new one is in.

    After an edit, a quick build comes first (build.build's ``quick``): the essay is read,
    indexed and stored, and the pages show it, in about a second at 10,000 essays; then
    the whole build brings related posts and the feeds up to date, and the pages reload
    once more (docs/benchmarks.md, bench/serve_speed.py). An edit saved while the whole
    build runs gives that build up at its next safe point (interrupts.supersedable): the
    next quick build shows the new edit, and one whole build follows for both."""

    def __init__(self, options: BuildOptions, preview: Preview, on_build, on_error) -> None:
        self.options, self.preview = options, preview
        self.on_build, self.on_error = on_build, on_error
        self.lock = threading.Lock()
        self.wanted = threading.Event()  # files changed since the last build began
        self.superseded = threading.Event()  # a whole build under way is to be given up

    def request(self) -> None:
        """Files changed: build again, giving up a whole build under way."""
        self.superseded.set()
        self.wanted.set()

    def run(self, stop_event: threading.Event) -> None:
        """The build thread: one quick build and one whole build after each request."""
        while not stop_event.is_set():
            if not self.wanted.wait(0.2):
                continue
            self.wanted.clear()
            self.superseded.clear()
            self(edited=True)

    def __call__(self, edited: bool = False) -> None:
        with self.lock:
            quick = self._build(quick=True) if edited else None
            if edited and quick is None:
                return
            report = self._build(quick=False)
            if report is None:
                return
            if quick is not None:  # the essays the edit changed were read by the quick one
                report.added, report.updated, report.removed = \
                    quick.added, quick.updated, quick.removed
                report.unchanged = quick.unchanged
                report.seconds += quick.seconds
            if self.on_build:
                self.on_build(report)

    def _build(self, quick: bool):
        from . import interrupts
        from .build import BuildError, BuildInterrupted, build

        try:
            if quick:  # about a second: not given up, so an edit always shows
                report = build(self.options, quick=True)
            else:
                with interrupts.supersedable(self.superseded):
                    report = build(self.options)
        except BuildInterrupted:  # given up for a newer edit, which builds next
            return None
        except BuildError as exc:
            self.preview.problem = str(exc)
            if self.on_error:
                self.on_error(str(exc))
            return None
        self.preview.problem = None
        self.preview.build_id += 1
        return report


def _watch(options: BuildOptions, rebuild: _Rebuilder, stop_event: threading.Event) -> None:
    """Build again after each burst of changes in SOURCE, but for those in the folders
    the build writes (OUT, INDEX, a data folder inside SOURCE)."""
    import watchfiles

    written = [Path(p).resolve() for p in (options.out, options.index, options.data_dir)
               if p is not None]

    def wanted(_change, path: str) -> bool:
        resolved = Path(path).resolve()
        return not any(resolved.is_relative_to(folder) for folder in written)

    for _changes in watchfiles.watch(options.source, watch_filter=wanted, debounce=150,
                                     step=50, stop_event=stop_event, raise_interrupt=False,
                                     yield_on_timeout=False):
        rebuild.request()


def _bind(host: str, port: int, preview: Preview) -> ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"preview": preview})
    server_class = ThreadingHTTPServer
    if ":" in host:
        import socket

        server_class = type("Server6", (ThreadingHTTPServer,),
                            {"address_family": socket.AF_INET6})
    try:
        server = server_class((host, port), handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(f"port {port} on {host} is in use (another feedsearch serve?): "
                             "pass --port with another number") from exc
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    server.daemon_threads = True
    return server


class _Handler(BaseHTTPRequestHandler):
    """GET and HEAD, answered by the preview; every other method is refused."""

    preview: Preview
    server_version = "feedsearch"
    sys_version = ""

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def _refuse(self) -> None:
        self._send(Response(405, b"read only\n", "text/plain; charset=utf-8",
                            {"Allow": "GET, HEAD"}), True)

    do_POST = do_PUT = do_DELETE = do_PATCH = _refuse  # noqa: N815

    def _answer(self, send_body: bool) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = parse_qs(parts.query, keep_blank_values=False)
        if "\x00" in path:
            response = Response(400, b"bad path\n", "text/plain; charset=utf-8")
        else:
            response = self.preview.respond(path, query)
        self._send(response, send_body)

    def _send(self, response: Response, send_body: bool) -> None:
        self.send_response(response.status)
        headers = {"Content-Type": response.content_type,
                   "Content-Length": str(len(response.body)),
                   "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                   "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache",
                   **response.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        """Requests are not logged: the terminal shows builds, not page loads."""
