"""Pages for people: the preview server's (serve.py), the feeds page and the static
search page (outputs/). One Jinja2 environment renders them all, with autoescaping on for
every template, so that a title, tag or query holding markup is shown as text; HTML that
may be shown as HTML (an essay's sanitised body, a snippet whose only markup is the
``<mark>`` around matched words) is passed in marked safe by the code that made it safe.

Templates and the style sheet are package data in ``templates/``. A page written into OUT
carries its style inline (a static host serves it as it is); the preview server links
one style sheet, which its Content-Security-Policy allows.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("feedsearch", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def render(template: str, **context: Any) -> str:
    """The page ``template`` (a file in templates/) made from ``context``."""
    context.setdefault("inline_css", False)
    if context["inline_css"]:
        context["css"] = style_sheet()
    return environment().get_template(template).render(**context)


@lru_cache(maxsize=1)
def style_sheet() -> str:
    return resources.files("feedsearch").joinpath("templates", "style.css").read_text("utf-8")


def safe(html: str):
    """``html`` that the caller made safe (sanitised, or escaped with only ``<mark>``
    added), to be shown as HTML."""
    import markupsafe

    return markupsafe.Markup(html)
