"""A build killed at any moment (SIGKILL: nothing runs on the way out) leaves every output
whole, each one either as the previous build wrote it or as the new one will, no temporary
files behind, and an index that still answers; the next build finishes the job.

Before each kill OUT and INDEX are put back as the previous build left them, so that every
kill interrupts the same change (previous archive -> changed archive) at a different moment.
"""

from __future__ import annotations

import ctypes
import json
import os
import random
import select
import shutil
import signal
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from feedsearch.cli import cli
from tests.conftest import alive_in_session_after

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SCRIPT = Path(sys.executable).parent / "feedsearch"
BASE_URL = "https://marenholt.example/"
ESSAYS = 27
KILLS = 8  # each one must land while a build runs
ATTEMPTS = 3 * KILLS  # builds started, at most: a kill that came after the build ended is retried
SEED = 7
BUILD_TIMEOUT = 120
LEFT_BEHIND_SECONDS = 5  # how long a killed build's workers may take to follow it

pytestmark = pytest.mark.slow  # a few dozen builds, most of them killed


@dataclass
class States:
    archive: Path
    out: Path
    index: Path
    saved: Path  # a copy of OUT and INDEX as the previous build left them
    previous_out: dict[str, bytes]
    previous_export: list[str]
    new_out: dict[str, bytes]
    new_export: list[str]
    build_seconds: float


def build_command(source: Path, out: Path, index: Path) -> list[str]:
    return [str(SCRIPT), "build", str(source), "--out", str(out), "--index", str(index),
            "--base-url", BASE_URL, "--title", "Maren Holt: Essays", "--quiet"]


