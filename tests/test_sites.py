"""Sites on real folders: a Jekyll, an Eleventy and a Hugo site (and a Hugo site's content
folder given as SOURCE) detected, walked, read and built, checking which files are essays,
that Jekyll's ``_drafts`` are drafts, the essays' URLs in OUT/feed.json and the keys of the
related map in the site's data folder.

Each expectation is the generator's own behaviour, checked against Jekyll 4.3's output
and Jekyll 4.4's and Eleventy 3.1's source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from feedsearch.build import BuildOptions, build
from feedsearch.corpus import read_corpus, walk_sources
from feedsearch.sites import EssayUrls, detect
from feedsearch.sites.eleventy import EleventySite
from feedsearch.sites.hugo import HugoSite
from feedsearch.sites.jekyll import JekyllSite


def essay(title: str, body: str, date: str | None = None, extra: str = "") -> str:
    head = f"title: {title}\n" + (f"date: {date}\n" if date else "") + extra
    return f"---\n{head}---\n\n{body}\n"


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def walked(root: Path, site=None) -> list[str]:
    return [source.relpath for source in walk_sources(root, site=site)]


def run_build(source: Path, work: Path, **options) -> tuple[dict[str, str], object]:
    """Build ``source`` into ``work``; each essay's URL in OUT/feed.json, by title."""
    settings = dict(source=source, out=work / "out", index=work / "index",
                    title="Small Days")
    settings.update(options)
    report = build(BuildOptions(**settings))
    feed = json.loads((work / "out" / "feed.json").read_text(encoding="utf-8"))
    return {item["title"]: item["url"] for item in feed["items"]}, report


def data_keys(path: Path) -> set[str]:
    return set(json.loads(path.read_text(encoding="utf-8")))


# Short everyday essays, shared by the three sites so that related posts exist.
BREAD = ("Morning Bread", "I bake a small loaf of bread before work. The dough rises while "
         "the kettle boils, and the kitchen smells warm by the time I leave the house.")
COMMUTE = ("Rainy Commute", "The bus was late again in the rain. I watched people share "
           "umbrellas at the stop and decided that waiting is easier with bread in my bag.")
SOUP = ("Lentil Soup", "Lentil soup needs an onion, a carrot and patience. I make a big pot "
        "on Sunday and eat it from the kitchen counter for most of the week.")
LETTER = ("Half Written Letter", "I started a letter to my aunt about the garden and the "
          "weather, then stopped at the part about the broken fence.")
FROST = ("First Frost", "The first frost turned the lawn white this morning. I scraped the "
         "car window with a library card and was late for the bus.")
CLEANING = ("Spring Cleaning", "Spring cleaning started with one drawer and ended with the "
            "whole kitchen. I found three spare keys and a recipe for soup in my handwriting.")
TRIP = ("Lake Trip", "We drove to the lake for one night. The water was too cold to swim "
        "but warm enough to stand in, and we ate bread and soup on the pier.")
GARDEN = ("Rooftop Garden", "Tomatoes grow on our roof in old paint buckets. Each evening I "
          "carry water up the stairs and the neighbours ask for basil.")
TRAINS = ("Late Trains", "The train home stopped for twenty minutes between stations. "
          "Nobody complained; we looked at the gardens behind the houses instead.")
ABOUT = ("About", "I write short notes about kitchens, gardens and waiting for trains.")


# --- Jekyll -----------------------------------------------------------------------------

JEKYLL_CONFIG = """\
title: Small Days
url: https://days.example
baseurl: /notebook
permalink: /:categories/:year/:month/:title/
collections:
  recipes:
    output: true
    permalink: /kitchen/:title/
  scraps:
    output: false
"""


