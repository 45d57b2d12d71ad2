"""Snippets: a passage around the matched terms, from anywhere in the essay.

Whoosh's own ``hit.highlights`` is not used: it silently gives nothing past the first 32K
characters of a text, and it breaks ties between equally good passages by object identity
(``Fragment.__lt__`` compares ``id()``), so the same search could show different snippets
from one run to the next. Here passages are chosen by score, then by position.
"""

from __future__ import annotations

import html

from whoosh import highlight

SNIPPET_FIELD = "content"
PASSAGES = 2


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


def _matched_words(hit) -> frozenset[str]:
    field = hit.searcher.schema[SNIPPET_FIELD]
    if not hit.results.has_matched_terms():
        return frozenset()
    return frozenset(field.from_bytes(text) for name, text in hit.matched_terms()
                     if name == SNIPPET_FIELD)


def make_snippet(hit, text: str, chars: int) -> str:
    """The best passages of ``text`` for ``hit``, or the start of the text when no word of
    the query occurs in it (a match on the title or tags only)."""
    words = _matched_words(hit)
    if text and words:
        analyzer = hit.searcher.schema[SNIPPET_FIELD].analyzer
        tokens = analyzer(text, positions=True, chars=True, mode="index", removestops=False)
        fragmenter = highlight.ContextFragmenter(maxchars=chars, surround=chars // 4)
        fragmenter.charlimit = None  # Whoosh's default silently stops at 32K characters
        fragments = list(fragmenter.fragment_tokens(text, highlight.set_matched_filter(tokens,
                                                                                        words)))
        score = highlight.BasicFragmentScorer()
        best = sorted(fragments, key=lambda f: (-score(f), f.startchar))[:PASSAGES]
        best = sorted((f for f in best if score(f) >= 1), key=lambda f: f.startchar)
        if best:
            return " ".join(MarkFormatter().format(best).split())
    plain = " ".join(text.split())
    return html.escape(plain[:chars].rsplit(" ", 1)[0] + ("…" if len(plain) > chars else ""),
                       quote=False)
