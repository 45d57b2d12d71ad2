"""Shared fixtures: the sample archive, and one real build of it per test session."""

from __future__ import annotations

import os
import select
import shutil
import time
from pathlib import Path

import pytest

from feedsearch.build import BuildOptions, build

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
BASE_URL = "https://marenholt.example/"


def first_in_make_test(values, count: int = 2) -> list:
    """Parameters of a test that runs once per kind or seed: the first ``count`` in make
    test, the rest marked slow (make test-all, which CI runs, runs every one)."""
    return [value if n < count else pytest.param(value, marks=pytest.mark.slow)
            for n, value in enumerate(values)]


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


def build_options(source: Path, work: Path, **overrides) -> BuildOptions:
    options = dict(source=source, out=work / "public", index=work / "index", base_url=BASE_URL,
                   title="Maren Holt: Essays", author="Maren J. Holt")
    options.update(overrides)
    return BuildOptions(**options)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> BuildOptions:
    """The sample archive built once, read-only for the tests that use it."""
    work = tmp_path_factory.mktemp("built")
    options = build_options(CORPUS, work)
    build(options)
    return options


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A private copy of the sample archive that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def alive_in_session(session: int) -> list[str]:
    """Processes of the session that are running (a dead one waiting to be reaped is not):
    what a build started in a session of its own leaves behind."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # gone while we looked
                continue
            if int(fields[3]) == session and fields[0] != "Z":
                alive.append(entry.name)
    return alive


def alive_in_session_after(session: int, seconds: float) -> list[str]:
    """The processes of the session still running once they have all ended or ``seconds``
    have passed, whichever comes first. Waits blocked on the processes' pidfds (Linux 5.3
    and later), which become readable when they end; where there are none, in steps of
    50 ms."""
    deadline = time.monotonic() + seconds
    while alive := alive_in_session(session):
        left = deadline - time.monotonic()
        if left <= 0:
            return alive
        handles = []
        try:
            for pid in alive:
                try:
                    handles.append(os.pidfd_open(int(pid)))
                except ProcessLookupError:  # ended since we looked: list them again
                    break
            else:
                select.select(handles, [], [], left)  # returns when any of them ends
        except (AttributeError, OSError):  # no pidfds here
            time.sleep(min(0.05, left))
        finally:
            for handle in handles:
                os.close(handle)
    return []


CANARY = ("canary.md", "---\ntitle: The Canary\ndate: 2024-02-02\ntags: [birds]\n---\n\n"
          "A canary sings in the kitchen every morning.\n")


def archive_with(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """An archive of ``files`` (name: text or bytes) beside a canary essay, which every
    build of it must publish."""
    source = tmp_path / "essays"
    source.mkdir(exist_ok=True)
    (source / CANARY[0]).write_text(CANARY[1], encoding="utf-8")
    for name, content in files.items():
        path = source / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return source

