"""A post's body as a blog platform stores it, made into the HTML and text of an essay.

Export files and feeds hold the body itself, not a page around it, so there is nothing to
extract; what needs undoing is how each platform stores it:

- WordPress's classic editor saves no paragraphs: a blank line is a paragraph and a single
  newline a line break (WordPress adds them when it shows the post, "autop").
- WordPress shortcodes: ``[caption]`` wraps an image and its caption; ``[embed]`` a URL;
  ``[gallery]`` and page-builder codes are markers that mean nothing outside WordPress.
- Gutenberg keeps its block structure in ``<!-- wp:... -->`` comments.
- Squarespace wraps everything in ``sqs-block`` divs, lazy-loads images from ``data-src``
  and repeats each image inside ``<noscript>``.
- Newsletters end posts with subscribe forms and share buttons.

Relative links and images are resolved against the post's own address, where they worked.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable

import lxml.html
from lxml import etree

from ..urls import resolve_url_attribute, web_url
from .extract import clean_html, clean_text
from .furniture import FURNITURE_CLASS
from .htmltext import html_to_text, parse_fragment

_BLOCK_TAGS = ("address|article|aside|blockquote|dd|details|div|dl|dt|figcaption|figure|"
               "footer|form|h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|tbody|td|"
               "tfoot|th|thead|tr|ul|iframe|video|audio|object|script|style")
_BLOCK_START = re.compile(rf"^</?(?:{_BLOCK_TAGS})\b", re.I)
_AROUND_BLOCKS = re.compile(rf"(<(?:{_BLOCK_TAGS})\b[^>]*>|</(?:{_BLOCK_TAGS})>)", re.I)
# Openings and closings, paired in one pass by _replace_pairs: a non-greedy regular
# expression from one to the other takes time growing with the square of openings that are
# never closed (40,000 of them: a minute).
_PRE = re.compile(r"(?P<open><pre\b)|(?P<close></pre>)", re.I)
_CAPTION = re.compile(r"(?P<open>\[(?:wp_)?caption(?P<attributes>[^\[\]]*)\])|"
                      r"(?P<close>\[/(?:wp_)?caption\])", re.I)
_CAPTION_MEDIA = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$",
                            re.I | re.S)
_ATTRIBUTE = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|(\S+))')
_EMBED = re.compile(r"\[embed[^\[\]]*\]\s*([^\s\[\]]+)\s*\[/embed\]", re.I)
# Shortcodes WordPress and its page builders register; anything else in brackets ("[sic]",
# "[1]") is the writer's text and stays.
_SHORTCODE_NAMES = (r"gallery|playlist|audio|video|embed|caption|wp_caption|contact-form(?:-7)?|"
                    r"(?:et_pb|vc|fusion|av|cs|tatsu|themify|su)_[\w-]*|column|row|one_half|"
                    r"one_third|two_thirds|button|box|tabs?|accordion|toggle|divider|spacer")
_SHORTCODE = re.compile(rf"\[/?(?:{_SHORTCODE_NAMES})(?:\s[^\[\]]*)?/?\]", re.I)
_DROP = ("script", "style", "template", "form", "input", "button", "select", "textarea",
         "link", "meta", "svg")
_LAZY_SOURCES = ("data-src", "data-image", "data-lazy-src", "data-original")
_PLACEHOLDER = re.compile(r"^(data:|about:blank|$)", re.I)


def post_body(raw: str, title: str, base: str | None) -> tuple[str, str]:
    """(HTML, text) of a stored post body; ``base`` is the post's URL, for relative links."""
    classic = "<!-- wp:" not in raw and not re.search(r"<p[\s>]", raw, re.I)
    raw = _shortcodes(raw)
    if classic:
        raw = autop(raw)
    root = parse_fragment(raw)
    _images(root)
    _drop_furniture(root)
    if base:
        _absolute_urls(root, base)
    html = "".join(_serialise(child) for child in root)
    if root.text and root.text.strip():  # words before the first element are a paragraph
        html = f"<p>{htmllib.escape(root.text.strip())}</p>{html}"
    html = clean_html(html.strip(), title)
    text = clean_text(html_to_text(html), title)
    return html, text


def autop(text: str) -> str:
    """Paragraphs from blank lines and line breaks from single newlines, as WordPress shows
    a classic-editor post; block elements are left as they are and <pre> untouched."""
    kept: list[str] = []

    def keep(block: str) -> str:
        kept.append(block)
        return f"\x00{len(kept) - 1}\x00"

    text = _replace_pairs(text.replace("\r\n", "\n").replace("\r", "\n"), _PRE,
                          lambda opening, inner, closing: keep(opening + inner + closing))
    text = _AROUND_BLOCKS.sub(_set_apart, text)
    paragraphs = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _BLOCK_START.match(chunk) or re.fullmatch(r"\x00\d+\x00", chunk):
            paragraphs.append(chunk)
        else:
            paragraphs.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", chunk) + "</p>")
    joined = "\n".join(paragraphs)
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], joined)


