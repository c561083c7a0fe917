from __future__ import annotations

from django.urls import path

from factcheck.insights import views

app_name = "insights"

urlpatterns = [
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("findings/<int:pk>/dismiss/", views.finding_dismiss_view, name="finding_dismiss"),
    path("findings/<int:pk>/reopen/", views.finding_reopen_view, name="finding_reopen"),
    path("findings/<int:pk>/task/", views.finding_task_view, name="finding_task"),
    path("drafts/<int:pk>/suggestions/", views.suggestions_update, name="suggestions"),
    path("drafts/<int:pk>/quote-task/", views.quote_task, name="quote_task"),
    path("drafts/<int:pk>/analysis/", views.analysis, name="analysis"),
]
