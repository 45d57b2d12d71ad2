"""A hostile archive, built end to end: once through Click's CliRunner, once as the installed
script. Every bad file gets a warning naming it, every good essay is built, the feeds are
well-formed and safe, and nothing is written outside OUT and INDEX."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from hostile.archive import (
    BUILT,
    BUILT_OR_WARNED,
    BUILT_WARNED,
    ESCAPED,
    EXPECTED_TEXT,
    FUTURE,
    GOOD_ESSAYS,
    GOOD_MARKERS,
    NOT_WALKED,
    OUTSIDE,
    REASONS,
    SKIPPED,
    UNREADABLE,
    WARNED,
    make_hostile_archive,
)

from feedsearch.cli import cli

SCRIPT = Path(sys.executable).parent / "feedsearch"
BASE_URL = "https://hostile.example/"
BUILD_SECONDS = 120  # a generous bound: a build that hangs or crawls fails
FORBIDDEN = ("<script", "javascript:", "onerror")
# How as_read_error begins what it says of an exception a reader raised that nobody
# planned for.
CATCH_ALL = "could not be read ("


@dataclass
class Run:
    """One build of the hostile archive, and what was around it before and after."""

    how: str
    exit_code: int
    stdout: str
    stderr: str
    out: Path
    index: Path
    seconds: float
    before: dict[str, tuple] = field(repr=False)
    after: dict[str, tuple] = field(repr=False)


def snapshot(root: Path, exclude: tuple[Path, ...]) -> dict[str, tuple]:
    """Every path under ``root`` (links not followed) outside ``exclude``: kind, size, mode,
    modification time and inode of files and links; folders by name only (their times
    change when OUT or INDEX appear in them)."""
    excluded = {str(p) for p in exclude}
    found: dict[str, tuple] = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = [d for d in dirs if os.path.join(folder, d) not in excluded]
        for name in dirs:
            path = os.path.join(folder, name)
            found[path] = ("link", os.readlink(path)) if os.path.islink(path) else ("dir",)
        for name in files:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            found[path] = ("file", info.st_size, info.st_mode, info.st_mtime_ns, info.st_ino)
    return found


def _build_args(archive: Path, out: Path, index: Path, *extra: str) -> list[str]:
    return ["build", str(archive), "--out", str(out), "--index", str(index),
            "--base-url", BASE_URL, "--author-feeds", "--feed-limit", "100", *extra]


@dataclass
class Hostile:
    root: Path  # the temporary folder the archive and every build's folders live in
    archive: Path
    described: dict[str, str]
    outside: tuple  # the file beside the archive that a link in it points at, before any build


def fingerprint(path: Path) -> tuple:
    """A file as a build could change it: its bytes' hash, size, mode, time and inode."""
    info = os.lstat(path)
    return (hashlib.sha256(path.read_bytes()).hexdigest(), info.st_size, info.st_mode,
            info.st_mtime_ns, info.st_ino)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Hostile:
    root = tmp_path_factory.mktemp("hostile")
    archive = root / "archive"
    described = make_hostile_archive(archive)
    return Hostile(root, archive, described, fingerprint(root / OUTSIDE))


def _folders(root: Path, how: str) -> tuple[Path, Path, Path]:
    # OUT sits two levels down, so that a "../../escape" would still land inside root.
    site = root / how / "site"
    cwd = root / how / "cwd"
    site.mkdir(parents=True)
    cwd.mkdir(parents=True)
    return site / "public", site / "index", cwd


@pytest.fixture(scope="module")
def cli_run(hostile) -> Run:
    root, archive = hostile.root, hostile.archive
    out, index, cwd = _folders(root, "cli")
    before = snapshot(root, (out, index))
    started = time.perf_counter()
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(cli, _build_args(archive, out, index))
    seconds = time.perf_counter() - started
    after = snapshot(root, (out, index))
    stdout = result.stdout
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stdout += f"\nexception: {type(result.exception).__name__}: {result.exception}"
    return Run("CliRunner", result.exit_code, stdout, result.stderr, out, index, seconds,
               before, after)


@pytest.fixture(scope="module")
def script_run(hostile) -> Run:
    root, archive = hostile.root, hostile.archive
    out, index, cwd = _folders(root, "script")
    before = snapshot(root, (out, index))
    started = time.perf_counter()
    done = subprocess.run([str(SCRIPT), *_build_args(archive, out, index)], cwd=cwd,
                          capture_output=True, text=True, timeout=BUILD_SECONDS)
    seconds = time.perf_counter() - started
    after = snapshot(root, (out, index))
    return Run("script", done.returncode, done.stdout, done.stderr, out, index, seconds,
               before, after)


