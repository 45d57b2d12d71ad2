"""The command line, through Click's CliRunner and as the installed script."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedsearch import __version__
from feedsearch.cli import cli

EXPORT_KEYS = {"slug", "title", "url", "date", "updated", "authors", "tags", "summary",
               "source", "text"}
SCRIPT = Path(sys.executable).parent / "feedsearch"


@pytest.fixture(scope="module")
def cli_build(tmp_path_factory, corpus_dir):
    work = tmp_path_factory.mktemp("cli")
    out, index = work / "public", work / "index"
    result = CliRunner().invoke(cli, [
        "build", str(corpus_dir), "--out", str(out), "--index", str(index),
        "--base-url", "https://marenholt.example", "--title", "Maren Holt: Essays"])
    return result, out, index


def _run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_build_reports_outputs_and_warnings(cli_build):
    result, out, index = cli_build
    assert result.exit_code == 0, result.output
    assert str(out / "feed.xml") in result.stdout
    assert str(out / "related.json") in result.stdout
    assert str(index) in result.stdout
    assert "warning: when-your-teenager-stops-talking.md: no date" in result.stderr
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith("27 essays: 27 added, 0 updated, 0 removed, 0 unchanged")
    assert "1 warnings" in summary


def test_search_text_and_json(cli_build):
    _, _, index = cli_build
    text = _run("search", "glass choir", "--index", str(index))
    assert text.exit_code == 0
    assert "What My Father Left Behind" in text.stdout
    assert "2 of 2 essays" in text.stdout
    data = json.loads(_run("search", "glass choir", "--index", str(index), "--json").stdout)
    assert data["total"] == 2 and data["query"] == "glass choir"
    assert data["results"][0]["slug"] == "what-my-father-left-behind"
    assert "<mark>" in data["results"][0]["snippet"]


def test_search_suggestion_in_text_output(cli_build):
    _, _, index = cli_build
    result = _run("search", "grefi", "--index", str(index))
    assert result.exit_code == 0
    assert "Did you mean: grief" in result.stdout
    slip = _run("search", "greif", "--index", str(index))
    assert "showing results for 'grief'" in slip.stdout


def test_related_table_and_json(cli_build):
    _, _, index = cli_build
    data = json.loads(_run("related", "asking-for-help", "--index", str(index), "--json").stdout)
    assert 1 <= len(data) <= 5
    assert set(data[0]) == {"slug", "title", "url", "score", "shared_tags", "shared_terms",
                            "why"}
    table = _run("related", "asking-for-help", "--index", str(index))
    assert table.exit_code == 0 and data[0]["title"] in table.stdout
    assert table.stdout.splitlines()[0].split() == ["score", "title", "shared", "tags",
                                                    "shared", "words"]
    assert ", ".join(data[0]["shared_terms"]) in table.stdout.splitlines()[1]
    missing = _run("related", "no-such-essay", "--index", str(index))
    assert missing.exit_code == 1
    assert "no essay with slug 'no-such-essay'" in missing.stderr


def test_export_is_json_lines_with_the_contract_keys(cli_build):
    _, _, index = cli_build
    result = _run("export", "--index", str(index))
    lines = result.stdout.splitlines()
    assert len(lines) == 27
    records = [json.loads(line) for line in lines]
    assert all(set(record) == EXPORT_KEYS for record in records)
    sources = {record["source"] for record in records}
    assert "exports/wordpress/the-sunday-scaries.html" in sources
    dated = [datetime.fromisoformat(r["date"]) for r in records if r["date"]]
    assert len(dated) == 26 and records[-1]["date"] is None
    assert dated == sorted(dated, reverse=True)
    assert all(moment.tzinfo is not None for moment in dated)


def test_inspect_gives_the_same_keys_as_export(corpus_dir):
    path = corpus_dir / "rest-is-not-a-reward.md"
    result = _run("inspect", str(path), "--json")
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert set(record) == EXPORT_KEYS
    assert record["title"] == "Rest Is Not a Reward"
    assert record["date"] == "2018-01-08T07:00:00+00:00"
    assert record["tags"] == ["rest", "work", "burnout"]


def test_user_mistakes_are_one_line_without_traceback(tmp_path):
    cases = [
        (("search", "grief", "--index", str(tmp_path / "none")), 1, "run feedsearch build first"),
        (("export", "--index", str(tmp_path / "none")), 1, "run feedsearch build first"),
        (("related", "x", "--index", str(tmp_path / "none")), 1, "run feedsearch build first"),
        (("inspect", str(tmp_path / "missing.md")), 1, "no such file"),
        (("build", str(tmp_path / "missing"), "--out", str(tmp_path / "o"),
          "--index", str(tmp_path / "i")), 1, "does not exist"),
        (("search", "grief"), 2, "Missing option '--index'"),
        (("search", "grief", "--index", str(tmp_path), "--limit", "0"), 2, "--limit"),
        (("nonsense",), 2, "No such command"),
    ]
    for args, code, message in cases:
        result = _run(*args)
        assert result.exit_code == code, (args, result.output)
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_inspect_of_a_binary_file_is_a_clean_error(tmp_path):
    bad = tmp_path / "image.md"
    bad.write_bytes(b"\x89PNG\x00\x00\x00")
    result = _run("inspect", str(bad))
    assert result.exit_code == 1
    assert "binary" in result.stderr and "Traceback" not in result.stderr


def test_version():
    result = _run("--version")
    assert result.exit_code == 0 and __version__ in result.stdout


def test_installed_script_and_module_entry_point(corpus_dir, tmp_path):
    assert SCRIPT.exists()
    out, index = tmp_path / "public", tmp_path / "index"
    built = subprocess.run(
        [str(SCRIPT), "build", str(corpus_dir), "--out", str(out), "--index", str(index),
         "--base-url", "https://marenholt.example/"],
        capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    assert (out / "feed.xml").exists()
    found = subprocess.run([str(SCRIPT), "search", '"glass choir"', "--index", str(index),
                            "--json"], capture_output=True, text=True, timeout=60)
    assert found.returncode == 0
    assert json.loads(found.stdout)["results"][0]["slug"] == "what-my-father-left-behind"
    module = subprocess.run([sys.executable, "-m", "feedsearch", "--version"],
                            capture_output=True, text=True, timeout=60)
    assert module.returncode == 0 and __version__ in module.stdout
    usage = subprocess.run([str(SCRIPT), "search"], capture_output=True, text=True, timeout=60)
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_search_does_not_import_the_reading_stack(cli_build):
    _, _, index = cli_build
    code = (
        "import sys\n"
        "from feedsearch.cli import main\n"
        f"sys.argv = ['feedsearch', 'search', 'grief', '--index', {str(index)!r}]\n"
        "try:\n    main()\n    code = 0\nexcept SystemExit as exit:\n    code = exit.code or 0\n"
        "heavy = [m for m in ('bs4', 'markdown_it', 'feedgen', 'frontmatter', 'lxml.html')\n"
        "         if m in sys.modules]\n"
        "heavy += sorted(m for m in sys.modules if m.startswith('feedsearch.readers'))\n"
        "print('EXIT', code)\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    # The search ran and found what it finds: a search that failed early would import
    # nothing heavy either.
    assert "EXIT 0" in result.stdout, result.stdout + result.stderr
    assert " 1. Grief Has No Schedule  (2018-06-11)" in result.stdout, result.stdout
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr
