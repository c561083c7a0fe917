"""Reads for a newsroom's members page: its members (people apart from the accounts of its API
tokens), its open invitations and the latest changes, in a fixed number of queries whatever the
number of members."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from factcheck.api.models import ApiToken
from factcheck.history.models import AuditEntry
from factcheck.history.selectors import members_history
from factcheck.newsrooms.models import Invitation, Membership, Newsroom, Role


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    expired: bool


@dataclass(frozen=True)
class MembersPage:
    members: Sequence[Membership]  # people, by name
    token_accounts: Sequence[Membership]  # the accounts of the newsroom's API tokens
    invitations: list[InvitationRow]  # open ones (pending or expired), newest first
    admins: int
    history: list[AuditEntry]
    now: datetime


def members_page(newsroom: Newsroom) -> MembersPage:
    """Three queries: the memberships with their users, the open invitations with who sent
    them, the history."""
    token_account = ApiToken.objects.filter(user=OuterRef("user"), newsroom__isnull=False)
    rows = list(
        Membership.objects.filter(newsroom=newsroom)
        .select_related("user")
        .annotate(token_account=Exists(token_account))
        .order_by("user__username", "pk")
    )
    invitations = list(
        Invitation.objects.filter(
            newsroom=newsroom, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )
    now = timezone.now()
    people = [m for m in rows if not getattr(m, "token_account", False)]
    return MembersPage(
        members=people,
        token_accounts=[m for m in rows if getattr(m, "token_account", False)],
        invitations=[
            InvitationRow(i, i.status_at(now) == Invitation.Status.EXPIRED) for i in invitations
        ],
        admins=sum(1 for m in people if m.role == Role.ADMIN),
        history=members_history(newsroom.pk),
        now=now,
    )


def live_tokens_made_by(newsroom: Newsroom, user_id: int) -> int:
    """How many of the newsroom's API tokens ``user_id`` made that still work: a member who
    leaves may have kept their secrets (they are the newsroom's, not the member's)."""
    return (
        ApiToken.objects.filter(newsroom=newsroom, created_by_id=user_id, revoked_at__isnull=True)
        .exclude(expires_at__lte=timezone.now())
        .count()
    )
