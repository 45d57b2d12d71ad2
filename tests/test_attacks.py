"""Hostile files, each alone in an archive beside a canary essay, built as a user builds
them, into an OUT that holds the user's own files: exit 0 or 1, one warning naming the bad
file and saying what is wrong with it, no traceback, bounded time and memory, valid feeds,
the canary built, and every user file still there."""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest

TIMEOUT = 60  # seconds, per attack
MEMORY = 1024 * 1024 * 1024  # bytes of peak memory, per attack
CANARY = "---\ntitle: The Canary\ndate: 2024-02-02\ntags: [birds]\n---\n\nA canary sings.\n"
USER_FILES = [".next-post.md.tmp", ".feed.xml.tmp", "content/posts/.draft.md.tmp",
              "tags/birds/notes.txt", "data/mine.json", "staging/.x.tmp"]


def _nest(opening: str, closing: str, depth: int) -> str:
    return opening * depth + "herons" + closing * depth


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 10)]
    return "---\ntitle: Laughs\n" + "\n".join(lines) + "\ntags: *a9\n---\n\nBody.\n"


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _device(path: Path) -> None:
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero
    except PermissionError:
        pytest.skip("making a device file needs root")


XML_BOMB = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;">]><rss><channel><item><title>&c;</title></item>'
            '</channel></rss>')

ATTACKS: dict[str, tuple[str, str | bytes | Callable[[Path], None]]] = {
    "yaml alias bomb": ("bomb.md", _alias_bomb()),
    "front matter of 300 KB": ("big-front.md", "---\ntitle: Big\nnote: \""
                               + "x" * 300_000 + "\"\n---\n\nBody.\n"),
    "10,000 tags": ("tags.md", "---\ntitle: Tags\ndate: 2024-01-01\ntags: ["
                    + ",".join(f"t{n}" for n in range(10_000)) + "]\n---\n\nHerons.\n"),
    "a 100,000-character tag": ("long-tag.md", "---\ntitle: Long\ndate: 2024-01-01\ntags: ["
                                + "t" * 100_000 + "]\n---\n\nHerons.\n"),
    "html nested 100,000 deep": ("deep.html", "<html><head><title>Deep</title></head><body>"
                                 + _nest("<div>", "</div>", 100_000) + "</body></html>"),
    "8,000 unclosed tags": ("open.html", "<html><head><title>Open</title></head><body>"
                            "<p>Herons.</p>" + "<b><i><span>" * 2_700 + "end</body></html>"),
    "markdown quotes 100,000 deep": ("quotes.md", "# Quotes\n\n" + ">" * 100_000 + " x\n"),
    # 9 MB, under the size limit: lists opened 1 to 3,000 deep, one line each.
    "markdown lists 3,000 deep": ("lists.md", "# Lists\n\n" + "".join(
        "- " * n + "item\n" for n in range(1, 3_000))),
    "json front matter 100,000 deep": ("deep-json.md", '{\n"title": "Deep", "x": '
                                       + _nest("[", "]", 100_000) + '\n}\n\nBody.\n'),
    "one 60,000-character word": ("word.md", "# Word\n\n" + "herons" * 10_000 + "\n"),
    "xml entity bomb": ("feed.xml", XML_BOMB),
    "a fifo": ("x.md", _fifo),
    "a character device": ("zero.md", _device),
    "a name that is not utf-8": (os.fsdecode(b"bad\xff\xfename.md"), "# Name\n\nHerons.\n"),
    "a link to /etc/passwd": ("passwd.md", lambda path: path.symlink_to("/etc/passwd")),
    "control characters everywhere": ("ctl.md", "---\ntitle: \"\\e[2J\\x9b31m\"\ntags: "
                                      "[\"\\e]0;x\\a\"]\n---\n\n\x1b[2J\x07\x0bbody\n"),
}
# What the one warning about the bad file says (a part of it): the real reason, never the
# "could not be read (...)" of a reader that failed in a way nobody planned for.
REASONS = {
    "yaml alias bomb": "front matter holds over 100,000 values once its YAML aliases",
    "front matter of 300 KB": "over the 262,144 that metadata ever needs",
    "10,000 tags": "10,000 tags; only the first 100 are kept",
    "a 100,000-character tag": "tags longer than 100 characters are cut",
    "html nested 100,000 deep": "HTML nested over 256 elements deep",
    "8,000 unclosed tags": "HTML nested over 256 elements deep",
    "markdown quotes 100,000 deep": "no text after the front matter",
    "markdown lists 3,000 deep": "no date in front matter or file name",
    "json front matter 100,000 deep": "nested too deeply to read",
    "one 60,000-character word": "no date in front matter or file name",
    "xml entity bomb": "the XML declares entities",
    "a fifo": "a FIFO (named pipe), not a file; skipped, never read",
    "a character device": "a character device, not a file; skipped, never read",
    "a name that is not utf-8": "the file's name is not valid UTF-8",
    "a link to /etc/passwd": "a symbolic link to a file outside the archive; not read",
    "control characters everywhere": "no date in front matter or file name",
}