# The installed script's build is a slow test: the CliRunner build meets the same checks.
@pytest.fixture(scope="module", params=["cli", pytest.param("script", marks=pytest.mark.slow)])
def run(request) -> Run:
    return request.getfixturevalue(f"{request.param}_run")


def warning_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning: ")]


def named(lines: list[str], relpath: str) -> list[str]:
    return [line for line in lines if line.startswith(f"warning: {relpath}: ")]


def export(index: Path) -> dict[str, dict]:
    result = CliRunner().invoke(cli, ["export", "--index", str(index)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    by_source = {record["source"]: record for record in records}
    assert len(by_source) == len(records), "one source exported twice"
    return by_source


def readable_as_this_user(path: Path) -> bool:
    return os.access(path, os.R_OK)


# --- the archive itself ---------------------------------------------------------------------

def test_archive_is_fully_described(hostile: Hostile) -> None:
    archive, described = hostile.archive, hostile.described
    assert set(REASONS) == SKIPPED | BUILT_WARNED | WARNED | BUILT_OR_WARNED | {UNREADABLE}
    expected = (SKIPPED | BUILT_WARNED | WARNED | BUILT | BUILT_OR_WARNED | FUTURE
                | NOT_WALKED | {UNREADABLE})
    assert set(described) == expected
    for relpath in expected - NOT_WALKED:
        assert (archive / relpath).is_symlink() or (archive / relpath).is_file(), relpath
    assert (archive / "size/huge-20mb.md").stat().st_size > 10 * 1024 * 1024
    long_line = archive / "size/long-line-5mb.md"
    assert 5 * 1024 * 1024 <= long_line.stat().st_size < 10 * 1024 * 1024
    assert long_line.read_bytes().split(b"---\n")[-1].count(b"\n") == 1
    assert (archive / "loop/up").resolve() == archive.resolve()
    assert not (archive / "links/dangling.md").exists()
    assert (archive / "links/outside.md").resolve() == (hostile.root / OUTSIDE).resolve()
    assert (hostile.root / OUTSIDE).is_file() and not (hostile.root / ESCAPED).exists()
    assert (archive / UNREADABLE).stat().st_mode & 0o777 == 0
    for relpath in GOOD_ESSAYS:
        assert (archive / relpath).is_file()


# --- exit status and messages ---------------------------------------------------------------

def test_build_succeeds_without_traceback(run: Run) -> None:
    assert run.exit_code == 0, f"{run.how}: {run.stdout}\n{run.stderr}"
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    assert "unexpected error" not in run.stderr
    assert str(run.out / "feed.xml") in run.stdout


def test_build_finishes_in_bounded_time(run: Run) -> None:
    # The script's run is also cut off by subprocess's timeout at the same bound.
    assert run.seconds < BUILD_SECONDS


def test_every_bad_file_is_named_in_a_warning(run: Run, hostile: Hostile) -> None:
    """Named, and for its real reason: a reader that fails in a way nobody planned for also
    gives a warning naming the file ("could not be read (AttributeError: ...)"), and that
    must fail here."""
    lines = warning_lines(run.stderr)
    caught = [line for line in lines if CATCH_ALL in line]
    assert not caught, caught
    for relpath in sorted(SKIPPED):
        assert len(named(lines, relpath)) == 1, (relpath, named(lines, relpath), run.stderr)
        assert REASONS[relpath] in named(lines, relpath)[0], (relpath, named(lines, relpath))
    for relpath in sorted(BUILT_WARNED | WARNED):
        assert [line for line in named(lines, relpath) if REASONS[relpath] in line], \
            (relpath, REASONS[relpath], named(lines, relpath))
    for relpath in BUILT_OR_WARNED:  # if it is not built, the warning says why
        for line in named(lines, relpath):
            assert REASONS[relpath] in line, (relpath, line)
    # Tests may run as root, and chmod 000 does not stop root reading: then the file is a good
    # essay and no warning is due, so only this part of the check is skipped.
    if not readable_as_this_user(hostile.archive / UNREADABLE):
        assert len(named(lines, UNREADABLE)) == 1, run.stderr
        assert REASONS[UNREADABLE] in named(lines, UNREADABLE)[0], run.stderr


def test_no_warning_about_good_essays_or_unwalked_folders(run: Run) -> None:
    lines = warning_lines(run.stderr)
    for relpath in GOOD_ESSAYS:
        assert not named(lines, relpath), (relpath, run.stderr)
    for folder in NOT_WALKED:
        assert not [line for line in lines if f" {folder}/" in line], run.stderr


def test_warning_reasons_say_what_is_wrong(run: Run) -> None:
    lines = warning_lines(run.stderr)
    assert "limit" in named(lines, "size/huge-20mb.md")[0]
    assert "empty" in named(lines, "empty/whitespace.md")[0]
    assert "binary" in named(lines, "binary/binary.txt")[0]
    assert "YAML" in named(lines, "frontmatter/malformed-yaml.md")[0]
    assert "list" in named(lines, "frontmatter/yaml-list.md")[0]
    assert "same-name" in named(lines, "slugs/dup/two/same-name.md")[0]


def test_strict_exits_1_and_rebuild_changes_no_output(cli_run: Run, hostile: Hostile) -> None:
    archive = hostile.archive
    assert cli_run.exit_code == 0, cli_run.stderr
    files = sorted(p for p in cli_run.out.rglob("*") if p.is_file())
    before = {p: p.read_bytes() for p in files}
    result = CliRunner().invoke(cli, _build_args(archive, cli_run.out, cli_run.index,
                                                 "--strict"))
    assert result.exit_code == 1, result.output
    assert "--strict" in result.stderr and "Traceback" not in result.stderr
    # The warnings of reused essays are reported again.
    for relpath in SKIPPED | BUILT_WARNED:
        assert named(warning_lines(result.stderr), relpath), relpath
    after = {p: p.read_bytes() for p in sorted(p for p in cli_run.out.rglob("*") if p.is_file())}
    assert after == before


# --- what was built -------------------------------------------------------------------------

def test_every_good_essay_is_exported(run: Run) -> None:
    records = export(run.index)
    for relpath, title in GOOD_ESSAYS.items():
        assert relpath in records, (relpath, sorted(records))
        assert records[relpath]["title"] == title
        assert GOOD_MARKERS[relpath] in records[relpath]["text"]
        assert records[relpath]["date"] is not None


def test_hostile_but_readable_files_are_exported(run: Run, hostile: Hostile) -> None:
    records = export(run.index)
    lines = warning_lines(run.stderr)
    for relpath in sorted(BUILT | BUILT_WARNED):
        assert relpath in records, relpath
    for relpath in sorted(SKIPPED | FUTURE):
        assert relpath not in records, relpath
    for relpath in BUILT_OR_WARNED:
        assert relpath in records or named(lines, relpath), relpath
    if readable_as_this_user(hostile.archive / UNREADABLE):
        assert UNREADABLE in records  # root reads it: it is a good essay then
    else:
        assert UNREADABLE not in records
    assert not [source for source in records if source.startswith(tuple(NOT_WALKED))]
    assert "dated in the future" in run.stderr  # the year-9999 essay, left out with a note


def test_encodings_are_decoded(run: Run) -> None:
    records = export(run.index)
    for relpath, (title, text) in EXPECTED_TEXT.items():
        assert records[relpath]["title"] == title, relpath
        assert text in records[relpath]["text"], (relpath, records[relpath]["text"][:200])
        assert "\ufeff" not in records[relpath]["title"]


def test_slugs_are_safe_and_unique(run: Run) -> None:
    records = export(run.index)
    slugs = [record["slug"] for record in records.values()]
    assert len(slugs) == len(set(slugs))
    for slug in slugs:
        assert slug and "/" not in slug and ".." not in slug and "\\" not in slug, slug
    assert records["slugs/slug-escape.md"]["slug"] == "escape"
    assert records["slugs/slug-passwd.md"]["slug"] == "etc-passwd"
    assert records["slugs/dup/one/same-name.md"]["slug"] == "same-name"
    assert records["slugs/dup/two/same-name.md"]["slug"] == "same-name-2"
    for record in records.values():
        assert record["url"].startswith(BASE_URL)


def test_search_answers_on_the_hostile_index(run: Run) -> None:
    result = CliRunner().invoke(cli, ["search", "windowsill", "--index", str(run.index),
                                      "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)["results"]
    assert [hit["source"] for hit in hits] == ["good/a-saved-blog-page.html"]


# --- the feeds ------------------------------------------------------------------------------

def _xml_feeds(out: Path) -> list[Path]:
    return sorted(out.rglob("*.xml"))


def test_feeds_parse_without_bozo(run: Run) -> None:
    feeds = _xml_feeds(run.out)
    assert run.out / "feed.xml" in feeds and run.out / "atom.xml" in feeds
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes(), sanitize_html=False,
                                  resolve_relative_uris=False)
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
    for name in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse((run.out / name).read_bytes())
        titles = {entry.title for entry in parsed.entries}
        assert set(GOOD_ESSAYS.values()) <= titles, name
        assert {"Hostile Page", "One Long Line", "Escape"} <= titles, name


def test_feed_content_is_sanitised(run: Run) -> None:
    checked = 0
    for path in _xml_feeds(run.out):
        # feedparser's own sanitiser is off, so that what the build wrote is what is checked.
        parsed = feedparser.parse(path.read_bytes(), sanitize_html=False,
                                  resolve_relative_uris=False)
        for entry in parsed.entries:
            for content in entry.get("content", []):
                value = content.value.lower()
                for bad in FORBIDDEN:
                    assert bad not in value, (path.name, entry.title, bad)
                checked += 1
    assert checked > len(GOOD_ESSAYS)
    feed = (run.out / "feed.xml").read_bytes()
    assert b"Before the trap." in feed  # the hostile essay's content is there, made safe


def test_json_feed_and_related_load(run: Run) -> None:
    feed = json.loads((run.out / "feed.json").read_text(encoding="utf-8"))
    titles = {item["title"] for item in feed["items"]}
    assert set(GOOD_ESSAYS.values()) <= titles
    for item in feed["items"]:
        for bad in FORBIDDEN:
            assert bad not in item.get("content_html", "").lower(), (item["title"], bad)
    related = json.loads((run.out / "related.json").read_text(encoding="utf-8"))
    assert {record["slug"] for record in export(run.index).values()} == set(related)


def test_group_feed_folders_have_safe_names(run: Run) -> None:
    for group in ("tags", "authors"):
        for folder in (run.out / group).iterdir():
            assert folder.name and not folder.name.startswith("."), folder
            assert folder.resolve().parent == (run.out / group).resolve()
    assert (run.out / "tags" / "escape" / "feed.xml").is_file()
    assert (run.out / "authors" / "escape" / "feed.xml").is_file()


# --- nothing outside OUT and INDEX ----------------------------------------------------------

def test_nothing_written_outside_out_and_index(run: Run) -> None:
    assert run.after == run.before
    assert (run.out / "feed.xml").is_file() and any(run.index.iterdir())
    for path in [*run.out.rglob("*"), *run.index.rglob("*")]:  # no link leads out of them
        assert path.resolve().is_relative_to(run.out.resolve()) or \
            path.resolve().is_relative_to(run.index.resolve()), path


def test_no_escape_or_passwd_file_outside_out_and_index(run: Run, hostile: Hostile) -> None:
    """Nothing named after a hostile slug, tag or author outside OUT and INDEX (nor the
    folder that slugs/slug-absolute.md names by its absolute path), and the file that
    links/outside.md points at as it was: its bytes, size, mode, time and inode."""
    root = hostile.root
    # Every build's OUT and INDEX (the other run's too) may hold tags/escape/.
    outputs = {str(root / how / "site" / name) for how in ("cli", "script")
               for name in ("public", "index")}
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = [d for d in dirs if os.path.join(folder, d) not in outputs]
        for name in files + dirs:
            assert name != "passwd" and not name.startswith("escape"), \
                os.path.join(folder, name)
    assert not (root / ESCAPED).exists()
    assert fingerprint(root / OUTSIDE) == hostile.outside


# --- dates at the ends of time --------------------------------------------------------------

def test_dates_at_the_ends_of_time_do_not_crash(tmp_path: Path) -> None:
    """Year 9999 at -12:00 (past the end of UTC time) and year 1 at +05:00 (before its
    start), with --future so that neither is left out as scheduled."""
    archive = tmp_path / "archive"
    archive.mkdir()
    essays = {
        "year-9999.md": "---\ntitle: Year 9999\ndate: 9999-12-31T23:59:59-12:00\n---\n",
        "year-one.md": "---\ntitle: Year One\ndate: 0001-01-01T00:00:00+05:00\n---\n",
        "plain.md": "---\ntitle: Plain\ndate: 2020-01-01\n---\n",
    }
    for name, head in essays.items():
        (archive / name).write_text(head + "An essay about the calendar and its ends.\n",
                                    encoding="utf-8")
    out, index = tmp_path / "public", tmp_path / "index"
    result = CliRunner().invoke(cli, ["build", str(archive), "--out", str(out), "--index",
                                      str(index), "--base-url", BASE_URL, "--future"])
    assert result.exit_code == 0, result.output
    assert "unexpected error" not in result.stderr
    records = export(index)
    lines = warning_lines(result.stderr)
    assert "plain.md" in records
    for name in ("year-9999.md", "year-one.md"):
        assert name in records or named(lines, name), (name, result.stderr)
    for name in ("feed.xml", "atom.xml"):
        assert feedparser.parse((out / name).read_bytes()).bozo == 0
