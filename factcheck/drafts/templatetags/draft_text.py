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
    and, between them, the text that separates them as written. Footnotes and endnotes (after
    the body) get one "Notes" heading before the first of them."""
    urls = _draft_urls(context)
    at = context.get("at")
    reading = bool(context.get("reading"))
    out: list[str] = []
    notes_headed = False
    for block in blocks:
        if block.kind == Sentence.Kind.NOTE and not notes_headed:
            out.append('<h2 class="notes-heading">Notes</h2>\n')
            notes_headed = True
        if block.kind == Sentence.Kind.HEADLINE:
            out.append('<h2 class="block b-headline">')
            close = "</h2>\n"
        else:
            out.append(f'<p class="block b-{escape(block.kind)}">')
            close = "</p>\n"
        for unit in block.units:
            out.append(escape(unit.gap))
            out.append(_unit_html(unit, can_mark, False, can_assign, urls, reading))
            if unit.index == at and unit.checkable and (can_mark or can_assign):
                out.append(_unit_actions(unit, can_mark, can_assign, urls))
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
    unit: UnitView,
    can_mark: bool,
    oob: bool,
    can_assign: bool,
    urls: tuple[str, str],
    reading: bool = False,
) -> str:
    """``<span id="u-N" …>text<small>…</small><a …></a></span>`` for one unit (no inner
    ``span``: tests and scripts find a unit's end at its first ``</span>``). In the reading
    view, the status of its claim follows the text, for the margin.

    The unit reads as the article: its text, the claims in it, and what the reader switched on
    (the parts of those types, cut in by the selector). Everything else is data for the one
    toolbar draft.js moves to the sentence in hand: the score (``data-score``), every part
    (``data-h``, painted when its type is switched on), the quote's speaker (``data-q``). The
    one link after the text is the sentence's own way to its actions without JavaScript
    (``?at=N``: the page with the actions after it, :func:`_unit_actions`), visually quiet.
    What follows the text follows it on purpose: draft.js counts a selection's offsets from
    the unit's start."""
    classes = f"u u-{unit.kind}" + (" is-claim" if unit.claim else "")
    attrs = f'id="u-{unit.index}" class="{classes}" data-start="{unit.start}"'
    checkable = unit.checkable
    actions = checkable and (can_mark or can_assign)
    if unit.suggested:  # styled as suggested (the class stays the unit's kind)
        # Said in words too, not by colour alone: by its link's words where it has one.
        attrs += ' data-suggested="1"' if actions else ' data-suggested="1" title="suggested claim"'
    if checkable and unit.score is not None:
        attrs += f' data-score="{unit.score:.2f}"'
    if unit.parts:
        attrs += f' data-h="{unit.parts}"'
    if unit.speaker:
        attrs += f' data-q="{escape(unit.speaker)}"'
    if oob:
        attrs += ' hx-swap-oob="true"'
    extras = ""
    if reading and unit.claim_status:  # in the margin
        label = _STATUS_LABELS.get(unit.claim_status, unit.claim_status)
        extras = f'<small class="cs cs-{unit.claim_status}">{label}</small>'
    if actions:
        i = unit.index
        what = "Claim" if unit.claim else "Suggested claim" if unit.suggested else "Sentence"
        extras += f'<a href="?at={i}#u-{i}">{what} {i}: actions</a>'
    return f"<span {attrs}>{_text(unit.pieces)}{extras}</span>"


def _unit_actions(unit: UnitView, can_mark: bool, can_assign: bool, urls: tuple[str, str]) -> str:
    """What the toolbar offers on a sentence, as plain buttons of the page's form after it: the
    page without JavaScript, opened at that sentence by its own link."""
    i = unit.index
    suggestions_url, quote_url = urls
    buttons = []
    if can_mark:
        if unit.claim:
            buttons.append(f'<button class="mark" name="unmark" value="{i}">Unmark</button>')
        elif unit.suggested:
            # Confirming a suggestion is marking its sentence: through the suggestions
            # endpoint, which also keeps their panel.
            buttons.append(
                f'<button class="mark confirm primary" name="mark" value="{i}" '
                f'formaction="{suggestions_url}">Confirm the suggestion</button>'
                f'<button class="dismiss" name="dismiss" value="{i}" '
                f'formaction="{suggestions_url}">Dismiss it</button>'
            )
        else:
            buttons.append(f'<button class="mark" name="mark" value="{i}">Mark as a claim</button>')
    if unit.speaker and can_assign and quote_url:
        buttons.append(
            f'<button class="quote-task" name="unit" value="{i}" formaction="{quote_url}">'
            f"Task: confirm {escape(unit.speaker)} said this</button>"
        )
    score = f"check-worthiness {unit.score:.2f} · " if unit.score is not None else ""
    return (
        f'<span class="unit-actions" id="actions" role="group" aria-label="Sentence {i}">'
        f'<span class="meta">{score}sentence {i}</span> {"".join(buttons)} '
        f'<a href="?#u-{i}">Close</a></span>'
    )


_STATUS_LABELS = {status.value: escape(str(status.label)) for status in Claim.Status}


@register.simple_tag
def claim_items(claims: Iterable[Claim], can_mark: bool, can_assign: bool = False) -> SafeString:
    """The claims panel's ``li`` rows: the claim's wording (cut at 100 characters) linking to
    its page, its status and verdict, a checkbox for a new task and, for a claim of part of a
    sentence, an Unmark button (a whole sentence's claim is unmarked by the sentence's own)."""
    url_of = _pk_url("claims:detail")
    out: list[str] = []
    for claim in claims:
        pk = claim.pk
        pick = (
            f'<input type="checkbox" name="claims" value="{pk}" form="new-task" '
            f'aria-labelledby="pick-label claim-{pk}">'
            if can_assign
            else ""
        )
        status = escape(claim.get_status_display())
        if claim.verdict:
            status += f" · {escape(claim.get_verdict_display())}"
        unmark = (
            f' <button class="link" name="unmark_claim" value="{pk}" id="unmark-{pk}" '
            f'aria-labelledby="unmark-{pk} claim-{pk}">Unmark</button>'
            if can_mark and not getattr(claim, "whole", False)
            else ""
        )
        wording = escape(_truncate_chars(claim.text, 100))
        out.append(
            f'<li class="claim" id="claim-row-{pk}" data-claim="{pk}" '
            f'data-at="{claim.start}" data-to="{claim.end}">{pick}'
            f'<a id="claim-{pk}" href="{url_of(pk)}">{wording}</a> '
            f'<span class="status status-{claim.status}">{status}</span>{unmark}</li>\n'
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
