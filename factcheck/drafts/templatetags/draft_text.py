"""The draft page's markup on its hot path, built in Python.

A draft page holds hundreds of units, claims and findings; rendering each through template
tags, includes or a ``{% for %}`` body cost more than the 60 ms page budget (see bench/), so
the HTML of the text (blocks and units) and of the lists of claims, suggestions and findings is
built here, once, for both the full page and the htmx fragments that replace a unit or a panel.
Every piece of text is escaped here.
"""

from __future__ import annotations

import functools
import html
import unicodedata
from collections.abc import Callable, Iterable
from itertools import groupby, pairwise
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from factcheck.claims.models import Claim
from factcheck.drafts.models import Sentence
from factcheck.drafts.selectors import BlockView, Piece, Suggestion, UnitView
from factcheck.insights.models import Finding

register = template.Library()

# django.utils.html.escape is html.escape wrapped for lazy strings and marked safe; what is
# escaped here is plain ``str`` (text, field values, labels), thousands of times a page, so the
# wrapper is skipped.
escape = html.escape


@functools.lru_cache(maxsize=512)
def _urls(draft_pk: int) -> tuple[str, str]:
    """The suggestion and quote-task endpoints of a draft (reversed once, not per unit)."""
    return (
        reverse("insights:suggestions", kwargs={"pk": draft_pk}),
        reverse("insights:quote_task", kwargs={"pk": draft_pk}),
    )


def _draft_urls(context: Any) -> tuple[str, str]:
    draft = context.get("draft")
    return _urls(draft.pk) if draft is not None else ("", "")


def _pk_url(name: str) -> Callable[[int], str]:
    """``pk → reverse(name, args=[pk])`` for a URL whose one argument is ``<int:pk>``, with a
    single ``reverse`` for a whole list (per call: the script prefix may differ by request)."""
    marker = "987654321"
    head, _, tail = reverse(name, args=[int(marker)]).rpartition(marker)
    head, tail = escape(head), escape(tail)
    return lambda pk: f"{head}{pk}{tail}"


@register.simple_tag(takes_context=True)
def draft_blocks(
    context: Any, blocks: Iterable[BlockView], can_mark: bool, can_assign: bool = False
) -> SafeString:
    """The draft's text: each block as an ``h2`` (a headline) or a ``p``, holding its units
    and, between them, the text that separates them as written."""
    urls = _draft_urls(context)
    out: list[str] = []
    for block in blocks:
        if block.kind == Sentence.Kind.HEADLINE:
            out.append('<h2 class="block b-headline">')
            close = "</h2>\n"
        else:
            out.append(f'<p class="block b-{escape(block.kind)}">')
            close = "</p>\n"
        for unit in block.units:
            out.append(escape(unit.gap))
            out.append(_unit_html(unit, can_mark, False, can_assign, urls))
        out.append(close)
    return mark_safe("".join(out))  # noqa: S308 - every part escaped above


@register.simple_tag(takes_context=True)
def unit_html(
    context: Any, unit: UnitView, can_mark: bool, oob: bool = False, can_assign: bool = False
) -> SafeString:
    """One unit alone (the htmx fragment that replaces it): see :func:`_unit_html`."""
    html_ = _unit_html(unit, can_mark, oob, can_assign, _draft_urls(context))
    return mark_safe(html_)  # noqa: S308 - every part escaped in _unit_html


def _unit_html(
    unit: UnitView, can_mark: bool, oob: bool, can_assign: bool, urls: tuple[str, str]
) -> str:
    """``<span id="u-N" …>text<small>…</small><button …></button></span>`` for one unit (no
    inner ``span``: tests and scripts find a unit's end at its first ``</span>``).

    Everything after the text (score, quote, buttons) comes after it on purpose: draft.js
    counts a selection's offsets from the unit's start."""
    classes = f"u u-{escape(unit.kind)}" + (" is-claim" if unit.claim else "")
    attrs = (
        f'id="u-{unit.index}" class="{classes}" data-i="{unit.index}" '
        f'data-start="{unit.start}" data-end="{unit.end}"'
    )
    if unit.suggested:
        attrs += ' data-suggested="1"'  # styled as suggested; the class stays the unit's kind
    checkable = unit.checkable
    if checkable:
        attrs += ' tabindex="-1"'
    if oob:
        attrs += ' hx-swap-oob="true"'
    text = _text(unit.pieces)
    extras = ""
    if checkable and unit.score is not None:
        extras += (
            f'<small class="score" title="check-worthiness" '
            f'aria-label="check-worthiness {unit.score:.2f}">{unit.score:.2f}</small>'
        )
    if unit.suggested:  # said in words too, not by colour alone
        extras += '<small class="suggested-label" title="suggested claim">suggested</small>'
    suggestions_url, quote_url = urls
    button = ""
    if checkable and can_mark:
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
    return f"<span {attrs}>{text}{extras}{button}</span>"


