"""Reads for the verification workflow."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse

from factcheck.claims.models import Claim
from factcheck.drafts.models import Draft
from factcheck.insights.models import Finding
from factcheck.prepared import Prepared
from factcheck.reviews.models import Task
from factcheck.text import short


@dataclass(frozen=True)
class Blocker:
    """Something that stops a draft being cleared, with where to go to fix it."""

    kind: str  # "claim", "task" or "finding"
    text: str
    pk: int
    status: str

    @property
    def url(self) -> str:
        # Reversed on demand: pages show the first few of possibly hundreds of blockers.
        name = {"claim": "claims:detail", "task": "reviews:task", "finding": "insights:finding"}
        return reverse(name[self.kind], kwargs={"pk": self.pk})


UNSETTLED = (Claim.Status.APPROVED, Claim.Status.DISMISSED)  # the claim statuses that block nothing

# A claim blocks the draft while it waits on someone: in the text and not approved or dismissed;
# or orphaned by a new version (an editor must attach or archive it), whatever its verdict. An
# archived claim's sentence is gone from the copy: it blocks nothing.
BLOCKING_CLAIM = (Q(anchor=Claim.Anchor.ANCHORED) & ~Q(status__in=UNSETTLED)) | (
    Q(anchor=Claim.Anchor.ORPHANED) & ~Q(status=Claim.Status.DISMISSED)
)


def blocks(status: str, anchor: str) -> bool:
    """Whether a claim of this status and anchor blocks clearance (:data:`BLOCKING_CLAIM`)."""
    if anchor == Claim.Anchor.ORPHANED:
        return status != Claim.Status.DISMISSED
    return anchor == Claim.Anchor.ANCHORED and status not in UNSETTLED


# The first query of every clearance refresh, compiled once (factcheck.prepared).
# order_by(): the models' default orderings would join other tables and undo the DISTINCT.
_CLAIM_STATES = Prepared(
    lambda draft: (
        Claim.objects.filter(draft=draft).order_by().values_list("status", "anchor").distinct()
    )
)


def clearance_state(draft: Draft) -> tuple[bool, bool]:
    """(blocked, has_work) of ``draft``: ``blocked`` when anything :func:`clearance_blockers`
    would list exists, ``has_work`` when it has any claim (dismissed ones too) or live task.

    Read as the clearance refresh needs it, under the draft's row lock: the statuses (and
    anchors) its claims have, then its live tasks', then whether a finding is open, stopping at
    the first blocker. A draft being worked on has an unsettled claim, so the usual refresh
    reads one small query (the blockers are listed only to say why a draft is no longer
    cleared)."""
    claims = set(_CLAIM_STATES.rows(draft=draft.pk))
    if any(blocks(status, anchor) for status, anchor in claims):
        return True, True
    live_tasks = Task.objects.filter(draft=draft, archived_at__isnull=True)
    tasks = set(live_tasks.order_by().values_list("status", flat=True).distinct())
    if tasks - {Task.Status.DONE}:
        return True, True
    open_finding = Finding.objects.filter(draft=draft, status=Finding.Status.OPEN).exists()
    return open_finding, bool(claims or tasks or open_finding)


def clearance_blockers(draft: Draft) -> list[Blocker]:
    """Every claim that blocks (:data:`BLOCKING_CLAIM`), every live task not done, every open
    finding (the draft contradicting itself): three queries, of the columns shown (rows, not model
    instances: a long draft has hundreds of blockers, and the panel is on its page)."""
    claim_status = dict(Claim.Status.choices)
    task_status = dict(Task.Status.choices)
    blockers = [
        Blocker(
            "claim",
            f"Claim “{short(text, 60)}” "
            + (
                "lost its place in the new version: attach or archive it"
                if anchor == Claim.Anchor.ORPHANED
                else f"is {claim_status.get(status, status).lower()}"
            ),
            pk,
            status,
        )
        for pk, text, status, anchor in draft.claims.filter(BLOCKING_CLAIM)
        .order_by("start", "pk")
        .values_list("pk", "text", "status", "anchor")
    ]
    blockers += [
        Blocker("task", f"Task “{title}” is {task_status.get(status, status).lower()}", pk, status)
        for pk, title, status in draft.tasks.filter(archived_at__isnull=True)
        .exclude(status=Task.Status.DONE)
        .order_by("due_at", "pk")
        .values_list("pk", "title", "status")
    ]
    blockers += [
        Blocker("finding", f"Finding “{summary}” is open", pk, status)
        for pk, summary, status in Finding.objects.filter(draft=draft, status=Finding.Status.OPEN)
        .order_by("pk")
        .values_list("pk", "summary", "status")
    ]
    return blockers
