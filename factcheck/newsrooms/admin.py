"""Newsrooms and memberships in the Django admin. Memberships change through the services
(``factcheck.newsrooms.services``), as on the members page: each change in the newsroom's history
under the site admin's name, the last admin kept. The newsroom's page lists its members
read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from factcheck.http import authed_user
from factcheck.newsrooms.models import Invitation, Membership, Newsroom
from factcheck.newsrooms.services import (
    membership_add,
    membership_remove,
    membership_set_role,
    newsroom_create,
    newsroom_rename,
    role_change_refusal,
)


class MembershipInline(admin.TabularInline[Membership, Any]):
    model = Membership
    extra = 0
    fields = ["user", "role", "created_at"]
    readonly_fields = ["user", "role", "created_at"]
    can_delete = False
    show_change_link = True  # changes go through the membership's own page

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Newsroom)
class NewsroomAdmin(admin.ModelAdmin[Newsroom]):
    list_display = ["name", "slug", "require_2fa", "created_at"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Newsroom | None = None) -> Any:
        # require_2fa: set on the newsroom's Security page, through its service; the slug is in
        # every link, export and feed of the newsroom: set once, when it is opened.
        return ["require_2fa", "slug"] if obj is not None else ["require_2fa"]

    def get_prepopulated_fields(self, request: HttpRequest, obj: Newsroom | None = None) -> Any:
        return {} if obj is not None else {"slug": ["name"]}

    def has_delete_permission(self, request: HttpRequest, obj: Newsroom | None = None) -> bool:
        return False  # a newsroom holds drafts, claims and their history: never deleted here

    def save_model(self, request: HttpRequest, obj: Newsroom, form: Any, change: bool) -> None:
        """Opened or renamed through the services, into the newsroom's history."""
        by = authed_user(request)
        if change:
            newsroom_rename(newsroom=obj, name=obj.name, by=by)
        else:
            created = newsroom_create(name=obj.name, slug=obj.slug, by=by)
            obj.pk, obj.created_at = created.pk, created.created_at


class MembershipForm(forms.ModelForm[Membership]):
    class Meta:
        model = Membership
        fields = ["user", "newsroom", "role"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk is not None and "role" in cleaned:
            current = Membership.objects.get(pk=self.instance.pk)
            refusal = role_change_refusal(current, cleaned["role"])
            if refusal:
                raise forms.ValidationError(refusal)
        return cleaned


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    form = MembershipForm
    list_display = ["user", "newsroom", "role", "created_at"]
    list_filter = ["role", "newsroom"]
    search_fields = ["user__username", "user__email", "newsroom__name"]
    list_select_related = ["user", "newsroom"]
    autocomplete_fields = ["user", "newsroom"]

    def get_readonly_fields(self, request: HttpRequest, obj: Membership | None = None) -> Any:
        return ["user", "newsroom"] if obj is not None else []

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, each through the service
        return actions

    def has_delete_permission(self, request: HttpRequest, obj: Membership | None = None) -> bool:
        if obj is not None and role_change_refusal(obj, None):
            return False  # the last admin, or an API token's account
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        by = authed_user(request)
        if change:
            membership_set_role(membership=obj, role=form.cleaned_data["role"], by=by)
        else:
            created = membership_add(newsroom=obj.newsroom, user=obj.user, role=obj.role, by=by)
            obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        membership_remove(membership=obj, by=authed_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset:
            membership_remove(membership=membership, by=authed_user(request))


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    """Read-only, for looking invitations up: admins manage them on the members page."""

    list_display = ["email", "newsroom", "role", "created_at", "sent_at", "accepted_at"]
    list_filter = ["role", "newsroom"]
    search_fields = ["email", "newsroom__name"]
    list_select_related = ["newsroom"]
    exclude = ["token_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
