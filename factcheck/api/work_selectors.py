"""Reads for the API's tasks, findings, lookups, evidence and review queue, through the pages'
access rules (``reviews.access``, ``insights.access``, ``claims.access``, ``sources.access``): an
object of a newsroom the caller does not belong to is 404, a role without the capability 403. A
newsroom token is held to its newsroom on top of that, before the role is looked at, so that an
object of another newsroom is 404 whatever the token's account could do there."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import F, Model, Prefetch, QuerySet, Value
from django.db.models.functions import Substr
from django.http import Http404

from factcheck.api.models import ApiToken
from factcheck.claims.models import Claim
from factcheck.drafts.models import Draft
from factcheck.insights.models import Finding
from factcheck.newsrooms.access import Capability, newsrooms_where, role_can
from factcheck.reviews.models import Comment, Task
from factcheck.reviews.queue import SOURCES, QueueRow
from factcheck.reviews.task_selectors import newsroom_members
from factcheck.sources.models import Evidence, Lookup

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

M = TypeVar("M", bound=Model)
Getter = Callable[..., tuple[M, str]]


def api_get(
    getter: Getter[M],
    user: User | AnonymousUser,
    token: ApiToken | None,
    pk: int,
    capability: Capability = Capability.VIEW,
) -> tuple[M, str]:
    """The object and the caller's role through ``getter`` (an app's access rule, e.g.
    ``get_task_for_user``): 404 for an outsider, and for a newsroom token outside its newsroom;
    403 for a member whose role lacks ``capability``. One query."""
    obj, role = getter(user, pk, Capability.VIEW)
    # The access rule's query names the object's newsroom beside the role (member_rows).
    newsroom_id = getattr(obj, "_member_newsroom")  # noqa: B009 (an annotation, not a field)
    if token is not None and token.newsroom_id not in (None, newsroom_id):
        raise Http404(f"No such {obj._meta.verbose_name}.")
    if not role_can(role, capability):
        raise PermissionDenied("Your role in this newsroom does not allow this.")
    return obj, role


def member_named(newsroom_id: int, username: str) -> User | None:
    """An active member of the newsroom by username (what the pages' assignee menus offer)."""
    return newsroom_members(newsroom_id).filter(username=username).first()


# --- Tasks ------------------------------------------------------------------------------------


def _claim_ids() -> Prefetch[Any]:
    return Prefetch("claims", queryset=Claim.objects.only("pk").order_by("pk"))


def draft_tasks_api(draft: Draft, *, status: str = "", archived: bool = False) -> QuerySet[Task]:
    """The draft's tasks as its page lists them (live ones; ``archived``: archived ones), soonest
    due first, of one ``status``; each with its assignee, creator and claim ids. Two queries a
    page (and the count)."""
    tasks = Task.objects.filter(draft=draft, archived_at__isnull=not archived)
    if status:
        tasks = tasks.filter(status=status)
    return (
        tasks.select_related("assignee", "created_by")
        .prefetch_related(_claim_ids())
        .order_by(F("due_at").asc(nulls_last=True), "-priority", "id")
    )


def task_fresh(pk: int) -> Task:
    """The task as the API shows it, read afresh after a write."""
    return (
        Task.objects.select_related("assignee", "created_by", "draft")
        .prefetch_related(_claim_ids())
        .get(pk=pk)
    )


def live_claims(draft: Draft, ids: Iterable[int]) -> list[Claim] | None:
    """The draft's live (not dismissed) claims with these ids; None when any id is not one:
    the task form's choices."""
    wanted = set(ids)
    found = list(
        Claim.objects.filter(draft=draft, pk__in=wanted).exclude(status=Claim.Status.DISMISSED)
    )
    return found if len(found) == len(wanted) else None


def task_comments(task: Task) -> QuerySet[Comment]:
    """The task's comments, oldest first, with their authors and mentions."""
    return (
        Comment.objects.filter(task=task)
        .select_related("author")
        .prefetch_related(Prefetch("mentions", queryset=get_user_model().objects.only("username")))
        .order_by("created_at", "id")
    )


# --- Findings ---------------------------------------------------------------------------------


def _cut(start: str, end: str) -> Substr:
    """The words between two offsets of the revision's text, cut out by the database (NULL when
    the offsets are): the revision's text is never loaded whole."""
    return Substr(F("revision__text"), F(start) + Value(1), F(end) - F(start))


def findings_api(draft_id: int) -> QuerySet[Finding]:
    """The draft's findings, newest revision first, then in text order, each with its revision's
    number, both sentences (index and text), the conflicting words and who decided it."""
    return (
        Finding.objects.filter(draft_id=draft_id)
        .select_related("decided_by")
        .annotate(
            revision_number=F("revision__number"),
            a_index=F("sentence_a__index"),
            b_index=F("sentence_b__index"),
            a_text=_cut("sentence_a__start", "sentence_a__end"),
            b_text=_cut("sentence_b__start", "sentence_b__end"),
            a_words=_cut("a_start", "a_end"),
            b_words=_cut("b_start", "b_end"),
        )
        .order_by("-revision__number", "sentence_a__index", "sentence_b__index", "pk")
    )


def draft_findings_api(
    draft: Draft, *, status: str = "", revision: int | None = None
) -> QuerySet[Finding]:
    findings = findings_api(draft.pk)
    if status:
        findings = findings.filter(status=status)
    if revision is not None:
        findings = findings.filter(revision__number=revision)
    return findings


def finding_fresh(finding: Finding) -> Finding:
    return findings_api(finding.draft_id).get(pk=finding.pk)


# --- Lookups and evidence ---------------------------------------------------------------------


def claim_lookups(claim: Claim) -> QuerySet[Lookup]:
    """The claim's lookups, source by source, the latest first."""
    return (
        Lookup.objects.filter(claim=claim)
        .select_related("requested_by")
        .order_by("source", "-queued_at", "pk")
    )


def claim_evidence(claim: Claim, *, status: str = "", source: str = "") -> QuerySet[Evidence]:
    """What the claim's lookups found, best first (the panel's order)."""
    evidence = Evidence.objects.filter(claim=claim)
    if status:
        evidence = evidence.filter(status=status)
    if source:
        evidence = evidence.filter(source=source)
    return evidence.order_by("-score", "id")


# --- The review queue -------------------------------------------------------------------------


def queue_newsrooms(user: User | AnonymousUser, token: ApiToken | None) -> list[int]:
    """The newsrooms whose work waits on the caller (where they approve: the page's rule), a
    newsroom token's own alone."""
    newsrooms = newsrooms_where(user, Capability.APPROVE)
    if token is not None and token.newsroom_id is not None:
        newsrooms = newsrooms.filter(pk=token.newsroom_id)
    return list(newsrooms.values_list("pk", flat=True))


def queue_member_id(newsroom_ids: list[int], username: str) -> int | None:
    """The id of a member of these newsrooms by username; None when there is none."""
    found: int | None = (
        get_user_model()
        .objects.filter(username=username, memberships__newsroom_id__in=newsroom_ids)
        .values_list("pk", flat=True)
        .first()
    )
    return found


def queue_fetch(page: Iterable[dict[str, Any]], now: datetime) -> list[QueueRow]:
    """The rows of one page of ``reviews.queue.queue_rows``, in its order: one query per kind
    on the page (the page's own fetches)."""
    page = list(page)
    wanted: dict[str, list[int]] = {}
    for values in page:
        wanted.setdefault(values["q_kind"], []).append(values["q_id"])
    fetched = {kind: SOURCES[kind].fetch(ids, now) for kind, ids in wanted.items()}
    return [
        row for values in page if (row := fetched[values["q_kind"]].get(values["q_id"])) is not None
    ]