def _set_apart(match: re.Match) -> str:
    """A blank line before a block's start tag and after its end tag."""
    tag = match.group(1)
    return f"{tag}\n\n" if tag.startswith("</") else f"\n\n{tag}"


def _replace_pairs(text: str, tokens: re.Pattern,
                   render: Callable[[str, str, str], str]) -> str:
    """Each opening (group "open" of ``tokens``) and the first closing (group "close")
    after it, with what lies between, replaced by ``render(opening, between, closing)``:
    what ``open(.*?)close`` would match, found in one pass."""
    parts: list[str] = []
    position, opened = 0, None
    for token in tokens.finditer(text):
        if token.group("close") is None:
            opened = opened or token
        elif opened is not None:
            parts += [text[position:opened.start()],
                      render(opened.group(0), text[opened.end():token.start()], token.group(0))]
            position, opened = token.end(), None
    return "".join(parts) + text[position:]


def _shortcodes(text: str) -> str:
    text = _replace_pairs(text, _CAPTION, _figure)
    text = _EMBED.sub(lambda m: f'<a href="{htmllib.escape(m.group(1))}">'
                                f"{htmllib.escape(m.group(1))}</a>", text)
    return _SHORTCODE.sub("", text)


def _figure(opening: str, inner: str, _closing: str) -> str:
    """``[caption ...]<img> words[/caption]`` -> <figure> with the image and a caption."""
    attributes = {m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
                  for m in _ATTRIBUTE.finditer(opening)}
    media = _CAPTION_MEDIA.match(inner)
    if media is None:
        return inner
    words = media.group(2).strip() or htmllib.escape(attributes.get("caption", ""))
    caption = f"<figcaption>{words}</figcaption>" if words else ""
    return f"\n\n<figure>{media.group(1)}{caption}</figure>\n\n"


def _images(root: etree._Element) -> None:
    """Lazy images get their real source; an image repeated inside <noscript> is kept once."""
    for image in root.iter("img"):
        if _PLACEHOLDER.match(image.get("src", "").strip()):
            lazy = next((image.get(a) for a in _LAZY_SOURCES if image.get(a)), None)
            if lazy:
                image.set("src", lazy)
    for noscript in list(root.iter("noscript")):
        parent = noscript.getparent()
        if parent is None:
            continue
        others = [i for i in parent.iter("img") if not _inside(i, noscript)]
        if others or not len(noscript):
            noscript.drop_tree()
        else:
            noscript.drop_tag()
    seen: set[str] = set()
    for image in list(root.iter("img")):
        src = image.get("src", "")
        if not src or src in seen and image.getparent() is not None:
            _remove(image)
        seen.add(src)


def _inside(element: etree._Element, ancestor: etree._Element) -> bool:
    return any(parent is ancestor for parent in element.iterancestors())


def _drop_furniture(root: etree._Element) -> None:
    for element in list(root.iter(*_DROP)):
        _remove(element)
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None:
            if not isinstance(element.tag, str) and element.getparent() is not None:
                _remove(element)  # comments (Gutenberg's block markers) and PIs
            continue
        marks = f"{element.get('class', '')} {element.get('id', '')}"
        if marks.strip() and FURNITURE_CLASS.search(marks):
            _remove(element)
    for element in list(root.iter("div", "span", "section")):
        if element.getparent() is not None and not element.text_content().strip() and \
                next(element.iter("img", "video", "audio", "iframe", "hr"), None) is None:
            _remove(element)  # spacers and empty layout blocks


def _remove(element: etree._Element) -> None:
    """Remove an element but keep its tail text."""
    parent = element.getparent()
    if parent is not None:
        element.drop_tree() if hasattr(element, "drop_tree") else parent.remove(element)


def _absolute_urls(root: etree._Element, base: str) -> None:
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in ("href", "src", "srcset", "poster", "cite"):
            value = element.get(name)
            if value and not value.startswith("#"):
                element.set(name, resolve_url_attribute(name, value, base))


def _serialise(element: etree._Element) -> str:
    return lxml.html.tostring(element, encoding="unicode")


def base_url_of(link: str | None, site: str | None) -> str | None:
    """Where a post's relative URLs point: its own address, else the site's."""
    return web_url(link) or web_url(site)
