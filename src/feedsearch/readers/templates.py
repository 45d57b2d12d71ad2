"""Template syntax left in Markdown by static site generators, taken out before rendering.

Jekyll's Liquid, Eleventy's Nunjucks and Liquid, and Hugo's shortcodes run when the site is
built; the Markdown files hold them unrendered: ``{% image "a.png" "alt" %}``,
``[text]({{ "/2016/04/08/post/" | url }})``, ``{{< param handbook_url >}}``,
``{{ page.title }}``. Read as text they would be indexed, shown in snippets and published
in the feeds. Here, outside code (fenced blocks and inline code, where such syntax is what
an essay about templates shows):

- a link whose target is a template expression around a quoted path resolves to that path
  (``{{ "/2016/04/08/post/" | url }}`` is ``/2016/04/08/post/``, made absolute later like
  any site-relative link); other expressions in a target are dropped
  (``{{ site.baseurl }}/about/`` is ``/about/``), and a link left with no target keeps its
  text only;
- ``{% highlight lang %}`` ... ``{% endhighlight %}`` becomes a fenced code block;
- ``{% comment %}`` ... ``{% endcomment %}`` is dropped whole; every other ``{% ... %}`` tag
  and ``{{ ... }}`` expression or shortcode is dropped, and what a paired shortcode wraps
  stays.

Every pattern is bounded (a tag is at most a few hundred characters on one line), so the
work is linear in the file's size.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HIGHLIGHT = re.compile(r"^\s*\{%-?\s*highlight\s+([\w+#.-]+)[^%\n]{0,200}-?%\}\s*$")
_END_HIGHLIGHT = re.compile(r"^\s*\{%-?\s*endhighlight\s*-?%\}\s*$")
_COMMENT = re.compile(r"\{%-?\s*comment\s*-?%\}.{0,20000}?\{%-?\s*endcomment\s*-?%\}", re.S)
_INLINE_CODE = re.compile(r"(`+)[^`\n]{1,2000}?\1")
# A link's target that is an expression around a quoted path, with filters or not.
_QUOTED_TARGET = re.compile(
    r"\]\(\s*\{\{-?\s*([\"'])([^\"'\n{}]{1,500})\1[^{}\n]{0,200}?-?\}\}\s*\)")
_TARGET = re.compile(r"\]\(([^()\n]{0,1000})\)")
_EXPRESSION = re.compile(r"\{\{[^\n]{0,500}?\}\}")
_TAG = re.compile(r"\{%[^\n]{0,500}?%\}")
_EMPTY_LINK = re.compile(r"(!?)\[([^\[\]\n]{0,1000})\]\(\s*\)")


def strip_templates(markdown: str) -> str:
    """``markdown`` without the template syntax of its prose (see the module's notes)."""
    if "{{" not in markdown and "{%" not in markdown:
        return markdown
    markdown = _COMMENT.sub("", markdown)
    out: list[str] = []
    fence: str | None = None  # the fence of the code block we are in, if any
    highlighting = False  # in a {% highlight %} block, which ends at {% endhighlight %}
    for line in markdown.split("\n"):
        if highlighting:
            if _END_HIGHLIGHT.match(line):
                out.append("```")
                highlighting = False
            else:
                out.append(line)
        elif fence is not None:
            out.append(line)
            closing = _FENCE.match(line)
            if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence):
                fence = None
        elif opening := _FENCE.match(line):
            fence = opening.group(1)
            out.append(line)
        elif highlight := _HIGHLIGHT.match(line):
            out.append(f"```{highlight.group(1)}")
            highlighting = True
        else:
            out.append(_prose(line))
    return "\n".join(out)


def _prose(line: str) -> str:
    """One line of prose without template syntax, inline code untouched."""
    if "{{" not in line and "{%" not in line:
        return line
    pieces, position = [], 0
    for code in _INLINE_CODE.finditer(line):
        pieces.append(_without_templates(line[position:code.start()]))
        pieces.append(code.group(0))
        position = code.end()
    pieces.append(_without_templates(line[position:]))
    return "".join(pieces)


def _without_templates(text: str) -> str:
    text = _QUOTED_TARGET.sub(lambda m: f"]({m.group(2).strip()})", text)
    text = _TARGET.sub(lambda m: f"]({_EXPRESSION.sub('', m.group(1)).strip()})", text)
    text = _EMPTY_LINK.sub(lambda m: "" if m.group(1) else m.group(2), text)
    return _TAG.sub("", _EXPRESSION.sub("", text))
