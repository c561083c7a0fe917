"""Markdown: a draft written in Markdown, its front matter read and left out of the text.

A file that opens with front matter (Jekyll's and most generators' YAML between ``---`` lines,
Hugo's TOML between ``+++`` lines) gives the draft its title (``title:``) and byline
(``author:``/``authors:``), and the front matter is dropped from the text, so that
``layout: post`` never becomes a sentence. Front matter that does not parse, or parses to
anything but a table of keys, is left in the text as it was written and gives nothing: a
draft never loses words because its header was malformed.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Mapping
from typing import Any

import yaml

from factcheck.analysis.loaders.base import Loaded

_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_FRONT_MATTER_KEY = re.compile(r"^[A-Za-z0-9_-]+[ \t]*:")

# Front matter is a few lines; a "header" longer than this is not one, and a YAML parser is
# not handed megabytes to chew on.
FRONT_MATTER_MAX_CHARS = 64 * 1024
_BYLINE_MAX_CHARS = 300
# The opening line, alone on the first line (after a BOM, if the decoder left one).
_OPENING = re.compile(r"\A\ufeff?(---|\+\+\+)[ \t]*\r?\n")
# The closing line: YAML's "---" or its document end "...", TOML's "+++"; alone on its line.
_CLOSING = {
    "---": re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE),
    "+++": re.compile(r"^\+\+\+[ \t]*(?:\r?\n|\Z)", re.MULTILINE),
}
_BLANK_LINES = re.compile(r"(?:[ \t]*\r?\n)*")


def load_markdown(text: str) -> Loaded:
    """The draft of a Markdown file: its text without front matter, and the title and byline
    the front matter gives (the title falls back to the first heading)."""
    body, fields = split_front_matter(text)
    # Keys as written vary ("Title:" in some tools' metadata): read them in any case.
    keys = {key.lower(): value for key, value in fields.items() if isinstance(key, str)}
    title = _one_line(keys.get("title")) or markdown_title(body)
    return Loaded(text=body, title_hint=title, kind="md", byline=_byline(keys))


def split_front_matter(text: str) -> tuple[str, Mapping[str, Any]]:
    """``(body, fields)``: ``text`` without its front matter, and the front matter's table.

    Without front matter, or with front matter that does not parse to a table, ``text`` comes
    back whole with no fields. The blank lines after the closing line go with the front matter.
    """
    opening = _OPENING.match(text)
    if opening is None:
        return text, {}
    delimiter = opening.group(1)
    closing = _CLOSING[delimiter].search(text, opening.end())
    if closing is None or closing.start() - opening.end() > FRONT_MATTER_MAX_CHARS:
        return text, {}  # never closed, or too long to be a header: keep every word
    fields = _parse(text[opening.end() : closing.start()], toml=delimiter == "+++")
    if fields is None:
        return text, {}
    blank = _BLANK_LINES.match(text, closing.end())
    return text[blank.end() if blank else closing.end() :], fields


def _parse(source: str, *, toml: bool) -> Mapping[str, Any] | None:
    """The table the front matter ``source`` holds, or None if it holds none."""
    if toml:
        try:
            return tomllib.loads(source)
        except (tomllib.TOMLDecodeError, RecursionError):
            return None
    try:
        # safe_load builds plain values only: no Python object is ever constructed.
        parsed = yaml.safe_load(source)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    if parsed is None:
        return {}  # "---\n---": empty front matter, as Jekyll writes to mark a page
    if isinstance(parsed, dict):
        return parsed
    return None  # a lone string or a list: a horizontal rule and text, not front matter


def _one_line(value: object) -> str:
    """A scalar value as one line of text; anything else (a list, a table) gives ``""``."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str | int | float | datetime.date):
        return " ".join(str(value).split())
    return ""


def _byline(fields: Mapping[str, Any]) -> str:
    """``author: Name``, ``author: {name: Name}`` or ``authors: [A, B]`` as one byline."""
    names: list[str] = []
    for key in ("author", "authors"):
        value = fields.get(key)
        items = value if isinstance(value, list) else [value]
        for item in items[:20]:
            if isinstance(item, dict):
                item = item.get("name")
            name = _one_line(item) if isinstance(item, str) else ""
            if name and name not in names:
                names.append(name)
    return ", ".join(names)[:_BYLINE_MAX_CHARS]


def markdown_title(text: str) -> str:
    """The text of the first ATX heading (``# Title``), outside code fences and front matter."""
    lines = text.splitlines()
    start = 0
    # Front matter left in the text (it did not parse) may hold "# comments" that are not
    # headings.
    if len(lines) > 1 and lines[0].strip() == "---" and _FRONT_MATTER_KEY.match(lines[1]):
        for index in range(1, len(lines)):
            if lines[index].strip() in ("---", "..."):
                start = index + 1
                break
    fence: str | None = None  # the opening fence while inside a fenced code block
    for line in lines[start:]:
        fence_match = _FENCE.match(line)
        if fence is not None:
            # A fence closes with the same character, at least as long, and nothing after it.
            if (
                fence_match
                and fence_match.group(1)[0] == fence[0]
                and len(fence_match.group(1)) >= len(fence)
                and not line[fence_match.end() :].strip()
            ):
                fence = None
            continue
        if fence_match:
            fence = fence_match.group(1)
            continue
        heading = _ATX_HEADING.match(line)
        if heading and heading.group(1) and heading.group(1).strip():
            return heading.group(1).strip()
    return ""