@pytest.fixture
def jekyll(tmp_path) -> Path:
    return write(tmp_path / "site", {
        "_config.yml": JEKYLL_CONFIG,
        "_posts/2024-02-10-morning-bread.md": essay(*BREAD),
        "_posts/undated-thoughts.md": essay("Undated", "A post with no date in its name."),
        "blog/_posts/2024-03-02-rainy-commute.md": essay(*COMMUTE),
        "_recipes/lentil-soup.md": essay(*SOUP, date="2024-03-20"),
        "_scraps/odd-note.md": essay("Odd Note", "A collection that is not written out.",
                                     date="2024-01-01"),
        "_drafts/half-written-letter.md": essay(*LETTER, date="2024-04-01"),
        "_layouts/default.html": "<html><body>{{ content }}</body></html>\n",
        "_includes/footer.md": "Written slowly, in the kitchen.\n",
        "_data/authors.yml": "me: Someone\n",
        "_site/2024/02/morning-bread/index.html":
            "<html><head><title>Morning Bread</title></head><body><p>Built.</p></body></html>",
        "node_modules/tool/notes.md": essay("Tool", "Notes of a package.", "2024-01-01"),
        "README.md": "# Small Days\n\nThe source of my site; build it with Jekyll.\n",
        "about.md": essay(*ABOUT),
    })


def test_jekyll_is_detected_with_its_base_url_data_folder_and_rules(jekyll):
    site = detect(jekyll)
    assert isinstance(site, JekyllSite)
    assert site.config == "_config.yml"
    assert site.base_url == "https://days.example/notebook/"
    assert site.data_dir == jekyll / "_data"
    assert site.rules["permalink"] == "/:categories/:year/:month/:title/"
    assert dict(site.rules["collections"]) == {"recipes": "/kitchen/:title/"}
    assert detect(jekyll, "hugo") is None and detect(jekyll, "none") is None


def test_jekyll_walk_reads_posts_drafts_and_output_collections_only(jekyll):
    assert sorted(walked(jekyll, detect(jekyll))) == [
        "_drafts/half-written-letter.md",
        "_posts/2024-02-10-morning-bread.md",
        "_recipes/lentil-soup.md",
        "blog/_posts/2024-03-02-rainy-commute.md",
    ]
    # the same folder as a plain archive reads its pages and README too
    plain = walked(jekyll)
    assert "about.md" in plain and "README.md" in plain


def test_jekyll_drafts_are_left_out_unless_asked_for_and_then_are_drafts(jekyll):
    site = detect(jekyll)
    read = read_corpus(jekyll, site=site)
    assert sorted(d.title for d in read.documents) == ["Lentil Soup", "Morning Bread",
                                                      "Rainy Commute"]
    assert read.drafts == 1
    with_drafts = read_corpus(jekyll, site=site, include_drafts=True)
    drafts = {d.title: d.draft for d in with_drafts.documents}
    assert drafts == {"Lentil Soup": False, "Morning Bread": False, "Rainy Commute": False,
                      "Half Written Letter": True}
    assert with_drafts.drafts == 0


def test_jekyll_build_urls_and_data_files(jekyll, tmp_path):
    urls, report = run_build(jekyll, tmp_path / "work")
    base = "https://days.example/notebook/"
    assert urls == {
        "Morning Bread": base + "2024/02/morning-bread/",
        "Rainy Commute": base + "blog/2024/03/rainy-commute/",
        "Lentil Soup": base + "kitchen/lentil-soup/",
    }
    paths = {"/2024/02/morning-bread/", "/blog/2024/03/rainy-commute/", "/kitchen/lentil-soup/"}
    assert data_keys(jekyll / "_data" / "related.json") == paths
    in_yaml = yaml.safe_load((jekyll / "_data" / "related.yml").read_text(encoding="utf-8"))
    assert set(in_yaml) == paths
    linked = [entry["path"] for entries in in_yaml.values() for entry in entries]
    assert linked and set(linked) <= paths
    assert any("Jekyll site" in note for note in report.notes)
    # the site's own data is left as it was
    assert (jekyll / "_data" / "authors.yml").read_text() == "me: Someone\n"


def test_jekyll_drafts_built_with_drafts_get_the_posts_permalink(jekyll, tmp_path):
    urls, _ = run_build(jekyll, tmp_path / "work", include_drafts=True)
    assert urls["Half Written Letter"] == \
        "https://days.example/notebook/2024/04/half-written-letter/"


