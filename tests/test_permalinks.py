"""Essay URLs as the generators make them (permalinks.py), and EssayUrls on a Document.

The Hugo rows were checked against real Hugo 0.111. The Jekyll rows follow Jekyll 4.4's
source (lib/jekyll/drops/url_drop.rb, utils.rb ``slugify``, url.rb, document.rb,
collection.rb, configuration.rb); the Eleventy rows follow Eleventy 3.1 / 4.0-alpha's
(src/TemplatePermalink.js, src/Template.js ``_getLink``, src/TemplateFileSlug.js); those
Jekyll and Eleventy do on their own sites are also checked by tests/test_site_jekyll.py
and tests/test_site_eleventy.py with the real generators.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from feedsearch.model import Document
from feedsearch.permalinks import (
    PRESETS,
    TOKENS,
    Page,
    PermalinkError,
    check_pattern,
    eleventy_path,
    hugo_path,
    hugo_urlize,
    jekyll_path,
    jekyll_slug,
    pattern_path,
    url_of,
)
from feedsearch.sites import EssayUrls
from feedsearch.sites.eleventy import EleventySite
from feedsearch.sites.hugo import HugoSite
from feedsearch.sites.jekyll import JekyllSite

FRIDAY = datetime(2024, 1, 5, 9, 30, tzinfo=UTC)  # ISO week 1, day 5 of the year
BASE = "https://example.org/journal/"


def page(path: str, date: datetime | None = FRIDAY, title: str = "", **fields) -> Page:
    """A page whose reader slug is its file's name; ``fields`` its URL front matter."""
    return Page(path, Path(path).stem, title, date, fields)


# --- Hugo -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("A  B", "a-b"),
    ("a - b", "a-b"),
    ("what?", "what"),
    ("C++ tips", "c++-tips"),
    ("x&y", "xy"),
    ("v1.2 notes", "v1.2-notes"),
    ("it's fine", "its-fine"),
    ("100%", "100"),
    ("émigré: life", "émigré-life"),
    ("_under", "_under"),
    ("Hello, World! Ça va?", "hello-world-ça-va"),
])
def test_hugo_urlize(text, expected):
    assert hugo_urlize(text) == expected


@pytest.mark.parametrize(("path", "fields", "expected"), [
    ("posts/first-bundle/index.md", {}, "/posts/first-bundle/"),
    ("posts/2020-01-03-Dated Post.md", {}, "/posts/2020-01-03-dated-post/"),
    ("posts/2020/nested.md", {}, "/posts/2020/nested/"),
    ("top.md", {}, "/top/"),
    ("posts/A  B.md", {}, "/posts/a-b/"),
    ("posts/anything.md", {"url": "/elsewhere/page/"}, "/elsewhere/page/"),
    ("posts/anything.md", {"url": "noslash/x"}, "/noslash/x/"),
    ("posts/anything.md", {"url": "/file.html"}, "/file.html"),
    ("posts/anything.md", {"slug": "Hello, World! Ça va?"}, "/posts/hello-world-ça-va/"),
    ("posts/trip/index.md", {"slug": "road trip"}, "/posts/road-trip/"),
    # a url that is a whole address is not a path in the site: the default rules apply
    ("posts/first.md", {"url": "https://elsewhere.example/first/"}, "/posts/first/"),
])
def test_hugo_path_defaults(path, fields, expected):
    assert hugo_path(page(path, **fields)) == expected


PATTERNS = {"posts": "/:year/:month/:slug/", "notes": "/:section/:filename/"}


@pytest.mark.parametrize(("path", "title", "fields", "expected"), [
    # :slug is front matter slug, else the title (Hugo's documented fallback)
    ("posts/evening-walk.md", "Evening Walk", {"slug": "dusk"}, "/2024/01/dusk/"),
    ("posts/evening-walk.md", "An Evening Walk!", {}, "/2024/01/an-evening-walk/"),
    ("notes/Shopping List.md", "Groceries", {}, "/notes/shopping-list/"),
    # a section with no pattern keeps the default rules
    ("pages/Contact Me.md", "Contact", {}, "/pages/contact-me/"),
    # front matter url beats the section's pattern
    ("posts/evening-walk.md", "Evening Walk", {"url": "/walks/evening/"}, "/walks/evening/"),
])
def test_hugo_path_section_patterns(path, title, fields, expected):
    assert hugo_path(page(path, title=title, **fields), PATTERNS) == expected


