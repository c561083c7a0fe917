"""Workers' bounds, with real ``celery worker`` processes on the threads pool (PostgreSQL +
Redis) and a stub Wikipedia on 127.0.0.1: a source that never answers is cut off by the
lookup's time limit; a message that kills its worker ends failed after a bounded number of
deliveries; a Redis restart mid-run (nothing kept on disk) still completes every lookup, with
the worker never restarted; a long analysis does not hold up lookups; the answers a worker
caches are each newsroom's own."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from factcheck.drafts.models import Revision
from factcheck.sources.models import Evidence, Lookup, Source
from factcheck.sources.services import lookups_start
from tests.integration.conftest import (
    VISIBILITY_TIMEOUT,
    RedisServer,
    StubWikipedia,
    Worker,
    seed_claims,
    wait_for,
)
from tests.integration.test_worker_analysis import big_draft
from tests.integration.test_worker_lookups import (
    assert_evidence_exact,
    settled,
    start_wikipedia_lookups,
    state,
    statuses,
)

pytestmark = pytest.mark.django_db(transaction=True)
L = Lookup.Status


def test_a_source_that_never_answers_is_cut_off_by_the_lookups_time_limit(
    start_worker: Callable[..., Worker],
    stub_wikipedia: StubWikipedia,
    newsroom: Any,
    editor: Any,
) -> None:
    # The request's own timeout (30 s) would hold each thread far longer: the deadline, which
    # counts the whole lookup, is what cuts it.
    start_worker(
        WIKIPEDIA_API_URL=stub_wikipedia.hanging_api_url,
        LOOKUP_DEADLINE_SECONDS="1",
        LOOKUP_TIMEOUT_SECONDS="30",
        LOOKUP_MAX_ATTEMPTS="2",
    )
    start_wikipedia_lookups(newsroom, editor, 5)
    wait_for(settled, timeout=30, what="the stuck lookups to be cut off", state=state)

    lookups = list(Lookup.objects.all())
    waits = [(lookup.finished_at - lookup.queued_at).total_seconds() for lookup in lookups]
    print(f"figure: stuck source, queued to failed: max {max(waits):.1f} s (deadline 1 s x 2)")
    assert {lookup.status for lookup in lookups} == {L.FAILED}
    assert {lookup.error for lookup in lookups} == {
        "Wikipedia: no answer within the lookup's time limit of 1 s, 2 attempts"
    }
    assert {lookup.attempts for lookup in lookups} == {2}
    # Two attempts of a second each and a backoff of at most two: well inside 10 s.
    assert max(waits) < 10
    assert stub_wikipedia.requests["hang"] == 5 * 2
    assert not Evidence.objects.exists()


def test_a_message_that_kills_its_worker_ends_failed_after_bounded_deliveries(
    start_worker: Callable[..., Worker],
    stub_wikipedia: StubWikipedia,
    newsroom: Any,
    editor: Any,
) -> None:
    """Whatever kills the worker while the lookup runs (here kill -9, each time it runs), the
    message comes back (acks late) to the next worker: after WORKER_MAX_DELIVERIES deliveries
    that never came back, the next one records the failure instead of running it."""
    env = {
        "WIKIPEDIA_API_URL": stub_wikipedia.hanging_api_url,
        "LOOKUP_DEADLINE_SECONDS": "50",  # it must not end by itself while we watch
        "WORKER_MAX_DELIVERIES": "2",
    }
    worker = start_worker(concurrency=4, **env)
    (lookup,) = start_wikipedia_lookups(newsroom, editor, 1)  # one message, sent once
    for delivery in (1, 2):
        if delivery > 1:
            worker = start_worker(concurrency=4, **env)
        wait_for(
            lambda n=delivery: stub_wikipedia.requests["hang"] >= n,  # it waits on the source
            timeout=30,
            interval=0.05,
            what=f"delivery {delivery} to ask the source",
            state=state,
        )
        worker.kill()
        time.sleep(VISIBILITY_TIMEOUT + 1)  # then the broker hands the message out again
    assert stub_wikipedia.requests["hang"] == 2

    start_worker(concurrency=4, **env)
    wait_for(settled, timeout=30, what="the poison lookup to be given up", state=state)

    lookup.refresh_from_db()
    assert lookup.status == L.FAILED
    assert lookup.error == (
        "Wikipedia: the worker stopped while looking this up, 2 times; not tried again"
    )
    assert lookup.finished_at is not None
    assert stub_wikipedia.requests["hang"] == 2  # the third delivery did not run it


def test_a_redis_restart_mid_run_still_completes_every_lookup(
    start_worker: Callable[..., Worker],
    own_redis: RedisServer,
    stub_wikipedia: StubWikipedia,
    newsroom: Any,
    editor: Any,
) -> None:
    """Redis is killed (kill -9, nothing on disk: its queue and the unacknowledged messages
    are gone) with lookups queued and running, and started again on the same port; the
    worker, never restarted, reconnects and its sweep sends the lost lookups again."""
    stub_wikipedia.delay = 0.3
    worker = start_worker(
        WIKIPEDIA_API_URL=stub_wikipedia.api_url,
        WORKER_BROKER_CHECK_SECONDS="1",
        WORKER_SWEEP_SECONDS="2",
    )
    start_wikipedia_lookups(newsroom, editor, 200)
    wait_for(lambda: statuses()[L.DONE] >= 40, timeout=60, what="20% of the lookups", state=state)
    own_redis.kill()
    restarted_at = timezone.now()
    time.sleep(1)
    own_redis.start()
    during = statuses()
    assert during[L.DONE] < 200, during  # truly mid-run

    wait_for(settled, timeout=120, what="every lookup after the restart", state=state)
    took = (timezone.now() - restarted_at).total_seconds()
    print(f"figure: redis restart with {dict(during)}; all 200 done {took:.1f} s after the kill")
    assert worker.process.poll() is None  # the same worker throughout
    assert statuses() == {L.DONE: 200}
    assert_evidence_exact(200)
    assert Lookup.objects.filter(finished_at__gt=restarted_at).exists()
    assert "the broker restarted" in worker.log.read_text(errors="replace")
    worker.stop()  # before this test's Redis goes


def test_a_long_analysis_does_not_hold_up_lookups(
    start_worker: Callable[..., Worker],
    stub_wikipedia: StubWikipedia,
    newsroom: Any,
    editor: Any,
    settings: Any,
) -> None:
    """One worker per queue, as ``make run`` starts them: lookups finish while a long analysis
    runs on the analysis worker (one thread, busy throughout)."""
    settings.ANALYSIS_INLINE_MAX_UNITS = 50
    start_worker(concurrency=1, queue="analysis")
    start_worker(queue="lookups", WIKIPEDIA_API_URL=stub_wikipedia.api_url)
    revision = big_draft(newsroom, editor, copies=60)
    wait_for(
        lambda: Revision.objects.filter(pk=revision.pk, analysis="running").exists(),
        timeout=60,
        interval=0.02,
        what="the analysis to start",
    )
    start_wikipedia_lookups(newsroom, editor, 20)
    wait_for(settled, timeout=30, interval=0.05, what="the lookups", state=state)
    revision.refresh_from_db()
    assert revision.analysis == Revision.Analysis.RUNNING  # still at it
    assert statuses() == {L.DONE: 20}


def test_answers_cached_by_the_worker_are_each_newsrooms_own(
    start_worker: Callable[..., Worker],
    stub_wikipedia: StubWikipedia,
    newsroom: Any,
    editor: Any,
    outsider: Any,
) -> None:
    """The same words looked up in two newsrooms reach the source from each (no newsroom's
    answer comes back faster because another asked first); a newsroom's own repeat is served
    from its cache."""
    start_worker(WIKIPEDIA_API_URL=stub_wikipedia.api_url, LOOKUP_CACHE_SECONDS="600")
    other = outsider.memberships.get().newsroom

    def look_up(room: Any, by: Any, count: int) -> None:
        claims = seed_claims(newsroom=room, by=by, count=count, label="same ")
        lookups_start(claims=claims, by=by, sources=[Source.WIKIPEDIA])
        wait_for(settled, timeout=30, what="the lookups", state=state)

    look_up(newsroom, editor, 5)
    assert stub_wikipedia.requests["search"] == 5
    look_up(other, outsider, 5)  # the same five sentences, another newsroom
    assert stub_wikipedia.requests["search"] == 10
    look_up(newsroom, editor, 5)  # the first newsroom again: its own cache answers
    assert stub_wikipedia.requests["search"] == 10
    assert statuses() == {L.DONE: 15}
