"""The review queue: everything that waits on an editor, as one list of mixed rows.

Each kind of row comes from a :class:`Source`: a ``.values()`` queryset projecting the same
columns (:data:`COLUMNS`) and a fetch of one page's objects. The sources' querysets are combined
with ``UNION ALL``, then ordered, counted and sliced in the database; each source then loads its
rows of the page in one query. So the page costs the same number of queries whether a thousand
or a hundred thousand items wait. A new kind of row is one more entry in :data:`SOURCES` (open
findings were the third).

Plain reads only; the actions call ``claims.services`` and ``reviews.services``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import (
    CharField,
    DateTimeField,
    F,
    IntegerField,
    OrderBy,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from factcheck.claims.models import Claim
from factcheck.drafts.models import Draft
from factcheck.insights.models import Finding
from factcheck.newsrooms.access import Capability, newsrooms_where
from factcheck.prepared import fresh_plans
from factcheck.reviews.models import Task
from factcheck.text import short

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

PER_PAGE = 50

# The columns every source projects, in this order (a UNION matches columns by position).
# Prefixed, so that no name collides with a model field of any source.
COLUMNS = (
    "q_kind",  # the source's kind: "claim", "task", "finding"
    "q_id",
    "q_draft",
    "q_text",  # the claim's wording, the task's title, the finding's summary — what
    "q_status",
    "q_who",  # user id: who proposed the verdict, who the task is assigned to
    "q_due",  # the task's due time; a claim's is its draft's deadline
    "q_priority",  # tasks only (claims: NULL)
    "q_since",  # waiting since: when the verdict was proposed, when the task last changed
    "q_draft_title",
)

# The choices of the filter form. The first of each is the default.
SHOW = {
    "": "Everything",
    "verdicts": "Proposed verdicts",
    "changed": "Changed since checked",
    "review": "Tasks in review",
    "overdue": "Overdue tasks",
    "findings": "Open findings",
}
DUE = {
    "": "Any time",
    "overdue": "Overdue",
    "today": "Due later today",
    "week": "Due in the next 7 days",
    "none": "No due time",
}
SORTS: dict[str, tuple[str, tuple[OrderBy, ...]]] = {
    "due": (
        "Due soonest",
        (
            F("q_due").asc(nulls_last=True),
            F("q_priority").desc(nulls_last=True),
            F("q_since").asc(),
        ),
    ),
    "waiting": ("Waiting longest", (F("q_since").asc(),)),
    "recent": ("Most recently updated", (F("q_since").desc(),)),
    "priority": (
        "Highest priority",
        (F("q_priority").desc(nulls_last=True), F("q_due").asc(nulls_last=True)),
    ),
    "draft": ("Draft", (F("q_draft_title").asc(), F("q_due").asc(nulls_last=True))),
}
# Ties end in (kind, id), so paging through equal keys neither repeats nor skips a row.
TIEBREAK = (F("q_kind").asc(), F("q_id").asc())
NONE = "none"  # the assignee filter's value for "nobody"


@dataclass(frozen=True)
class QueueFilters:
    """What the editor asked for, already checked: unknown values fall back to the default."""

    draft: int | None = None
    who: int | str | None = None  # a user id, NONE, or None for anyone
    show: str = ""
    due: str = ""
    sort: str = "due"
    page: int = 1

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> QueueFilters:
        who: int | str | None = _int(query.get("who"))
        if query.get("who") == NONE:
            who = NONE
        return cls(
            draft=_int(query.get("draft")),
            who=who,
            show=_choice(query.get("show"), SHOW),
            due=_choice(query.get("due"), DUE),
            sort=_choice(query.get("sort"), SORTS),
            page=max(1, _int(query.get("page")) or 1),
        )

    def query(self, **override: Any) -> str:
        """The filters as a query string (without defaults), e.g. for page links."""
        values = {
            "draft": self.draft,
            "who": self.who,
            "show": self.show,
            "due": self.due,
            "sort": self.sort,
            "page": self.page,
        }
        values.update(override)
        defaults = {"sort": "due", "page": 1}
        return urlencode(
            {k: v for k, v in values.items() if v not in (None, "") and defaults.get(k) != v}
        )

    @property
    def active(self) -> bool:
        return bool(self.draft or self.who or self.show or self.due)


@dataclass(frozen=True)
class QueueRow:
    """One row as the queue shows it, built from the row's object."""

    kind: str
    obj: Any  # Claim | Task | Finding
    text: str
    status: str
    status_label: str
    who: User | None
    who_label: str  # "proposed by" / "assigned to"
    due: datetime | None
    priority_label: str
    since: datetime | None
    verdict_label: str = ""
    note: str = ""  # a claim's last send-back note
    overdue: bool = False
    waits: bool = True  # still waiting on an editor (False once approved, done, sent back)
    # "approve", "send_back", "done", "task_send_back", "finding_task", "finding_dismiss"
    actions: tuple[str, ...] = ()
    error: str = ""  # why the editor's last action on the row was refused
    kept_note: str = ""  # the send-back note of a refused action, to send again
    task: Task | None = None  # a finding's task, once it is one
    # A claim whose words a new version changed: the wording the verdict was about (its new one
    # is ``text``), so the editor sees both before approving again; "" otherwise.
    checked_text: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.obj.pk}"

    @cached_property
    def short_text(self) -> str:
        return short(self.text, 160)

    @cached_property
    def label(self) -> str:
        """The row's text, short enough for a control's label."""
        return short(self.text, 60)

    @property
    def token(self) -> str:
        """What a checkbox sends: kind, id and the version the editor saw."""
        return f"{self.kind}:{self.obj.pk}:{self.obj.version}"

    @property
    def draft(self) -> Draft:
        draft: Draft = self.obj.draft
        return draft

    @property
    def url(self) -> str:
        url: str = self.obj.get_absolute_url()
        return url


