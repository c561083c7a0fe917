"""One attempt of a delivery: the body, its signature, the target checked again, the POST.

:func:`send` never raises for what the receiver or the network does: it returns an
:class:`~factcheck.webhooks.services.Outcome` that says whether another attempt may help
(connection errors, time-outs, 5xx and 429) or not (any other answer, a refused target).
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from django.conf import settings

from factcheck.webhooks.models import Delivery
from factcheck.webhooks.services import Outcome, target_for
from factcheck.webhooks.signing import signature
from factcheck.webhooks.targets import TargetRefused, TargetUnreachable, post


def body(delivery: Delivery, timestamp: int) -> bytes:
    """The JSON sent: the event, the delivery's id, when it was sent and when it happened, the
    newsroom, and the event's data."""
    document: dict[str, Any] = {
        "event": delivery.event,
        "delivery": delivery.pk,
        "timestamp": timestamp,
        "occurred_at": delivery.occurred_at.isoformat().replace("+00:00", "Z"),
        "newsroom": delivery.webhook.newsroom.slug,
        "data": delivery.payload,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def headers(delivery: Delivery, timestamp: int, content: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": settings.WEBHOOK_USER_AGENT,
        "X-Factcheck-Event": delivery.event,
        "X-Factcheck-Delivery": str(delivery.pk),
        "X-Factcheck-Attempt": str(delivery.attempts),
        "X-Factcheck-Timestamp": str(timestamp),
        "X-Factcheck-Signature": signature(delivery.webhook.secret, timestamp, content),
    }


def send(delivery: Delivery) -> Outcome:
    hook = delivery.webhook
    if not hook.active:
        return Outcome(ok=False, retryable=False, error="The webhook was paused: not sent.")
    try:
        target = target_for(hook.url)  # again: the name may point elsewhere by now
    except TargetRefused as exc:
        return Outcome(ok=False, retryable=False, error=f"Not sent: {exc}")
    except TargetUnreachable as exc:
        return Outcome(ok=False, retryable=True, error=str(exc))
    timestamp = int(time.time())
    content = body(delivery, timestamp)
    started = time.monotonic()
    try:
        code = post(
            target,
            body=content,
            headers=headers(delivery, timestamp, content),
            connect_seconds=settings.WEBHOOK_CONNECT_SECONDS,
            timeout_seconds=settings.WEBHOOK_TIMEOUT_SECONDS,
        )
    except httpx.TimeoutException:
        return Outcome(
            ok=False,
            retryable=True,
            error=f"No answer within {settings.WEBHOOK_TIMEOUT_SECONDS} seconds.",
            duration_ms=_since(started),
        )
    except httpx.ConnectError:
        return Outcome(
            ok=False,
            retryable=True,
            error=f"Could not connect to {target.url.host}.",
            duration_ms=_since(started),
        )
    except httpx.HTTPError as exc:
        return Outcome(
            ok=False,
            retryable=True,
            error=f"The connection failed: {type(exc).__name__}.",
            duration_ms=_since(started),
        )
    duration = _since(started)
    if 200 <= code < 300:
        return Outcome(ok=True, retryable=False, status_code=code, duration_ms=duration)
    retryable = code == 429 or code >= 500
    if 300 <= code < 400:
        error = f"The receiver answered {code}, a redirect: redirects are not followed."
    else:
        error = f"The receiver answered {code}."
    return Outcome(
        ok=False, retryable=retryable, status_code=code, error=error, duration_ms=duration
    )


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
