"""Test data for the API's tasks, findings, lookups and queue, made through the services (a
finding is written as the analysis would store it: the sample draft has none of its own)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from factcheck.claims.models import Claim
from factcheck.claims.services import claim_mark_sentence
from factcheck.drafts.models import Draft, Sentence
from factcheck.insights.models import Finding
from factcheck.reviews.models import Task
from factcheck.reviews.services import task_create
from factcheck.sources.backends.base import Hit
from factcheck.sources.models import Evidence, Lookup
from factcheck.sources.services import lookup_begin, lookup_store, lookups_start


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def units(draft: Draft) -> list[Sentence]:
    """The sentences of the draft's latest revision, in order (headline and site furniture
    left out)."""
    latest = draft.revisions.order_by("-number")[0]
    return list(latest.sentences.filter(kind=Sentence.Kind.SENTENCE).order_by("index"))


def a_claim(draft: Draft, which: int = 0) -> Claim:
    """A claim on the draft's ``which``-th sentence (marked once: a second call finds it)."""
    return claim_mark_sentence(sentence=units(draft)[which], by=None)


def a_task(draft: Draft, *, assignee: str | None = "checker", title: str = "Check it") -> Task:
    """An open task linked to the first sentence's claim."""
    return task_create(
        draft=draft,
        by=None,
        title=title,
        claims=[a_claim(draft)],
        assignee=user(assignee) if assignee else None,
    )


def a_finding(draft: Draft, *, summary: str = "Monday vs Wednesday") -> Finding:
    """An open contradiction between the draft's first two sentences."""
    first, second = units(draft)[:2]
    text = first.revision.text
    day = text.index("Monday")
    return Finding.objects.create(
        draft=draft,
        revision=first.revision,
        kind=Finding.Kind.CONTRADICTION,
        sentence_a=first,
        sentence_b=second,
        summary=summary,
        what="day",
        confidence=0.8,
        a_start=day,
        a_end=day + len("Monday"),
    )


def found_evidence(claim: Claim, *urls: str, source: str = "wikipedia") -> list[Evidence]:
    """A finished lookup of ``claim`` in ``source`` that found a page at each URL (through the
    services, without running a backend); the evidence, best first."""
    lookup: Lookup = lookups_start(claims=[claim], by=None, sources=[source])[0]
    begun = lookup_begin(lookup_id=lookup.pk)
    assert begun is not None
    hits = [
        Hit(url=url, title=f"Report {n}", snippet="The road closed on Monday.", score=1 - n / 10)
        for n, url in enumerate(urls)
    ]
    lookup_store(lookup=begun, hits=hits)
    return list(Evidence.objects.filter(claim=claim).order_by("-score", "id"))
