"""Readable text output for people; colour only on a terminal and never with NO_COLOR."""

from __future__ import annotations

import html
import os
import re
import shutil
import sys
import time
from typing import TYPE_CHECKING

import click

from .progress import BuildProgress
from .strings import counted

if TYPE_CHECKING:
    from .model import Document
    from .search import SearchResults

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)
_TAGS = re.compile(r"</?mark>")
# What a terminal acts on instead of showing: C0 and C1 controls (escape sequences start
# with ESC or CSI), DEL, and the marks and overrides that reorder text (bidirectional
# controls). Tab and newline only where a text has lines.
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_HIDDEN_IN_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f"
                              "\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object, lines: bool = False) -> str:
    """``text`` with every control character and escape sequence shown as ``\\x1b`` or
    ``\\u202e`` instead of acted on, so an essay's title cannot rewrite a terminal (as ls
    and git show such names). With ``lines``, tabs and newlines stay."""
    return (_HIDDEN_IN_LINES if lines else _HIDDEN).sub(_escape, str(text))


def say(text: object, err: bool = False, lines: bool = False) -> None:
    """Print text made of essay data (titles, tags, file names, warnings) to a person."""
    click.echo(visible(text, lines), err=err)


def use_color(stream=None) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set."""
    stream = stream or sys.stdout
    return not os.environ.get("NO_COLOR") and stream.isatty()


def snippet_for_terminal(snippet: str, color: bool) -> str:
    """A ``<mark>``-ed HTML snippet as terminal text, matched words in colour."""
    pieces = []
    for position, part in enumerate(_MARK.split(snippet)):
        text = visible(html.unescape(part), lines=True)
        marked = position % 2 == 1  # split() alternates plain text and marked words
        pieces.append(click.style(text, fg="yellow", bold=True) if marked and color else text)
    return "".join(pieces)


def _line_width() -> int | None:
    """Room for a snippet's lines (after their indent) on a terminal, or as wide as
    $COLUMNS says; None when the output goes to a file or a pipe: one line each, for grep."""
    if "COLUMNS" not in os.environ and not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size().columns - 4


def wrapped_snippet(snippet: str, width: int | None, color: bool) -> list[str]:
    """A snippet as terminal lines of at most ``width`` characters, broken between words
    (a terminal's own wrapping would break inside them); a word longer than a line has a
    line of its own. One line when ``width`` is None."""
    if width is None:
        return [snippet_for_terminal(snippet, color)]
    width = max(20, width)
    lines: list[list[str]] = [[]]
    used = 0
    for word in snippet.split():
        size = len(visible(html.unescape(_TAGS.sub("", word)), lines=True))
        if lines[-1] and used + 1 + size > width:
            lines.append([])
            used = 0
        used += size + (1 if len(lines[-1]) else 0)
        lines[-1].append(word)
    return [snippet_for_terminal(" ".join(words), color) for words in lines if words]


def print_results(results: SearchResults, color: bool | None = None) -> None:
    color = use_color() if color is None else color
    if results.searched_as:
        say(f"No essay has {results.query!r} as typed; showing results for "
            f"{results.searched_as!r}.\n", lines=True)
    if not results.results and results.total:
        say(f"Page {results.page} is past the last page of results ({results.pages}).")
    elif not results.results:
        say(f"No essays match {results.query!r}."
            + (" A build of this index is running: search again when it has finished."
               if results.building else ""))
    for number, hit in enumerate(results.results, results.first):
        date = (hit.date or "undated")[:10]
        title = click.style(visible(hit.title), bold=True) if color else visible(hit.title)
        click.echo(f"{number:>2}. {title}  ({visible(date)})")
        say(f"    {hit.url or hit.source}")
        for line in wrapped_snippet(hit.snippet, _line_width(), color):
            click.echo(f"    {line}")
        click.echo()
    shown = len(results.results)
    if shown and results.first > 1:
        click.echo(f"{results.first:,}-{results.first + shown - 1:,} of "
                   f"{counted(results.total, 'essay')}")
    else:
        click.echo(f"{shown:,} of {counted(results.total, 'essay')}" if results.total
                   else "0 essays")
    if results.suggestion and not results.searched_as:
        say(f"Did you mean: {results.suggestion}")


def print_related(slug: str, items: list[dict]) -> None:
    if not items:
        say(f"No related essays for {slug}.")
        return
    titles = [visible(item["title"]) for item in items]
    tags = [visible(", ".join(item["shared_tags"]) or "-") for item in items]
    width, tag_width = max(map(len, titles)), max(len("shared tags"), *map(len, tags))
    click.echo(f"{'score':>6}  {'title':<{width}}  {'shared tags':<{tag_width}}  shared words")
    for item, title, shared in zip(items, titles, tags, strict=True):
        words = visible(", ".join(item.get("shared_terms", ())) or "-")
        click.echo(f"{item['score']:>6.3f}  {title:<{width}}  {shared:<{tag_width}}  {words}")


def _table(headers: list[str], rows: list[list[str]], widths: list[int]) -> None:
    """Columns cut to ``widths`` (0 = as wide as needed), the last one never cut."""
    sizes = [min(max(len(visible(r[i])) for r in [headers, *rows]), w or 1000)
             for i, w in enumerate(widths)]

    def fit(text: str, size: int) -> str:
        return text if len(text) <= size else text[: size - 1] + "…"

    for row in [headers, *rows]:
        row = [visible(cell) for cell in row]
        cells = [fit(cell, size).ljust(size) for cell, size in zip(row[:-1], sizes, strict=False)]
        click.echo("  ".join([*cells, row[-1]]).rstrip())


def print_essay_table(documents: list[Document]) -> None:
    rows = [[(d.date.date().isoformat() if d.date else "undated"), d.title,
             ", ".join(d.tags), d.source] for d in documents]
    _table(["date", "title", "tags", "source"], rows, [10, 48, 30, 0])
    click.echo(counted(len(documents), "essay"))


def print_settings(rows: list[dict], config_path) -> None:
    say(f"Config file: {config_path or 'none (defaults and flags only)'}")
    table = [[row["setting"], "-" if row["value"] in (None, "", []) else
              (", ".join(map(str, row["value"])) if isinstance(row["value"], list)
               else str(row["value"])), row["from"]] for row in rows]
    _table(["setting", "value", "from"], table, [28, 44, 0])


def print_stats(figures: dict) -> None:
    click.echo(f"Essays:     {figures['essays']}")
    click.echo(f"Index size: {figures['index_bytes'] / 1024:,.0f} KB")
    click.echo(f"Last build: {figures['last_build'] or 'unknown'}")
    click.echo("\nPer year:")
    years = figures["per_year"]
    room = max(10, shutil.get_terminal_size().columns - 17)  # after "  2019       38  "
    most = max(years.values(), default=0)
    for year, count in years.items():
        bar = "#" * (count if most <= room else max(1 if count else 0,
                                                       round(count * room / most)))
        say(f"  {year:<8} {count:>4}  {bar}")
    click.echo("\nPer tag:")
    for tag, count in figures["per_tag"].items():
        say(f"  {visible(tag):<20} {count:>4}")


class TerminalProgress(BuildProgress):
    """The build's stage, its count and the time in it, on one line of a terminal, redrawn
    four times a second by a small process of its own: a stage with no steps (writing the
    index) is never silent, and neither is one whose work holds Python's interpreter lock
    for a second at a time (a large sort), as a thread's drawing would be. The build only
    sets shared numbers; the drawing process reads them. An estimate of the time left shows
    only once it can be trusted: ten seconds and a tenth of the stage in."""

    REFRESH = 0.25

    def __init__(self, fd: int) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.shared = _Shared(context)
        self.stopping = context.Event()
        self.drawer = context.Process(target=_draw_until_stopped, name="progress",
                                      args=(fd, self.shared, self.stopping, os.getpid()),
                                      daemon=True)
        self.drawer.start()
        self.fd = fd

    def stage(self, name: str, total: int | None = None, unit: str = "essays") -> None:
        self.shared.set_stage(name, total, unit)
        # Shown at once from here, so that a stage shorter than the drawer's wait is seen.
        _draw(self.fd, self.shared)

    def advance(self, item: str = "") -> None:
        self.shared.done.value += 1

    def close(self) -> None:
        self.stopping.set()
        self.drawer.join(timeout=2)
        if self.drawer.is_alive():
            self.drawer.kill()
        if self.shared.started.value:
            os.write(self.fd, b"\r\x1b[K")


class _Shared:
    """The numbers the drawing process reads: stage, total, unit, steps done, start time."""

    def __init__(self, context) -> None:
        self.label = context.RawArray("c", 240)  # name, then unit, NUL-separated
        self.total = context.RawValue("q", -1)  # -1: a stage without a size
        self.done = context.RawValue("q", 0)
        self.began = context.RawValue("d", 0.0)
        self.started = context.RawValue("b", 0)
        self.generation = context.RawValue("q", 0)  # a new stage: draw at once

    def set_stage(self, name: str, total: int | None, unit: str) -> None:
        label = f"{name}\0{unit}".encode()[:239]
        self.label.raw = label + b"\0" * (240 - len(label))
        self.total.value = -1 if total is None else total
        self.done.value = 0
        self.began.value = time.monotonic()
        self.started.value = 1
        self.generation.value += 1

    def line(self) -> str:
        name, _, unit = self.label.raw.rstrip(b"\0").decode("utf-8", "replace").partition("\0")
        total = None if self.total.value < 0 else self.total.value
        return progress_line(name, self.done.value, total, unit,
                             time.monotonic() - self.began.value)


def _draw(fd: int, shared: _Shared) -> None:
    width = shutil.get_terminal_size().columns
    os.write(fd, ("\r" + shared.line()[: max(10, width - 1)] + "\x1b[K").encode())


def _draw_until_stopped(fd: int, shared: _Shared, stopping, parent: int) -> None:
    """The drawing process: the line four times a second (and at each new stage) until
    the build is over or gone. Ctrl-C and SIGTERM are the build's to handle."""
    import signal

    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_IGN)
    seen = 0
    waited = 0.0
    try:
        while not stopping.is_set() and os.getppid() == parent:
            stopping.wait(0.05)
            waited += 0.05
            if shared.started.value and (shared.generation.value != seen
                                         or waited >= TerminalProgress.REFRESH):
                seen, waited = shared.generation.value, 0.0
                _draw(fd, shared)
    except OSError:  # the terminal went away
        pass
    finally:
        os._exit(0)  # at once: nothing of the build's (buffers, files) is this process's


