"""Writes for the verification workflow: tasks (create, assign, move, edit, archive), comments
with @mentions, and clearance. Claim verdicts live in ``factcheck.claims.services``; when claims
change, :func:`workflow_after_claims` moves the tasks that follow them and refreshes clearance."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from factcheck import events
from factcheck.claims.models import Claim
from factcheck.claims.services import claims_start
from factcheck.drafts.models import Draft
from factcheck.errors import FactcheckError
from factcheck.history.services import (
    audit_record,
    changed_fields,
    lock_for_change,
    save_with_history,
)
from factcheck.newsrooms.access import (
    ROLE_CAPABILITIES,
    Capability,
    is_site_admin,
    require,
    role_in,
)
from factcheck.newsrooms.models import Membership
from factcheck.notifications.models import Notification
from factcheck.notifications.services import notify
from factcheck.prepared import Prepared
from factcheck.reviews import states
from factcheck.reviews.models import Comment, Task
from factcheck.reviews.selectors import (
    clearance_blockers,
    clearance_state,
)
from factcheck.text import short

if TYPE_CHECKING:
    from django.contrib.auth.models import User

T = Task.Status
MENTION = re.compile(r"(?<![\w@])@([\w.+-]{1,150})")

# The drafts whose clearance is due while a service that may change it several times runs (a
# task started with N claims, claims moving several tasks): the outermost such call refreshes
# each draft once, at its end, inside its transaction.
_clearance_due: ContextVar[dict[int, tuple[Draft, User | None]] | None] = ContextVar(
    "clearance_due", default=None
)


# --- Tasks ------------------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    draft: Draft,
    by: User | None,
    title: str,
    description: str = "",
    claims: Sequence[Claim] = (),
    assignee: User | None = None,
    due_at: datetime | None = None,
    priority: int = Task.Priority.NORMAL,
) -> Task:
    """Create a verification task on ``draft``; ``due_at`` defaults to the draft's deadline."""
    require(by=by, newsroom_id=draft.newsroom_id, capability=Capability.ASSIGN)
    if not title.strip():
        raise FactcheckError("Give the task a title, e.g. “F-16 vs F-15 discrepancy”.")
    foreign = [c for c in claims if c.draft_id != draft.pk]
    if foreign:
        raise FactcheckError("A task can only link claims of its own draft.")
    if assignee is not None:
        _require_member(assignee, draft.newsroom_id)
    task = Task.objects.create(
        draft=draft,
        title=title.strip()[:200],
        description=description.strip(),
        assignee=assignee,
        due_at=due_at or draft.deadline,
        priority=priority,
        created_by=by,
    )
    task.claims.set(claims)
    _audit(task, "created", by, f"Created task “{task.title}”", {"status": (None, task.status)})
    if assignee is not None:
        _notify_assigned(task, by)
        events.emit(events.TaskAssigned(task=task, by=by))
    draft_refresh_clearance(draft=draft, by=by)
    return task


def task_assign(
    *, task: Task, by: User | None, assignee: User | None, expected_version: int | None = None
) -> Task:
    with transaction.atomic():
        current = _locked(task, expected_version)
        require(by=by, newsroom_id=current.draft.newsroom_id, capability=Capability.ASSIGN)
        if assignee is not None:
            _require_member(assignee, current.draft.newsroom_id)
        changes = changed_fields(current, {"assignee": assignee})
        if not changes:
            return current
        who = assignee.get_username() if assignee else "nobody"
        current = _save(
            current, by, {"assignee": assignee}, changes, "assigned", f"Assigned to {who}"
        )
        if assignee is not None:
            _notify_assigned(current, by)
            events.emit(events.TaskAssigned(task=current, by=by))
    return current


def tasks_assign_bulk(
    *, tasks: Sequence[Task], by: User | None, assignee: User | None
) -> tuple[list[Task], list[tuple[Task, str]]]:
    done: list[Task] = []
    refused: list[tuple[Task, str]] = []
    for task in tasks:
        try:
            done.append(task_assign(task=task, by=by, assignee=assignee))
        except (FactcheckError, PermissionDenied) as exc:
            refused.append((task, str(exc)))
    return done, refused


def task_move(
    *, task: Task, by: User | None, to: str, expected_version: int | None = None, note: str = ""
) -> Task:
    """Move a task along the state machine (``states.MOVES``)."""
    with transaction.atomic(), _clearance_once():
        current = _locked(task, expected_version)
        needed = states.check_move(current.status, to)
        _require_task_mover(by, current, needed)
        current = _transition(current, to, by, note=note)
    return current


