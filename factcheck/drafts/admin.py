"""Drafts, revisions and units in the Django admin. A draft's title and deadline are edited
through ``drafts.services.draft_update`` (its version checked, the change in its history), and
archived or restored through the services; its newsroom, its revisions' text and their units'
offsets are read-only: a new version of a draft is loaded on the draft page, which re-anchors its
claims."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Substr
from django.http import HttpRequest

from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.drafts.services import draft_archive, draft_restore, draft_update
from factcheck.errors import FactcheckError
from factcheck.http import authed_user
from factcheck.service_admin import ServiceOwned, each


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

    # Shown, never saved: a new version is loaded on the draft page (claims re-anchored).
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class DraftAdminForm(forms.ModelForm[Draft]):
    """Title and deadline, with the version the site admin loaded: a save over someone else's
    change is refused, as on the draft's edit page."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Draft
        fields = ["title", "deadline"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        seen = cleaned.get("seen_version")
        if seen is not None and seen != self.instance.version:
            raise forms.ValidationError(
                "Someone changed this draft while you were editing it: reload the page and "
                "make your change again."
            )
        return cleaned


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
    form = DraftAdminForm
    readonly_fields = [
        "newsroom",
        "created_by",
        "cleared_at",
        "cleared_by",
        "archived_at",
        "version",
        "created_at",
        "updated_at",
    ]
    fields = ["title", "deadline", "seen_version", *readonly_fields]
    inlines = [RevisionInline]
    actions = ["archive", "restore"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # drafts are loaded on the new-draft page (or import_draft): text and units

    def save_model(
        self, request: HttpRequest, obj: Draft, form: DraftAdminForm, change: bool
    ) -> None:
        # Through the service, as the draft's edit page: locked, the version checked (a change
        # made since the form was loaded is refused), the change in the draft's history.
        try:
            saved = draft_update(
                draft=obj,
                by=authed_user(request),
                expected_version=form.cleaned_data["seen_version"],
                title=form.cleaned_data["title"],
                deadline=form.cleaned_data["deadline"],
            )
        except (FactcheckError, PermissionDenied) as exc:
            self.message_user(request, f"Not saved: {exc}", messages.ERROR)
            return
        obj.title, obj.deadline, obj.version = saved.title, saved.deadline, saved.version

    @admin.action(description="Archive the selected drafts")
    def archive(self, request: HttpRequest, queryset: QuerySet[Draft]) -> None:
        each(self, request, queryset, lambda d, by: draft_archive(draft=d, by=by), done="Archived")

    @admin.action(description="Restore the selected drafts")
    def restore(self, request: HttpRequest, queryset: QuerySet[Draft]) -> None:
        each(self, request, queryset, lambda d, by: draft_restore(draft=d, by=by), done="Restored")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Draft]:
        return super().get_queryset(request).annotate(revision_total=Count("revisions"))

    @admin.display(description="Revisions", ordering="revision_total")
    def revision_count(self, obj: Draft) -> int:
        return int(getattr(obj, "revision_total"))  # noqa: B009 (an annotation, not a field)


@admin.register(Revision)
class RevisionAdmin(ServiceOwned, admin.ModelAdmin[Revision]):
    list_display = ["draft", "number", "source", "filename", "created_by", "created_at"]
    list_filter = ["source", "draft__newsroom", "created_at"]
    search_fields = ["draft__title", "filename", "text"]
    list_select_related = ["draft", "created_by"]
    readonly_fields = [f.name for f in Revision._meta.fields]


@admin.register(Sentence)
class SentenceAdmin(ServiceOwned, admin.ModelAdmin[Sentence]):
    list_display = ["revision", "index", "kind", "block", "start", "end", "excerpt"]
    list_filter = ["kind", "revision__draft__newsroom"]
    search_fields = ["revision__draft__title"]
    readonly_fields = [f.name for f in Sentence._meta.fields]

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