@dataclass(frozen=True)
class Source:
    """One kind of row: the queryset projecting :data:`COLUMNS` (None when the filters exclude
    the kind) and the fetch of a page's objects by id."""

    kind: str
    rows: Callable[[QueueScope, QueueFilters, datetime], QuerySet[Any] | None]
    fetch: Callable[[Iterable[int], datetime], dict[int, QueueRow]]


@dataclass
class QueuePage:
    rows: list[QueueRow]
    page: Page[Any]
    filters: QueueFilters
    drafts: list[Draft] = field(default_factory=list)
    members: list[User] = field(default_factory=list)

    @property
    def count(self) -> int:
        return self.page.paginator.count


# --- Scope ------------------------------------------------------------------------------------


def queue_newsroom_ids(user: User | AnonymousUser) -> list[int]:
    """The newsrooms whose work waits on ``user``: those where they may approve."""
    return list(newsrooms_where(user, Capability.APPROVE).values_list("pk", flat=True))


def _scope(newsroom_ids: list[int]) -> Q:
    # Work on an archived draft waits on nobody.
    return Q(draft__newsroom_id__in=newsroom_ids, draft__archived_at__isnull=True)


@dataclass(frozen=True)
class QueueScope:
    """Where the queue looks: the newsrooms where the editor approves and their live drafts
    (which the draft filter offers too)."""

    newsroom_ids: list[int]
    drafts: list[Draft]

    @classmethod
    def of(cls, newsroom_ids: list[int]) -> QueueScope:
        """The scope of ``newsroom_ids``: one query, for the drafts."""
        return cls(newsroom_ids, queue_drafts(newsroom_ids))

    @property
    def draft_ids(self) -> list[int]:
        return [draft.pk for draft in self.drafts]


# --- The sources ------------------------------------------------------------------------------


def _due_q(name: str, window: str, now: datetime) -> Q:
    if window == "overdue":
        return Q(**{f"{name}__lt": now})
    if window == "today":
        tomorrow = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        return Q(**{f"{name}__gte": now, f"{name}__lt": tomorrow + timedelta(days=1)})
    if window == "week":
        return Q(**{f"{name}__gte": now, f"{name}__lt": now + timedelta(days=7)})
    if window == "none":
        return Q(**{f"{name}__isnull": True})
    return Q()


def _common_q(filters: QueueFilters, who: str, due: str, now: datetime) -> Q:
    q = _due_q(due, filters.due, now)
    if filters.draft is not None:
        q &= Q(draft_id=filters.draft)
    if filters.who == NONE:
        q &= Q(**{f"{who}__isnull": True})
    elif filters.who is not None:
        q &= Q(**{who: filters.who})
    return q


