"""Writes for webhooks: a newsroom admin's hooks (create, edit, delete, re-send a delivery), the
deliveries the lower apps' events create, and each attempt's outcome.

The handlers (``on_*``) run inside the transaction of the change that emitted the event (see
``factcheck.events``): the deliveries commit or roll back with it, and their task is sent only
after the commit. A newsroom without a hook for the event costs one query.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from factcheck import events
from factcheck.errors import FactcheckError
from factcheck.fetch import IPNetwork, allow_networks
from factcheck.history.services import audit_record
from factcheck.newsrooms.access import Capability, require
from factcheck.newsrooms.models import Newsroom
from factcheck.webhooks import payloads
from factcheck.webhooks.models import Delivery, DeliveryAttempt, Event, Webhook
from factcheck.webhooks.targets import Target, TargetRefused, TargetUnreachable, check_target

if TYPE_CHECKING:
    from django.contrib.auth.models import User

D = Delivery.Status
ADMINS_ONLY = "Only the newsroom's admins manage its webhooks."
# A delivery "sending" for longer than the task's hard time limit lost its worker: it may go again.
SENDING_LEASE = timedelta(seconds=120)


# --- Targets ---------------------------------------------------------------------------------


def allowed_networks() -> tuple[IPNetwork, ...]:
    return allow_networks(settings.WEBHOOK_ALLOW_NETWORKS)


def target_for(url: str) -> Target:
    """The checked target of ``url`` (:mod:`factcheck.webhooks.targets`); raises TargetRefused
    or TargetUnreachable."""
    return check_target(
        url, allow=allowed_networks(), resolve_seconds=settings.WEBHOOK_CONNECT_SECONDS
    )


def _checked_url(url: str) -> str:
    try:
        target = target_for(url)
    except TargetRefused as exc:
        raise FactcheckError(str(exc)) from None
    except TargetUnreachable as exc:
        raise FactcheckError(f"{exc} Check the webhook URL.") from None
    return str(target.url)


def _events(chosen: Sequence[str]) -> list[str]:
    unknown = sorted(set(chosen) - set(Event.values))
    if unknown:
        raise FactcheckError(f"Unknown webhook events: {', '.join(unknown)}.")
    if not chosen:
        raise FactcheckError("Choose at least one event for the webhook.")
    return [event for event in Event.values if event in chosen]  # in the table's order


# --- Hooks ---------------------------------------------------------------------------------------


@transaction.atomic
def webhook_create(
    *, newsroom: Newsroom, url: str, events: Sequence[str], by: User | None
) -> Webhook:
    """A new hook with a fresh secret; its URL is refused (FactcheckError, a sentence for the
    admin) when it breaks a rule of :mod:`factcheck.webhooks.targets`."""
    require(
        by=by, newsroom_id=newsroom.pk, capability=Capability.MANAGE_MEMBERS, message=ADMINS_ONLY
    )
    chosen = _events(events)
    checked = _checked_url(url)
    webhook = Webhook.objects.create(
        newsroom=newsroom,
        url=checked,
        secret="whsec_" + secrets.token_urlsafe(32),
        events=chosen,
        created_by=by,
    )
    audit_record(
        obj=webhook,
        action="created",
        actor=by,
        summary=f"Webhook to {checked} created ({', '.join(chosen)})",
        newsroom_id=newsroom.pk,
        draft_id=None,
        changes={"url": (None, checked), "events": (None, chosen), "active": (None, True)},
    )
    return webhook


@transaction.atomic
def webhook_update(
    *, webhook: Webhook, events: Sequence[str], active: bool, by: User | None
) -> Webhook:
    """Change which events the hook receives and whether it is on."""
    current = Webhook.objects.select_for_update().select_related("newsroom").get(pk=webhook.pk)
    require(
        by=by, newsroom_id=current.newsroom_id, capability=Capability.MANAGE_MEMBERS,
        message=ADMINS_ONLY,
    )  # fmt: skip
    chosen = _events(events)
    changes: dict[str, tuple[Any, Any]] = {}
    if chosen != current.events:
        changes["events"] = (current.events, chosen)
    if active != current.active:
        changes["active"] = (current.active, active)
    if not changes:
        return current
    current.events, current.active = chosen, active
    current.save(update_fields=["events", "active", "updated_at"])
    said = []
    if "events" in changes:
        said.append(f"events {', '.join(chosen)}")
    if "active" in changes:
        said.append("turned on" if active else "paused")
    audit_record(
        obj=current,
        action="edited",
        actor=by,
        summary=f"Webhook to {current.url}: {'; '.join(said)}",
        newsroom_id=current.newsroom_id,
        draft_id=None,
        changes=changes,
    )
    return current


@transaction.atomic
def webhook_delete(*, webhook: Webhook, by: User | None) -> None:
    """Delete the hook and its delivery log; the history keeps that it existed."""
    current = Webhook.objects.select_for_update().filter(pk=webhook.pk).first()
    if current is None:
        return  # deleted meanwhile (a double click): nothing left to do
    require(
        by=by, newsroom_id=current.newsroom_id, capability=Capability.MANAGE_MEMBERS,
        message=ADMINS_ONLY,
    )  # fmt: skip
    audit_record(
        obj=current,
        action="deleted",
        actor=by,
        summary=f"Webhook to {current.url} deleted",
        newsroom_id=current.newsroom_id,
        draft_id=None,
        changes={"url": (current.url, None)},
    )
    current.delete()


@transaction.atomic
def delivery_resend(*, delivery: Delivery, by: User | None) -> Delivery:
    """Send a finished delivery again (same id and payload, a new attempt, a new round of
    retries). Refused while it is still queued, or when its hook is paused."""
    current = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("webhook")
        .get(pk=delivery.pk)
    )
    hook = current.webhook
    require(
        by=by, newsroom_id=hook.newsroom_id, capability=Capability.MANAGE_MEMBERS,
        message=ADMINS_ONLY,
    )  # fmt: skip
    if current.status not in (D.SUCCEEDED, D.FAILED):
        raise FactcheckError("This delivery is still queued: it will be sent without a re-send.")
    if not hook.active:
        raise FactcheckError("This webhook is paused: turn it on to re-send its deliveries.")
    now = timezone.now()
    current.status = D.PENDING
    current.attempt_limit = current.attempts + settings.WEBHOOK_MAX_ATTEMPTS
    current.next_attempt_at = now
    current.resent_by, current.resent_at = by, now
    current.save(
        update_fields=[
            "status", "attempt_limit", "next_attempt_at", "resent_by", "resent_at", "updated_at",
        ]
    )  # fmt: skip
    _enqueue([current.pk])
    return current


# --- Events → deliveries -----------------------------------------------------------------------


def _hooks(event: str, draft_id: int) -> list[Webhook]:
    """The active hooks of the draft's newsroom that receive ``event`` (one query)."""
    hooks = Webhook.objects.filter(newsroom__drafts=draft_id, active=True)
    return [hook for hook in hooks.select_related("newsroom") if event in hook.events]