def _plant(out: Path) -> dict[Path, bytes]:
    planted = {}
    for name in USER_FILES:
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"the writer's own\n")
        planted[path] = b"the writer's own\n"
    return planted


def _limit_memory() -> None:  # in the child: a runaway build fails instead of the machine
    resource.setrlimit(resource.RLIMIT_AS, (4 * MEMORY, 4 * MEMORY))
    os.setsid()


def test_every_attack_has_its_reason() -> None:
    assert set(REASONS) == set(ATTACKS)


@pytest.mark.slow  # a build of its own per attack, inputs of 100,000 levels or 300 KB
@pytest.mark.parametrize("attack", list(ATTACKS))
def test_one_hostile_file(tmp_path: Path, attack: str) -> None:
    name, content = ATTACKS[attack]
    source, out, index = tmp_path / "essays", tmp_path / "site", tmp_path / "index"
    source.mkdir()
    (source / "canary.md").write_text(CANARY, encoding="utf-8")
    target = source / name
    if callable(content):
        content(target)
    elif isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    planted = _plant(out)

    command = [sys.executable, "-m", "feedsearch", "build", str(source), "--out", str(out),
               "--index", str(index), "--base-url", "https://example.org/", "--workers", "0"]
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               preexec_fn=_limit_memory)
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"{attack}: still running after {TIMEOUT} s")
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    errors = stderr.decode("utf-8", "replace")
    print(f"{attack}: {seconds:.1f} s, peak {peak / 1e6:.0f} MB (so far)")  # with -s

    assert process.returncode in (0, 1), errors
    assert "Traceback" not in errors and "unexpected error" not in errors, errors
    assert seconds < TIMEOUT
    assert peak < MEMORY, f"{attack}: {peak / 1e6:.0f} MB"
    warnings = [line for line in errors.splitlines() if line.startswith("warning:")]
    assert "could not be read (" not in errors, errors
    shown = os.fsencode(name).decode("utf-8", "replace")  # as a name that is not UTF-8 is
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"warning: {shown}: "), warnings
    assert REASONS[attack] in warnings[0], (REASONS[attack], warnings)
    assert all(path.read_bytes() == data for path, data in planted.items())
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert "The Canary" in [entry.title for entry in feed.entries]
    _no_process_left(process.pid)
    assert "\x1b" not in errors + stdout.decode("utf-8", "replace")


def _no_process_left(session: int) -> None:
    """No process of the build's session is still running (a parse worker, say)."""
    left = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone while we looked
            continue
        # The fields after "pid (name)": state, ppid, pgrp, sid. A dead process waiting
        # to be reaped ("Z") is not running.
        if int(fields[3]) == session and fields[0] != "Z":
            left.append(entry.name)
    assert not left, f"processes left behind: {left}"
