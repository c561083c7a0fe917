"""The review queue's rows, built in Python.

A page of the queue holds 50 rows of some forty fields and controls each; rendered through the
template (``{% for %}`` over a partial) they cost more than the rest of the page together, the
queries included (see bench/, ``queue_100k_p50_ms``). So a row's HTML is built here, once, for
both the page and the htmx fragment that replaces one row. Every value is escaped here.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django import template
from django.template.defaultfilters import date, timesince_filter
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined] # not in the stubs

from factcheck.drafts.models import Draft
from factcheck.reviews.models import Task
from factcheck.reviews.queue import QueueRow

register = template.Library()


def escape(value: object) -> str:
    """What the template's autoescape does to a value (``html.escape`` without Django's lazy
    wrapper, called some thousand times a page)."""
    return html.escape(str(value))


KIND_BADGES = {
    "claim": '<span class="kind kind-claim">Verdict</span>',
    "finding": '<span class="kind kind-finding">Finding</span>',
    "review": '<span class="kind kind-review">Task in review</span>',
    "task": '<span class="kind kind-task">Task</span>',
}


@register.simple_tag(takes_context=True)
def queue_rows(context: Any, rows: Iterable[QueueRow]) -> SafeString:
    """Every row of the page: see :func:`queue_row`."""
    shared = _Shared(context)
    return mark_safe("".join(_row(row, shared) for row in rows))  # noqa: S308 - escaped in _row


@register.simple_tag(takes_context=True)
def queue_row(context: Any, row: QueueRow) -> SafeString:
    """``<tr id="row-KIND-ID" …>`` for one row: selection box, kind, item, status, who, due,
    waiting since, and its actions (approve or mark done, send back with a note; for a finding,
    make a task or dismiss), with the error of a refused action. Needs ``back`` (the filters,
    to come back to), ``bulk_url`` and ``csrf_token`` in the context."""
    return mark_safe(_row(row, _Shared(context)))  # noqa: S308 - every part escaped in _row


@register.simple_tag
def draft_options(drafts: Iterable[Draft], selected: int | None) -> SafeString:
    """The draft filter's ``option`` elements (a newsroom may have hundreds of drafts)."""
    return mark_safe(  # noqa: S308 - the titles are escaped
        "".join(
            f'<option value="{d.pk}"{" selected" if d.pk == selected else ""}>'
            f"{escape(d.title)}</option>"
            for d in drafts
        )
    )


class _Shared:
    """What every row of a page repeats: worked out once a page, not once a row."""

    def __init__(self, context: Any) -> None:
        self.csrf = str(CsrfTokenNode().render(context))
        self.bulk_url = escape(str(context.get("bulk_url", "")))
        self.back = escape(str(context.get("back", "")))
        self.use_tz = context.use_tz
        self._draft_urls: dict[int, str] = {}
        self._dates: dict[tuple[datetime, str], str] = {}

    def draft_url(self, draft: Any) -> str:
        url = self._draft_urls.get(draft.pk)
        if url is None:
            url = self._draft_urls[draft.pk] = escape(draft.get_absolute_url())
        return url

    def date(self, moment: datetime, fmt: str) -> str:
        """``moment|date:fmt``, escaped; once a page for each (the rows of one draft share
        its deadline)."""
        text = self._dates.get((moment, fmt))
        if text is None:
            # In local time, as the template's date filter gets it.
            local = template_localtime(moment, self.use_tz)
            text = self._dates[moment, fmt] = escape(date(local, fmt))
        return text


