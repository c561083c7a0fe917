from __future__ import annotations

from django.urls import path

from factcheck.sources.views import library, lookups

app_name = "sources"

urlpatterns = [
    # The reference library (views/library.py)
    path("library/", library.library, name="library"),
    path("library/<int:pk>/", library.document_detail, name="document"),
    path("library/<int:pk>/archive/", library.document_archive_view, name="document_archive"),
    # Lookups and their evidence (views/lookups.py)
    path("claims/<int:pk>/lookups/", lookups.claim_lookups, name="claim_lookups"),
    path("lookups/<int:pk>/retry/", lookups.lookup_retry, name="lookup_retry"),
    path("evidence/<int:pk>/attach/", lookups.evidence_attach_view, name="evidence_attach"),
    path("evidence/<int:pk>/dismiss/", lookups.evidence_dismiss_view, name="evidence_dismiss"),
    path("drafts/<int:pk>/lookups/", lookups.draft_lookups, name="draft_lookups"),
]
