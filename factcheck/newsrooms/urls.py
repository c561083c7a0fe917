"""`/newsrooms/`: the newsroom page, its settings pages, its members page and the link of an
invitation's email."""

from __future__ import annotations

from django.urls import path

from factcheck.newsrooms import member_views, security, views

app_name = "newsrooms"

urlpatterns = [
    path("<slug:slug>/", views.newsroom_detail, name="detail"),
    path("<slug:slug>/sources/", views.newsroom_sources, name="sources"),
    path("<slug:slug>/suggestions/", views.newsroom_suggestions, name="suggestions"),
    path("<slug:slug>/members/", member_views.members, name="members"),
    path("<slug:slug>/members/invite/", member_views.member_invite, name="member_invite"),
    path("<slug:slug>/members/<int:pk>/role/", member_views.member_role, name="member_role"),
    path("<slug:slug>/members/<int:pk>/remove/", member_views.member_remove, name="member_remove"),
    path(
        "<slug:slug>/invitations/<int:pk>/resend/",
        member_views.invitation_resend_view,
        name="invitation_resend",
    ),
    path(
        "<slug:slug>/invitations/<int:pk>/revoke/",
        member_views.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path("<slug:slug>/join/<str:token>/", member_views.join, name="join"),
    path("<slug:slug>/security/", security.newsroom_security, name="security"),
]