# --- Jekyll -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "pretty", "expected"), [
    ("first-light", True, "first-light"),
    ("Big Day", True, "Big-Day"),  # :title keeps case (cased: true)
    ("what's up?", True, "what's-up"),  # pretty keeps ._~!$&'()+,;=@
    ("a (short) list", True, "a-(short)-list"),
    ("Big Day", False, "big-day"),  # :slug, default mode: letters and digits, lower case
    ("what's up?", False, "what-s-up"),
    ("--émigré--", False, "émigré"),
    ("snake_case_names", True, "snake_case_names"),  # pretty keeps "_"
    ("snake_case_names", False, "snake-case-names"),
    pytest.param("हिन्दी", False, "हिन्दी"),
    pytest.param("cafe\u0301 time", True, "cafe\u0301-time"),
    pytest.param("x²", False, "x"),
])
def test_jekyll_slug(text, pretty, expected):
    assert jekyll_slug(text, pretty=pretty) == expected


@pytest.mark.parametrize(("style", "expected"), [
    ("date", "/2024/01/05/first-light.html"),
    ("pretty", "/2024/01/05/first-light/"),
    ("ordinal", "/2024/005/first-light.html"),
    ("none", "/first-light.html"),
    ("/:year/:month/:title/", "/2024/01/first-light/"),
    ("/:short_year/:i_month/:i_day/:title:output_ext", "/24/1/5/first-light.html"),
    ("/:year/:y_day/:hour:minute:second/:name/", "/2024/005/093000/2024-01-05-first-light/"),
    ("/:year_:month/:title/", "/2024_01/first-light/"),
    ("/:categories/:title/", "/first-light/"),  # no categories leave no empty folder
    pytest.param("weekdate", "/2024/W01/Fri/first-light.html"),
])
def test_jekyll_post_styles(style, expected):
    assert jekyll_path(page("2024-01-05-first-light.md"), style) == expected


@pytest.mark.parametrize(("name", "fields", "folders", "style", "expected"), [
    # :title is front matter slug (pretty, cased); :slug the same in default mode
    ("2024-01-05-first-light.md", {"slug": "Morning Walk"}, (), "date",
     "/2024/01/05/Morning-Walk.html"),
    ("2024-01-05-first-light.md", {"slug": "Morning Walk"}, (), "/:slug/", "/morning-walk/"),
    ("2024-01-05-Big-Day.md", {}, (), "date", "/2024/01/05/Big-Day.html"),
    ("2024-01-05-what's up?.md", {}, (), "pretty", "/2024/01/05/what's-up/"),
    # categories: folders before _posts, then front matter, lower case, not slugified
    ("2024-01-05-x.md", {}, ("blog",), "date", "/blog/2024/01/05/x.html"),
    ("2024-01-05-x.md", {"categories": "Life Notes"}, (), "date",
     "/life/notes/2024/01/05/x.html"),
    ("2024-01-05-x.md", {"categories": ["Travel", "Food"]}, ("blog",), "pretty",
     "/blog/travel/food/2024/01/05/x/"),
    ("2024-01-05-x.md", {"categories": ["blog"]}, ("blog",), "date",
     "/blog/2024/01/05/x.html"),
    ("2024-01-05-x.md", {"category": "Travel"}, (), "none", "/travel/x.html"),
    # front matter permalink wins, and its tokens are filled in
    ("2024-01-05-x.md", {"permalink": "/about/"}, ("blog",), "date", "/about/"),
    ("2024-01-05-x.md", {"permalink": "notes/:title.html"}, (), "date", "/notes/x.html"),
    ("2024-01-05-x.md", {"permalink": "/:categories/:year/:title/", "categories": ["Tea"]},
     (), "date", "/tea/2024/x/"),
    # a draft has no date in its name: all of it is the title
    ("a-quiet-draft.md", {}, (), "date", "/2024/01/05/a-quiet-draft.html"),
    ("2024-01-05-snake_case_names.md", {}, (), "date", "/2024/01/05/snake_case_names.html"),
    ("2024-01-05-snake_case_names.md", {}, (), "/:slug/", "/snake-case-names/"),
    pytest.param(
        "2024-01-05-x.md", {"category": "Travel", "categories": ["Food"]}, (), "date",
        "/food/travel/2024/01/05/x.html"),
    pytest.param(
        "2024-01-05-x.md", {"categories": ["blog"]}, ("Blog",), "date",
        "/blog/2024/01/05/x.html"),
    pytest.param(
        "2024-01-05-x.md", {"permalink": "/about"}, (), "date", "/about"),
    pytest.param(
        "2024-01-05-x.md", {"permalink": "/:year/:title"}, (), "date", "/2024/x"),
    pytest.param(
        "2024-01-05-x.md", {"categories": ["Tech Notes"]}, (), "/:slugified_categories/:title/",
        "/tech-notes/x/"),
    pytest.param(
        "2024-01-05-wait...md", {}, (), "date", "/2024/01/05/wait.html"),
    pytest.param(
        "2024-01-05-x.md", {"slug": "one..two"}, (), "pretty", "/2024/01/05/one/two/"),
])
def test_jekyll_posts(name, fields, folders, style, expected):
    assert jekyll_path(page(name, **fields), style, folder_categories=folders) == expected


