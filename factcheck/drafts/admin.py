from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Substr
from django.http import HttpRequest

from factcheck.drafts.models import Draft, Revision, Sentence


class KeepWorkMixin:
    """Objects that carry work are never hard-deleted from the admin (nor by cascade from it):
    drafts are archived, claims dismissed, tasks archived; the history stays complete."""

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class RevisionInline(admin.TabularInline[Revision, Any]):
    model = Revision
    fields = ("number", "source", "filename", "created_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Draft)
class DraftAdmin(KeepWorkMixin, admin.ModelAdmin[Draft]):
    list_display = [
        "title",
        "newsroom",
        "created_by",
        "deadline",
        "revision_count",
        "cleared_at",
        "archived_at",
        "updated_at",
    ]
    list_filter = ["newsroom", "created_at", "deadline", "cleared_at", "archived_at"]
    search_fields = ["title", "newsroom__name", "created_by__username"]
    list_select_related = ["newsroom", "created_by"]
    date_hierarchy = "created_at"
    raw_id_fields = ["created_by"]
    readonly_fields = ["cleared_at", "cleared_by", "archived_at", "version"]
    inlines = [RevisionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Draft]:
        return super().get_queryset(request).annotate(revision_total=Count("revisions"))

    @admin.display(description="Revisions", ordering="revision_total")
    def revision_count(self, obj: Draft) -> int:
        return int(getattr(obj, "revision_total"))  # noqa: B009 (an annotation, not a field)


@admin.register(Revision)
class RevisionAdmin(KeepWorkMixin, admin.ModelAdmin[Revision]):
    list_display = ["draft", "number", "source", "filename", "created_by", "created_at"]
    list_filter = ["source", "draft__newsroom", "created_at"]
    search_fields = ["draft__title", "filename", "text"]
    list_select_related = ["draft", "created_by"]
    raw_id_fields = ["draft", "created_by"]


@admin.register(Sentence)
class SentenceAdmin(KeepWorkMixin, admin.ModelAdmin[Sentence]):
    list_display = ["revision", "index", "kind", "block", "start", "end", "excerpt"]
    list_filter = ["kind", "revision__draft__newsroom"]
    search_fields = ["revision__draft__title"]
    raw_id_fields = ["revision"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Sentence]:
        # Cut the excerpt in the database: a revision's text can be megabytes, and a page of
        # sentences would otherwise fetch it once per row.
        return (
            super()
            .get_queryset(request)
            .select_related("revision__draft")
            .defer("revision__text")
            .annotate(excerpt_text=Substr("revision__text", F("start") + 1, 100))
        )

    @admin.display(description="Text")
    def excerpt(self, obj: Sentence) -> str:
        excerpt: str = getattr(obj, "excerpt_text")  # noqa: B009 (an annotation, not a field)
        return excerpt[: obj.end - obj.start]