def test_jekyll_base_url_option_beats_the_config(jekyll, tmp_path):
    urls, _ = run_build(jekyll, tmp_path / "work", base_url="https://mirror.example/")
    assert urls["Morning Bread"] == "https://mirror.example/2024/02/morning-bread/"
    # the data keys are paths in the site, whatever the base
    assert "/2024/02/morning-bread/" in data_keys(jekyll / "_data" / "related.json")


def test_jekyll_posts_collection_permalink(tmp_path):
    root = write(tmp_path / "site", {
        "_config.yml": "collections:\n  posts:\n    output: true\n    permalink: /blog/:title/\n",
        "_posts/2024-02-10-morning-bread.md": essay(*BREAD),
    })
    urls = EssayUrls("https://days.example/", None, detect(root))
    (document,) = read_corpus(root, site=detect(root)).documents
    assert urls.url(document)[0] == "https://days.example/blog/morning-bread/"


def test_jekyll_underscore_folder_inside_posts_is_not_read(tmp_path):
    root = write(tmp_path / "site", {
        "_config.yml": "title: x\n",
        "_posts/2024-02-10-morning-bread.md": essay(*BREAD),
        "_posts/_notes/2024-02-11-aside.md": essay("Aside", "A note kept aside."),
    })
    assert walked(root, detect(root)) == ["_posts/2024-02-10-morning-bread.md"]


def test_jekyll_future_post_is_not_published(tmp_path):
    # Jekyll publishes no post dated in the future (future: false); nor do the feeds.
    root = write(tmp_path / "site", {
        "_config.yml": "title: x\n",
        "_posts/2024-02-10-morning-bread.md": essay(*BREAD),
        "_posts/2999-01-01-far-ahead.md": essay("Far Ahead", "A post for another century."),
    })
    urls, report = run_build(root, tmp_path / "work")
    assert list(urls) == ["Morning Bread"] and report.future == 1
    assert set(data_keys(root / "_data" / "related.json")) == {"/2024/02/10/morning-bread.html"}


def test_jekyll_one_digit_month_in_a_post_name(tmp_path):
    root = write(tmp_path / "site", {
        "_config.yml": "title: x\n",
        "_posts/2024-3-7-small-hours.md": essay("Small Hours", "Awake at four again."),
    })
    site = detect(root)
    (document,) = read_corpus(root, site=site).documents
    assert EssayUrls("https://days.example/", None, site).url(document)[0] == \
        "https://days.example/2024/03/07/small-hours.html"


def test_jekyll_collections_dir_holds_the_posts(tmp_path):
    root = write(tmp_path / "site", {
        "_config.yml": "collections_dir: writing\n",
        "_posts/2024-02-10-morning-bread.md": essay(*BREAD),
        "writing/_posts/2024-03-02-rainy-commute.md": essay(*COMMUTE),
    })
    assert walked(root, detect(root)) == ["writing/_posts/2024-03-02-rainy-commute.md"]


def test_jekyll_category_folder_and_front_matter_slug_and_permalink(tmp_path):
    root = write(tmp_path / "site", {
        "_config.yml": "url: https://days.example\n",
        "travel/_posts/2024-05-01-night-bus.md": essay(
            "Night Bus", "The night bus smells of chips.", extra="categories: [Cheap]\n"),
        "_posts/2024-05-02-kettle.md": essay("Kettle", "The kettle clicks off.",
                                             extra="slug: Kettle Song\n"),
        "_posts/2024-05-03-shelf.md": essay("Shelf", "A shelf went up at last.",
                                            extra="permalink: /diy/shelf/\n"),
    })
    site = detect(root)
    urls = EssayUrls(site.base_url, None, site)
    got = {d.title: urls.url(d)[0] for d in read_corpus(root, site=site).documents}
    assert got == {
        "Night Bus": "https://days.example/travel/cheap/2024/05/01/night-bus.html",
        "Kettle": "https://days.example/2024/05/02/Kettle-Song.html",
        "Shelf": "https://days.example/diy/shelf/",
    }


# --- Eleventy ---------------------------------------------------------------------------

ELEVENTY_CONFIG = """\
export default function (eleventyConfig) {
  eleventyConfig.addPassthroughCopy("src/**/*.jpg");
  return {
    dir: { input: "src" },
  };
}
"""


