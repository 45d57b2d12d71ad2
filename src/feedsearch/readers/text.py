"""Plain-text essays, as writers have them: often copied out of a browser, page and all.

A text file is an essay with its title on the first line, or a copy of a blog page: the
site's navigation, a title, a subtitle, a byline or date line (above or below the title),
the essay, then share prompts, comment forms and the next and previous posts' titles. The
reader takes the copy apart as a person reads it:

- **head**: the lines before the first sentence of prose. Navigation and counts are
  dropped, a date line or byline gives the date and author, a bare name right before the
  date (or before "Follow") is the author; of the text lines before the last such line,
  the title is the last group's first line and a line after it the subtitle (the
  summary). With no byline, date or navigation at all, the first line is the title.
- **tail**: the essay ends at the first line that begins the page after it ("Share this:",
  "Leave a comment", "Written by", "Subscribe to ...") when little prose follows that line,
  and before a trailing block of navigation lines and the titles among them, whatever
  their length; a lone "Next" inside the essay, or a closing "With love, Ana", stays.

The lines are classified by readers/copies.py from data (data/text_copies.toml).
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from datetime import date as Date

from ..model import Document
from ..strings import slugify
from .base import Reader, SourceFile
from .copies import Byline, CopyRules, Kind, normal, person_name, rules_for, tag_like, title_like
from .errors import ReadError
from .meta import dated_name_fix, shorten, to_datetime, undated_warning
from .registry import register

_BY = ("by", "von", "par", "por", "di", "door", "av")
_HEAD_LINES = 40
_CLUSTER = 6  # an end line with most of the next six lines the page's begins the page
_SEPARATORS = ("·", "•", "∙", "|", "-", "—", "–")
_BYLINE_REACH = 16  # lines after a subtitle (or a menu's sentence) that may hold the byline
_WRAP_WIDTH = 100
_ENDS = (".", "!", "?", "…", '"', "”", "»", ":")
# Hashtags a copy glued to the end of the essay's last sentence ("... a while.#choir #sing").
_GLUED_TAGS = re.compile(r"([.!?…”\"])\s*(?:#[^\s#][^#]*){2,}$")
_META = (Kind.END, Kind.FURNITURE, Kind.BYLINE, Kind.DATE)
_TAIL_PROSE_SHARE = 0.25  # an end line is the page's when less prose than this follows it
_TAIL_PROSE_WORDS = 80  # ... or fewer words than this


@register
class TextReader(Reader):
    extensions = (".txt", ".text")

    def parse(self, source: SourceFile) -> Document:
        copy = read_copy(source.text.split("\n"), rules_for(source.language), source.stem)
        paragraphs = _paragraphs(copy.body)
        if not copy.title:
            raise ReadError("no title line")
        if not paragraphs:
            raise ReadError("no text after the title line")
        name_date, name_slug = source.name_date_and_slug()
        day = name_date or copy.date
        date = to_datetime(day, source.default_tz) if day else None
        if date is None:
            source.warn(undated_warning(
                "no date in the text or the file name",
                "add a date line under the title (March 3, 2024) "
                + dated_name_fix(source.relpath)))
        text = "\n\n".join(paragraphs)
        return Document(
            slug=name_slug,
            title=copy.title,
            source=source.relpath,
            html="".join(f"<p>{htmllib.escape(p, quote=False)}</p>\n" for p in paragraphs),
            text=text,
            date=date,
            authors=copy.authors,
            summary=shorten(copy.subtitle or paragraphs[0]),
        )


@dataclass
class Copy:
    """A text copy taken apart: its title, what the page said about it, and its body."""

    title: str = ""
    subtitle: str = ""
    date: Date | None = None
    authors: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)


def read_copy(lines: list[str], rules: CopyRules, file_stem: str = "") -> Copy:
    """A text file's lines -> its title, subtitle, date, authors and body lines."""
    lines = [line.rstrip() for line in lines]
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if not filled:
        return Copy()
    kinds = {i: rules.kind(lines[i]) for i in filled[:_HEAD_LINES]}
    head = _read_head(lines, filled[:_head_end(filled, kinds)], kinds, rules, file_stem)
    body, tail = _cut_tail(lines[head.body_start:], rules)
    below = _bylines(tail, rules)  # a byline or date under the essay, where the head had none
    return Copy(head.title, head.subtitle, head.date or below.date,
                head.authors or ([below.author] if below.author else []), body)


