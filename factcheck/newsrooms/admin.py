from __future__ import annotations

from typing import Any

from django.contrib import admin

from factcheck.newsrooms.models import Membership, Newsroom


class MembershipInline(admin.TabularInline[Membership, Any]):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Newsroom)
class NewsroomAdmin(admin.ModelAdmin[Newsroom]):
    list_display = ["name", "slug", "require_2fa", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    # Set on the newsroom's Security page, through its service and into its history.
    readonly_fields = ["require_2fa"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "newsroom", "role", "created_at"]
    list_filter = ["role", "newsroom"]
    search_fields = ["user__username", "user__email", "newsroom__name"]
    list_select_related = ["user", "newsroom"]
    autocomplete_fields = ["user", "newsroom"]
