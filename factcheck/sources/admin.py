"""Sources in the Django admin: newsrooms' source settings (the API key write-only, as on the
newsroom's page), lookups (read-only, with an action that queues them again through the
service), evidence, and the reference library with its passages.

Evidence and reference documents carry work (attached to verdicts, searched by lookups): they
are read-only here, attached, dismissed or archived through the services (the claim's version
and history, the library's history), never deleted. The services let a site admin act in any
newsroom (a staff user without a role there is refused), and the history names them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from factcheck.errors import FactcheckError
from factcheck.http import authed_user
from factcheck.service_admin import ServiceOwned, each
from factcheck.sources.forms import SourceSettingsBaseForm
from factcheck.sources.library import document_archive
from factcheck.sources.models import (
    Evidence,
    Lookup,
    Passage,
    ReferenceDocument,
    SourceSettings,
)
from factcheck.sources.services import (
    evidence_attach,
    evidence_dismiss,
    lookups_start,
    source_settings_save,
)


@admin.register(SourceSettings)
class SourceSettingsAdmin(admin.ModelAdmin[SourceSettings]):
    form = SourceSettingsBaseForm
    list_display = [
        "newsroom",
        "archive_enabled",
        "library_enabled",
        "wikipedia_enabled",
        "wikipedia_language",
        "factcheck_enabled",
        "api_key_set",
        "lookup_on_mark",
        "updated_at",
    ]
    list_filter = ["factcheck_enabled", "wikipedia_enabled", "lookup_on_mark"]
    search_fields = ["newsroom__name", "newsroom__slug"]
    list_select_related = ["newsroom"]
    fields = [
        "newsroom",
        "archive_enabled",
        "library_enabled",
        "wikipedia_enabled",
        "wikipedia_language",
        "factcheck_enabled",
        "new_api_key",
        "clear_api_key",
        "factcheck_language",
        "factcheck_max_age_days",
        "lookup_on_mark",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return ["newsroom"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # turn sources off instead: the change is in the newsroom's history

    @admin.display(description="API key", boolean=True)
    def api_key_set(self, obj: SourceSettings) -> bool:
        return bool(obj.factcheck_api_key)

    def save_model(
        self, request: HttpRequest, obj: SourceSettings, form: SourceSettingsBaseForm, change: bool
    ) -> None:
        # Through the service, like the newsroom's page: the change reaches the newsroom's
        # history under the admin's name, with the API key masked.
        saved = source_settings_save(
            newsroom=obj.newsroom,
            by=authed_user(request),
            values=form.setting_values(),
        )
        obj.pk, obj.updated_at = saved.pk, saved.updated_at


@admin.register(Lookup)
class LookupAdmin(admin.ModelAdmin[Lookup]):
    """Lookups change only through the workers and the services: read-only here."""

    list_display = [
        "claim",
        "source",
        "status",
        "attempts",
        "result_count",
        "error",
        "queued_at",
        "finished_at",
    ]
    list_filter = ["status", "source", "claim__draft__newsroom", "queued_at"]
    search_fields = ["query", "error", "claim__text"]
    list_select_related = ["claim"]
    date_hierarchy = "queued_at"
    actions = ["queue_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Queue the selected lookups again", permissions=["view"])
    def queue_again(self, request: HttpRequest, queryset: QuerySet[Lookup]) -> None:
        by_claim: dict[int, list[Lookup]] = defaultdict(list)
        for lookup in queryset.select_related("claim__draft"):
            by_claim[lookup.claim_id].append(lookup)
        queued = 0
        for lookups in by_claim.values():
            try:
                queued += len(
                    lookups_start(
                        claims=[lookups[0].claim],
                        by=authed_user(request),
                        sources=[x.source for x in lookups],
                    )
                )
            except (FactcheckError, PermissionDenied) as exc:
                self.message_user(request, str(exc), messages.WARNING)
        self.message_user(request, f"{queued} lookup(s) queued again.", messages.SUCCESS)


@admin.register(Evidence)
class EvidenceAdmin(ServiceOwned, admin.ModelAdmin[Evidence]):
    list_display = ["title", "claim", "source", "status", "score", "publisher", "retrieved_at"]
    list_filter = ["source", "status", "claim__draft__newsroom", "retrieved_at"]
    search_fields = ["title", "url", "snippet", "publisher", "claim__text"]
    list_select_related = ["claim"]
    readonly_fields = [f.name for f in Evidence._meta.fields]
    actions = ["attach", "dismiss"]

    @admin.action(description="Attach the selected evidence to the claims' verdicts")
    def attach(self, request: HttpRequest, queryset: QuerySet[Evidence]) -> None:
        each(
            self,
            request,
            queryset,
            lambda e, by: evidence_attach(evidence=e, by=by),
            done="Attached",
        )

    @admin.action(description="Dismiss the selected evidence")
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Evidence]) -> None:
        each(
            self,
            request,
            queryset,
            lambda e, by: evidence_dismiss(evidence=e, by=by),
            done="Dismissed",
        )


class PassageInline(admin.TabularInline[Passage, Any]):
    model = Passage
    fields = ("index", "start", "end", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("index",)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ReferenceDocument)
class ReferenceDocumentAdmin(ServiceOwned, admin.ModelAdmin[ReferenceDocument]):
    """Documents are split into passages when uploaded: read-only here (evidence links to their
    passages by offset), archived through the library's service."""

    list_display = [
        "title",
        "newsroom",
        "kind",
        "filename",
        "uploaded_by",
        "created_at",
        "archived",
    ]
    list_filter = ["kind", "newsroom", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "filename", "text"]
    list_select_related = ["newsroom", "uploaded_by"]
    readonly_fields = [f.name for f in ReferenceDocument._meta.fields]
    inlines = [PassageInline]
    actions = ["archive"]

    @admin.action(description="Archive the selected documents (out of the library's searches)")
    def archive(self, request: HttpRequest, queryset: QuerySet[ReferenceDocument]) -> None:
        each(
            self,
            request,
            queryset,
            lambda d, by: document_archive(document=d, by=by),
            done="Archived",
        )

    @admin.display(description="Archived", boolean=True, ordering="archived_at")
    def archived(self, obj: ReferenceDocument) -> bool:
        return obj.archived_at is not None
