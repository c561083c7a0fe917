"""The history's page: a draft's timeline. Every member reads it; an outsider gets 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from factcheck.drafts.access import get_draft_for_user
from factcheck.history.selectors import TIMELINE_KINDS, timeline_page
from factcheck.http import AuthedHttpRequest


@login_required
@require_GET
@vary_on_headers("HX-Request")
def draft_history(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The draft's timeline: every recorded change, newest first, paginated."""
    draft, _ = get_draft_for_user(request.user, pk)
    kind = request.GET.get("kind", "")
    kind = kind if kind in TIMELINE_KINDS else ""
    page = timeline_page(draft, number=request.GET.get("page"), kind=kind)
    context = {"draft": draft, "page": page, "kind": kind, "kinds": TIMELINE_KINDS}
    template = "history/timeline.html"
    if request.htmx:
        template += "#timeline"
    return render(request, template, context)
