"""Lookup services: starting (once per claim, source and query), storing without duplicates,
failing with the reason, and attaching evidence to the verdict."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from factcheck.claims.models import Claim, EvidenceLink
from factcheck.claims.services import claim_dismiss, claim_mark_sentence
from factcheck.drafts.models import Sentence
from factcheck.errors import FactcheckError
from factcheck.sources.backends.base import Hit
from factcheck.sources.models import Evidence, Lookup, Source
from factcheck.sources.services import (
    evidence_attach,
    evidence_dismiss,
    lookup_begin,
    lookup_fail,
    lookup_store,
    lookups_start,
    lookups_start_for_draft,
    lookups_start_if_automatic,
    query_for,
    source_settings_for,
)

pytestmark = pytest.mark.django_db
L = Lookup.Status


@pytest.fixture
def claims(draft: Any, editor: Any) -> list[Claim]:
    sentences = draft.revisions.get().sentences.exclude(kind=Sentence.Kind.BOILERPLATE)
    return [claim_mark_sentence(sentence=s, by=editor) for s in sentences.order_by("index")[1:3]]


@pytest.fixture(autouse=True)
def no_worker(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record what would be sent to the broker instead of running it."""
    sent: list[int] = []
    from factcheck.sources import tasks

    monkeypatch.setattr(tasks.lookup_run, "delay", lambda pk: sent.append(pk))
    return sent


def hits(*urls: str) -> list[Hit]:
    return [
        Hit(url=u, title=f"Title {u}", snippet="road closed", highlights=[(0, 4)]) for u in urls
    ]


