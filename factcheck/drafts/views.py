from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from factcheck.claims.revisions import revision_load
from factcheck.drafts.access import get_draft_for_user
from factcheck.drafts.forms import DraftEditForm, DraftForm, DraftInputForm, RevisionForm
from factcheck.drafts.models import Draft, ReaderSettings, Revision
from factcheck.drafts.selectors import (
    DraftPage,
    dashboard_drafts,
    draft_export,
    draft_page,
    draft_revisions,
    reader_highlights,
)
from factcheck.drafts.services import (
    DraftInputError,
    Upload,
    draft_archive,
    draft_import,
    draft_restore,
    draft_update,
    reader_highlights_save,
    upload_check_size,
)
from factcheck.errors import ConflictError
from factcheck.http import AuthedHttpRequest
from factcheck.insights.diff import draft_diff
from factcheck.newsrooms.access import Capability, newsrooms_where, newsrooms_with_role, role_can
from factcheck.newsrooms.models import Newsroom, Role
from factcheck.reviews.panel import clearance_panel
from factcheck.reviews.task_selectors import draft_tasks
from factcheck.uploads import (
    UploadRefused,
    before_body,
    csrf_after_limits,
    reading,
    refuse_unread,
    upload_limit,
)


@login_required
@require_GET
def dashboard(request: AuthedHttpRequest) -> HttpResponse:
    archived = request.GET.get("archived") == "1"
    drafts = dashboard_drafts(request.user).filter(archived_at__isnull=not archived)
    can_load = newsrooms_where(request.user, Capability.LOAD_DRAFT).exists()
    # The user's newsrooms, each linked to its page; those they administer also to their
    # settings (sources, suggestions).
    newsrooms = newsrooms_with_role(request.user)
    managed = [n for n, role in newsrooms if role_can(role, Capability.MANAGE_MEMBERS)]
    context = {
        "drafts": drafts,
        "can_load": can_load,
        "archived": archived,
        "newsrooms": [(newsroom, Role(role).label) for newsroom, role in newsrooms],
        "managed": managed,
    }
    return render(request, "drafts/dashboard.html", context)


@login_required
@csrf_after_limits  # checked by _draft_new, after the role and the size
@require_http_methods(["GET", "POST"])
def draft_new(request: AuthedHttpRequest) -> HttpResponse:
    newsrooms = newsrooms_where(request.user, Capability.LOAD_DRAFT)
    if request.method == "POST":
        with before_body(request):
            if not newsrooms.exists():
                raise PermissionDenied("Your role in your newsrooms does not allow loading drafts.")
        try:
            cap = upload_limit(request, max_bytes=settings.DRAFT_MAX_BYTES, what="a draft")
            with reading(cap):
                return _draft_new(request, newsrooms)
        except UploadRefused as exc:
            form = DraftForm(newsrooms=newsrooms)
            refuse_unread(form, "file", str(exc))
            return render(request, "drafts/new.html", {"form": form}, status=exc.status)
    return _draft_new(request, newsrooms)


@csrf_protect
def _draft_new(request: AuthedHttpRequest, newsrooms: QuerySet[Newsroom]) -> HttpResponse:
    form = DraftForm(request.POST or None, request.FILES or None, newsrooms=newsrooms)
    if request.method == "POST" and form.is_valid():
        try:
            draft = draft_import(
                newsroom=form.cleaned_data["newsroom"],
                by=request.user,
                title=form.cleaned_data["title"],
                deadline=form.cleaned_data["deadline"],
                **_draft_input(form),
            )
        except DraftInputError as exc:
            form.add_error(_input_field(form), str(exc))
        else:
            messages.success(request, f"Loaded “{draft.title}”.")
            return redirect("drafts:detail", pk=draft.pk)
    status = 400 if form.errors else 200
    return render(request, "drafts/new.html", {"form": form}, status=status)


def _draft_input(form: DraftInputForm) -> dict[str, Any]:
    """The input as the services take it: ``text``, ``upload`` or ``url``, and its ``source``.
    A link is fetched by the service, in this request (bounded by the fetch's time limit)."""
    if form.cleaned_data.get("url"):
        return {"url": form.cleaned_data["url"], "source": Revision.Source.URL}
    upload = form.cleaned_data.get("file")
    if upload is None:
        return {"text": form.cleaned_data["text"], "source": Revision.Source.PASTE}
    upload_check_size(upload.name, upload.size)  # before reading: never a huge file in memory
    return {"upload": Upload(upload.name, upload.read()), "source": Revision.Source.UPLOAD}


