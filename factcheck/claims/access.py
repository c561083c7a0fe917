"""The access rule for claims: the rule of the claim's draft (see ``factcheck.drafts.access``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from factcheck.claims.models import Claim
from factcheck.newsrooms.access import Capability, get_for_member

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def get_claim_for_user(
    user: User | AnonymousUser, pk: int, capability: Capability = Capability.VIEW
) -> tuple[Claim, str]:
    """The claim with its draft, newsroom and sentence and the user's role, in one query
    (see ``get_for_member``: 404 for non-members, 403 for a role without ``capability``)."""
    return get_for_member(
        Claim.objects.select_related("draft__newsroom", "sentence"),
        pk,
        user,
        capability,
        newsroom_path="draft__newsroom",
    )
