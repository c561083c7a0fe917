"""The access rule for drafts and everything hanging off one (revisions, sentences, claims,
exports): the user must belong to the draft's newsroom, and hold the capability asked for.

Not a member: 404, so an outsider cannot even learn that the draft exists. A member without the
capability: 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.newsrooms.access import (
    Capability,
    get_for_member,
    member_checked,
    member_rows,
    newsrooms_for,
)
from factcheck.prepared import Prepared

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def drafts_for(user: User | AnonymousUser) -> QuerySet[Draft]:
    """Every draft ``user`` may see."""
    return Draft.objects.filter(newsroom__in=newsrooms_for(user))


def get_draft_for_user(
    user: User | AnonymousUser,
    pk: int,
    capability: Capability = Capability.VIEW,
) -> tuple[Draft, str]:
    """The draft with its newsroom and the user's role on it, in one query (see
    ``get_for_member``: 404 for non-members, 403 for a role without ``capability``)."""
    return get_for_member(
        Draft.objects.select_related("newsroom"), pk, user, capability, newsroom_path="newsroom"
    )


def get_unit_for_user(
    user: User | AnonymousUser,
    draft_pk: int,
    index: int,
    capability: Capability = Capability.VIEW,
) -> tuple[Sentence, str]:
    """Unit ``index`` of the draft's latest revision, with that revision, the draft and its
    newsroom, and the user's role, in one query: the draft's rule (404 for non-members and for
    a unit the draft does not have, 403 for a role without ``capability``). A click on a unit
    starts here."""
    if not user.is_authenticated or not user.is_active:
        raise Http404("No such sentence.")
    rows = _UNIT(draft=draft_pk, index=index, user=user.pk)
    return member_checked(rows[0] if rows else None, user, capability, "sentence")


def _unit_rows(draft: int, index: int, user: int) -> QuerySet[Sentence]:
    latest = Revision.objects.filter(draft=OuterRef("revision__draft")).order_by("-number")
    units = Sentence.objects.select_related("revision__draft__newsroom").filter(
        revision__draft_id=draft, index=index, revision=Subquery(latest.values("pk")[:1])
    )
    return member_rows(units, user, "revision__draft__newsroom").order_by("pk")[:1]


# Every click on a unit runs this query: compiled once (factcheck.prepared).
_UNIT = Prepared(_unit_rows)
