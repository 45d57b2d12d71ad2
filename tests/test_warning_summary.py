"""A build's warnings: all of them for scripts, the first few of each kind on a terminal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from feedsearch.corpus import FileWarning
from feedsearch.terminal import warning_kind, warning_lines
from tests.pty_frames import on_a_terminal

FEEDSEARCH = str(Path(sys.executable).parent / "feedsearch")


def _archive(root: Path) -> Path:
    """Seven empty files, seven untitled ones (each also undated) and one good essay."""
    source = root / "essays"
    source.mkdir()
    for n in range(7):
        (source / f"empty-{n}.md").write_text("")
        (source / f"untitled-{n}.md").write_text(f"A line of text number {n}.\n")
    (source / "good.md").write_text("---\ntitle: Good\ndate: 2024-01-02\n---\n\nWords.\n")
    return source


def _build(root: Path, *extra: str) -> list[str]:
    return [FEEDSEARCH, "build", str(root / "essays"), "--out", str(root / "out"),
            "--index", str(root / "index"), "--base-url", "https://example.org/", *extra]


def test_one_kind_is_one_warning_whatever_the_file():
    assert warning_kind("a/one.md", "no title; using the file name") == \
        warning_kind("b/two-2.md", "no title; using the file name")
    assert warning_kind("x.md", "no date: start its name with the date (YYYY-MM-DD-x.md)") == \
        warning_kind("y.md", "no date: start its name with the date (YYYY-MM-DD-y.md)")
    assert warning_kind("x.md", "empty file") != warning_kind("x.md", "no title")


def test_the_first_few_of_a_kind_are_shown_then_counted():
    warnings = [FileWarning(f"f{n}.md", "empty file") for n in range(10)]
    warnings.insert(2, FileWarning("g.md", "not valid UTF-8"))
    lines = warning_lines(warnings, first=3)
    assert lines == ["warning: f0.md: empty file", "warning: f1.md: empty file",
                     "warning: g.md: not valid UTF-8", "warning: f2.md: empty file",
                     "warning: ... and 7 more: empty file "
                     "(`feedsearch check` and --json list every one)"]
    assert warning_lines(warnings[:4], first=3) == [f"warning: {w}" for w in warnings[:4]]


def test_a_terminal_shows_a_few_of_each_kind_and_a_count(tmp_path):
    _archive(tmp_path)
    status, shown, _ = on_a_terminal(_build(tmp_path), timeout=120)
    assert status == 0, shown
    lines = [line.strip() for line in shown.splitlines()]
    assert sum(line.endswith(": empty file") for line in lines) == 3
    assert sum(line.endswith(": no title; using the file name") for line in lines) == 3
    assert "warning: ... and 4 more: empty file (`feedsearch check` and --json list every " \
        "one)" in lines
    assert any(line.startswith("warning: ... and 4 more: no title ") for line in lines)
    assert any(line.startswith("warning: ... and 4 more: no date ") for line in lines)
    assert any(line.endswith("21 warnings, " + line.rsplit(", ", 1)[-1]) for line in lines)


def test_scripts_and_json_get_every_warning(tmp_path):
    _archive(tmp_path)
    piped = subprocess.run(_build(tmp_path), capture_output=True, text=True)
    assert piped.returncode == 0, piped.stderr
    shown = [line for line in piped.stderr.splitlines() if line.startswith("warning: ")]
    assert len(shown) == 21 and not any("more:" in line for line in shown)
    report = json.loads(subprocess.run(_build(tmp_path, "--json", "--rebuild"),
                                       capture_output=True, text=True).stdout)
    assert len(report["warnings"]) == 21
    verbose = on_a_terminal(_build(tmp_path, "--verbose", "--rebuild"), timeout=120)[1]
    assert verbose.count(": empty file") == 7