def progress_line(name: str, done: int, total: int | None, unit: str,
                  seconds: float) -> str:
    """``reading  1,204/2,000 files  12s  about 8s left``: the stage, its count (or its
    size, for a stage without steps), the time in it, and the time left once trustworthy."""
    if total is None:
        count = ""
    elif done:
        count = f"{min(done, total):,}/{total:,} {unit}"
    else:
        count = counted(total, unit.rstrip("s")) if unit.endswith("s") else f"{total:,} {unit}"
    left = ""
    if total and done and seconds >= 10 and done >= total / 10 and done < total:
        left = f"  about {_duration(seconds * (total - done) / done)} left"
    return "  ".join(part for part in (name, count, _duration(seconds)) if part) + left


def _duration(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole}s" if whole < 60 else f"{whole // 60}m{whole % 60:02d}s"


# Warnings of one kind shown in full on a terminal before the rest are counted.
FIRST_OF_A_KIND = 3
_DIGITS = re.compile(r"\d+")


def warning_kind(source: str, reason: str) -> str:
    """What a warning says with its file's own name and every number taken out, so that
    "no title" on a.md and on b.md are one kind."""
    name = source.rsplit("/", 1)[-1].split("#", 1)[0]
    for part in sorted({name, name.rsplit(".", 1)[0]} - {""}, key=len, reverse=True):
        reason = reason.replace(part, "\0")
    return _DIGITS.sub("#", reason)


def warning_lines(warnings: list, first: int = FIRST_OF_A_KIND) -> list[str]:
    """The lines a terminal shows for a build's warnings: the first few of each kind in
    full, then one line per kind counting the rest. An archive of 25,000 untitled files
    would otherwise scroll 25,000 lines past the summary; ``--json`` and ``check`` keep
    every one."""
    seen: dict[str, int] = {}
    label: dict[str, str] = {}
    lines = []
    for warning in warnings:
        kind = warning_kind(warning.source, warning.reason)
        seen[kind] = seen.get(kind, 0) + 1
        if seen[kind] <= first:
            lines.append(f"warning: {warning}")
            label.setdefault(kind, warning.reason.split("; ", 1)[0])
    for kind, count in seen.items():
        if count > first:
            lines.append(f"warning: ... and {count - first:,} more: {label[kind]} "
                         "(`feedsearch check` and --json list every one)")
    return lines
