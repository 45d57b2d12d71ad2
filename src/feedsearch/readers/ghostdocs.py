"""Ghost's editor documents as HTML: lexical (Ghost 5) and mobiledoc (Ghost 1 to 4), for an
export whose posts carry no rendered HTML. Text formats, headings, lists, quotes, links,
images, galleries, bookmarks, markdown cards and captions are kept; email-only, paywall and
signup cards are the platform's, not the writer's, and go."""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape


def render_lexical(raw: str) -> str:
    """HTML from a Lexical document (Ghost 5's editor): its text, headings, lists, quotes,
    links and the cards that hold the writer's words or pictures."""
    document = json.loads(raw)
    root = document.get("root") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        raise ValueError("a Lexical document without its root")
    return _lexical_children(root)


_TEXT_FORMATS = ((1, "strong"), (2, "em"), (4, "s"), (8, "u"), (16, "code"), (32, "sub"),
                 (64, "sup"))
_LEXICAL_BLOCKS = {"paragraph": "p", "quote": "blockquote", "aside": "blockquote",
                   "listitem": "li"}
_HEADINGS = frozenset(f"h{n}" for n in range(1, 7))


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _lexical_children(node: dict) -> str:
    children = node.get("children")
    if not isinstance(children, list):
        return ""
    return "".join(_lexical(child) for child in children if isinstance(child, dict))


def _lexical(node: dict) -> str:
    kind = _str(node.get("type")).removeprefix("extended-")
    if kind == "text":
        text = escape(_str(node.get("text")))
        style = node.get("format")
        for bit, tag in _TEXT_FORMATS if isinstance(style, int) else ():
            if style & bit:
                text = f"<{tag}>{text}</{tag}>"
        return text
    if kind == "linebreak":
        return "<br>"
    if kind == "tab":
        return "\t"
    if kind in ("link", "autolink"):
        return f'<a href="{escape(_str(node.get("url")))}">{_lexical_children(node)}</a>'
    if kind == "heading":
        tag = _str(node.get("tag")) if _str(node.get("tag")) in _HEADINGS else "h2"
        return f"<{tag}>{_lexical_children(node)}</{tag}>"
    if kind == "list":
        tag = "ol" if node.get("listType") == "number" or node.get("tag") == "ol" else "ul"
        return f"<{tag}>{_lexical_children(node)}</{tag}>"
    if kind in _LEXICAL_BLOCKS:
        tag = _LEXICAL_BLOCKS[kind]
        return f"<{tag}>{_lexical_children(node)}</{tag}>"
    if kind in _CARDS:
        return _CARDS[kind](node)
    return _lexical_children(node)  # a node not known here: its words, if it has any


def render_mobiledoc(raw: str) -> str:
    """HTML from a Mobiledoc document (Ghost 1 to 4's editor)."""
    document = json.loads(raw)
    if not isinstance(document, dict):
        raise ValueError("a Mobiledoc document that is not an object")

    def table(name: str) -> list:
        value = document.get(name)
        return value if isinstance(value, list) else []

    markups, atoms, cards = table("markups"), table("atoms"), table("cards")
    parts = []
    for section in table("sections"):
        if not isinstance(section, list) or not section:
            continue
        kind = section[0]
        if kind == 1 and len(section) >= 3:  # [1, tag, markers]
            tag = _str(section[1]).lower()
            tag = tag if tag in _HEADINGS or tag in ("p", "blockquote") else \
                "blockquote" if tag in ("aside", "pull-quote") else "p"
            parts.append(f"<{tag}>{_markers(section[2], markups, atoms)}</{tag}>")
        elif kind == 2 and len(section) >= 2:  # [2, src]
            parts.append(_figure(_str(section[1])))
        elif kind == 3 and len(section) >= 3:  # [3, tag, [markers, ...]]
            tag = "ol" if section[1] == "ol" else "ul"
            items = "".join(f"<li>{_markers(item, markups, atoms)}</li>" for item in section[2])
            parts.append(f"<{tag}>{items}</{tag}>")
        elif kind == 10 and len(section) >= 2:  # [10, card index]
            card = cards[section[1]] if isinstance(section[1], int) else None
            if isinstance(card, list) and len(card) >= 2 and isinstance(card[1], dict):
                name = "markdown" if card[0] == "card-markdown" else _str(card[0])
                parts.append(_CARDS[name](card[1]) if name in _CARDS else "")
    return "".join(parts)


_MARKUP_TAGS = frozenset({"a", "b", "strong", "i", "em", "u", "s", "code", "sub", "sup"})


