"""The draft text's markup, built in Python.

A draft page holds hundreds of units; rendering each through template tags cost more than the
60 ms page budget (see bench/), so the unit's HTML is built here, once, for both the full page
and the htmx fragment that replaces one unit.
"""

from __future__ import annotations

import functools
from itertools import groupby, pairwise
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from factcheck.drafts.selectors import Piece, UnitView

register = template.Library()


@functools.lru_cache(maxsize=512)
def _urls(draft_pk: int) -> tuple[str, str]:
    """The suggestion and quote-task endpoints of a draft (reversed once, not per unit)."""
    return (
        reverse("insights:suggestions", kwargs={"pk": draft_pk}),
        reverse("insights:quote_task", kwargs={"pk": draft_pk}),
    )


@register.simple_tag(takes_context=True)
def unit_html(
    context: Any, unit: UnitView, can_mark: bool, oob: bool = False, can_assign: bool = False
) -> SafeString:
    """``<span id="u-N" …>text<small>…</small><button …></button></span>`` for one unit (no
    inner ``span``: tests and scripts find a unit's end at its first ``</span>``).

    Everything after the text (score, quote, buttons) comes after it on purpose: draft.js
    counts a selection's offsets from the unit's start."""
    classes = f"u u-{unit.kind}" + (" is-claim" if unit.claim else "")
    attrs = (
        f'id="u-{unit.index}" class="{classes}" data-i="{unit.index}" '
        f'data-start="{unit.start}" data-end="{unit.end}"'
    )
    if unit.suggested:
        attrs += ' data-suggested="1"'  # styled as suggested; the class stays the unit's kind
    if unit.checkable:
        attrs += ' tabindex="-1"'
    if oob:
        attrs += ' hx-swap-oob="true"'
    text = _text(unit.pieces)
    extras = ""
    if unit.checkable and unit.score is not None:
        extras += (
            f'<small class="score" title="check-worthiness" '
            f'aria-label="check-worthiness {unit.score:.2f}">{unit.score:.2f}</small>'
        )
    if unit.suggested:  # said in words too, not by colour alone
        extras += '<small class="suggested-label" title="suggested claim">suggested</small>'
    draft = context.get("draft")
    suggestions_url, quote_url = _urls(draft.pk) if draft is not None else ("", "")
    button = ""
    if unit.checkable and can_mark:
        if unit.claim:
            button = (
                f'<button class="mark" name="unmark" value="{unit.index}" aria-pressed="true" '
                f'aria-label="Unmark sentence {unit.index}">✓</button>'
            )
        elif unit.suggested and suggestions_url:
            # Confirm is the unit's mark button (class and name "mark": a click on the sentence
            # or the c key confirms), posted to the suggestions endpoint.
            button = (
                f'<button type="submit" class="mark confirm" name="mark" value="{unit.index}" '
                f'formaction="{suggestions_url}" hx-post="{suggestions_url}" hx-swap="none" '
                f'aria-pressed="false" aria-label="Confirm suggestion: mark sentence '
                f'{unit.index} as a claim">Confirm</button>'
                f'<button type="submit" class="dismiss" name="dismiss" value="{unit.index}" '
                f'formaction="{suggestions_url}" hx-post="{suggestions_url}" hx-swap="none" '
                f'aria-label="Dismiss the suggestion to check sentence {unit.index}">'
                f"Dismiss</button>"
            )
        else:
            button = (
                f'<button class="mark" name="mark" value="{unit.index}" aria-pressed="false" '
                f'aria-label="Mark sentence {unit.index} as a claim">+</button>'
            )
    if unit.speaker:
        speaker = escape(unit.speaker)
        extras += (
            f'<small class="quote-by" title="direct quote credited to">quote: {speaker}</small>'
        )
        if can_assign and quote_url:
            button += (
                f'<button type="submit" class="quote-task" name="unit" value="{unit.index}" '
                f'formaction="{quote_url}" hx-post="{quote_url}" hx-swap="none">'
                f"Task: confirm {speaker} said this</button>"
            )
    return mark_safe(f"<span {attrs}>{text}{extras}{button}</span>")  # noqa: S308 - every part escaped above


def _text(pieces: list[Piece]) -> str:
    """The unit's text with its highlights: each claim span as one ``mark.span-claim`` and each
    checkable part as ``mark.part``, nested as they contain each other ("About <claim>300
    homes</claim>" inside a number part; parts inside a claim span). Where a part crosses a
    claim span's edge, the part is cut there, so that a claim span stays one element."""
    text = "".join(p.text for p in pieces)
    claims: list[tuple[int, int]] = []
    parts: list[tuple[int, int, str]] = []
    at = 0
    for marked, run in groupby(pieces, key=lambda p: p.marked):
        length = sum(len(p.text) for p in run)
        if marked:
            claims.append((at, at + length))
        at += length
    at = 0
    for (part_id, part), run in groupby(pieces, key=lambda p: (p.part_id, p.part)):
        length = sum(len(p.text) for p in run)
        if part_id >= 0:
            parts.append((at, at + length, part))
        at += length
    claim_tag = '<mark class="span-claim">'
    items: list[tuple[int, int, int, str]] = [(a, b, 0, claim_tag) for a, b in claims]
    # A part's pieces share its id whatever claim edges cut them: ``parts`` holds whole parts.
    for a, b, kind in parts:
        cuts = sorted({a, b, *(e for c in claims for e in c if a < e < b and _crosses((a, b), c))})
        label = escape(kind)
        tag = f'<mark class="part part-{label}" title="{label}">'
        items += [(left, right, 1, tag) for left, right in pairwise(cuts)]
    items.sort(key=lambda item: (item[0], -item[1], item[2]))
    return _nest(text, 0, len(text), items)


def _crosses(part: tuple[int, int], claim: tuple[int, int]) -> bool:
    """A claim span overlapping the part without either holding the other."""
    (a, b), (c, d) = part, claim
    return a < d and c < b and not (a <= c and d <= b) and not (c <= a and b <= d)


def _nest(text: str, lo: int, hi: int, items: list[tuple[int, int, int, str]]) -> str:
    """``text[lo:hi]`` escaped, with ``items`` (laminar: nested or apart, sorted by start, then
    longest first) wrapped round their text."""
    out: list[str] = []
    pos, i = lo, 0
    while i < len(items):
        start, end, _, tag = items[i]
        j = i + 1
        while j < len(items) and items[j][0] < end:
            j += 1
        out.append(escape(text[pos:start]))
        out.append(f"{tag}{_nest(text, start, end, items[i + 1 : j])}</mark>")
        pos, i = end, j
    out.append(escape(text[pos:hi]))
    return "".join(out)
