"""The shapes of findings in the API (the draft contradicting itself, a name spelled two ways)
and of their actions."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from factcheck.api.task_serializers import USERNAME_HELP

VERSION_HELP = "The finding's version you read: a finding changed since answers 409."


class FindingActionSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class FindingTaskSerializer(FindingActionSerializer):
    assignee = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, default=None, help_text=USERNAME_HELP
    )


class FindingSideSerializer(serializers.Serializer[Any]):
    sentence = serializers.IntegerField(help_text="The unit's index in the finding's revision.")
    text = serializers.CharField(help_text="The sentence.")
    words = serializers.CharField(
        allow_null=True, help_text="The conflicting words in it, when known."
    )
    start = serializers.IntegerField(
        allow_null=True, help_text="Their offsets in the revision's text."
    )
    end = serializers.IntegerField(allow_null=True)


class FindingSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    version = serializers.IntegerField()
    draft = serializers.IntegerField(source="draft_id")
    revision = serializers.IntegerField(source="revision_number")
    kind = serializers.CharField(help_text="contradiction or name_variant")
    status = serializers.CharField(help_text="open, dismissed or tasked (turned into a task)")
    summary = serializers.CharField(help_text="e.g. “F-16 vs F-15”.")
    what = serializers.CharField(help_text="What the values are of, e.g. “aircraft model”.")
    confidence = serializers.FloatField(help_text="0-1: how likely a real contradiction.")
    a = serializers.SerializerMethodField(help_text="The first sentence.")
    b = serializers.SerializerMethodField(help_text="The second sentence.")
    task = serializers.IntegerField(source="task_id", allow_null=True)
    task_title = serializers.CharField(help_text="The title the task made from it gets.")
    decided_by = serializers.SerializerMethodField(help_text="Who dismissed it or made the task.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(FindingSideSerializer)
    def get_a(self, finding: Any) -> dict[str, Any]:
        return _side(finding, "a")

    @extend_schema_field(FindingSideSerializer)
    def get_b(self, finding: Any) -> dict[str, Any]:
        return _side(finding, "b")

    def get_decided_by(self, finding: Any) -> str | None:
        return finding.decided_by.get_username() if finding.decided_by else None


def _side(finding: Any, side: str) -> dict[str, Any]:
    # The selectors' annotations (work_selectors.findings_api): no revision text loaded here.
    return {
        "sentence": getattr(finding, f"{side}_index"),
        "text": getattr(finding, f"{side}_text"),
        "words": getattr(finding, f"{side}_words"),
        "start": getattr(finding, f"{side}_start"),
        "end": getattr(finding, f"{side}_end"),
    }
