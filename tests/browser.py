"""A real browser for the tests: Debian's Chromium, headless, driven by Playwright (no
browser is downloaded: Playwright is told where Chromium is). A module that needs it calls
``need_chromium()`` at import: without Chromium it skips with the reason, except in CI
(``CI`` set), where it fails.

``Watched`` wraps a page and records what a person would not want to see happen: a
script error, a message in the console, a dialog (``alert``) opening, a request refused
by the Content-Security-Policy. Screenshots go under the test's temporary folder.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def need_chromium() -> str:
    path = chromium_path()
    if path is not None:
        try:
            import playwright  # noqa: F401
        except ImportError:
            path = None
    if path is None:
        reason = ("Chromium or Playwright is missing (Debian: apt-get install chromium; "
                  "make test installs both where it can)")
        if os.environ.get("CI"):
            pytest.fail(f"{reason}, and CI must run the browser tests", pytrace=False)
        pytest.skip(reason, allow_module_level=True)
    return path  # type: ignore[return-value]


@contextmanager
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(),
                                              args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Watched:
    """A page, and what went wrong on it."""

    page: object
    shots: Path
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, browser_, shots: Path, width: int = 1100, height: int = 1400) -> Watched:
        page = browser_.new_page(viewport={"width": width, "height": height})
        watched = cls(page, shots)
        page.on("pageerror", lambda error: watched.errors.append(f"page error: {error}"))
        page.on("console", lambda message: watched.errors.append(
            f"console {message.type}: {message.text}") if message.type in ("error",
                                                                          "warning") else None)

        def dialog(opened) -> None:
            watched.dialogs.append(opened.message)
            opened.dismiss()

        page.on("dialog", dialog)
        return watched

    def shot(self, name: str) -> Path:
        self.shots.mkdir(parents=True, exist_ok=True)
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_clean(self) -> None:
        assert self.dialogs == [], self.dialogs
        assert self.errors == [], self.errors


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


@contextmanager
def static_server(folder: Path) -> Iterator[str]:
    """A plain local HTTP server of ``folder``, as any static host would serve it."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
