"""Lookups and source settings, included at the site's root (``path("", include(...))``)."""

from __future__ import annotations

from django.urls import path

from factcheck.sources.views import lookups, settings

app_name = "lookups"

urlpatterns = [
    path("claims/<int:pk>/lookups/", lookups.claim_lookups, name="claim"),
    path("lookups/<int:pk>/retry/", lookups.lookup_retry, name="retry"),
    path("evidence/<int:pk>/attach/", lookups.evidence_attach_view, name="attach"),
    path("evidence/<int:pk>/dismiss/", lookups.evidence_dismiss_view, name="dismiss"),
    path("drafts/<int:pk>/lookups/", lookups.draft_lookups, name="draft"),
    path("newsrooms/<slug:slug>/sources/", settings.source_settings, name="settings"),
]
