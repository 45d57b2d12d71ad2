"""Ctrl-C, SIGTERM and a killed build: one line, exit 130 or 143, the outputs old or new
and whole, no worker left running, no lock left held."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import pytest

from feedsearch import interrupts, locking
from feedsearch.build import build
from tests.conftest import alive_in_session, alive_in_session_after, archive_with, build_options

ESSAYS = 120  # enough for the worker pool (16 files are parsed before it starts)
WORDS = "heron kettle ladder violin orchard harbour lantern meadow winter letter".split()


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("interrupts") / "essays"
    root.mkdir()
    rng = random.Random(5)
    for n in range(ESSAYS):
        body = " ".join(rng.choice(WORDS) for _ in range(400))
        (root / f"essay-{n:03d}.md").write_text(
            f"---\ntitle: Essay {n}\ndate: 2020-01-{n % 28 + 1:02d}\ntags: [{WORDS[n % 5]}]\n"
            f"---\n\n{body}\n", encoding="utf-8")
    return root


def command(archive: Path, work: Path) -> list[str]:
    return [sys.executable, "-m", "feedsearch", "build", str(archive), "--out",
            str(work / "out"), "--index", str(work / "index"), "--workers", "1",
            "--lock-timeout", "5"]


def as_from_a_terminal() -> None:
    """In the child: Ctrl-C as a terminal delivers it. (A test run in the background, as
    under nohup, ignores SIGINT, and a child would inherit that.)"""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def feeds_are_whole(out: Path) -> None:
    for name in ("feed.xml", "atom.xml"):
        if (out / name).exists():
            parsed = feedparser.parse((out / name).read_bytes())
            assert not parsed.bozo, (name, parsed.bozo_exception)


def build_seconds(archive: Path, work: Path) -> float:
    started = time.monotonic()
    subprocess.run(command(archive, work), check=True, capture_output=True, timeout=300)
    return time.monotonic() - started


@pytest.mark.slow  # a dozen builds, each interrupted at a random moment
@pytest.mark.parametrize(("sent", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_build_stops_cleanly(archive, tmp_path, sent, code):
    """8 interrupts (4 for SIGTERM), each while a build runs: every one stops it cleanly."""
    seconds = build_seconds(archive, tmp_path / "timing")
    rng = random.Random(int(sent))
    wanted, landed, attempts = (8 if sent == signal.SIGINT else 4), 0, 0
    while landed < wanted and attempts < 3 * wanted:
        attempts += 1
        work = tmp_path / f"run{attempts}"
        process = subprocess.Popen(command(archive, work), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, start_new_session=True,
                                   preexec_fn=as_from_a_terminal)
        delay = rng.uniform(0.1, max(0.2, seconds * 0.8))
        time.sleep(delay)
        if process.poll() is not None:  # it finished first: try again, sooner
            process.communicate()
            continue
        os.killpg(process.pid, sent)  # as a terminal's Ctrl-C reaches the whole group
        _out, err = process.communicate(timeout=120)
        errors = err.decode()
        assert "Traceback" not in errors, errors
        last = errors.strip().splitlines()[-1] if errors.strip() else ""
        if " essays: " in last:  # it was writing its last line: finished, not stopped
            continue
        landed += 1
        assert process.returncode == code, (delay, process.returncode, errors)
        assert last.startswith("interrupted"), (delay, errors)
        assert not alive_in_session_after(process.pid, 0.2)
        feeds_are_whole(work / "out")
        again = subprocess.run(command(archive, work), capture_output=True, text=True,
                               timeout=300)
        assert again.returncode == 0, again.stderr  # the lock is free, the build completes
        feeds_are_whole(work / "out")
    assert landed == wanted, f"{landed} of {wanted} interrupts landed in {attempts} builds"


@pytest.mark.slow  # builds killed at moments spread over a build
def test_a_killed_builds_worker_exits_and_frees_the_lock(archive, tmp_path):
    seconds = build_seconds(archive, tmp_path / "timing")
    for number in range(3):
        work = tmp_path / f"run{number}"
        process = subprocess.Popen(command(archive, work), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(min(seconds * 0.6, 0.4 + number * 0.5))
        os.kill(process.pid, signal.SIGKILL)  # the build only: its worker is orphaned
        process.wait(timeout=30)
        assert not alive_in_session_after(process.pid, 5), "a worker outlived its build"
        again = subprocess.run(command(archive, work), capture_output=True, text=True,
                               timeout=300)
        assert again.returncode == 0, again.stderr
        if (work / "index" / "build.lock").exists():  # the build had taken its lock
            assert f"process {process.pid}) was stopped before it finished; its lock is " \
                   "taken over" in again.stderr


def command_line(pid: str) -> bytes | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # gone
        return None


def with_a_long_last_essay(archive: Path, folder: Path) -> Path:
    """A copy of ``archive`` whose last essay (some 3.5 MB) keeps the build indexing, and
    its parse worker alive, for seconds after the worker has parsed the rest."""
    copy = folder / "essays"
    shutil.copytree(archive, copy)
    rng = random.Random(7)
    paragraphs = [". ".join(" ".join(rng.choice(WORDS) for _ in range(12)) for _ in range(8))
                  for _ in range(5000)]
    (copy / "zz-long.md").write_text("---\ntitle: The Long One\ndate: 2020-02-02\n---\n\n"
                                     + ".\n\n".join(paragraphs) + ".\n", encoding="utf-8")
    return copy


def test_a_workers_copy_of_the_lock_never_keeps_the_next_build_out(archive, tmp_path):
    """A parse worker is forked while its build holds the lock, and closes its copy at
    once: a worker left behind (where no parent-death signal exists) never holds it."""
    work = tmp_path / "run"
    lock = (work / "index" / "build.lock").resolve()
    archive = with_a_long_last_essay(archive, tmp_path)
    process = subprocess.Popen(command(archive, work), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        workers: list[str] = []
        while not workers and time.monotonic() < deadline:
            # Forked workers, whose command line is the build's (not a passing helper
            # process that a library may start and end in the meantime).
            workers = [pid for pid in alive_in_session(process.pid)
                       if int(pid) != process.pid
                       and command_line(pid) == command_line(str(process.pid))]
            time.sleep(0.01)
        assert workers, "the build started no worker"
        time.sleep(0.2)  # past the worker's start
        held_by = {pid: [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()
                         if fd.is_symlink()] for pid in [str(process.pid), *workers]}
        assert str(lock) in held_by[str(process.pid)]
        for pid in workers:
            assert str(lock) not in held_by[pid], f"worker {pid} holds the lock"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def test_a_signal_waits_for_the_next_check_and_a_second_one_does_not():
    """What the builds above rely on, in this process and at once: inside deferred() a
    SIGINT or SIGTERM is only noted, check() raises it (SIGTERM as Terminated), a second
    one raises where it lands, and the handlers before are back afterwards."""
    before = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    with interrupts.deferred():
        interrupts.check()  # nothing noted: nothing raised
        signal.raise_signal(signal.SIGINT)
        with pytest.raises(KeyboardInterrupt) as raised:
            interrupts.check()
        assert type(raised.value) is KeyboardInterrupt
    with interrupts.deferred():
        signal.raise_signal(signal.SIGTERM)
        with pytest.raises(interrupts.Terminated):
            interrupts.check()
        with pytest.raises(interrupts.Terminated):
            signal.raise_signal(signal.SIGTERM)  # the second one, before any check
    with interrupts.deferred():
        interrupts.check()  # what the last one noted is gone
    assert {number: signal.getsignal(number) for number in before} == before


def test_the_lock_of_a_killed_holder_is_taken_over_with_a_note(tmp_path):
    """What a killed build leaves (the tests above kill real builds), made at once: a
    process killed while it holds the build lock. The next build takes the lock over and
    says so; the one after it has nothing to say."""
    options = build_options(archive_with(tmp_path, {}), tmp_path)
    code = ("import sys\nfrom pathlib import Path\nfrom feedsearch import locking\n"
            "with locking.exclusive(Path(sys.argv[1]), 5):\n"
            "    print('held', flush=True)\n"
            "    sys.stdin.read()\n")
    holder = subprocess.Popen([sys.executable, "-c", code,
                               str(Path(options.index) / locking.LOCK_NAME)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    with holder:
        assert holder.stdout.readline().strip() == "held"
        holder.kill()
        holder.wait(timeout=30)
    report = build(options)
    assert report.documents == 1
    assert any(f"process {holder.pid}) was stopped before it finished; its lock is taken "
               "over" in note for note in report.notes), report.notes
    assert not any("taken over" in note for note in build(options).notes)
