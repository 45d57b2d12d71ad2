"""What the commands print for people and return to scripts: counts that agree with their
nouns, exit codes, a closed pipe, list's filters, stats bars that fit the terminal."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from feedsearch.cli import cli
from feedsearch.strings import counted
from tests.pty_frames import on_a_terminal, terminal_frames

SCRIPT = Path(sys.executable).parent / "feedsearch"


def _run(*args: str, **env: str):
    return CliRunner(env=env or None).invoke(cli, list(args))


def test_counts_agree_with_their_nouns(built, tmp_path):
    assert [counted(n, "essay") for n in (0, 1, 2, 1204)] == \
        ["0 essays", "1 essay", "2 essays", "1,204 essays"]
    one = _run("search", "title:burnout", "--index", str(built.index))
    assert one.stdout.rstrip().endswith("\n1 of 1 essay")
    listed = _run("list", "--index", str(built.index), "--limit", "1")
    assert listed.stdout.rstrip().endswith("\n1 essay")
    (tmp_path / "one.md").write_text("---\ntitle: One\ndate: 2020-01-01\n---\n\nText.\n")
    (tmp_path / "bad.xml").write_bytes(b"<rss><channel><item>")
    checked = _run("check", str(tmp_path))
    assert "1 essay read, 1 problem" in checked.stderr


def test_an_empty_query_is_a_usage_mistake_like_no_query(built):
    for query in ([], [""], ["   "]):
        result = _run("search", *query, "--index", str(built.index))
        assert result.exit_code == 2, (query, result.output)
        assert "give words to search for" in result.stderr


def test_a_reader_that_stops_reading_ends_the_command_quietly(built):
    env = {**os.environ, "NO_COLOR": "1"}
    for command in (["export"], ["list"], ["search", "help", "--limit", "50"]):
        shell = f"'{SCRIPT}' {' '.join(command)} --index '{built.index}' | head -c 10 >/dev/null;" \
                " echo ${PIPESTATUS[0]}"
        done = subprocess.run(["bash", "-c", shell], env=env, capture_output=True, text=True,
                              timeout=60)
        assert done.stdout.strip() == "0", (command, done.stdout, done.stderr)
        assert done.stderr == "", (command, done.stderr)


def test_list_filters_by_date_and_limits(built):
    base = ["list", "--index", str(built.index), "--json"]
    everything = json.loads(_run(*base).stdout)
    within = json.loads(_run(*base, "--since", "2019", "--until", "2021-06").stdout)
    assert 0 < len(within) < len(everything)
    assert all("2019" <= essay["date"][:7] <= "2021-06" for essay in within)
    dated = [e for e in everything if e["date"] and "2019" <= e["date"][:7] <= "2021-06"]
    assert [e["slug"] for e in within] == [e["slug"] for e in dated]
    first = json.loads(_run(*base, "--limit", "3").stdout)
    assert [e["slug"] for e in first] == [e["slug"] for e in everything[:3]]
    bad = _run("list", "--index", str(built.index), "--since", "2019-13")
    assert bad.exit_code == 1 and "not a date" in bad.stderr


def test_stats_bars_fit_the_terminal(built, tmp_path):
    source = tmp_path / "essays"
    source.mkdir()
    for number in range(150):
        (source / f"e{number}.md").write_text(
            f"---\ntitle: Essay {number}\ndate: {2010 + number // 100}-03-01\n---\n\nWords.\n")
    from feedsearch.build import build
    from tests.conftest import build_options

    options = build_options(source, tmp_path)
    build(options)
    narrow = _run("stats", "--index", str(options.index), COLUMNS="60")
    bars = [line for line in narrow.stdout.splitlines() if line.startswith("  201")]
    assert len(bars) == 2 and all(len(line) <= 60 for line in bars)
    assert bars[0].endswith("#" * 43) and bars[1].count("#") == round(50 * 43 / 100)
    wide = _run("stats", "--index", str(options.index), COLUMNS="200")
    assert [line.count("#") for line in wide.stdout.splitlines()
            if line.startswith("  201")] == [100, 50]


def test_init_on_a_terminal_asks_again_until_each_answer_would_build(tmp_path):
    import tomllib

    (tmp_path / "essays").mkdir()
    (tmp_path / "essays" / "a.md").write_text("---\ntitle: A\ndate: 2020-01-01\n---\n\nText.\n")
    status, shown, _ = on_a_terminal([str(SCRIPT), "init"], {**os.environ, "NO_COLOR": "1"},
                                     tmp_path, 30, [
        ("Site title", "Dana Reyes"),
        ("Site address", "danareyestherapy.com/blog"),  # no scheme: asked again
        ("Site address", "https://danareyestherapy.com/blog/"),
        ("Author", "Dana Reyes"),
        ("Folder of essays", "posts"),  # not there: asked again
        ("Folder of essays", "essays"),
    ])
    assert status == 0, shown
    assert "not an http(s) URL" in shown and "there is no folder 'posts' here" in shown
    data = tomllib.loads((tmp_path / "feedsearch.toml").read_text(encoding="utf-8"))
    assert data["site"]["base_url"] == "https://danareyestherapy.com/blog/"
    assert data["paths"]["source"] == "essays"
    built = subprocess.run([str(SCRIPT), "build", "-q"], cwd=tmp_path, capture_output=True,
                           text=True, timeout=120)
    assert built.returncode == 0, built.stderr


def test_init_off_a_terminal_refuses_without_the_folder_and_writes_nothing(tmp_path):
    for args in ([], ["--source", "posts"], ["--source", ".", "--base-url", "example.org"]):
        done = subprocess.run([str(SCRIPT), "init", *args], cwd=tmp_path, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 2, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
        assert not (tmp_path / "feedsearch.toml").exists()


STAGES = ("reading", "writing the search index", "related posts", "feeds and files",
          "saving the store", "publishing")


def test_a_build_on_a_terminal_names_its_stage_and_a_count_every_second(tmp_path):
    source = tmp_path / "essays"
    source.mkdir()
    words = ("river heron willow lantern harbour orchard meadow quarry ember thistle "
             "marsh beacon").split()
    for number in range(400):
        body = " ".join(words[(number * 7 + k) % len(words)] for k in range(600))
        (source / f"essay-{number:03}.md").write_text(
            f"---\ntitle: Essay {number}\ndate: 2020-01-{1 + number % 28:02}\n"
            f"tags: [{words[number % 12]}]\n---\n\n{body}\n", encoding="utf-8")
    status, frames = terminal_frames(
        [str(SCRIPT), "build", str(source), "--out", str(tmp_path / "out"), "--index",
         str(tmp_path / "index")], env={**os.environ, "NO_COLOR": "1", "COLUMNS": "120"})
    assert status == 0, frames[-5:]
    *progress, summary = frames
    assert summary[1].startswith("400 essays: 400 added")
    drawn = [(at, text) for at, text in progress if text.startswith(STAGES)]
    # Every stage is shown, in order, each line with a count.
    seen = [next(stage for stage in STAGES if text.startswith(stage)) for _, text in drawn]
    assert list(dict.fromkeys(seen)) == list(STAGES)
    assert all(re.search(r"\d[\d,]* (files|essays|outputs)", text) for _, text in drawn)
    assert any(re.search(r"reading  \d+/400 files", text) for _, text in drawn)
    # Never a second without a new line, from the first to the last.
    times = [at for at, _ in drawn] + [summary[0]]
    assert max(b - a for a, b in zip(times, times[1:], strict=False)) <= 1.0, times
    # The progress line is gone before the summary: no stage text is left on its line.
    assert not any(stage in summary[1] for stage in STAGES)


def test_snippets_wrap_between_words_at_the_terminal_width(built):
    wide = _run("search", "grief", "--index", str(built.index), "--limit", "3",
                COLUMNS="400", NO_COLOR="1")
    narrow = _run("search", "grief", "--index", str(built.index), "--limit", "3",
                  COLUMNS="50", NO_COLOR="1")
    assert narrow.exit_code == 0, narrow.output

    def snippet_lines(output: str) -> list[str]:
        return [line for line in output.splitlines()
                if line.startswith("    ") and not line.startswith("    http")]

    assert all(len(line) <= 50 for line in snippet_lines(narrow.stdout))
    assert len(snippet_lines(narrow.stdout)) > len(snippet_lines(wide.stdout))
    # The same words, in the same order: only the line breaks moved.
    assert " ".join(" ".join(snippet_lines(narrow.stdout)).split()) == \
        " ".join(" ".join(snippet_lines(wide.stdout)).split())
