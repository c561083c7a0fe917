"""The shapes of source lookups and the evidence they found, in the API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from factcheck.sources.models import Source


class LookupStartSerializer(serializers.Serializer[Any]):
    source = serializers.ChoiceField(  # type: ignore[assignment]  # a field named "source"
        choices=Source.values,
        required=False,
        allow_blank=True,
        default="",
        help_text="One source; empty or absent: every source the newsroom has enabled.",
    )


class LookupSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    claim = serializers.IntegerField(source="claim_id")
    source = serializers.CharField(  # type: ignore[assignment]  # a field named "source"
        help_text="archive, library, wikipedia or factcheck"
    )
    query = serializers.CharField(help_text="What was searched: the claim's wording.")
    current_wording = serializers.SerializerMethodField(
        help_text="False when the claim's wording changed since: its results may be out of date."
    )
    status = serializers.CharField(help_text="queued, running, done or failed")
    attempts = serializers.IntegerField()
    error = serializers.CharField(help_text="Why it failed, or why it waits to retry.")
    results = serializers.IntegerField(source="result_count")
    requested_by = serializers.SerializerMethodField(help_text="Username, or null (automatic).")
    queued_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_current_wording(self, lookup: Any) -> bool:
        query: str | None = self.context.get("query")
        return query is None or lookup.query == query

    def get_requested_by(self, lookup: Any) -> str | None:
        return lookup.requested_by.get_username() if lookup.requested_by else None


class LookupsStartedSerializer(serializers.Serializer[Any]):
    started = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="The lookups this request queued (empty: they were queued or running already).",
    )
    lookups = LookupSerializer(
        many=True, help_text="The claim's lookups in the sources asked for: poll them."
    )


class EvidenceSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    claim = serializers.IntegerField(source="claim_id")
    lookup = serializers.IntegerField(source="lookup_id", allow_null=True)
    source = serializers.CharField()  # type: ignore[assignment]  # a field named "source"
    url = serializers.CharField(help_text="Where it is; archive and library hits are desk paths.")
    title = serializers.CharField()
    snippet = serializers.CharField(help_text="Plain text: escape it where you show it in HTML.")
    highlights = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="[start, end] of each match in the snippet.",
    )
    score = serializers.FloatField()
    publisher = serializers.CharField()
    rating = serializers.CharField(help_text="A fact-check's verdict (Fact Check Tools).")
    review_date = serializers.DateField(allow_null=True)
    retrieved_at = serializers.DateTimeField()
    status = serializers.CharField(help_text="new, attached (to the verdict) or dismissed")
