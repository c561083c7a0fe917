"""Claims in the Django admin: read-only (the wording, the span and its offsets, the verdict
workflow all belong to the services, which check the state machine and record the history), with
dismiss and restore actions that go through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from factcheck.claims.models import Claim, EvidenceLink
from factcheck.claims.services import claim_dismiss, claim_restore
from factcheck.service_admin import ServiceOwned, each


class EvidenceLinkInline(admin.TabularInline[EvidenceLink, Any]):
    model = EvidenceLink
    fields = ("url", "note", "added_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Claim)
class ClaimAdmin(ServiceOwned, admin.ModelAdmin[Claim]):
    list_display = ["short_text", "draft", "status", "verdict", "created_by", "created_at"]
    list_filter = ["status", "verdict", "anchor", "changed_since_checked", "draft__newsroom"]
    search_fields = ["text", "draft__title", "rationale"]
    list_select_related = ["draft", "created_by"]
    readonly_fields = [f.name for f in Claim._meta.fields]
    inlines = [EvidenceLinkInline]
    actions = ["dismiss", "restore"]

    @admin.display(description="Claim")
    def short_text(self, obj: Claim) -> str:
        return obj.text if len(obj.text) <= 100 else obj.text[:99] + "…"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        return super().get_queryset(request).select_related("draft")

    # A claim carries work (verdicts, evidence, comments, history): dismissed, never deleted.
    @admin.action(description="Dismiss the selected claims")
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        each(self, request, queryset, lambda c, by: claim_dismiss(claim=c, by=by), done="Dismissed")

    @admin.action(description="Restore the selected claims")
    def restore(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        each(self, request, queryset, lambda c, by: claim_restore(claim=c, by=by), done="Restored")
