"""Publishing's URLs under `/publishing/`: a draft's publication and its ClaimReview file, a
newsroom's ClaimReview settings; and, the one path under another app's prefix, the newsroom's
public feed at `/newsrooms/<slug>/claimreview.json` (the address the issue promises websites).
Included at the root, so that one namespace holds them all."""

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
    path("publishing/newsrooms/<slug:slug>/", views.newsroom_settings, name="settings"),
    path("newsrooms/<slug:slug>/claimreview.json", views.newsroom_feed_json, name="feed"),
]
