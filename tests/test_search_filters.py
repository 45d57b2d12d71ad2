"""Search filters, dates and sorting, and builds and searches that overlap; with guards
against known faults of Whoosh 2.7.4."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime

import pytest
from click.testing import CliRunner

from feedsearch import index, locking
from feedsearch.build import BuildError, build
from feedsearch.cli import cli
from feedsearch.search import SearchError, search
from feedsearch.search_query import Filters, QueryError, date_bounds
from tests.conftest import build_options


def _slugs(results):
    return [hit.slug for hit in results.results]


def _years(results):
    return [hit.date[:4] for hit in results.results]


def test_date_of_a_year_month_and_day(built):
    assert sorted(_years(search(built.index, "date:2019", limit=50))) == ["2019"] * 4
    assert _slugs(search(built.index, "date:2019-11")) == ["what-my-father-left-behind"]
    assert _slugs(search(built.index, "date:2019-11-02")) == ["what-my-father-left-behind"]
    assert search(built.index, "date:2019-11-03").total == 0


def test_open_date_ranges_do_not_match_everything(built):
    # Whoosh 2.7.4 matches every document for a range with an open bound.
    everything = search(built.index, "help", limit=50).total
    later = search(built.index, "help date:[2022 to]", limit=50)
    earlier = search(built.index, "help date:[to 2016]", limit=50)
    assert 0 < later.total < everything and 0 < earlier.total < everything
    assert all(year >= "2022" for year in _years(later))
    assert all(year <= "2016" for year in _years(earlier))
    both = search(built.index, "date:[2018 to 2019]", limit=50)
    assert both.total == 7 and set(_years(both)) == {"2018", "2019"}


def test_filters_narrow_without_a_query(built):
    tagged = search(built.index, filters=Filters(tags=["grief"], since="2020"), limit=50)
    assert set(_slugs(tagged)) == {"the-second-year-of-grief", "grieving-a-parent-while-parenting",
                                   "how-to-sit-with-a-grieving-friend"}
    guest = search(built.index, filters=Filters(authors=["Daniel Okafor"]))
    assert _slugs(guest) == ["therapy-is-not-only-for-crises"]
    until = search(built.index, "help", filters=Filters(until="2016-12"), limit=50)
    assert set(_years(until)) == {"2016"}


def test_sort_by_date_puts_newest_first_and_undated_last(built):
    results = search(built.index, "help", sort="date", limit=50)
    dates = [hit.date for hit in results.results]
    assert dates[-1] is None and None not in dates[:-1]
    parsed = [datetime.fromisoformat(d) for d in dates[:-1]]
    assert parsed == sorted(parsed, reverse=True)


def test_bad_dates_and_sorts_are_clear_errors(built):
    with pytest.raises(QueryError, match="not a date"):
        search(built.index, "date:2019-13")
    with pytest.raises(QueryError, match="empty"):
        search(built.index, "date:[2020 to 2019]")
    with pytest.raises(SearchError, match="unknown sort"):
        search(built.index, "grief", sort="title")
    with pytest.raises(SearchError, match="empty"):
        search(built.index, "   ")
    assert date_bounds("2020-02") == (datetime(2020, 2, 1), datetime(2020, 2, 29, 23, 59, 59))


def test_suggestions_work_beside_date_fields(built):
    # Whoosh's correct_query stems the query and raises on schemas with date fields.
    assert search(built.index, "burnot date:2018").suggestion == "burnout date:2018"


def test_cli_filter_flags(built):
    runner = CliRunner()
    result = runner.invoke(cli, ["search", "--index", str(built.index), "--tag", "grief",
                                 "--since", "2021", "--sort", "date", "--json"])
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.stdout)
    assert [r["slug"] for r in data["results"]] == ["the-second-year-of-grief",
                                                    "grieving-a-parent-while-parenting"]
    bad = runner.invoke(cli, ["search", "--index", str(built.index), "--since", "2020-13"])
    assert bad.exit_code == 1 and "not a date" in bad.stderr
    empty = runner.invoke(cli, ["search", "--index", str(built.index)])
    assert empty.exit_code == 2


def _hold_lock(path, seconds: float | None) -> subprocess.Popen:
    """Another process that holds the build lock, as a running build does: for ``seconds``,
    or (None) until its standard input is closed."""
    wait = "sys.stdin.read()" if seconds is None else f"time.sleep({seconds})"
    code = ("import sys, time\n"
            "from pathlib import Path\n"
            "from feedsearch import locking\n"
            "with locking.exclusive(Path(sys.argv[1]), 5):\n"
            "    print('held', flush=True)\n"
            f"    {wait}\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(path)],
                              stdin=subprocess.PIPE if seconds is None else None,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_build_waits_then_names_the_lock(built, tmp_path):
    options = build_options(built.source, tmp_path, index=built.index, lock_timeout=0.3)
    holder = _hold_lock(built.index / locking.LOCK_NAME, None)
    try:
        started = time.monotonic()
        with pytest.raises(BuildError, match="build.lock"):
            build(options)
        assert 0.25 <= time.monotonic() - started < 2.5
        # A search during the build answers from the last commit.
        assert search(built.index, '"glass choir"').total == 1
    finally:
        holder.stdin.close()  # the lock is let go
        holder.wait(timeout=10)


def test_a_second_build_that_waits_long_enough_runs(built, tmp_path):
    options = build_options(built.source, tmp_path, index=built.index, lock_timeout=10)
    holder = _hold_lock(built.index / locking.LOCK_NAME, 0.5)
    try:
        report = build(options)
        assert report.documents == 27
    finally:
        holder.wait(timeout=10)


def test_whoosh_writers_wait_only_when_given_a_timeout(tmp_path, built):
    # Whoosh raises LockError at once for a second writer unless given a timeout; the index
    # module always passes one.
    from whoosh.index import LockError

    work = tmp_path / "copy"
    build(build_options(built.source, work))
    ix = index.open_index(work / "index")
    writer = ix.writer()
    try:
        with pytest.raises(LockError):
            ix.writer()
        started = time.monotonic()
        with pytest.raises(LockError):
            index.IndexUpdate(work / "index", lock_timeout=0.4).remove(["x.md"])
        assert time.monotonic() - started >= 0.35
    finally:
        writer.cancel()


def test_the_archive_language_chooses_the_stemmer(tmp_path):
    source = tmp_path / "essays"
    source.mkdir()
    (source / "haus.md").write_text("---\ntitle: Zuhause\ndate: 2020-01-01\n---\n\n"
                                    "Die Kinder spielten lange in den alten Häusern.\n")
    (source / "see.md").write_text("---\ntitle: Am See\ndate: 2020-01-02\n---\n\n"
                                   "Wir schwammen im kalten Wasser des Sees.\n")
    german = build_options(source, tmp_path / "de", language="de")
    build(german)
    # German stemming: "Haus" finds "Häusern", "Kind" finds "Kinder".
    assert _slugs(search(german.index, "Haus Kind")) == ["haus"]
    english = build_options(source, tmp_path / "en")
    build(english)
    assert search(english.index, "Haus").total == 0
    assert _slugs(search(german.index, "Haus")) == ["haus"]


def test_an_index_from_an_older_schema_asks_for_a_rebuild(tmp_path):
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, TEXT, Schema

    folder = tmp_path / "index" / "whoosh"
    folder.mkdir(parents=True)
    old = whoosh_index.create_in(str(folder), Schema(slug=ID(stored=True), body=TEXT))
    writer = old.writer()
    writer.add_document(slug="a", body="grief")
    writer.commit()
    with pytest.raises(SearchError, match="older feedsearch: run feedsearch build again"):
        search(tmp_path / "index", "grief")
