"""Normalising a draft's text without altering what the writer wrote."""

from __future__ import annotations

import unicodedata


def normalise_text(text: str) -> str:
    """Return ``text`` with a leading BOM dropped, line endings made ``\\n`` and NFC applied.

    Nothing else changes: curly quotes, dashes, spacing and spelling stay as written, because
    claims and quotes are checked against the exact words.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    # \r\n first, then lone \r (old Mac files); U+2028/2029 are line/paragraph separators that
    # some word processors paste in place of newlines.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2029", "\n\n").replace("\u2028", "\n")
    return unicodedata.normalize("NFC", text)


def title_from_text(text: str, *, max_length: int = 300) -> str:
    """The first non-blank line, stripped of Markdown heading marks, cut at ``max_length``."""
    for line in text.split("\n"):
        stripped = line.strip().lstrip("#").strip()
        if stripped:
            if len(stripped) > max_length:
                return stripped[: max_length - 1].rstrip() + "…"
            return stripped
    return ""


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` narrowed so that ``text[start:end]`` has no white space around it."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
