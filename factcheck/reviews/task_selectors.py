"""Reads for the task page, the claim page, the draft page's task list and My tasks.

Each page's data comes from a fixed number of queries, whatever the number of claims, comments,
history entries or tasks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Case, CharField, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from factcheck.claims import states as claim_states
from factcheck.claims.models import Claim
from factcheck.drafts.models import Draft, Sentence
from factcheck.history.models import AuditEntry
from factcheck.newsrooms.access import Capability, newsrooms_for, role_can
from factcheck.newsrooms.models import Role
from factcheck.reviews import states as task_states
from factcheck.reviews.models import Comment, Task
from factcheck.reviews.services import MENTION

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


# --- Shared pieces ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryRow:
    """One audit entry as the timeline shows it: who, what, when, before → after."""

    actor: str
    summary: str
    at: datetime
    changes: list[Change]


@dataclass(frozen=True)
class CommentView:
    author: str
    at: datetime
    html: SafeString  # the body, escaped, with @mentions of members highlighted


def history(object_type: str, object_id: int) -> list[HistoryRow]:
    """The audit entries of one object, newest first (one query)."""
    entries = AuditEntry.objects.filter(object_type=object_type, object_id=object_id)
    return [
        HistoryRow(
            actor=entry.actor.get_username() if entry.actor else "system",
            summary=entry.summary,
            at=entry.created_at,
            changes=[
                Change(name.replace("_", " "), _display(name, pair[0]), _display(name, pair[1]))
                for name, pair in entry.changes.items()
                if isinstance(pair, list) and len(pair) == 2
            ],
        )
        for entry in entries.select_related("actor").order_by("-created_at", "-id")
    ]


def comments(subject: Q) -> list[CommentView]:
    """The comments matching ``subject`` (``Q(task=…)`` or ``Q(claim=…)``), oldest first."""
    rows = Comment.objects.filter(subject).select_related("author").prefetch_related("mentions")
    return [
        CommentView(
            author=c.author.get_username() if c.author else "a former member",
            at=c.created_at,
            html=mention_html(c.body, {u.get_username() for u in c.mentions.all()}),
        )
        for c in rows.order_by("created_at", "id")
    ]


def mention_html(body: str, names: set[str]) -> SafeString:
    """``body`` escaped, with each ``@name`` of ``names`` wrapped in ``<mark class="mention">``."""
    parts: list[str] = []
    last = 0
    for match in MENTION.finditer(body):
        if match.group(1) not in names:
            continue
        parts.append(escape(body[last : match.start()]))
        parts.append(format_html('<mark class="mention">@{}</mark>', match.group(1)))
        last = match.end()
    parts.append(escape(body[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


def newsroom_members(newsroom_id: int) -> QuerySet[User]:
    """The newsroom's active members, checkers first, each with ``role`` and ``role_label``."""
    return (
        get_user_model()
        .objects.filter(memberships__newsroom_id=newsroom_id, is_active=True)
        .annotate(role=F("memberships__role"))
        .annotate(
            role_label=Case(
                *(When(role=value, then=Value(label)) for value, label in Role.choices),
                default=F("role"),
                output_field=CharField(),
            ),
            checker_first=Case(
                When(role=Role.CHECKER, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("checker_first", "username")
    )


def _display(name: str, value: Any) -> str:
    """An audit value as a person reads it: labels for choices, local times for datetimes."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    choices: dict[str, Any] = {
        "status": {**dict(Task.Status.choices), **dict(Claim.Status.choices)},
        "verdict": dict(Claim.Verdict.choices),
        "priority": dict(Task.Priority.choices),
    }
    if name in choices:
        return str(choices[name].get(value, value))
    if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" and value[10:11] == "T":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "j M Y H:i")
    return str(value)


# --- The task page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    to: str
    label: str


@dataclass
class TaskPage:
    task: Task
    claims: list[Claim]
    comments: list[CommentView]
    history: list[HistoryRow]
    moves: list[Move]
    members: list[User]
    can_assign: bool  # assign, edit, archive and restore
    can_comment: bool
    note_useful: bool = False  # a move that reads better with a note (sending back) is offered
    extra: dict[str, Any] = field(default_factory=dict)


def task_moves(task: Task, user: User | AnonymousUser, role: str | None) -> list[Move]:
    """The moves out of the task's status that ``user`` may make: the service's rule
    (``reviews.states.mover_refusal``), checkers move only their own tasks."""
    if task.archived_at is not None:
        return []
    assignee = task.assignee_id == user.pk
    return [
        Move(target, label)
        for target, capability, label in task_states.moves_from(task.status)
        if task_states.mover_refusal(role=role, capability=capability, assignee=assignee) is None
    ]


def task_page(task: Task, user: User | AnonymousUser, role: str | None) -> TaskPage:
    """Everything the task page shows; ``role``: the user's role in the task's newsroom (what
    ``get_task_for_user`` returns with the task)."""
    can_assign = role_can(role, Capability.ASSIGN)
    moves = task_moves(task, user, role)
    return TaskPage(
        task=task,
        claims=list(task.claims.order_by("start", "end", "pk")),
        comments=comments(Q(task=task)),
        history=history("task", task.pk),
        moves=moves,
        members=list(newsroom_members(task.draft.newsroom_id)) if can_assign else [],
        can_assign=can_assign,
        can_comment=role_can(role, Capability.COMMENT),
        note_useful=task.status == Task.Status.IN_REVIEW and bool(moves),
    )


def draft_tasks(draft: Draft) -> list[Task]:
    """The draft's live tasks with their assignee and number of claims (one query)."""
    return list(
        Task.objects.filter(draft=draft, archived_at__isnull=True)
        .select_related("assignee")
        .annotate(claim_count=Count("claims"))
        .order_by(F("due_at").asc(nulls_last=True), "-priority", "id")
    )


# --- My tasks ---------------------------------------------------------------------------------

# The status filter on My tasks: value → (label, statuses shown).
MY_TASK_FILTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "": ("Not done", (Task.Status.OPEN, Task.Status.IN_PROGRESS, Task.Status.IN_REVIEW)),
    Task.Status.OPEN: ("Open", (Task.Status.OPEN,)),
    Task.Status.IN_PROGRESS: ("In progress", (Task.Status.IN_PROGRESS,)),
    Task.Status.IN_REVIEW: ("In review", (Task.Status.IN_REVIEW,)),
    Task.Status.DONE: ("Done", (Task.Status.DONE,)),
}


def my_tasks(user: User | AnonymousUser, status: str = "") -> QuerySet[Task]:
    """The user's assigned, unarchived tasks in their newsrooms, soonest due first (no due
    time last). ``status`` is a key of :data:`MY_TASK_FILTERS`; unknown values mean the default."""
    statuses = MY_TASK_FILTERS.get(status, MY_TASK_FILTERS[""])[1]
    if not user.is_authenticated:
        return Task.objects.none()
    return (
        Task.objects.filter(
            assignee=user,
            archived_at__isnull=True,
            status__in=statuses,
            draft__newsroom__in=newsrooms_for(user),
        )
        .select_related("draft__newsroom")
        .order_by(F("due_at").asc(nulls_last=True), "-priority", "id")
    )


# --- The claim page ---------------------------------------------------------------------------


@dataclass
class ClaimContext:
    """The claim's sentence between its neighbours, the claimed span cut out of it."""

    before_sentence: str
    lead: str
    span: str
    tail: str
    after_sentence: str


@dataclass
class ClaimPage:
    claim: Claim
    context: ClaimContext
    links: list[Any]
    tasks: list[Task]
    comments: list[CommentView]
    history: list[HistoryRow]
    can_propose: bool
    can_review: bool  # approve or send back
    can_mark: bool  # edit wording, dismiss, restore
    can_assign: bool  # create a task for it
    can_comment: bool


def claim_page(claim: Claim, role: str | None) -> ClaimPage:
    """Everything the claim page shows; ``role``: the user's role in the claim's newsroom (what
    ``get_claim_for_user`` returns with the claim)."""
    status = claim.status
    sentence = claim.sentence
    text = claim.revision.text
    neighbours = {
        s.index: text[s.start : s.end]
        for s in Sentence.objects.filter(
            revision_id=claim.revision_id, index__in=[sentence.index - 1, sentence.index + 1]
        )
    }
    S = Claim.Status
    return ClaimPage(
        claim=claim,
        context=ClaimContext(
            before_sentence=neighbours.get(sentence.index - 1, ""),
            lead=text[sentence.start : claim.start],
            span=text[claim.start : claim.end],
            tail=text[claim.end : sentence.end],
            after_sentence=neighbours.get(sentence.index + 1, ""),
        ),
        links=list(claim.links.select_related("added_by")),
        tasks=list(
            claim.tasks.filter(archived_at__isnull=True)
            .select_related("assignee")
            .order_by(F("due_at").asc(nulls_last=True), "id")
        ),
        comments=comments(Q(claim=claim)),
        history=history("claim", claim.pk),
        can_propose=role_can(role, Capability.PROPOSE_VERDICT)
        and (status, S.PROPOSED) in claim_states.MOVES,
        can_review=role_can(role, Capability.APPROVE) and status == S.PROPOSED,
        can_mark=role_can(role, Capability.MARK_CLAIMS),
        can_assign=role_can(role, Capability.ASSIGN),
        can_comment=role_can(role, Capability.COMMENT),
    )
