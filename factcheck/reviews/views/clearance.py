"""Clearance: the report, its downloads, clearing a draft.

Every member may read the report; clearing needs CLEAR (editors and newsroom
admins): a checker gets 403, an outsider 404 from all of these.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from factcheck.drafts.access import get_draft_for_user
from factcheck.drafts.models import Draft
from factcheck.errors import FactcheckError
from factcheck.htmx import Part, htmx_answer
from factcheck.http import AuthedHttpRequest
from factcheck.newsrooms.access import Capability, role_can
from factcheck.reviews.panel import clearance_panel
from factcheck.reviews.reports import clearance_report as build_report
from factcheck.reviews.reports import report_csv, report_markdown
from factcheck.reviews.services import draft_clear

PANEL = "reviews/_clearance_panel.html"


@login_required
@require_GET
@vary_on_headers("HX-Request", "HX-Target")
def clearance_report(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The printable report; with htmx aimed at the panel, just the clearance panel."""
    draft, role = get_draft_for_user(request.user, pk)
    if request.htmx and request.htmx.target == "clearance-panel":
        clearance = clearance_panel(draft=draft, role=role)
        return render(request, PANEL, {"draft": draft, "clearance": clearance})
    report = build_report(draft)
    template = "reviews/clearance.html"
    if request.htmx:
        template += "#report"
    can_clear = role_can(role, Capability.CLEAR)
    return render(
        request, template, {"draft": report.draft, "report": report, "can_clear": can_clear}
    )


@login_required
@require_GET
def clearance_markdown(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    draft, _ = get_draft_for_user(request.user, pk)
    body = report_markdown(build_report(draft))
    return _download(body, "text/markdown; charset=utf-8", f"draft-{draft.pk}-clearance.md")


@login_required
@require_GET
def clearance_csv(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    draft, _ = get_draft_for_user(request.user, pk)
    body = report_csv(build_report(draft))
    return _download(body, "text/csv; charset=utf-8", f"draft-{draft.pk}-clearance.csv")


@login_required
@require_POST
def draft_clear_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Clear the draft for publication: refused (422 with the blockers) while anything blocks."""
    draft, _ = get_draft_for_user(request.user, pk, Capability.CLEAR)
    error = ""
    try:
        draft = draft_clear(draft=draft, by=request.user)
    except FactcheckError as exc:
        error = str(exc)

    def parts() -> list[Part]:
        fresh, role = get_draft_for_user(request.user, pk)  # with cleared_by
        clearance = clearance_panel(draft=fresh, role=role)
        return [(PANEL, {"draft": fresh, "clearance": clearance, "clearance_error": error})]

    return htmx_answer(
        request,
        redirect_to=_next(request, draft),
        parts=parts,
        notice=f"“{draft.title}” is cleared for publication.",
        error=error,
        events=["draft-cleared"],
    )


def _download(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _next(request: AuthedHttpRequest, draft: Draft) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return draft.get_absolute_url()
