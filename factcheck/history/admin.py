"""The audit trail in the Django admin: read-only, for looking things up."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from factcheck.history.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["created_at", "actor", "newsroom", "draft", "object_type", "action", "summary"]
    list_filter = ["object_type", "action", "newsroom", "created_at"]
    search_fields = ["summary", "actor__username", "draft__title"]
    list_select_related = ["actor", "newsroom", "draft"]
    date_hierarchy = "created_at"

    # Nobody adds, edits or deletes history, not even the site admin.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
