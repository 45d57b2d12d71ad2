"""The three seams: a new reader, a new output, a new setting each land in one place; the
library functions behind the reading commands; what a build removes from OUT."""

from __future__ import annotations

import json
import tomllib
from dataclasses import fields
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedsearch import essays
from feedsearch.build import build
from feedsearch.cli import cli
from feedsearch.config import config_keys, render_template
from feedsearch.model import Document
from feedsearch.readers import Entry, InputFile, Reader, ReadError, registry
from feedsearch.readers.base import content_hash
from feedsearch.settings import BuildOptions, RelatedOptions, build_settings
from tests.conftest import BASE_URL, build_options

# --- a reader of a new kind of file of many essays, written as a plugin would be ------------


def _post(line: str, source: str, digest: str) -> Document:
    record = json.loads(line)
    if not record.get("title"):
        raise ReadError("no title")
    return Document(slug=record["slug"], title=record["title"], source=source,
                    text=record["text"], html=f"<p>{record['text']}</p>",
                    content_hash=digest, base_slug=record["slug"])


class JsonLinesReader(Reader):
    """One JSON object per line, each a post; ``"status": "draft"`` lines are left out."""

    extensions = (".jsonl",)
    container = "jsonl"
    kind, label = "jsonl", "JSON Lines file"

    @classmethod
    def accepts(cls, head) -> bool:
        return True

    def entries(self, file: InputFile):
        for line in file.path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record.get("status") == "draft":
                yield Entry(left_out="draft")
                continue
            digest = content_hash(line.encode())
            source = f"{file.relpath}#{record['slug']}"
            yield Entry(record["slug"], digest, partial(_post, line, source, digest))


@pytest.fixture
def jsonl_reader():
    registry.register(JsonLinesReader)
    yield
    registry._BY_CONTAINER.pop("jsonl")
    registry._CONTAINERS.pop(".jsonl")


def _jsonl(path: Path, posts: list[dict]) -> None:
    path.write_text("".join(json.dumps(p) + "\n" for p in posts), encoding="utf-8")


POSTS = [{"slug": "herons", "title": "Herons", "text": "Herons stand in the shallows."},
         {"slug": "kettle", "title": "The Kettle", "text": "The kettle sang at dawn."},
         {"slug": "later", "title": "Later", "text": "Not yet.", "status": "draft"}]


def test_a_new_file_of_many_essays_needs_only_its_reader(jsonl_reader, tmp_path):
    source = tmp_path / "essays"
    source.mkdir()
    _jsonl(source / "posts.jsonl", POSTS)
    options = build_options(source, tmp_path, workers=0)
    report = build(options)
    assert report.documents == 2, report.warnings
    assert "posts.jsonl: JSON Lines file: 2 essays; left out 1 draft" in report.notes
    assert {d.source for d in essays.list_essays(options.index)} == {
        "posts.jsonl#herons", "posts.jsonl#kettle"}

    edited = [dict(POSTS[0], text="Herons stand in the shallows at dusk."), *POSTS[1:]]
    _jsonl(source / "posts.jsonl", edited)
    again = build(options)
    assert (again.updated, again.unchanged) == (1, 1)
    assert "at dusk" in essays.get_essay(options.index, "herons").text


def test_a_broken_post_in_a_file_of_many_is_one_warning(jsonl_reader, tmp_path):
    source = tmp_path / "essays"
    source.mkdir()
    _jsonl(source / "posts.jsonl", [POSTS[0], {"slug": "untitled", "title": "", "text": "x"}])
    report = build(build_options(source, tmp_path, workers=0))
    assert report.documents == 1
    assert [str(w) for w in report.warnings if w.source == "posts.jsonl"] == [
        "posts.jsonl: post 'untitled': no title"]


def test_xml_readers_are_asked_the_most_particular_first():
    kinds = [reader.kind for reader in registry.container_readers("xml")]
    assert kinds == ["wxr", "blogger", "rss", "atom"]  # a Blogger export is an Atom file too