def _input_field(form: DraftInputForm) -> str:
    """The field a refused input's message goes under."""
    if form.cleaned_data.get("url"):
        return "url"
    return "file" if form.cleaned_data.get("file") else "text"


@login_required
@require_GET
def draft_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The draft page; ``?view=read``: the reading view (the copy alone, claims' status in the
    margin)."""
    draft, role = get_draft_for_user(request.user, pk)
    reading = request.GET.get("view") == "read"
    highlights = reader_highlights(request.user)
    # The reading view is the copy alone: no parts cut in, whatever the desk shows.
    page = draft_page(draft, frozenset() if reading else highlights)
    context = draft_context(draft, role, page)
    context["clearance"] = clearance_panel(draft=draft, role=role)
    context["highlights"] = _highlight_choices(highlights)
    context["reading"] = reading
    # ?at=N: the page opened at sentence N with its actions (its own link, without JavaScript).
    at = request.GET.get("at", "")
    context["at"] = int(at) if at.isdigit() else None
    return render(request, "drafts/draft.html", context)


@login_required
@csrf_after_limits  # checked by _revision_new, after the role and the size
@require_http_methods(["GET", "POST"])
def revision_new(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Load a new version of the draft (paste, upload or a link): its claims follow the text,
    and the draft page says what became of them."""
    with before_body(request):
        draft, _ = get_draft_for_user(request.user, pk, Capability.LOAD_DRAFT)
    if request.method == "POST":
        try:
            cap = upload_limit(request, max_bytes=settings.DRAFT_MAX_BYTES, what="a draft")
            with reading(cap):
                return _revision_new(request, draft)
        except UploadRefused as exc:
            form = RevisionForm()
            refuse_unread(form, "file", str(exc))
            context = {"draft": draft, "form": form}
            return render(request, "drafts/revision_new.html", context, status=exc.status)
    return _revision_new(request, draft)


@csrf_protect
def _revision_new(request: AuthedHttpRequest, draft: Draft) -> HttpResponse:
    form = RevisionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            read = _draft_input(form)
            loaded = revision_load(
                draft=draft,
                by=request.user,
                text=read.get("text"),
                file=read.get("upload"),
                url=read.get("url"),
                source=read["source"],
            )
        except DraftInputError as exc:
            form.add_error(_input_field(form), str(exc))
        else:
            number = loaded.revision.number
            messages.success(request, f"Revision {number} loaded: {loaded.summary}.")
            return redirect(draft)
    status = 400 if form.errors else 200
    context = {"draft": draft, "form": form}
    return render(request, "drafts/revision_new.html", context, status=status)