def test_jekyll_category_with_a_space_is_one_folder_escaped_in_the_url():
    # UrlDrop#categories only lower-cases; URL.escape_path makes the space %20
    path = jekyll_path(page("2024-01-05-x.md", categories=["Life Notes"]))
    assert url_of(BASE, path) == BASE + "life%20notes/2024/01/05/x.html"


@pytest.mark.parametrize(("name", "style", "own", "fields", "expected"), [
    # a collection's default is /:collection/:path plus the site style's ending
    ("soup.md", "date", "", {}, "/recipes/soup.html"),
    ("winter/2024-01-05-soup.md", "date", "", {}, "/recipes/winter/2024-01-05-soup.html"),
    ("Big Soup.md", "ordinal", "", {}, "/recipes/Big Soup.html"),
    ("soup.md", "pretty", "", {}, "/recipes/soup/"),
    ("soup.md", "/:year/:title/", "", {}, "/recipes/soup/"),
    ("soup.md", "/:year/:title", "", {}, "/recipes/soup"),
    # the collection's own permalink is a pattern, whatever the site's style
    ("2024-01-05-soup.md", "date", "/food/:title/", {}, "/food/soup/"),
    ("soup.md", "pretty", "/food/:name:output_ext", {}, "/food/soup.html"),
    # front matter permalink wins over both
    ("soup.md", "date", "/food/:title/", {"permalink": "/cook/soup/"}, "/cook/soup/"),
])
def test_jekyll_collections(name, style, own, fields, expected):
    assert jekyll_path(page(name, **fields), style, "recipes", own=own) == expected


def _jekyll_site(permalink="date", collections=()) -> JekyllSite:
    return JekyllSite(Path("/site"), "_config.yml", content=("",), data="_data",
                      rules={"permalink": permalink, "collections": collections,
                             "collections_dir": "", "skip": ("_site",)})


@pytest.mark.parametrize(("site_path", "permalink", "own", "expected"), [
    ("_posts/2024-01-05-x.md", "date", "", "/2024/01/05/x.html"),
    ("_posts/walks/2024-01-05-x.md", "date", "", "/2024/01/05/x.html"),  # no category
    ("blog/_posts/2024-01-05-x.md", "date", "", "/blog/2024/01/05/x.html"),
    ("life/blog/_posts/2024-01-05-x.md", "pretty", "", "/life/blog/2024/01/05/x/"),
    ("blog/_drafts/a-draft.md", "date", "", "/blog/2024/01/05/a-draft.html"),
    ("_recipes/soup.md", "date", "", "/recipes/soup.html"),
    ("_recipes/soup.md", "/:year/:title/", "/r/:title/", "/r/soup/"),
    pytest.param("blog/_posts/2024-01-05-x.md", "/:path/", "", "/blog/2024-01-05-x/"),
])
def test_jekyll_site_url_path(site_path, permalink, own, expected):
    site = _jekyll_site(permalink, (("recipes", own),))
    assert site.url_path(page(site_path)) == expected


