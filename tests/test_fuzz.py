"""A property-based fuzzer over whole archives.

Each example is a folder of essays in every shape feedsearch reads (Markdown with YAML,
TOML, JSON or Pelican front matter, saved HTML pages, plain text, WordPress exports, saved
RSS and Atom feeds), in nested folders under odd names, with random damage: bytes cut off,
invalid UTF-8, other encodings, control characters, lone surrogates, impossible dates,
odd front matter values, half-open IPv6 links, empty files, duplicate slugs. Every file
knows what a build owes it (built, warned, skipped, or any of these), see ``Expect``.

Each archive is built for real through the command line (Click's CliRunner on the
``feedsearch`` group), five times: fresh, again unchanged, fresh into other folders, and,
after a change to the archive, incrementally and fresh. Every build must exit 0 without a
traceback, warn once per bad file naming it with a specific reason (never the catch-all
"could not be read (...)", which means an exception escaped a reader), write feeds that
feedparser reads without bozo and a JSON Feed that loads, write nothing outside OUT and
INDEX, and write the same bytes as the other build of the same archive.

The default run is short and the same every time (a few derandomised examples). The long
run is ``make fuzz`` (docs/fuzzing.md): ``HYPOTHESIS_PROFILE=fuzz`` selects many random
examples, ``FUZZ_SECONDS`` or ``FUZZ_DEADLINE`` bound it in time, ``FUZZ_EXCLUDE`` leaves
out named kinds of damage, ``FUZZ_STATS`` collects one JSON line per example.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import feedparser
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from feedsearch.cli import cli
from feedsearch.sanitize import feed_html
from feedsearch.terminal import visible

BASE_URL = "https://example.org/"
CATCH_ALL = "could not be read ("  # errors.as_read_error's form for an exception it did not know

# --- profiles and budgets -------------------------------------------------------------------

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
LONG = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
# Shrinking a failing archive to a minimal one takes minutes of builds: the long run does it
# (FUZZ_SHRINK=0 turns it off), the default run reports what it found as it found it
# (FUZZ_SHRINK=1 turns it on). A survey never shrinks.
_SHRINK = os.environ.get("FUZZ_SHRINK", "1" if LONG else "0") != "0" and \
    not os.environ.get("FUZZ_SURVEY")
_PHASES = tuple(Phase) if _SHRINK else (Phase.explicit, Phase.reuse, Phase.generate)
settings.register_profile(
    "fuzz-quick", max_examples=12, deadline=None, derandomize=True, database=None,
    phases=_PHASES, suppress_health_check=_SLOW)
# A run bounded in time draws examples until its deadline; else 500 of them.
if os.environ.get("FUZZ_DEADLINE"):
    DEADLINE: float | None = float(os.environ["FUZZ_DEADLINE"])
elif os.environ.get("FUZZ_SECONDS"):
    DEADLINE = time.time() + float(os.environ["FUZZ_SECONDS"])
else:
    DEADLINE = None
settings.register_profile(
    "fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", 10**6 if DEADLINE else 500)),
    deadline=None, database=None, print_blob=True, phases=_PHASES,
    suppress_health_check=_SLOW)
PROFILE = settings.get_profile("fuzz" if LONG else "fuzz-quick")
# The short run (12 archives, 60 builds) is a slow test: make test-all runs it, make test
# leaves it out. A long run (the fuzz profile: make fuzz) is asked for by name: not marked.
SLOW = pytest.mark.slow if not LONG else (lambda test: test)
MAX_FILES = 12 if LONG else 6
EXCLUDED = frozenset(filter(None, os.environ.get("FUZZ_EXCLUDE", "").replace(" ", "").split(",")))
STATS = os.environ.get("FUZZ_STATS")
# FUZZ_SURVEY=FILE: each failure is written to FILE (a JSON line) and the fuzzing goes on,
# to see every kind of failure a long run meets; nothing is shrunk then.
SURVEY = os.environ.get("FUZZ_SURVEY")
_failed_once = False
_builds = 0  # builds run by this process
_examples = 0  # archives built by this process
_surveyed = 0  # failures written to the survey


def allowed(*names: str) -> list[str]:
    """The kinds of damage (or shapes) not excluded with FUZZ_EXCLUDE."""
    return [name for name in names if name not in EXCLUDED]


# --- what a build owes each file ------------------------------------------------------------

@dataclass(frozen=True)
class Expect:
    """What a build must make of one file.

    ``built``: True, the file gives at least one essay (``essays`` of them when known);
    False, none; None, either. ``warnings``: "none" (only the note that its slug was
    taken), "some" (at least one naming it), "one" (exactly one), "any".
    ``reason``: a word one of its warnings must hold. ``hidden``: never read at all.
    """

    built: bool | None = True
    warnings: str = "none"
    reason: str = ""
    essays: int | None = None
    hidden: bool = False

    def warned(self, reason: str = "") -> Expect:
        """The file also gets a warning (one holding ``reason``, when given)."""
        if self.warnings in ("one", "any"):  # skipped already, or anything may come
            return self
        return replace(self, warnings="some", reason=self.reason or reason)

    def loose(self) -> Expect:
        """Damage whose outcome cannot be told in advance: any warnings, built or not."""
        return replace(self, built=None, warnings="any", reason="", essays=None)

    def lossy(self) -> Expect:
        """Warnings may come, and the number of essays is unknown; built as before."""
        warnings = "any" if self.warnings == "none" else self.warnings
        return replace(self, warnings=warnings, essays=None)


CLEAN = Expect()


def skipped(reason: str) -> Expect:
    return Expect(built=False, warnings="one", reason=reason)


@dataclass
class FileCase:
    """One file of an archive: where it is, its bytes, its shape, the damage done to it and
    what a build owes it."""

    relpath: str  # may hold surrogate escapes: a name that is not UTF-8
    data: bytes
    shape: str
    damage: tuple[str, ...]
    expect: Expect

    def __repr__(self) -> str:
        head = self.data[:160]
        more = f" +{len(self.data) - len(head)} bytes" if len(self.data) > len(head) else ""
        return (f"FileCase({self.relpath!r}, shape={self.shape}, damage={list(self.damage)}, "
                f"expect={self.expect}, data={head!r}{more})")

    def _repr_pretty_(self, printer, cycle) -> None:  # how Hypothesis shows an example
        printer.text(repr(self))

    @property
    def shown(self) -> str:
        """The name as a build's warnings show it."""
        name = self.relpath.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return visible(name)


@dataclass
class Archive:
    files: list[FileCase]
    change: list[tuple[str, int, FileCase | None]] = field(default_factory=list)

    def __repr__(self) -> str:
        lines = ["Archive(["] + [f"  {case!r}," for case in self.files] + ["], change=["]
        lines += [f"  ({what!r}, {n}, {case!r})," for what, n, case in self.change] + ["])"]
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))


# --- text: all of it written for these tests ------------------------------------------------

SENTENCES = [
    "The rain had been falling since breakfast, and the kitchen windows were grey with it.",
    "I walked to the station the long way, past the bakery that opens before anyone wakes.",
    "My grandmother kept her letters in a biscuit tin, tied with string in bundles by year.",
    "There is a bench by the harbour where the gulls argue about chips until the light goes.",
    "Some evenings the radio is the only voice in the house, and that is enough.",
    "We planted beans along the fence in April and forgot about them until July.",
    "The library smelled of floor polish and old paper, which is to say of patience.",
    "A bicycle with a basket changes a town: every place becomes a short errand.",
    "I have started writing lists again, mostly of things I noticed, not things to do.",
    "The stairs in our building creak on the fourth step, so everyone hears you come home.",
    "Bread dough asks for very little except time, and it punishes you for hurrying.",
    "When the power went out we lit a lantern and played cards until nobody could see.",
    "Maps of places you have lived are strange: every street has a second name in your head.",
    "Le café du coin ouvre à six heures, et la patronne connaît déjà ma commande.",
    "Über die alte Brücke gingen wir langsam, weil der Regen endlich nachließ.",
    "雨の日は図書館で本を読むのが好きです。駅までの道で古い本屋を見つけました。",
    "Мы пили чай на веранде и слушали, как дождь стучит по крыше.",
    "The ferry was late again, so we counted containers on the far quay, and lost count.",
]
NOUNS = ["Rain", "Bread", "Letters", "Trains", "Gardens", "Winter", "Libraries", "Bicycles",
         "Kitchens", "Harbours", "Maps", "Lanterns", "Radios", "Stairs", "Ferries", "Beans"]
