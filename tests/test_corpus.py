"""read_corpus(): walking an archive, one warning per bad file, drafts, slugs, reuse."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import pytest

from feedsearch.corpus import (
    CorpusRead,
    FileWarning,
    iter_source_files,
    read_corpus,
    read_file,
    walk_sources,
)
from feedsearch.readers import ReadError

GOOD = {
    "2020-01-01-alpha.md": "---\ntitle: Alpha\n---\nAlpha is a good essay.\n",
    "beta.md": "+++\ntitle = \"Beta\"\ndate = 2020-02-02\n+++\nBeta is a good essay.\n",
    "dup-one.md": "---\ntitle: Dup One\ndate: 2020-03-03\nslug: shared\n---\nFirst of two.\n",
    "dup-two.md": "---\ntitle: Dup Two\ndate: 2020-03-04\nslug: shared\n---\nSecond of two.\n",
    "page.html": ("<html><head><title>Page Essay</title>"
                  "<meta property=\"article:published_time\" content=\"2020-04-04\"></head>"
                  "<body><article><p>The page essay body.</p></article></body></html>"),
    "notes/2019-05-05-gamma.txt": "Gamma\n\nGamma is a plain-text essay.\n",
}
LATIN = "2018-03-03-latin.txt"
BAD = {
    "empty.md": (b"", "empty file"),
    "binary.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    "broken.md": (b"---\ntitle: [unclosed\ndate: 2020-01-01\n---\nBody.\n", "YAML"),
}
DRAFT = "draft.md"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    for name, text in GOOD.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / LATIN).write_bytes(b"Caf\xe9 Notes\n\nA \x93quoted\x94 caf\xe9 essay in cp1252.\n")
    for name, (data, _) in BAD.items():
        (root / name).write_bytes(data)
    (root / DRAFT).write_text("---\ntitle: Draft\ndate: 2020-06-06\ndraft: true\n---\nNot yet.\n",
                              encoding="utf-8")
    (root / "report.xlsx").write_bytes(b"PK\x03\x04\x00\x00 not a reader format")
    (root / ".hidden.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "config.md").write_bytes(b"")
    (root / ".cache" / "deep").mkdir(parents=True)
    (root / ".cache" / "deep" / "essay.md").write_text("# Hidden\n\nHidden essay.\n",
                                                        encoding="utf-8")
    (root / "public").mkdir()
    (root / "public" / "bad.md").write_bytes(b"")
    (root / "public" / "good.md").write_text("# Public\n\nBuilt output.\n", encoding="utf-8")
    return root


def read(root: Path, **options) -> CorpusRead:
    return read_corpus(root, exclude=(root / "public",), **options)


def warnings_by_source(result: CorpusRead) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for warning in result.warnings:
        found.setdefault(warning.source, []).append(warning.reason)
    return found


# --- a mixed archive ------------------------------------------------------------------------

def test_one_warning_per_bad_file_naming_file_and_reason(archive: Path) -> None:
    result = read(archive)
    found = warnings_by_source(result)
    assert set(found) == {*BAD, "dup-two.md"}
    for name, (_, reason) in BAD.items():
        assert len(found[name]) == 1, found[name]
        assert reason in found[name][0]
    assert result.skipped == len(BAD)
    assert all(isinstance(w, FileWarning) for w in result.warnings)
    broken = next(w for w in result.warnings if w.source == "broken.md")
    assert str(broken).startswith("broken.md: ")
    assert "YAML" in str(broken)


def test_good_files_are_all_read(archive: Path) -> None:
    result = read(archive)
    sources = {d.source for d in result.documents}
    assert sources == {*GOOD, LATIN}
    titles = {d.source: d.title for d in result.documents}
    assert titles["2020-01-01-alpha.md"] == "Alpha"
    assert titles["beta.md"] == "Beta"
    assert titles["page.html"] == "Page Essay"
    assert titles["notes/2019-05-05-gamma.txt"] == "Gamma"
    dates = {d.source: d.date for d in result.documents}
    assert dates["2020-01-01-alpha.md"] == datetime(2020, 1, 1, tzinfo=UTC)
    assert dates["notes/2019-05-05-gamma.txt"] == datetime(2019, 5, 5, tzinfo=UTC)
    assert all(d.content_hash for d in result.documents)


def test_latin_text_file_is_decoded_not_skipped(archive: Path) -> None:
    result = read(archive)
    latin = next(d for d in result.documents if d.source == LATIN)
    assert latin.title == "Café Notes"
    assert latin.text == "A “quoted” café essay in cp1252."
    assert LATIN not in warnings_by_source(result)


def test_unknown_extension_hidden_and_excluded_are_ignored(archive: Path) -> None:
    result = read(archive)
    seen = {d.source for d in result.documents} | {w.source for w in result.warnings}
    assert "report.xlsx" not in seen
    assert not any(s.startswith(".") or "/." in s for s in seen)
    assert not any(s.startswith("public/") for s in seen)
    walked = [p.relative_to(archive).as_posix()
              for p in iter_source_files(archive, (archive / "public",))]
    assert "report.xlsx" not in walked
    assert ".hidden.md" not in walked
    assert ".git/config.md" not in walked
    assert ".cache/deep/essay.md" not in walked
    assert "public/good.md" not in walked and "public/bad.md" not in walked
    assert "notes/2019-05-05-gamma.txt" in walked


def test_exclude_is_needed_to_leave_a_folder_out(archive: Path) -> None:
    result = read_corpus(archive)
    sources = {d.source for d in result.documents}
    assert "public/good.md" in sources
    assert "public/bad.md" in warnings_by_source(result)


def test_drafts_are_counted_and_left_out(archive: Path) -> None:
    result = read(archive)
    assert result.drafts == 1
    assert DRAFT not in {d.source for d in result.documents}
    assert DRAFT not in warnings_by_source(result)


def test_drafts_included_on_request(archive: Path) -> None:
    result = read(archive, include_drafts=True)
    assert result.drafts == 0
    draft = next(d for d in result.documents if d.source == DRAFT)
    assert draft.draft is True
    assert draft.title == "Draft"
    assert len(result.documents) == len(GOOD) + 2


def test_duplicate_slug_gets_suffix_and_warning(archive: Path) -> None:
    result = read(archive)
    slugs = {d.source: d.slug for d in result.documents}
    assert slugs["dup-one.md"] == "shared"
    assert slugs["dup-two.md"] == "shared-2"
    [reason] = warnings_by_source(result)["dup-two.md"]
    assert "shared" in reason and "dup-one.md" in reason and "shared-2" in reason
    assert len(set(slugs.values())) == len(slugs)


def test_third_duplicate_gets_suffix_3(archive: Path) -> None:
    (archive / "dup-three.md").write_text(
        "---\ntitle: Dup Three\ndate: 2020-03-05\nslug: shared\n---\nThird.\n", encoding="utf-8")
    slugs = {d.source: d.slug for d in read(archive).documents}
    assert [slugs["dup-one.md"], slugs["dup-three.md"], slugs["dup-two.md"]] == [
        "shared", "shared-2", "shared-3"]


def test_order_is_sorted_and_stable(archive: Path) -> None:
    first = [d.source for d in read(archive).documents]
    second = [d.source for d in read(archive).documents]
    assert first == second
    walked = [p.relative_to(archive).as_posix()
              for p in iter_source_files(archive, (archive / "public",))]
    assert first == [s for s in walked if s in set(first)]
    by_folder: dict[str, list[str]] = {}
    for source in first:
        path = PurePosixPath(source)
        by_folder.setdefault(str(path.parent), []).append(path.name)
    for names in by_folder.values():
        assert names == sorted(names)
    assert by_folder["."] == sorted(n for n in [*GOOD, LATIN] if "/" not in n)


def test_max_bytes_skips_big_file_with_warning(archive: Path) -> None:
    big = archive / "big.md"
    big.write_text("---\ntitle: Big\ndate: 2020-07-07\n---\n" + "word " * 2000,
                   encoding="utf-8")
    assert big.stat().st_size > 5000
    result = read(archive, max_bytes=5000)
    assert "big.md" not in {d.source for d in result.documents}
    [reason] = warnings_by_source(result)["big.md"]
    assert "limit" in reason
    assert result.skipped == len(BAD) + 1
    assert {d.source for d in result.documents} == {*GOOD, LATIN}


def test_max_bytes_default_reads_big_file(archive: Path) -> None:
    (archive / "big.md").write_text("---\ntitle: Big\ndate: 2020-07-07\n---\n" + "word " * 2000,
                                    encoding="utf-8")
    assert "big.md" in {d.source for d in read(archive).documents}


def test_read_file_and_its_errors(archive: Path) -> None:
    document, warnings = read_file(archive / "2020-01-01-alpha.md", "2020-01-01-alpha.md")
    assert document.title == "Alpha"
    assert warnings == []
    with pytest.raises(ReadError) as caught:
        read_file(archive / "empty.md", "empty.md")
    assert str(caught.value) == "empty file"
    with pytest.raises(ReadError) as missing:
        read_file(archive / "missing.md", "missing.md")
    assert "cannot read" in str(missing.value)


# --- reuse of known documents ---------------------------------------------------------------

def test_known_document_with_same_hash_is_reused(tmp_path: Path) -> None:
    root = tmp_path / "essays"
    root.mkdir()
    (root / "a.md").write_text("---\ntitle: A\ndate: 2020-01-01\n---\nText a.\n", encoding="utf-8")
    (root / "b.md").write_text("---\ntitle: B\ndate: 2020-01-02\n---\nText b.\n", encoding="utf-8")
    first = read_corpus(root)
    assert first.reused == 0
    known = {d.source: d for d in first.documents}

    (root / "b.md").write_text("---\ntitle: B changed\ndate: 2020-01-02\n---\nNew text.\n",
                               encoding="utf-8")
    second = read_corpus(root, known=known)
    assert second.reused == 1
    by_source = {d.source: d for d in second.documents}
    assert by_source["a.md"] is known["a.md"]
    assert by_source["b.md"] is not known["b.md"]
    assert by_source["b.md"].title == "B changed"
    assert by_source["b.md"].text == "New text."
    assert by_source["b.md"].content_hash != known["b.md"].content_hash


def test_known_document_is_not_used_for_a_different_path(tmp_path: Path) -> None:
    root = tmp_path / "essays"
    root.mkdir()
    (root / "a.md").write_text("---\ntitle: A\ndate: 2020-01-01\n---\nText a.\n", encoding="utf-8")
    first = read_corpus(root)
    (root / "a.md").rename(root / "renamed.md")
    second = read_corpus(root, known={d.source: d for d in first.documents})
    assert second.reused == 0
    assert [d.source for d in second.documents] == ["renamed.md"]


def test_reused_document_still_reports_its_warnings(tmp_path: Path) -> None:
    root = tmp_path / "essays"
    root.mkdir()
    (root / "undated.md").write_text("# Undated\n\nNo date anywhere.\n", encoding="utf-8")
    first = read_corpus(root)
    assert [w.source for w in first.warnings] == ["undated.md"]
    second = read_corpus(root, known={d.source: d for d in first.documents})
    assert second.reused == 1
    assert [(w.source, w.reason) for w in second.warnings] == [
        (w.source, w.reason) for w in first.warnings]


def test_reused_document_loses_duplicate_suffix_when_duplicate_is_gone(tmp_path: Path) -> None:
    root = tmp_path / "essays"
    root.mkdir()
    (root / "a.md").write_text("---\ntitle: A\ndate: 2020-01-01\nslug: same\n---\nText a.\n",
                               encoding="utf-8")
    (root / "b.md").write_text("---\ntitle: B\ndate: 2020-01-02\nslug: same\n---\nText b.\n",
                               encoding="utf-8")
    first = read_corpus(root)
    assert [d.slug for d in first.documents] == ["same", "same-2"]
    known = {d.source: d for d in first.documents}

    (root / "a.md").unlink()
    second = read_corpus(root, known=known)
    assert second.reused == 1
    assert [d.source for d in second.documents] == ["b.md"]
    # b.md's own slug is "same"; "-2" was only there because a.md held "same".
    assert second.documents[0].slug == "same"
    assert second.warnings == []


# --- the sample archive ---------------------------------------------------------------------

def test_sample_archive(corpus_dir: Path) -> None:
    result = read_corpus(corpus_dir)
    assert len(result.documents) == 27
    assert result.skipped == 0
    assert result.drafts == 5  # one draft post in each export that has drafts
    assert len(result.warnings) == 1
    [warning] = result.warnings
    assert warning.source == "when-your-teenager-stops-talking.md"
    assert "no date" in warning.reason
    slugs = [d.slug for d in result.documents]
    assert len(set(slugs)) == len(slugs)
    for document in result.documents:
        source, _, post = document.source.partition("#")  # an export file's post: <file>#<slug>
        assert post in ("", document.slug)
        assert "\\" not in source
        assert not source.startswith(("/", "./"))
        assert not PurePosixPath(source).is_absolute()
        assert ".." not in PurePosixPath(source).parts
        assert (corpus_dir / source).is_file()
    sources = {d.source for d in result.documents}
    assert "exports/squarespace/how-to-sit-with-a-grieving-friend.html" in sources
    assert "exports/wordpress/the-sunday-scaries.html" in sources
    assert "2019-11-02-what-my-father-left-behind.txt" in sources
    assert "exports/newsletter/feed.xml#the-quiet-house" in sources
    assert ("exports/wordpress/marenholt.WordPress.2026-11-20.xml#going-home-as-a-grown-up"
            in sources)


def test_an_impossible_yaml_date_drops_only_the_date(tmp_path: Path) -> None:
    root = tmp_path / "essays"
    root.mkdir()
    (root / "2020-05-06-x.md").write_text("---\ntitle: X\ndate: 2021-02-30\n---\n\nWords.\n",
                                          encoding="utf-8")
    result = read_corpus(root)
    assert [d.date.date().isoformat() for d in result.documents] == ["2020-05-06"]
    assert [w.reason for w in result.warnings] == ["not a date: '2021-02-30'; ignored"]


def test_a_symbolic_link_out_of_the_archive_is_not_read(tmp_path: Path) -> None:
    root = tmp_path / "essays"
    root.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret\n\nNot for publishing.\n", encoding="utf-8")
    (root / "leak.txt").symlink_to(secret)
    (root / "a.md").write_text("---\ntitle: A\ndate: 2020-01-01\n---\n\nWords.\n",
                               encoding="utf-8")
    result = read_corpus(root)
    assert [d.source for d in result.documents] == ["a.md"]
    assert [(w.source, w.reason) for w in result.warnings] == [
        ("leak.txt", "a symbolic link to a file outside the archive; not read")]


def test_documents_no_reader_takes_are_named_with_what_to_do(tmp_path):
    source = tmp_path / "essays"
    source.mkdir()
    (source / "kept.md").write_text("---\ntitle: Kept\ndate: 2020-01-01\n---\n\nText.\n")
    for name in ("draft.pdf", "old.DOC", "letter.rtf", "book.epub", "notes.odt"):
        (source / name).write_bytes(b"%not an essay\n")
    (source / "Essay.pages").mkdir()  # a Pages document is a folder on a Mac
    (source / "Essay.pages" / "index.xml").write_text("<x/>")
    (source / "photo.jpg").write_bytes(b"\xff\xd8")  # not a document: left out unsaid
    result = read_corpus(source)
    assert [d.slug for d in result.documents] == ["kept"]
    reasons = {w.source: w.reason for w in result.warnings}
    assert set(reasons) == {"draft.pdf", "old.DOC", "letter.rtf", "book.epub", "notes.odt",
                            "Essay.pages"}
    assert reasons["draft.pdf"] == ("not read: a PDF; save it as Markdown (.md), HTML, "
                                    "plain text (.txt) or Word (.docx) to include it")
    assert reasons["Essay.pages"].startswith("not read: a Pages document;")


def test_walk_order_links_and_paths(tmp_path: Path) -> None:
    """A folder's files by name, then its folders by name, depth first; a symlinked folder
    is not walked, a symlinked file is flagged; each source path is the file's path in the
    archive."""
    for name in ["b.md", "a/z.md", "a/b/y.md", "a/a.md", "c/x.txt", "a/doc.pages/index.xml",
                 "a/b/.hidden.md", "_site/out.md"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "linked").symlink_to(tmp_path / "c", target_is_directory=True)
    (tmp_path / "a" / "link.md").symlink_to(tmp_path / "b.md")
    walked = list(walk_sources(tmp_path))
    assert [s.relpath for s in walked] == [
        "b.md", "a/a.md", "a/doc.pages", "a/link.md", "a/z.md", "a/b/y.md", "c/x.txt"]
    assert [s.relpath for s in walked if s.link] == ["a/link.md"]
    assert all(Path(s.location) == tmp_path / s.relpath for s in walked)
    assert list(iter_source_files(tmp_path)) == [tmp_path / s.relpath for s in walked]
