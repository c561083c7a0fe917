"""Claims in the Django admin. The verdict workflow (status, verdict, reviews) is read-only here:
it changes through the services, which check the state machine and record the history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from factcheck.claims.models import Claim, EvidenceLink


class EvidenceLinkInline(admin.TabularInline[EvidenceLink, Any]):
    model = EvidenceLink
    fields = ("url", "note", "added_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin[Claim]):
    list_display = ["short_text", "draft", "status", "verdict", "created_by", "created_at"]
    list_filter = ["status", "verdict", "anchor", "changed_since_checked", "draft__newsroom"]
    search_fields = ["text", "draft__title", "rationale"]
    list_select_related = ["draft", "created_by"]
    raw_id_fields = ["draft", "revision", "sentence", "created_by"]
    readonly_fields = [
        "status",
        "verdict",
        "rationale",
        "proposed_by",
        "proposed_at",
        "reviewed_by",
        "reviewed_at",
        "review_note",
        "anchor",
        "anchor_candidates",
        "changed_since_checked",
        "checked_text",
        "version",
        "created_at",
        "updated_at",
    ]
    inlines = [EvidenceLinkInline]

    @admin.display(description="Claim")
    def short_text(self, obj: Claim) -> str:
        return obj.text if len(obj.text) <= 100 else obj.text[:99] + "…"

    def has_delete_permission(self, request: HttpRequest, obj: Claim | None = None) -> bool:
        # A claim carries work (verdicts, evidence, comments, history): dismiss it instead.
        return False
