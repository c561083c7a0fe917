"""The access rule for claims: the rule of the claim's draft (see ``factcheck.drafts.access``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404

from factcheck.claims.models import Claim
from factcheck.newsrooms.access import Capability, role_can

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def get_claim_for_user(
    user: User | AnonymousUser, pk: int, capability: Capability = Capability.VIEW
) -> Claim:
    """The claim with its draft and newsroom and the user's ``role``, in one query.

    Http404 when it doesn't exist or the user is not a member of its newsroom; PermissionDenied
    when the role lacks ``capability``.
    """
    if not user.is_authenticated or not user.is_active:
        raise Http404("No such claim.")
    claim = (
        Claim.objects.select_related("draft__newsroom", "sentence")
        .filter(pk=pk, draft__newsroom__memberships__user=user)
        .annotate(role=F("draft__newsroom__memberships__role"))
        .first()
    )
    if claim is None:
        raise Http404("No such claim.")
    if not role_can(claim.role, capability):  # type: ignore[attr-defined]
        raise PermissionDenied(f"Your role in {claim.draft.newsroom} does not allow this.")
    return claim