@pytest.fixture
def eleventy(tmp_path) -> Path:
    return write(tmp_path / "site", {
        "eleventy.config.js": ELEVENTY_CONFIG,
        "package.json": '{"name": "small-days", "private": true}\n',
        "src/index.md": essay("Home", "Welcome. The newest notes are listed below."),
        "src/posts/index.md": essay("All Posts", "Every post, newest first."),
        "src/posts/first-frost.md": essay(*FROST, date="2024-11-20"),
        "src/posts/2024-04-01-spring-cleaning.md": essay(*CLEANING),
        "src/posts/Slow Sunday.md": essay("Slow Sunday", "A slow Sunday with bread and "
                                          "the radio, soup later.", date="2024-05-05"),
        "src/posts/trip/index.md": essay(*TRIP, date="2024-07-14"),
        "src/posts/trip/lake.jpg": b"\xff\xd8\xff\xe0 not really a photo",
        "src/posts/posts.json": '{"layout": "post.njk", "tags": "posts"}\n',
        "src/_includes/post.njk": "<article>{{ content | safe }}</article>\n",
        "src/_includes/aside.md": essay("Aside", "An include, not a page.", "2024-01-01"),
        "src/_data/site.json": '{"title": "Small Days"}\n',
        "_site/posts/first-frost/index.html":
            "<html><head><title>First Frost</title></head><body><p>Built.</p></body></html>",
        "node_modules/@11ty/eleventy/README.md": "# Eleventy\n",
        "README.md": "# Small Days\n\nBuild with npx @11ty/eleventy.\n",
    })


def test_eleventy_is_detected_with_its_input_folder(eleventy):
    site = detect(eleventy)
    assert isinstance(site, EleventySite)
    assert site.config == "eleventy.config.js"
    assert site.content == ("src",)
    assert site.data_dir == eleventy / "src" / "_data"
    assert site.base_url is None


def test_eleventy_walk_reads_pages_of_the_input_folder_but_listing_pages(eleventy):
    assert sorted(walked(eleventy, detect(eleventy))) == [
        "src/posts/2024-04-01-spring-cleaning.md",
        "src/posts/Slow Sunday.md",
        "src/posts/first-frost.md",
        "src/posts/trip/index.md",
    ]


def test_eleventy_index_with_a_sibling_page_is_a_listing(eleventy):
    write(eleventy, {"src/posts/trip/photos.md": essay("Photos", "The photos.", "2024-07-15")})
    got = walked(eleventy, detect(eleventy))
    assert "src/posts/trip/index.md" not in got and "src/posts/trip/photos.md" in got


def test_eleventy_build_urls_and_data_keys(eleventy, tmp_path):
    base = "https://days.example/"
    urls, report = run_build(eleventy, tmp_path / "work", base_url=base)
    # Spring Cleaning has its date only in its file name, which Eleventy's URL keeps
    assert urls == {
        "First Frost": base + "posts/first-frost/",
        "Spring Cleaning": base + "posts/2024-04-01-spring-cleaning/",
        "Slow Sunday": base + "posts/Slow%20Sunday/",
        "Lake Trip": base + "posts/trip/",
    }
    # keyed by page.url as Eleventy makes it: not percent-encoded
    assert data_keys(eleventy / "src" / "_data" / "related.json") == {
        "/posts/first-frost/", "/posts/2024-04-01-spring-cleaning/", "/posts/Slow Sunday/",
        "/posts/trip/"}
    assert not (eleventy / "src" / "_data" / "related.yml").exists()
    assert json.loads((eleventy / "src" / "_data" / "site.json").read_text()) == \
        {"title": "Small Days"}
    assert any("Eleventy site" in note for note in report.notes)


