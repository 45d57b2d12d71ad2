"""Plain text from HTML, for the index and for related posts."""

from __future__ import annotations

import lxml.html
from lxml import etree

from ..strings import XML_ILLEGAL
from .errors import ReadError

_BLOCKS = {
    "p", "div", "section", "article", "blockquote", "pre", "ul", "ol", "li", "dl", "dt", "dd",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "figure", "figcaption", "br", "hr",
    "header", "footer", "main", "aside", "nav",
}
_SKIP = {"script", "style", "noscript", "template"}


# Elements inside elements: real pages and posts nest a few dozen deep. Work on a tree
# (extraction, furniture, sanitising) grows with its depth times its size, so a small file
# of 100,000 nested or 8,000 unclosed tags could take minutes; such a file is refused.
MAX_DEPTH = 256
# libxml2 silently drops a text node over 10,000,000 characters unless told the input may
# be huge; the file size limit (--max-file-size) is what bounds a text node here.
HTML_PARSER = lxml.html.HTMLParser(huge_tree=True)


def checked_depth(root, children=iter):
    """``root``, once its tree is known to nest at most MAX_DEPTH deep (else ReadError);
    ``children`` gives a node's child elements (an lxml element's by default)."""
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ReadError(f"HTML nested over {MAX_DEPTH} elements deep (tags left open, "
                            "or nested without end); not read")
        stack.extend((child, depth + 1) for child in children(node))
    return root


def parse_fragment(html: str) -> etree._Element:
    """An HTML fragment inside a <div>, whatever the input: characters lxml refuses are
    dropped, and input it cannot parse gives an empty <div>. Raises ReadError for one
    nested over MAX_DEPTH deep."""
    cleaned = XML_ILLEGAL.sub("", html)
    try:
        root = lxml.html.fragment_fromstring(cleaned, create_parent="div", parser=HTML_PARSER)
    except (etree.ParserError, ValueError, AssertionError):  # "<html>" alone has no body
        return lxml.html.Element("div")
    return checked_depth(root)


def html_to_text(html: str) -> str:
    """Text with one blank line between blocks and single spaces inside them."""
    if not html.strip():
        return ""
    root = parse_fragment(html)
    parts: list[str] = []
    _walk(root, parts)
    blocks = ("".join(parts)).split("\n")
    return "\n\n".join(" ".join(block.split()) for block in blocks if block.strip())


def _walk(element: etree._Element, parts: list[str], in_pre: bool = False) -> None:
    """Block boundaries become newlines; a newline inside a paragraph is only a space,
    except in <pre>, where each line of code stays a line."""
    tag = element.tag if isinstance(element.tag, str) else ""
    in_pre = in_pre or tag == "pre"
    if tag in _SKIP:
        if element.tail:
            parts.append(_inline(element.tail, in_pre))
        return
    block = tag in _BLOCKS
    if block:
        parts.append("\n")
    if element.text and isinstance(element.tag, str):
        parts.append(_inline(element.text, in_pre))
    for child in element:
        _walk(child, parts, in_pre)
    if block:
        parts.append("\n")
    if element.tail:
        parts.append(_inline(element.tail, in_pre and tag != "pre"))


def _inline(text: str, in_pre: bool) -> str:
    return text if in_pre else text.replace("\n", " ")


def first_paragraph(text: str) -> str:
    """The first block of ``html_to_text`` output that reads like prose."""
    for block in text.split("\n\n"):
        if len(block.split()) >= 8:
            return block
    return text.split("\n\n", 1)[0] if text else ""