@login_required
@require_GET
def revision_list(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The draft's versions: who loaded each and when, what became of the claims."""
    draft, role = get_draft_for_user(request.user, pk)
    context = {
        "draft": draft,
        "revisions": draft_revisions(draft),
        "can_load": role_can(role, Capability.LOAD_DRAFT),
    }
    return render(request, "drafts/revisions.html", context)


@login_required
@require_GET
def revision_detail(request: AuthedHttpRequest, pk: int, number: int) -> HttpResponse:
    """Revision ``number`` of the draft as it was, read-only: the reading view of its text."""
    draft, role = get_draft_for_user(request.user, pk)
    revision = get_object_or_404(
        Revision.objects.select_related("created_by"), draft=draft, number=number
    )
    page = draft_page(draft, frozenset(), revision)
    context = draft_context(draft, role, page)
    # Read-only: no controls, whatever the role.
    context.update(can_mark=False, can_assign=False, can_edit=False, can_look_up=False)
    context.update(can_load=False)
    context.update(reading=True, at=None)
    return render(request, "drafts/draft.html", context)


@login_required
@require_GET
def revision_diff_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """What changed between two revisions: ``?from=A&to=B`` (revision numbers; by default the
    latest and the one before it), sentences added, removed, moved and edited, with the claims
    and findings beside them. Only the changes and a sentence either side, unless ``show=all``.
    A number the draft has no revision of is a 404, as a revision's own page is."""
    draft, _ = get_draft_for_user(request.user, pk)
    show_all = request.GET.get("show") == "all"
    try:
        page = draft_diff(
            draft,
            old_number=_revision_number(request.GET.get("from")),
            new_number=_revision_number(request.GET.get("to")),
            show_all=show_all,
        )
    except Revision.DoesNotExist as exc:
        raise Http404("No such revision of this draft.") from exc
    return render(request, "drafts/diff.html", {"draft": draft, "diff": page})


def _revision_number(raw: str | None) -> int | None:
    """A revision number from the query string; None when absent (the default applies), 404
    when it cannot name a revision."""
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise Http404("No such revision of this draft.")
    return int(raw)


@login_required
@require_POST
def draft_highlights(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Keep which part types the reader wants highlighted (``show``: each type ticked), for
    every draft. With htmx, the highlights form again; without, back to the draft."""
    draft, _ = get_draft_for_user(request.user, pk)
    kinds = reader_highlights_save(user=request.user, kinds=request.POST.getlist("show")).obj.kinds
    if not request.htmx:
        return redirect(draft.get_absolute_url() + "#highlights")
    context = {"draft": draft, "highlights": _highlight_choices(kinds), "reading": False}
    return render(request, "drafts/draft.html#highlights", context)


# The legend's labels of the part types, in ReaderSettings.KINDS order.
HIGHLIGHT_LABELS = {
    "number": "numbers",
    "date": "dates",
    "entity": "names",
    "quote": "quotes",
    "attribution": "attributions",
    "comparison": "comparisons",
    "event": "events",
}


def _highlight_choices(kinds: frozenset[str]) -> list[tuple[str, str, bool]]:
    """(type, label, shown) for each part type, in the legend's order."""
    return [(kind, HIGHLIGHT_LABELS[kind], kind in kinds) for kind in ReaderSettings.KINDS]


def draft_context(
    draft: Draft, role: str, page: DraftPage, *, tasks: bool = True
) -> dict[str, Any]:
    """What drafts/draft.html needs, for the page and for its fragments (insights.views);
    ``role`` is the user's role in the draft's newsroom. Without ``tasks``, not the tasks
    panel's (an answer that does not draw it)."""
    return {
        "draft": draft,
        "page": page,
        "revision": page.revision,
        "unit_count": page.unit_count,
        "threshold": page.threshold,
        "claims": page.claims,
        "can_mark": role_can(role, Capability.MARK_CLAIMS),
        "can_assign": role_can(role, Capability.ASSIGN),
        "can_edit": role_can(role, Capability.EDIT_DRAFT),
        "can_load": role_can(role, Capability.LOAD_DRAFT),
        "can_look_up": role_can(role, Capability.PROPOSE_VERDICT),
        "tasks": draft_tasks(draft) if tasks else [],
    }


@login_required
@require_GET
def draft_export_json(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    draft, _ = get_draft_for_user(request.user, pk)
    body = json.dumps(draft_export(draft), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draft-{draft.pk}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def draft_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    draft, _ = get_draft_for_user(request.user, pk, Capability.EDIT_DRAFT)
    initial = {"title": draft.title, "deadline": draft.deadline, "version": draft.version}
    form = DraftEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            draft_update(
                draft=draft,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                title=form.cleaned_data["title"],
                deadline=form.cleaned_data["deadline"],
            )
        except ConflictError as exc:
            conflict = exc
            form.add_error(None, str(exc))
        except DraftInputError as exc:
            form.add_error("title", str(exc))
        else:
            messages.success(request, "Saved the draft's title and deadline.")
            return redirect(draft)
    status = 409 if conflict else (400 if form.errors else 200)
    context = {"draft": draft, "form": form, "conflict": conflict}
    return render(request, "drafts/draft_edit.html", context, status=status)


@login_required
@require_POST
def draft_archive_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    draft, _ = get_draft_for_user(request.user, pk, Capability.EDIT_DRAFT)
    draft_archive(draft=draft, by=request.user)
    messages.success(request, f"Archived “{draft.title}”. It can be restored from Archived drafts.")
    return redirect(draft)


@login_required
@require_POST
def draft_restore_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    draft, _ = get_draft_for_user(request.user, pk, Capability.EDIT_DRAFT)
    draft_restore(draft=draft, by=request.user)
    messages.success(request, f"Restored “{draft.title}”.")
    return redirect(draft)