def _row(row: QueueRow, shared: _Shared) -> str:
    key = escape(row.key)
    token = escape(row.token)
    classes = f"qrow qrow-{escape(row.kind)}"
    if not row.waits:
        classes += " is-settled"
    if row.error:
        classes += " has-error"
    select = ""
    if row.waits and row.kind != "finding":
        select = (
            f'<input type="checkbox" id="sel-{key}" name="items" value="{token}" '
            f'form="queue-bulk" aria-label="Select: {escape(row.label)}">'
        )
    if row.kind in ("claim", "finding"):
        badge = KIND_BADGES[row.kind]
    else:
        badge = KIND_BADGES["review" if row.status == Task.Status.IN_REVIEW else "task"]
    if row.overdue:
        badge += '\n<span class="badge overdue">Overdue</span>'
    changed = ""
    if row.checked_text:
        badge += '\n<span class="badge changed">Changed since checked</span>'
        # Both wordings in full: the editor approves the new words, knowing what was checked.
        changed = (
            f'\n<span class="changed-words">Checked: <del>{escape(row.checked_text)}</del> '
            f"Now: <ins>{escape(row.text)}</ins></span>"
        )
    draft = row.draft
    meta = f'in <a href="{shared.draft_url(draft)}">{escape(draft.title)}</a>'
    if row.kind == "claim" and row.verdict_label:
        meta += f" · proposed verdict: <strong>{escape(row.verdict_label)}</strong>"
    if row.priority_label:
        meta += f" · {escape(row.priority_label)} priority"
    note = ""
    if row.kind == "claim" and row.note and not row.waits:
        note = f'\n<span class="meta">Note: {escape(row.note)}</span>'
    if row.who:
        who = f'<span class="meta">{escape(row.who_label)}</span> {escape(row.who.get_username())}'
    else:
        who = f'<span class="meta">{"unassigned" if row.kind == "task" else "—"}</span>'
    if row.due:
        when = (
            f'<time datetime="{shared.date(row.due, "c")}">{shared.date(row.due, "j M H:i")}</time>'
        )
    else:
        when = '<span class="meta">no due time</span>'
    since = ""
    if row.since:
        since = (
            f'<time datetime="{shared.date(row.since, "c")}">'
            f"{escape(timesince_filter(row.since))} ago</time>"
        )
    error = f'\n<p class="error">{escape(row.error)}</p>' if row.error else ""
    return (
        f'<tr id="row-{key}" class="{classes}" tabindex="-1" data-key="{key}">\n'
        f'<td class="sel">{select}</td>\n'
        f'<td class="what">\n{badge}\n</td>\n'
        f'<td class="item">\n'
        f'<a id="text-{key}" href="{escape(row.url)}">{escape(row.short_text)}</a>\n'
        f'<span class="meta">{meta}</span>{note}{changed}\n'
        f"</td>\n"
        f'<td class="status"><span class="state state-{escape(row.status)}">'
        f"{escape(row.status_label)}</span></td>\n"
        f'<td class="who">{who}</td>\n'
        f'<td class="due">{when}</td>\n'
        f'<td class="since">{since}</td>\n'
        f'<td class="actions">\n{_actions(row, shared, key, token)}{error}\n</td>\n'
        f"</tr>"
    )


def _actions(row: QueueRow, shared: _Shared, key: str, token: str) -> str:
    """The row's buttons: what the editor can do with it now, or where to go instead."""
    if row.kind == "finding":
        if row.actions:
            return _form(
                shared,
                token,
                f'<button type="submit" class="primary" name="do" value="finding_task" '
                f'data-key="a" aria-describedby="text-{key}">Make task</button>\n'
                f'<button type="submit" name="do" value="finding_dismiss" '
                f'aria-describedby="text-{key}">Dismiss</button>',
                ' class="row-act"',
            )
        task = row.task
        if task:
            url = escape(reverse("reviews:task", args=[task.pk]))
            return f'<a href="{url}">Open the task “{escape(task.title)}”</a>'
        return '<span class="settled">No longer waits on you</span>'
    if row.actions:
        if row.kind == "claim":
            button = (
                f'<button type="submit" class="primary" name="do" value="approve" data-key="a" '
                f'aria-describedby="text-{key}">Approve</button>'
            )
        else:
            button = (
                f'<button type="submit" class="primary" name="do" value="done" data-key="a" '
                f'aria-describedby="text-{key}">Mark done</button>'
            )
        send_back = "send_back" if row.kind == "claim" else "task_send_back"
        opened = " open" if row.kept_note or row.error else ""
        back_form = _form(
            shared,
            token,
            f'<label for="note-{key}">Note (optional)</label>\n'
            f'<input type="text" id="note-{key}" name="note" value="{escape(row.kept_note)}" '
            f'maxlength="500" data-note>\n'
            f'<button type="submit" name="do" value="{send_back}" data-key="s" '
            f'aria-describedby="text-{key}">Send back</button>',
        )
        act_form = _form(shared, token, button, ' class="row-act"')
        return (
            f'{act_form}\n<details class="send-back"{opened}>\n<summary>Send back</summary>\n'
            f"{back_form}\n</details>"
        )
    if row.waits:
        return f'<a href="{escape(row.url)}">Open task</a>'
    return '<span class="settled">No longer waits on you</span>'


def _form(shared: _Shared, token: str, body: str, attrs: str = "") -> str:
    """A form posting one row's action to the queue, answered with the row (htmx)."""
    return (
        f'<form{attrs} method="post" action="{shared.bulk_url}" hx-post="{shared.bulk_url}" '
        f'hx-target="closest tr" hx-swap="outerHTML">\n'
        f"{shared.csrf}\n"
        f'<input type="hidden" name="item" value="{token}">\n'
        f'<input type="hidden" name="back" value="{shared.back}">\n'
        f"{body}\n</form>"
    )