def test_jekyll_site_outside_posts_and_collections_has_no_url():
    assert _jekyll_site().url_path(page("about.md")) is None


# --- Eleventy ---------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "fields", "expected"), [
    ("posts/first.md", {}, "/posts/first/"),
    ("posts/2024-01-05-first.md", {}, "/posts/2024-01-05-first/"),  # the date stays
    ("posts/Slow Mornings.md", {}, "/posts/Slow Mornings/"),  # not slugified
    ("notes.v2.md", {}, "/notes.v2/"),
    ("about.html", {}, "/about/"),
    ("index.md", {}, "/"),
    ("posts/index.md", {}, "/posts/"),
    ("posts/trip/index.md", {}, "/posts/trip/"),
    ("posts/2024-01-05-trip/index.md", {}, "/posts/2024-01-05-trip/"),
    ("posts/first.md", {"url": "/elsewhere/"}, "/posts/first/"),  # url means nothing
    ("posts/first.md", {"slug": "other"}, "/posts/first/"),  # nor does slug
    ("posts/first.md", {"permalink": "/walks/first/"}, "/walks/first/"),
    ("posts/first.md", {"permalink": "walks/first/"}, "/walks/first/"),
    ("posts/first.md", {"permalink": "/old/first.html"}, "/old/first.html"),
    # page.fileSlug (the name less a leading date; an index file's folder) and
    # page.filePathStem are filled in; anything else needs Eleventy
    ("posts/2024-01-05-first.md", {"permalink": "/{{ page.fileSlug }}/"}, "/first/"),
    ("posts/trip/index.md", {"permalink": "/trips/{{page.fileSlug}}/"}, "/trips/trip/"),
    ("posts/first.md", {"permalink": "{{ page.filePathStem }}/"}, "/posts/first/"),
    ("posts/first.md", {"permalink": "{{ page.filePathStem }}.html"}, "/posts/first.html"),
    ("posts/first.md", {"permalink": "/{{ title | slugify }}/"}, None),
    ("posts/first.md", {"permalink": "/{{ page.date }}/"}, None),
    ("posts/first.md", {"permalink": "{% if x %}/a/{% endif %}"}, None),
    pytest.param("posts/trip/trip.md", {}, "/posts/trip/"),
    pytest.param("posts/posts.md", {}, "/posts/"),
    pytest.param("posts/Index.md", {}, "/posts/Index/"),
    pytest.param("posts/first.md", {"permalink": "/about"}, "/about"),
    pytest.param("posts/first.md", {"permalink": "/walks/first/index.html"}, "/walks/first/"),
    pytest.param("posts/first.md", {"permalink": "/walks/first/index"}, "/walks/first/"),
    pytest.param("posts/2024-01-05-first.md", {"permalink": "{{ page.filePathStem }}/"},
                 "/posts/first/"),
    pytest.param("index.md", {"permalink": "/start/{{ page.fileSlug }}/"}, "/start/"),
    pytest.param("posts/week-2024-01-05-review.md", {"permalink": "/{{ page.fileSlug }}/"},
                 "/review/"),
    pytest.param("posts/first.md", {"permalink": False}, None),
    pytest.param("posts/first.md", {"permalink": {"build": "/walks/first/"}},
                 "/walks/first/"),
])
def test_eleventy_path(path, fields, expected):
    assert eleventy_path(page(path, **fields)) == expected


# --- Patterns ---------------------------------------------------------------------------