def test_eleventy_front_matter_permalink(eleventy, tmp_path):
    write(eleventy, {
        "src/posts/first-frost.md": essay(*FROST, date="2024-11-20",
                                          extra="permalink: /winter/frost/\n"),
        "src/posts/trip/index.md": essay(*TRIP, date="2024-07-14",
                                         extra='permalink: "/{{ page.fileSlug }}/"\n'),
    })
    urls, report = run_build(eleventy, tmp_path / "work", base_url="https://days.example/")
    assert urls["First Frost"] == "https://days.example/winter/frost/"
    assert urls["Lake Trip"] == "https://days.example/trip/"
    assert "/winter/frost/" in data_keys(eleventy / "src" / "_data" / "related.json")


def test_eleventy_templated_permalink_falls_back_to_the_slug_with_a_warning(eleventy, tmp_path):
    write(eleventy, {"src/posts/first-frost.md": essay(
        *FROST, date="2024-11-20", extra='permalink: "/{{ title | slugify }}/"\n')})
    urls, report = run_build(eleventy, tmp_path / "work", base_url="https://days.example/")
    assert urls["First Frost"] == "https://days.example/first-frost/"
    assert any("template" in str(w) and "first-frost.md" in str(w) for w in report.warnings)


def test_eleventy_ignore_file_is_honoured(eleventy):
    write(eleventy, {".eleventyignore": "src/posts/first-frost.md\n"})
    assert "src/posts/first-frost.md" not in walked(eleventy, detect(eleventy))


def test_eleventy_permalink_false_has_no_page(eleventy, tmp_path):
    write(eleventy, {"src/posts/first-frost.md": essay(
        *FROST, date="2024-11-20", extra="permalink: false\n")})
    urls, _ = run_build(eleventy, tmp_path / "work", base_url="https://days.example/")
    assert "https://days.example/posts/first-frost/" not in urls.values()


# --- Hugo -------------------------------------------------------------------------------

HUGO_CONFIG = """\
baseURL = "https://hills.example/"
title = "Small Days"
theme = "paper"

[permalinks]
  posts = "/:year/:month/:slug/"
"""


@pytest.fixture
def hugo(tmp_path) -> Path:
    return write(tmp_path / "site", {
        "hugo.toml": HUGO_CONFIG,
        "content/_index.md": essay("Small Days", "The home page."),
        "content/posts/_index.md": essay("Posts", "All the posts."),
        "content/posts/rooftop-garden.md": essay(*GARDEN, date="2024-05-06"),
        "content/posts/late-trains/index.md": essay(*TRAINS, date="2024-06-07",
                                                    extra="slug: waiting for trains\n"),
        "content/posts/late-trains/platform.jpg": b"\xff\xd8\xff\xe0 not really a photo",
        "content/posts/late-trains/notes.txt": "Platform 4, 18:40.\n",
        "content/about.md": essay(*ABOUT, date="2024-01-02"),
        "themes/paper/layouts/_default/single.html": "{{ .Content }}\n",
        "themes/paper/exampleSite/content/posts/demo.md": essay("Demo", "Demo.", "2020-01-01"),
        "layouts/_default/single.html": "<main>{{ .Content }}</main>\n",
        "static/notes.md": essay("Static", "Copied as it is.", "2024-01-01"),
        "data/authors.json": '{"me": "Someone"}\n',
        "public/posts/index.html": "<html><body><p>Built.</p></body></html>",
        "README.md": "# Small Days\n\nBuild with hugo.\n",
    })


# about.md, a page directly under content/, is not a post (test_hugo_pages_outside_...).
HUGO_PATHS = {"/2024/05/rooftop-garden/", "/2024/06/waiting-for-trains/"}


def test_hugo_is_detected_with_base_url_permalinks_and_data(hugo):
    site = detect(hugo)
    assert isinstance(site, HugoSite)
    assert (site.config, site.content, site.prefix) == ("hugo.toml", ("content",), "")
    assert site.base_url == "https://hills.example/"
    assert site.data_dir == hugo / "data"
    assert dict(site.rules["permalinks"]) == {"posts": "/:year/:month/:slug/"}


def test_hugo_walk_reads_content_pages_only(hugo):
    assert sorted(walked(hugo, detect(hugo))) == [
        "content/posts/late-trains/index.md",
        "content/posts/rooftop-garden.md",
    ]


