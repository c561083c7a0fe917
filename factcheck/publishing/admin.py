"""Publishing in the Django admin: read-only, for looking things up. Settings and publications
change through the newsroom's pages (the services check the role and write the history)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from factcheck.publishing.models import Publication, PublishingSettings


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PublishingSettings)
class PublishingSettingsAdmin(ReadOnly, admin.ModelAdmin[PublishingSettings]):
    list_display = ["newsroom", "organization_url", "worst_rating", "best_rating", "updated_at"]
    search_fields = ["newsroom__name", "newsroom__slug"]
    list_select_related = ["newsroom"]


@admin.register(Publication)
class PublicationAdmin(ReadOnly, admin.ModelAdmin[Publication]):
    list_display = ["draft", "url", "published_at", "withdrawn_at", "by"]
    list_filter = ["withdrawn_at"]
    search_fields = ["draft__title", "url", "draft__newsroom__slug"]
    list_select_related = ["draft", "by"]