def _claim_rows(scope: QueueScope, filters: QueueFilters, now: datetime) -> QuerySet[Any] | None:
    if filters.show not in ("", "verdicts", "changed"):
        return None
    claims = Claim.objects.filter(_scope(scope.newsroom_ids), status=Claim.Status.PROPOSED)
    if filters.show == "changed":
        # A new version changed the words a verdict was given on (its verdict went back to
        # proposed): the queue's "changed since checked".
        claims = claims.filter(changed_since_checked=True)
    return (
        claims.exclude(anchor=Claim.Anchor.ARCHIVED)  # its sentence is gone: nothing to review
        .filter(_common_q(filters, "proposed_by_id", "draft__deadline", now))
        .order_by()
        .values(
            q_kind=Value("claim", output_field=CharField()),
            q_id=F("pk"),
            q_draft=F("draft_id"),
            q_text=F("text"),
            q_status=F("status"),
            q_who=F("proposed_by_id"),
            q_due=F("draft__deadline"),
            q_priority=Value(None, output_field=IntegerField()),
            q_since=Coalesce("proposed_at", "updated_at", output_field=DateTimeField()),
            q_draft_title=F("draft__title"),
        )
    )


def _task_waits_q(now: datetime) -> Q:
    return Q(status=Task.Status.IN_REVIEW) | _task_overdue_q(now)


def _task_overdue_q(now: datetime) -> Q:
    return Q(due_at__lt=now) & ~Q(status=Task.Status.DONE)


def _task_rows(scope: QueueScope, filters: QueueFilters, now: datetime) -> QuerySet[Any] | None:
    if filters.show not in ("", "review", "overdue"):
        return None
    which = {
        "": _task_waits_q(now),
        "review": Q(status=Task.Status.IN_REVIEW),
        "overdue": _task_overdue_q(now),
    }[filters.show]
    return (
        Task.objects.filter(_scope(scope.newsroom_ids), which, archived_at__isnull=True)
        .filter(_common_q(filters, "assignee_id", "due_at", now))
        .order_by()
        .values(
            q_kind=Value("task", output_field=CharField()),
            q_id=F("pk"),
            q_draft=F("draft_id"),
            q_text=F("title"),
            q_status=F("status"),
            q_who=F("assignee_id"),
            q_due=F("due_at"),
            q_priority=F("priority"),
            q_since=F("updated_at"),
            q_draft_title=F("draft__title"),
        )
    )


def _finding_rows(scope: QueueScope, filters: QueueFilters, now: datetime) -> QuerySet[Any] | None:
    if filters.show not in ("", "findings"):
        return None
    # An open finding waits on nobody in particular: decided_by is empty until it is settled,
    # so the assignee filter keeps it for "nobody" and drops it for anyone named.
    # The drafts' ids as well as the join: the (status, draft) index then answers alone. Without
    # them, while the findings' statistics lag behind new rows (drafts just analysed), PostgreSQL
    # joins every open finding of every newsroom to the drafts one by one: 8 ms of each of the
    # page's two UNION queries, with 900 open findings in other newsrooms.
    return (
        Finding.objects.filter(
            _scope(scope.newsroom_ids), draft_id__in=scope.draft_ids, status=Finding.Status.OPEN
        )
        .filter(_common_q(filters, "decided_by_id", "draft__deadline", now))
        .order_by()
        .values(
            q_kind=Value("finding", output_field=CharField()),
            q_id=F("pk"),
            q_draft=F("draft_id"),
            q_text=Concat("summary", Value(" — "), "what", output_field=CharField()),
            q_status=F("status"),
            q_who=F("decided_by_id"),
            q_due=F("draft__deadline"),
            q_priority=Value(None, output_field=IntegerField()),
            q_since=F("created_at"),
            q_draft_title=F("draft__title"),
        )
    )


def claim_row(claim: Claim, now: datetime | None = None) -> QueueRow:
    now = now or timezone.now()
    waits = claim.status == Claim.Status.PROPOSED
    deadline = claim.draft.deadline
    return QueueRow(
        kind="claim",
        obj=claim,
        text=claim.text,
        status=claim.status,
        status_label=claim.get_status_display(),
        who=claim.proposed_by,
        who_label="proposed by",
        due=deadline,
        priority_label="",
        since=claim.proposed_at or claim.updated_at,
        verdict_label=claim.get_verdict_display() if claim.verdict else "",
        note=claim.review_note,
        overdue=waits and deadline is not None and deadline < now,
        waits=waits,
        actions=("approve", "send_back") if waits else (),
        checked_text=claim.checked_text if claim.changed_since_checked else "",
    )


