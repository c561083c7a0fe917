"""``/api/``: the REST API, version 1 (``/api/v1/``), its OpenAPI 3 schema (``/api/schema/``) and
its docs (``/api/docs/``: Swagger UI, ``/api/docs/redoc/``: Redoc, both served from our static
files). Any other path under /api/ is the API's 404."""

from __future__ import annotations

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from factcheck.api import claims, views

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
    # Claims and clearance
    path("v1/drafts/<int:pk>/claims/", claims.claims, name="claims"),
    path("v1/claims/<int:pk>/", claims.claim, name="claim"),
    path("v1/claims/<int:pk>/dismiss/", claims.claim_dismiss_view, name="claim_dismiss"),
    path("v1/claims/<int:pk>/restore/", claims.claim_restore_view, name="claim_restore"),
    path("v1/claims/<int:pk>/propose/", claims.claim_propose_view, name="claim_propose"),
    path("v1/claims/<int:pk>/approve/", claims.claim_approve_view, name="claim_approve"),
    path("v1/claims/<int:pk>/send-back/", claims.claim_send_back_view, name="claim_send_back"),
    path("v1/drafts/<int:pk>/clearance/", claims.clearance, name="clearance"),
    path("v1/drafts/<int:pk>/report/", claims.report, name="report"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path(
        "docs/redoc/",
        SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"),
        name="redoc",
    ),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
