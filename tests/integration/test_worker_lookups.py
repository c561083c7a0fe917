"""Lookups run by a real ``celery worker`` process against the real Redis and PostgreSQL, with a
stub Wikipedia on 127.0.0.1: many at once all complete, a worker killed with ``kill -9`` loses
none and duplicates no evidence, and a source that always fails ends "failed" with the reason
after the bounded attempts."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from factcheck.sources.models import Evidence, Lookup, Source
from factcheck.sources.services import lookups_start
from tests.conftest import client_for
from tests.integration.conftest import (
    HITS_PER_SEARCH,
    VISIBILITY_TIMEOUT,
    StubWikipedia,
    Worker,
    seed_claims,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)
L = Lookup.Status


def statuses() -> Counter[str]:
    return Counter(Lookup.objects.values_list("status", flat=True))


def state() -> str:
    """The lookups' states and the broker's: queued messages, messages held unacknowledged."""
    import redis
    from django.conf import settings

    broker = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    return (
        f"lookups {dict(statuses())}, broker queue {broker.llen('celery')}, "
        f"unacked {broker.hlen('unacked')} (index {broker.zcard('unacked_index')})"
    )


def settled() -> bool:
    """Nothing queued or running (a lookup waiting to retry is queued)."""
    return not Lookup.objects.filter(status__in=[L.QUEUED, L.RUNNING]).exists()


def start_wikipedia_lookups(newsroom: Any, editor: Any, count: int) -> list[Lookup]:
    claims = seed_claims(newsroom=newsroom, by=editor, count=count)
    lookups = lookups_start(claims=claims, by=editor, sources=[Source.WIKIPEDIA])
    assert len(lookups) == count
    return lookups


def assert_evidence_exact(count: int) -> None:
    """Every lookup stored each page the stub found, once."""
    assert Evidence.objects.count() == count * HITS_PER_SEARCH
    per_claim = Evidence.objects.values("claim").annotate(n=Count("id")).values_list("n", flat=True)
    assert Counter(per_claim) == {HITS_PER_SEARCH: count}
    assert set(Lookup.objects.values_list("result_count", flat=True)) == {HITS_PER_SEARCH}
    distinct = Evidence.objects.values_list("claim", "source", "url").distinct().count()
    assert distinct == Evidence.objects.count()


def test_two_hundred_lookups_all_complete(
    start_worker: Callable[..., Worker],
    stub_wikipedia: StubWikipedia,
    newsroom: Any,
    editor: Any,
) -> None:
    start_worker(WIKIPEDIA_API_URL=stub_wikipedia.api_url)

    start_wikipedia_lookups(newsroom, editor, 200)
    wait_for(settled, timeout=60, what="200 lookups to finish", state=state)

    assert statuses() == {L.DONE: 200}
    assert set(Lookup.objects.values_list("attempts", flat=True)) == {1}
    assert not Lookup.objects.filter(finished_at__isnull=True).exists()
    assert_evidence_exact(200)
    assert stub_wikipedia.requests["search"] == 200


def test_a_worker_killed_mid_run_loses_no_lookup_and_duplicates_no_evidence(
    start_worker: Callable[..., Worker],
    stub_wikipedia: StubWikipedia,
    newsroom: Any,
    editor: Any,
) -> None:
    stub_wikipedia.delay = 0.3  # slow enough that the kill lands with lookups in flight
    first = start_worker(WIKIPEDIA_API_URL=stub_wikipedia.api_url)
    start_wikipedia_lookups(newsroom, editor, 200)

    wait_for(lambda: statuses()[L.DONE] >= 60, timeout=60, what="30% of the lookups", state=state)
    first.kill()
    killed_at = timezone.now()
    # The killed worker never acknowledged the tasks it held (acks_late): Redis gives them back
    # once the visibility timeout has passed, when the next worker starts. Meanwhile PostgreSQL
    # has rolled back whatever the dead worker's connections left open.
    time.sleep(VISIBILITY_TIMEOUT + 1)
    after_kill = statuses()
    assert after_kill[L.DONE] < 200 and after_kill[L.RUNNING] > 0, after_kill  # truly mid-run
    cut_off = list(Lookup.objects.filter(status=L.RUNNING).values_list("pk", flat=True))

    start_worker(WIKIPEDIA_API_URL=stub_wikipedia.api_url)
    wait_for(settled, timeout=60, what="every lookup to finish after the restart", state=state)

    assert statuses() == {L.DONE: 200}
    assert_evidence_exact(200)
    # The lookups the kill cut off ran again, to the end, in the new worker.
    rerun = Lookup.objects.filter(pk__in=cut_off)
    assert all(lookup.started_at and lookup.started_at > killed_at for lookup in rerun)


def test_a_source_that_always_fails_ends_failed_after_the_bounded_attempts(
    start_worker: Callable[..., Worker],
    stub_wikipedia: StubWikipedia,
    newsroom: Any,
    editor: Any,
) -> None:
    start_worker(WIKIPEDIA_API_URL=stub_wikipedia.failing_api_url, LOOKUP_MAX_ATTEMPTS="3")

    started = start_wikipedia_lookups(newsroom, editor, 5)
    wait_for(settled, timeout=60, what="the failing lookups to give up", state=state)

    lookups = list(Lookup.objects.all())
    assert {lookup.status for lookup in lookups} == {L.FAILED}
    assert {lookup.attempts for lookup in lookups} == {3}
    assert {lookup.error for lookup in lookups} == {
        "Wikipedia: the service answered 503, 3 attempts"
    }
    assert all(lookup.finished_at for lookup in lookups)
    assert stub_wikipedia.requests["fail"] == 5 * 3
    assert not Evidence.objects.exists()
    # The claim's lookups panel (what the page polls) shows the state and the reason.
    url = reverse("sources:claim_lookups", args=[started[0].claim_id])
    panel = client_for(editor).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "lookup-state-failed" in panel
    assert "Wikipedia: the service answered 503, 3 attempts" in panel