def test_hugo_build_urls_and_data_keys(hugo, tmp_path):
    urls, report = run_build(hugo, tmp_path / "work")
    assert urls == {
        "Rooftop Garden": "https://hills.example/2024/05/rooftop-garden/",
        "Late Trains": "https://hills.example/2024/06/waiting-for-trains/",
    }
    assert data_keys(hugo / "data" / "related.json") == HUGO_PATHS
    assert not (hugo / "data" / "related.yml").exists()
    assert json.loads((hugo / "data" / "authors.json").read_text()) == {"me": "Someone"}
    assert any("Hugo site" in note for note in report.notes)


def test_hugo_content_folder_as_source_is_the_same_site(hugo, tmp_path):
    content = hugo / "content"
    site = detect(content)
    assert isinstance(site, HugoSite)
    assert site.root == hugo.resolve() and site.prefix == "content/"
    assert site.data_dir == hugo.resolve() / "data"
    assert sorted(walked(content, site)) == ["posts/late-trains/index.md",
                                             "posts/rooftop-garden.md"]
    urls, _ = run_build(content, tmp_path / "work")
    assert set(urls.values()) == {"https://hills.example" + p for p in HUGO_PATHS}
    assert data_keys(hugo / "data" / "related.json") == HUGO_PATHS


def test_hugo_section_folder_as_source_reads_that_section(hugo):
    section = hugo / "content" / "posts"
    site = detect(section)
    assert isinstance(site, HugoSite) and site.prefix == "content/posts/"
    assert sorted(walked(section, site)) == ["late-trains/index.md", "rooftop-garden.md"]


def test_hugo_section_folder_as_source_keeps_the_sites_urls(hugo):
    section = hugo / "content" / "posts"
    site = detect(section)
    urls = EssayUrls("https://hills.example/", None, site)
    got = {d.title: urls.url(d)[0] for d in read_corpus(section, site=site).documents}
    assert got == {"Rooftop Garden": "https://hills.example/2024/05/rooftop-garden/",
                   "Late Trains": "https://hills.example/2024/06/waiting-for-trains/"}


def test_a_folder_under_a_site_but_outside_its_content_is_not_the_site(hugo):
    assert detect(hugo / "layouts") is None
    assert detect(hugo / "themes" / "paper") is None


def test_site_kind_none_reads_a_site_as_a_plain_folder(hugo, tmp_path):
    assert detect(hugo, "none") is None
    urls, _ = run_build(hugo, tmp_path / "work", site_kind="none",
                        base_url="https://hills.example/")
    # every Markdown file with a date, under the plain /<slug>/ rule
    assert urls["Rooftop Garden"] == "https://hills.example/rooftop-garden/"
    assert "Demo" in urls and "Static" in urls
    assert not (hugo / "data" / "related.json").exists()


def test_hugo_pages_outside_sections_are_not_posts(tmp_path):
    root = write(tmp_path / "site", {
        "hugo.toml": 'baseURL = "https://hills.example/"\n',
        "content/about.md": essay("About", "Who writes here."),
        "content/posts/rooftop-garden.md": essay("Rooftop Garden", "Tomatoes on the roof."),
        "content/talks/spring.md": essay("Spring Talk", "Slides about tomatoes."),
    })
    assert walked(root, detect(root)) == ["content/posts/rooftop-garden.md",
                                          "content/talks/spring.md"]
    # the content folder as SOURCE is the whole site too
    content = root / "content"
    assert walked(content, detect(content)) == ["posts/rooftop-garden.md", "talks/spring.md"]


def test_hugo_main_sections_name_the_posts(tmp_path):
    root = write(tmp_path / "site", {
        "hugo.toml": 'baseURL = "https://hills.example/"\n[params]\n  mainSections = ["posts"]\n',
        "content/posts/rooftop-garden.md": essay("Rooftop Garden", "Tomatoes on the roof."),
        "content/talks/spring.md": essay("Spring Talk", "Slides about tomatoes."),
    })
    assert walked(root, detect(root)) == ["content/posts/rooftop-garden.md"]
    # a section given as SOURCE is read whole, whatever the main sections
    talks = root / "content" / "talks"
    assert walked(talks, detect(talks)) == ["spring.md"]