@dataclass
class _Head:
    title: str = ""
    subtitle: str = ""
    date: Date | None = None
    authors: list[str] = field(default_factory=list)
    body_start: int = 0


def _head_end(filled: list[int], kinds: dict[int, Kind]) -> int:
    """How many of the first filled lines are the head: up to the first prose line that
    no byline or date follows before the next prose line (a subtitle, or a menu's "Use tab
    to navigate through the menu items.", may be a sentence)."""
    for position, index in enumerate(filled[:_HEAD_LINES]):
        if kinds[index] is Kind.PROSE and not _byline_follows(filled[position + 1:], kinds):
            return position
    return min(len(filled), _HEAD_LINES)


def _byline_follows(rest: list[int], kinds: dict[int, Kind]) -> bool:
    """A date or byline comes after this line before the next sentence of prose."""
    for i in rest[:_BYLINE_REACH]:
        kind = kinds.get(i)
        if kind in (Kind.DATE, Kind.BYLINE):
            return True
        if kind is Kind.PROSE or kind is None:
            return False
    return False


def _read_head(lines: list[str], head: list[int], kinds: dict[int, Kind], rules: CopyRules,
               file_stem: str) -> _Head:
    found = _Head()
    metas = [i for i in head if kinds[i] in _META]
    for i in head:  # the date and author a byline or date line gives
        if kinds[i] is Kind.DATE and found.date is None:
            found.date = rules.date_of(lines[i])
        elif kinds[i] in (Kind.BYLINE, Kind.END):  # "Written by ..." ends Medium's page
            _take(found, rules.byline(lines[i]))
    texts = [i for i in head if kinds[i] not in _META]
    if not metas or head[-1] == _last_filled(lines):
        # A plain text file, or one with no prose at all: the first title-like line is
        # the title, and what follows it is left to the trailing-navigation rule.
        shorts = [i for i in head if kinds[i] is Kind.SHORT] or head
        found.title = normal(lines[shorts[0]]) if shorts else ""
        found.body_start = (shorts[0] + 1) if shorts else 0
        return found
    last_meta = metas[-1]
    before = [i for i in texts if i < last_meta]
    after = [i for i in texts if i > last_meta]
    authors = [i for i in before if _is_bare_author(i, lines, kinds, head, found, rules)]
    before = [i for i in before if i not in authors]
    # A name under the title's own lines (not under a menu) bylines the lines above it.
    bare_author = any(kinds.get(_previous(head, i)) not in _META for i in authors
                      if _previous(head, i) is not None)
    named = [i for i in texts if slugify(lines[i]) == slugify(file_stem)] if file_stem else []
    if named:
        title_at = named[0]
    elif after and kinds[after[0]] is Kind.SHORT and not (before and (
            bare_author or _name_after_date(after[0], lines, found))):
        # a date or menu above the title (where the title's own byline is above the date,
        # "Jonah Sterling / 22 Sep 2023", the line after is the essay's first heading)
        title_at = after.pop(0)
    elif before:
        title_at = _title_in(_groups(before, head), lines)
    else:
        title_at = after[0] if after else None
    if title_at is None:  # only navigation and dates: a title that reads like them
        plain = [i for i in head if kinds[i] not in (Kind.DATE, Kind.BYLINE)]
        title_at = plain[0] if plain else None
    if title_at is None:
        found.body_start = last_meta + 1
        return found
    found.title = normal(lines[title_at])
    following = [i for i in before if i > title_at]
    if following and following[0] == _next(head, title_at):
        found.subtitle = normal(lines[following[0]])
    body_from = [i for i in after if i > title_at and normal(lines[i]) not in found.authors]
    names = [i for i in after if normal(lines[i]) in found.authors]
    found.body_start = body_from[0] if body_from else max(last_meta, title_at, *names) + 1
    return found


