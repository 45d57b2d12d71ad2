"""The related map in a site's data folder (``--data-dir``): keyed by each essay's path,
written atomically, and the folder's other files (the writer's own) never replaced or
removed, through option changes and a data folder that moves."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from feedsearch.build import BuildError, build
from tests.conftest import BASE_URL, build_options


def keyed_by_path(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_a_plain_archive_gets_its_map_keyed_by_path(corpus_copy, tmp_path):
    data = tmp_path / "site" / "data"
    options = build_options(corpus_copy, tmp_path, data_dir=data)
    build(options)
    by_path = keyed_by_path(data / "related.json")
    by_slug = json.loads((options.out / "related.json").read_text())
    assert len(by_path) == len(by_slug) > 20
    assert "/asking-for-help/" in by_path
    slugs = {entry["slug"] for entry in by_slug["asking-for-help"]}
    assert {entry["slug"] for entry in by_path["/asking-for-help/"]} == slugs
    for entry in by_path["/asking-for-help/"]:
        assert entry["url"].startswith(BASE_URL) or entry["path"] != "/" + entry["slug"] + "/"
        assert entry["path"].startswith("/") and entry["path"].endswith("/")
    assert not (data / "related.yml").exists()


def test_the_writers_own_files_in_the_data_folder_are_left_alone(corpus_copy, tmp_path):
    data = tmp_path / "site" / "data"
    data.mkdir(parents=True)
    (data / "menus.json").write_text('{"main": ["home"]}\n')
    (data / "related.yml").write_text("mine: true\n")
    options = build_options(corpus_copy, tmp_path, data_dir=data)
    build(options)
    assert (data / "menus.json").read_text() == '{"main": ["home"]}\n'
    assert (data / "related.yml").read_text() == "mine: true\n"
    # Jekyll's format asked for later: related.yml is the writer's, so it is not replaced.
    report = build(build_options(corpus_copy, tmp_path, data_dir=data,
                                 related_formats=("jekyll",)))
    assert (data / "related.yml").read_text() == "mine: true\n"
    assert any("related.yml" in w.source and "not a file feedsearch wrote" in w.reason
               for w in report.warnings)


def test_a_related_json_of_the_writers_is_never_replaced(corpus_copy, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "related.json").write_text('{"hand": "made"}\n')
    report = build(build_options(corpus_copy, tmp_path, data_dir=data))
    assert (data / "related.json").read_text() == '{"hand": "made"}\n'
    assert any("not a file feedsearch wrote" in w.reason for w in report.warnings)
    build(build_options(corpus_copy, tmp_path, data_dir=data))  # and not on the next build
    assert (data / "related.json").read_text() == '{"hand": "made"}\n'


def test_a_file_it_wrote_and_writes_no_more_is_removed(corpus_copy, tmp_path):
    data = tmp_path / "data"
    build(build_options(corpus_copy, tmp_path, data_dir=data, related_formats=("jekyll",)))
    assert yaml.safe_load((data / "related.yml").read_text())["/asking-for-help/"]
    build(build_options(corpus_copy, tmp_path, data_dir=data))
    assert not (data / "related.yml").exists() and (data / "related.json").is_file()


def test_files_are_removed_only_from_the_folder_they_were_written_to(corpus_copy, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    build(build_options(corpus_copy, tmp_path, data_dir=first, related_formats=("jekyll",)))
    second.mkdir()
    (second / "related.yml").write_text("the writer's\n")
    build(build_options(corpus_copy, tmp_path, data_dir=second))
    assert (second / "related.json").is_file()
    assert (second / "related.yml").read_text() == "the writer's\n"
    assert (first / "related.yml").is_file()  # a folder given up is left as it is
    build(build_options(corpus_copy, tmp_path, data_dir=second, related_formats=("jekyll",)))
    assert (second / "related.yml").read_text() == "the writer's\n"


def test_a_data_folder_inside_the_source_is_not_read(corpus_copy, tmp_path):
    data = corpus_copy / "data"
    options = build_options(corpus_copy, tmp_path, data_dir=data)
    first = build(options)
    second = build(options)
    assert (data / "related.json").is_file()
    assert first.documents == second.documents and second.added == 0


def test_a_data_folder_inside_the_index_is_refused(corpus_copy, tmp_path):
    with pytest.raises(BuildError, match="--data-dir cannot be the index folder"):
        build(build_options(corpus_copy, tmp_path, data_dir=tmp_path / "index" / "data"))
    result = subprocess.run([sys.executable, "-m", "feedsearch", "build", str(corpus_copy),
                             "--out", str(tmp_path / "out"), "--index", str(tmp_path / "idx"),
                             "--data-dir", str(tmp_path / "idx")],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: --data-dir cannot be the index folder or inside it"]
