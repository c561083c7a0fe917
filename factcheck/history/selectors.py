"""Reading the audit trail: a draft's timeline, the changes to a newsroom's settings and to its
members."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from factcheck.drafts.models import Draft
from factcheck.history.models import AuditEntry

TIMELINE_PAGE_SIZE = 50
SETTINGS_HISTORY_SIZE = 10
# The entries about a newsroom's settings, by object type: its source settings and its own
# fields (the suggestion threshold).
SETTINGS_OBJECTS = ("sourcesettings", "newsroom")
# The entries about a newsroom's members: invitations and memberships.
MEMBER_OBJECTS = ("invitation", "membership")
# What the timeline can be narrowed to, by the object type the entry is about.
TIMELINE_KINDS = {
    "draft": "Draft",
    "claim": "Claims",
    "task": "Tasks",
    "comment": "Comments",
}
# Where an entry's object lives, by object type (the draft itself links to its page).
_OBJECT_URLS = {
    "draft": "drafts:detail",
    "claim": "claims:detail",
    "task": "reviews:task",
}


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any


def draft_timeline(draft: Draft, *, kind: str = "") -> QuerySet[AuditEntry]:
    """Every audit entry of ``draft``, newest first, with its actor (one query per page)."""
    entries = AuditEntry.objects.filter(draft=draft).select_related("actor")
    if kind in TIMELINE_KINDS:
        entries = entries.filter(object_type=kind)
    return entries.order_by("-created_at", "-id")


def settings_history(newsroom_id: int, *, limit: int = SETTINGS_HISTORY_SIZE) -> list[AuditEntry]:
    """The latest changes to the newsroom's settings, newest first, with their actors (one
    query). The page shows each entry's summary, which names every change."""
    return _latest(newsroom_id, SETTINGS_OBJECTS, limit)


def members_history(newsroom_id: int, *, limit: int = SETTINGS_HISTORY_SIZE) -> list[AuditEntry]:
    """The latest changes to the newsroom's members (invitations, roles, removals), newest
    first, with their actors (one query)."""
    return _latest(newsroom_id, MEMBER_OBJECTS, limit)


def _latest(newsroom_id: int, object_types: Sequence[str], limit: int) -> list[AuditEntry]:
    """The newsroom's latest entries (not a draft's) about these kinds of object, newest first,
    with their actors: one query."""
    return list(
        AuditEntry.objects.filter(newsroom_id=newsroom_id, draft=None, object_type__in=object_types)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


def timeline_page(
    draft: Draft, *, number: str | int | None, kind: str = "", per_page: int = TIMELINE_PAGE_SIZE
) -> Page[AuditEntry]:
    """One page of the timeline: two queries (the count and the rows), whatever its length.

    Each entry on the page gets ``url`` (its object's page, or "") and ``change_list``
    (:class:`Change` rows for the template).
    """
    page = Paginator(draft_timeline(draft, kind=kind), per_page).get_page(number)
    for entry in page.object_list:
        entry.url = entry_url(entry)
        entry.change_list = [
            Change(field, *_pair(value)) for field, value in (entry.changes or {}).items()
        ]
    return page


def entry_url(entry: AuditEntry) -> str:
    name = _OBJECT_URLS.get(entry.object_type)
    if name is None:
        return ""
    try:
        return reverse(name, kwargs={"pk": entry.object_id})
    except NoReverseMatch:
        return ""


def _pair(value: Any) -> tuple[Any, Any]:
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return value[0], value[1]
    return None, value