ODD_TITLES = ["Café Mornings", "Über Brücken", "雨の図書館", "Чай на веранде", "Weather 🌧 Notes",
              "<b>Bold</b> & Co", "Quotes \"and\" 'apostrophes'", "A ]]> Title", "  Spaced  ",
              "Tab\tand\u00a0nbsp", "ﬁligree ligatures", "x"]
TAGS = ["rain", "Rain", "RAIN ", "walking", "café", "cafe", "cafe\u0301", "c++", "c#", "---",
        "日本語", "books", "Books & Reading", "a/b", "..", "tag with spaces", "emoji 🌧", "Ω"]
AUTHORS = ["Ada Brook", "Jun Sato", "Léa Martin", "Ø", "a/b", "O'Hara"]
FURNITURE = ["Share this:", "Twitter", "Facebook", "Like Loading...", "Related",
             "Previous", "Next", "Leave a comment"]
# Links of every kind an essay has: relative ones are made absolute against the essay's URL.
MD_LINKS = ("See [the notes](notes/on-rain/), [the top](/), [a section](#part-two), "
            "[elsewhere](https://example.com/a?b=c&d=e), [mail](mailto:someone@example.com), "
            "![a photo](images/photo.jpg \"A photo\") and <https://example.net/auto>.")
HTML_LINKS = ('See <a href="notes/on-rain/">the notes</a>, <a href="/">the top</a>, '
              '<a href="#part-two">a section</a>, '
              '<a href="https://example.com/a?b=c&amp;d=e">elsewhere</a>, '
              '<img src="images/photo.jpg" srcset="images/photo-2x.jpg 2x, /p-3x.jpg 3x" '
              'alt="A photo"/> and <a href="mailto:someone@example.com">mail</a>.')
IPV6_LINKS = ["http://[::1", "https://[::1]:port/x", "http://[v1.fe]/", "//[::1",
              "http://[::1]:99999/", "https://[fe80::1%25en0]/"]
CONTROL = ["\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b[31m", "\x1f", "\x7f", "\x85", "\x9b",
           "\u200e", "\u202e", "\ufffe", "\uffff", "\ufeff"]
BAD_DATES = ["2021-02-30", "2019-13-01", "yesterday", "not a date", "0000-00-00",
             "2020-02-30T10:00:00Z", "31/31/2020", "Jan 32, 2020", "1e999", "-1",
             "2020-01-01T25:00:00", "99999-01-01", "2020-00-10"]

sentences = st.sampled_from(SENTENCES)
paragraphs = st.lists(sentences, min_size=2, max_size=4).map(" ".join)
bodies = st.lists(paragraphs, min_size=2, max_size=4)
titles = st.one_of(
    st.builds("On {}".format, st.sampled_from(NOUNS)),
    st.builds("The {} and the {}".format, st.sampled_from(NOUNS), st.sampled_from(NOUNS)),
    st.builds("Notes on {} in {}".format, st.sampled_from(NOUNS),
              st.integers(1990, 2024)),
    st.sampled_from(ODD_TITLES),
)
tag_lists = st.lists(st.sampled_from(TAGS), max_size=4)
author_lists = st.lists(st.sampled_from(AUTHORS), max_size=2)
moments = st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2024, 6, 30),
                       timezones=st.sampled_from([UTC, timezone(timedelta(hours=2)),
                                                  timezone(timedelta(hours=-7, minutes=-30))]))


# --- file names and folders -----------------------------------------------------------------

NAME_STEMS = ["essay", "my essay (final) v2", "café au lait", "日本の夏", "emoji 🌧 rain",
              " leading space", "trailing space ", "a#hash", "per%20cent", "semi;colon",
              "quote'd", 'double"quote', "back\\slash", "-dash-first", "UPPER CASE", "cafe\u0301",
              "tab\there", "new\nline", "\u202eright-to-left", "x", "a: b", "same-name"]
FOLDERS = ["", "", "", "2019", "old blog", "Ünïcode", "a b/c d", "deep/er/still", "x" * 100,
           "exports", "folder.md", "same-name"]
HIDDEN_FOLDERS = [".git", "_site", "node_modules", ".obsidian", "sub/.cache"]


@st.composite
def stems(draw) -> tuple[str, bool]:
    """A file name's stem and whether it starts with a valid date (YYYY-MM-DD-)."""
    stem = draw(st.one_of(st.sampled_from(NAME_STEMS), titles,
                          st.integers(60, 230).map(lambda n: "long-" + "n" * n)))
    prefix = draw(st.sampled_from(["none", "none", "valid", "impossible"]))
    if prefix == "valid":
        day = draw(moments)
        return f"{day:%Y-%m-%d}-{stem}", True
    if prefix == "impossible":
        return f"2021-02-30-{stem}", False
    return stem, False


def _fits(name: str) -> str:
    """A file name the file system takes: at most 255 bytes."""
    while len(name.encode("utf-8", "surrogateescape")) > 255:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[:-10]}{dot}{ext}"
    return name


# --- Markdown -------------------------------------------------------------------------------

MD_FAULTS = allowed("bad-date", "no-date", "no-title", "surrogate", "odd-values", "long-title",
                    "many-tags", "long-tag", "ipv6-link", "control-chars", "draft", "dup-slug",
                    "canonical-ipv6")
MD_SKIPS = allowed("unclosed", "bad-yaml", "bad-toml", "bad-json", "front-matter-list",
                   "front-matter-huge", "no-text")


def slug_of(title: str) -> str:
    return "-".join("".join(c for c in title.lower() if c.isalnum() or c == " ").split()) \
        or "post"


def _yaml(value) -> str:
    """A value as YAML: strings double-quoted (JSON's escapes are YAML's)."""
    return json.dumps(value, ensure_ascii=False)


def _md_date(style: str, moment: datetime, form: int) -> str:
    if style == "toml":
        return [f"{moment:%Y-%m-%d}", moment.isoformat(), f'"{moment:%Y-%m-%d}"'][form % 3]
    if style == "json":
        return json.dumps(moment.isoformat())
    if style == "pelican":
        return f"{moment:%Y-%m-%d %H:%M}"
    return [f"{moment:%Y-%m-%d}", moment.isoformat(), f"{moment:%Y-%m-%d %H:%M:%S}",
            _yaml(format_datetime(moment))][form % 4]


