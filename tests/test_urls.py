"""feedsearch.urls: essay URLs from the base URL, and absolute URLs inside essay HTML."""

from __future__ import annotations

from urllib.parse import unquote

import lxml.html

from feedsearch.sanitize import feed_html as absolutize_html
from feedsearch.urls import essay_url, normalize_base_url

ESSAY = "https://site.example/essays/grief/"


def _attr(html: str, tag: str, name: str) -> str:
    """The attribute ``name`` of the first ``tag`` element in ``html``."""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    element = next(root.iter(tag))
    return element.get(name)


# --- relative URLs ----------------------------------------------------------------------------


def test_relative_href_resolves_against_the_essay_url():
    out = absolutize_html('<p><a href="notes.html">notes</a></p>', ESSAY)
    assert out == '<p><a href="https://site.example/essays/grief/notes.html">notes</a></p>'


def test_root_relative_src_resolves_against_the_site_root():
    out = absolutize_html('<p><img src="/x.jpg" alt="x"></p>', ESSAY)
    assert _attr(out, "img", "src") == "https://site.example/x.jpg"
    assert _attr(out, "img", "alt") == "x"


def test_parent_relative_href_resolves():
    out = absolutize_html('<a href="../rest/">rest</a>', ESSAY)
    assert _attr(out, "a", "href") == "https://site.example/essays/rest/"


def test_poster_and_video_src_resolve():
    out = absolutize_html('<video poster="still.jpg" src="/media/clip.mp4"></video>', ESSAY)
    assert _attr(out, "video", "poster") == "https://site.example/essays/grief/still.jpg"
    assert _attr(out, "video", "src") == "https://site.example/media/clip.mp4"


def test_source_src_inside_picture_resolves():
    html = '<picture><source src="a.webp"><img src="a.jpg"></picture>'
    out = absolutize_html(html, ESSAY)
    assert _attr(out, "source", "src") == "https://site.example/essays/grief/a.webp"
    assert _attr(out, "img", "src") == "https://site.example/essays/grief/a.jpg"


def test_srcset_with_width_descriptors_resolves_every_candidate():
    html = '<img src="a.jpg" srcset="/img/a-300.jpg 300w, img/a-1024.jpg 1024w">'
    out = absolutize_html(html, ESSAY)
    assert _attr(out, "img", "srcset") == (
        "https://site.example/img/a-300.jpg 300w, "
        "https://site.example/essays/grief/img/a-1024.jpg 1024w"
    )
    assert _attr(out, "img", "src") == "https://site.example/essays/grief/a.jpg"


def test_srcset_without_spaces_after_commas_and_density_descriptors():
    out = absolutize_html('<img srcset="a.jpg 1x,/b.jpg 2x">', ESSAY)
    assert _attr(out, "img", "srcset") == (
        "https://site.example/essays/grief/a.jpg 1x, https://site.example/b.jpg 2x"
    )


def test_srcset_candidate_without_descriptor():
    out = absolutize_html('<img srcset="only.jpg">', ESSAY)
    assert _attr(out, "img", "srcset") == "https://site.example/essays/grief/only.jpg"


def test_srcset_url_containing_a_comma_is_kept_whole():
    # HTML's srcset grammar: a candidate URL runs up to whitespace, so a comma inside a URL
    # (image CDNs such as Cloudinary use them for transformations) belongs to the URL.
    html = ('<img srcset="https://cdn.example/upload/w_400,c_fill/a.jpg 400w, '
            '/img/b.jpg 800w">')
    out = absolutize_html(html, ESSAY)
    assert _attr(out, "img", "srcset") == (
        "https://cdn.example/upload/w_400,c_fill/a.jpg 400w, "
        "https://site.example/img/b.jpg 800w"
    )


def test_whitespace_around_a_url_is_trimmed_before_resolving():
    out = absolutize_html('<a href="  notes.html ">n</a>', ESSAY)
    assert _attr(out, "a", "href") == "https://site.example/essays/grief/notes.html"


def test_nested_elements_are_all_rewritten():
    html = '<div><ul><li><a href="a/">a</a></li><li><a href="/b/">b</a></li></ul></div>'
    out = absolutize_html(html, ESSAY)
    root = lxml.html.fragment_fromstring(out, create_parent="div")
    assert [a.get("href") for a in root.iter("a")] == [
        "https://site.example/essays/grief/a/",
        "https://site.example/b/",
    ]


# --- URLs that must stay as they are ---------------------------------------------------------


def test_absolute_urls_are_unchanged():
    html = ('<a href="https://other.example/page?q=1#top">o</a>'
            '<img src="http://img.example/p.png">')
    out = absolutize_html(html, ESSAY)
    assert _attr(out, "a", "href") == "https://other.example/page?q=1#top"
    assert _attr(out, "img", "src") == "http://img.example/p.png"


def test_protocol_relative_url_takes_the_essay_scheme():
    out = absolutize_html('<img src="//cdn.example/p.png">', ESSAY)
    assert _attr(out, "img", "src") == "https://cdn.example/p.png"