def run_build(source: Path, out: Path, index: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(build_command(source, out, index), capture_output=True, text=True,
                          timeout=BUILD_TIMEOUT)
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - started


def files_of(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file()}


def export_lines(index: Path) -> list[str]:
    result = CliRunner().invoke(cli, ["export", "--index", str(index)])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def change_essays(archive: Path) -> None:
    """A new tag and a tag gone (its feed folder goes stale), a new title, new text."""
    edit(archive / "asking-for-help.md", "tags: [asking for help, vulnerability, therapy]",
         "tags: [asking for help, courage, therapy]")
    with (archive / "asking-for-help.md").open("a", encoding="utf-8") as handle:
        handle.write("\nA postscript about the word zephyrine, added after the fact.\n")
    edit(archive / "rest-is-not-a-reward.md", 'title = "Rest Is Not a Reward"',
         'title = "Rest Is Maintenance, Not a Reward"')
    with (archive / "saying-no-at-work.md").open("a", encoding="utf-8") as handle:
        handle.write("\nOne more paragraph, on saying no to a quarterly offsite.\n")


@pytest.fixture(scope="module")
def states(tmp_path_factory) -> States:
    work = tmp_path_factory.mktemp("crash")
    archive = work / "corpus"
    shutil.copytree(CORPUS, archive)
    out, index = work / "public", work / "index"
    run_build(archive, out, index)
    previous_out, previous_export = files_of(out), export_lines(index)
    saved = work / "previous"
    shutil.copytree(out, saved / out.name)
    shutil.copytree(index, saved / index.name)
    change_essays(archive)
    fresh_out, fresh_index = work / "fresh" / "public", work / "fresh" / "index"
    run_build(archive, fresh_out, fresh_index)
    states = States(archive, out, index, saved, previous_out, previous_export,
                    files_of(fresh_out), export_lines(fresh_index), 0.0)
    # The builds to kill update the previous state: time one of those, not a fresh build,
    # so that the kill delays span what they interrupt.
    restore_previous(states)
    states.build_seconds = run_build(archive, out, index)
    assert files_of(out) == states.new_out  # an update ends where a fresh build does
    assert len(states.previous_export) == ESSAYS
    assert states.new_out != states.previous_out
    assert states.new_export != states.previous_export
    assert "tags/courage/feed.xml" in states.new_out
    assert "tags/vulnerability/feed.xml" in states.previous_out
    return states


def restore_previous(states: States) -> None:
    for folder in (states.out, states.index):
        shutil.rmtree(folder)
        shutil.copytree(states.saved / folder.name, folder)


def start_build(states: States) -> subprocess.Popen:
    """A build in a session of its own, so that the processes it starts can be found."""
    return subprocess.Popen(build_command(states.archive, states.out, states.index),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def nothing_left_behind(process: subprocess.Popen, attempt: str) -> None:
    """No process of the killed build's session (a parse worker) outlives it for long."""
    left = alive_in_session_after(process.pid, LEFT_BEHIND_SECONDS)
    if left:
        os.killpg(process.pid, signal.SIGKILL)
    assert not left, f"{attempt}: processes left behind: {left}"


def finish_and_compare(states: States) -> None:
    """The next build, run to the end, makes OUT and the index what a fresh build makes."""
    run_build(states.archive, states.out, states.index)
    assert files_of(states.out) == states.new_out
    assert export_lines(states.index) == states.new_export


def check_outputs(states: States, attempt: str) -> None:
    files = files_of(states.out)
    leftovers = [name for name in files if name.endswith(".tmp")]
    assert not leftovers, f"{attempt}: temporary files left in OUT: {leftovers}"
    for name, data in files.items():
        if name.endswith(".xml"):
            parsed = feedparser.parse(data)
            assert parsed.bozo == 0, (attempt, name, parsed.get("bozo_exception"))
        elif name.endswith(".json"):
            json.loads(data)
        old, new = states.previous_out.get(name), states.new_out.get(name)
        assert data in (old, new), \
            f"{attempt}: {name} is neither the previous nor the new version"
    for name in ("feed.xml", "atom.xml", "feed.json", "related.json"):
        assert name in files, (attempt, name)


def check_index(states: States, attempt: str) -> None:
    search = CliRunner().invoke(cli, ["search", "grief", "--index", str(states.index),
                                      "--json"])
    assert search.exit_code == 0, (attempt, search.output)
    assert json.loads(search.stdout)["total"] > 0, attempt
    lines = export_lines(states.index)
    assert len(lines) == ESSAYS, attempt
    assert lines in (states.previous_export, states.new_export), attempt


def test_killed_builds_leave_old_or_new_outputs(states: States) -> None:
    """KILLS SIGKILLs, every one landing while a build runs, at random moments spread over a
    build's duration; each leaves whole outputs, an index that answers, and no process."""
    rng = random.Random(SEED)
    low, high = 0.05, max(states.build_seconds, 0.5)
    step = (high - low) / KILLS
    # One delay in each of KILLS equal slices of a build's duration, in a seeded order.
    delays = [rng.uniform(low + i * step, low + (i + 1) * step) for i in range(KILLS)]
    rng.shuffle(delays)
    landed, attempts, log = 0, 0, []
    while delays and attempts < ATTEMPTS:
        attempts += 1
        delay = delays.pop()
        attempt = f"attempt {attempts}, kill after {delay:.3f}s"
        restore_previous(states)
        process = start_build(states)
        try:
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)  # the build only: its workers must follow
            code = process.wait(timeout=BUILD_TIMEOUT)
            nothing_left_behind(process, attempt)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        # Killed, or it had finished (exit 0) before the signal came: either way, whole.
        assert code in (0, -signal.SIGKILL), (attempt, code)
        log.append(f"{attempt}: {'killed' if code else 'finished first'}")
        check_outputs(states, attempt)
        check_index(states, attempt)
        if code == -signal.SIGKILL:
            landed += 1
        else:  # it came too late: again, at a random moment before this one
            delays.append(rng.uniform(low, delay))
    print("\n".join(log))  # with -s
    assert landed == KILLS, f"{landed} of {KILLS} kills landed during a build: {log}"
    finish_and_compare(states)


class Creations:
    """The files created in a few folders, as Linux's inotify reports them: a test blocks
    until one appears instead of listing the folders again and again."""

    IN_MOVED_TO, IN_CREATE = 0x80, 0x100  # <sys/inotify.h>
    EVENT = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len; then the name

    def __init__(self) -> None:
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.fd = self.libc.inotify_init1(os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self.folders: dict[int, Path] = {}

    def watch(self, folder: Path) -> None:
        wd = self.libc.inotify_add_watch(self.fd, os.fsencode(folder),
                                         self.IN_CREATE | self.IN_MOVED_TO)
        if wd < 0:
            raise OSError(ctypes.get_errno(), f"inotify_add_watch {folder}")
        self.folders[wd] = folder

    def read(self) -> list[Path]:
        """The paths created since the last read (blocks until there is one)."""
        data, at, paths = os.read(self.fd, 65536), 0, []
        while at < len(data):
            wd, _mask, _cookie, length = self.EVENT.unpack_from(data, at)
            name = data[at + self.EVENT.size:at + self.EVENT.size + length].rstrip(b"\0")
            at += self.EVENT.size + length
            if wd in self.folders and name:
                paths.append(self.folders[wd] / os.fsdecode(name))
        return paths

    def close(self) -> None:
        os.close(self.fd)


def writing_a_temporary_file(process: subprocess.Popen, created: Creations, out: Path,
                             staging: Path) -> bool:
    """Blocks until a temporary file (.tmp) appears in OUT or the staging folder (True) or
    the build ends first (False). ``created`` watches OUT, and the staging folder if it is
    there, else INDEX until the build makes it."""
    try:
        ended: int | None = os.pidfd_open(process.pid)  # readable once the build ends
    except (AttributeError, OSError):  # no pidfds here: look every 50 ms
        ended = None
    try:
        for folder in (out, staging):
            if folder.is_dir() and any(e.name.endswith(".tmp") for e in os.scandir(folder)):
                return True
        while True:
            watched = [created.fd] if ended is None else [created.fd, ended]
            ready, _, _ = select.select(watched, [], [], 0.05 if ended is None else None)
            if ended in ready if ended is not None else process.poll() is not None:
                return False  # the build ended first
            if created.fd not in ready:
                continue
            for path in created.read():
                if path.parent in (out, staging) and path.name.endswith(".tmp"):
                    return True
                if path == staging:  # made now: watch it, and look at what it already holds
                    created.watch(staging)
                    if any(entry.name.endswith(".tmp") for entry in os.scandir(staging)):
                        return True
    finally:
        if ended is not None:
            os.close(ended)


def test_build_killed_while_writing_an_output(states: States) -> None:
    """The moment atomic writing exists for: killed while an output's temporary file is
    being written (in the index's staging folder, or beside the output)."""
    caught = 0
    staging = states.index / "staging"
    for number in range(1, 4):
        attempt = f"kill {number} while writing"
        restore_previous(states)
        created = Creations()  # watch where feed.xml's temporary file is written
        try:
            created.watch(states.out)
            created.watch(staging if staging.is_dir() else states.index)
            process = start_build(states)
            if writing_a_temporary_file(process, created, states.out, staging):
                process.send_signal(signal.SIGKILL)
                caught += 1
        finally:
            created.close()
        process.wait(timeout=BUILD_TIMEOUT)
        check_outputs(states, attempt)
        check_index(states, attempt)
    assert caught, "no build was caught writing an output"
    finish_and_compare(states)


def test_atomic_writes_keep_the_usual_file_mode(states: States, tmp_path: Path) -> None:
    """An output written atomically is as readable as one written in place: a web server
    running as another user must be able to serve the feeds."""
    umask = os.umask(0)
    os.umask(umask)
    expected = 0o666 & ~umask
    plain = tmp_path / "plain.xml"
    plain.write_bytes(b"<x/>")
    assert plain.stat().st_mode & 0o777 == expected
    out = states.out.parent / "fresh" / "public"
    modes = {name: (out / name).stat().st_mode & 0o777 for name in files_of(out)}
    assert modes
    wrong = {name: oct(mode) for name, mode in modes.items() if mode != expected}
    assert not wrong, f"expected {oct(expected)}: {wrong}"