def task_row(task: Task, now: datetime | None = None) -> QueueRow:
    now = now or timezone.now()
    in_review = task.status == Task.Status.IN_REVIEW and task.archived_at is None
    overdue = (
        task.due_at is not None
        and task.due_at < now
        and task.status != Task.Status.DONE
        and task.archived_at is None
    )
    return QueueRow(
        kind="task",
        obj=task,
        text=task.title,
        status=task.status,
        status_label="Archived" if task.archived_at else task.get_status_display(),
        who=task.assignee,
        who_label="assigned to",
        due=task.due_at,
        priority_label=task.get_priority_display(),
        since=task.updated_at,
        overdue=overdue,
        waits=in_review or overdue,
        actions=("done", "task_send_back") if in_review else (),
    )


def finding_row(finding: Finding, now: datetime | None = None) -> QueueRow:
    now = now or timezone.now()
    waits = finding.status == Finding.Status.OPEN and finding.draft.archived_at is None
    deadline = finding.draft.deadline
    text = f"{finding.summary} — {finding.what}" if finding.what else finding.summary
    return QueueRow(
        kind="finding",
        obj=finding,
        text=text,
        status=finding.status,
        status_label=finding.get_status_display(),
        who=None,
        who_label="",
        due=deadline,
        priority_label="",
        since=finding.created_at,
        overdue=waits and deadline is not None and deadline < now,
        waits=waits,
        actions=("finding_task", "finding_dismiss") if waits else (),
        task=finding.task,
    )


# The fetches are unordered (``order_by()``): the page keeps the UNION's order, and the models'
# default orderings would join revisions, drafts or sentences for nothing.


def _fetch_claims(ids: Iterable[int], now: datetime) -> dict[int, QueueRow]:
    claims = Claim.objects.filter(pk__in=list(ids)).select_related("draft", "proposed_by")
    return {c.pk: claim_row(c, now) for c in claims.order_by()}


def _fetch_tasks(ids: Iterable[int], now: datetime) -> dict[int, QueueRow]:
    tasks = Task.objects.filter(pk__in=list(ids)).select_related("draft", "assignee")
    return {t.pk: task_row(t, now) for t in tasks.order_by()}


def _fetch_findings(ids: Iterable[int], now: datetime) -> dict[int, QueueRow]:
    findings = Finding.objects.filter(pk__in=list(ids)).select_related("draft", "task")
    return {f.pk: finding_row(f, now) for f in findings.order_by()}


SOURCES: dict[str, Source] = {
    "claim": Source("claim", _claim_rows, _fetch_claims),
    "task": Source("task", _task_rows, _fetch_tasks),
    "finding": Source("finding", _finding_rows, _fetch_findings),
}


# --- The page ---------------------------------------------------------------------------------


def queue_rows(
    scope: QueueScope, filters: QueueFilters, now: datetime | None = None
) -> QuerySet[Any]:
    """Every waiting row as dicts of :data:`COLUMNS`, ordered: one UNION ALL query."""
    now = now or timezone.now()
    parts = [q for s in SOURCES.values() if (q := s.rows(scope, filters, now)) is not None]
    combined = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:], all=True)
    return combined.order_by(*SORTS[filters.sort][1], *TIEBREAK)


def queue_count(newsroom_ids: list[int], filters: QueueFilters, now: datetime | None = None) -> int:
    """How many rows wait, as the queue page counts them: two queries (the scope's drafts, the
    count)."""
    return queue_rows(QueueScope.of(newsroom_ids), filters, now).order_by().count()


