from __future__ import annotations

from django.urls import path

from factcheck.newsrooms import security, views

app_name = "newsrooms"

urlpatterns = [
    path("<slug:slug>/", views.newsroom_detail, name="detail"),
    path("<slug:slug>/sources/", views.newsroom_sources, name="sources"),
    path("<slug:slug>/suggestions/", views.newsroom_suggestions, name="suggestions"),
    path("<slug:slug>/security/", security.newsroom_security, name="security"),
]