WALK = Page("essays/Long Walks/2024-03-09-evening-walk.md", "evening-walk",
            "An Evening Walk, Slowly", datetime(2024, 3, 9, tzinfo=UTC),
            {"categories": ["Daily Life", "Outdoors"]})


@pytest.mark.parametrize(("pattern", "expected"), [
    ("/{year}/{month}/{day}/{slug}/", "/2024/03/09/evening-walk/"),
    ("/{section}/{slug}/", "/essays/evening-walk/"),
    ("/{path}/{filename}/", "/essays/long-walks/2024-03-09-evening-walk/"),
    ("/{title}/", "/an-evening-walk-slowly/"),
    ("/{categories}/{slug}.html", "/daily-life/outdoors/evening-walk.html"),
    ("{slug}", "/evening-walk"),
    ("/writing/{slug}/", "/writing/evening-walk/"),
])
def test_pattern_path_tokens(pattern, expected):
    assert pattern_path(check_pattern(pattern), WALK) == expected


@pytest.mark.parametrize(("page_", "pattern", "expected"), [
    # empty tokens leave no empty folders
    (Page("top.md", "top", "Top", None), "/{year}/{month}/{slug}/", "/top/"),
    (Page("top.md", "top", "Top", None), "/{section}/{categories}/{slug}/", "/top/"),
    # a bundle's file name is its folder's
    (Page("posts/trip/index.md", "trip", "Trip", None), "/{section}/{filename}/",
     "/posts/trip/"),
    (Page("posts/trip/index.md", "trip", "Trip", None), "/{path}/", "/posts/"),
    # front matter url or permalink wins; a whole address does not
    (Page("a.md", "a", "A", None, {"url": "/kept/here/"}), "/{slug}/", "/kept/here/"),
    (Page("a.md", "a", "A", None, {"permalink": "/old.html"}), "/{slug}/", "/old.html"),
    (Page("a.md", "a", "A", None, {"url": "https://x.example/a/"}), "/p/{slug}/", "/p/a/"),
    (Page("a.md", "a", "A", None, {"category": "Tea", "categories": "Green Black"}),
     "/{categories}/", "/green/black/tea/"),  # categories, then category
])
def test_pattern_path_edges(page_, pattern, expected):
    assert pattern_path(pattern, page_) == expected


@pytest.mark.parametrize("pattern", [*PRESETS, "/{slug}/", "/{year}/{month}/{day}/{slug}/",
                                     "/" + "/".join("{" + t + "}" for t in TOKENS) + "/",
                                     "/plain/path/"])
def test_check_pattern_accepts(pattern):
    assert check_pattern(pattern) == pattern


@pytest.mark.parametrize(("pattern", "named"), [
    ("/{yaer}/{slug}/", "{yaer}"),
    ("/{slug}/{author}/", "{author}"),
    ("/{date}/", "{date}"),
])
def test_check_pattern_names_the_unknown_token(pattern, named):
    with pytest.raises(PermalinkError, match=named.replace("{", r"\{").replace("}", r"\}")):
        check_pattern(pattern)


@pytest.mark.parametrize("pattern", ["/{year/{slug}/", "/{slug}}/", "/{Year}/", "/{}/"])
def test_check_pattern_refuses_a_stray_brace(pattern):
    with pytest.raises(PermalinkError):
        check_pattern(pattern)


def test_permalink_error_is_a_value_error():
    assert issubclass(PermalinkError, ValueError)


# --- EssayUrls --------------------------------------------------------------------------

def essay(source: str, slug: str = "evening-walk", **fields) -> Document:
    return Document(slug=slug, title="An Evening Walk", source=source, text="We walked.",
                    date=datetime(2024, 3, 9, 18, 0, tzinfo=UTC), url_fields=fields)


def test_essay_urls_plain_is_base_and_slug_and_ignores_front_matter():
    urls = EssayUrls(BASE)
    assert urls.plain
    assert urls.url(essay("posts/x.md", url="/elsewhere/")) == (BASE + "evening-walk/", None)


