"""OUT is often a folder of the user's own: a build removes only files it recorded writing,
whatever else lies there, through option changes and killed builds; and OUT may be on
another mount or file system than INDEX."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from feedsearch.build import build
from tests.conftest import build_options

# Files a person keeps in a site's folder, many of them like the names feedsearch uses.
PLANTED = [
    ".next-post.md.tmp", ".feed.xml.tmp", ".feed.xml.abc123.tmp", "feed.xml.bak",
    "content/posts/.next-post.md.tmp", "content/posts/first.md",
    "tags/grief/.draft.md.tmp", "tags/grief/notes.txt", "tags/not-a-tag/feed.xml",
    "tags/not-a-tag/atom.xml", "authors/someone/feed.xml", "staging/.x.tmp",
    "data/mine.json", "_data/.related.yml.swp", "sitemaps/old.xml", ".feedsearch.tmp",
]


def plant(out: Path) -> dict[Path, bytes]:
    planted = {}
    for name in PLANTED:
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = f"the writer's own {name}\n".encode()
        path.write_bytes(data)
        planted[path] = data
    return planted


def assert_kept(planted: dict[Path, bytes]) -> None:
    missing = [str(p) for p, data in planted.items() if not p.is_file() or p.read_bytes() != data]
    assert not missing, f"user files removed or changed: {missing}"


def command(options) -> list[str]:
    return [sys.executable, "-m", "feedsearch", "build", str(options.source), "--out",
            str(options.out), "--index", str(options.index), "--base-url",
            "https://marenholt.example/", "--author-feeds", "--sitemap",
            "--related-format", "jekyll", "--quiet"]


@pytest.mark.slow  # builds killed at moments spread over a build
def test_user_files_survive_builds_option_changes_and_killed_builds(corpus_copy, tmp_path):
    options = build_options(corpus_copy, tmp_path, out=tmp_path / "site" / "static")
    planted = plant(options.out)
    build(options)
    assert_kept(planted)
    assert (options.out / "tags" / "grief" / "feed.xml").is_file()

    for change in ({"author_feeds": True, "sitemap": True, "related_formats": ("jekyll",)},
                   {"tag_feeds": False, "author_feeds": False, "sitemap": False,
                    "related_formats": ()},
                   {"tag_feeds": True}):
        for name, value in change.items():
            setattr(options, name, value)
        build(options)
        assert_kept(planted)

    essay = corpus_copy / "asking-for-help.md"
    for number, delay in enumerate((0.3, 0.8, 1.5, 2.5)):
        essay.write_text(essay.read_text(encoding="utf-8") + f"\nPostscript {number}.\n",
                         encoding="utf-8")
        process = subprocess.Popen(command(options), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=120)
        assert_kept(planted)
    result = subprocess.run(command(options), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert_kept(planted)
    ours = [p for p in options.out.rglob("*.tmp") if p not in planted]
    assert not ours, ours


def _build_and_change(options) -> None:
    report = build(options)
    assert report.documents == 27
    assert (options.out / "feed.xml").is_file() and (options.out / "related.json").is_file()
    essay = Path(options.source) / "rest-is-not-a-reward.md"
    essay.write_text(essay.read_text(encoding="utf-8") + "\nAnd a nap.\n", encoding="utf-8")
    assert build(options).updated == 1
    assert not [p for p in options.out.rglob("*") if p.name.endswith(".tmp")]


def test_out_on_another_file_system(corpus_copy, tmp_path):
    shm = Path("/dev/shm")
    if not shm.is_dir() or not os.access(shm, os.W_OK):
        pytest.skip("no writable /dev/shm (a tmpfs) to put OUT on another file system")
    out = Path(shm / f"feedsearch-test-{os.getpid()}-{time.monotonic_ns()}")
    try:
        _build_and_change(build_options(corpus_copy, tmp_path, out=out))
    finally:
        shutil.rmtree(out, ignore_errors=True)


def test_out_on_a_bind_mount_of_the_same_disk(corpus_copy, tmp_path):
    """Same device number, yet renaming across the mount fails (EXDEV), as with a
    container's volume."""
    real, mounted = tmp_path / "real-out", tmp_path / "mounted-out"
    real.mkdir()
    mounted.mkdir()
    bound = subprocess.run(["mount", "--bind", str(real), str(mounted)], capture_output=True)
    if bound.returncode != 0:
        pytest.skip(f"cannot bind-mount here (needs root): {bound.stderr.decode().strip()}")
    try:
        _build_and_change(build_options(corpus_copy, tmp_path, out=mounted))
        assert (real / "feed.xml").is_file()
    finally:
        subprocess.run(["umount", str(mounted)], check=False)
