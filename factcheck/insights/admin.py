"""Findings in the Django admin: read-only, with dismiss and reopen actions that go through the
services (history and clearance hold for the site admin too, and the history names them)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from factcheck.errors import FactcheckError
from factcheck.http import authed_user
from factcheck.insights.models import Finding
from factcheck.insights.services import finding_dismiss, finding_reopen
from factcheck.service_admin import ServiceOwned


@admin.register(Finding)
class FindingAdmin(ServiceOwned, admin.ModelAdmin[Finding]):
    list_display = ("summary", "kind", "what", "status", "draft", "task", "updated_at")
    list_filter = ("kind", "status", "draft__newsroom")
    search_fields = ("summary", "what", "draft__title")
    list_select_related = ("draft", "task")
    readonly_fields = [f.name for f in Finding._meta.fields]
    actions = ["dismiss", "reopen"]

    @admin.action(description="Dismiss the selected findings")
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Finding]) -> None:
        self._each(request, queryset, finding_dismiss)

    @admin.action(description="Reopen the selected findings")
    def reopen(self, request: HttpRequest, queryset: QuerySet[Finding]) -> None:
        self._each(request, queryset, finding_reopen)

    def _each(
        self, request: HttpRequest, queryset: QuerySet[Finding], service: Callable[..., object]
    ) -> None:
        done = 0
        for finding in queryset:
            try:
                service(finding=finding, by=authed_user(request))
                done += 1
            except (FactcheckError, PermissionDenied) as exc:
                self.message_user(request, f"{finding}: {exc}", messages.WARNING)
        self.message_user(request, f"{done} finding(s) changed.")
