"""Publishing's URLs: a draft's publication and its ClaimReview file under `/publishing/`; a
newsroom's settings page and its public feed beside the newsroom's own pages, under
`/newsrooms/<slug>/` (included at the root, so one namespace holds both)."""

from __future__ import annotations

from django.urls import path

from factcheck.publishing import views

app_name = "publishing"

urlpatterns = [
    path("publishing/drafts/<int:pk>/", views.draft_publication, name="draft"),
    path("publishing/drafts/<int:pk>/withdraw/", views.draft_withdraw, name="withdraw"),
    path(
        "publishing/drafts/<int:pk>/claimreview.json",
        views.draft_claimreview,
        name="draft_claimreview",
    ),
    path("newsrooms/<slug:slug>/publishing/", views.newsroom_settings, name="settings"),
    path("newsrooms/<slug:slug>/claimreview.json", views.newsroom_feed_json, name="feed"),
]
