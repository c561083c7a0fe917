from __future__ import annotations

from django.urls import path

from factcheck.drafts import views

app_name = "drafts"

urlpatterns = [
    path("new/", views.draft_new, name="new"),
    path("<int:pk>/", views.draft_detail, name="detail"),
    path("<int:pk>/highlights/", views.draft_highlights, name="highlights"),
    path("<int:pk>/edit/", views.draft_edit, name="edit"),
    path("<int:pk>/archive/", views.draft_archive_view, name="archive"),
    path("<int:pk>/restore/", views.draft_restore_view, name="restore"),
    path("<int:pk>/export.json", views.draft_export_json, name="export_json"),
    path("<int:pk>/revisions/", views.revision_list, name="revisions"),
    path("<int:pk>/revisions/new/", views.revision_new, name="revision_new"),
    path("<int:pk>/revisions/<int:number>/", views.revision_detail, name="revision"),
    path("<int:pk>/diff/", views.revision_diff_view, name="diff"),
]