@st.composite
def markdown_files(draw, name_dated: bool) -> tuple[str, Expect, str, list[str]]:
    """(text, expect, style, faults)."""
    style = draw(st.sampled_from(["yaml", "yaml", "toml", "json", "pelican", "heading", "bare"]))
    skip = draw(st.sampled_from([None] * 6 + MD_SKIPS)) if MD_SKIPS else None
    faults = [] if skip else draw(st.lists(st.sampled_from(MD_FAULTS), max_size=3, unique=True))
    has_fields = style in ("yaml", "toml", "json", "pelican")
    title = draw(titles)
    moment = draw(moments)
    tags, authors = draw(tag_lists), draw(author_lists)
    body = draw(bodies)
    expect = CLEAN
    fields: dict[str, str] = {}  # key -> value, already written in the style's syntax

    def put(key: str, value) -> None:
        """A value in the style's syntax (JSON's strings and lists are YAML's and TOML's)."""
        if style == "pelican":
            fields[key] = ", ".join(value) if isinstance(value, list) else str(value)
        else:
            fields[key] = json.dumps(value, ensure_ascii=False)

    if not has_fields:
        if style == "heading" and "no-title" not in faults:
            body = [f"# {title}", *body]
        else:
            expect = expect.warned("no title")
        if not name_dated:
            expect = expect.warned("no date")
        kept = ("ipv6-link", "control-chars", "no-title") if style == "heading" else \
            ("ipv6-link", "control-chars")
        faults = [f for f in faults if f in kept]
    else:
        if "no-title" in faults:
            expect = expect.warned("no title")
        else:
            put("title", title)
        if "no-date" in faults:
            if not name_dated:
                expect = expect.warned("no date")
        elif "bad-date" in faults:
            bad = draw(st.sampled_from(BAD_DATES))
            fields["date"] = json.dumps(bad) if style in ("toml", "json") else bad
            expect = expect.warned("not a date")
        else:
            fields["date"] = _md_date(style, moment, draw(st.integers(0, 3)))
        if tags:
            put("tags", tags)
        if authors:
            put("author" if len(authors) == 1 else "authors",
                authors[0] if len(authors) == 1 else authors)
        if "draft" in faults and style != "pelican":
            fields["draft"] = "true"
            expect = replace(expect, built=False)
        if style != "pelican" and draw(st.booleans()):  # the essay's home on an old blog
            put("canonical_url", f"https://old.example/{moment:%Y/%m}/essay-{moment:%d}/")
        if "dup-slug" in faults:
            put("slug", "same-name")
        if "long-title" in faults and "no-title" not in faults:
            put("title", title + " and" + " more" * 120)
            expect = expect.warned("title")
        if "many-tags" in faults:
            put("tags", [f"t{n}" for n in range(150)])
            expect = expect.warned("tags")
        if "long-tag" in faults:
            put("tags", ["w" * 150, *tags])
            expect = expect.warned("tags")
        if style in ("yaml", "json") and "surrogate" in faults and "no-title" not in faults:
            fields["title"] = fields["title"][:-1] + '\\udcff"'
            expect = expect.warned("surrogate")
        if style == "yaml" and "odd-values" in faults:
            odd = draw(st.dictionaries(
                st.sampled_from(["title", "tags", "author", "slug", "summary", "categories",
                                 "draft", "related", "updated", "id", "description"]),
                st.sampled_from(["null", "12", "3.5", "true", "[]", "{}", "[a, [b, c]]",
                                 "{x: 1}", "[null, 3]", "''", "~", "!!set {a, b}", "0x1F",
                                 '"../../escape"', "- item", "2021-02-30", "[2020-01-01]"]),
                min_size=1, max_size=4))
            fields.update(odd)
            expect = expect.loose()  # a title or date may be gone; "- item" is no YAML
        if style == "yaml" and "canonical-ipv6" in faults:
            fields["canonical_url"] = _yaml(draw(st.sampled_from(IPV6_LINKS)))
            expect = expect.lossy()
    if "ipv6-link" in faults:
        link = draw(st.sampled_from(IPV6_LINKS))
        body.append(f"A [broken link]({link}) and <a href=\"{link}\">another</a> and "
                    f"![an image]({link}/x.png).")
    if "control-chars" in faults:
        body = [p + "".join(draw(st.lists(st.sampled_from(CONTROL), min_size=1, max_size=4)))
                + " " + p for p in body]
    if draw(st.booleans()):
        body.insert(1, MD_LINKS)
    body_text = "\n\n".join(body) + "\n"
    if draw(st.booleans()):
        body_text += "\n<!-- more -->\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nA note.[^1]\n\n" \
                     "[^1]: The footnote.\n\n```\ncode <here>\n```\n"

    if style == "yaml":
        head = "---\n" + "".join(f"{k}: {v}\n" for k, v in fields.items()) + "---\n"
    elif style == "toml":
        head = "+++\n" + "".join(f"{k} = {v}\n" for k, v in fields.items()) + "+++\n"
    elif style == "json":
        head = "{\n" + ",\n".join(f'"{k}": {v}' for k, v in fields.items()) + "\n}\n"
    elif style == "pelican":
        head = "".join(f"{k.capitalize()}: {' '.join(str(v).split())}\n"
                       for k, v in fields.items()) + "\n"
        if "title" not in fields:  # not Pelican's form then: its lines are the body's
            expect = expect.lossy()
    else:
        head = ""
    # Only the damage this style has a place for is done (and named).
    left_out = {"odd-values", "canonical-ipv6"} if style != "yaml" else set()
    left_out |= {"surrogate"} if style not in ("yaml", "json") else set()
    left_out |= {"draft"} if style == "pelican" else set()
    left_out |= {"long-title", "surrogate"} if "no-title" in faults else set()
    faults = [f for f in faults if f not in left_out]

    if skip == "unclosed":
        return "---\ntitle: Open\ndate: 2020-01-01\n" + body_text, skipped("closed"), \
            "yaml", [skip]
    if skip == "bad-yaml":
        return "---\ntitle: [unclosed\n  bad: indentation: here\n---\n" + body_text, \
            skipped("YAML"), "yaml", [skip]
    if skip == "bad-toml":
        return '+++\ntitle = "T"\ndate = 2021-02-30\n+++\n' + body_text, skipped("TOML"), \
            "toml", [skip]
    if skip == "bad-json":
        return '{\n"title": "T",\n"date": \n}\n' + body_text, skipped("JSON"), "json", [skip]
    if skip == "front-matter-list":
        return "---\n- title\n- date\n---\n" + body_text, skipped("list"), "yaml", [skip]
    if skip == "front-matter-huge":
        return "---\ntitle: Huge\nnote: \"" + "y" * 270_000 + "\"\n---\n" + body_text, \
            skipped("front matter"), "yaml", [skip]
    if skip == "no-text":
        return '---\ntitle: "Nothing After"\ndate: 2020-01-01\n---\n\n', skipped("no text"), \
            "yaml", [skip]
    return head + body_text, expect, style, faults


# --- HTML -----------------------------------------------------------------------------------

HTML_FAULTS = allowed("bad-date", "no-date", "no-title", "ipv6-link", "control-chars",
                      "surrogate-ref", "deep", "canonical-ipv6")


@st.composite
def html_pages(draw, name_dated: bool) -> tuple[str, Expect, str, list[str]]:
    style = draw(st.sampled_from(["meta", "json-ld", "time", "plain"]))
    faults = draw(st.lists(st.sampled_from(HTML_FAULTS), max_size=2, unique=True))
    title, moment, tags, authors = draw(titles), draw(moments), draw(tag_lists), \
        draw(author_lists)
    body = draw(bodies)
    expect = CLEAN
    date = moment.isoformat()
    dated = "no-date" not in faults and style != "plain"  # the page says when
    if "bad-date" in faults and dated:
        date = draw(st.sampled_from(BAD_DATES))
        expect = expect.warned("not a date")
    elif not dated and not name_dated:
        expect = expect.warned("no published date")
    head = ['<meta charset="{CHARSET}">']
    shown_title = "" if "no-title" in faults else escape(title)
    if shown_title:
        head.append(f"<title>{shown_title} | A Small Blog</title>")
    else:
        expect = expect.warned("no title")
    if "canonical-ipv6" in faults:
        link = quoteattr(draw(st.sampled_from(IPV6_LINKS)))
        head.append(f'<link rel="canonical" href={link}>')
        expect = expect.lossy()
    elif draw(st.booleans()):
        head.append(f'<link rel="canonical" href="https://smallblog.example/{moment:%Y}/'
                    f'{slug_of(title)}/">')
    if style == "meta":
        if shown_title:
            head.append(f"<meta property=\"og:title\" content={quoteattr(title)}>")
        if dated:
            head.append(f"<meta property=\"article:published_time\" content={quoteattr(date)}>")
        if tags:
            head.append(f"<meta name=\"keywords\" content={quoteattr(', '.join(tags))}>")
        for author in authors:
            head.append(f"<meta name=\"author\" content={quoteattr(author)}>")
    elif style == "json-ld":
        ld = {"@context": "https://schema.org", "@type": "BlogPosting", "keywords": tags,
              "author": [{"@type": "Person", "name": a} for a in authors]}
        if shown_title:
            ld["headline"] = title
        if dated:
            ld["datePublished"] = date
        head.append('<script type="application/ld+json">'
                    + json.dumps(ld, ensure_ascii=False).replace("</", "<\\/") + "</script>")
    paragraphs = [escape(p) for p in body]
    if draw(st.booleans()):
        paragraphs.insert(1, HTML_LINKS)
    if "ipv6-link" in faults:
        link = draw(st.sampled_from(IPV6_LINKS))
        paragraphs.append(f"A <a href={quoteattr(link)}>broken link</a> and "
                          f"<img src={quoteattr(link + '/x.png')} alt=\"x\"> an image.")
        expect = expect.lossy()
    if "control-chars" in faults:
        paragraphs = [p + "".join(draw(st.lists(st.sampled_from(CONTROL), min_size=1,
                                                max_size=3))) + " " + p for p in paragraphs]
    if "surrogate-ref" in faults:
        paragraphs[0] += " &#xdcff; &#xd800; &#0; &#x110000;"
        expect = expect.lossy()
    article = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    if style == "time" and dated:
        article = f'<p class="byline"><time class="published" datetime={quoteattr(date)}>' \
                  f"{escape(date)}</time></p>\n" + article
    if shown_title:
        article = f"<h1>{shown_title}</h1>\n" + article
    if "deep" in faults:
        article = "<div>" * 300 + article + "</div>" * 300
        expect = expect.loose()
    if style == "plain":  # a page that says nothing of its date cannot say it wrong
        faults = [f for f in faults if f not in ("bad-date", "no-date")]
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head>" + "".join(head) + "</head><body>"
            "<header><nav><a href=\"/\">Home</a> <a href=\"/about/\">About</a></nav></header>"
            f"<main><article>{article}</article></main>"
            "<aside><h2>Archives</h2><ul><li><a href=\"/2019/\">2019</a></li></ul></aside>"
            "<footer><p>Share this: Twitter Facebook</p><p>Copyright A Small Blog</p></footer>"
            "</body></html>\n")
    return page, expect, style, faults


