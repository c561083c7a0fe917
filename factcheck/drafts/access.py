"""The access rule for drafts and everything hanging off one (revisions, sentences, claims,
exports): the user must belong to the draft's newsroom, and hold the capability asked for.

Not a member: 404, so an outsider cannot even learn that the draft exists. A member without the
capability: 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import Http404

from factcheck.drafts.models import Draft
from factcheck.newsrooms.access import Capability, newsrooms_for, role_can

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def drafts_for(user: User | AnonymousUser) -> QuerySet[Draft]:
    """Every draft ``user`` may see."""
    return Draft.objects.filter(newsroom__in=newsrooms_for(user))


def get_draft_for_user(
    user: User | AnonymousUser,
    pk: int,
    capability: Capability = Capability.VIEW,
) -> Draft:
    """The draft with its newsroom and the user's ``role`` on it, in one query.

    Raises Http404 when the draft doesn't exist or the user isn't a member of its newsroom,
    PermissionDenied when the member's role lacks ``capability``.
    """
    if not user.is_authenticated or not user.is_active:
        raise Http404("No such draft.")
    draft = (
        Draft.objects.select_related("newsroom")
        .filter(pk=pk, newsroom__memberships__user=user)
        .annotate(role=F("newsroom__memberships__role"))
        .first()
    )
    if draft is None:
        raise Http404("No such draft.")
    if not role_can(draft.role, capability):  # type: ignore[attr-defined]
        raise PermissionDenied(f"Your role in {draft.newsroom} does not allow this.")
    return draft
