"""Writes for claims: marking a sentence or a span, and unmarking."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from factcheck.claims.models import Claim
from factcheck.drafts.models import Revision, Sentence

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class ClaimError(ValueError):
    """A mark we refuse; ``str(exc)`` is a message fit to show the user."""


@transaction.atomic
def claim_mark(*, revision: Revision, start: int, end: int, by: User | None) -> Claim:
    """Mark ``revision.text[start:end]`` as a claim; white space around the span is dropped.

    The span must lie inside one checkable unit. Marking a span that is already a claim returns
    that claim (restored if it had been unmarked), so a repeated click changes nothing.
    """
    text = revision.text
    if not (0 <= start < end <= len(text)):
        raise ClaimError("That selection is outside the draft's text.")
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        raise ClaimError("Select some words to mark, not just white space.")
    sentence = (
        Sentence.objects.filter(revision=revision, start__lte=start, end__gte=end)
        .order_by("index")
        .first()
    )
    if sentence is None:
        raise ClaimError("A claim must lie within one sentence; select inside a single sentence.")
    if not sentence.checkable:
        raise ClaimError("That text is site furniture (boilerplate), which is not checked.")
    claim, created = Claim.objects.get_or_create(
        revision=revision,
        start=start,
        end=end,
        defaults={
            "draft_id": revision.draft_id,
            "sentence": sentence,
            "text": text[start:end],
            "created_by": by,
        },
    )
    if not created and claim.status == Claim.Status.DISMISSED:
        claim.status = Claim.Status.UNCHECKED
        claim.save(update_fields=["status", "updated_at"])
    return claim


def claim_mark_sentence(*, sentence: Sentence, by: User | None) -> Claim:
    return claim_mark(revision=sentence.revision, start=sentence.start, end=sentence.end, by=by)


@transaction.atomic
def claim_unmark(*, claim: Claim, by: User | None) -> Claim:
    """Unmark a claim. It is kept as dismissed, not deleted, so marking again restores it."""
    Claim.objects.filter(pk=claim.pk).exclude(status=Claim.Status.DISMISSED).update(
        status=Claim.Status.DISMISSED, updated_at=timezone.now()
    )
    claim.refresh_from_db(fields=["status", "updated_at"])
    return claim
