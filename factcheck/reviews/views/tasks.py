"""Task views: create a task from the draft page, the task page and its actions (move, assign,
edit, archive, comment), and My tasks.

With htmx, actions answer with out-of-band fragments (the form posts with ``hx-swap="none"``) and
an ``HX-Trigger: task-changed``; refusals and version conflicts answer 422 so htmx shows them.
Without JavaScript: a redirect after success, the page again with the message after a refusal
(422) or a conflict (409), the user's input kept.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from factcheck.drafts.access import get_draft_for_user
from factcheck.errors import ConflictError, FactcheckError
from factcheck.htmx import page_answer
from factcheck.http import AuthedHttpRequest
from factcheck.newsrooms.access import Capability
from factcheck.reviews import task_selectors
from factcheck.reviews.access import get_task_for_user
from factcheck.reviews.forms import AssignForm, CommentForm, MoveForm, TaskForm
from factcheck.reviews.models import Task
from factcheck.reviews.services import (
    comment_add,
    task_archive,
    task_assign,
    task_create,
    task_move,
    task_restore,
    task_update,
)
from factcheck.text import first_error

MY_TASKS_PER_PAGE = 50
PAGE = "reviews/task.html"
# Blocks of the task page an action can change; each is a partial of reviews/task.html.
ACTION_BLOCKS = ("task-flash", "task-main", "task-claims", "task-history")
COMMENT_BLOCKS = ("task-flash", "task-comments")


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The new-task form; ``?claims=1,2`` (or repeated ``claims``) preselects the draft's claims."""
    draft, _ = get_draft_for_user(request.user, pk, Capability.ASSIGN)
    data = request.POST if request.method == "POST" else None
    form = TaskForm(data, draft=draft, initial={"claims": _ids(request.GET)})
    if form.is_bound and form.is_valid():
        values = form.cleaned_data
        try:
            task = task_create(
                draft=draft,
                by=request.user,
                title=values["title"],
                description=values["description"],
                claims=list(values["claims"]),
                assignee=values["assignee"],
                due_at=values["due_at"],
                priority=values["priority"],
            )
        except FactcheckError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Created task “{task.title}”.")
            if request.htmx:
                return HttpResponseClientRedirect(task.get_absolute_url())
            return redirect(task)
    return _form_page(request, {"form": form, "draft": draft, "task": None}, form)


