"""Golden files: a small fixed archive built into feeds and related.json, byte for byte.

Set FEEDSEARCH_UPDATE_GOLDEN=1 to rewrite tests/golden/ from the current build (then read
the diff before committing it).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import feedparser
import pytest

from feedsearch.build import BuildOptions, build

HERE = Path(__file__).resolve().parent
ARCHIVE = HERE / "fixtures" / "golden-archive"
GOLDEN = HERE / "golden"
BASE_URL = "https://golden.example/"
# Build output path -> golden file name.
OUTPUTS = {
    "feed.xml": "feed.xml",
    "atom.xml": "atom.xml",
    "feed.json": "feed.json",
    "related.json": "related.json",
    "tags/patience/feed.xml": "tags-patience-feed.xml",
}
UPDATE = os.environ.get("FEEDSEARCH_UPDATE_GOLDEN") == "1"


def build_archive(source: Path, work: Path) -> Path:
    """Build ``source`` into ``work``; return the output folder."""
    options = BuildOptions(source, work / "out", work / "index", base_url=BASE_URL,
                           title="Golden", author="Test Author")
    report = build(options)
    assert report.documents == 4, report.summary()
    assert not report.warnings, report.warnings
    return options.out


def feed_ids(out: Path) -> dict[str, list[str]]:
    """Entry ids of the site feed in each format, in feed order."""
    ids = {}
    for name in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse((out / name).read_bytes())
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        ids[name] = [entry.id for entry in parsed.entries]
    items = json.loads((out / "feed.json").read_bytes())["items"]
    ids["feed.json"] = [item["id"] for item in items]
    return ids


def titles_by_id(out: Path) -> dict[str, str]:
    items = json.loads((out / "feed.json").read_bytes())["items"]
    return {item["id"]: item["title"] for item in items}


@pytest.mark.parametrize("output", sorted(OUTPUTS))
def test_build_matches_golden_file(output, tmp_path):
    out = build_archive(ARCHIVE, tmp_path)
    actual = (out / output).read_bytes()
    golden = GOLDEN / OUTPUTS[output]
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(actual)
    assert golden.exists(), f"no golden file {golden}: run with FEEDSEARCH_UPDATE_GOLDEN=1"
    # Compared as UTF-8 text (equal text is equal bytes) for a readable diff.
    assert actual.decode("utf-8") == golden.read_bytes().decode("utf-8"), (
        f"{output} differs from {golden.relative_to(HERE.parent)}; if the change is meant, "
        "rerun with FEEDSEARCH_UPDATE_GOLDEN=1 and read the diff")


def test_golden_outputs_are_the_only_tag_feeds_expected(tmp_path):
    """The archive's tags give exactly these tag feeds, so the golden tag feed is one of a
    known set and not a leftover."""
    out = build_archive(ARCHIVE, tmp_path)
    tag_feeds = sorted(p.relative_to(out).as_posix() for p in (out / "tags").rglob("*.xml"))
    assert tag_feeds == [f"tags/{tag}/{name}" for tag in ("craft", "patience", "seasons",
                                                          "walking")
                         for name in ("atom.xml", "feed.xml")]


@pytest.mark.parametrize("essay", ["on-mending-socks.md", "winter-light.md"])
def test_summary_is_the_whole_first_paragraph_of_a_hard_wrapped_essay(essay, tmp_path):
    """Independent of the golden bytes (so an update cannot bake a wrong summary in): an
    essay without a summary in its front matter is summed up by its first paragraph, all
    of it, however its Markdown source wraps the lines."""
    out = build_archive(ARCHIVE, tmp_path)
    body = (ARCHIVE / essay).read_text(encoding="utf-8").split("\n\n", 1)[1]
    paragraph = " ".join(body.strip().split("\n\n")[0].split())
    url = f"{BASE_URL}{Path(essay).stem}/"
    assert len(paragraph) < 300  # nothing for shorten() to cut
    items = {item["id"]: item for item in json.loads((out / "feed.json").read_bytes())["items"]}
    assert items[url]["summary"] == paragraph
    for name in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse((out / name).read_bytes())
        entries = {entry.id: entry for entry in parsed.entries}
        assert entries[url].summary == paragraph, name


def test_two_builds_in_different_folders_are_byte_identical(tmp_path):
    first = build_archive(ARCHIVE, tmp_path / "one")
    second = build_archive(ARCHIVE, tmp_path / "two")
    files = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second).as_posix()
                           for p in second.rglob("*") if p.is_file())
    assert set(OUTPUTS) <= set(files)
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


# Essay -> (its new title, the edits to its title, date and body text).
EDITS = {
    # YAML front matter; the id comes from the URL.
    "on-mending-socks.md": ("Darning, Slowly", [
        ("title: On Mending Socks", "title: Darning, Slowly"),
        ("date: 2023-03-12T19:45:00+00:00", "date: 2021-07-30T06:00:00+02:00"),
        ("wooden mushroom", "smooth wooden mushroom"),
    ]),
    # TOML front matter; the id comes from the URL.
    "winter-light.md": ("Forty Minutes of Sun", [
        ('title = "Winter Light"', 'title = "Forty Minutes of Sun"'),
        ("date = 2024-01-14T08:30:00+01:00", "date = 2020-12-21T09:00:00+00:00"),
        ("thin and yellow", "thin and pale yellow"),
    ]),
    # An id in the front matter, kept whatever else changes.
    "the-long-way-home.md": ("By the Canal", [
        ("title: The Long Way Home", "title: By the Canal"),
        ("date: 2023-05-02", "date: 2024-02-29"),
        ("a heron that stands", "a grey heron that stands"),
    ]),
}


@pytest.mark.parametrize("essay", sorted(EDITS))
def test_editing_an_essays_text_title_and_date_keeps_every_entry_id(essay, tmp_path):
    archive = tmp_path / "archive"
    shutil.copytree(ARCHIVE, archive)
    before_out = build_archive(archive, tmp_path / "before")
    before = feed_ids(before_out)
    old_titles = titles_by_id(before_out)

    new_title, edits = EDITS[essay]
    path = archive / essay
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    after_out = build_archive(archive, tmp_path / "after")
    after = feed_ids(after_out)

    for name in ("feed.xml", "atom.xml", "feed.json"):
        assert len(before[name]) == 4
        assert len(set(before[name])) == 4
        assert sorted(after[name]) == sorted(before[name]), name
    # The edits reached the feeds under the old id (so the ids were compared after a real
    # change), and the new date moved the entry.
    new_titles = titles_by_id(after_out)
    changed = [i for i in new_titles if new_titles[i] != old_titles[i]]
    assert changed == [i for i in new_titles if new_titles[i] == new_title]
    assert len(changed) == 1
    assert before["feed.json"].index(changed[0]) != after["feed.json"].index(changed[0])