def task_update(
    *,
    task: Task,
    by: User | None,
    expected_version: int | None,
    title: str,
    description: str,
    due_at: datetime | None,
    priority: int,
    claims: Sequence[Claim] | None = None,
) -> Task:
    if not title.strip():
        raise FactcheckError("A task needs a title.")
    with transaction.atomic():
        current = _locked(task, expected_version)
        require(by=by, newsroom_id=current.draft.newsroom_id, capability=Capability.ASSIGN)
        values = {
            "title": title.strip()[:200],
            "description": description.strip(),
            "due_at": due_at,
            "priority": priority,
        }
        changes = changed_fields(current, values)
        if claims is not None:
            if any(c.draft_id != current.draft_id for c in claims):
                raise FactcheckError("A task can only link claims of its own draft.")
            before = sorted(current.claims.values_list("pk", flat=True))
            after = sorted(c.pk for c in claims)
            if before != after:
                current.claims.set(claims)
                changes["claims"] = (before, after)
        if not changes:
            return current
        current = _save(current, by, values, changes, "edited", "Edited task")
    return current


def task_archive(*, task: Task, by: User | None) -> Task:
    """Archive instead of delete: the task and its history stay, and it can be restored."""
    return _set_archived(task, by, archived=True)


def task_restore(*, task: Task, by: User | None) -> Task:
    return _set_archived(task, by, archived=False)


def _set_archived(task: Task, by: User | None, *, archived: bool) -> Task:
    with transaction.atomic():
        current = _locked(task, None)
        require(by=by, newsroom_id=current.draft.newsroom_id, capability=Capability.ASSIGN)
        if (current.archived_at is not None) == archived:
            return current
        value = timezone.now() if archived else None
        changes = {"archived_at": (current.archived_at, value)}
        action = "archived" if archived else "restored"
        current = _save(current, by, {"archived_at": value}, changes, action, action.capitalize())
        draft_refresh_clearance(draft=current.draft, by=by)
    return current


def _transition(task: Task, to: str, by: User | None, *, note: str = "") -> Task:
    before = task.status
    label = T(to).label.lower()
    summary = f"Moved from {T(before).label.lower()} to {label}" + (f": {note}" if note else "")
    task = _save(task, by, {"status": to}, {"status": (before, to)}, "status", summary)
    if to == T.IN_PROGRESS:
        # Work has started on the task's claims.
        claims_start(claims=task.claims.filter(status=Claim.Status.UNCHECKED), by=by)
    if to == T.IN_REVIEW:
        editors = _members(task.draft.newsroom_id, Capability.APPROVE)
        notify(
            users=[task.created_by, *editors],
            kind=Notification.Kind.IN_REVIEW,
            message=f"Task “{task.title}” is ready for review",
            url=task.get_absolute_url(),
            actor=by,
            newsroom_id=task.draft.newsroom_id,
            draft_id=task.draft_id,
        )
    if before == T.IN_REVIEW and to == T.IN_PROGRESS:
        notify(
            users=[task.assignee],
            kind=Notification.Kind.SENT_BACK,
            message=f"Task “{task.title}” was sent back" + (f": {note}" if note else ""),
            url=task.get_absolute_url(),
            actor=by,
            newsroom_id=task.draft.newsroom_id,
            draft_id=task.draft_id,
        )
    draft_refresh_clearance(draft=task.draft, by=by)
    return task


# --- Claims drive their tasks -----------------------------------------------------------------


def on_claims_changed(event: events.ClaimsChanged) -> None:
    workflow_after_claims(claims=event.claims, by=event.by, locked_draft=event.locked_draft)


def workflow_after_claims(
    *, claims: Iterable[Claim], by: User | None, locked_draft: Draft | None = None
) -> None:
    """After claims change: a task whose claims all have proposals goes to review; one whose
    claims are all approved or dismissed is done; then the draft's clearance is refreshed.

    Claims that are all unchecked now (marked, restored) move no task on and can only block
    the draft: nothing to do for tasks, and with ``locked_draft`` (their draft, read under its
    row lock in this transaction) the clearance is refreshed only if the draft was cleared."""
    claims = list(claims)
    if not claims:
        return
    only_blocking = all(claim.status == Claim.Status.UNCHECKED for claim in claims)
    with _clearance_once():
        if not only_blocking:
            _tasks_follow(claims, by)
        if only_blocking and locked_draft is not None and locked_draft.cleared_at is None:
            return
        draft_refresh_clearance(draft=claims[0].draft, by=by)