def _markers(markers: list, markups: list, atoms: list) -> str:
    """A Mobiledoc section's markers ([kind, opened markups, closed count, value]) as HTML."""
    parts, open_tags = [], []
    for marker in markers if isinstance(markers, list) else ():
        if not isinstance(marker, list) or len(marker) < 4:
            continue
        kind, opened, closed, value = marker[:4]
        for index in opened if isinstance(opened, list) else ():
            markup = markups[index] if isinstance(index, int) else None
            tag = _str(markup[0]).lower() if isinstance(markup, list) and markup else ""
            if tag not in _MARKUP_TAGS:
                open_tags.append("")
                continue
            attributes = markup[1] if len(markup) > 1 and isinstance(markup[1], list) else []
            pairs = dict(zip(attributes[::2], attributes[1::2], strict=False))
            href = f' href="{escape(_str(pairs.get("href")))}"' if tag == "a" else ""
            parts.append(f"<{tag}{href}>")
            open_tags.append(tag)
        if kind == 0:
            parts.append(escape(_str(value)))
        elif kind == 1 and isinstance(value, int):  # an atom: [name, text, payload]
            atom = atoms[value]
            if isinstance(atom, list) and atom and atom[0] == "soft-return":
                parts.append("<br>")
            elif isinstance(atom, list) and len(atom) > 1:
                parts.append(escape(_str(atom[1])))
        for _ in range(min(closed, len(open_tags)) if isinstance(closed, int) else 0):
            tag = open_tags.pop()
            parts.append(f"</{tag}>" if tag else "")
    parts.extend(f"</{tag}>" for tag in reversed(open_tags) if tag)
    return "".join(parts)


# Cards: Lexical's decorator nodes and Mobiledoc's cards share their names and fields.

def _figure(src: str, alt: str = "", caption: str = "") -> str:
    if not src:
        return ""
    caption = f"<figcaption>{caption}</figcaption>" if caption.strip() else ""
    return f'<figure><img src="{escape(src)}" alt="{escape(alt)}">{caption}</figure>'


def markdown_card(card: dict) -> str:
    from .markdown import render_markdown  # the Markdown stack, only when a post has one

    return render_markdown(_str(card.get("markdown")))


def _gallery(card: dict) -> str:
    images = card.get("images")
    figures = "".join(_figure(_str(i.get("src")), _str(i.get("alt")), _str(i.get("caption")))
                      for i in images if isinstance(i, dict)) if isinstance(images, list) else ""
    caption = _str(card.get("caption"))
    return figures + (f"<p>{caption}</p>" if caption.strip() else "")


def _bookmark(card: dict) -> str:
    url = _str(card.get("url"))
    metadata = card.get("metadata") if isinstance(card.get("metadata"), dict) else {}
    title = _str(metadata.get("title")) or url
    return f'<p><a href="{escape(url)}">{escape(title)}</a></p>' if url else ""


def _with_caption(html: str, card: dict) -> str:
    caption = _str(card.get("caption"))
    return html + (f"<p>{caption}</p>" if caption.strip() else "")


_CARDS: dict[str, Callable[[dict], str]] = {
    "html": lambda card: _str(card.get("html")),
    "markdown": markdown_card,
    "image": lambda card: _figure(_str(card.get("src")), _str(card.get("alt")),
                                  _str(card.get("caption"))),
    "gallery": _gallery,
    "horizontalrule": lambda card: "<hr>",
    "hr": lambda card: "<hr>",
    "codeblock": lambda card: f"<pre><code>{escape(_str(card.get('code')))}</code></pre>",
    "code": lambda card: f"<pre><code>{escape(_str(card.get('code')))}</code></pre>",
    "embed": lambda card: _with_caption(_str(card.get("html")), card),
    "bookmark": _bookmark,
    "callout": lambda card: f"<p>{_str(card.get('calloutText'))}</p>",
    "toggle": lambda card: f"<h4>{_str(card.get('heading'))}</h4>"
                           f"<div>{_str(card.get('content'))}</div>",
    "header": lambda card: f"<h2>{_str(card.get('header'))}</h2>"
                           f"<p>{_str(card.get('subheader'))}</p>",
    "button": lambda card: f'<p><a href="{escape(_str(card.get("buttonUrl")))}">'
                           f"{escape(_str(card.get('buttonText')))}</a></p>",
    # In the email only, or a form or marker: nothing of the essay.
    "email": lambda card: "", "email-cta": lambda card: "", "paywall": lambda card: "",
    "signup": lambda card: "", "video": lambda card: "", "audio": lambda card: "",
    "file": lambda card: "", "product": lambda card: "",
}
