"""The API's shapes: what it takes (checked here, then handed to the services) and what it gives
(read from the selectors' objects). The OpenAPI schema is generated from them."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from factcheck.drafts.services import TITLE_MAX

# --- Input -----------------------------------------------------------------------------------


class DraftInputSerializer(serializers.Serializer[Any]):
    """Exactly one of ``text``, ``file`` (multipart) and ``url``."""

    text = serializers.CharField(
        required=False, trim_whitespace=False, help_text="The draft's text, as plain text."
    )
    file = serializers.FileField(
        required=False,
        help_text="A file to read (.txt, .md, .docx, .html, .pdf), sent as multipart/form-data.",
    )
    url = serializers.URLField(
        required=False, max_length=2000, help_text="A link whose page is fetched and read."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [name for name in ("text", "file", "url") if attrs.get(name) not in (None, "")]
        if len(given) != 1:
            raise serializers.ValidationError(
                "Send the draft's text, a file or a link: exactly one of text, file and url."
            )
        return attrs


class DraftCreateSerializer(DraftInputSerializer):
    newsroom = serializers.SlugField(help_text="The newsroom's slug.")
    title = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TITLE_MAX,
        help_text="Default: the file's own title, or the text's first line.",
    )
    deadline = serializers.DateTimeField(required=False, allow_null=True)


class RevisionCreateSerializer(DraftInputSerializer):
    pass


class DraftUpdateSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        min_value=1,
        help_text="The draft's version you read: a draft changed since answers 409.",
    )
    title = serializers.CharField(required=False, max_length=TITLE_MAX)
    deadline = serializers.DateTimeField(required=False, allow_null=True)


# --- Output ----------------------------------------------------------------------------------


class NewsroomRefSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    name = serializers.CharField()


class DraftListItemSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    newsroom = serializers.CharField(source="newsroom.slug", help_text="The newsroom's slug.")
    version = serializers.IntegerField()
    revision = serializers.IntegerField(
        source="revision_number", allow_null=True, help_text="The latest revision's number."
    )
    claims = serializers.IntegerField(source="claim_count", help_text="Claims not dismissed.")
    cleared = serializers.BooleanField(source="is_cleared")
    cleared_at = serializers.DateTimeField(allow_null=True)
    deadline = serializers.DateTimeField(allow_null=True)
    archived = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_archived(self, draft: Any) -> bool:
        return draft.archived_at is not None


class EvidenceLinkSerializer(serializers.Serializer[Any]):
    url = serializers.CharField()
    note = serializers.CharField()


class ClaimSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    version = serializers.IntegerField()
    text = serializers.CharField()
    status = serializers.CharField(help_text="unchecked, checking, proposed, approved, dismissed")
    verdict = serializers.CharField(help_text="Empty until a verdict is proposed.")
    rationale = serializers.CharField()
    anchor = serializers.CharField(help_text="anchored, orphaned or archived")
    revision = serializers.IntegerField(source="revision.number")
    sentence = serializers.IntegerField(source="sentence.index", help_text="The unit's index.")
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    changed_since_checked = serializers.BooleanField()
    links = EvidenceLinkSerializer(many=True, source="links.all")
    proposed_at = serializers.DateTimeField(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)


class BlockerSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="claim, task or finding")
    id = serializers.IntegerField(source="pk")
    status = serializers.CharField()
    text = serializers.CharField()


class ClearanceSerializer(serializers.Serializer[Any]):
    cleared = serializers.BooleanField()
    cleared_at = serializers.DateTimeField(allow_null=True)
    cleared_by = serializers.CharField(help_text="Username; empty when not cleared.")
    blockers = BlockerSerializer(many=True, help_text="What stops the draft being cleared.")


class RevisionSummarySerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    source = serializers.CharField()  # type: ignore[assignment]  # a field named "source"
    created_at = serializers.DateTimeField()
    analysis = serializers.CharField(help_text="pending, running, done or failed")


class DraftDetailSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="draft.pk")
    title = serializers.CharField(source="draft.title")
    newsroom = NewsroomRefSerializer(source="draft.newsroom")
    version = serializers.IntegerField(source="draft.version")
    deadline = serializers.DateTimeField(source="draft.deadline", allow_null=True)
    archived = serializers.BooleanField()
    created_at = serializers.DateTimeField(source="draft.created_at")
    updated_at = serializers.DateTimeField(source="draft.updated_at")
    revision = RevisionSummarySerializer(help_text="The latest revision.")
    claims = ClaimSerializer(many=True)
    clearance = ClearanceSerializer()


class RevisionRowSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    created_at = serializers.DateTimeField(source="loaded_at")
    created_by = serializers.CharField(source="loaded_by", allow_null=True)
    source = serializers.CharField()  # type: ignore[assignment]  # a field named "source"
    filename = serializers.CharField()
    units = serializers.IntegerField()
    outcome = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="What loading it did to the claims: kept, changed, removed, orphaned.",
    )


class RevisionLoadedSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField(source="revision.number")
    created_at = serializers.DateTimeField(source="revision.created_at")
    source = serializers.CharField(source="revision.source")  # type: ignore[assignment]
    outcome = serializers.DictField(child=serializers.IntegerField(), source="counts")


class SentenceSerializer(serializers.Serializer[Any]):
    index = serializers.IntegerField()
    kind = serializers.CharField(help_text="sentence, headline, boilerplate or note")
    block = serializers.IntegerField(help_text="The paragraph it stands in.")
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    text = serializers.CharField(source="unit_text")
    score = serializers.FloatField(allow_null=True, help_text="Check-worthiness, 0-1.")
    types = serializers.ListField(child=serializers.CharField())
    speaker = serializers.CharField()


class DiffPieceSerializer(serializers.Serializer[Any]):
    op = serializers.CharField(help_text="equal, delete or insert")
    text = serializers.CharField()


class DiffRowSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="same, added, removed, edited, moved, or gap")
    old = serializers.IntegerField(allow_null=True, help_text="The unit's index in `from`.")
    new = serializers.IntegerField(allow_null=True, help_text="The unit's index in `to`.")
    text = serializers.CharField()
    pieces = serializers.SerializerMethodField()
    claims = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()
    hidden = serializers.IntegerField(help_text="For a gap: the unchanged units left out.")

    def get_pieces(self, row: Any) -> list[dict[str, str]]:
        return [{"op": op, "text": text} for op, text in row.pieces]

    def get_claims(self, row: Any) -> list[int]:
        return [claim.pk for claim in row.claims]

    def get_findings(self, row: Any) -> list[int]:
        return [finding.pk for finding in row.findings]


class DiffSerializer(serializers.Serializer[Any]):
    from_revision = serializers.IntegerField(source="old.number")
    to_revision = serializers.IntegerField(source="new.number")
    counts = serializers.DictField(child=serializers.IntegerField())
    rows = DiffRowSerializer(many=True)


class ErrorDetailSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(  # type: ignore[assignment]  # a field named "fields"
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by field, for invalid input.",
    )
    current_version = serializers.IntegerField(
        required=False, help_text="On 409: the object's version now."
    )


class ErrorSerializer(serializers.Serializer[Any]):
    error = ErrorDetailSerializer()