def test_mailto_is_unchanged():
    out = absolutize_html('<a href="mailto:hello@site.example">write</a>', ESSAY)
    assert _attr(out, "a", "href") == "mailto:hello@site.example"


def test_fragment_link_points_into_the_essay():
    out = absolutize_html('<a href="#x">jump</a>', ESSAY)
    assert _attr(out, "a", "href") == ESSAY + "#x"


def test_data_uri_is_unchanged():
    out = absolutize_html('<img src="data:image/png;base64,AAAA">', ESSAY)
    assert _attr(out, "img", "src") == "data:image/png;base64,AAAA"


# --- text is left alone ------------------------------------------------------------------------


def test_text_that_looks_like_an_attribute_is_not_rewritten():
    html = '<p>Write href="x" and src="/y.jpg" in your markup.</p>'
    out = absolutize_html(html, ESSAY)
    assert out == html


def test_escaped_markup_in_text_is_not_rewritten():
    html = '<p>Type <code>&lt;a href="x"&gt;</code> to link.</p>'
    out = absolutize_html(html, ESSAY)
    assert out == html


def test_leading_text_and_tails_are_preserved():
    html = 'Before <a href="x">link</a> between <em>em</em> after'
    out = absolutize_html(html, ESSAY)
    assert out == ('Before <a href="https://site.example/essays/grief/x">link</a> '
                   'between <em>em</em> after')


def test_several_top_level_elements_keep_order_and_whitespace():
    html = '<p>one</p>\n<p>two <a href="t">t</a></p>\n<p>three</p>\n'
    out = absolutize_html(html, ESSAY)
    assert out == ('<p>one</p>\n<p>two <a href="https://site.example/essays/grief/t">t</a>'
                   '</p>\n<p>three</p>\n')


def test_entities_in_tails_stay_escaped():
    html = '<p>1 &lt; 2</p> and 3 &lt; 4 &amp; 5'
    assert absolutize_html(html, ESSAY) == html


def test_entities_in_leading_text_stay_escaped():
    # The text before the first element must be escaped like any other text: "&lt;b&gt;"
    # must not turn into a real <b> tag, nor "&amp;" into a bare "&".
    html = 'Tom &amp; Jerry &lt;b&gt;not bold&lt;/b&gt; <a href="x">x</a>'
    out = absolutize_html(html, ESSAY)
    assert out == ('Tom &amp; Jerry &lt;b&gt;not bold&lt;/b&gt; '
                   '<a href="https://site.example/essays/grief/x">x</a>')


def test_text_only_html_is_unchanged():
    assert absolutize_html("just words, no markup", ESSAY) == "just words, no markup"


def test_non_ascii_text_survives():
    html = '<p>Trauer — “grief” é ü <a href="ü.html">ü</a></p>'
    out = absolutize_html(html, ESSAY)
    assert "Trauer — “grief” é ü" in out
    # a percent-encoded URL is the same URL
    assert unquote(_attr(out, "a", "href")) == "https://site.example/essays/grief/ü.html"


# --- nothing to do ----------------------------------------------------------------------------


def test_empty_html_is_returned_unchanged():
    assert absolutize_html("", ESSAY) == ""


def test_whitespace_only_html_is_returned_unchanged():
    assert absolutize_html("  \n ", ESSAY) == "  \n "


def test_empty_base_returns_html_unchanged():
    html = '<a href="x">x</a> <img src="/y.jpg">'
    assert absolutize_html(html, "") == html


def test_same_input_gives_same_output():
    html = '<p><a href="a">a</a><img src="/b.jpg" srcset="c.jpg 2x"></p>'
    first = absolutize_html(html, ESSAY)
    assert first == absolutize_html(html, ESSAY)
    other = absolutize_html(html, "https://elsewhere.example/e/")
    assert _attr(other, "a", "href") == "https://elsewhere.example/e/a"
    assert first != other


# --- essay_url / normalize_base_url ---------------------------------------------------------


def test_normalize_base_url_adds_one_slash():
    assert normalize_base_url("https://site.example") == "https://site.example/"


def test_normalize_base_url_keeps_one_slash():
    assert normalize_base_url("https://site.example/") == "https://site.example/"


def test_normalize_base_url_collapses_trailing_slashes():
    assert normalize_base_url("https://site.example/blog///") == "https://site.example/blog/"


def test_normalize_base_url_keeps_a_path():
    assert normalize_base_url("https://site.example/blog") == "https://site.example/blog/"


def test_essay_url_joins_base_and_slug_with_a_trailing_slash():
    assert essay_url("https://site.example/", "grief") == "https://site.example/grief/"


def test_essay_url_normalizes_the_base():
    assert essay_url("https://site.example", "grief") == "https://site.example/grief/"
    assert essay_url("https://site.example/blog//", "grief") == (
        "https://site.example/blog/grief/"
    )


def test_essay_url_is_a_base_for_relative_links():
    url = essay_url("https://site.example/blog", "grief")
    out = absolutize_html('<img src="cover.jpg"><a href="/about/">a</a>', url)
    assert _attr(out, "img", "src") == "https://site.example/blog/grief/cover.jpg"
    assert _attr(out, "a", "href") == "https://site.example/about/"