def _last_filled(lines: list[str]) -> int:
    return max(i for i, line in enumerate(lines) if line.strip())


def _take(found: _Head, byline: Byline | None) -> None:
    if byline is None:
        return
    if found.date is None and byline.date is not None:
        found.date = byline.date
    if byline.author and byline.author not in found.authors:
        found.authors.append(byline.author)


def _is_bare_author(i: int, lines: list[str], kinds: dict[int, Kind], head: list[int],
                    found: _Head, rules: CopyRules) -> bool:
    """A name alone on its line, right before the date line, a byline or "Follow": the
    author (Medium, Substack and Ghost put it there)."""
    after, before = _next(head, i), _previous(head, i)
    if before is not None and normal(lines[before]).lower() in _BY and person_name(lines[i]):
        _take(found, Byline(author=normal(lines[i])))  # "by" on a line of its own
        return True
    while after is not None and normal(lines[after]) in _SEPARATORS:
        after = _next(head, after)  # "Rafael Montoya / · / Follow"
    if after is None or kinds[after] not in (Kind.DATE, Kind.BYLINE, Kind.FURNITURE):
        return False
    if kinds[after] is Kind.BYLINE and (rules.byline(lines[after]) or Byline()).author:
        return False  # "Posted by ..." names the author itself: this line is the title
    if not any(kinds[j] is Kind.SHORT for j in head[:head.index(i)]):
        return False  # the first words of the page are the site's name, not a byline
    if kinds[after] is Kind.FURNITURE and normal(lines[after]).lower() not in ("follow",
                                                                               "following"):
        return False
    if not person_name(lines[i]) or len(lines[i].split()) > 4:
        return False
    _take(found, Byline(author=normal(lines[i])))
    return True


def _name_after_date(i: int, lines: list[str], found: _Head) -> bool:
    """A name under the title's date line is its author (Squarespace), not its title."""
    if found.authors or "," in lines[i] or not (
            person_name(lines[i]) and 2 <= len(lines[i].split()) <= 4):
        return False
    _take(found, Byline(author=normal(lines[i])))
    return True


def _previous(head: list[int], i: int) -> int | None:
    position = head.index(i)
    return head[position - 1] if position else None


def _next(head: list[int], i: int) -> int | None:
    position = head.index(i)
    return head[position + 1] if position + 1 < len(head) else None


def _groups(texts: list[int], head: list[int]) -> list[list[int]]:
    """Runs of text lines with nothing between them in the head."""
    groups: list[list[int]] = []
    for i in texts:
        if groups and _next(head, groups[-1][-1]) == i:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _title_in(groups: list[list[int]], lines: list[str]) -> int:
    """The title among the text lines before the byline, in the last run of them (a
    site's name and menu come earlier): its last line, or the line before when the last
    is a subtitle (longer, after a line too long to be a menu item)."""
    last = groups[-1]
    if len(last) == 1:
        return last[0]
    for line, following in zip(last, last[1:], strict=False):  # a subtitle that is a sentence
        if lines[following].rstrip().endswith((".", "!", "?", "…")) and title_like(lines[line]):
            return line
    return last[-2] if len(lines[last[-2]].split()) >= 3 else last[-1]


def _cut_tail(body: list[str], rules: CopyRules) -> tuple[list[str], list[str]]:
    """(the essay's lines, the page's lines after it)."""
    cut = _end_line(body, rules)
    kept, tail = body[:cut], body[cut:]
    while (trimmed := len(trim_navigation(kept, rules, page_follows=bool(tail)))) < len(kept):
        kept, tail = kept[:trimmed], kept[trimmed:] + tail
    return kept, tail


