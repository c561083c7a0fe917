from __future__ import annotations

from django.urls import path

from factcheck.history import views

app_name = "history"

urlpatterns = [
    path("drafts/<int:pk>/", views.draft_history, name="draft"),
]
