"""Tasks and comments in the Django admin.

The workflow fields are read-only here; the actions (archive, restore, assign) go through the
services, so the state machine, notifications and history hold for the site admin too: the
services let a site admin act in any newsroom, and the history names them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from factcheck.errors import FactcheckError
from factcheck.http import authed_user
from factcheck.reviews.models import Comment, Task
from factcheck.reviews.services import task_archive, task_restore, tasks_assign_bulk


class CommentInline(admin.TabularInline[Comment, Any]):
    model = Comment
    fk_name = "task"
    fields = ("author", "body", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class TaskActionForm(ActionForm):
    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(memberships__isnull=False).distinct(),
        required=False,
        empty_label="(nobody)",
        help_text="For “Assign”: a member of each task's newsroom.",
    )


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [("yes", "Overdue")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Task]) -> QuerySet[Task]:
        if self.value() != "yes":
            return queryset
        return queryset.filter(due_at__lt=timezone.now(), archived_at__isnull=True).exclude(
            status=Task.Status.DONE
        )


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin[Task]):
    list_display = [
        "title",
        "draft",
        "status",
        "priority",
        "assignee",
        "due_at",
        "overdue",
        "archived",
    ]
    list_filter = [
        "status",
        "priority",
        OverdueFilter,
        "draft__newsroom",
        ("assignee", admin.RelatedOnlyFieldListFilter),
        ("archived_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["title", "description", "draft__title", "assignee__username"]
    list_select_related = ["draft", "assignee"]
    date_hierarchy = "created_at"
    inlines = [CommentInline]
    action_form = TaskActionForm
    actions = ["archive", "restore", "assign"]

    @admin.display(boolean=True, description="Overdue")
    def overdue(self, obj: Task) -> bool:
        return obj.is_overdue

    @admin.display(boolean=True, description="Archived", ordering="archived_at")
    def archived(self, obj: Task) -> bool:
        return obj.archived_at is not None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tasks are created from the draft page, with their claims

    def has_change_permission(self, request: HttpRequest, obj: Task | None = None) -> bool:
        return False  # view only: changes go through the actions (the services)

    def has_delete_permission(self, request: HttpRequest, obj: Task | None = None) -> bool:
        return False  # archive instead: the task and its history stay

    @admin.action(description="Archive selected tasks")
    def archive(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        self._each(request, queryset, task_archive, "Archived")

    @admin.action(description="Restore selected tasks")
    def restore(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        self._each(request, queryset, task_restore, "Restored")

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[Task],
        service: Callable[..., object],
        verb: str,
    ) -> None:
        done = 0
        for task in queryset.select_related("draft"):
            try:
                service(task=task, by=authed_user(request))
                done += 1
            except (FactcheckError, PermissionDenied) as exc:
                self.message_user(request, f"“{task.title}”: {exc}", messages.WARNING)
        self.message_user(request, f"{verb} {done} task(s).", messages.SUCCESS)

    @admin.action(description="Assign selected tasks to the chosen member")
    def assign(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        # Only the extra field: the form's own "action" field gets its choices from the admin.
        try:
            assignee = TaskActionForm().fields["assignee"].clean(request.POST.get("assignee"))
        except forms.ValidationError:
            self.message_user(request, "Choose a newsroom member to assign.", messages.ERROR)
            return
        done, refused = tasks_assign_bulk(
            tasks=list(queryset.select_related("draft")),
            by=authed_user(request),
            assignee=assignee,
        )
        who = assignee.get_username() if assignee else "nobody"
        if done:
            self.message_user(request, f"Assigned {len(done)} task(s) to {who}.", messages.SUCCESS)
        for task, reason in refused:
            self.message_user(request, f"“{task.title}”: {reason}", messages.ERROR)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin[Comment]):
    list_display = ["short_body", "author", "draft", "task", "claim", "created_at"]
    list_filter = ["draft__newsroom", "created_at"]
    search_fields = ["body", "author__username", "draft__title"]
    list_select_related = ["author", "draft", "task", "claim"]

    @admin.display(description="Comment")
    def short_body(self, obj: Comment) -> str:
        return obj.body if len(obj.body) <= 80 else obj.body[:79] + "…"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Comment | None = None) -> bool:
        return False  # what was said stays as it was said

    def has_delete_permission(self, request: HttpRequest, obj: Comment | None = None) -> bool:
        return False
