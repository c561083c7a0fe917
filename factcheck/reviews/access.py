"""The access rule for tasks and comments: the rule of their draft."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import Http404

from factcheck.newsrooms.access import Capability, newsrooms_for, role_can
from factcheck.reviews.models import Task

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def tasks_for(user: User | AnonymousUser) -> QuerySet[Task]:
    """Every task ``user`` may see."""
    return Task.objects.filter(draft__newsroom__in=newsrooms_for(user))


def get_task_for_user(
    user: User | AnonymousUser, pk: int, capability: Capability = Capability.VIEW
) -> Task:
    """The task with its draft and newsroom and the user's ``role``, in one query.

    Http404 when it doesn't exist or the user is not a member of its newsroom; PermissionDenied
    when the role lacks ``capability``.
    """
    if not user.is_authenticated or not user.is_active:
        raise Http404("No such task.")
    task = (
        Task.objects.select_related("draft__newsroom", "assignee")
        .filter(pk=pk, draft__newsroom__memberships__user=user)
        .annotate(role=F("draft__newsroom__memberships__role"))
        .first()
    )
    if task is None:
        raise Http404("No such task.")
    if not role_can(task.role, capability):  # type: ignore[attr-defined]
        raise PermissionDenied(f"Your role in {task.draft.newsroom} does not allow this.")
    return task
