"""Delivering: retries with backoff for what another attempt may mend (connection refused,
time-outs, 5xx, 429), bounded; any other answer fails at once; a delivery that succeeded is never
sent again."""

from __future__ import annotations

from typing import Any

import pytest

from factcheck.drafts.services import draft_import
from factcheck.webhooks.models import Delivery, DeliveryAttempt, Event, Webhook
from factcheck.webhooks.services import backoff, deliveries_create
from factcheck.webhooks.tasks import webhook_deliver
from tests.webhooks.conftest import make_hook
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.django_db

QUIET = "Harbour Fete Moves Indoors\n\nThe fete moves into the town hall this year.\n"


def deliver_one(hook: Webhook, capture: Any) -> Delivery:
    """One draft.cleared delivery for ``hook``, created and sent as after a commit."""
    with capture(execute=True):
        [delivery] = deliveries_create(hooks=[hook], event=Event.DRAFT_CLEARED, data=[{"x": 1}])
    delivery.refresh_from_db()
    return delivery


def outcomes(delivery: Delivery) -> list[tuple[str, int | None]]:
    rows = DeliveryAttempt.objects.filter(delivery=delivery).order_by("number")
    return [(a.outcome, a.status_code) for a in rows]


def test_a_receiver_that_is_down_gets_bounded_retries_and_the_log_shows_each(
    newsroom: Any, newsadmin: Any, closed_port_url: str, django_capture_on_commit_callbacks: Any,
    eager_retries: None,
) -> None:  # fmt: skip
    hook = make_hook(newsroom, newsadmin, closed_port_url)
    delivery = deliver_one(hook, django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 3  # WEBHOOK_MAX_ATTEMPTS in these tests
    assert outcomes(delivery) == [("retry", None), ("retry", None), ("failed", None)]
    last = DeliveryAttempt.objects.get(delivery=delivery, number=3)
    assert last.error == "Could not connect to 127.0.0.1. (gave up after 3 attempts)"
    assert delivery.last_error == last.error
    assert delivery.next_attempt_at is None


def test_a_5xx_is_retried_until_the_receiver_answers(
    newsroom: Any, newsadmin: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any,
    eager_retries: None,
) -> None:  # fmt: skip
    receiver.statuses = [503, 429, 200]
    hook = make_hook(newsroom, newsadmin, receiver.url)
    delivery = deliver_one(hook, django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert outcomes(delivery) == [("retry", 503), ("retry", 429), ("succeeded", 200)]
    # Every attempt carries the same delivery id, and its own attempt number.
    assert {r.headers["x-factcheck-delivery"] for r in receiver.received} == {str(delivery.pk)}
    assert [r.headers["x-factcheck-attempt"] for r in receiver.received] == ["1", "2", "3"]


@pytest.mark.parametrize("status", [400, 401, 404, 410, 301])
def test_a_4xx_or_a_redirect_fails_at_once(
    newsroom: Any, newsadmin: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any,
    status: int,
) -> None:  # fmt: skip
    receiver.statuses = [status]
    hook = make_hook(newsroom, newsadmin, receiver.url)
    delivery = deliver_one(hook, django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.FAILED
    assert outcomes(delivery) == [("failed", status)]
    assert len(receiver.received) == 1
    assert delivery.last_status_code == status
    assert delivery.last_error.startswith(f"The receiver answered {status}")


def test_a_receiver_slower_than_the_time_limit_is_cut_off(
    newsroom: Any, newsadmin: Any, receiver: Receiver, settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    receiver.delay = 3  # WEBHOOK_TIMEOUT_SECONDS is 1 here
    hook = make_hook(newsroom, newsadmin, receiver.url)
    delivery = deliver_one(hook, django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.last_error == "No answer within 1 seconds. (gave up after 1 attempts)"
    attempt = DeliveryAttempt.objects.get(delivery=delivery)
    assert 900 <= attempt.duration_ms < 2900


def test_a_delivery_that_succeeded_is_not_sent_again(
    newsroom: Any, editor: Any, hook: Webhook, receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        draft_import(newsroom=newsroom, by=editor, text=QUIET)
    delivery = Delivery.objects.get(webhook=hook)
    assert delivery.status == Delivery.Status.SUCCEEDED
    webhook_deliver.delay(delivery.pk)  # the broker hands the task out a second time
    webhook_deliver.delay(delivery.pk)
    assert len(receiver.received) == 1
    assert Delivery.objects.get(pk=delivery.pk).attempts == 1


def test_a_delivery_of_a_deleted_hook_is_dropped_quietly(
    newsroom: Any, editor: Any, hook: Webhook, receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        draft_import(newsroom=newsroom, by=editor, text=QUIET)
    hook.delete()
    for callback in callbacks:
        callback()
    assert receiver.received == []


def test_backoff_grows_exponentially_with_jitter_and_a_cap(settings: Any) -> None:
    settings.WEBHOOK_BACKOFF_SECONDS = 30
    settings.WEBHOOK_BACKOFF_MAX_SECONDS = 3600
    for attempts, ceiling in [(1, 30), (2, 60), (3, 120), (4, 240), (9, 3600), (30, 3600)]:
        waits = [backoff(attempts) for _ in range(50)]
        assert all(ceiling / 2 <= w <= ceiling for w in waits), (attempts, waits)
        assert len(set(waits)) > 1  # jittered: retries of many hooks do not arrive together


def test_deliveries_whose_message_was_lost_are_sent_when_a_worker_starts(
    newsroom: Any, editor: Any, hook: Webhook, receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    from datetime import timedelta

    from django.utils import timezone

    from factcheck.webhooks.services import deliveries_requeue_lost

    with django_capture_on_commit_callbacks(execute=False):  # the broker was down: lost
        draft_import(newsroom=newsroom, by=editor, text=QUIET)
    delivery = Delivery.objects.get(webhook=hook)
    assert deliveries_requeue_lost(idle_for=timedelta(minutes=5)) == []  # not overdue yet
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=10)
    )
    assert deliveries_requeue_lost(idle_for=timedelta(minutes=5)) == [delivery.pk]
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.SUCCEEDED
    assert len(receiver.received) == 1
    assert deliveries_requeue_lost(idle_for=timedelta(minutes=5)) == []


def test_a_delivery_that_killed_its_worker_too_often_ends_failed_in_the_log(
    hook: Webhook, django_capture_on_commit_callbacks: Any
) -> None:
    from factcheck.webhooks.tasks import delivery_poisoned

    with django_capture_on_commit_callbacks(execute=False):  # never sent: its worker died
        [delivery] = deliveries_create(hooks=[hook], event=Event.DRAFT_CLEARED, data=[{"x": 1}])
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENDING, attempts=3)
    delivery_poisoned(delivery.pk, deliveries=3)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    reason = "Sending it stopped the worker 3 times; it was not tried again."
    assert delivery.last_error == reason
    assert [(a.outcome, a.number, a.error) for a in delivery.attempt_log.all()] == [
        (DeliveryAttempt.Outcome.FAILED, 3, reason)
    ]
    delivery_poisoned(delivery.pk, deliveries=3)  # again: nothing more
    assert delivery.attempt_log.count() == 1
