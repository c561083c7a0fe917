"""Notifications in the Django admin: to look up what someone was told, and whether it was
emailed. They carry no work, so old ones may be deleted."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from factcheck.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ["message", "user", "kind", "newsroom", "created_at", "read_at", "emailed_at"]
    list_filter = [
        "kind",
        "newsroom",
        ("read_at", admin.EmptyFieldListFilter),
        ("emailed_at", admin.EmptyFieldListFilter),
        "created_at",
    ]
    search_fields = ["message", "user__username", "user__email"]
    list_select_related = ["user", "newsroom"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # notifications come from what people do, through the services

    def has_change_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False