def _end_line(body: list[str], rules: CopyRules) -> int:
    """Where the page after the essay begins: the first "end" line that little prose
    follows, or that the page's lines follow (share buttons, a comment form); the body's
    length when there is none. (Only end lines and the few lines after them are
    classified: a long essay's sentences are only counted.)"""
    texts = [normal(line) for line in body]
    ends = [i for i, text in enumerate(texts) if text and rules.end.fullmatch(text)]
    if not ends:
        return len(body)
    words = [0 if title_like(text) or rules.end.fullmatch(text) or rules.furniture.fullmatch(text)
             else len(text.split()) for text in texts]  # the words of sentences of prose
    total = sum(words)
    for index in ends:
        before = sum(words[:index])
        if not before:
            continue
        after = total - before - words[index]
        following = [rules.kind(text) for text in texts[index + 1:] if text][:_CLUSTER]
        if after < max(_TAIL_PROSE_WORDS, _TAIL_PROSE_SHARE * before) or \
                _page_follows(following):
            return index
    return len(body)


def _page_follows(kinds: list[Kind]) -> bool:
    """The lines after an end line are the page's (share buttons, a comment form's
    labels), not the essay going on after a sentence that says "Share this:"."""
    return sum(kind in _META for kind in kinds) >= _CLUSTER // 2 + 1


def trim_navigation(lines: list[str], rules: CopyRules | None = None,
                    page_follows: bool = False) -> list[str]:
    """``lines`` without a trailing block of page furniture: the last lines that are
    navigation, dates, bylines or title-like lines (a next post's title, however long),
    cut from the first navigation line among them."""
    rules = rules or rules_for("en")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    block: list[int] = []
    for i in reversed(filled):
        if rules.kind(lines[i]) is Kind.PROSE:
            break
        block.insert(0, i)
    kinds = [rules.kind(lines[i]) for i in block]
    page = [n for n, kind in enumerate(kinds) if kind in _META]
    if page_follows:  # the lines cut after these were the page's
        page.append(len(block))
    if not page:
        return lines
    for n, i in enumerate(block):  # tags just before the navigation are the page's too
        if kinds[n] in _META or (n < page[-1] and tag_like(lines[i])):
            return lines[:i]
    return lines


def _bylines(tail: list[str], rules: CopyRules) -> Byline:
    """The first date and author the page after the essay gives ("Posted by ... at", or
    a name alone on the first line after it, as Squarespace shows the author)."""
    day, author = None, None
    first = next((normal(line) for line in tail if line.strip()), "")
    if "," not in first and 2 <= len(first.split()) <= 4 and person_name(first):
        author = first
    for line in tail:  # a date under the essay, before the page's other posts and comments
        if not line.strip():
            continue
        if rules.end.fullmatch(normal(line)):
            break
        if (when := rules.date_of(line)) is not None:
            day = when
            break
    for line in tail:
        if not line.strip():
            continue
        found = rules.byline(line)
        if found is not None:
            day = day or found.date
            author = author or found.author
    return Byline(day, author)


def _paragraphs(lines: list[str]) -> list[str]:
    """Paragraphs are separated by blank lines, or are one line each where a copy put
    them on lines of their own (most of a block's lines end a sentence); lines that do
    not (hard-wrapped text) are joined."""
    paragraphs = []
    for block in "\n".join(lines).split("\n\n"):
        rows = [normal(row) for row in block.split("\n") if row.strip()]
        ended = sum(1 for row in rows if row.endswith(_ENDS))
        wrapped = all(len(row) <= _WRAP_WIDTH for row in rows)  # hard-wrapped at ~72-80
        if len(rows) > 1 and (ended == len(rows) or (ended * 2 > len(rows) and not wrapped)):
            paragraphs += rows
        elif rows:
            paragraphs.append(" ".join(rows))
    if paragraphs:
        paragraphs[-1] = _GLUED_TAGS.sub(r"\1", paragraphs[-1])
    return paragraphs
