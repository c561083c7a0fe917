"""The access rule for findings: the user must belong to the finding's draft's newsroom (404
otherwise, so an outsider cannot learn it exists) and hold the capability asked for (403)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from factcheck.insights.models import Finding
from factcheck.newsrooms.access import Capability, get_for_member

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def get_finding_for_user(
    user: User | AnonymousUser, pk: int, capability: Capability = Capability.VIEW
) -> tuple[Finding, str]:
    return get_for_member(
        Finding.objects.select_related(
            "draft__newsroom", "revision", "sentence_a", "sentence_b", "task"
        ),
        pk,
        user,
        capability,
        newsroom_path="draft__newsroom",
    )
