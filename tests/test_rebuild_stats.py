"""A rebuild trusts a file's size and modification time only as far as they can be trusted."""

from __future__ import annotations

import os
import time
from pathlib import Path

from feedsearch import store
from feedsearch.build import BuildOptions, build

ESSAY = "---\ntitle: Herons\ndate: 2024-01-02\n---\n\nHerons stand in the river at dusk.\n"


def setup(tmp_path: Path) -> tuple[BuildOptions, Path]:
    archive = tmp_path / "essays"
    archive.mkdir()
    path = archive / "herons.md"
    path.write_text(ESSAY, encoding="utf-8")
    (archive / "owls.md").write_text(ESSAY.replace("Herons", "Owls"), encoding="utf-8")
    hour_ago = time.time() - 3600
    for file in archive.iterdir():
        os.utime(file, (hour_ago, hour_ago))
    options = BuildOptions(archive, tmp_path / "out", tmp_path / "index",
                           base_url="https://example.org/", workers=0)
    return options, path


def test_an_edit_of_the_same_size_is_seen_by_its_new_time(tmp_path: Path) -> None:
    options, path = setup(tmp_path)
    build(options)
    path.write_text(ESSAY.replace("river", "rivet"), encoding="utf-8")  # same length
    report = build(options)
    assert (report.updated, report.unchanged) == (1, 1)
    assert "rivet" in store.get_document(options.index, "herons").text


def test_a_touched_file_is_read_and_found_unchanged(tmp_path: Path) -> None:
    options, path = setup(tmp_path)
    build(options)
    feed = (options.out / "feed.xml").read_bytes()
    later = time.time() - 60
    os.utime(path, (later, later))
    report = build(options)
    assert (report.updated, report.unchanged) == (0, 2)
    assert store.load_file_stats(options.index)["herons.md"][1] == path.stat().st_mtime_ns
    assert (options.out / "feed.xml").read_bytes() == feed


def test_a_file_changed_just_now_is_read_again_next_time(tmp_path: Path) -> None:
    """Within a file system's clock tick a second edit could keep the time: a file younger
    than two seconds keeps no time, so the next build reads it whatever its stat says."""
    options, path = setup(tmp_path)
    path.write_text(ESSAY.replace("dusk", "dawn"), encoding="utf-8")  # modified now
    build(options)
    stats = store.load_file_stats(options.index)
    assert stats["herons.md"][1] == -1
    assert stats["owls.md"][1] == (tmp_path / "essays" / "owls.md").stat().st_mtime_ns
    # Same size and time as recorded, new words: found, because the time was not kept.
    recorded = path.stat()
    path.write_text(ESSAY.replace("dusk", "noon"), encoding="utf-8")
    os.utime(path, ns=(recorded.st_atime_ns, recorded.st_mtime_ns))
    assert build(options).updated == 1
    assert "noon" in store.get_document(options.index, "herons").text
