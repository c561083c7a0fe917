"""The shape of the review queue's rows in the API: proposed verdicts, tasks in review or
overdue, open findings, one list."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from factcheck.api.task_serializers import priority_name


class QueueDraftSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()


class QueueRowSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="claim (a proposed verdict), task or finding")
    id = serializers.IntegerField(source="obj.pk", help_text="The claim's, task's or finding's.")
    version = serializers.IntegerField(
        source="obj.version", help_text="Send it with the action on the item."
    )
    draft = QueueDraftSerializer()
    text = serializers.CharField(help_text="The claim's wording, task's title, finding's summary.")
    status = serializers.CharField()
    who = serializers.SerializerMethodField(
        help_text="Username: who proposed the verdict, or the task's assignee; null for none."
    )
    due = serializers.DateTimeField(
        allow_null=True, help_text="The task's due time; for claims and findings the deadline."
    )
    priority = serializers.SerializerMethodField(help_text="Tasks: low, normal, high or urgent.")
    since = serializers.DateTimeField(allow_null=True, help_text="Waiting since.")
    overdue = serializers.BooleanField()
    verdict = serializers.SerializerMethodField(help_text="Claims: the verdict proposed.")
    note = serializers.CharField(help_text="Claims: the last send-back note.")
    checked_text = serializers.CharField(
        help_text="A claim a new version changed: the wording its verdict was given on."
    )
    task = serializers.SerializerMethodField(help_text="Findings: the task made from it.")

    def get_who(self, row: Any) -> str | None:
        return row.who.get_username() if row.who else None

    def get_priority(self, row: Any) -> str | None:
        return priority_name(row.obj.priority) if row.kind == "task" else None

    def get_verdict(self, row: Any) -> str | None:
        return (row.obj.verdict or None) if row.kind == "claim" else None

    def get_task(self, row: Any) -> int | None:
        return row.task.pk if row.task is not None else None
