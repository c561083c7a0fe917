"""``/api/``: the REST API, version 1 (``/api/v1/``), its OpenAPI 3 schema (``/api/schema/``) and
its docs (``/api/docs/``: Swagger UI, ``/api/docs/redoc/``: Redoc, both served from our static
files). Any other path under /api/ is the API's 404."""

from __future__ import annotations

from csp.decorators import csp_update
from django.urls import path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from factcheck.api import claims, findings, lookups, publishing, queue, task_views, views

app_name = "api"

# The docs' own Content-Security-Policy, looser than the site's (factcheck/settings.py) on these
# two pages only: Swagger UI and Redoc set styles from their scripts (Redoc's styled-components
# write <style> elements), show data: images, and Redoc searches in a blob: worker. Scripts stay
# 'self' only: Swagger UI's start-up script is fetched from the same view (?script), not inline.
API_DOCS_CSP = csp_update(
    {"style-src": ["'unsafe-inline'"], "img-src": ["data:"], "worker-src": ["'self'", "blob:"]}
)

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
    # Tasks, findings, lookups and the queue
    path("v1/drafts/<int:pk>/tasks/", task_views.draft_tasks, name="draft_tasks"),
    path("v1/tasks/<int:pk>/", task_views.task, name="task"),
    path("v1/tasks/<int:pk>/assign/", task_views.task_assign_view, name="task_assign"),
    path("v1/tasks/<int:pk>/move/", task_views.task_move_view, name="task_move"),
    path("v1/tasks/<int:pk>/comments/", task_views.task_comments_view, name="task_comments"),
    path("v1/drafts/<int:pk>/findings/", findings.draft_findings, name="draft_findings"),
    path("v1/findings/<int:pk>/", findings.finding, name="finding"),
    path("v1/findings/<int:pk>/dismiss/", findings.finding_dismiss_view, name="finding_dismiss"),
    path("v1/findings/<int:pk>/reopen/", findings.finding_reopen_view, name="finding_reopen"),
    path("v1/findings/<int:pk>/task/", findings.finding_task_view, name="finding_task"),
    path("v1/claims/<int:pk>/lookups/", lookups.claim_lookups_view, name="claim_lookups"),
    path("v1/claims/<int:pk>/evidence/", lookups.claim_evidence_view, name="claim_evidence"),
    path("v1/lookups/<int:pk>/", lookups.lookup, name="lookup"),
    path("v1/evidence/<int:pk>/attach/", lookups.evidence_attach_view, name="evidence_attach"),
    path("v1/evidence/<int:pk>/dismiss/", lookups.evidence_dismiss_view, name="evidence_dismiss"),
    path("v1/queue/", queue.queue, name="queue"),
    # Publishing: the story's public address, and its ClaimReview
    path("v1/drafts/<int:pk>/publication/", publishing.publication, name="publication"),
    path(
        "v1/drafts/<int:pk>/publication/withdraw/",
        publishing.publication_withdraw_view,
        name="publication_withdraw",
    ),
    path("v1/drafts/<int:pk>/claimreview/", publishing.claimreview, name="claimreview"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        API_DOCS_CSP(
            SpectacularSwaggerSplitView.as_view(
                url_name="api:schema", template_name="api/swagger_ui.html"
            )
        ),
        name="docs",
    ),
    path(
        "docs/redoc/",
        API_DOCS_CSP(
            SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")
        ),
        name="redoc",
    ),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
