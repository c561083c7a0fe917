"""Signing a webhook delivery, and checking a signature as a receiver does.

Every delivery carries ``X-Factcheck-Timestamp`` (Unix seconds when it was sent) and
``X-Factcheck-Signature: sha256=<hex>``, the HMAC-SHA256 of ``f"{timestamp}.{body}"`` under the
webhook's secret, ``body`` being the exact bytes received. A receiver recomputes it, compares in
constant time, and refuses a timestamp further than :data:`REPLAY_WINDOW_SECONDS` from its own
clock: a captured request cannot be replayed later, and the signature covers the timestamp, so
it cannot be refreshed. Within the window, the delivery id (``X-Factcheck-Delivery``) tells a
repeat apart. Plain Python: a receiver written in Python can copy :func:`verify`.
"""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="
REPLAY_WINDOW_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Factcheck-Signature`` header's value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256)
    return PREFIX + mac.hexdigest()


def verify(
    secret: str,
    *,
    header: str,
    timestamp: str,
    body: bytes,
    now: float,
    window: int = REPLAY_WINDOW_SECONDS,
) -> bool:
    """Whether ``header`` signs ``body`` at ``timestamp`` and ``timestamp`` is within ``window``
    seconds of ``now`` (either way: clocks drift)."""
    if not timestamp.isdigit() or abs(now - int(timestamp)) > window:
        return False
    return hmac.compare_digest(header.encode(), signature(secret, int(timestamp), body).encode())