# Compiled once (factcheck.prepared): every click that changes a claim runs them.
_DRAFT_LOCKED = Prepared(
    lambda draft: Draft.objects.select_for_update().filter(pk=draft).order_by()
)
_CLAIM_TASK_IDS = Prepared(
    lambda claim: Task.claims.through.objects.filter(claim_id=claim).values_list("task_id")
)


def _tasks_follow(claims: list[Claim], by: User | None) -> None:
    # Most claims a click changes are in no task: one look at the link table says so.
    if len(claims) == 1:  # a click: the query every click on a claim runs, prepared
        task_ids = {task_id for (task_id,) in _CLAIM_TASK_IDS.rows(claim=claims[0].pk)}
    else:
        in_tasks = Task.claims.through.objects.filter(claim_id__in=[c.pk for c in claims])
        task_ids = set(in_tasks.values_list("task_id", flat=True))
    if not task_ids:
        return
    tasks = (
        Task.objects.filter(pk__in=task_ids, archived_at__isnull=True)
        .exclude(status=T.DONE)
        .select_related("draft")
    )
    for task in tasks:
        statuses = set(task.claims.values_list("status", flat=True))
        if not statuses:
            continue
        locked = Task.objects.select_for_update().select_related("draft").get(pk=task.pk)
        settled = {Claim.Status.APPROVED, Claim.Status.DISMISSED}
        if locked.status in (T.OPEN, T.IN_PROGRESS) and statuses <= settled | {
            Claim.Status.PROPOSED
        }:
            locked = _transition(locked, T.IN_REVIEW, by)
        if locked.status == T.IN_REVIEW and statuses <= settled:
            locked = _transition(locked, T.DONE, by)


# --- Clearance --------------------------------------------------------------------------------


@contextmanager
def _clearance_once() -> Iterator[None]:
    """Defer :func:`draft_refresh_clearance` to the end of the outermost such block."""
    if _clearance_due.get() is not None:
        yield
        return
    due: dict[int, tuple[Draft, User | None]] = {}
    token = _clearance_due.set(due)
    try:
        yield
    finally:
        _clearance_due.reset(token)
    for draft, by in due.values():
        _refresh_clearance(draft, by)


def draft_refresh_clearance(*, draft: Draft, by: User | None) -> Draft:
    """Clear the draft when its last blocker goes; unclear it when a blocker comes back.

    Only a draft with work on it clears by itself; one with no claims and no tasks waits for an
    editor's explicit :func:`draft_clear`. Inside a service that may change the draft several
    times, the refresh runs once, at that service's end (and the draft is returned as it is).
    """
    due = _clearance_due.get()
    if due is not None:
        due[draft.pk] = (draft, by)
        return draft
    return _refresh_clearance(draft, by)


def _refresh_clearance(draft: Draft, by: User | None) -> Draft:
    # The lock, then the state under it: two clicks that each settle a draft's last-but-one
    # blocker queue here, and the second sees the first's change.
    (locked,) = _DRAFT_LOCKED(draft=draft.pk)
    blocked, has_work = clearance_state(locked)
    if not blocked and locked.cleared_at is None and has_work:
        return _set_cleared(locked, by, cleared=True)
    if blocked and locked.cleared_at is not None:
        return _set_cleared(locked, by, cleared=False, why=clearance_blockers(locked)[0].text)
    return locked


@transaction.atomic
def draft_clear(*, draft: Draft, by: User | None) -> Draft:
    """An editor clears the draft for publication; refused while anything blocks it."""
    locked = Draft.objects.select_for_update().get(pk=draft.pk)
    require(by=by, newsroom_id=locked.newsroom_id, capability=Capability.CLEAR)
    blockers = clearance_blockers(locked)
    if blockers:
        raise FactcheckError(
            f"The draft cannot be cleared: {len(blockers)} blocker(s) remain, "
            f"first: {blockers[0].text}"
        )
    if locked.cleared_at is not None:
        return locked
    return _set_cleared(locked, by, cleared=True)


def _set_cleared(draft: Draft, by: User | None, *, cleared: bool, why: str = "") -> Draft:
    before = draft.cleared_at
    draft.cleared_at = timezone.now() if cleared else None
    draft.cleared_by = by if cleared else None
    draft.version += 1
    draft.save(update_fields=["cleared_at", "cleared_by", "version", "updated_at"])
    audit_record(
        obj=draft,
        action="cleared" if cleared else "uncleared",
        actor=by,
        summary="Cleared for publication" if cleared else f"Clearance withdrawn: {why}",
        newsroom_id=draft.newsroom_id,
        draft_id=draft.pk,
        changes={"cleared_at": (before, draft.cleared_at)},
    )
    events.emit(events.DraftClearanceChanged(draft=draft, by=by, cleared=cleared, why=why))
    return draft


