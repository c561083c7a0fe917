"""The access rule for tasks and comments: the rule of their draft."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from factcheck.newsrooms.access import Capability, get_for_member, newsrooms_for
from factcheck.reviews.models import Task

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def tasks_for(user: User | AnonymousUser) -> QuerySet[Task]:
    """Every task ``user`` may see."""
    return Task.objects.filter(draft__newsroom__in=newsrooms_for(user))


def get_task_for_user(
    user: User | AnonymousUser, pk: int, capability: Capability = Capability.VIEW
) -> tuple[Task, str]:
    """The task with its draft, newsroom and assignee and the user's role, in one query
    (see ``get_for_member``: 404 for non-members, 403 for a role without ``capability``)."""
    return get_for_member(
        Task.objects.select_related("draft__newsroom", "assignee"),
        pk,
        user,
        capability,
        newsroom_path="draft__newsroom",
    )