@pytest.mark.parametrize(("permalink", "source", "fields", "expected"), [
    ("/{year}/{month}/{slug}/", "posts/x.md", {}, "2024/03/evening-walk/"),
    ("/{section}/{slug}/", "posts/x.md", {}, "posts/evening-walk/"),
    ("/{year}/{slug}/", "posts/x.md", {"url": "/kept/"}, "kept/"),
    ("hugo", "posts/Evening Walk.md", {}, "posts/evening-walk/"),
    ("hugo", "posts/émigré life.md", {}, "posts/%C3%A9migr%C3%A9-life/"),
    ("eleventy", "posts/Evening Walk.md", {}, "posts/Evening%20Walk/"),
    ("jekyll", "2024-03-09-evening-walk.md", {}, "2024/03/09/evening-walk.html"),
    ("jekyll", "2024-03-09-evening-walk.md", {"categories": ["Walks"]},
     "walks/2024/03/09/evening-walk.html"),
    # an essay of a file of many is named by its slug, in that file's folder
    ("hugo", "exports/blog.xml#12", {}, "exports/evening-walk/"),
    ("/{path}/{filename}/", "blog.xml#3", {}, "evening-walk/"),
])
def test_essay_urls_pattern_and_presets(permalink, source, fields, expected):
    urls = EssayUrls(BASE, permalink)
    assert not urls.plain
    assert urls.url(essay(source, **fields)) == (BASE + expected, None)


def test_essay_urls_preset_eleventy_template_permalink_falls_back_with_a_warning():
    url, warning = EssayUrls(BASE, "eleventy").url(
        essay("posts/x.md", permalink="/{{ title | slugify }}/"))
    assert url == BASE + "evening-walk/"
    assert warning is not None and "template" in warning and "{{ title | slugify }}" in warning


def _hugo_site(prefix: str = "") -> HugoSite:
    return HugoSite(Path("/site"), "hugo.toml", prefix=prefix, content=("content",),
                    rules={"permalinks": (("posts", "/:year/:month/:slug/"),)})


@pytest.mark.parametrize(("prefix", "source"), [
    ("", "content/posts/evening-walk.md"),  # SOURCE is the site
    ("content/", "posts/evening-walk.md"),  # SOURCE is its content folder
])
def test_essay_urls_follow_the_site_from_its_root_or_its_content(prefix, source):
    urls = EssayUrls(BASE, None, _hugo_site(prefix))
    assert urls.url(essay(source, slug="ignored")) == (BASE + "2024/03/an-evening-walk/", None)
    assert urls.url(essay(source.replace("posts/", "pages/"))) == \
        (BASE + "pages/evening-walk/", None)


def test_essay_urls_pattern_beats_the_site_and_the_sites_own_preset_is_its_rules():
    site = _hugo_site()
    source = "content/posts/evening-walk.md"
    assert EssayUrls(BASE, "/{slug}/", site).url(essay(source))[0] == BASE + "evening-walk/"
    assert EssayUrls(BASE, "hugo", site).url(essay(source))[0] == \
        BASE + "2024/03/an-evening-walk/"


def test_essay_urls_site_with_template_permalink_falls_back_with_a_warning():
    site = EleventySite(Path("/site"), "eleventy.config.js", content=("src",),
                        data="src/_data", rules={"skip": ()})
    urls = EssayUrls(BASE, None, site)
    assert urls.url(essay("src/posts/evening-walk.md")) == \
        (BASE + "posts/evening-walk/", None)
    url, warning = urls.url(essay("src/posts/evening-walk.md",
                                  permalink="/{{ title | slugify }}/"))
    assert url == BASE + "evening-walk/" and warning and "template" in warning


def test_essay_urls_page_is_the_path_under_the_content_folder():
    urls = EssayUrls(BASE, None, _hugo_site())
    made = urls.page(essay("content/posts/trip/index.md", slug="trip", categories=["Walks"]))
    assert made.path == "posts/trip/index.md"
    assert (made.slug, made.title, made.date) == ("trip", "An Evening Walk",
                                                  datetime(2024, 3, 9, 18, 0, tzinfo=UTC))
    assert made.fields == {"categories": ["Walks"]}