def deliveries_create(
    *, hooks: Sequence[Webhook], event: str, data: Sequence[dict[str, Any]]
) -> list[Delivery]:
    """One delivery per hook and item of ``data``, in the caller's transaction; each is sent
    after the commit (nothing is sent for a change rolled back)."""
    now = timezone.now()
    rows = [
        Delivery(
            webhook=hook,
            event=event,
            payload=item,
            occurred_at=now,
            attempt_limit=settings.WEBHOOK_MAX_ATTEMPTS,
            next_attempt_at=now,
        )
        for hook in hooks
        for item in data
    ]
    with transaction.atomic():
        Delivery.objects.bulk_create(rows)
        _enqueue([row.pk for row in rows])
    return rows


def _enqueue(ids: list[int]) -> None:
    from factcheck.webhooks.tasks import webhook_deliver

    transaction.on_commit(lambda: [webhook_deliver.delay(pk) for pk in ids])


def on_clearance_changed(event: events.DraftClearanceChanged) -> None:
    name = Event.DRAFT_CLEARED if event.cleared else Event.DRAFT_UNCLEARED
    hooks = _hooks(name, event.draft.pk)
    if hooks:
        data = payloads.draft_clearance(event.draft, by=event.by, why=event.why)
        deliveries_create(hooks=hooks, event=name, data=[data])


def on_claim_approved(event: events.ClaimApproved) -> None:
    hooks = _hooks(Event.CLAIM_APPROVED, event.claim.draft_id)
    if hooks:
        data = payloads.claim_approved(event.claim, by=event.by)
        deliveries_create(hooks=hooks, event=Event.CLAIM_APPROVED, data=[data])


def on_task_assigned(event: events.TaskAssigned) -> None:
    hooks = _hooks(Event.TASK_ASSIGNED, event.task.draft_id)
    if hooks:
        data = payloads.task_assigned(event.task, by=event.by)
        deliveries_create(hooks=hooks, event=Event.TASK_ASSIGNED, data=[data])


def on_revision_imported(event: events.RevisionImported) -> None:
    hooks = _hooks(Event.REVISION_LOADED, event.revision.draft_id)
    if hooks:
        data = payloads.revision_loaded(event.revision)
        deliveries_create(hooks=hooks, event=Event.REVISION_LOADED, data=[data])


def on_findings_opened(event: events.FindingsOpened) -> None:
    if not event.findings:
        return
    first = event.findings[0]
    hooks = _hooks(Event.FINDING_OPENED, first.draft_id)
    if hooks:
        draft = first.revision.draft
        data = [payloads.finding_opened(finding, draft) for finding in event.findings]
        deliveries_create(hooks=hooks, event=Event.FINDING_OPENED, data=data)


