"""The HTML reader: saved blog pages, their metadata precedence, and the body without furniture."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from feedsearch.model import Document
from feedsearch.readers import ReadError, reader_for
from feedsearch.readers.extract import parse_page
from feedsearch.readers.htmlmeta import article_element, page_meta

SQUARESPACE = "exports/squarespace/how-to-sit-with-a-grieving-friend.html"
WORDPRESS = "exports/wordpress/the-sunday-scaries.html"
EST = timezone(timedelta(hours=-5))

BODY = ("<p>The essay body has a first sentence that is long enough to count as prose.</p>"
        "<p>A second paragraph follows it.</p>")


def read_html(page: str | bytes, relpath: str = "page.html") -> tuple[Document, list[str]]:
    reader = reader_for(relpath)
    assert reader is not None
    warnings: list[str] = []
    data = page.encode("utf-8") if isinstance(page, str) else page
    return reader.read(data, relpath, warnings=warnings), warnings


def page(head: str = "", article: str = BODY, outside: str = "") -> str:
    return (f"<!doctype html><html><head><meta charset=\"utf-8\">{head}</head><body>"
            f"{outside}<article>{article}</article></body></html>")


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def og(prop: str, content: str) -> str:
    return f'<meta property="{prop}" content="{content}">'


@pytest.fixture(scope="module")
def squarespace(corpus_dir: Path) -> tuple[Document, list[str]]:
    return read_html((corpus_dir / SQUARESPACE).read_bytes(), SQUARESPACE)


@pytest.fixture(scope="module")
def wordpress(corpus_dir: Path) -> tuple[Document, list[str]]:
    return read_html((corpus_dir / WORDPRESS).read_bytes(), WORDPRESS)


def test_html_extensions_are_registered() -> None:
    for name in ("a.html", "a.htm", "A.HTML", "x/a.xhtml"):
        assert type(reader_for(name)).__name__ == "HTMLReader"


# --- Squarespace export ---------------------------------------------------------------------

def test_squarespace_metadata(squarespace: tuple[Document, list[str]]) -> None:
    document, warnings = squarespace
    assert document.title == "How to Sit With a Grieving Friend"
    assert document.date == datetime(2020, 11, 19, 8, 15, tzinfo=EST)
    assert document.date.isoformat() == "2020-11-19T08:15:00-05:00"
    assert document.updated == datetime(2020, 12, 2, 16, 40, tzinfo=EST)
    assert document.updated.isoformat() == "2020-12-02T16:40:00-05:00"
    assert document.authors == ["Maren J. Holt"]
    for tag in ("friendship", "grief", "asking for help"):
        assert tag in document.tags
    assert len(document.tags) == len({t.casefold() for t in document.tags})
    assert document.url == "https://marenholt.example/blog/how-to-sit-with-a-grieving-friend"
    assert document.slug == "how-to-sit-with-a-grieving-friend"
    assert document.summary == (
        "You don’t need the perfect words when a friend is grieving. You need to show up, "
        "stay a while, and let the silence be part of the visit."
    )
    assert document.source == SQUARESPACE
    assert warnings == []


def test_squarespace_body_text(squarespace: tuple[Document, list[str]]) -> None:
    text = squarespace[0].text
    assert text.startswith("A few years ago a client I’ll call Dana came to a session furious "
                           "with herself.")
    assert "Grief is not a problem with a solution." in text
    assert "“I’m here, and I’m not in a hurry.”" in text
    assert "You are not there to fix anything" in text
    assert "Come back in month three." in text
    assert text.endswith("Bring soup, bring the dog leash, bring your willingness to stay. "
                         "That’s the visit.")


@pytest.mark.parametrize("furniture", [
    "Maren Holt Counseling", "Book a session", "Home", "Contact",
    "Share", "Facebook", "Pinterest", "0 Likes", "Tags:",
    "0 Comments", "Leave a comment",
    "Previous", "Making Friends After Thirty", "The Sunday Scaries Are Telling You Something",
    "Sign up with your email address", "Subscribe", "We respect your privacy", "Email Address",
    "214 Linden Street", "hello@marenholt.example", "© 2024", "Instagram",
    "November 19, 2020", "siteCtx", "pageview",
])
def test_squarespace_furniture_is_gone(squarespace: tuple[Document, list[str]],
                                       furniture: str) -> None:
    document = squarespace[0]
    assert furniture not in document.text
    assert furniture not in document.html


def test_squarespace_title_is_not_repeated_in_body(
        squarespace: tuple[Document, list[str]]) -> None:
    document = squarespace[0]
    assert "How to Sit With a Grieving Friend" not in document.text
    assert "<h1" not in document.html


# --- WordPress export -----------------------------------------------------------------------

def test_wordpress_metadata(wordpress: tuple[Document, list[str]]) -> None:
    document, warnings = wordpress
    assert document.title == "The Sunday Scaries Are Telling You Something"
    assert document.date == datetime(2022, 1, 9, 18, 0, tzinfo=UTC)
    assert document.date.isoformat() == "2022-01-09T18:00:00+00:00"
    assert document.updated == datetime(2022, 1, 10, 9, 12, tzinfo=UTC)
    assert document.authors == ["Maren J. Holt"]
    for tag in ("work", "rest", "anxiety"):
        assert tag in document.tags
    assert len(document.tags) == len({t.casefold() for t in document.tags})
    assert document.url == "https://marenholt.example/2022/01/09/the-sunday-scaries/"
    assert document.slug == "the-sunday-scaries"
    assert document.summary == (
        "That Sunday-evening dread isn't a character flaw. It's information about your week, "
        "your work, and how little rest you've been getting. Here's how to listen to it."
    )
    assert warnings == []


def test_wordpress_body_text(wordpress: tuple[Document, list[str]]) -> None:
    text = wordpress[0].text
    assert text.startswith("It usually starts around four in the afternoon.")
    assert "The dread is a messenger." in text
    assert "It was mourning a Saturday that never came." in text
    assert "Write the dread down on Sunday afternoon, in one sentence." in text
    assert "Closing the laptop on Friday is a small act, and a surprisingly hard one." in text
    assert text.endswith("The dread is only trying to tell you that you haven’t had one "
                         "in a while.")


@pytest.mark.parametrize("furniture", [
    "Skip to content", "Notes on asking for help, and other brave things", "Menu",
    "Posted on", "January 9, 2022", "by Maren",
    "Share this:", "Like this:", "Click to share", "Loading...",
    "Posted in", "Tagged", "2 Comments", "Post navigation", "Previous:", "Next:",
    "How to Sit With a Grieving Friend", "Loneliness in a Full House",
    "2 thoughts on", "Priya L.", "that one got me", "Gus Whitcombe", "Retired teacher here",
    "Thirty-one years of Sunday stomachaches", "Leave a Reply", "Cancel reply",
    "Your email address will not be published", "Post Comment",
    "Recent Posts", "What Rest Looks Like for Parents", "Archives", "October 2023",
    "Proudly powered by WordPress",
])
def test_wordpress_furniture_is_gone(wordpress: tuple[Document, list[str]],
                                     furniture: str) -> None:
    document = wordpress[0]
    assert furniture not in document.text
    assert furniture not in document.html


def test_wordpress_title_is_not_in_body(wordpress: tuple[Document, list[str]]) -> None:
    assert "The Sunday Scaries Are Telling You Something" not in wordpress[0].text


# --- title precedence -----------------------------------------------------------------------

TITLE_HEAD = (ld({"@context": "https://schema.org", "@type": "BlogPosting",
                  "headline": "From JSON-LD", "datePublished": "2020-01-01"})
              + og("og:title", "From OpenGraph") + "<title>From Title Tag</title>")


def test_title_json_ld_headline_beats_everything() -> None:
    document, _ = read_html(page(TITLE_HEAD, "<h1>From H1</h1>" + BODY))
    assert document.title == "From JSON-LD"


def test_title_og_title_beats_h1_and_title_tag() -> None:
    head = og("og:title", "From OpenGraph") + "<title>From Title Tag</title>"
    document, _ = read_html(page(head, "<h1>From H1</h1>" + BODY))
    assert document.title == "From OpenGraph"


def test_title_h1_beats_title_tag_and_is_removed_from_body() -> None:
    document, _ = read_html(page("<title>From Title Tag</title>", "<h1>From H1</h1>" + BODY))
    assert document.title == "From H1"
    assert "From H1" not in document.text


def test_title_tag_last() -> None:
    document, _ = read_html(page("<title>From Title Tag</title>"))
    assert document.title == "From Title Tag"


def test_title_tag_site_name_suffix_removed() -> None:
    head = og("og:site_name", "Quiet Room") + "<title>How to Rest — Quiet Room</title>"
    document, _ = read_html(page(head))
    assert document.title == "How to Rest"
    piped, _ = read_html(page(og("og:site_name", "Quiet Room")
                              + "<title>How to Rest | Quiet Room</title>"))
    assert piped.title == "How to Rest"


def test_title_tag_suffix_removed_without_site_name() -> None:
    document, _ = read_html(page("<title>The Second Year of Grief | Maren Holt</title>"))
    assert document.title == "The Second Year of Grief"


def test_title_tag_keeps_suffix_that_is_not_the_site_name() -> None:
    head = og("og:site_name", "Quiet Room") + "<title>Rest | A Field Guide</title>"
    document, _ = read_html(page(head))
    assert document.title == "Rest | A Field Guide"


def test_title_tag_only_the_site_name_suffix_is_removed() -> None:
    # Only the " | Quiet Room" suffix is the site name; " - " is part of the essay's title.
    head = (og("og:site_name", "Quiet Room")
            + "<title>Work - Life Balance, Revisited | Quiet Room</title>")
    document, _ = read_html(page(head))
    assert document.title == "Work - Life Balance, Revisited"


def test_title_whitespace_is_collapsed() -> None:
    document, _ = read_html(page(og("og:title", "  Spaced \n  Out   Title ")))
    assert document.title == "Spaced Out Title"


def test_invalid_json_ld_is_ignored() -> None:
    head = ('<script type="application/ld+json">{"headline": "broken",</script>'
            + og("og:title", "From OpenGraph"))
    document, _ = read_html(page(head))
    assert document.title == "From OpenGraph"


def test_json_ld_of_a_non_article_type_is_ignored() -> None:
    head = (ld({"@type": "Organization", "headline": "Not An Article", "name": "Org"})
            + og("og:title", "From OpenGraph"))
    document, _ = read_html(page(head))
    assert document.title == "From OpenGraph"


def test_no_title_uses_file_name_with_warning() -> None:
    document, warnings = read_html(page(og("article:published_time", "2020-01-01")),
                                   "saved/untitled-page.html")
    assert document.title == "untitled-page"
    assert "no title in the page; using the file name" in warnings


# --- date precedence ------------------------------------------------------------------------

def test_date_json_ld_beats_meta_and_time() -> None:
    head = (ld({"@type": "Article", "headline": "T", "datePublished": "2021-03-04T05:06:07+02:00"})
            + og("article:published_time", "2020-02-02T00:00:00+00:00"))
    article = '<time class="published" datetime="2018-08-08">Aug</time>' + BODY
    # The markup's own precedence (htmldate then weighs it against the rest of the page).
    root = parse_page(page(head, article))
    assert page_meta(root, article_element(root)).date == "2021-03-04T05:06:07+02:00"


def test_date_article_published_time_beats_time_element() -> None:
    head = og("og:title", "T") + og("article:published_time", "2020-02-02T10:00:00-05:00")
    article = '<time class="published" datetime="2018-08-08">Aug</time>' + BODY
    document, _ = read_html(page(head, article))
    assert document.date == datetime(2020, 2, 2, 10, 0, tzinfo=EST)


def test_date_time_element_is_kept_with_its_time_where_the_page_agrees() -> None:
    head = og("og:title", "T") + '<link rel="canonical" href="https://x.example/2018/08/08/t/">'
    article = '<time datetime="2018-08-08T12:00:00+00:00">Aug</time>' + BODY
    document, _ = read_html(page(head, article))
    assert document.date == datetime(2018, 8, 8, 12, 0, tzinfo=UTC)


def test_the_pages_own_date_wins_over_markup_that_disagrees_with_it() -> None:
    # A WordPress URL says 2019-01-01; a stray <time> (a related post's, say) says 2018:
    # htmldate's reading of the whole page decides, as it is right more often on real pages.
    head = og("og:title", "T") + '<link rel="canonical" href="https://x.example/2019/01/01/t/">'
    article = '<time datetime="2018-08-08T12:00:00+00:00">Aug</time>' + BODY
    document, _ = read_html(page(head, article))
    assert document.date == datetime(2019, 1, 1, tzinfo=UTC)


def test_a_date_shown_only_in_the_text_is_found() -> None:
    # Classic Blogger and many hand-made blogs show the date only as words near the title.
    article = '<h2 class="date-header"><span>Sunday, July 05, 2020</span></h2>' + BODY
    document, _ = read_html(page(og("og:title", "T"), article))
    assert document.date == datetime(2020, 7, 5, tzinfo=UTC)


def test_date_published_time_element_first() -> None:
    article = ('<time datetime="2017-07-07">a plain time</time>'
               '<time class="entry-date published" datetime="2018-08-08">published</time>' + BODY)
    document, _ = read_html(page(og("og:title", "T"), article))
    assert document.date == datetime(2018, 8, 8, tzinfo=UTC)


def test_date_from_canonical_url() -> None:
    head = og("og:title", "T") + '<link rel="canonical" href="https://x.example/2021/05/04/t/">'
    document, warnings = read_html(page(head))
    assert document.date == datetime(2021, 5, 4, tzinfo=UTC)
    assert warnings == []


def test_date_from_og_url() -> None:
    head = og("og:title", "T") + og("og:url", "https://x.example/2016/12/31/end-of-year/")
    document, _ = read_html(page(head))
    assert document.date == datetime(2016, 12, 31, tzinfo=UTC)
    assert document.slug == "end-of-year"


def test_date_from_file_name_last() -> None:
    document, warnings = read_html(page(og("og:title", "T")), "2015-04-03-saved-page.html")
    assert document.date == datetime(2015, 4, 3, tzinfo=UTC)
    assert document.slug == "saved-page"
    assert warnings == []


def test_no_date_anywhere_warns() -> None:
    document, warnings = read_html(page(og("og:title", "T")))
    assert document.date is None
    assert any("no published date" in w for w in warnings)


def test_date_is_never_json_ld_or_meta_modified() -> None:
    head = (ld({"@type": "BlogPosting", "headline": "T",
                "dateModified": "2022-02-02T00:00:00+00:00"})
            + og("article:modified_time", "2022-03-03T00:00:00+00:00"))
    root = parse_page(page(head))
    assert page_meta(root, article_element(root)).date is None  # the markup: no published date
    document, _ = read_html(page(head))
    assert document.updated == datetime(2022, 2, 2, tzinfo=UTC)


def test_date_is_never_the_updated_time_element() -> None:
    # The page's only <time> is the modified one; the published date is in the URL.
    head = og("og:title", "T") + '<link rel="canonical" href="https://x.example/2021/05/04/t/">'
    article = '<time class="updated" datetime="2022-02-01T00:00:00+00:00">Feb</time>' + BODY
    document, _ = read_html(page(head, article))
    assert document.updated == datetime(2022, 2, 1, tzinfo=UTC)
    assert document.date == datetime(2021, 5, 4, tzinfo=UTC)


def test_date_prefers_published_time_over_earlier_updated_time() -> None:
    article = ('<time class="updated" datetime="2022-02-01T00:00:00+00:00">updated</time>'
               '<time class="published" datetime="2021-01-01T00:00:00+00:00">published</time>'
               + BODY)
    document, _ = read_html(page(og("og:title", "T"), article))
    assert document.updated == datetime(2022, 2, 1, tzinfo=UTC)
    assert document.date == datetime(2021, 1, 1, tzinfo=UTC)


def test_updated_precedence() -> None:
    head = (ld({"@type": "Article", "headline": "T", "datePublished": "2020-01-01",
                "dateModified": "2020-03-03"})
            + og("article:modified_time", "2020-02-02"))
    article = '<time class="updated" datetime="2020-04-04">x</time>' + BODY
    document, _ = read_html(page(head, article))
    assert document.updated == datetime(2020, 3, 3, tzinfo=UTC)
    meta_only, _ = read_html(page(og("og:title", "T") + og("article:modified_time", "2020-02-02"),
                                  article))
    assert meta_only.updated == datetime(2020, 2, 2, tzinfo=UTC)
    time_only, _ = read_html(page(og("og:title", "T"), article))
    assert time_only.updated == datetime(2020, 4, 4, tzinfo=UTC)


def test_bad_date_is_a_warning() -> None:
    head = og("og:title", "T") + og("article:published_time", "sometime in 2020ish yes no")
    document, warnings = read_html(page(head))
    assert document.date is None
    assert any("not a date" in w for w in warnings)


def test_a_year_the_text_mentions_does_not_date_a_page() -> None:
    # htmldate's search of the text makes January 1 of a bare year ("Copyright 2019").
    article = BODY + "<p>Copyright 2019 A Small Blog. We moved here in 2003.</p>"
    document, warnings = read_html(page(og("og:title", "T"), article))
    assert document.date is None
    assert any("no published date" in w for w in warnings)


def test_a_date_our_parser_cannot_read_is_read_by_htmldate() -> None:
    article = ('<abbr class="published" title="Sonntag, Dezember 16th, 2012, 7:05 pm">'
               '16.12.2012</abbr>' + BODY)
    document, _ = read_html(page(og("og:title", "T"), article))
    assert document.date == datetime(2012, 12, 16, tzinfo=UTC)


# --- JSON-LD @graph, authors, tags, summary, url --------------------------------------------

def test_json_ld_graph_article_node() -> None:
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "name": "Page Name | Site", "datePublished": "2001-01-01"},
        {"@type": ["Article"], "headline": "Graph Headline",
         "datePublished": "2021-06-07T08:09:10+00:00",
         "author": {"@type": "Person", "name": "Jane Q. Writer"},
         "keywords": ["grief", "rest"]},
    ]}
    document, _ = read_html(page(ld(graph) + og("og:title", "OG")))
    assert document.title == "Graph Headline"
    assert document.date == datetime(2021, 6, 7, 8, 9, 10, tzinfo=UTC)
    assert document.authors == ["Jane Q. Writer"]
    assert document.tags == ["grief", "rest"]


def test_json_ld_list_of_objects() -> None:
    data = [{"@type": "Organization", "name": "Org"},
            {"@type": "NewsArticle", "headline": "Listed Headline"}]
    document, _ = read_html(page(ld(data)))
    assert document.title == "Listed Headline"


def test_authors_json_ld_beats_meta_and_rel_author() -> None:
    head = (ld({"@type": "BlogPosting", "headline": "T",
                "author": [{"@type": "Person", "name": "Jane Q. Writer"}, "Sam O. Reyes"]})
            + '<meta name="author" content="Meta Author">')
    article = '<a rel="author" href="/a">Link Author</a>' + BODY
    document, _ = read_html(page(head, article))
    assert document.authors == ["Jane Q. Writer", "Sam O. Reyes"]


def test_authors_meta_beats_rel_author() -> None:
    head = og("og:title", "T") + '<meta name="author" content="Jane Q. Writer">'
    article = '<a rel="author" href="/a">Link Author</a>' + BODY
    document, _ = read_html(page(head, article))
    assert document.authors == ["Jane Q. Writer"]


def test_authors_from_rel_author_links() -> None:
    article = ('<a rel="author" href="/a">Jane Q. Writer</a>'
               '<a rel="author external" href="/b">\n    Sam O.\n    Reyes\n  </a>' + BODY)
    document, _ = read_html(page(og("og:title", "T"), article))
    assert document.authors == ["Jane Q. Writer", "Sam O. Reyes"]


def test_tags_from_every_source_merged_without_repeats() -> None:
    head = (og("og:title", "T") + '<meta name="keywords" content="grief, loss">'
            + og("article:tag", "Loss") + og("article:tag", "parenting"))
    document, _ = read_html(page(head))
    assert document.tags == ["grief", "loss", "parenting"]


def test_tags_from_rel_tag_and_tag_links() -> None:
    article = (BODY + '<a rel="tag" href="/topics/hope">#hope</a> '
               '<a href="/category/work-and-rest/">Work &amp; Rest</a> '
               '<a href="/blog?tag=asking+for+help">asking for help</a> '
               '<a href="/blog/another-essay">An ordinary link in the text</a>')
    document, _ = read_html(page(og("og:title", "T"), article))
    assert document.tags == ["hope", "Work & Rest", "asking for help"]
    assert "An ordinary link in the text" in document.text


def test_summary_meta_description_beats_og_description() -> None:
    head = (og("og:title", "T") + '<meta name="description" content="From description.">'
            + og("og:description", "From og."))
    document, _ = read_html(page(head))
    assert document.summary == "From description."
    og_only, _ = read_html(page(og("og:title", "T") + og("og:description", "From og.")))
    assert og_only.summary == "From og."


def test_summary_falls_back_to_first_paragraph() -> None:
    document, _ = read_html(page(og("og:title", "T")))
    assert document.summary == ("The essay body has a first sentence that is long enough "
                                "to count as prose.")


def test_url_canonical_beats_og_url() -> None:
    head = (og("og:title", "T") + '<link rel="canonical" href="https://x.example/essays/one">'
            + og("og:url", "https://x.example/essays/two"))
    document, _ = read_html(page(head))
    assert document.url == "https://x.example/essays/one"
    assert document.slug == "one"


def test_relative_canonical_is_not_a_url() -> None:
    head = og("og:title", "T") + '<link rel="canonical" href="/essays/relative-one/">'
    document, _ = read_html(page(head), "saved.html")
    assert document.url is None
    assert document.slug == "relative-one"


# --- charset and empty pages ----------------------------------------------------------------

def test_declared_latin1_page_is_read_as_windows_1252() -> None:
    data = (b'<html><head><meta charset="iso-8859-1"><title>Caf\xe9</title></head><body>'
            b"<article><p>A \x93quoted\x94 caf\xe9 sentence in an old page.</p></article>"
            b"</body></html>")
    document, _ = read_html(data)
    assert document.title == "Café"
    assert document.text == "A “quoted” café sentence in an old page."


@pytest.mark.parametrize("empty_page", [
    "<html><head><title>Only a head</title></head></html>",
    "<html><head><title>T</title></head><body></body></html>",
    "<html><head><title>T</title></head><body><nav>Home About</nav>"
    "<footer>© 2024</footer></body></html>",
    "<html><head><title>T</title></head><body><article><h1>T</h1>"
    "<div class=\"share-buttons\">Share</div><section class=\"comments\">0 Comments</section>"
    "</article></body></html>",
    "<html><head><title>T</title></head><body><main><script>var x = 1;</script>"
    "<form><input value=x></form></main></body></html>",
])
def test_page_without_body_text_is_a_read_error(empty_page: str) -> None:
    with pytest.raises(ReadError) as caught:
        read_html(empty_page)
    assert "no body text" in str(caught.value)


def test_an_image_alone_in_the_last_paragraph_is_kept() -> None:
    article = BODY + '<p><img src="https://x.example/last.jpg" alt="The bench at dusk"></p>'
    document, _ = read_html(page(og("og:title", "T"), article))
    assert 'src="https://x.example/last.jpg"' in document.html