def queue_page(
    *,
    newsroom_ids: list[int],
    filters: QueueFilters,
    now: datetime | None = None,
    per_page: int = PER_PAGE,
) -> QueuePage:
    """One page of the queue with its filter choices, in a fixed number of queries: the drafts
    (the scope), the count, the page's slice of the UNION, one fetch per kind on the page, and
    the members."""
    now = now or timezone.now()
    scope = QueueScope.of(newsroom_ids)
    paginator = Paginator(queue_rows(scope, filters, now), per_page)
    # The count and the slice are planned for their own values (see fresh_plans).
    with fresh_plans():
        page = paginator.get_page(filters.page)
        page.object_list = list(page.object_list)
    wanted: dict[str, list[int]] = {}
    for values in page.object_list:
        wanted.setdefault(values["q_kind"], []).append(values["q_id"])
    fetched = {kind: SOURCES[kind].fetch(ids, now) for kind, ids in wanted.items()}
    # An item changed between the UNION and the fetch is still shown (in its new state).
    rows = [
        row
        for values in page.object_list
        if (row := fetched[values["q_kind"]].get(values["q_id"])) is not None
    ]
    return QueuePage(
        rows=rows,
        page=page,
        filters=filters,
        drafts=scope.drafts,
        members=queue_members(newsroom_ids),
    )


def queue_drafts(newsroom_ids: list[int]) -> list[Draft]:
    """The drafts the filter offers (one query)."""
    return list(
        Draft.objects.filter(newsroom_id__in=newsroom_ids, archived_at__isnull=True)
        .order_by("title", "pk")
        .only("pk", "title")
    )


def queue_members(newsroom_ids: list[int]) -> list[User]:
    """The members of the editor's newsrooms: the assignee filter and the bulk assignee."""
    return list(
        get_user_model()
        .objects.filter(memberships__newsroom_id__in=newsroom_ids, is_active=True)
        .distinct()
        .order_by("username")
        .only("pk", "username", "first_name", "last_name")
    )


def queue_row(obj: Claim | Task | Finding) -> QueueRow:
    """The row of one claim, task or finding, e.g. after an action (its draft is loaded if it
    isn't)."""
    if isinstance(obj, Finding):
        return finding_row(obj)
    return claim_row(obj) if isinstance(obj, Claim) else task_row(obj)


# --- Selected items (bulk actions) ------------------------------------------------------------


@dataclass(frozen=True)
class Selected:
    """What a bulk form sent: the items found in the editor's newsrooms, with the version each
    had on the page, and the tokens that named nothing the editor may see."""

    claims: list[tuple[Claim, int | None]]
    tasks: list[tuple[Task, int | None]]
    unknown: list[str]


def parse_token(token: str) -> tuple[str, int, int | None] | None:
    """``"claim:12:3"`` → ("claim", 12, 3); the version is optional; None when malformed."""
    parts = token.split(":")
    if len(parts) not in (2, 3) or parts[0] not in SOURCES:
        return None
    pk = _int(parts[1])
    version = _int(parts[2]) if len(parts) == 3 else None
    if pk is None or (len(parts) == 3 and version is None):
        return None
    return parts[0], pk, version


def queue_selected(newsroom_ids: list[int], tokens: Iterable[str]) -> Selected:
    """The claims and tasks named by ``tokens`` that lie in ``newsroom_ids`` (two queries)."""
    wanted: dict[str, dict[int, int | None]] = {"claim": {}, "task": {}}
    unknown: list[str] = []
    for token in dict.fromkeys(tokens):
        parsed = parse_token(token)
        if parsed is None or parsed[0] not in wanted:
            unknown.append(token)
        else:
            wanted[parsed[0]][parsed[1]] = parsed[2]
    claims = {
        c.pk: c
        for c in Claim.objects.filter(
            _scope(newsroom_ids), pk__in=list(wanted["claim"])
        ).select_related("draft", "proposed_by")
    }
    tasks = {
        t.pk: t
        for t in Task.objects.filter(
            _scope(newsroom_ids), pk__in=list(wanted["task"])
        ).select_related("draft", "assignee")
    }
    unknown += [f"claim:{pk}" for pk in wanted["claim"] if pk not in claims]
    unknown += [f"task:{pk}" for pk in wanted["task"] if pk not in tasks]
    return Selected(
        claims=[(claims[pk], v) for pk, v in wanted["claim"].items() if pk in claims],
        tasks=[(tasks[pk], v) for pk, v in wanted["task"].items() if pk in tasks],
        unknown=unknown,
    )


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _choice(raw: str | None, choices: Mapping[str, Any]) -> str:
    return raw if raw is not None and raw in choices else next(iter(choices))
