"""The rows of the "what changed" page, built in Python.

A long draft's diff has hundreds of rows, each with its sentence, its marked words and the
claims and findings beside it; through a ``{% for %}`` body they took over a second to render
for 600 sentences, ten times the work of reading them. So a row's HTML is built here, once; the
template renders the rest of the page. Every piece of text is escaped here.
"""

from __future__ import annotations

import html
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from factcheck.claims.models import Claim
from factcheck.insights.diff import DiffPage, DiffRow
from factcheck.insights.models import Finding

register = template.Library()

escape = html.escape  # plain str, many times a page: no lazy-string wrapper

# What a screen reader says before a marked run: <del> and <ins> are read as plain text.
_SAID = {"removed": "Removed: ", "added": "Added: ", "delete": "taken out: ", "insert": "put in: "}


@register.simple_tag
def diff_rows(diff: DiffPage, diff_url: str) -> SafeString:
    """Every ``<tr>`` of the page's table: a gap links to the whole page (``diff_url``) where
    it starts."""
    whole = escape(f"{diff_url}?{diff.query}&show=all")
    return mark_safe("".join(_row(row, whole) for row in diff.rows))  # noqa: S308 - escaped


def _row(row: DiffRow, whole: str) -> str:
    if row.kind == "gap":
        plural = "" if row.hidden == 1 else "s"
        return (
            f'<tr class="drow drow-gap"><td colspan="3"><a href="{whole}#{row.anchor}">'
            f"{row.hidden} unchanged sentence{plural}</a></td></tr>\n"
        )
    classes = f"drow drow-{row.kind}"
    if row.unit_kind == "headline":
        classes += " drow-headline"
    if row.kind in ("removed", "added"):
        tag = "del" if row.kind == "removed" else "ins"
        text = f"<{tag}>{_said(row.kind)}{escape(row.text)}</{tag}>"
    elif row.pieces:
        text = "".join(_piece(op, words, space) for op, words, space in row.marked)
    else:
        text = escape(row.text)
    if row.joined:
        text += ' <span class="meta">(sentences joined into one)</span>'
    side = "".join(_claim(c) for c in row.claims) + "".join(_finding(f) for f in row.findings)
    return (
        f'<tr id="{row.anchor}" class="{classes}">'
        f'<td class="dkind"><span class="change change-{row.kind}">{escape(row.label)}</span></td>'
        f'<td class="dtext">{text}</td>'
        f'<td class="dside">{side}</td></tr>\n'
    )


def _said(what: str) -> str:
    return f'<span class="visually-hidden">{_SAID[what]}</span>'


def _piece(op: str, words: str, space: str) -> str:
    if op == "delete":
        return f"<del>{_said(op)}{escape(words)}</del>{escape(space)}"
    if op == "insert":
        return f"<ins>{_said(op)}{escape(words)}</ins>{escape(space)}"
    return escape(words)


def _claim(claim: Claim) -> str:
    url = reverse("claims:detail", args=[claim.pk])
    parts = [
        f'<div class="dclaim"><a href="{escape(url)}">'
        f"{escape(Truncator(claim.text).chars(100))}</a> ",
        _state(claim.status, claim.get_status_display()),
    ]
    if claim.verdict:
        parts.append(
            f' <span class="verdict verdict-{escape(claim.verdict)}">'
            f"{escape(claim.get_verdict_display())}</span>"
        )
    if not claim.is_anchored:
        parts.append(" " + _state(claim.anchor, claim.get_anchor_display()))
    if claim.changed_since_checked:
        parts.append(
            '<div class="changed-since-checked"><strong>Changed since checked.</strong> '
            f"The verdict was about: <del>{escape(claim.checked_text)}</del> "
            f"The copy now says: <ins>{escape(claim.text)}</ins></div>"
        )
    parts.append("</div>")
    return "".join(parts)


def _finding(finding: Finding) -> str:
    url = reverse("insights:finding", args=[finding.pk])
    return (
        f'<div class="dfinding"><a href="{escape(url)}">'
        f"{escape(finding.get_kind_display())}: {escape(finding.summary)}</a> "
        f'<span class="state state-finding-{escape(finding.status)}">'
        f"{escape(finding.get_status_display())}</span></div>"
    )


def _state(value: str, label: Any) -> str:
    return f'<span class="state state-{escape(value)}">{escape(str(label))}</span>'