def test_an_xml_file_no_reader_takes_says_which_it_could_be(tmp_path):
    path = tmp_path / "sitemap.xml"
    path.write_text('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>',
                    encoding="utf-8")
    with pytest.raises(ReadError) as raised:
        registry.reader_for_file(path, "sitemap.xml")
    message = str(raised.value)
    assert "<urlset>" in message
    assert all(label in message for label in ("WordPress export", "RSS feed", "Atom feed"))


# --- outputs: the sitemap, added as one file ------------------------------------------------

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _sitemap_urls(path: Path) -> dict[str, str | None]:
    from lxml import etree

    root = etree.fromstring(path.read_bytes())
    return {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
            for url in root.iter(f"{SITEMAP}url")}


def test_the_sitemap_lists_each_essay_under_the_base_url(corpus_dir, tmp_path):
    options = build_options(corpus_dir, tmp_path, sitemap=True)
    report = build(options)
    urls = _sitemap_urls(options.out / "sitemap.xml")
    published = essays.list_essays(options.index)
    assert set(urls) == {d.url for d in published if d.url.startswith(BASE_URL)}
    elsewhere = [d for d in published if not d.url.startswith(BASE_URL)]
    assert elsewhere and len(urls) == report.documents - len(elsewhere)  # the newsletter's
    dated = next(d for d in published if d.date is not None and d.url in urls)
    assert urls[dated.url] == (dated.updated or dated.date).isoformat()
    assert options.out / "sitemap.xml" in report.outputs


