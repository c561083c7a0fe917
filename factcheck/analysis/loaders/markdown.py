"""Markdown: the title of a draft written in Markdown."""

from __future__ import annotations

import re

_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_FRONT_MATTER_KEY = re.compile(r"^[A-Za-z0-9_-]+[ \t]*:")


def markdown_title(text: str) -> str:
    """The text of the first ATX heading (``# Title``), outside code fences and front matter."""
    lines = text.splitlines()
    start = 0
    # YAML front matter (Jekyll, Hugo) may hold "# comments" that are not headings.
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