# --- Attempts ----------------------------------------------------------------------------------


def delivery_begin(*, delivery_id: int) -> Delivery | None:
    """Claim the delivery for one attempt (counted); None when it is gone, finished, or another
    worker is sending it: a duplicate of the task sends nothing. A delivery left "sending" by a
    killed worker is let through once its lease is over."""
    now = timezone.now()
    claimable = Q(status__in=[D.PENDING, D.RETRYING]) | Q(
        status=D.SENDING, started_at__lt=now - SENDING_LEASE
    )
    updated = Delivery.objects.filter(claimable, pk=delivery_id).update(
        status=D.SENDING, started_at=now, attempts=F("attempts") + 1, next_attempt_at=None
    )
    if not updated:
        return None
    return Delivery.objects.select_related("webhook__newsroom").get(pk=delivery_id)


def deliveries_requeue_lost(*, idle_for: timedelta) -> list[int]:
    """Send the task again for deliveries whose message was lost (a broker down when the change
    committed, a worker killed holding it); their ids. A delivery due for longer than
    ``idle_for`` (the broker's visibility timeout) and still waiting, or "sending" past its
    lease, is enqueued again; a duplicate is harmless (:func:`delivery_begin`)."""
    from factcheck.webhooks.tasks import webhook_deliver

    now = timezone.now()
    lost = Q(status__in=[D.PENDING, D.RETRYING], next_attempt_at__lt=now - idle_for) | Q(
        status=D.SENDING, started_at__lt=now - SENDING_LEASE
    )
    ids = list(Delivery.objects.filter(lost).values_list("pk", flat=True)[:1000])
    for pk in ids:
        webhook_deliver.delay(pk)
    return ids


@dataclass(frozen=True)
class Outcome:
    """What one POST came to: ``ok`` (a 2xx), else whether another attempt may help."""

    ok: bool
    retryable: bool
    status_code: int | None = None
    error: str = ""
    duration_ms: int = 0


@transaction.atomic
def delivery_record(*, delivery: Delivery, outcome: Outcome) -> float | None:
    """Log the attempt and settle the delivery: succeeded, retrying (the countdown in seconds
    is returned) or failed for good (its attempts used up, or an error no retry mends)."""
    locked = Delivery.objects.select_for_update().filter(pk=delivery.pk, status=D.SENDING).first()
    if locked is None:
        return None  # deleted with its hook meanwhile, or re-claimed after the lease: not ours
    retry_in: float | None = None
    if outcome.ok:
        status, kind = D.SUCCEEDED, DeliveryAttempt.Outcome.SUCCEEDED
    elif outcome.retryable and delivery.attempts < delivery.attempt_limit:
        status, kind = D.RETRYING, DeliveryAttempt.Outcome.RETRY
        retry_in = backoff(delivery.attempts)
    else:
        status, kind = D.FAILED, DeliveryAttempt.Outcome.FAILED
    error = outcome.error
    if kind == DeliveryAttempt.Outcome.FAILED and outcome.retryable:
        error = f"{error} (gave up after {delivery.attempts} attempts)"
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        outcome=kind,
        status_code=outcome.status_code,
        error=error[:500],
        duration_ms=outcome.duration_ms,
    )
    next_at = timezone.now() + timedelta(seconds=retry_in) if retry_in is not None else None
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status,
        last_status_code=outcome.status_code,
        last_error=error[:500],
        next_attempt_at=next_at,
    )
    return retry_in


def delivery_give_up(*, delivery_id: int, reason: str) -> None:
    """The delivery failed for good without an answer (its task killed the worker each time):
    failed, with ``reason`` in its log."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .filter(pk=delivery_id)
            .exclude(status__in=[D.SUCCEEDED, D.FAILED])
            .first()
        )
        if delivery is None:
            return
        logged = delivery.attempt_log.aggregate(last=Max("number"))["last"] or 0
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=max(delivery.attempts, logged + 1),
            outcome=DeliveryAttempt.Outcome.FAILED,
            status_code=None,
            error=reason[:500],
            duration_ms=0,
        )
        Delivery.objects.filter(pk=delivery_id).update(
            status=D.FAILED, last_error=reason[:500], next_attempt_at=None
        )


def backoff(attempts: int) -> float:
    """Seconds before the next attempt after ``attempts``: exponential (base, 2×base, 4×base…)
    with jitter (between half and all of it), capped."""
    ceiling = min(
        float(settings.WEBHOOK_BACKOFF_MAX_SECONDS),
        settings.WEBHOOK_BACKOFF_SECONDS * 2.0 ** max(0, attempts - 1),
    )
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - jitter, not security
