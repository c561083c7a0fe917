"""The review queue (``/reviews/``): what waits on an editor, with its actions.

``review_queue`` lists; ``review_bulk`` acts, on one row (``do`` + ``item``: the buttons of a
row) or on the checked rows (``bulk`` + ``items``). Every action answers htmx with fragments
(the row, or the whole list) and plain posts with a redirect back to the same filtered page.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from factcheck.claims.access import get_claim_for_user
from factcheck.claims.models import Claim
from factcheck.claims.services import claim_approve, claim_send_back, claims_approve_bulk
from factcheck.errors import ConflictError, FactcheckError
from factcheck.htmx import Part, htmx_answer, render_parts
from factcheck.http import AuthedHttpRequest
from factcheck.insights.access import get_finding_for_user
from factcheck.insights.models import Finding
from factcheck.insights.services import finding_dismiss, finding_task_create
from factcheck.newsrooms.access import Capability
from factcheck.reviews.access import get_task_for_user
from factcheck.reviews.models import Task
from factcheck.reviews.queue import (
    DUE,
    SHOW,
    SORTS,
    QueueFilters,
    QueuePage,
    QueueRow,
    parse_token,
    queue_count,
    queue_newsroom_ids,
    queue_page,
    queue_row,
    queue_selected,
)
from factcheck.reviews.services import task_move, tasks_assign_bulk

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TEMPLATE = "reviews/queue.html"
ROW_ACTIONS = {"approve", "send_back", "done", "task_send_back", "finding_task", "finding_dismiss"}


@login_required
@require_GET
@vary_on_headers("HX-Request")
def review_queue(request: AuthedHttpRequest) -> HttpResponse:
    newsroom_ids = _newsrooms(request)
    filters = QueueFilters.from_query(request.GET)
    page = queue_page(newsroom_ids=newsroom_ids, filters=filters)
    return _render_list(request, page)


@login_required
@require_POST
def review_bulk(request: AuthedHttpRequest) -> HttpResponse:
    """One row's action (``do``, ``item`` = kind:id:version, ``note``), or a bulk action on the
    checked rows (``bulk`` = approve | assign, ``items``, ``assignee``)."""
    if "do" in request.POST:
        return _row_action(request)
    newsroom_ids = _newsrooms(request)
    back = _back(request.POST.get("back", ""))
    action = request.POST.get("bulk", "")
    done, refused, error = _bulk_action(request, newsroom_ids, action)
    summary = _summary(action, done, refused, error)
    if not request.htmx:
        if done and not error:
            messages.success(request, summary)
        else:
            messages.error(request, summary)
        return redirect(_queue_url(back))
    filters = QueueFilters.from_query(back)
    page = queue_page(newsroom_ids=newsroom_ids, filters=filters)
    status = 422 if error or (refused and not done) else 200
    response = _render_list(request, page, summary=summary, summary_error=status != 200)
    response.status_code = status
    return trigger_client_event(response, "queue-changed") if done else response


# --- One row ----------------------------------------------------------------------------------


def _row_action(request: AuthedHttpRequest) -> HttpResponse:
    action = request.POST.get("do", "")
    parsed = parse_token(request.POST.get("item", ""))
    back = _back(request.POST.get("back", ""))
    note = request.POST.get("note", "").strip()[:500]
    if action not in ROW_ACTIONS or parsed is None:
        return HttpResponse("Say which row and which action.", status=400)
    kind, pk, version = parsed
    user = request.user
    obj: Claim | Task | Finding
    if kind == "claim":
        obj, _ = get_claim_for_user(user, pk, Capability.APPROVE)
    elif kind == "finding":
        obj, _ = get_finding_for_user(user, pk, Capability.ASSIGN)
    else:
        obj, _ = get_task_for_user(user, pk, Capability.APPROVE)
    try:
        obj, notice = _act(obj, action, user, version, note)
    except ConflictError as exc:
        return _row_refused(request, queue_row(exc.current), str(exc), note, back, status=409)
    except FactcheckError as exc:
        current = type(obj).objects.select_related("draft").get(pk=obj.pk)
        return _row_refused(request, queue_row(current), str(exc), note, back, status=422)
    done = obj

    def parts() -> list[Part]:
        # The "N waiting" count follows the action (an approved verdict no longer waits).
        waiting = queue_count(_newsrooms(request), QueueFilters.from_query(back))
        return _row_parts(queue_row(done), back, notice=notice, waiting=waiting)

    return htmx_answer(
        request,
        redirect_to=_queue_url(back),
        parts=parts,
        notice=notice,
        events=["queue-changed"],
    )


def _act(
    obj: Claim | Task | Finding, action: str, user: User, version: int | None, note: str
) -> tuple[Claim | Task | Finding, str]:
    if isinstance(obj, Finding):
        return _act_on_finding(obj, action, user, version)
    if isinstance(obj, Claim):
        name = _claim_name(obj)
        if action == "approve":
            return claim_approve(claim=obj, by=user, expected_version=version), f"Approved {name}."
        if action == "send_back":
            claim = claim_send_back(claim=obj, by=user, note=note, expected_version=version)
            return claim, f"Sent back {name}."
        raise FactcheckError("That action is for tasks; a verdict is approved or sent back.")
    if action == "done":
        task = task_move(task=obj, by=user, to=Task.Status.DONE, expected_version=version)
        return task, f"Marked task “{obj.title}” done."
    if action == "task_send_back":
        task = task_move(
            task=obj, by=user, to=Task.Status.IN_PROGRESS, expected_version=version, note=note
        )
        return task, f"Sent task “{obj.title}” back."
    raise FactcheckError("That action is for verdicts; a task is marked done or sent back.")


def _act_on_finding(
    finding: Finding, action: str, user: User, version: int | None
) -> tuple[Finding, str]:
    name = f"finding “{finding.summary}”"
    if action == "finding_dismiss":
        dismissed, changed = finding_dismiss(finding=finding, by=user, expected_version=version)
        return dismissed, f"Dismissed {name}." if changed else f"The {name} was dismissed already."
    if action == "finding_task":
        task, changed = finding_task_create(finding=finding, by=user, expected_version=version)
        if not changed:
            return finding, f"The {name} is a task already."
        finding = Finding.objects.select_related("draft", "task").get(pk=finding.pk)
        return finding, f"Created the task “{task.title}”."
    raise FactcheckError("A finding is turned into a task or dismissed.")


def _row_refused(
    request: AuthedHttpRequest,
    row: QueueRow,
    error: str,
    note: str,
    back: QueryDict,
    *,
    status: int,
) -> HttpResponse:
    """The refused row in its current state, with the message and the note kept. htmx gets 422
    (which base.html's htmx-config swaps) for conflicts too; a plain post gets the whole page
    with 409 (conflict) or 422."""
    row = dataclasses.replace(row, error=error, kept_note=note)
    if request.htmx:
        html = render_parts(request, _row_parts(row, back, notice=error, error=True))
        return HttpResponse(html, status=422)
    filters = QueueFilters.from_query(back)
    page = queue_page(newsroom_ids=_newsrooms(request), filters=filters)
    at = next((i for i, r in enumerate(page.rows) if r.key == row.key), None)
    if at is None:
        page.rows.insert(0, row)
    else:
        page.rows[at] = row
    response = _render_list(request, page, summary=error, summary_error=True, full=True)
    response.status_code = status
    return response


# --- Bulk -------------------------------------------------------------------------------------


def _bulk_action(
    request: AuthedHttpRequest, newsroom_ids: list[int], action: str
) -> tuple[int, list[tuple[str, str]], str]:
    """Approve or assign the checked rows: (how many succeeded, (item, why) for each refused,
    an error when there was nothing to do)."""
    user = request.user
    selected = queue_selected(newsroom_ids, request.POST.getlist("items"))
    refused = [(token, "not found among the items waiting on you") for token in selected.unknown]
    if not (selected.claims or selected.tasks or selected.unknown):
        return 0, [], "Select at least one row first (the boxes on the left, or x)."
    if action == "approve":
        done, more = _approve_selected(user, selected.claims)
        not_claims = [
            (f"Task “{t.title}”", "mark tasks done one by one") for t, _ in selected.tasks
        ]
        return done, refused + more + not_claims, ""
    if action == "assign":
        assignee = _member(request.POST.get("assignee", ""), newsroom_ids)
        if assignee is None:
            return 0, [], "Choose the member to assign the selected tasks to."
        ok, failed = tasks_assign_bulk(
            tasks=[t for t, _ in selected.tasks], by=user, assignee=assignee
        )
        refused += [(f"Task “{t.title}”", why) for t, why in failed]
        refused += [(_claim_name(c), "only tasks are assigned") for c, _ in selected.claims]
        return len(ok), refused, ""
    return 0, [], "Choose an action: approve or assign the selected rows."


def _approve_selected(
    user: User, claims: list[tuple[Claim, int | None]]
) -> tuple[int, list[tuple[str, str]]]:
    """Approve the checked verdicts. A verdict changed since the page was loaded (its version
    moved on) is refused by the service, under the row lock, rather than approved unseen."""
    versions = {c.pk: version for c, version in claims if version is not None}
    approved, failed = claims_approve_bulk(
        claims=[c for c, _ in claims], by=user, versions=versions
    )
    return len(approved), [(_claim_name(c), why) for c, why in failed]


def _member(raw: str, newsroom_ids: list[int]) -> User | None:
    if not raw.isdigit():
        return None
    return (
        get_user_model()
        .objects.filter(pk=int(raw), memberships__newsroom_id__in=newsroom_ids)
        .distinct()
        .first()
    )


def _summary(action: str, done: int, refused: list[tuple[Any, str]], error: str) -> str:
    if error:
        return error
    verb = "Approved" if action == "approve" else "Assigned"
    what = "verdict" if action == "approve" else "task"
    text = f"{verb} {done} {what}{'' if done == 1 else 's'}."
    if refused:
        text += f" Refused {len(refused)}: " + "; ".join(f"{n} — {why}" for n, why in refused)
    return text


# --- Rendering --------------------------------------------------------------------------------


def _render_list(
    request: AuthedHttpRequest,
    page: QueuePage,
    *,
    summary: str = "",
    summary_error: bool = False,
    full: bool = False,
) -> HttpResponse:
    htmx = request.htmx
    partial = bool(htmx) and not htmx.history_restore_request and not full
    context = {
        "queue": page,
        "filters": page.filters,
        "back": page.filters.query(page=page.page.number),
        "pages": _page_links(page),
        "prev_query": page.filters.query(page=page.page.number - 1),
        "next_query": page.filters.query(page=page.page.number + 1),
        "show_choices": SHOW,
        "due_choices": DUE,
        "sort_choices": {key: label for key, (label, _) in SORTS.items()},
        "summary": summary,
        "summary_error": summary_error,
        "bulk_url": reverse("reviews:queue_bulk"),
    }
    return render(request, f"{TEMPLATE}#queue-list" if partial else TEMPLATE, context)


def _row_parts(
    row: QueueRow,
    back: QueryDict,
    *,
    notice: str,
    error: bool = False,
    waiting: int | None = None,
) -> list[Part]:
    """The row with the flash line out of band, and the "N waiting" count when it changed."""
    context = {
        "row": row,
        "back": back.urlencode(),
        "notice": notice,
        "flash_error": error,
        "oob": True,
        "bulk_url": reverse("reviews:queue_bulk"),
    }
    parts: list[Part] = [(f"{TEMPLATE}#row", context), (f"{TEMPLATE}#flash", context)]
    if waiting is not None:
        parts.append((f"{TEMPLATE}#waiting", {**context, "waiting": waiting}))
    return parts


def _page_links(page: QueuePage) -> list[tuple[str, str | None, bool]]:
    """(label, query string, is the current page) for the first, last and nearby pages; the
    query is None for the "…" between them."""
    current, last = page.page.number, page.page.paginator.num_pages
    numbers = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    links: list[tuple[str, str | None, bool]] = []
    for before, number in zip([0, *numbers], numbers, strict=False):
        if number - before > 1:
            links.append(("…", None, False))
        links.append((str(number), page.filters.query(page=number), number == current))
    return links


def _newsrooms(request: AuthedHttpRequest) -> list[int]:
    """The newsrooms where the user approves; a user who approves nowhere gets 403."""
    ids = queue_newsroom_ids(request.user)
    if not ids:
        raise PermissionDenied("The review queue is for editors: nothing waits on your approval.")
    return ids


_FILTER_KEYS = ("draft", "who", "show", "due", "sort", "page")


def _back(raw: str) -> QueryDict:
    """The queue's filters the form came from, keeping only the filter keys."""
    parsed = QueryDict(raw)
    back = QueryDict(mutable=True)
    for key in _FILTER_KEYS:
        if parsed.get(key):
            back[key] = parsed[key]
    return back


def _queue_url(back: QueryDict) -> str:
    query = back.urlencode()
    return reverse("reviews:queue") + (f"?{query}" if query else "")


def _claim_name(claim: Claim) -> str:
    text = claim.text if len(claim.text) <= 60 else claim.text[:59] + "…"
    return f"the verdict on “{text}”"
