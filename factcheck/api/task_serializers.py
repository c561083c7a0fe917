"""The shapes of tasks and their comments in the API: what it takes (the page's task, assign,
move and comment forms, in JSON) and what it gives."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from factcheck.reviews.models import Task

# Priorities by name in the API ("high"), by number in the database.
PRIORITIES = {p.name.lower(): p.value for p in Task.Priority}
PRIORITY_NAMES = {value: name for name, value in PRIORITIES.items()}
USERNAME_HELP = "A member's username (the newsroom's active members)."


def priority_name(value: int) -> str:
    return PRIORITY_NAMES.get(value, str(value))


# --- Input ------------------------------------------------------------------------------------


class TaskCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200, help_text="e.g. “F-16 vs F-15 discrepancy”.")
    description = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="What to check."
    )
    claims = serializers.ListField(
        # An id the database can hold (a bigger one is a 400, not an overflow in the query).
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        default=list,
        max_length=500,
        help_text="Ids of the draft's live (not dismissed) claims to link.",
    )
    assignee = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, default=None, help_text=USERNAME_HELP
    )
    due_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Default: the draft's deadline."
    )
    priority = serializers.ChoiceField(choices=list(PRIORITIES), default="normal")


class TaskAssignSerializer(serializers.Serializer[Any]):
    assignee = serializers.CharField(
        allow_null=True, allow_blank=True, help_text=USERNAME_HELP + " Null: nobody."
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The task's version you read: a task changed since answers 409.",
    )


class TaskMoveSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=Task.Status.values,
        help_text="open → in_progress → in_review → done; done → open reopens; "
        "in_review → in_progress sends back.",
    )
    version = serializers.IntegerField(
        min_value=1, help_text="The task's version you read: a task changed since answers 409."
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="Goes into the history (e.g. why it was sent back).",
    )


class CommentCreateSerializer(serializers.Serializer[Any]):
    body = serializers.CharField(
        max_length=5000, help_text="Plain text; @username of a member notifies them."
    )


# --- Output -----------------------------------------------------------------------------------


class TaskSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    version = serializers.IntegerField()
    draft = serializers.IntegerField(source="draft_id")
    title = serializers.CharField()
    description = serializers.CharField()
    status = serializers.CharField(help_text="open, in_progress, in_review or done")
    priority = serializers.SerializerMethodField(help_text="low, normal, high or urgent")
    assignee = serializers.SerializerMethodField(help_text="Username, or null.")
    due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField(source="is_overdue")
    claims = serializers.SerializerMethodField(help_text="The linked claims' ids.")
    archived = serializers.SerializerMethodField()
    created_by = serializers.SerializerMethodField(help_text="Username, or null.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_priority(self, task: Task) -> str:
        return priority_name(task.priority)

    def get_assignee(self, task: Task) -> str | None:
        return task.assignee.get_username() if task.assignee else None

    def get_claims(self, task: Task) -> list[int]:
        return [claim.pk for claim in task.claims.all()]

    def get_archived(self, task: Task) -> bool:
        return task.archived_at is not None

    def get_created_by(self, task: Task) -> str | None:
        return task.created_by.get_username() if task.created_by else None


class MoveSerializer(serializers.Serializer[Any]):
    status = serializers.CharField(source="to")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"


class TaskDetailSerializer(TaskSerializer):
    moves = serializers.SerializerMethodField(
        help_text="The moves you may make from here: the status to send, and the button's name."
    )

    @extend_schema_field(MoveSerializer(many=True))
    def get_moves(self, task: Task) -> list[dict[str, str]]:
        return [{"status": m.to, "label": m.label} for m in self.context.get("moves", [])]


class CommentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    author = serializers.SerializerMethodField(help_text="Username, or null (a former member).")
    body = serializers.CharField(help_text="As written: escape it where you show it in HTML.")
    mentions = serializers.SerializerMethodField(help_text="Usernames of the members notified.")
    created_at = serializers.DateTimeField()

    def get_author(self, comment: Any) -> str | None:
        return comment.author.get_username() if comment.author else None

    def get_mentions(self, comment: Any) -> list[str]:
        return sorted(user.get_username() for user in comment.mentions.all())
