"""A damaged index or store is rebuilt by the next build, with a note; search on one says
to run build; --rebuild starts over; search works on a read-only INDEX."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedsearch.build import build
from feedsearch.cli import cli
from tests.conftest import build_options, first_in_make_test


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def search_total(index: Path) -> int:
    result = run("search", "grief", "--index", str(index), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["total"]


def whoosh(index: Path) -> Path:
    return index / "whoosh"


def _cut_short(path: Path) -> None:
    """A new, shorter file in the segment's place (as a copy cut short leaves it; writing
    in place would pull the file from under a searcher this process has open)."""
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data[:3000])


DAMAGES = {
    "the index folder gone": lambda index: shutil.rmtree(whoosh(index)),
    "its table of contents gone": lambda index: [p.unlink() for p in whoosh(index).glob("*.toc")],
    "a segment cut short": lambda index: [_cut_short(p) for p in whoosh(index).glob("*.seg")],
    "the store overwritten": lambda index: (index / "documents.sqlite").write_bytes(b"junk"),
}


@pytest.mark.parametrize("damage", first_in_make_test(DAMAGES))
def test_a_damaged_index_or_store_is_rebuilt_with_a_note(corpus_dir, tmp_path, damage):
    options = build_options(corpus_dir, tmp_path)
    build(options)
    expected = search_total(options.index)
    DAMAGES[damage](options.index)

    searched = subprocess.run([sys.executable, "-m", "feedsearch", "search", "grief",
                               "--index", str(options.index)], capture_output=True, text=True)
    assert searched.returncode == 1
    assert "run feedsearch build" in searched.stderr and "unexpected" not in searched.stderr

    report = build(options)
    assert report.added == 27, report.summary()
    assert any("rebuilt from the sources" in note for note in report.notes), report.notes
    assert search_total(options.index) == expected
    assert build(options).unchanged == 27  # healed: the next build finds nothing to do


def test_rebuild_starts_over(corpus_dir, tmp_path):
    options = build_options(corpus_dir, tmp_path)
    build(options)
    options.rebuild = True
    report = build(options)
    assert report.added == 27
    assert "rebuilt from the sources (--rebuild)" in report.notes
    cli_report = run("build", str(corpus_dir), "--out", str(options.out), "--index",
                     str(options.index), "--rebuild", "--json")
    assert cli_report.exit_code == 0 and '"added": 27' in cli_report.stdout


def test_search_works_on_a_read_only_index(corpus_dir, tmp_path):
    options = build_options(corpus_dir, tmp_path)
    build(options)
    expected = search_total(options.index)
    mounted = tmp_path / "read-only-index"
    mounted.mkdir()
    bound = subprocess.run(["mount", "--bind", str(options.index), str(mounted)],
                           capture_output=True)
    if bound.returncode != 0:
        pytest.skip(f"cannot bind-mount here (needs root): {bound.stderr.decode().strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(mounted)], check=True)
        # As processes of their own: nothing of this one keeps the mount busy.
        searched = subprocess.run([sys.executable, "-m", "feedsearch", "search", "grief",
                                   "--index", str(mounted), "--json"], capture_output=True,
                                  text=True)
        assert searched.returncode == 0, searched.stderr
        assert json.loads(searched.stdout)["total"] == expected
        listed = subprocess.run([sys.executable, "-m", "feedsearch", "list", "--index",
                                 str(mounted)], capture_output=True, text=True)
        assert listed.returncode == 0 and listed.stdout.splitlines()[-1] == "27 essays"
    finally:
        subprocess.run(["umount", str(mounted)], check=False)
