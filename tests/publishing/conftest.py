"""A draft with verdicts in every state, and a way to publish it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from factcheck.claims.models import Claim
from factcheck.claims.services import claim_approve, claim_mark_sentence, claim_propose
from factcheck.drafts.models import Draft
from factcheck.publishing.models import Publication
from factcheck.publishing.services import publication_record

STORY_URL = "https://news.example.org/2026/storm-harbour-road"
PUBLISHED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
APPROVED_AT = datetime(2026, 3, 1, 17, 5, tzinfo=UTC)  # the eve of publication


@dataclass
class Checked:
    """The sample draft: sentence 1 approved inaccurate, 2 only proposed, 3 (Mayor Ines
    Holt's quote) approved accurate."""

    draft: Draft
    approved: Claim
    proposed: Claim
    quote: Claim


def verdict(claim: Claim, checker: Any, editor: Any, value: str, *, approve: bool) -> Claim:
    claim = claim_propose(claim=claim, by=checker, verdict=value, rationale="Checked it.")
    return claim_approve(claim=claim, by=editor) if approve else claim


@pytest.fixture
def checked(draft: Draft, editor: Any, checker: Any) -> Checked:
    units = {s.index: s for s in draft.revisions.get().sentences.all()}
    first, second, third = (claim_mark_sentence(sentence=units[i], by=editor) for i in (1, 2, 3))
    verdict(first, checker, editor, "inaccurate", approve=True)
    verdict(third, checker, editor, "accurate", approve=True)
    # Approved on the eve of publication (the clock of the test run is no date to test with).
    Claim.objects.filter(pk__in=[first.pk, third.pk]).update(reviewed_at=APPROVED_AT)
    return Checked(
        draft=draft,
        approved=Claim.objects.get(pk=first.pk),
        proposed=verdict(second, checker, editor, "accurate", approve=False),
        quote=Claim.objects.get(pk=third.pk),
    )


def publish(draft: Draft, editor: Any, url: str = STORY_URL) -> Publication:
    return publication_record(draft=draft, by=editor, url=url, published_at=PUBLISHED_AT).obj
