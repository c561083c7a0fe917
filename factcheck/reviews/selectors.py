"""Reads for the verification workflow."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from factcheck.claims.models import Claim
from factcheck.drafts.models import Draft
from factcheck.reviews.models import Task


@dataclass(frozen=True)
class Blocker:
    """Something that stops a draft being cleared, with where to go to fix it."""

    kind: str  # "claim" or "task"
    text: str
    pk: int
    status: str

    @property
    def url(self) -> str:
        # Reversed on demand: pages show the first few of possibly hundreds of blockers.
        name = "claims:detail" if self.kind == "claim" else "reviews:task"
        return reverse(name, kwargs={"pk": self.pk})


def clearance_blockers(draft: Draft) -> list[Blocker]:
    """Every claim not approved or dismissed, every live task not done: two queries."""
    blockers = [
        Blocker(
            "claim",
            f"Claim “{_short(c.text)}” is {c.get_status_display().lower()}",
            c.pk,
            c.status,
        )
        for c in draft.claims.exclude(
            status__in=[Claim.Status.APPROVED, Claim.Status.DISMISSED]
        ).order_by("start", "pk")
    ]
    blockers += [
        Blocker(
            "task",
            f"Task “{t.title}” is {t.get_status_display().lower()}",
            t.pk,
            t.status,
        )
        for t in draft.tasks.filter(archived_at__isnull=True)
        .exclude(status=Task.Status.DONE)
        .order_by("due_at", "pk")
    ]
    return blockers


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
