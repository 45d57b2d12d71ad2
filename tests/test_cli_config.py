"""The command line with feedsearch.toml, flags over the file, errors, init, check, build's
output options, list/show/stats, colour, and the unexpected-error handler.

Everything runs through Click's CliRunner on real files in temporary folders.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from feedsearch import terminal
from feedsearch.cli import cli

CONFIG = "feedsearch.toml"
ANSI = "\x1b["
SITE_TITLE = "Config Title"
SITE_URL = "https://config.example/"
SITE_CONFIG = f"""\
[site]
title = "{SITE_TITLE}"
base_url = "{SITE_URL}"
author = "Config Author"

[paths]
source = "essays"
out = "site/public"
index = "state/index"

[feeds]
limit = 7
full_content = false

[related]
limit = 2
"""
CANONICAL = "https://marenholt.example/"  # the blog exports keep their canonical URLs
NEWSLETTER = "https://marenholt.substack.com/"  # so do the saved newsletter's essays
UNDATED_WARNING = "warning: when-your-teenager-stops-talking.md: no date"
DATED = ("asking-for-help.md", "rest-is-not-a-reward.md", "saying-no-at-work.md")
REPORT_KEYS = {"documents", "added", "updated", "removed", "unchanged", "skipped", "drafts",
               "future", "warnings", "outputs", "seconds"}
SUMMARY = re.compile(r"^\d+ essays: \d+ added")


@dataclass
class Site:
    root: Path
    build: object  # the Click Result of the first `feedsearch build`

    @property
    def out(self) -> Path:
        return self.root / "site" / "public"

    @property
    def index(self) -> Path:
        return self.root / "state" / "index"


@pytest.fixture(scope="module")
def site(tmp_path_factory, corpus_dir) -> Site:
    """The sample archive with a feedsearch.toml beside it, built once by `feedsearch build`
    with no arguments from that folder."""
    root = tmp_path_factory.mktemp("configured")
    shutil.copytree(corpus_dir, root / "essays")
    (root / CONFIG).write_text(SITE_CONFIG, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = CliRunner().invoke(cli, ["build"])
    return Site(root, result)


@pytest.fixture
def in_site(site, monkeypatch) -> Site:
    monkeypatch.chdir(site.root)
    return site


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, list(args), input=stdin)


def no_traceback(result) -> None:
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def one_line_error(result, code: int = 1) -> str:
    """A failure (exit 1) is exactly one line on stderr, starting with "Error: "."""
    assert result.exit_code == code, (result.stdout, result.stderr)
    no_traceback(result)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


def usage_error(result) -> str:
    """A usage mistake (exit 2): Click's usage hint, then exactly one "Error: " line."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    no_traceback(result)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def copy_essays(corpus_dir: Path, target: Path, names=DATED) -> Path:
    target.mkdir(parents=True)
    for name in names:
        shutil.copy(corpus_dir / name, target / name)
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- a feedsearch.toml in the current folder -------------------------------------------


def test_build_without_arguments_uses_the_config_in_the_current_folder(site):
    result = site.build
    assert result.exit_code == 0, result.stderr
    assert (site.out / "feed.xml").is_file()
    assert (site.out / "related.json").is_file()
    assert (site.index / "documents.sqlite").is_file()
    assert not (site.root / "public").exists() and not (site.root / ".feedsearch").exists()
    assert str(Path("site/public/feed.xml")) in result.stdout
    assert str(Path("state/index")) in result.stdout
    assert UNDATED_WARNING in result.stderr
    assert result.stderr.splitlines()[-1].startswith("27 essays: 27 added")


def test_feed_takes_title_limit_and_base_url_from_the_config(site):
    feed = feedparser.parse((site.out / "feed.xml").read_bytes())
    assert feed.bozo == 0
    assert feed.feed.title == SITE_TITLE
    assert len(feed.entries) == 7
    assert all(entry.link.startswith((SITE_URL, CANONICAL, NEWSLETTER)) for entry in feed.entries)
    # The 7 newest are the two newsletter essays, the three WordPress-export essays and two
    # Markdown essays.
    assert sum(entry.link.startswith(SITE_URL) for entry in feed.entries) == 2
    assert sum(entry.link.startswith(CANONICAL) for entry in feed.entries) == 3