@register.simple_tag
def claim_items(claims: Iterable[Claim], can_mark: bool, can_assign: bool = False) -> SafeString:
    """The claims panel's ``li`` rows: the claim's wording (cut at 160 characters) linking to
    its page, its status and verdict, a checkbox for a new task and an Unmark button."""
    url_of = _pk_url("claims:detail")
    out: list[str] = []
    for claim in claims:
        pk = claim.pk
        pick = (
            f'<input type="checkbox" class="pick" id="pick-{pk}" name="claims" value="{pk}" '
            f'form="new-task" aria-labelledby="pick-label claim-{pk}">'
            if can_assign
            else ""
        )
        status = escape(claim.get_status_display())
        if claim.verdict:
            status += f" · {escape(claim.get_verdict_display())}"
        unmark = (
            f'<button class="link" name="unmark_claim" value="{pk}" id="unmark-{pk}" '
            f'aria-labelledby="unmark-{pk} claim-{pk}">Unmark</button>'
            if can_mark
            else ""
        )
        wording = escape(_truncate_chars(claim.text, 160))
        out.append(
            f'<li class="claim" data-claim="{pk}">\n{pick}\n'
            f'<a id="claim-{pk}" href="{url_of(pk)}">{wording}</a>\n'
            f'<span class="status status-{escape(claim.status)}">{status}</span>\n'
            f"{unmark}\n</li>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every part escaped above


@register.simple_tag
def suggestion_items(suggestions: Iterable[Suggestion], can_mark: bool) -> SafeString:
    """The suggestions panel's ``li`` rows: a checkbox to pick it, the sentence (cut at 120
    characters) linking to its unit, its score."""
    out: list[str] = []
    for suggestion in suggestions:
        i = suggestion.index
        pick = (
            f'<input type="checkbox" name="units" value="{i}" id="pick-s-{i}" '
            f'aria-labelledby="suggestion-{i}">'
            if can_mark
            else ""
        )
        out.append(
            f'<li class="suggestion" data-unit="{i}">\n{pick}\n'
            f'<a id="suggestion-{i}" href="#u-{i}">{escape(_truncate_chars(suggestion.text, 120))}'
            f'</a>\n<span class="score" title="check-worthiness">'
            f"{escape(floatformat(suggestion.score, 2))}</span>\n</li>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every part escaped above


_LIKELY_TITLE = "How sure the finder is that both values are of one thing"


@register.simple_tag
def finding_items(findings: Iterable[Finding]) -> SafeString:
    """The findings panel's ``li`` rows: the summary linking to the finding, what it is about,
    its kind."""
    url_of = _pk_url("insights:finding")
    out: list[str] = []
    for finding in findings:
        what = f' <span class="meta">{escape(finding.what)}</span>' if finding.what else ""
        likely = (
            f' <span class="meta" title="{_LIKELY_TITLE}">{round(finding.confidence * 100)}% '
            "likely</span>"
            if finding.kind == Finding.Kind.CONTRADICTION
            else ""
        )
        out.append(
            f'<li class="finding finding-{escape(finding.kind)}">'
            f'<a href="{url_of(finding.pk)}">{escape(finding.summary)}</a>{what}{likely} '
            f'<span class="status">{escape(finding.get_kind_display())}</span></li>\n'
        )
    return mark_safe("".join(out))  # noqa: S308 - every part escaped above


def _truncate_chars(text: str, length: int) -> str:
    """What ``|truncatechars:length`` shows: the text in NFC, cut to ``length`` characters
    with "…"; the character-by-character count only for texts that may be too long."""
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= length else Truncator(text).chars(length)


def _text(pieces: list[Piece]) -> str:
    """The unit's text with its highlights: each claim span as one ``mark.span-claim`` and each
    checkable part as ``mark.part``, nested as they contain each other ("About <claim>300
    homes</claim>" inside a number part; parts inside a claim span). Where a part crosses a
    claim span's edge, the part is cut there, so that a claim span stays one element."""
    if not any(p.marked for p in pieces):
        # No claim span (the usual case): nothing nests, each run of a part is one mark.
        out = []
        for (part_id, part), run in groupby(pieces, key=lambda p: (p.part_id, p.part)):
            chunk = escape("".join(p.text for p in run))
            if part_id >= 0:
                label = escape(part)
                chunk = f'<mark class="part part-{label}" title="{label}">{chunk}</mark>'
            out.append(chunk)
        return "".join(out)
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
