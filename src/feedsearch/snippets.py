"""Snippets: a passage around the matched terms, from anywhere in the essay."""

from __future__ import annotations

import html

from whoosh import highlight


class MarkFormatter(highlight.Formatter):
    """Matched terms in ``<mark>``, everything else HTML-escaped."""

    between = " … "

    def format_token(self, text, token, replace=False):
        return f"<mark>{html.escape(highlight.get_text(text, token, replace), quote=False)}</mark>"

    def format_fragment(self, fragment, replace=False):
        output = []
        index = fragment.startchar
        text = fragment.text
        for token in fragment.matches:
            if token.startchar < index:
                continue
            output.append(html.escape(text[index:token.startchar], quote=False))
            output.append(self.format_token(text, token, replace))
            index = token.endchar
        output.append(html.escape(text[index:fragment.endchar], quote=False))
        return "".join(output)


def make_snippet(hit, text: str, chars: int) -> str:
    """The best passage of ``text`` for ``hit``, or the start of the text when no term of
    the query occurs in the body (a match on title or tags only)."""
    if text:
        fragmenter = highlight.ContextFragmenter(maxchars=chars, surround=chars // 4)
        fragmenter.charlimit = None  # Whoosh's default silently stops at 32K characters
        hit.results.fragmenter = fragmenter
        hit.results.formatter = MarkFormatter()
        marked = hit.highlights("body", text=text, top=2)
        if marked:
            return " ".join(marked.split())
    plain = " ".join(text.split())
    return html.escape(plain[:chars].rsplit(" ", 1)[0] + ("…" if len(plain) > chars else ""),
                       quote=False)
