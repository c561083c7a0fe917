"""``/api/``: the REST API, version 1 (``/api/v1/``), its OpenAPI 3 schema (``/api/schema/``) and
its docs (``/api/docs/``: Swagger UI, ``/api/docs/redoc/``: Redoc, both served from our static
files). Any other path under /api/ is the API's 404."""

from __future__ import annotations

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from factcheck.api import views

app_name = "api"

urlpatterns = [
    path("v1/drafts/", views.drafts, name="drafts"),
    path("v1/drafts/<int:pk>/", views.draft, name="draft"),
    path("v1/drafts/<int:pk>/revisions/", views.revisions, name="revisions"),
    path(
        "v1/drafts/<int:pk>/revisions/<int:number>/diff/",
        views.revision_diff,
        name="revision_diff",
    ),
    path("v1/drafts/<int:pk>/sentences/", views.sentences, name="sentences"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path(
        "docs/redoc/",
        SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"),
        name="redoc",
    ),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