# --- plain text -----------------------------------------------------------------------------

TEXT_FAULTS = allowed("control-chars", "furniture", "no-text")


@st.composite
def text_files(draw, name_dated: bool) -> tuple[str, Expect, str, list[str]]:
    faults = draw(st.lists(st.sampled_from(TEXT_FAULTS), max_size=2, unique=True))
    title, body = draw(titles), draw(bodies)
    if "no-text" in faults:
        return f"{title}\n\n\n", skipped("no text"), "text", ["no-text"]
    expect = CLEAN if name_dated else CLEAN.warned("no date")
    if "control-chars" in faults:
        body = [p + "".join(draw(st.lists(st.sampled_from(CONTROL), min_size=1, max_size=3)))
                for p in body]
    lines = [title, "", *[line for p in body for line in (p, "")]]
    if "furniture" in faults:
        lines += draw(st.lists(st.sampled_from(FURNITURE), min_size=1, max_size=5))
    return "\n".join(lines) + "\n", expect, "text", faults


# --- WordPress exports, RSS and Atom --------------------------------------------------------

XML_FAULTS = allowed("ipv6-post-link", "ipv6-site-link", "bad-date", "no-text-post",
                     "untitled-post", "dup-post-slug", "control-chars", "summary-only",
                     "cdata-end")
XML_DECLARATION = '<?xml version="1.0" encoding="{ENCODING}"?>\n'


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@dataclass
class Post:
    title: str
    slug: str
    moment: datetime
    html: str
    tags: list[str]
    authors: list[str]
    kind: str = "post"
    status: str = "publish"
    date_text: str | None = None  # a bad date, written as it is
    link: str | None = None


@st.composite
def posts(draw, faults: list[str], many: bool) -> list[Post]:
    found = []
    for n in range(draw(st.integers(1 if not many else 0, 4))):
        title = draw(titles)
        paragraphs = [escape(p) for p in draw(bodies)]
        if draw(st.booleans()):
            paragraphs.insert(1, HTML_LINKS)
        if "control-chars" in faults and draw(st.booleans()):
            paragraphs[0] += "".join(draw(st.lists(st.sampled_from(CONTROL[:7]), min_size=1,
                                                   max_size=3)))
        if "cdata-end" in faults:  # ends a CDATA section: an export must split it
            paragraphs.append("In code, <code>a[b[0]]>c</code> ends a CDATA section.")
        post = Post(title=title, slug=f"{n}-" + "-".join(title.lower().split()[:3]),
                    moment=draw(moments), html="".join(f"<p>{p}</p>" for p in paragraphs),
                    tags=draw(tag_lists), authors=draw(author_lists))
        if "dup-post-slug" in faults:
            post.slug = "same-post"
        if "bad-date" in faults and draw(st.booleans()):
            post.date_text = draw(st.sampled_from(BAD_DATES + ["0000-00-00 00:00:00"]))
        if "ipv6-post-link" in faults and draw(st.booleans()):  # the post's own <link>
            post.link = draw(st.sampled_from(IPV6_LINKS))
            post.html += f"<p><a href={quoteattr(post.link)}>a link</a></p>"
        if many:
            post.kind = draw(st.sampled_from(["post"] * 5 + ["page", "attachment",
                                                             "nav_menu_item"]))
            post.status = draw(st.sampled_from(["publish"] * 5 + ["draft", "private", "trash"]))
        found.append(post)
    if found and "no-text-post" in faults:
        found[-1].html = "<p> </p><!-- wp:paragraph --><!-- /wp:paragraph -->"
    if found and "untitled-post" in faults:
        found[0].title = ""
    return found


def _counted(found: list[Post], faults: list[str]) -> int:
    """Essays the posts give: the published posts (one with no text is still one of the
    blog's posts, published with its title only and a warning)."""
    return len([p for p in found if p.kind == "post" and p.status == "publish"])


def _post_expect(found: list[Post], faults: list[str]) -> Expect:
    essays = _counted(found, faults)
    expect = Expect(built=essays > 0, essays=essays)
    # A draft is read too (--drafts would publish it), so its empty body is said as well.
    if "no-text-post" in faults and found and found[-1].kind == "post" and \
            found[-1].status in ("publish", "draft"):
        expect = expect.warned("no text")
    if any(p.date_text and p.kind == "post" and p.status == "publish" for p in found):
        expect = expect.warned("no date in the post")  # searchable, not in the feeds
    if {"untitled-post", "ipv6-post-link", "ipv6-site-link"} & set(faults):
        expect = expect.lossy()
    return expect


@st.composite
def wxr_exports(draw) -> tuple[str, Expect, str, list[str]]:
    faults = draw(st.lists(st.sampled_from(XML_FAULTS), max_size=2, unique=True))
    found = draw(posts(faults, many=True))
    items = []
    for n, post in enumerate(found, 1):
        link = post.link or f"https://oldblog.example/{post.moment:%Y/%m/%d}/{post.slug}/"
        date = post.date_text or f"{post.moment.astimezone(UTC):%Y-%m-%d %H:%M:%S}"
        categories = "".join(
            f'<category domain="{"post_tag" if i % 2 else "category"}" nicename="t{i}">'
            f"{_cdata(tag)}</category>" for i, tag in enumerate([*post.tags, "Uncategorized"]))
        creators = "".join(f"<dc:creator>{_cdata(a.lower())}</dc:creator>"
                           for a in post.authors)
        items.append(
            f"<item><title>{escape(post.title)}</title><link>{escape(link)}</link>"
            f"<pubDate>{format_datetime(post.moment)}</pubDate>{creators}"
            f"<guid isPermaLink=\"false\">https://oldblog.example/?p={n}</guid>"
            f"<description></description><content:encoded>{_cdata(post.html)}"
            f"</content:encoded><excerpt:encoded>{_cdata('')}</excerpt:encoded>"
            f"<wp:post_id>{n}</wp:post_id><wp:post_date>{_cdata(date)}</wp:post_date>"
            f"<wp:post_date_gmt>{_cdata(date)}</wp:post_date_gmt>"
            f"<wp:post_name>{_cdata(post.slug)}</wp:post_name>"
            f"<wp:status>{_cdata(post.status)}</wp:status>"
            f"<wp:post_type>{_cdata(post.kind)}</wp:post_type>"
            f"<wp:post_password>{_cdata('')}</wp:post_password>{categories}</item>\n")
    authors = "".join(
        f"<wp:author><wp:author_login>{_cdata(a.lower())}</wp:author_login>"
        f"<wp:author_display_name>{_cdata(a)}</wp:author_display_name></wp:author>\n"
        for a in AUTHORS)
    site = escape(draw(st.sampled_from(IPV6_LINKS))) if "ipv6-site-link" in faults \
        else "https://oldblog.example"
    text = (XML_DECLARATION + "<!-- generator=\"WordPress/6.4\" -->\n"
            '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            f"<title>An Old Blog</title><link>{site}</link>\n"
            "<wp:wxr_version>1.2</wp:wxr_version>"
            f"<wp:base_site_url>{site}</wp:base_site_url>\n"
            + authors + "".join(items) + "</channel>\n</rss>\n")
    return text, _post_expect(found, faults), "wxr", faults


