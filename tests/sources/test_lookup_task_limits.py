"""The lookup task's bounds whatever the pool: a message that killed its worker too often ends
the lookup failed instead of running again; a lookup past its deadline fails as a timeout."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from factcheck.claims.models import Claim
from factcheck.sources import tasks
from factcheck.sources.backends.base import Hit, get_json
from factcheck.sources.models import Lookup, Source
from factcheck.sources.services import lookups_start
from factcheck.workers import delivery_key
from tests.sources.conftest import StubServer

pytestmark = pytest.mark.django_db
L = Lookup.Status
TASK_ID = "a3c1e0d2-0000-4000-8000-000000000001"


@pytest.fixture
def lookup(draft: Any, editor: Any, monkeypatch: pytest.MonkeyPatch) -> Lookup:
    from factcheck.claims.services import claim_mark_sentence
    from factcheck.drafts.models import Sentence

    monkeypatch.setattr(tasks.lookup_run, "delay", lambda pk: None)
    sentence = draft.revisions.get().sentences.exclude(kind=Sentence.Kind.BOILERPLATE).first()
    claim: Claim = claim_mark_sentence(sentence=sentence, by=editor)
    (started,) = lookups_start(claims=[claim], by=editor, sources=[Source.WIKIPEDIA])
    return started


@pytest.fixture
def delivered() -> Iterator[None]:
    """The task as a worker runs it (not eagerly, not called directly)."""
    tasks.lookup_run.push_request(id=TASK_ID, called_directly=False, is_eager=False)
    yield
    tasks.lookup_run.pop_request()


def test_a_message_that_killed_its_worker_too_often_ends_the_lookup_failed(
    lookup: Lookup, delivered: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.WORKER_MAX_DELIVERIES = 3
    ran: list[int] = []
    monkeypatch.setitem(tasks.REGISTRY, Source.WIKIPEDIA, lambda *a, **k: ran.append(1) or [])
    key = delivery_key(TASK_ID)
    cache.set(key, 3)  # three deliveries began and never came back
    tasks.lookup_run(lookup.pk)
    lookup.refresh_from_db()
    assert ran == []
    assert lookup.status == L.FAILED
    assert lookup.error == (
        "Wikipedia: the worker stopped while looking this up, 3 times; not tried again"
    )
    assert cache.get(key) is None  # a retry button starts counting afresh


def test_a_delivery_that_comes_back_is_forgotten(
    lookup: Lookup, delivered: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        tasks.REGISTRY, Source.WIKIPEDIA, lambda *a, **k: [Hit(url="https://x.test/", title="X")]
    )
    key = delivery_key(TASK_ID)
    cache.set(key, 2)  # two died before; this one ends
    tasks.lookup_run(lookup.pk)
    lookup.refresh_from_db()
    assert lookup.status == L.DONE
    assert cache.get(key) is None


def test_a_lookup_past_its_deadline_fails_as_a_timeout(
    lookup: Lookup, settings: Any, monkeypatch: pytest.MonkeyPatch, stub_server: StubServer
) -> None:
    settings.LOOKUP_DEADLINE_SECONDS = 1
    settings.LOOKUP_TIMEOUT_SECONDS = 10
    settings.LOOKUP_MAX_ATTEMPTS = 1
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    stub_server.route("/en/w/api.php", json={}, delay=5)
    started = time.monotonic()
    tasks.lookup_run.apply(args=[lookup.pk])
    lookup.refresh_from_db()
    assert time.monotonic() - started < 3
    assert lookup.status == L.FAILED
    assert lookup.error == ("Wikipedia: no answer within the lookup's time limit of 1 s, 1 attempt")


def test_a_backend_that_overran_its_deadline_between_requests_fails_as_a_timeout(
    lookup: Lookup, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.LOOKUP_DEADLINE_SECONDS = 1
    settings.LOOKUP_MAX_ATTEMPTS = 1

    def slow(*args: Any, **kwargs: Any) -> list[Hit]:
        time.sleep(1.2)  # a slow query of the library, say
        return [Hit(url="https://x.test/", title="X")]

    monkeypatch.setitem(tasks.REGISTRY, Source.WIKIPEDIA, slow)
    tasks.lookup_run.apply(args=[lookup.pk])
    lookup.refresh_from_db()
    assert lookup.status == L.FAILED
    assert "time limit of 1 s" in lookup.error


def test_get_json_needs_the_newsroom() -> None:
    with pytest.raises(TypeError):
        get_json("wikipedia", "http://127.0.0.1:9/api", {})  # type: ignore[call-arg]


def test_a_broker_that_is_away_loses_no_lookup_and_fails_no_request(
    draft: Any,
    editor: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from kombu.exceptions import OperationalError

    from factcheck.claims.services import claim_mark_sentence
    from factcheck.drafts.models import Sentence

    def away(pk: int) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.lookup_run, "delay", away)
    sentence = draft.revisions.get().sentences.exclude(kind=Sentence.Kind.BOILERPLATE).first()
    claim = claim_mark_sentence(sentence=sentence, by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        started = lookups_start(claims=[claim], by=editor, sources=[Source.WIKIPEDIA])
    assert [lookup.status for lookup in Lookup.objects.filter(pk=started[0].pk)] == [L.QUEUED]
