"""The essay's body in a saved web page: trafilatura finds it, our cleaning removes what it
leaks on blog pages.

trafilatura (2.x) is the strongest public main-text extractor; with ``favor_precision`` it
scores F1 0.959 on the ScrapingHub benchmark (bench/extraction.py). It is run twice, for
HTML (structure kept for the feeds) and for plain text (for the index), because its plain
text is cleaner than text taken from its HTML. Our cleaning then drops a leading copy of
the title and trailing lines of page furniture it lets through: share and like prompts,
comment counts and forms, subscribe prompts, and previous/next links.
"""

from __future__ import annotations

import re
import warnings
from copy import deepcopy

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from ..strings import XML_ILLEGAL
from .furniture import is_furniture
from .htmltext import HTML_PARSER, checked_depth, parse_fragment

_TAIL_WINDOW = 8
_MEDIA_TAGS = ("img", "figure", "picture", "video", "audio", "iframe")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def parse_page(page: str) -> HtmlElement:
    """The page's tree, parsed once for metadata, extraction and images. Raises ReadError
    for a page nested over MAX_DEPTH deep."""
    # An XHTML page's <?xml ... encoding="utf-8"?> declaration: the text is decoded already,
    # and lxml refuses a decoded string that declares an encoding.
    page = _XML_DECLARATION.sub("", XML_ILLEGAL.sub("", page), count=1)
    try:
        root = lxml.html.document_fromstring(page, parser=HTML_PARSER)
    except (ValueError, etree.ParserError):
        return lxml.html.document_fromstring("<html><body></body></html>")
    return checked_depth(root)


def extract(root: HtmlElement, title: str) -> tuple[str, str]:
    """(body HTML, body text) of a page's tree; ("", "") when no body is found."""
    import trafilatura

    options = {"favor_precision": True, "include_comments": False, "include_tables": True}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # trafilatura prunes the tree it is given: each run gets its own copy.
        tree = _without_time_tags(root)  # a copy
        html = trafilatura.extract(deepcopy(tree), output_format="html",
                                   include_formatting=True, include_links=True,
                                   include_images=True, **options) or ""
        text = trafilatura.extract(tree, **options) or ""
    if not text.strip() or not html.strip():  # both, or it found no body after all
        return "", ""
    html, text = clean_html(_inner_body(html), title), clean_text(text, title)
    if not html.strip() or not text.strip():
        return "", ""
    return _with_images(root, html, text)


def _without_time_tags(root: HtmlElement) -> HtmlElement:
    """A copy with <time> elements replaced by their words: trafilatura drops them, and
    "We met on <time>2 May</time>, a Thursday" would lose its date."""
    copy = deepcopy(root)
    for element in list(copy.iter("time")):
        element.drop_tag()
    return copy


def _inner_body(html: str) -> str:
    if not html.strip():
        return ""
    document = lxml.html.document_fromstring(html)
    body = document.find("body")
    root = body if body is not None else document
    parts = [lxml.html.tostring(child, encoding="unicode") for child in root]
    return "".join(parts).strip()


def clean_text(text: str, title: str) -> str:
    """Paragraphs without a leading copy of the title or a trailing block of furniture."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
    if paragraphs and title and paragraphs[0].casefold() == title.casefold():
        paragraphs.pop(0)
    cut = len(paragraphs)
    for index in range(len(paragraphs) - 1, max(-1, len(paragraphs) - 1 - _TAIL_WINDOW), -1):
        if is_furniture(paragraphs[index]):
            cut = index
        elif len(paragraphs[index].split()) > 12:
            break
    return "\n\n".join(paragraphs[:cut])


def clean_html(html: str, title: str) -> str:
    """The same cleaning on the HTML: the title heading and trailing furniture elements go."""
    if not html:
        return ""
    root = parse_fragment(html)
    children = list(root)
    if children and children[0].tag in ("h1", "h2") and title and \
            " ".join(children[0].text_content().split()).casefold() == title.casefold():
        root.remove(children[0])
    for child in reversed(list(root)[-_TAIL_WINDOW:]):
        # A comment or processing instruction (an "<?xml ?>" inside the page) has no text.
        text = " ".join(child.text_content().split()) if isinstance(child.tag, str) else ""
        media = isinstance(child.tag, str) and (
            child.tag in _MEDIA_TAGS or any(True for _ in child.iter(*_MEDIA_TAGS)))
        if is_furniture(text) or not text and not media and child.tag != "hr":
            root.remove(child)  # (a paragraph that is only a picture is the writer's)
        elif len(text.split()) > 12:
            break
    return "".join(lxml.html.tostring(child, encoding="unicode") for child in root)


_IMAGE_ATTRIBUTES = ("srcset", "sizes")


def _page_images(tree: HtmlElement) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """From the page itself: image src -> its srcset and sizes, and image src -> the
    caption of its <figure>. trafilatura drops both; captions are the writer's words."""
    attributes, captions = {}, {}
    for image in tree.iter("img"):
        src = image.get("src")
        if src:
            attributes[src] = {a: image.get(a) for a in _IMAGE_ATTRIBUTES if image.get(a)}
    for figure in tree.iter("figure"):
        image, caption = figure.find(".//img"), figure.find(".//figcaption")
        if image is not None and caption is not None and image.get("src"):
            text = " ".join(caption.text_content().split())
            if text:
                captions[image.get("src")] = text
    return attributes, captions


def _with_images(page: HtmlElement, html: str, text: str) -> tuple[str, str]:
    if "<img" not in html:
        return html, text
    attributes, captions = _page_images(page)
    root = parse_fragment(html)
    paragraphs = text.split("\n\n")
    for image in list(root.iter("img")):
        for name, value in attributes.get(image.get("src", ""), {}).items():
            image.set(name, value)
        caption = captions.get(image.get("src", ""))
        if not caption or caption in text:
            continue
        figure = lxml.html.Element("figure")
        image.addprevious(figure)
        figure.append(image)  # moves the image, and its tail, into the figure
        figure.tail, image.tail = image.tail, None
        lxml.html.etree.SubElement(figure, "figcaption").text = caption
        before = _text_before(figure)
        where = next((i for i, p in enumerate(paragraphs) if before and before in p),
                     len(paragraphs) - 1)
        paragraphs.insert(where + 1, caption)
    body = "".join(lxml.html.tostring(child, encoding="unicode") for child in root)
    return (root.text or "") + body, "\n\n".join(paragraphs)


def _text_before(element) -> str:
    """The last words of the block before ``element``, to find its place in the text."""
    for previous in element.itersiblings(preceding=True):
        words = " ".join(previous.text_content().split())
        if words:
            return words[-40:]
    parent = element.getparent()
    return _text_before(parent) if parent is not None and parent.getparent() is not None else ""
