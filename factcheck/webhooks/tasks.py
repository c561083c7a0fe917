"""The delivery task: a thin adapter from a delivery id to one attempt and its outcome."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from factcheck.webhooks.sending import send
from factcheck.webhooks.services import (
    Outcome,
    deliveries_requeue_lost,
    delivery_begin,
    delivery_give_up,
    delivery_record,
)
from factcheck.workers import sweep, when_poisoned


@shared_task(
    bind=True,
    acks_late=True,  # idempotent: delivery_begin claims the row, a succeeded one is never sent
    reject_on_worker_lost=True,
    soft_time_limit=60,  # the POST has its own, shorter limits (WEBHOOK_*_SECONDS)
    time_limit=90,
    max_retries=None,  # bounded by the delivery's attempt_limit (WEBHOOK_MAX_ATTEMPTS)
)
def webhook_deliver(self, delivery_id: int) -> None:  # type: ignore[no-untyped-def]
    delivery = delivery_begin(delivery_id=delivery_id)
    if delivery is None:  # gone, finished, or another worker has it
        return
    try:
        outcome = send(delivery)
    except SoftTimeLimitExceeded:
        outcome = Outcome(ok=False, retryable=True, error="Took longer than the task's limit.")
    retry_in = delivery_record(delivery=delivery, outcome=outcome)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@sweep
def requeue_lost_deliveries(idle_for: timedelta) -> None:
    """Send again the deliveries whose messages were lost (a worker killed, a Redis restarted)."""
    deliveries_requeue_lost(idle_for=idle_for)


@when_poisoned("factcheck.webhooks.tasks.webhook_deliver")
def delivery_poisoned(delivery_id: int, *, deliveries: int) -> None:
    delivery_give_up(
        delivery_id=delivery_id,
        reason=f"Sending it stopped the worker {deliveries} times; it was not tried again.",
    )
