"""``/api-tokens/``: the pages where people make and revoke API tokens (their own, and their
newsroom's for its admins)."""

from __future__ import annotations

from django.urls import path

from factcheck.api import pages

app_name = "api_tokens"

urlpatterns = [
    path("", pages.personal_tokens, name="personal"),
    path("<int:pk>/revoke/", pages.personal_token_revoke, name="personal_revoke"),
    path("newsrooms/<slug:slug>/", pages.newsroom_tokens, name="newsroom"),
    path(
        "newsrooms/<slug:slug>/<int:pk>/revoke/",
        pages.newsroom_token_revoke,
        name="newsroom_revoke",
    ),
]