@st.composite
def rss_feeds(draw) -> tuple[str, Expect, str, list[str]]:
    faults = draw(st.lists(st.sampled_from(XML_FAULTS), max_size=2, unique=True))
    found = draw(posts(faults, many=False))
    summary_only = "summary-only" in faults
    items = []
    for post in found:
        link = post.link or f"https://letters.example/p/{post.slug}"
        date = post.date_text or format_datetime(post.moment)
        full = "" if summary_only else f"<content:encoded>{_cdata(post.html)}</content:encoded>"
        items.append(
            f"<item><title>{_cdata(post.title)}</title><link>{escape(link)}</link>"
            f"<guid isPermaLink=\"false\">{escape(post.slug)}-guid</guid>"
            f"<pubDate>{escape(date)}</pubDate>"
            + "".join(f"<dc:creator>{_cdata(a)}</dc:creator>" for a in post.authors)
            + "".join(f"<category>{_cdata(t)}</category>" for t in post.tags)
            + f"<description>{_cdata(post.html[:200] if summary_only else 'In short.')}"
            f"</description>{full}</item>\n")
    site = escape(draw(st.sampled_from(IPV6_LINKS))) if "ipv6-site-link" in faults \
        else "https://letters.example/"
    text = (XML_DECLARATION + '<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>\n'
            f"<title>Letters</title><link>{site}</link>"
            "<description>A newsletter</description>\n" + "".join(items)
            + "</channel></rss>\n")
    expect = _post_expect(found, faults)
    if summary_only and found:
        expect = expect.warned("summaries")
    return text, expect, "rss", faults


# xhtml-bare: a <div> without the XHTML namespace, as some hand-written feeds have it.
ATOM_CONTENT = allowed("html", "xhtml", "xhtml-bare", "text")


@st.composite
def atom_feeds(draw) -> tuple[str, Expect, str, list[str]]:
    faults = draw(st.lists(st.sampled_from(XML_FAULTS), max_size=2, unique=True))
    found = draw(posts(faults, many=False))
    prefixed = draw(st.booleans())
    p = "a:" if prefixed else ""
    summary_only = "summary-only" in faults
    entries = []
    for post in found:
        link = post.link or f"https://seconddraft.example/{post.moment:%Y/%m}/{post.slug}/"
        date = post.date_text or post.moment.isoformat()
        kind = draw(st.sampled_from(ATOM_CONTENT))
        if kind == "html":
            content = f'<{p}content type="html">{escape(post.html)}</{p}content>'
        elif kind == "text":
            words = escape(" ".join(post.html.replace("<p>", "").split("</p>")))
            content = f'<{p}content type="text">{words}</{p}content>'
        else:
            xmlns = ' xmlns="http://www.w3.org/1999/xhtml"' if kind == "xhtml" else ""
            svg = '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>'
            content = (f'<{p}content type="xhtml" xml:base="https://seconddraft.example/">'
                       f"<div{xmlns}>{post.html.replace(']]>', ']]&gt;')}{svg}"
                       f"</div></{p}content>")
        summary = f'<{p}summary type="html">{escape(post.html[:120])}</{p}summary>'
        entries.append(
            f"<{p}entry><{p}title type=\"html\">{escape(escape(post.title))}</{p}title>"
            f"<{p}link href={quoteattr(link)} rel=\"alternate\"/>"
            f"<{p}id>tag:seconddraft.example,2024:{escape(post.slug)}</{p}id>"
            f"<{p}published>{escape(date)}</{p}published>"
            f"<{p}updated>{escape(date)}</{p}updated>"
            + "".join(f"<{p}author><{p}name>{escape(a)}</{p}name></{p}author>"
                      for a in post.authors)
            + "".join(f"<{p}category term={quoteattr(t)}/>" for t in post.tags)
            + summary + ("" if summary_only else content) + f"</{p}entry>\n")
    ns = f'xmlns{":a" if prefixed else ""}="http://www.w3.org/2005/Atom"'
    site = quoteattr(draw(st.sampled_from(IPV6_LINKS)) if "ipv6-site-link" in faults
                     else "https://seconddraft.example/")
    text = (XML_DECLARATION + f"<{p}feed {ns}>\n<{p}title>Second Draft</{p}title>"
            f'<{p}link href={site} rel="alternate"/>'
            f"<{p}id>https://seconddraft.example/</{p}id>"
            f"<{p}updated>2024-02-21T10:00:00+01:00</{p}updated>"
            f"<{p}author><{p}name>Ruth Abernathy</{p}name></{p}author>\n"
            + "".join(entries) + f"</{p}feed>\n")
    expect = _post_expect(found, faults)
    if summary_only and found:
        expect = expect.warned("summaries")
    return text, expect, "atom-prefixed" if prefixed else "atom", faults


OTHER_XML = {
    "sitemap": ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url>'
                "<loc>https://example.org/a/</loc></url></urlset>\n", skipped("reads these")),
    "rss1": ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
             'xmlns="http://purl.org/rss/1.0/"><item><title>Old</title></item></rdf:RDF>\n',
             skipped("reads these")),
    "entities": ('<!DOCTYPE rss [<!ENTITY e "text">]><rss version="2.0"><channel><item>'
                 "<title>&e;</title></item></channel></rss>\n", skipped("entities")),
    "not-xml": ("This is a note, not XML at all.\n", skipped("XML")),
}


# --- damage to bytes ------------------------------------------------------------------------

TEXT_ENCODINGS = allowed("utf-8-bom", "utf-16", "cp1252", "shift_jis", "euc-jp", "crlf")
XML_ENCODINGS = allowed("windows-1252", "utf-16", "Shift_JIS", "EUC-JP", "utf-8-bom",
                        "x-unknown")  # a name no codec has
BYTE_DAMAGE = allowed("truncate", "invalid-utf8", "flip", "empty", "whitespace", "nul")


def _encode(text: str, encoding: str, errors: str) -> bytes:
    if encoding == "utf-8-bom":
        return codecs.BOM_UTF8 + text.encode("utf-8")
    if encoding == "utf-16":
        return text.encode("utf-16")  # with its byte order mark
    return text.encode(encoding, errors)


_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _hurt(expect: Expect, hurt: str, data: bytes, xml: bool, encoding: str) -> Expect:
    """What a build owes a file after damage to its bytes."""
    if hurt in ("empty", "whitespace"):
        return skipped("XML" if xml else "empty")
    if hurt == "nul" and not xml:
        if not data.startswith(_BOMS) and b"\x00" in data[:8192]:
            return skipped("binary")
        return expect.loose()
    if xml and (hurt == "truncate" or hurt == "invalid-utf8" and encoding in (
            "UTF-8", "utf-8-bom")):
        # An XML file cut short, or with bytes that are not UTF-8 where UTF-8 is declared,
        # is not well-formed: its posts before the break are kept, and the break is said.
        if expect.warnings == "one":
            return replace(expect, reason="")
        return replace(expect.loose(), warnings="some")
    return expect.loose()


