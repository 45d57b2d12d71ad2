"""Commands for sites built by a generator: template."""

from __future__ import annotations

import click

from ..site_templates import TEMPLATES, site_template, template_place


@click.command()
@click.argument("generator", type=click.Choice(sorted(TEMPLATES)))
def template(generator: str) -> None:
    """Print a template that shows an essay's related posts on a GENERATOR site: a Hugo
    partial, a Jekyll include or an Eleventy include. Save it where it says; it reads
    the related map the build writes into the site's data folder.

    \b
    Example:
      feedsearch template hugo > layouts/partials/related.html
    """
    text = site_template(generator)
    click.echo(text, nl=not text.endswith("\n"))
    if not click.get_text_stream("stdout").isatty():
        return
    path, usage = template_place(generator)
    click.echo(f"Save it as {path} and add {usage} to your layout.", err=True)


COMMANDS = (template,)
