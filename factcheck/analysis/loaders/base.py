"""What every loader shares: the accepted text, the refusal, and how files and sizes read in
messages."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass


class LoadError(Exception):
    """A file we refuse; str(exc) is a message fit to show the user."""


# What a loader knows about a stretch of its text that the words alone do not say.
REGION_HEADLINE = "headline"  # a heading of the source (<h2>, a Word heading style)
REGION_NOTE = "note"  # a footnote or an endnote, after the body
REGION_FURNITURE = "boilerplate"  # site furniture: a page's menus, a document's running header
# Running text however it is punctuated: a list item or a table cell is never a headline.
REGION_TEXT = "sentence"


@dataclass(frozen=True, slots=True)
class Region:
    """``text[start:end]`` of a :class:`Loaded` is one ``kind`` of ``REGION_*``.

    The segmenter gives every unit that starts inside the region that kind, overriding its own
    reading of the words.
    """

    start: int
    end: int
    kind: str


@dataclass(frozen=True, slots=True)
class Loaded:
    """The text of an accepted file.

    ``text`` is plain text, not yet normalised beyond what the format needs (the caller normalises
    line endings and applies NFC). ``title_hint`` is a title found in the file, or ``""``.
    ``kind`` is ``"txt"``, ``"md"``, ``"docx"`` or ``"html"``. ``byline`` is the author the
    file names (an HTML page's byline, a .docx's author), or ``""``.

    ``regions`` mark stretches of ``text`` by what the source's structure says they are. A loader
    that gives regions returns text that is already normalised
    (``analysis.normalise.normalise_text(text) == text``), so their offsets stay true.
    """

    text: str
    title_hint: str
    kind: str
    byline: str = ""
    regions: tuple[Region, ...] = ()


MB = 1024 * 1024
DEFAULT_MAX_BYTES = 5 * MB


def basename(name: str) -> str:
    # Some browsers and clients send a full path ("C:\\Users\\...\\draft.docx").
    return re.split(r"[\\/]", name)[-1]


def display_name(name: str) -> str:
    """The file name as it appears in messages: quoted, printable, and not absurdly long."""
    base = "".join(ch for ch in basename(name) if ch.isprintable()).strip()
    if not base:
        return "The file"
    if len(base) > 80:
        base = base[:79] + "…"
    return f"“{base}”"


def format_size(size: int, *, round_up: bool = False) -> str:
    """``7549747`` → ``"7.2 MB"``; ``5242880`` → ``"5 MB"``.

    With ``round_up`` the figure is rounded up, so a file just over the limit never reads as
    being exactly at it ("5.1 MB; the limit is 5 MB", not "5 MB; the limit is 5 MB").
    """
    if size < 1024:
        return "1 byte" if size == 1 else f"{size:,} bytes"
    value, unit = (size / MB, "MB") if size >= MB else (size / 1024, "KB")
    value = math.ceil(value * 10) / 10 if round_up else round(value, 1)
    return f"{value:,.1f}".removesuffix(".0") + f" {unit}"


def short_reason(exc: BaseException) -> str:
    """A one-line, bounded description of an exception, for the end of a message."""
    # str(KeyError("x")) is "'x'", with quotes; the argument itself reads better.
    single = len(exc.args) == 1 and isinstance(exc.args[0], str)
    text = exc.args[0] if single else str(exc)
    lines = text.strip().splitlines()
    text = " ".join(lines[0].split()) if lines else ""
    if not text:
        return f"unexpected {type(exc).__name__}"
    if len(text) > 160:
        text = text[:159] + "…"
    return text.rstrip(".")
