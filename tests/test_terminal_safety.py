"""Escape sequences in essays (titles, tags, file names, text) are shown, never acted on,
wherever feedsearch prints to a person; --json stays plain JSON of the same strings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedsearch.cli import cli
from feedsearch.terminal import visible

CLEAR = "\x1b[2J"  # clears the screen
TITLE_SET = "\x1b]0;owned\x07"  # sets the terminal's title
CSI = "\x9b31m"  # the one-byte C1 form of ESC [
REORDER = "\u202e"  # right-to-left override
ATTACKS = (CLEAR, TITLE_SET, CSI, REORDER)


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("escapes")
    source = root / "essays"
    source.mkdir()
    # YAML's own escapes (\e, \a, \x9b, \u202e) put the raw characters in the values.
    (source / "escapes.md").write_text(
        '---\ntitle: "Herons \\e[2J at dusk \\x9b31m"\ndate: 2024-03-01\n'
        'tags: ["grief\\e]0;owned\\a", "rest\\u202e"]\n---\n\n'
        f"Herons stand in the shallows{CLEAR} while the light goes.\n", encoding="utf-8")
    (source / "plain.md").write_text(
        "---\ntitle: Plain Herons\ndate: 2024-03-02\ntags: [grief]\n---\n\n"
        "Herons stand in the shallows again.\n", encoding="utf-8")
    (source / f"undated{CLEAR}.md").write_text("# Undated herons\n\nHerons, undated.\n",
                                              encoding="utf-8")
    return source, root / "index"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def assert_shown_not_acted_on(output: str) -> None:
    for attack in ATTACKS:
        assert attack not in output, repr(output)
    assert "\\x1b" in output or "\\x9b" in output or "\\u202e" in output, output


def test_every_command_that_prints_essay_data_shows_escapes(archive):
    source, index = archive
    built = run("build", str(source), "--out", str(index.parent / "out"), "--index",
                str(index), "--verbose")
    assert built.exit_code == 0, built.output
    assert_shown_not_acted_on(built.stdout + built.stderr)
    for args in (("list",), ("search", "herons"), ("show", "escapes"),
                 ("related", "plain"), ("stats",)):
        result = run(*args, "--index", str(index))
        assert result.exit_code == 0, (args, result.output)
        assert_shown_not_acted_on(result.stdout + result.stderr)
    checked = run("check", str(source))
    assert_shown_not_acted_on(checked.stdout + checked.stderr)
    inspected = run("inspect", str(source / "escapes.md"))
    assert_shown_not_acted_on(inspected.stdout)


def test_json_output_keeps_the_strings_as_they_are(archive):
    source, index = archive
    run("build", str(source), "--out", str(index.parent / "out"), "--index", str(index))
    shown = json.loads(run("show", "escapes", "--index", str(index), "--json").stdout)
    assert shown["title"] == f"Herons {CLEAR} at dusk {CSI}"
    assert shown["tags"] == [f"grief{TITLE_SET}", f"rest{REORDER}"]


def test_visible_keeps_lines_only_where_asked():
    assert visible("a\tb\nc") == "a\\x09b\\x0ac"
    assert visible("a\tb\nc", lines=True) == "a\tb\nc"
    assert visible("café — ok") == "café — ok"