@login_required
@require_GET
def task_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    task, role = get_task_for_user(request.user, pk)
    context = _context(request, task, role)
    if request.htmx:
        return render(request, "reviews/task.html#task-main", context)
    return render(request, "reviews/task.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    task, _ = get_task_for_user(request.user, pk, Capability.ASSIGN)
    context: dict[str, Any] = {"draft": task.draft, "task": task}
    if request.method == "GET":
        form = TaskForm(draft=task.draft, task=task, initial=_task_initial(task))
        return _form_page(request, {**context, "form": form}, form)
    form = TaskForm(request.POST, draft=task.draft, task=task)
    status = 422
    if form.is_valid():
        values = form.cleaned_data
        try:
            task_update(
                task=task,
                by=request.user,
                expected_version=values["version"],
                title=values["title"],
                description=values["description"],
                due_at=values["due_at"],
                priority=values["priority"],
                claims=list(values["claims"]),
            )
        except ConflictError as exc:
            # Keep what the user typed, show the current task beside it, and take the current
            # version so that sending the form again deliberately replaces the other change.
            form = TaskForm(
                _with_version(request.POST, exc.current.version), draft=task.draft, task=task
            )
            form.is_valid()
            form.add_error(None, str(exc))
            context["current"] = exc.current
            status = 422 if request.htmx else 409
        except FactcheckError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Saved task “{values['title']}”.")
            if request.htmx:
                return HttpResponseClientRedirect(task.get_absolute_url())
            return redirect(task)
    return _form_page(request, {**context, "form": form}, form, status=status)


@login_required
@require_POST
def task_move_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """POST ``to`` (a status) and ``version``; ``note`` goes into the history (e.g. why it was
    sent back)."""
    task, _ = get_task_for_user(request.user, pk)
    form = MoveForm(request.POST)
    note = request.POST.get("note", "")
    if not form.is_valid():
        return _answer(request, task.pk, ACTION_BLOCKS, error=first_error(form), note=note)
    to = form.cleaned_data["to"]
    try:
        task_move(
            task=task,
            by=request.user,
            to=to,
            expected_version=form.cleaned_data["version"],
            note=form.cleaned_data["note"].strip(),
        )
    except ConflictError as exc:
        return _answer(request, task.pk, ACTION_BLOCKS, error=str(exc), status=409, note=note)
    except FactcheckError as exc:
        return _answer(request, task.pk, ACTION_BLOCKS, error=str(exc), note=note)
    return _answer(request, task.pk, ACTION_BLOCKS, notice=f"Moved to {Task.Status(to).label}.")


@login_required
@require_POST
def task_assign_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """POST ``assignee`` (a member's user id, or empty for nobody) and ``version``."""
    task, _ = get_task_for_user(request.user, pk, Capability.ASSIGN)
    form = AssignForm(request.POST, newsroom_id=task.draft.newsroom_id)
    chosen = request.POST.get("assignee", "")
    if not form.is_valid():
        return _answer(request, task.pk, ACTION_BLOCKS, error=first_error(form), chosen=chosen)
    assignee = form.cleaned_data["assignee"]
    try:
        task_assign(
            task=task,
            by=request.user,
            assignee=assignee,
            expected_version=form.cleaned_data["version"],
        )
    except ConflictError as exc:
        return _answer(request, task.pk, ACTION_BLOCKS, error=str(exc), status=409, chosen=chosen)
    except FactcheckError as exc:
        return _answer(request, task.pk, ACTION_BLOCKS, error=str(exc), chosen=chosen)
    notice = f"Assigned to {assignee.get_username()}." if assignee else "Unassigned."
    return _answer(request, task.pk, ACTION_BLOCKS, notice=notice)


@login_required
@require_POST
def task_archive_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    task, _ = get_task_for_user(request.user, pk, Capability.ASSIGN)
    task_archive(task=task, by=request.user)
    notice = "Archived. The task and its history are kept; restore it at any time."
    return _answer(request, task.pk, ACTION_BLOCKS, notice=notice)


@login_required
@require_POST
def task_restore_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    task, _ = get_task_for_user(request.user, pk, Capability.ASSIGN)
    task_restore(task=task, by=request.user)
    return _answer(request, task.pk, ACTION_BLOCKS, notice="Restored.")


@login_required
@require_POST
def task_comment(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """POST ``body``; ``@username`` of a newsroom member notifies them."""
    task, _ = get_task_for_user(request.user, pk, Capability.COMMENT)
    form = CommentForm(request.POST)
    body = request.POST.get("body", "")
    if not form.is_valid():
        return _answer(request, task.pk, COMMENT_BLOCKS, error=first_error(form), body=body)
    try:
        comment_add(by=request.user, body=form.cleaned_data["body"], task=task)
    except FactcheckError as exc:
        return _answer(request, task.pk, COMMENT_BLOCKS, error=str(exc), body=body)
    return _answer(request, task.pk, COMMENT_BLOCKS, notice="Comment added.", anchor="#comments")


@login_required
@require_GET
def my_tasks(request: AuthedHttpRequest) -> HttpResponse:
    """The user's assigned tasks, soonest due first; ``?status=`` filters (default: not done)."""
    status = request.GET.get("status", "")
    if status not in task_selectors.MY_TASK_FILTERS:
        status = ""
    tasks = task_selectors.my_tasks(request.user, status)
    page = Paginator(tasks, MY_TASKS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "filters": [(key, label) for key, (label, _) in task_selectors.MY_TASK_FILTERS.items()],
    }
    if request.htmx:
        return render(request, "reviews/my_tasks.html#task-list", context)
    return render(request, "reviews/my_tasks.html", context)


# --- Helpers ----------------------------------------------------------------------------------


def _context(request: AuthedHttpRequest, task: Task, role: str, **extra: Any) -> dict[str, Any]:
    page = task_selectors.task_page(task, request.user, role)
    return {
        "task": task,
        "page": page,
        "chosen": str(task.assignee_id or ""),
        "comment_form": CommentForm(),
        **extra,
    }


def _answer(
    request: AuthedHttpRequest,
    pk: int,
    blocks: tuple[str, ...],
    *,
    notice: str = "",
    error: str = "",
    status: int = 422,
    anchor: str = "",
    chosen: str | None = None,
    note: str = "",
    body: str = "",
) -> HttpResponse:
    """The answer to an action on task ``pk``, read afresh: the changed ``blocks`` for htmx
    (422 on refusal or conflict), a redirect after success or the page with the message."""
    task, role = get_task_for_user(request.user, pk)
    extra: dict[str, Any] = {"error": error, "notice": notice, "note": note, "body": body}
    if chosen is not None:
        extra["chosen"] = chosen

    return page_answer(
        request,
        template=PAGE,
        blocks=blocks,
        context=lambda: _context(request, task, role, **extra),
        redirect_to=task.get_absolute_url() + anchor,
        notice=notice,
        error=error,
        status=status,
        events=["task-changed"],
    )


def _form_page(
    request: AuthedHttpRequest,
    context: dict[str, Any],
    form: TaskForm,
    *,
    status: int | None = None,
) -> HttpResponse:
    if status is None:
        status = 422 if form.errors else 200
    template = "reviews/task_form.html"
    if request.htmx:
        template += "#task-form"
    return render(request, template, context, status=status)


def _task_initial(task: Task) -> dict[str, Any]:
    return {
        "title": task.title,
        "description": task.description,
        "claims": list(task.claims.values_list("pk", flat=True)),
        "due_at": task.due_at,
        "priority": task.priority,
        "version": task.version,
    }


def _ids(query: QueryDict) -> list[int]:
    """Claim ids from ``?claims=1,2`` or ``?claims=1&claims=2``; anything else is ignored."""
    ids = []
    for raw in query.getlist("claims"):
        ids += [int(part) for part in raw.split(",") if part.strip().isdigit()]
    return ids


def _with_version(data: QueryDict, version: int) -> QueryDict:
    data = data.copy()
    data["version"] = str(version)
    return data
