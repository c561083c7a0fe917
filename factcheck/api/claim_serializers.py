"""The shapes of the API's claim and clearance endpoints: what they take (checked here, then
handed to the services of ``claims`` and ``reviews``) and what they give. The claim itself is
``serializers.ClaimSerializer``, as in the draft's answer."""

from __future__ import annotations

from typing import Any

from django.core.validators import URLValidator
from rest_framework import serializers

from factcheck.api.serializers import (
    BlockerSerializer,
    ClaimSerializer,
    ClearanceSerializer,
    EvidenceLinkSerializer,
)
from factcheck.claims.models import Claim

LINKS_MAX = 20  # evidence links sent with one proposal (the page offers 3 rows at a time)

# --- Input -----------------------------------------------------------------------------------


class VersionInputSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        min_value=1,
        help_text="The claim's version you read: a claim changed since answers 409.",
    )


class ClaimMarkSerializer(serializers.Serializer[Any]):
    """A whole unit (``sentence``) or a span (``start`` and ``end``) of the latest revision."""

    sentence = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2**31 - 1,  # what the unit's index column holds
        help_text="The index of a unit of the latest revision, to mark it whole.",
    )
    start = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="Where the span starts, in characters of the latest revision's text.",
    )
    end = serializers.IntegerField(
        required=False, min_value=1, help_text="Where the span ends (not included)."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unit = "sentence" in attrs
        span = "start" in attrs or "end" in attrs
        if unit == span:
            raise serializers.ValidationError(
                "Say what to mark: a unit's index (sentence), or a span (start and end)."
            )
        if span and not ("start" in attrs and "end" in attrs):
            missing = "end" if "start" in attrs else "start"
            raise serializers.ValidationError({missing: ["A span needs both start and end."]})
        return attrs


class EvidenceLinkInputSerializer(serializers.Serializer[Any]):
    url = serializers.CharField(
        max_length=2000,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="A web address, http or https.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=500, help_text="What the link shows."
    )


class ProposeSerializer(VersionInputSerializer):
    verdict = serializers.ChoiceField(choices=Claim.Verdict.choices)
    rationale = serializers.CharField(max_length=10_000, help_text="What the verdict rests on.")
    links = serializers.ListField(
        child=EvidenceLinkInputSerializer(),
        required=False,
        max_length=LINKS_MAX,
        help_text="Evidence links, added to the claim's (a URL it has already is kept as is).",
    )


class SendBackSerializer(VersionInputSerializer):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Why it goes back; the checker who proposed it is told.",
    )


# --- Output ----------------------------------------------------------------------------------


class ClaimRowSerializer(ClaimSerializer):
    """A claim in the list: the draft's shape (``ClaimSerializer``), its links read by
    ``claim_selectors.with_links``."""

    links = EvidenceLinkSerializer(many=True, source="link_rows")


class ClaimDetailSerializer(ClaimSerializer):
    draft = serializers.IntegerField(source="draft_id", help_text="The draft's id.")
    review_note = serializers.CharField(help_text="Why the verdict was last sent back.")
    proposed_by = serializers.SerializerMethodField()
    reviewed_by = serializers.SerializerMethodField(
        help_text="Who approved it or last sent it back."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_proposed_by(self, claim: Claim) -> str:
        """Username; empty when no verdict was proposed."""
        return claim.proposed_by.get_username() if claim.proposed_by else ""

    def get_reviewed_by(self, claim: Claim) -> str:
        return claim.reviewed_by.get_username() if claim.reviewed_by else ""


class ClearanceStateSerializer(ClearanceSerializer):
    can_clear = serializers.BooleanField(
        help_text="Whether your role may clear drafts (editors, newsroom admins)."
    )


class ReportLinkSerializer(serializers.Serializer[Any]):
    url = serializers.CharField()
    note = serializers.CharField()


class ReportClaimSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    revision = serializers.IntegerField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    text = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    verdict = serializers.CharField()
    verdict_label = serializers.CharField()
    rationale = serializers.CharField()
    proposed_by = serializers.CharField()
    proposed_at = serializers.DateTimeField(allow_null=True)
    approved_by = serializers.CharField(help_text="Empty unless approved.")
    approved_at = serializers.DateTimeField(allow_null=True)
    links = ReportLinkSerializer(many=True)
    path = serializers.CharField(source="url", help_text="The claim's page on the desk.")


class ReportTaskSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    priority = serializers.CharField(source="priority_label")
    assignee = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    archived = serializers.BooleanField()
    claims = serializers.ListField(child=serializers.IntegerField(), help_text="Claim ids.")
    path = serializers.CharField(source="url", help_text="The task's page on the desk.")


class ReportBlockerSerializer(BlockerSerializer):
    path = serializers.CharField(source="url", help_text="Where to go to settle it.")


class ReportSerializer(serializers.Serializer[Any]):
    """The clearance report (``reviews.reports``), as the printable page and the Markdown and
    CSV downloads show it."""

    draft = serializers.IntegerField(source="draft.pk")
    title = serializers.CharField()
    newsroom = serializers.CharField(help_text="The newsroom's name.")
    revision = serializers.IntegerField(help_text="The latest revision's number.")
    deadline = serializers.DateTimeField(allow_null=True)
    cleared = serializers.BooleanField(source="is_cleared")
    cleared_at = serializers.DateTimeField(allow_null=True)
    cleared_by = serializers.CharField()
    blockers = ReportBlockerSerializer(many=True)
    claims = ReportClaimSerializer(many=True)
    tasks = ReportTaskSerializer(many=True)
    generated_at = serializers.DateTimeField()