def test_starting_queues_one_lookup_per_enabled_source_after_commit(
    claims: list[Claim], checker: Any, no_worker: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = lookups_start(claims=claims[:1], by=checker)
    assert no_worker == []  # nothing sent inside the transaction
    for callback in callbacks:
        callback()
    assert sorted(lookup.source for lookup in started) == sorted(
        [Source.ARCHIVE, Source.LIBRARY, Source.WIKIPEDIA]
    )
    assert sorted(no_worker) == sorted(lookup.pk for lookup in started)
    assert {lookup.query for lookup in started} == {query_for(claims[0])}


def test_starting_again_while_queued_adds_nothing_and_after_done_requeues(
    claims: list[Claim], checker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = lookups_start(claims=claims[:1], by=checker, sources=[Source.WIKIPEDIA])
    assert lookups_start(claims=claims[:1], by=checker, sources=[Source.WIKIPEDIA]) == []
    lookup = lookup_begin(lookup_id=first[0].pk)
    assert lookup is not None
    lookup_fail(lookup_id=lookup.pk, reason="Wikipedia: timed out after 10 s, 3 attempts")
    again = lookups_start(claims=claims[:1], by=checker, sources=[Source.WIKIPEDIA])
    assert [x.pk for x in again] == [first[0].pk]
    fresh = Lookup.objects.get(pk=first[0].pk)
    assert (fresh.status, fresh.attempts, fresh.error) == (L.QUEUED, 0, "")
    assert Lookup.objects.count() == 1


def test_storing_twice_creates_no_duplicate_evidence(claims: list[Claim], checker: Any) -> None:
    [queued] = lookups_start(claims=claims[:1], by=checker, sources=[Source.WIKIPEDIA])
    lookup = lookup_begin(lookup_id=queued.pk)
    assert lookup is not None
    lookup_store(lookup=lookup, hits=hits("https://a.example/1", "https://a.example/2"))
    # A redelivered task (worker killed after storing) runs again:
    Lookup.objects.filter(pk=lookup.pk).update(status=L.RUNNING)
    again = lookup_begin(lookup_id=lookup.pk)
    assert again is not None and again.attempts == 2
    lookup_store(lookup=again, hits=hits("https://a.example/1", "https://a.example/2"))
    assert Evidence.objects.filter(claim=claims[0]).count() == 2
    assert Lookup.objects.get(pk=lookup.pk).result_count == 2


def test_a_finished_lookup_is_not_begun_again(claims: list[Claim], checker: Any) -> None:
    [queued] = lookups_start(claims=claims[:1], by=checker, sources=[Source.WIKIPEDIA])
    lookup = lookup_begin(lookup_id=queued.pk)
    assert lookup is not None
    lookup_store(lookup=lookup, hits=[])
    assert lookup_begin(lookup_id=queued.pk) is None
    assert lookup_begin(lookup_id=10_000_000) is None


def test_failing_keeps_the_reason_and_never_overwrites_done(
    claims: list[Claim], checker: Any
) -> None:
    started = lookups_start(
        claims=claims[:1], by=checker, sources=[Source.WIKIPEDIA, Source.ARCHIVE]
    )
    by_source = {lookup.source: lookup for lookup in started}
    lookup_fail(
        lookup_id=by_source[Source.WIKIPEDIA].pk,
        reason="Wikipedia: the service answered 503, 3 attempts",
    )
    done = lookup_begin(lookup_id=by_source[Source.ARCHIVE].pk)
    assert done is not None
    lookup_store(lookup=done, hits=[])
    lookup_fail(lookup_id=done.pk, reason="late failure")
    assert Lookup.objects.get(pk=by_source[Source.WIKIPEDIA].pk).error.endswith("3 attempts")
    assert Lookup.objects.get(pk=done.pk).status == L.DONE


def test_outsiders_cannot_start_lookups_and_dismissed_claims_are_skipped(
    claims: list[Claim], outsider: Any, editor: Any
) -> None:
    with pytest.raises(PermissionDenied):
        lookups_start(claims=claims[:1], by=outsider)
    claim_dismiss(claim=claims[1], by=editor)
    started = lookups_start_for_draft(draft=claims[0].draft, by=editor, sources=[Source.ARCHIVE])
    assert [lookup.claim_id for lookup in started] == [claims[0].pk]


def test_asking_only_for_disabled_sources_says_which_are_enabled(
    claims: list[Claim], checker: Any
) -> None:
    with pytest.raises(FactcheckError, match="Newsroom archive"):
        lookups_start(claims=claims[:1], by=checker, sources=[Source.FACTCHECK])


def test_fact_check_tools_needs_both_the_flag_and_a_key(claims: list[Claim], newsroom: Any) -> None:
    settings = source_settings_for(newsroom)
    settings.factcheck_enabled = True
    settings.save()
    assert Source.FACTCHECK not in settings.enabled()
    settings.factcheck_api_key = "key-123"
    settings.save()
    assert Source.FACTCHECK in settings.enabled()


def test_automatic_lookups_follow_the_newsroom_setting(
    claims: list[Claim], editor: Any, newsroom: Any
) -> None:
    assert lookups_start_if_automatic(claims=claims[:1], by=editor) == []
    settings = source_settings_for(newsroom)
    settings.lookup_on_mark = True
    settings.save()
    assert len(lookups_start_if_automatic(claims=claims[:1], by=editor)) == 3


def test_attaching_evidence_makes_it_a_verdict_link_once(
    claims: list[Claim], checker: Any, outsider: Any
) -> None:
    [queued] = lookups_start(claims=claims[:1], by=checker, sources=[Source.WIKIPEDIA])
    lookup = lookup_begin(lookup_id=queued.pk)
    assert lookup is not None
    lookup_store(lookup=lookup, hits=hits("https://a.example/1", "https://a.example/2"))
    first, second = Evidence.objects.order_by("url")
    with pytest.raises(PermissionDenied):
        evidence_attach(evidence=first, by=outsider)
    assert evidence_attach(evidence=first, by=checker).changed
    assert evidence_attach(evidence=first, by=checker).changed is False  # a repeated click
    assert evidence_dismiss(evidence=second, by=checker).changed
    assert evidence_dismiss(evidence=second, by=checker).changed is False
    link = EvidenceLink.objects.get(claim=claims[0])
    assert link.url == "https://a.example/1" and link.note.startswith("Wikipedia: ")
    assert [e.status for e in Evidence.objects.order_by("url")] == ["attached", "dismissed"]