@st.composite
def file_cases(draw, folder: str) -> FileCase:
    kind = draw(st.sampled_from(allowed("md", "md", "md", "html", "html", "txt", "wxr", "rss",
                                        "atom", "other-xml", "hidden")))
    stem, name_dated = draw(stems())
    stem = stem.replace("/", "-")
    damage: list[str] = []
    if kind in ("md", "hidden"):
        text, expect, shape, faults = draw(markdown_files(name_dated))
        ext = draw(st.sampled_from([".md", ".md", ".markdown", ".MD"]))
    elif kind == "html":
        text, expect, shape, faults = draw(html_pages(name_dated))
        ext = draw(st.sampled_from([".html", ".html", ".htm", ".HTML"]))
        shape = f"html-{shape}"
    elif kind == "txt":
        text, expect, shape, faults = draw(text_files(name_dated))
        ext = draw(st.sampled_from([".txt", ".text"]))
    elif kind == "other-xml":
        shape = draw(st.sampled_from(sorted(OTHER_XML)))
        text, expect = OTHER_XML[shape]
        text, faults, ext = XML_DECLARATION + text, [], ".xml"
    else:
        maker = {"wxr": wxr_exports, "rss": rss_feeds, "atom": atom_feeds}[kind]
        text, expect, shape, faults = draw(maker())
        ext = draw(st.sampled_from([".xml", ".rss" if kind == "rss" else ".atom", ".xml"]))
    damage += faults
    xml = ext.lower() in (".xml", ".rss", ".atom")

    # Encodings: declared where the format has a place for it.
    if xml:
        encoding = draw(st.sampled_from(["UTF-8"] * 4 + XML_ENCODINGS))
        if encoding != "UTF-8":
            damage.append(f"encoding:{encoding}")
        declared = "UTF-8" if encoding == "utf-8-bom" else \
            "UTF-16" if encoding == "utf-16" else encoding
        text = text.replace("{ENCODING}", declared)
        data = _encode(text, "utf-8" if encoding in ("UTF-8", "x-unknown") else encoding,
                       "xmlcharrefreplace")
        if encoding in ("Shift_JIS", "EUC-JP", "x-unknown"):  # expat has no codec for these
            expect = expect.loose()
    else:
        encoding = draw(st.sampled_from(["utf-8"] * 4 + TEXT_ENCODINGS))
        if kind == "html":
            declared = {"utf-8-bom": "utf-8", "crlf": "utf-8"}.get(encoding, encoding)
            text = text.replace("{CHARSET}", declared)
        if encoding != "utf-8":
            damage.append(f"encoding:{encoding}")
        if encoding == "crlf":
            data = text.replace("\n", "\r\n").encode("utf-8")
        else:
            data = _encode(text, encoding, "xmlcharrefreplace" if kind == "html" else "replace")
        if encoding in ("cp1252", "shift_jis", "euc-jp") and kind != "html":
            expect = expect.loose()  # nothing declares it: a guess, which may be wrong
    if "control-chars" in faults and xml:
        expect = expect.lossy()

    # Damage to the bytes themselves.
    hurt = draw(st.sampled_from([None] * 5 + BYTE_DAMAGE)) if BYTE_DAMAGE else None
    if hurt == "empty":
        data = b""
    elif hurt == "whitespace":
        data = b" \n\t\r\n  \n"
    elif hurt == "nul":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + b"\x00" * 8 + data[at:]
    elif hurt == "truncate":
        end = len(data.rstrip()) - 1
        data = data[:draw(st.integers(0, max(0, end)))]
    elif hurt == "invalid-utf8":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\xc3(", b"\xed\xa0\x80", b"\xe9",
                                                 b"\x80\x80"])) + data[at:]
    elif hurt == "flip":
        chunk = bytearray(data)
        for _ in range(draw(st.integers(1, 4))):
            if chunk:
                chunk[draw(st.integers(0, len(chunk) - 1))] = draw(st.integers(0, 255))
        data = bytes(chunk)
    if hurt is not None:
        damage.append(hurt)
        expect = _hurt(expect, hurt, data, xml, encoding)

    name = _fits(stem + ext)
    if draw(st.integers(0, 30)) == 0:  # a name that is not UTF-8
        name = os.fsdecode(b"not-utf8-\xff\xfe" + ext.encode())
    if kind == "hidden":
        shape = f"hidden-{shape}"
        if draw(st.booleans()):
            name = _fits("." + name)
        else:
            folder = draw(st.sampled_from(HIDDEN_FOLDERS))
    relpath = f"{folder}/{name}" if folder else name
    if _hidden(relpath):
        expect = Expect(built=False, hidden=True)
    elif _not_utf8(relpath):
        expect = skipped("UTF-8")
    return FileCase(relpath, data, shape, tuple(damage), expect)


@st.composite
def archives(draw) -> Archive:
    cases: list[FileCase] = []
    taken: set[str] = set()
    for _ in range(draw(st.integers(1, MAX_FILES))):
        folder = draw(st.sampled_from(FOLDERS))
        if cases and draw(st.integers(0, 4)) == 0:  # a namesake in another folder
            twin = cases[draw(st.integers(0, len(cases) - 1))]
            relpath = f"{folder}/{twin.relpath.rpartition('/')[2]}".lstrip("/")
            case = replace(twin, relpath=relpath, expect=expect_at(twin, relpath))
        else:
            case = draw(file_cases(folder))
        key = case.relpath
        if key in taken or any(key.startswith(t + "/") or t.startswith(key + "/")
                               for t in taken):
            continue  # one file per name, and no file where a folder is
        taken.add(key)
        cases.append(case)
    change = []
    for what in draw(st.lists(st.sampled_from(["remove", "add", "rewrite", "touch", "rename"]),
                              min_size=1, max_size=3)):
        position = draw(st.integers(0, max(0, len(cases) - 1)))
        new = draw(file_cases(draw(st.sampled_from(FOLDERS)))) if what in ("add", "rewrite") \
            else None
        change.append((what, position, new))
    return Archive(cases, change)


# --- writing an archive and changing it -----------------------------------------------------

PAST = datetime(2023, 3, 1, tzinfo=UTC).timestamp()


def write_case(root: Path, case: FileCase, age: int = 0) -> None:
    path = root / case.relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(case.data)
    # Old enough that a rebuild trusts its size and time (sources.RECENT_NS), and different
    # for every write, so that a changed file is never taken for the one before it.
    os.utime(path, (PAST + age, PAST + age))


def changed(archive: Archive, root: Path) -> list[FileCase]:
    """Apply the archive's change to the folder; the files it holds then."""
    cases = list(archive.files)
    taken = {case.relpath for case in cases}
    for step, (what, position, new) in enumerate(archive.change, 1):
        if not cases and what != "add":
            continue
        index = position % len(cases) if cases else 0
        if what == "remove":
            os.remove(root / cases.pop(index).relpath)
        elif what == "touch":
            path = root / cases[index].relpath
            os.utime(path, (PAST + 1000 * step, PAST + 1000 * step))
        elif what == "rename":
            old = cases.pop(index)
            relpath = _renamed(old.relpath, taken)
            os.rename(root / old.relpath, root / relpath)
            taken.add(relpath)
            cases.append(replace(old, relpath=relpath, expect=expect_at(old, relpath)))
        elif what == "rewrite" and new is not None:
            old = cases[index]
            cases[index] = replace(new, relpath=old.relpath, expect=expect_at(new, old.relpath))
            write_case(root, cases[index], 1000 * step)
        elif what == "add" and new is not None:
            if new.relpath in taken or any(new.relpath.startswith(t + "/")
                                           or t.startswith(new.relpath + "/") for t in taken):
                continue
            taken.add(new.relpath)
            cases.append(new)
            write_case(root, new, 1000 * step)
    return cases


def _renamed(relpath: str, taken: set[str]) -> str:
    folder, _, name = relpath.rpartition("/")
    candidate = _fits(f"{folder}/renamed-{name}" if folder else f"renamed-{name}")
    while candidate in taken:
        candidate = _fits(candidate.replace("renamed-", "renamed-again-", 1))
    return candidate


