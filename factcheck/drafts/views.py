from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from factcheck.drafts.access import get_draft_for_user
from factcheck.drafts.forms import DraftForm
from factcheck.drafts.models import Revision
from factcheck.drafts.selectors import dashboard_drafts, draft_export, draft_page
from factcheck.drafts.services import DraftInputError, Upload, draft_import, upload_check_size
from factcheck.newsrooms.access import Capability, newsrooms_where, role_can


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    drafts = dashboard_drafts(request.user)
    can_load = newsrooms_where(request.user, Capability.LOAD_DRAFT).exists()
    return render(request, "drafts/dashboard.html", {"drafts": drafts, "can_load": can_load})


@login_required
@require_http_methods(["GET", "POST"])
def draft_new(request: HttpRequest) -> HttpResponse:
    newsrooms = newsrooms_where(request.user, Capability.LOAD_DRAFT)
    form = DraftForm(request.POST or None, request.FILES or None, newsrooms=newsrooms)
    if request.method == "POST" and form.is_valid():
        try:
            text, upload, source = _draft_input(form)
            draft = draft_import(
                newsroom=form.cleaned_data["newsroom"],
                by=request.user,  # type: ignore[arg-type]
                title=form.cleaned_data["title"],
                deadline=form.cleaned_data["deadline"],
                text=text,
                upload=upload,
                source=source,
            )
        except DraftInputError as exc:
            form.add_error("file" if form.cleaned_data.get("file") else "text", str(exc))
        else:
            messages.success(request, f"Loaded “{draft.title}”.")
            return redirect("drafts:detail", pk=draft.pk)
    status = 400 if form.errors else 200
    return render(request, "drafts/new.html", {"form": form}, status=status)


def _draft_input(form: DraftForm) -> tuple[str | None, Upload | None, str]:
    upload = form.cleaned_data.get("file")
    if upload is None:
        return form.cleaned_data["text"], None, Revision.Source.PASTE
    upload_check_size(upload.name, upload.size)  # before reading: never a huge file in memory
    return None, Upload(upload.name, upload.read()), Revision.Source.UPLOAD


@login_required
@require_GET
def draft_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request.user, pk)
    page = draft_page(draft)
    context = {
        "draft": draft,
        "page": page,
        "claims": page.claims,
        "can_mark": role_can(draft.role, Capability.MARK_CLAIMS),  # type: ignore[attr-defined]
    }
    return render(request, "drafts/draft.html", context)


@login_required
@require_GET
def draft_export_json(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_draft_for_user(request.user, pk)
    body = json.dumps(draft_export(draft), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draft-{draft.pk}.json"'
    return response
