"""Templates that render an essay's related posts inside a site generator's pages, from
the data file a build writes into the site's data folder (outputs/site_data.py): a Hugo
partial, a Jekyll include, an Eleventy (Nunjucks) include. Each finds the page's list by
the page's path, links each related post by its path (so links work under ``hugo
server`` and on the published site alike), and shows why it is related."""

from __future__ import annotations

from importlib import resources

TEMPLATES = {
    "hugo": ("related.hugo.html", "layouts/partials/related.html",
             '{{ partial "related.html" . }}'),
    "jekyll": ("related.jekyll.html", "_includes/related.html", "{% include related.html %}"),
    "eleventy": ("related.eleventy.njk", "_includes/related.njk",
                 '{% include "related.njk" %}'),
}


def site_template(kind: str) -> str:
    """The template for ``kind`` (hugo, jekyll or eleventy), ready to save where its
    first lines say; KeyError for another kind."""
    file_name = TEMPLATES[kind][0]
    return resources.files("feedsearch").joinpath("data", file_name).read_text("utf-8")


def template_place(kind: str) -> tuple[str, str]:
    """Where the template goes in a site, and the line a layout uses to include it."""
    _, path, usage = TEMPLATES[kind]
    return path, usage