def _hidden(relpath: str) -> bool:
    *folders, name = relpath.split("/")
    return name.startswith(".") or any(f.startswith(".") or f in ("_site", "node_modules")
                                       for f in folders)


def _not_utf8(relpath: str) -> bool:
    try:
        relpath.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _suffix(relpath: str) -> str:
    return relpath.rpartition(".")[2].lower()


def expect_at(case: FileCase, relpath: str) -> Expect:
    """What a build owes ``case``'s bytes under another name. What the name gave (a date,
    being hidden, being no UTF-8) is gone; what the bytes alone decide stays."""
    if _hidden(relpath):
        return Expect(built=False, hidden=True)
    if _not_utf8(relpath):
        return skipped("UTF-8")
    if case.expect.hidden or _not_utf8(case.relpath) or \
            _suffix(relpath) != _suffix(case.relpath):  # read by another reader now
        return Expect(built=None, warnings="any")
    if case.expect.warnings == "one" or \
            relpath.rpartition("/")[2] == case.relpath.rpartition("/")[2]:
        return case.expect
    return replace(case.expect, warnings="any", reason="")


# --- one build, and what it must show -------------------------------------------------------

@dataclass
class Build:
    exit_code: int
    stdout: str
    stderr: str
    problem: str  # the exception that escaped, formatted; "" when none did
    out: Path
    index: Path

    @property
    def warnings(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("warning: ")]


class Failure(AssertionError):
    """A broken property; its first line is what the failure is, for telling failures
    apart (tests/fuzz_loop.py counts them by it)."""


@contextlib.contextmanager
def _unraisable_to_stderr():
    """An exception that Python can only report ("Exception ignored in ...", as from a
    callback of nh3's) goes to stderr, as it does for a user: pytest would take it."""
    hook = sys.unraisablehook
    sys.unraisablehook = sys.__unraisablehook__
    try:
        yield
    finally:
        sys.unraisablehook = hook


def run_build(source: Path, out: Path, index: Path, cwd: Path, debug: bool = False) -> Build:
    args = ["--debug"] * debug + [
        "build", str(source), "--out", str(out), "--index", str(index),
        "--base-url", BASE_URL, "--workers", "0"]
    global _builds
    _builds += 1
    # Each build as a command of its own would run it: what the feeds' sanitiser remembers
    # from an earlier build in this process would hide what it does (and raises) for this one.
    feed_html.cache_clear()
    with contextlib.chdir(cwd), _unraisable_to_stderr():
        result = CliRunner().invoke(cli, args)
    problem = ""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        problem = "".join(traceback.format_exception(*result.exc_info))
    return Build(result.exit_code, result.stdout, result.stderr, problem, out, index)


def snapshot(root: Path, exclude: set[Path]) -> dict[str, tuple]:
    """Every path under ``root`` but ``exclude``: files by size, mode and time."""
    found: dict[str, tuple] = {}
    excluded = {str(p) for p in exclude}
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = [d for d in dirs if os.path.join(folder, d) not in excluded]
        for name in dirs:
            found[os.path.join(folder, name)] = ("dir",)
        for name in files:
            info = os.lstat(os.path.join(folder, name))
            found[os.path.join(folder, name)] = (info.st_size, info.st_mode, info.st_mtime_ns)
    return found


