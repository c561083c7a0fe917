"""Views of the first pass: suggested claims, quote tasks, the analysis' progress and findings
(the newsroom's suggestion threshold is a newsroom page: ``factcheck.newsrooms.views``).

With htmx, draft-page actions answer with out-of-band fragments of drafts/draft.html (the units
that changed, the panels, the flash) and an ``HX-Trigger``; refusals answer 422 so htmx shows
them. Without JavaScript: a redirect after success (the message in the session), back to where
the user was.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh

from factcheck.claims.models import Claim
from factcheck.drafts.access import get_draft_for_user
from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.drafts.selectors import draft_panels, latest_revision
from factcheck.drafts.views import draft_context
from factcheck.errors import ConflictError, FactcheckError
from factcheck.htmx import Part, htmx_answer, page_answer
from factcheck.http import AuthedHttpRequest
from factcheck.insights.access import get_finding_for_user
from factcheck.insights.forms import FindingActionForm, FindingTaskForm
from factcheck.insights.models import Finding
from factcheck.insights.services import (
    analysis_start,
    finding_dismiss,
    finding_reopen,
    finding_task_create,
    quote_task_create,
    suggested_sentences,
    suggestion_threshold,
    suggestions_confirm,
    suggestions_dismiss,
)
from factcheck.newsrooms.access import Capability, role_can
from factcheck.text import first_error, short

DRAFT_PAGE = "drafts/draft.html"
FINDING_PAGE = "insights/finding.html"
BULK = {"confirm", "dismiss", "confirm_all"}


# --- Suggested claims ---------------------------------------------------------------------------


@login_required
@require_POST
def suggestions_update(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """``confirm`` (or ``mark``, the unit's own button), ``dismiss`` or ``restore`` = a unit's
    index, given once or many times (``confirm=3&confirm=8``). Or ``bulk`` = confirm | dismiss
    with the ``units`` ticked, or confirm_all (every current suggestion). However many units, it
    is one request and one transaction, and its queries do not grow with them."""
    draft, role = get_draft_for_user(request.user, pk, Capability.MARK_CLAIMS)
    revision = latest_revision(draft)
    revision.draft = draft
    post = request.POST
    action = next((a for a in ("confirm", "mark", "dismiss", "restore") if a in post), "")
    if action:
        sentences = _sentences(revision, post.getlist(action))
        action = "confirm" if action == "mark" else action
        if not sentences:
            return HttpResponseBadRequest("That sentence is not in the draft.")
    elif post.get("bulk") in BULK:
        action = post["bulk"]
        if action == "confirm_all":
            threshold = suggestion_threshold(draft.newsroom)
            sentences = list(suggested_sentences(revision, threshold))
            for sentence in sentences:
                sentence.revision = revision
            action = "confirm"
        else:
            sentences = _sentences(revision, post.getlist("units"))
    else:
        return HttpResponseBadRequest("Say what to do: confirm, dismiss, restore or bulk.")
    if not sentences:
        return _draft_answer(request, draft, role, error="Select at least one suggestion first.")
    by = request.user
    try:
        unit_claims = None
        if action == "confirm":
            unit_claims = suggestions_confirm(sentences=sentences, by=by).unit_claims
            notice = _count(len(sentences), "suggestion") + " confirmed as claims."
            if len(sentences) == 1:
                # The mark endpoint's words: confirming a suggestion is marking it.
                notice = f"Marked: “{short(_text(revision, sentences[0]))}”"
        else:
            dismissed = action == "dismiss"
            suggestions_dismiss(sentences=sentences, by=by, dismissed=dismissed)
            verb = "dismissed" if dismissed else "restored"
            notice = f"{_count(len(sentences), 'suggestion')} {verb}."
    except FactcheckError as exc:
        return _draft_answer(request, draft, role, error=str(exc))
    anchor = f"#u-{sentences[0].index}" if len(sentences) == 1 else "#suggestions-panel"
    units = [s.index for s in sentences]
    return _draft_answer(
        request,
        draft,
        role,
        notice=notice,
        units=units,
        anchor=anchor,
        revision=revision,
        unit_claims=unit_claims,
    )


@login_required
@require_POST
def quote_task(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """``unit`` = the index of a quoted sentence: “Confirm Kamo said this” becomes a task linked
    to it (its claim is marked when it is not one yet); a second click finds the same task."""
    draft, role = get_draft_for_user(request.user, pk, Capability.ASSIGN)
    revision = latest_revision(draft)
    revision.draft = draft
    sentences = _sentences(revision, [request.POST.get("unit", "")])
    if not sentences:
        return HttpResponseBadRequest("Say which quoted sentence: unit = its index.")
    sentence = sentences[0]
    try:
        task = quote_task_create(sentence=sentence, by=request.user)
    except FactcheckError as exc:
        return _draft_answer(request, draft, role, error=str(exc))
    return _draft_answer(
        request,
        draft,
        role,
        notice=f"Task “{task.title}” is ready.",
        units=[sentence.index],
        anchor=f"#u-{sentence.index}",
        task_url=reverse("reviews:task", kwargs={"pk": task.pk}),
        events=("claims-changed", "tasks-changed"),
    )


def _sentences(revision: Revision, raw: Iterable[str]) -> list[Sentence]:
    indexes = [int(value) for value in raw if str(value).isdigit()]
    # Not their highlights and types (JSON the services do not read): fifty units a click.
    units = revision.sentences.filter(index__in=indexes).defer("spans", "types")
    found = list(units.order_by("index"))
    for sentence in found:
        sentence.revision = revision  # the services read its text and draft: no more queries
    return found


def _draft_answer(
    request: AuthedHttpRequest,
    draft: Draft,
    role: str,
    *,
    notice: str = "",
    error: str = "",
    units: Iterable[int] = (),
    anchor: str = "",
    task_url: str = "",
    events: Sequence[str] = ("claims-changed",),
    revision: Revision | None = None,
    unit_claims: list[Claim] | None = None,
) -> HttpResponse:
    def parts() -> list[Part]:
        # The changed units, their claims' rows added to the claims panel (draft.js puts them
        # in text order and counts them) and the other panels, not the whole page: a bulk
        # confirm on a long draft answers as fast as a single one.
        page = draft_panels(
            draft, units, all_claims=False, revision=revision, unit_claims=unit_claims
        )
        tasks_changed = "tasks-changed" in events
        context = draft_context(draft, role, page, tasks=tasks_changed)
        context.update(oob=True, error=error, notice=notice, task_url=task_url)
        changed: list[Part] = [
            (f"{DRAFT_PAGE}#unit", {**context, "unit": unit})
            for block in page.blocks
            for unit in block.units
        ]
        if page.claims:
            changed.append((f"{DRAFT_PAGE}#claim-row", {**context, "row": page.claims}))
        names = ("suggestions-panel", *(["draft-tasks"] if tasks_changed else []), "flash")
        return changed + [(f"{DRAFT_PAGE}#{name}", context) for name in names]

    return htmx_answer(
        request,
        redirect_to=draft.get_absolute_url() + anchor,
        parts=parts,
        notice=notice,
        error=error,
        events=events,
    )


# --- The analysis -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def analysis(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """GET: the progress line (htmx polls it every second while the analysis runs; once it has
    finished the page reloads to show the results). POST: analyse the latest revision again."""
    if request.method == "GET":
        draft, role = get_draft_for_user(request.user, pk)
        revision = latest_revision(draft)
        if not request.htmx:
            return redirect(draft.get_absolute_url() + "#analysis")
        if revision.analysis in (Revision.Analysis.DONE, Revision.Analysis.FAILED):
            return HttpResponseClientRefresh()
        context = {
            "draft": draft,
            "revision": revision,
            "unit_count": revision.sentences.count(),
            "can_mark": role_can(role, Capability.MARK_CLAIMS),
        }
        return render(request, f"{DRAFT_PAGE}#analysis", context)
    draft, _ = get_draft_for_user(request.user, pk, Capability.MARK_CLAIMS)
    revision = latest_revision(draft)
    revision.draft = draft
    if revision.analysis in (Revision.Analysis.PENDING, Revision.Analysis.RUNNING):
        messages.info(request, "The analysis is running already.")
    else:
        with transaction.atomic():
            revision = analysis_start(revision=revision)
        if revision.analysis == Revision.Analysis.DONE:
            messages.success(request, "Analysed again.")
        else:
            messages.success(request, "The analysis runs again; this page shows its progress.")
    return redirect(draft.get_absolute_url() + "#analysis")


# --- Findings -----------------------------------------------------------------------------------


@login_required
@require_GET
def finding_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    finding, role = get_finding_for_user(request.user, pk)
    return render(request, FINDING_PAGE, _finding_context(finding, role))


@login_required
@require_POST
def finding_dismiss_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    finding, _ = get_finding_for_user(request.user, pk, Capability.ASSIGN)
    return _finding_move(
        request, finding, finding_dismiss, "Dismissed. Reopen it at any time.", "Already dismissed."
    )


@login_required
@require_POST
def finding_reopen_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    finding, _ = get_finding_for_user(request.user, pk, Capability.ASSIGN)
    return _finding_move(
        request,
        finding,
        finding_reopen,
        "Reopened: it blocks clearance again.",
        "Not dismissed: nothing to reopen.",
    )


@login_required
@require_POST
def finding_task_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The finding becomes a task titled after it, linked to the claims of both sentences; then
    the task page (htmx: the finding page in place, with a link to the task)."""
    finding, _ = get_finding_for_user(request.user, pk, Capability.ASSIGN)
    form = FindingTaskForm(request.POST, newsroom=finding.draft.newsroom)
    if not form.is_valid():
        return _finding_answer(request, finding, error=first_error(form), task_form=form)
    try:
        task, changed = finding_task_create(
            finding=finding,
            by=request.user,
            assignee=form.cleaned_data["assignee"],
            expected_version=form.cleaned_data["version"],
        )
    except ConflictError as exc:
        return _finding_answer(request, exc.current, error=str(exc), status=409)
    except FactcheckError as exc:
        return _finding_answer(request, finding, error=str(exc))
    finding.refresh_from_db()
    finding.task = task
    notice = f"Created the task “{task.title}”." if changed else "This finding is a task already."
    return _finding_task_answer(request, finding, notice)


def _finding_task_answer(request: AuthedHttpRequest, finding: Finding, notice: str) -> HttpResponse:
    if request.htmx:
        return _finding_answer(request, finding, notice=notice, events=("tasks-changed",))
    messages.success(request, notice)
    return redirect("reviews:task", pk=finding.task_id)


def _finding_move(
    request: AuthedHttpRequest, finding: Finding, service: Any, notice: str, repeat: str
) -> HttpResponse:
    """Dismiss or reopen through ``service``: ``notice`` when it changed the finding, ``repeat``
    when it was already so (a repeated click, whatever version it carries)."""
    form = FindingActionForm(request.POST)
    if not form.is_valid():
        return _finding_answer(request, finding, error=first_error(form))
    try:
        finding, changed = service(
            finding=finding, by=request.user, expected_version=form.cleaned_data["version"]
        )
    except ConflictError as exc:
        return _finding_answer(request, exc.current, error=str(exc), status=409)
    except FactcheckError as exc:
        return _finding_answer(request, finding, error=str(exc))
    return _finding_answer(request, finding, notice=notice if changed else repeat)


def _finding_answer(
    request: AuthedHttpRequest,
    finding: Finding,
    *,
    notice: str = "",
    error: str = "",
    status: int = 422,
    events: Iterable[str] = (),
    **extra: Any,
) -> HttpResponse:
    """After an action: a redirect (plain post, success), the page with the message (plain
    post, refused: 409 conflict or 422), or the page's main block and flash (htmx)."""

    def context() -> dict[str, Any]:
        fresh, role = get_finding_for_user(request.user, finding.pk)  # afresh, with its task
        return {**_finding_context(fresh, role, **extra), "notice": notice, "error": error}

    return page_answer(
        request,
        template=FINDING_PAGE,
        blocks=("finding-main", "finding-flash"),
        context=context,
        redirect_to=finding.get_absolute_url(),
        notice=notice,
        error=error,
        status=status,
        events=["finding-changed", *events],
    )


def _finding_context(finding: Finding, role: str, **extra: Any) -> dict[str, Any]:
    draft = finding.draft
    text = finding.revision.text
    sides = [
        _side(text, finding.sentence_a, finding.a_start, finding.a_end),
        _side(text, finding.sentence_b, finding.b_start, finding.b_end),
    ]
    initial = {"version": finding.version}
    context: dict[str, Any] = {
        "finding": finding,
        "draft": draft,
        "sides": sides,
        "can_act": role_can(role, Capability.ASSIGN),
        "action_form": FindingActionForm(initial=initial),
        "task_form": FindingTaskForm(initial=initial, newsroom=draft.newsroom),
    }
    context.update(extra)
    return context


def _side(text: str, sentence: Sentence, start: int | None, end: int | None) -> dict[str, Any]:
    """One sentence of a finding cut in three: before, the conflicting words, after."""
    s, e = sentence.start, sentence.end
    if start is None or end is None or not s <= start < end <= e:
        start = end = e
    return {
        "index": sentence.index,
        "before": text[s:start],
        "conflict": text[start:end],
        "after": text[end:e],
    }


# --- Small helpers ------------------------------------------------------------------------------


def _text(revision: Revision, sentence: Sentence) -> str:
    return revision.text[sentence.start : sentence.end]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