def test_full_content_false_in_the_config_gives_summary_only_feeds(site):
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse((site.out / name).read_bytes())
        assert feed.entries
        for entry in feed.entries:
            assert "content" not in entry, (name, entry.title)
            assert entry.summary
    items = json.loads((site.out / "feed.json").read_text(encoding="utf-8"))["items"]
    assert items and all("content_html" not in item and item["content_text"] for item in items)


def test_related_limit_in_the_config_caps_each_list(site):
    related = json.loads((site.out / "related.json").read_text(encoding="utf-8"))
    assert len(related) == 27
    assert all(len(items) <= 2 for items in related.values())
    assert any(len(items) == 2 for items in related.values())


def test_search_several_unquoted_words_needs_no_index_option(in_site, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    result = run("search", "glass", "choir")
    assert result.exit_code == 0, result.stderr
    assert "What My Father Left Behind" in result.stdout
    assert f"{SITE_URL}what-my-father-left-behind/" in result.stdout
    assert "2 of 2 essays" in result.stdout
    # CliRunner's stdout is not a terminal: no colour codes, even around the matched words.
    assert ANSI not in result.stdout
    data = json.loads(run("search", "glass", "choir", "--json").stdout)
    assert data["query"] == "glass choir"
    assert [hit["slug"] for hit in data["results"]][0] == "what-my-father-left-behind"


def test_reading_commands_need_no_index_option(in_site):
    listed = run("list")
    assert listed.exit_code == 0, listed.stderr
    assert listed.stdout.splitlines()[-1] == "27 essays"
    stats = run("stats")
    assert stats.exit_code == 0 and "Essays:     27" in stats.stdout
    related = run("related", "asking-for-help")
    assert related.exit_code == 0, related.stderr
    rows = related.stdout.splitlines()[1:]
    assert 1 <= len(rows) <= 2
    assert len(json.loads(run("related", "asking-for-help", "--json").stdout)) <= 2
    shown = run("show", "asking-for-help")
    assert shown.exit_code == 0 and "title: The Hardest Sentence I Know" in shown.stdout
    exported = run("export")
    assert exported.exit_code == 0
    records = [json.loads(line) for line in exported.stdout.splitlines()]
    assert len(records) == 27
    assert all(r["url"] == f"{SITE_URL}{r['slug']}/" for r in records
               if not r["source"].startswith("exports/"))


def test_check_without_source_reads_the_configured_folder(in_site):
    result = run("check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("when-your-teenager-stops-talking.md: no date")
    assert "32 essays read, 1 problem" in result.stderr


# --- --config FILE from another folder ----------------------------------------------------


def test_explicit_config_paths_resolve_from_the_files_folder(tmp_path, corpus_dir, monkeypatch):
    project = tmp_path / "project"
    copy_essays(corpus_dir, project / "writing")
    (project / "other.toml").write_text(
        '[site]\ntitle = "Other"\nbase_url = "https://other.example/"\n'
        '[paths]\nsource = "writing"\nout = "www"\nindex = "state"\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # A feedsearch.toml in the current folder that would fail if it were read.
    (elsewhere / CONFIG).write_text("[nonsense]\n", encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    config = str(Path("..") / "project" / "other.toml")

    built = run("--config", config, "build")
    assert built.exit_code == 0, built.stderr
    assert (project / "www" / "feed.xml").is_file()
    assert (project / "state" / "documents.sqlite").is_file()
    assert sorted(p.name for p in elsewhere.iterdir()) == [CONFIG]
    feed = feedparser.parse((project / "www" / "feed.xml").read_bytes())
    assert feed.feed.title == "Other" and len(feed.entries) == 3

    listed = run("--config", config, "list")
    assert listed.exit_code == 0, listed.stderr
    assert listed.stdout.splitlines()[-1] == "3 essays"
    found = run("--config", config, "search", "hardest", "sentence", "--json")
    assert json.loads(found.stdout)["results"][0]["slug"] == "asking-for-help"


# --- flags win over the file ----------------------------------------------------------------


def test_flags_win_over_the_config(in_site, tmp_path):
    out, index = tmp_path / "out", tmp_path / "index"
    result = run("build", "--out", str(out), "--index", str(index), "--title", "Flag Title",
                 "--feed-limit", "3", "--full-content", "--related-limit", "4")
    assert result.exit_code == 0, result.stderr
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert feed.feed.title == "Flag Title"
    assert len(feed.entries) == 3
    assert all(entry.content[0].value for entry in feed.entries)
    # What no flag overrides still comes from the file.
    assert feed.feed.link == SITE_URL
    # The 3 newest are exports: the newsletter's keep their canonical URLs; the Substack
    # export names none, so its post is under the site's address.
    assert [entry.link for entry in feed.entries] == [
        f"{NEWSLETTER}p/the-quiet-house", f"{NEWSLETTER}p/what-envy-knows",
        f"{SITE_URL}a-question-instead-of-a-resolution/"]
    related = json.loads((out / "related.json").read_text(encoding="utf-8"))
    assert max(len(items) for items in related.values()) == 4
    assert (index / "documents.sqlite").is_file()
    listed = run("list", "--index", str(index))
    assert listed.exit_code == 0 and listed.stdout.splitlines()[-1] == "27 essays"


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("content", "expected"), [
    ("[site\ntitle = 'x'\n", "is not valid TOML"),
    (b"[site]\ntitle = '\xff\xfe'\n", "is not valid TOML"),
    ("[sight]\ntitle = 'x'\n", "unknown section [sight]"),
    ("title = 'x'\n", "unknown section [title]"),
    ("[site]\ntitel = 'x'\n", "unknown key 'titel' in [site]"),
    ('[feeds]\nlimit = "ten"\n', "[feeds] limit"),
    ("[related]\nlimit = true\n", "[related] limit"),
    ('[feeds]\nfull_content = "no"\n', "[feeds] full_content"),
    ("[paths]\nsource = 3\n", "[paths] source"),
])
def test_a_bad_config_is_one_line_and_exit_1(tmp_path, monkeypatch, content, expected):
    path = tmp_path / CONFIG
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for args in (("list",), ("build",)):
        line = one_line_error(run(*args))
        assert expected in line and CONFIG in line, line
    assert sorted(p.name for p in tmp_path.iterdir()) == [CONFIG]


def test_wrong_type_names_the_value(tmp_path, monkeypatch):
    (tmp_path / CONFIG).write_text('[feeds]\nlimit = "ten"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert "'ten'" in one_line_error(run("list"))


def test_config_option_naming_a_missing_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = one_line_error(run("--config", "missing.toml", "list"))
    assert "missing.toml" in line and "does not exist" in line


def test_build_and_check_without_source_or_config_are_usage_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for command in ("build", "check"):
        line = usage_error(run(command))
        assert "SOURCE" in line and CONFIG in line, line
    assert list(tmp_path.iterdir()) == []


def test_reading_commands_before_any_build(tmp_path, monkeypatch):
    (tmp_path / CONFIG).write_text(SITE_CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for args in (("search", "grief"), ("list",), ("stats",), ("show", "asking-for-help"),
                 ("related", "asking-for-help"), ("export",)):
        line = one_line_error(run(*args))
        assert "run feedsearch build first" in line, (args, line)
    assert sorted(p.name for p in tmp_path.iterdir()) == [CONFIG]


@pytest.mark.parametrize(("setting", "shown"), [
    ('[site]\ntimezone = "Mars/Base"', "'Mars/Base'"),
    ('[site]\nbase_url = "danareyestherapy.com/blog"', "not an http(s) URL"),
    ('[site]\nlanguage = "english please"', "not a language code"),
    ("[feeds]\nlimit = 0", "below the least allowed"),
    ('[build]\nmax_file_size = "lots"', "not a size"),
])
def test_a_bad_config_value_names_the_file_and_key_not_a_flag(tmp_path, corpus_dir,
                                                               monkeypatch, setting, shown):
    # The person never typed a flag: the error points at the line of the file to mend.
    copy_essays(corpus_dir, tmp_path / "essays")
    (tmp_path / CONFIG).write_text(
        '[paths]\nsource = "essays"\nout = "public"\nindex = "idx"\n' + setting + "\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    section, key = re.match(r"\[(\w+)\]\n(\w+)", setting).groups()
    for command in ("build", "check", "config"):
        line = one_line_error(run(command))
        assert f"{CONFIG}: [{section}] {key}: " in line and shown in line, line
        assert "--" not in line, line
    assert not (tmp_path / "public").exists() and not (tmp_path / "idx").exists()


# --- init -------------------------------------------------------------------------------------


def test_init_with_flags_writes_a_config_that_build_uses(tmp_path, corpus_dir, monkeypatch):
    copy_essays(corpus_dir, tmp_path / "essays")
    monkeypatch.chdir(tmp_path)
    title = 'Maren "Quoted" \\ Holt'
    result = run("init", "--title", title, "--base-url", "https://init.example/",
                 "--author", "Ann Author", "--source", "essays", stdin="")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Wrote {CONFIG}. Next: feedsearch build\n"
    data = tomllib.loads((tmp_path / CONFIG).read_text(encoding="utf-8"))
    assert data["site"]["title"] == title
    assert data["site"]["base_url"] == "https://init.example/"
    assert data["site"]["author"] == "Ann Author"
    assert data["paths"]["source"] == "essays"

    built = run("build")
    assert built.exit_code == 0, built.stderr
    feed = feedparser.parse((tmp_path / data["paths"]["out"] / "feed.xml").read_bytes())
    assert feed.feed.title == title
    assert len(feed.entries) == 3
    assert all(e.link.startswith("https://init.example/") for e in feed.entries)
    assert (tmp_path / data["paths"]["index"] / "documents.sqlite").is_file()


def test_init_does_not_overwrite_without_force(tmp_path, monkeypatch):
    (tmp_path / "essays").mkdir()
    monkeypatch.chdir(tmp_path)
    assert run("init", "--title", "First", "--source", "essays", stdin="").exit_code == 0
    before = (tmp_path / CONFIG).read_bytes()
    line = one_line_error(run("init", "--title", "Second", "--source", "essays", stdin=""))
    assert "already exists" in line and "--force" in line
    assert (tmp_path / CONFIG).read_bytes() == before

    forced = run("init", "--title", "Second", "--source", "essays", "--force", stdin="")
    assert forced.exit_code == 0, forced.stderr
    data = tomllib.loads((tmp_path / CONFIG).read_text(encoding="utf-8"))
    assert data["site"]["title"] == "Second"


def test_init_with_some_flags_fills_defaults_without_prompting(tmp_path, monkeypatch):
    (tmp_path / "posts").mkdir()
    monkeypatch.chdir(tmp_path)
    result = run("init", "--source", "posts", stdin="")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Wrote {CONFIG}. Next: feedsearch build\n"
    assert "Site title" not in result.stdout + result.stderr
    data = tomllib.loads((tmp_path / CONFIG).read_text(encoding="utf-8"))
    assert data["paths"] == {"source": "posts", "out": "public", "index": ".feedsearch"}
    assert data["site"]["title"] == "Essays"
    assert data["site"]["base_url"] == "https://example.org/"
    assert data["site"]["author"] == ""


def test_init_force_replaces_a_broken_config(tmp_path, monkeypatch):
    # The way out of a broken feedsearch.toml is `init --force`; it must not need the
    # broken file to load first.
    (tmp_path / CONFIG).write_text("[site\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("init", "--force", "--title", "Fixed", "--source", ".", stdin="")
    assert result.exit_code == 0, result.stderr
    data = tomllib.loads((tmp_path / CONFIG).read_text(encoding="utf-8"))
    assert data["site"]["title"] == "Fixed"


# --- check ------------------------------------------------------------------------------------


def _problem_folder(root: Path, corpus_dir: Path) -> Path:
    source = copy_essays(corpus_dir, root / "essays", names=("asking-for-help.md",))
    (source / "empty.md").write_bytes(b"")
    (source / "broken.md").write_text('---\ntitle: "Broken\ntags: [a, b\n---\n\nBody text.\n',
                                      encoding="utf-8")
    return source


def test_check_reports_each_problem_and_writes_nothing(tmp_path, corpus_dir, monkeypatch):
    source = _problem_folder(tmp_path, corpus_dir)
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path)
    result = run("check", "essays")
    assert result.exit_code == 1
    no_traceback(result)
    lines = result.stdout.splitlines()
    assert len(lines) == 2, result.stdout
    assert sum(line.startswith("empty.md: ") for line in lines) == 1
    assert sum(line.startswith("broken.md: ") for line in lines) == 1
    assert not any("asking-for-help" in line for line in lines)
    assert "1 essay read, 2 problems" in result.stderr
    assert snapshot(tmp_path) == before
    assert not any(p.name == "documents.sqlite" for p in tmp_path.rglob("*"))
    assert sorted(p.name for p in source.iterdir()) == [
        "asking-for-help.md", "broken.md", "empty.md"]


def test_check_json_lists_essays_and_problems(tmp_path, corpus_dir, monkeypatch):
    _problem_folder(tmp_path, corpus_dir)
    monkeypatch.chdir(tmp_path)
    result = run("check", "essays", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {"essays", "problems", "undated"}
    assert data["essays"] == 1 and data["undated"] == []
    assert sorted(p["source"] for p in data["problems"]) == ["broken.md", "empty.md"]
    assert all(p["problem"] for p in data["problems"])


def test_check_on_a_clean_folder_exits_0(tmp_path, corpus_dir, monkeypatch):
    copy_essays(corpus_dir, tmp_path / "essays")
    monkeypatch.chdir(tmp_path)
    result = run("check", "essays")
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""
    assert "3 essays read, 0 problems" in result.stderr
    data = json.loads(run("check", "essays", "--json").stdout)
    assert data == {"essays": 3, "problems": [], "undated": []}


# --- build's output options -------------------------------------------------------------------


def test_strict_fails_on_warnings(in_site):
    result = run("build", "--strict")
    line = [x for x in result.stderr.splitlines() if x.startswith("Error")]
    assert result.exit_code == 1
    no_traceback(result)
    assert line == ["Error: 1 warnings and --strict was given"]
    assert UNDATED_WARNING in result.stderr


def test_strict_passes_without_warnings(tmp_path, corpus_dir, monkeypatch):
    copy_essays(corpus_dir, tmp_path / "essays")
    monkeypatch.chdir(tmp_path)
    result = run("build", "essays", "--out", "public", "--index", "idx",
                 "--base-url", "https://clean.example/", "--strict")
    assert result.exit_code == 0, result.stderr
    assert "warning:" not in result.stderr
    assert (tmp_path / "public" / "feed.xml").is_file()


def test_quiet_prints_only_warnings(in_site):
    result = run("build", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert UNDATED_WARNING in result.stderr
    assert not any(SUMMARY.match(line) for line in result.stderr.splitlines())
    assert all(line.startswith("warning: ") for line in result.stderr.splitlines())


def test_verbose_names_each_file_read(in_site):
    result = run("build", "--verbose")
    assert result.exit_code == 0, result.stderr
    read = [line.removeprefix("reading ") for line in result.stderr.splitlines()
            if line.startswith("reading ")]
    assert len(read) == 24
    assert "asking-for-help.md" in read
    assert "exports/wordpress/the-sunday-scaries.html" in read
    assert any(SUMMARY.match(line) for line in result.stderr.splitlines())


def test_build_json_report(in_site):
    result = run("build", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) >= REPORT_KEYS
    assert report["documents"] == 27
    assert report["added"] + report["updated"] + report["unchanged"] == 27
    assert len(report["warnings"]) == 1
    assert report["warnings"][0].startswith("when-your-teenager-stops-talking.md: no date")
    assert any(Path(p).resolve() == (in_site.out / "feed.xml").resolve()
               for p in report["outputs"])
    assert isinstance(report["seconds"], float) and report["seconds"] >= 0
    assert not any(SUMMARY.match(line) for line in result.stderr.splitlines())


# --- list, show, stats ------------------------------------------------------------------------


def test_list_table_and_tag_filter(in_site):
    result = run("list")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["date", "title", "tags", "source"]
    assert len(lines) == 1 + 27 + 1 and lines[-1] == "27 essays"
    assert lines[1].startswith("2026-11-10  The Quiet House")
    assert lines[-2].startswith("undated")

    grief = run("list", "--tag", "grief")
    rows = grief.stdout.splitlines()[1:-1]
    assert grief.stdout.splitlines()[-1] == "5 essays"
    assert len(rows) == 5 and all("grief" in row for row in rows)
    assert run("list", "--tag", "GRIEF").stdout == grief.stdout


def test_list_json_has_no_text(in_site):
    records = json.loads(run("list", "--json").stdout)
    assert len(records) == 27
    assert all("text" not in record for record in records)
    assert all({"slug", "title", "url", "date", "tags", "source"} <= set(r) for r in records)
    grief = json.loads(run("list", "--tag", "grief", "--json").stdout)
    assert len(grief) == 5 and all("grief" in r["tags"] for r in grief)


def test_show_prints_metadata_and_text(in_site):
    result = run("show", "rest-is-not-a-reward")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "    slug: rest-is-not-a-reward" in lines
    assert "   title: Rest Is Not a Reward" in lines
    assert f"     url: {SITE_URL}rest-is-not-a-reward/" in lines
    assert "    date: 2018-01-08T07:00:00+00:00" in lines
    assert "    tags: rest, work, burnout" in lines
    record = json.loads(run("show", "rest-is-not-a-reward", "--json").stdout)
    assert record["text"] and record["text"] in result.stdout
    assert result.stdout.rstrip("\n").endswith(record["text"].rstrip("\n"))


def test_show_unknown_slug(in_site):
    line = one_line_error(run("show", "no-such-essay"))
    assert "no-such-essay" in line


def test_stats_text_and_json(in_site):
    data = json.loads(run("stats", "--json").stdout)
    assert {"essays", "per_year", "per_tag", "index_bytes", "last_build"} <= set(data)
    assert data["essays"] == 27
    assert sum(data["per_year"].values()) == 27
    assert data["per_year"]["undated"] == 1 and data["per_year"]["2016"] == 3
    assert data["per_tag"]["grief"] == 5
    assert list(data["per_tag"].values()) == sorted(data["per_tag"].values(), reverse=True)
    assert data["index_bytes"] > 0
    assert datetime.fromisoformat(data["last_build"]).tzinfo is not None

    text = run("stats")
    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    assert "Per year:" in lines and "Per tag:" in lines
    for year, count in data["per_year"].items():
        assert any(re.fullmatch(rf"\s+{year}\s+{count}\s+#{{{count}}}", x) for x in lines), year
    for tag, count in data["per_tag"].items():
        assert any(re.fullmatch(rf"\s+{re.escape(tag)}\s+{count}", x) for x in lines), tag


# --- colour ------------------------------------------------------------------------------------


class FakeTerminal:
    def isatty(self) -> bool:
        return True


def test_snippet_colour_only_when_asked():
    coloured = terminal.snippet_for_terminal("<mark>a</mark> b", color=True)
    plain = terminal.snippet_for_terminal("<mark>a</mark> b", color=False)
    assert ANSI in coloured and "a" in coloured and coloured.endswith(" b")
    assert plain == "a b"


def test_use_color_respects_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert terminal.use_color(FakeTerminal()) is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert terminal.use_color(FakeTerminal()) is False


# --- unexpected errors --------------------------------------------------------------------------


def test_unexpected_error_is_one_line_unless_debug(site, tmp_path, monkeypatch):
    index = tmp_path / "index"
    shutil.copytree(site.index, index)
    # A corrupt store is a known problem now (build heals it); a valid SQLite file without
    # the store's tables is not, so it still shows how an unexpected error is reported.
    (index / "documents.sqlite").unlink()
    sqlite3.connect(index / "documents.sqlite").close()
    monkeypatch.chdir(tmp_path)

    result = run("list", "--index", str(index))
    line = one_line_error(result)
    assert line.startswith("Error: unexpected error")
    assert "--debug" in line
    assert result.stdout == ""

    debug = run("--debug", "list", "--index", str(index))
    assert debug.exit_code != 0
    assert not isinstance(debug.exception, SystemExit)
    assert isinstance(debug.exception, sqlite3.DatabaseError)


# --- where the config is found, and what is in effect ------------------------------------------


def test_the_config_is_found_from_a_subfolder_as_git_finds_its_repository(in_site, tmp_path,
                                                                          monkeypatch):
    deep = in_site.root / "essays" / "deeper" / "still"
    deep.mkdir(parents=True)
    try:
        monkeypatch.chdir(deep)
        found = run("search", "glass", "choir", "--json")
        assert found.exit_code == 0, found.stderr
        assert json.loads(found.stdout)["results"][0]["slug"] == "what-my-father-left-behind"
        # Paths in the file stay relative to the file's folder, wherever the command runs.
        listed = run("list", "--json")
        assert listed.exit_code == 0 and len(json.loads(listed.stdout)) == 27
    finally:
        shutil.rmtree(in_site.root / "essays" / "deeper")
    # Outside the archive, nothing is found: the command asks for what it needs.
    monkeypatch.chdir(tmp_path)
    assert "--index" in usage_error(run("search", "grief"))


def test_feedsearch_config_names_a_file_explicitly(in_site, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FEEDSEARCH_CONFIG", str(in_site.root / CONFIG))
    found = run("search", "glass", "choir", "--json")
    assert found.exit_code == 0, found.stderr
    assert json.loads(found.stdout)["total"] >= 1
    # --config wins over the variable.
    other = tmp_path / "other.toml"
    other.write_text('[paths]\nindex = "nowhere"\n', encoding="utf-8")
    line = one_line_error(run("--config", str(other), "search", "grief"))
    assert "run feedsearch build first" in line
    monkeypatch.setenv("FEEDSEARCH_CONFIG", str(tmp_path / "missing.toml"))
    line = one_line_error(run("list"))
    assert "FEEDSEARCH_CONFIG" in line and "missing.toml" in line


def test_config_shows_each_setting_in_effect_and_where_it_came_from(in_site):
    result = run("config", "--title", "From A Flag", "--json")
    assert result.exit_code == 0, result.stderr
    rows = {row["setting"]: row for row in json.loads(result.stdout)}
    assert rows["site.title"] == {"setting": "site.title", "flag": "--title",
                                  "value": "From A Flag", "from": "flag"}
    config_file = str(in_site.root / CONFIG)
    assert rows["site.base_url"]["value"] == SITE_URL
    assert rows["site.base_url"]["from"] == config_file
    assert rows["paths.source"]["value"] == str(in_site.root / "essays")
    assert rows["paths.source"]["from"] == config_file
    assert rows["feeds.limit"]["value"] == 7 and rows["feeds.limit"]["from"] == config_file
    assert rows["site.language"]["from"] == "default"
    human = run("config")
    assert f"Config file: {config_file}" in human.stdout
    assert re.search(r"^feeds\.limit\s+7\s+\S*feedsearch\.toml$", human.stdout, re.M)