def outputs(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*")) if p.is_file()}


def innermost_frame(formatted: str) -> str:
    """The last frame of a formatted traceback in the project's own code."""
    frames = [line.strip() for line in formatted.splitlines()
              if line.strip().startswith("File ") and "feedsearch" in line
              and "/tests/" not in line]
    return frames[-1] if frames else "(no project frame)"


def raw_read_error(root: Path, case: FileCase) -> str:
    """The exception a reader raised for ``case`` before it became the catch-all warning,
    with its traceback: the file is read again outside the build, by the same readers."""
    from feedsearch.readers import InputFile, ReadSettings, reader_for_file

    path = root / "archive" / case.relpath
    try:
        reader = reader_for_file(path, case.relpath)
        if not reader.many:
            reader.read(path.read_bytes(), case.relpath)
        else:
            for entry in reader.entries(InputFile(path, case.relpath, ReadSettings())):
                if entry.make is not None:
                    entry.make()
    except Exception as exc:  # the reader's own exception, or the one it was made from
        cause = exc.__cause__ if exc.__cause__ is not None else exc
        return "".join(traceback.format_exception(cause))
    return ""


def _owner(line: str, cases: list[FileCase]) -> FileCase | None:
    """The file a warning names: the longest name it starts with."""
    text = line.removeprefix("warning: ")
    best = None
    for case in cases:
        shown = case.shown
        if text.startswith((shown + ": ", shown + "#")) and (
                best is None or len(shown) > len(best.shown)):
            best = case
    return best


def check_build(build: Build, cases: list[FileCase], root: Path, what: str) -> None:
    """The properties every build must have."""
    if "Exception ignored" in build.stderr:
        raise Failure(f"exception ignored: {innermost_frame(build.stderr)}\n{what}\n"
                      f"{build.stderr[-3000:]}")
    if build.problem or "Traceback" in build.stdout + build.stderr:
        raise Failure(f"traceback: {innermost_frame(build.problem)}\n{what}\n{build.problem}"
                      f"{build.stderr[-3000:]}")
    if "unexpected error" in build.stderr:
        # The same build again with --debug, for the traceback the message leaves out.
        again = run_build(root / "archive", build.out, build.index, root / "cwd", debug=True)
        raise Failure(f"unexpected error: {_unexpected(build.stderr)}\n{what}\n"
                      f"innermost project frame: {innermost_frame(again.problem)}\n"
                      f"{again.problem}{build.stderr[-3000:]}")
    if build.exit_code != 0:
        raise Failure(f"{what}: exit status {build.exit_code}\n{build.stderr[-3000:]}")
    by_file: dict[str, list[str]] = {case.relpath: [] for case in cases}
    archive_wide = f"warning: {visible(root / 'archive')}: "  # empty feeds, and why
    for line in build.warnings:
        if line.startswith(archive_wide):
            continue
        owner = _owner(line, cases)
        if owner is None:
            raise Failure(f"{what}: a warning naming no file of the archive: {line}")
        if CATCH_ALL in line:
            frame = innermost_frame(raw_read_error(root, owner))
            escaped = line.split(CATCH_ALL, 1)[1].rsplit(")", 1)[0]
            raise Failure(f"catch-all warning: {escaped}\n"
                          f"{what}: {line}\nfile: {owner!r}\ninnermost project frame: {frame}"
                          f"\n{raw_read_error(root, owner)}")
        if not line.removeprefix(f"warning: {owner.shown}").lstrip("#:").strip():
            raise Failure(f"{what}: a warning without a reason: {line}")
        by_file[owner.relpath].append(line)
    for case in cases:
        _check_warnings(case, by_file[case.relpath], what)


def _slug_note(line: str) -> bool:
    return "is already used by" in line


def _check_warnings(case: FileCase, lines: list[str], what: str) -> None:
    expect = case.expect
    own = [line for line in lines if not _slug_note(line)]
    wrong = None
    if expect.hidden and lines:
        wrong = "a hidden file was read"
    elif expect.warnings == "none" and own:
        wrong = "a warning for a file with nothing wrong"
    elif expect.warnings == "one" and len(lines) != 1:
        wrong = f"{len(lines)} warnings for a file that is skipped (one is due)"
    elif expect.warnings == "some" and not own:
        wrong = "no warning for a bad file"
    elif expect.reason and own and not any(expect.reason.lower() in line.lower()
                                           for line in own):
        wrong = f"no warning says {expect.reason!r}"
    if wrong:
        raise Failure(f"{wrong}\n{what}: {case!r}\nits warnings: {lines}")


def _unexpected(stderr: str) -> str:
    line = next(line for line in stderr.splitlines() if "unexpected error" in line)
    return line.split("unexpected error: ", 1)[1].split(" (run again", 1)[0]


def export_records(index: Path) -> list[dict]:
    result = CliRunner().invoke(cli, ["export", "--index", str(index)])
    if result.exit_code != 0:
        raise Failure(f"export: exit status {result.exit_code}\n{result.output[-2000:]}")
    # JSON Lines end at "\n" only: splitlines() would also cut at a U+2028 in an essay.
    return [json.loads(line) for line in result.stdout.split("\n") if line.strip()]


def check_essays(build: Build, cases: list[FileCase], what: str) -> None:
    """Built files are in the index, skipped and hidden ones are not; slugs are unique."""
    records = export_records(build.index)
    slugs = [record["slug"] for record in records]
    if len(slugs) != len(set(slugs)):
        raise Failure(f"{what}: one slug for two essays: {sorted(slugs)}")
    for case in cases:
        mine = [r for r in records if r["source"] == case.relpath
                or r["source"].startswith(case.relpath + "#")]
        expect = case.expect
        wrong = None
        if expect.built is True and not mine:
            wrong = "a readable essay is not in the index"
        elif expect.built is False and mine:
            wrong = "a file that is not an essay is in the index"
        elif expect.essays is not None and expect.built is not None and \
                len(mine) != expect.essays:
            wrong = f"{len(mine)} essays from a file of {expect.essays}"
        if wrong:
            raise Failure(f"{wrong}\n{what}: {case!r}\nexported: "
                          f"{[r['source'] for r in mine]}\nwarnings: {build.warnings}")


def check_feeds(out: Path, what: str) -> None:
    for path in sorted(out.rglob("*.xml")):
        parsed = feedparser.parse(path.read_bytes(), sanitize_html=False,
                                  resolve_relative_uris=False)
        if parsed.bozo:
            raise Failure(f"feed not well-formed: {type(parsed.bozo_exception).__name__}\n"
                          f"{what}: {path.relative_to(out)}: {parsed.bozo_exception}")
    for path in [out / "feed.json", out / "related.json"]:
        try:
            loaded = json.loads(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise Failure(f"{what}: {path.name} does not load: {exc}") from exc
        if path.name == "feed.json" and not str(loaded.get("version", "")).startswith(
                "https://jsonfeed.org/version/1"):
            raise Failure(f"{what}: feed.json is not a JSON Feed: {str(loaded)[:200]}")


def same_outputs(first: dict[str, bytes], second: dict[str, bytes], what: str) -> None:
    if first.keys() != second.keys():
        raise Failure(f"different files: {what}\nonly first: {sorted(first.keys() - second)}"
                      f"\nonly second: {sorted(second.keys() - first)}")
    for name in first:
        if first[name] != second[name]:
            a, b = first[name], second[name]
            at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                      min(len(a), len(b)))
            around = slice(max(0, at - 200), at + 200)
            raise Failure(f"different bytes in {name}: {what}\nfirst:  {a[around]!r}"
                          f"\nsecond: {b[around]!r}")


# --- the property ---------------------------------------------------------------------------

def check_archive(archive: Archive, root: Path) -> None:
    """Build the archive five ways and check every property."""
    source, cwd = root / "archive", root / "cwd"
    source.mkdir()
    cwd.mkdir()
    for case in archive.files:
        write_case(root / "archive", case)
    cases = archive.files
    folders = {n: (root / f"out{n}", root / f"index{n}") for n in (1, 2, 3)}
    excluded = {path for pair in folders.values() for path in pair}
    before = snapshot(root, excluded)

    first = run_build(source, *folders[1], cwd)
    check_build(first, cases, root, "first build")
    check_feeds(first.out, "first build")
    check_essays(first, cases, "first build")
    written = outputs(first.out)

    again = run_build(source, *folders[1], cwd)
    check_build(again, cases, root, "unchanged rebuild")
    same_outputs(written, outputs(first.out), "first build / unchanged rebuild in place")
    if sorted(again.warnings) != sorted(first.warnings):
        raise Failure(f"an unchanged rebuild warns otherwise\nfirst: {first.warnings}\n"
                      f"again: {again.warnings}")

    elsewhere = run_build(source, *folders[2], cwd)
    check_build(elsewhere, cases, root, "fresh build elsewhere")
    same_outputs(written, outputs(elsewhere.out), "first build / fresh build elsewhere")
    after = snapshot(root, excluded)
    if after != before:
        raise Failure("written outside OUT and INDEX: "
                      f"{sorted(set(after.items()) ^ set(before.items()))[:10]}")

    cases = changed(archive, source)
    before = snapshot(root, excluded)
    incremental = run_build(source, *folders[1], cwd)
    check_build(incremental, cases, root, "incremental build after a change")
    check_feeds(incremental.out, "incremental build after a change")
    fresh = run_build(source, *folders[3], cwd)
    check_build(fresh, cases, root, "fresh build after a change")
    check_essays(fresh, cases, "fresh build after a change")
    same_outputs(outputs(fresh.out), outputs(incremental.out),
                 "fresh / incremental build of the changed archive")
    if sorted(incremental.warnings) != sorted(fresh.warnings):
        raise Failure("an incremental build warns otherwise than a fresh one\n"
                      f"fresh: {fresh.warnings}\nincremental: {incremental.warnings}")
    after = snapshot(root, excluded)
    if after != before:
        raise Failure("written outside OUT and INDEX: "
                      f"{sorted(set(after.items()) ^ set(before.items()))[:10]}")


def _case_json(case: FileCase | None) -> list | None:
    if case is None:
        return None
    return [case.relpath, case.data.decode("latin-1"), case.shape, list(case.damage),
            vars(case.expect)]


def archive_to_json(archive: Archive) -> dict:
    """The whole archive, bytes and all, so that a failure met in a survey can be built
    again: ``archive_from_json``."""
    return {"files": [_case_json(case) for case in archive.files],
            "change": [[what, n, _case_json(case)] for what, n, case in archive.change]}


def _case_from_json(row: list | None) -> FileCase | None:
    if row is None:
        return None
    relpath, data, shape, damage, expect = row
    return FileCase(relpath, data.encode("latin-1"), shape, tuple(damage), Expect(**expect))


def archive_from_json(record: dict) -> Archive:
    return Archive([_case_from_json(row) for row in record["files"]],
                   [(what, n, _case_from_json(row)) for what, n, row in record["change"]])


def _record(**fields) -> None:
    if STATS:
        with open(STATS, "a", encoding="utf-8") as stats:
            stats.write(json.dumps(fields) + "\n")


@SLOW
@PROFILE
@given(archive=archives())
def test_archives_build(archive: Archive) -> None:
    global _failed_once, _examples, _surveyed
    if DEADLINE is not None and time.time() > DEADLINE and not _failed_once:
        # The budget is spent. Hypothesis has no time budget of its own; a skip is how a
        # test stops it, and says what was done. (A failure being shrunk goes on.)
        found = f"{_surveyed} failures written to {SURVEY}" if SURVEY else "no failure"
        pytest.skip(f"time budget used: {_examples} archives, {_builds} builds, {found}")
    _examples += 1
    started, builds_before = time.monotonic(), _builds
    try:
        with tempfile.TemporaryDirectory(prefix="feedsearch-fuzz-") as folder:
            check_archive(archive, Path(folder))
    except Exception as exc:
        headline = str(exc).split("\n", 1)[0][:300] or type(exc).__name__
        _record(files=len(archive.files), builds=_builds - builds_before, ok=False,
                seconds=round(time.monotonic() - started, 2), problem=headline)
        if SURVEY:
            _surveyed += 1
            with open(SURVEY, "a", encoding="utf-8") as survey:
                survey.write(json.dumps({"problem": headline, "message": str(exc)[:20000],
                                         "archive": archive_to_json(archive)}) + "\n")
            return
        _failed_once = True
        raise
    _record(files=len(archive.files), builds=_builds - builds_before, ok=True,
            seconds=round(time.monotonic() - started, 2),
            shapes=[f"{case.shape}:{','.join(case.damage)}" for case in archive.files])
