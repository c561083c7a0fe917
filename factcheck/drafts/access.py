"""The access rule for drafts and everything hanging off one (revisions, sentences, claims,
exports): the user must belong to the draft's newsroom, and hold the capability asked for.

Not a member: 404, so an outsider cannot even learn that the draft exists. A member without the
capability: 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from factcheck.drafts.models import Draft
from factcheck.newsrooms.access import Capability, get_for_member, newsrooms_for

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