def test_the_sitemap_leaves_out_urls_elsewhere_and_splits_past_the_limit(tmp_path,
                                                                          monkeypatch):
    from feedsearch.outputs import sitemap

    source = tmp_path / "essays"
    source.mkdir()
    for n in range(3):
        (source / f"e{n}.md").write_text(f"---\ntitle: E{n}\ndate: 2024-01-0{n + 1}\n---\n\n"
                                         f"Essay {n}.\n", encoding="utf-8")
    (source / "moved.md").write_text("---\ntitle: Moved\ncanonical_url: https://elsewhere."
                                     "example/moved/\n---\n\nElsewhere.\n", encoding="utf-8")
    monkeypatch.setattr(sitemap, "MAX_URLS", 2)
    options = build_options(source, tmp_path, sitemap=True)
    build(options)
    index = (options.out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<sitemapindex" in index and f"{BASE_URL}sitemaps/2.xml" in index
    parts = {**_sitemap_urls(options.out / "sitemaps/1.xml"),
             **_sitemap_urls(options.out / "sitemaps/2.xml")}
    assert sorted(parts) == [f"{BASE_URL}e{n}/" for n in range(3)]


def test_the_cli_summary_and_related_format_choices_come_from_the_registry(corpus_dir,
                                                                           tmp_path):
    result = CliRunner().invoke(cli, [
        "build", str(corpus_dir), "--out", str(tmp_path / "out"), "--index",
        str(tmp_path / "index"), "--sitemap", "--related-format", "jekyll"])
    assert result.exit_code == 0, result.output
    assert f"Sitemap: {tmp_path / 'out' / 'sitemap.xml'}" in result.stdout
    assert f"Data:    {tmp_path / 'out' / '_data' / 'related.yml'}" in result.stdout
    help_text = CliRunner().invoke(cli, ["build", "--help"]).stdout
    assert "[hugo|eleventy|jekyll]" in help_text and "OUT/_data/related.yml" in help_text


# --- what a build removes from OUT: only files its outputs recorded -------------------------


def test_files_outputs_no_longer_write_go_and_nothing_else(corpus_dir, tmp_path):
    options = build_options(corpus_dir, tmp_path, sitemap=True, related_formats=("hugo",))
    build(options)
    out = options.out
    planted = [out / "tags" / "grief" / "notes.txt", out / "data" / "mine.json",
               out / "tags" / "not-a-tag" / "feed.xml", out / "my-page.html"]
    for path in planted:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("the writer's own\n", encoding="utf-8")
    assert (out / "tags" / "therapy" / "atom.xml").is_file()

    options.tag_feeds = options.sitemap = False
    options.related_formats = ()
    build(options)
    assert not (out / "sitemap.xml").exists()
    assert not (out / "data" / "related.json").exists()
    assert not (out / "tags" / "therapy").exists()  # emptied, so removed
    assert not (out / "tags" / "grief" / "feed.xml").exists()
    assert all(path.read_text(encoding="utf-8") == "the writer's own\n" for path in planted)
    assert (out / "feed.xml").is_file() and (out / "related.json").is_file()


# --- one settings schema -------------------------------------------------------------------


def test_every_setting_is_a_flag_or_a_config_key_with_its_declared_default():
    specs = build_settings()
    assert all(spec.flag or spec.config for spec in specs)
    declared = {f.name for f in fields(BuildOptions)} | {f.name for f in fields(RelatedOptions)}
    assert {spec.name for spec in specs} <= declared
    help_text = CliRunner().invoke(cli, ["build", "--help"]).stdout
    for spec in specs:
        if spec.flag:
            assert spec.flag.split("/")[0] in help_text, spec.flag


def test_the_template_holds_every_config_key_and_reads_back_as_the_defaults(tmp_path):
    answers = {"title": "T", "base_url": "https://t.example/", "author": "A",
               "source": "essays"}
    text = render_template(**answers)
    data = tomllib.loads(text)
    for section, keys in config_keys().items():
        for key, spec in keys.items():
            line = f"{key} = "
            assert line in text, (section, key)
            if key in data.get(section, {}) and spec.example is None and \
                    spec.param not in answers:
                assert data[section][key] == spec.default, (section, key)
    path = tmp_path / "feedsearch.toml"
    path.write_text(text, encoding="utf-8")
    from feedsearch.config import load_config

    values = load_config(path).values
    options = BuildOptions.from_params(values)
    assert options.title == "T" and options.related.limit == RelatedOptions().limit
    assert options.feed_limit == BuildOptions().feed_limit


def test_a_config_value_of_the_wrong_type_names_the_key(tmp_path):
    from feedsearch.config import ConfigError, load_config

    path = tmp_path / "feedsearch.toml"
    path.write_text('[related]\ntext_weight = "much"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[related\] text_weight must be a number"):
        load_config(path)


# --- library functions behind the reading commands ------------------------------------------


def test_the_reading_commands_library_functions(built):
    index = built.index
    listed = essays.list_essays(index)
    assert len(listed) == 27
    assert [d.slug for d in essays.list_essays(index, tag="GRIEF")] == [
        d.slug for d in listed if "grief" in {t.casefold() for t in d.tags}]
    essay = essays.get_essay(index, "asking-for-help")
    assert essay.text
    related = essays.related_essays(index, "asking-for-help")
    assert related and all({"slug", "score", "shared_tags"} <= set(r) for r in related)
    records = list(essays.export_records(index))
    assert [r["slug"] for r in records] == [d.slug for d in listed]
    assert essays.archive_stats(index)["essays"] == 27
    with pytest.raises(essays.NoSuchEssay, match="no essay with slug 'nope'"):
        essays.get_essay(index, "nope")


def test_reading_an_index_that_is_not_there(tmp_path):
    for call in (essays.list_essays, essays.archive_stats, essays.export_records):
        with pytest.raises(essays.NoIndex, match="run feedsearch build first"):
            call(tmp_path / "none")


def test_inspect_file_reads_one_essay_or_each_post(corpus_dir):
    one = essays.inspect_file(corpus_dir / "asking-for-help.md")
    assert not one.many and [d.slug for d in one.documents] == ["asking-for-help"]
    feed = essays.inspect_file(corpus_dir / "exports" / "newsletter" / "feed.xml")
    assert feed.many and len(feed.documents) == 2
