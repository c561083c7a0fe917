"""Filters of the evidence shown in the lookups panel and the reference library (they only
render what they are given; the panel's data comes from ``factcheck.sources.panel``):

- ``{{ text|marked:spans }}``: the snippet, escaped, with ``<mark>`` around the ``[start, end]``
  spans; ``{{ url|safe_href }}``: the URL when it is safe to link to, else "".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def marked(text: str, spans: Any) -> SafeString:
    """``text`` escaped, with ``<mark>`` around each ``[start, end]`` span. Spans that are
    malformed or outside the text are ignored; overlapping ones are merged."""
    text = str(text)
    out = SafeString()
    position = 0
    for start, end in _clean_spans(spans, len(text)):
        out += escape(text[position:start])
        out += SafeString("<mark>") + escape(text[start:end]) + SafeString("</mark>")
        position = end
    return out + escape(text[position:])


def _clean_spans(spans: Any, length: int) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    for span in spans if isinstance(spans, Iterable) and not isinstance(spans, str) else []:
        if (
            isinstance(span, (list, tuple))
            and len(span) == 2
            and all(type(n) is int for n in span)  # not bool, not str
            and 0 <= span[0] < span[1] <= length
        ):
            pairs.append((span[0], span[1]))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(pairs):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@register.filter
def safe_href(url: str) -> str:
    """``url`` when it is an http(s) address or a path on this site; "" otherwise, so that a
    ``javascript:`` or ``data:`` URL from an outside source never becomes a link."""
    url = str(url).strip()
    if url.startswith("/") and not url.startswith(("//", "/\\")):
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme in ("http", "https") and parts.netloc else ""
