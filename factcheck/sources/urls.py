from __future__ import annotations

from django.urls import path

from factcheck.sources.views import library

app_name = "sources"

urlpatterns = [
    path("library/", library.library, name="library"),
    path("library/<int:pk>/", library.document_detail, name="document"),
    path("library/<int:pk>/archive/", library.document_archive_view, name="document_archive"),
]
