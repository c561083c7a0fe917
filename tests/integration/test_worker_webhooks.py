"""Webhooks delivered by a real ``celery worker`` process against the real Redis and PostgreSQL,
to a receiver on 127.0.0.1 (allowed for the test by WEBHOOK_ALLOW_NETWORKS): a draft cleared
reaches the receiver signed, after the commit; a receiver that is down gets the bounded attempts,
with their backoff, and the delivery log shows each one."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from factcheck.claims.models import Claim
from factcheck.reviews.services import draft_clear
from factcheck.webhooks.models import Delivery, DeliveryAttempt, Event
from factcheck.webhooks.services import webhook_create
from tests.integration.conftest import Worker, seed_claims, wait_for
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)

WORKER_SETTINGS = {
    "WEBHOOK_ALLOW_NETWORKS": "127.0.0.1",
    "WEBHOOK_MAX_ATTEMPTS": "3",
    "WEBHOOK_BACKOFF_SECONDS": "1",
    "WEBHOOK_BACKOFF_MAX_SECONDS": "2",
    "WEBHOOK_CONNECT_SECONDS": "1",
    "WEBHOOK_TIMEOUT_SECONDS": "2",
}


@pytest.fixture
def allow_receiver(settings: Any) -> None:
    # This process checks the URL at creation and fixes each delivery's number of attempts.
    settings.WEBHOOK_ALLOW_NETWORKS = ["127.0.0.1"]
    settings.WEBHOOK_MAX_ATTEMPTS = int(WORKER_SETTINGS["WEBHOOK_MAX_ATTEMPTS"])


def a_cleared_draft(newsroom: Any, editor: Any) -> Any:
    """A draft whose only claim is dismissed (nothing blocks it), then cleared."""
    (claim,) = seed_claims(newsroom=newsroom, by=editor, count=1, label="hook")
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.DISMISSED)
    return draft_clear(draft=claim.draft, by=editor)


def test_a_cleared_draft_reaches_the_receiver_signed(
    start_worker: Callable[..., Worker],
    newsroom: Any,
    editor: Any,
    newsadmin: Any,
    allow_receiver: None,
) -> None:
    start_worker(**WORKER_SETTINGS)
    with Receiver("127.0.0.1") as receiver:
        hook = webhook_create(
            newsroom=newsroom, url=receiver.url, events=[Event.DRAFT_CLEARED], by=newsadmin
        )
        receiver.secret = hook.secret
        draft = a_cleared_draft(newsroom, editor)
        wait_for(lambda: bool(receiver.received), timeout=30, what="the delivery")
        (got,) = receiver.received
    assert got.signature_ok
    assert got.headers["x-factcheck-event"] == "draft.cleared"
    body = json.loads(got.body)
    assert body["event"] == "draft.cleared" and body["data"]["draft"]["id"] == draft.pk
    delivery = Delivery.objects.get(webhook=hook)
    wait_for(
        lambda: Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.SUCCEEDED,
        timeout=10,
        what="the delivery to be recorded",
    )
    assert DeliveryAttempt.objects.filter(delivery=delivery).count() == 1


def test_a_receiver_that_is_down_gets_bounded_attempts_in_the_log(
    start_worker: Callable[..., Worker],
    newsroom: Any,
    editor: Any,
    newsadmin: Any,
    allow_receiver: None,
) -> None:
    start_worker(**WORKER_SETTINGS)
    with Receiver("127.0.0.1") as receiver:
        receiver.statuses = [503]  # down, every time
        hook = webhook_create(
            newsroom=newsroom, url=receiver.url, events=[Event.DRAFT_CLEARED], by=newsadmin
        )
        receiver.secret = hook.secret
        a_cleared_draft(newsroom, editor)

        def failed() -> bool:
            return Delivery.objects.filter(webhook=hook, status=Delivery.Status.FAILED).exists()

        wait_for(failed, timeout=60, what="the delivery to fail after its attempts")
        posts = len(receiver.received)
    delivery = Delivery.objects.get(webhook=hook)
    attempts = list(DeliveryAttempt.objects.filter(delivery=delivery).order_by("number"))
    assert [a.number for a in attempts] == [1, 2, 3] == list(range(1, posts + 1))
    assert {a.status_code for a in attempts} == {503}
    assert delivery.attempts == 3
    # Backed off between attempts, not sent back to back.
    assert attempts[-1].created_at > attempts[0].created_at