# --- Comments ---------------------------------------------------------------------------------


@transaction.atomic
def comment_add(
    *, by: User, body: str, task: Task | None = None, claim: Claim | None = None
) -> Comment:
    """Comment on a task or a claim; ``@username`` of a newsroom member notifies them."""
    if (task is None) == (claim is None):
        raise FactcheckError("A comment belongs to one task or one claim.")
    subject: Any = task or claim
    draft = subject.draft
    require(by=by, newsroom_id=draft.newsroom_id, capability=Capability.COMMENT)
    if not body.strip():
        raise FactcheckError("The comment is empty.")
    comment = Comment.objects.create(
        draft=draft, task=task, claim=claim, author=by, body=body.strip()
    )
    names = set(MENTION.findall(comment.body))
    mentioned = list(
        get_user_model().objects.filter(
            username__in=names, memberships__newsroom_id=draft.newsroom_id
        )
    )
    comment.mentions.set(mentioned)
    if task is not None:
        where, url = f"task “{task.title}”", task.get_absolute_url()
    else:
        assert claim is not None  # one of the two, checked above
        where, url = f"claim “{short(claim.text, 60)}”", claim.get_absolute_url()
    audit_record(
        obj=comment,
        action="commented",
        actor=by,
        summary=f"Commented on {where}",
        newsroom_id=draft.newsroom_id,
        draft_id=draft.pk,
    )
    notify(
        users=mentioned,
        kind=Notification.Kind.MENTIONED,
        message=f"{by.get_username()} mentioned you on {where}",
        url=url,
        actor=by,
        newsroom_id=draft.newsroom_id,
        draft_id=draft.pk,
    )
    return comment


# --- Helpers ----------------------------------------------------------------------------------


def _locked(task: Task, expected_version: int | None) -> Task:
    return lock_for_change(
        Task.objects.select_related("draft"),
        task.pk,
        expected_version=expected_version,
        now=lambda t: f"{t.get_status_display()}, assigned to {t.assignee or 'nobody'}",
    )


def _save(
    task: Task,
    by: User | None,
    values: dict[str, Any],
    changes: dict[str, tuple[Any, Any]],
    action: str,
    summary: str,
) -> Task:
    return save_with_history(
        task,
        by=by,
        values=values,
        changes=changes,
        action=action,
        summary=f"Task “{task.title}”: {summary}",
        newsroom_id=task.draft.newsroom_id,
        draft_id=task.draft_id,
    )


def _audit(
    task: Task, action: str, by: User | None, summary: str, changes: dict[str, Any] | None
) -> None:
    audit_record(
        obj=task,
        action=action,
        actor=by,
        summary=summary,
        newsroom_id=task.draft.newsroom_id,
        draft_id=task.draft_id,
        changes=changes,
    )


def _notify_assigned(task: Task, by: User | None) -> None:
    due = f", due {timezone.localtime(task.due_at):%d %b %H:%M}" if task.due_at else ""
    notify(
        users=[task.assignee],
        kind=Notification.Kind.ASSIGNED,
        message=f"You were assigned “{task.title}”{due}",
        url=task.get_absolute_url(),
        actor=by,
        newsroom_id=task.draft.newsroom_id,
        draft_id=task.draft_id,
    )


def _require_task_mover(by: User | None, task: Task, capability: Capability) -> None:
    """``states.mover_refusal`` for ``by``; site admins and the system move anyone's task."""
    if by is None or is_site_admin(by):
        return
    role = role_in(by, task.draft.newsroom_id)
    refusal = states.mover_refusal(
        role=role, capability=capability, assignee=task.assignee_id == by.pk
    )
    if refusal is not None:
        raise PermissionDenied(refusal)


def _require_member(user: User, newsroom_id: int) -> None:
    if not Membership.objects.filter(user=user, newsroom_id=newsroom_id).exists():
        raise FactcheckError(f"{user.get_username()} is not a member of this newsroom.")


def _members(newsroom_id: int, capability: Capability) -> list[User]:
    roles = [r for r, caps in ROLE_CAPABILITIES.items() if capability in caps]
    return list(
        get_user_model().objects.filter(
            memberships__newsroom_id=newsroom_id, memberships__role__in=roles
        )
    )
