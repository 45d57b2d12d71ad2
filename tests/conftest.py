"""Shared fixtures: the sample archive, and one real build of it per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from feedsearch.build import BuildOptions, build

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
BASE_URL = "https://marenholt.example/"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


def build_options(source: Path, work: Path, **overrides) -> BuildOptions:
    options = dict(source=source, out=work / "public", index=work / "index", base_url=BASE_URL,
                   title="Maren Holt: Essays", author="Maren J. Holt")
    options.update(overrides)
    return BuildOptions(**options)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> BuildOptions:
    """The sample archive built once, read-only for the tests that use it."""
    work = tmp_path_factory.mktemp("built")
    options = build_options(CORPUS, work)
    build(options)
    return options


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A private copy of the sample archive that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target
