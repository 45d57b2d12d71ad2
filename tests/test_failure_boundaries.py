"""One failure boundary per essay and per stage: whatever one essay raises while it is read,
indexed, stored, counted for related posts or rendered becomes one warning naming it, and
the rest of the archive is built. Failures are injected into the real build with
FEEDSEARCH_FAULTS (see feedsearch/faults.py), as a bug or a strange input would raise them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from feedsearch import essays
from feedsearch.faults import STAGES
from feedsearch.search import search

ESSAYS = {
    "kettle.md": ("The Kettle", "tea", "The kettle hums before anyone in the house speaks."),
    "garden.md": ("The Garden", "plants", "Tomatoes climb the fence in the garden by July."),
    "river.md": ("The River", "water", "The river rose over the stepping stones in spring."),
}
FEED = ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Old</title>'
        "<link>https://old.example.net/</link><item><title>The Lantern</title>"
        "<link>https://old.example.net/lantern/</link>"
        "<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate><description>A lantern swung "
        "in the barn all night.</description></item></channel></rss>\n")


def write_archive(root: Path) -> Path:
    source = root / "essays"
    source.mkdir()
    for day, (name, (title, tag, body)) in enumerate(sorted(ESSAYS.items()), start=1):
        (source / name).write_text(f"---\ntitle: {title}\ndate: 2024-03-0{day}\n"
                                   f"tags: [{tag}]\n---\n\n{body}\n", encoding="utf-8")
    (source / "old.rss").write_text(FEED, encoding="utf-8")
    return source


def run_build(root: Path, faults: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "FEEDSEARCH_FAULTS"}
    if faults:
        env["FEEDSEARCH_FAULTS"] = faults
    return subprocess.run(
        [sys.executable, "-m", "feedsearch", "build", str(root / "essays"), "--out",
         str(root / "out"), "--index", str(root / "index"), "--base-url",
         "https://example.org/", "--json"], capture_output=True, text=True, env=env,
        timeout=120)


def feed_titles(root: Path) -> set[str]:
    titles = set()
    for name in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse((root / "out" / name).read_bytes())
        assert not parsed.bozo, parsed.bozo_exception
        titles |= {entry.title for entry in parsed.entries}
    feed = json.loads((root / "out" / "feed.json").read_text(encoding="utf-8"))
    assert {item["title"] for item in feed["items"]} == titles
    return titles


def searched(root: Path, words: str) -> set[str]:
    return {hit.title for hit in search(root / "index", words).results}


ALL = {"The Kettle", "The Garden", "The River", "The Lantern"}


@pytest.mark.parametrize("stage", STAGES)
# Every stage fails on a file in make test; on a post of an export too in make test-all (two
# builds as a user runs them, per case).
@pytest.mark.parametrize("failing", ["garden.md",
                                     pytest.param("old.rss#lantern", marks=pytest.mark.slow)])
def test_a_failure_in_one_stage_on_one_essay_is_one_warning(tmp_path, stage, failing):
    write_archive(tmp_path)
    result = run_build(tmp_path, f"{stage}:{failing}")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    named = [w for w in report["warnings"] if "InjectedFault" in w]
    assert len(named) == 1, report["warnings"]
    assert named[0].startswith(failing.split("#")[0] + (": post 'lantern': " if
                               stage == "read" and "#" in failing else ""))
    title = "The Garden" if failing == "garden.md" else "The Lantern"
    others = ALL - {title}

    assert feed_titles(tmp_path) == others  # left out of the feeds, whatever the stage
    related = json.loads((tmp_path / "out" / "related.json").read_text(encoding="utf-8"))
    if stage == "render":  # only the feeds failed on it: it is searchable and related
        assert report["documents"] == 4
        assert searched(tmp_path, "tomatoes OR lantern OR kettle OR river") == ALL
    else:  # left out of the build: not searched, stored, nor related
        assert report["documents"] == 3
        assert searched(tmp_path, "tomatoes OR lantern OR kettle OR river") == others
        assert {e.title for e in essays.list_essays(tmp_path / "index")} == others
        slug = "garden" if failing == "garden.md" else "lantern"
        assert slug not in related
        assert all(item["slug"] != slug for items in related.values() for item in items)

    if stage == "read" and "#" in failing:  # an unchanged export is not read again
        with (tmp_path / "essays" / "old.rss").open("a", encoding="utf-8") as feed:
            feed.write("\n")
    healed = run_build(tmp_path, None)  # the failure gone, the essay comes back
    assert healed.returncode == 0, healed.stderr
    assert not any("InjectedFault" in w for w in json.loads(healed.stdout)["warnings"])
    assert feed_titles(tmp_path) == ALL
    assert searched(tmp_path, "tomatoes OR lantern OR kettle OR river") == ALL


@pytest.mark.parametrize("failing", ["garden.md", "old.rss"])
def test_a_file_whose_reading_fails_outright_is_one_warning(tmp_path, failing):
    write_archive(tmp_path)
    result = run_build(tmp_path, f"read:{failing}")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    [warning] = [w for w in report["warnings"] if "InjectedFault" in w]
    assert warning == (f"{failing}: could not be read (InjectedFault: a failure injected "
                       "into the read stage)")
    title = "The Garden" if failing == "garden.md" else "The Lantern"
    assert feed_titles(tmp_path) == ALL - {title}
    assert searched(tmp_path, "tomatoes OR lantern OR kettle OR river") == ALL - {title}


def test_a_render_failure_no_single_essay_explains_keeps_the_last_feeds(tmp_path):
    write_archive(tmp_path)
    assert run_build(tmp_path, None).returncode == 0
    before = (tmp_path / "out" / "feed.xml").read_bytes()
    (tmp_path / "essays" / "kettle.md").write_text(
        "---\ntitle: The Kettle Again\ndate: 2024-03-05\n---\n\nBoiling over.\n",
        encoding="utf-8")
    every = ",".join(f"render:{name}" for name in [*ESSAYS, "old.rss#lantern"])
    result = run_build(tmp_path, every)
    assert result.returncode == 0, result.stderr
    [warning] = [w for w in json.loads(result.stdout)["warnings"] if "InjectedFault" in w]
    assert warning.startswith(f"{tmp_path / 'out'}: the feeds output could not be made ")
    assert warning.endswith("its files from the last build are kept")
    assert (tmp_path / "out" / "feed.xml").read_bytes() == before
    assert searched(tmp_path, "boiling") == {"The Kettle Again"}
    healed = run_build(tmp_path, None)
    assert healed.returncode == 0
    assert "The Kettle Again" in feed_titles(tmp_path)
