"""The README's examples, run for real, so that what it shows stays true.

Every ```console block is run in order in one folder holding a copy of corpus/: each line
starting with "$ " is a shell command, the lines after it its expected output (stdout and
stderr together). A line "..." stands for any number of lines, "..." inside a line for any
text; durations like 0.73s are compared as numbers of any value.

With FEEDSEARCH_UPDATE_README=1 the blocks without "..." are rewritten with the real output
(read the diff before committing it); blocks with "..." are still only compared.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_BLOCK = re.compile(r"```console\n(.*?)```", re.S)
_SECONDS = re.compile(r"\b\d+\.\d+s\b")


def readme_examples() -> list[tuple[str, str]]:
    examples = []
    for block in _BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8")):
        command, expected = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    examples.append((command, "\n".join(expected)))
                command, expected = line[2:], []
            else:
                expected.append(line)
        if command is not None:
            examples.append((command, "\n".join(expected)))
    return examples


def _normalise(text: str) -> list[str]:
    return [_SECONDS.sub("<seconds>", line.rstrip()) for line in text.strip("\n").splitlines()]


def _pattern(expected: str) -> re.Pattern:
    parts = []
    for line in _normalise(expected):
        if line == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*".join(re.escape(piece) for piece in line.split("...")) + r"\n")
    return re.compile("".join(parts))


def test_readme_has_examples_of_every_command():
    commands = {command.split()[1] for command, _ in readme_examples()}
    assert {"build", "search", "related", "list", "show", "stats", "export", "inspect",
            "check", "init"} <= commands


def test_readme_examples_give_the_output_shown(tmp_path):
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    env = dict(os.environ, PYTHONUNBUFFERED="1", NO_COLOR="1",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("COLUMNS", None)  # the examples show output to a pipe: snippets on one line
    updating = os.environ.get("FEEDSEARCH_UPDATE_README") == "1"
    outputs = {}
    for command, expected in readme_examples():
        result = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, timeout=120,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        outputs[command] = result.stdout
        actual = "\n".join(_normalise(result.stdout)) + "\n"
        if updating and "..." not in expected:
            continue
        if not _pattern(expected).fullmatch(actual):
            pytest.fail(f"README example differs: $ {command}\n--- expected\n{expected}\n"
                        f"--- actual\n{actual}")
    if updating:
        _rewrite_readme(outputs)


def _rewrite_readme(outputs: dict[str, str]) -> None:
    readme = ROOT / "README.md"

    def block(match: re.Match) -> str:
        lines = match.group(1).splitlines()
        if any("..." in line for line in lines if not line.startswith("$ ")):
            return match.group(0)
        rebuilt = []
        for line in lines:
            if line.startswith("$ "):
                rebuilt.append(line)
                rebuilt.extend(outputs[line[2:]].rstrip("\n").splitlines())
        return "```console\n" + "\n".join(rebuilt) + "\n```"

    readme.write_text(_BLOCK.sub(block, readme.read_text(encoding="utf-8")), encoding="utf-8")
