"""What every source backend shares: the Hit it returns, its two errors, and the HTTP path with
timeouts, a descriptive User-Agent, a per-source rate limit and a cache of answers."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from html import unescape
from typing import Any

import httpx
from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)


class SourceError(Exception):
    """A failure a retry won't cure; ``str(exc)`` is shown to the user."""


class TransientError(Exception):
    """A failure a retry may cure: a timeout, 429, a 5xx answer, the rate limit."""


@dataclass
class Hit:
    url: str
    title: str
    snippet: str = ""
    highlights: list[tuple[int, int]] = field(default_factory=list)
    score: float = 0.0
    publisher: str = ""
    rating: str = ""
    review_date: date | None = None


_clients = threading.local()


def http_client() -> httpx.Client:
    """This thread's HTTP client, kept for the thread's life (a worker's pool threads live long).

    ``httpx.get`` builds a client per call, and with it a TLS context: about 20 ms of CPU under
    the GIL, which held a threads-pool worker near 20 lookups a second. A client per thread
    also keeps its connections alive without a pool shared, and locked, across threads.
    """
    client = getattr(_clients, "client", None)
    if client is None:
        client = _clients.client = httpx.Client()
    return client


class DeadlineExceeded(TransientError):
    """The lookup used up its time (LOOKUP_DEADLINE_SECONDS): requests, waits and all."""


_deadline: ContextVar[tuple[float, int] | None] = ContextVar("lookup_deadline", default=None)


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Within the block, every request and wait of :func:`get_json` ends by ``seconds`` from
    now, counted together; past it they raise :class:`DeadlineExceeded`. This is what bounds a
    lookup under the threads pool, where nothing can stop a thread that waits on a socket."""
    token = _deadline.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def time_left() -> float | None:
    """Seconds left before the deadline (None: no deadline); past it, DeadlineExceeded."""
    current = _deadline.get()
    if current is None:
        return None
    left = current[0] - time.monotonic()
    if left <= 0:
        raise _past_deadline(current[1])
    return left


def _past_deadline(seconds: int) -> DeadlineExceeded:
    return DeadlineExceeded(f"no answer within the lookup's time limit of {seconds} s")


def get_json(source: str, url: str, params: dict[str, Any], *, newsroom_id: int) -> Any:
    """GET ``url`` with ``params`` for ``newsroom_id`` and return the decoded JSON, from the
    newsroom's cache when fresh.

    The cache is the newsroom's own: a shared one would answer a newsroom at once for words
    another newsroom had looked up, and the timing would tell it so. The request takes a token
    of the source's rate limit and of the newsroom's share of it."""
    key = (
        f"lookup:{newsroom_id}:{source}:"
        + hashlib.sha256(
            json.dumps([url, sorted(params.items())], default=str).encode()
        ).hexdigest()
    )
    ttl = settings.LOOKUP_CACHE_SECONDS
    cached = _cache_get(key) if ttl > 0 else None  # 0: answers are not cached
    if cached is not None:
        return cached
    _take_rate_token(source, newsroom_id)
    timeout = float(settings.LOOKUP_TIMEOUT_SECONDS)
    left = time_left()
    bound = _deadline.get()
    cut_by_deadline = left is not None and left < timeout
    if left is not None and left < timeout:
        timeout = left
    try:
        status, body = _get(url, params, timeout)
    except httpx.TimeoutException:
        if cut_by_deadline and bound is not None:
            raise _past_deadline(bound[1]) from None
        raise TransientError(f"timed out after {settings.LOOKUP_TIMEOUT_SECONDS} s") from None
    except httpx.TransportError as exc:
        raise TransientError(f"could not connect ({type(exc).__name__})") from None
    response = httpx.Response(status, content=body)
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientError(f"the service answered {response.status_code}")
    if response.status_code in (401, 403):
        raise SourceError(
            f"the service refused the request ({response.status_code}): check the API key"
            + _explained(response)
        )
    if response.status_code >= 400:
        raise SourceError(f"the service answered {response.status_code}" + _explained(response))
    try:
        data = response.json()
    except ValueError:
        raise SourceError("the service's answer was not JSON") from None
    # An error answer with status 200 (MediaWiki's maxlag, say) is not worth keeping: the retry
    # must ask again.
    if ttl > 0 and not (isinstance(data, dict) and "error" in data):
        _cache_set(key, data, ttl)
    return data


MAX_ANSWER_BYTES = 20 * 1024 * 1024


def _get(url: str, params: dict[str, Any], timeout: float) -> tuple[int, bytes]:
    """The status and body of a GET; each read waits at most ``timeout``, and the deadline is
    checked between reads, so a service that trickles its answer is cut off too."""
    with http_client().stream(
        "GET",
        url,
        params=params,
        timeout=timeout,
        headers={"User-Agent": settings.LOOKUP_USER_AGENT, "Accept": "application/json"},
        follow_redirects=True,
    ) as response:
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > MAX_ANSWER_BYTES:
                raise SourceError("the service's answer was larger than 20 MB")
            time_left()
        return response.status_code, bytes(body)


def _cache_get(key: str) -> Any:
    """The cached answer, or None: a cache away for a moment (a Redis restart) only costs the
    request it would have saved."""
    try:
        return cache.get(key)
    except Exception:
        log.warning("the lookup cache could not be read", exc_info=True)
        return None


def _cache_set(key: str, data: Any, ttl: int) -> None:
    try:
        cache.set(key, data, ttl)
    except Exception:
        log.warning("the lookup cache could not be written", exc_info=True)


def _explained(response: httpx.Response) -> str:
    """The service's own explanation of a refusal (Google puts it in error.message)."""
    try:
        error = response.json().get("error", {})
    except (ValueError, AttributeError):
        return ""
    if not isinstance(error, dict):
        return ""
    message = str(error.get("message") or error.get("info") or "").strip()
    return f": {message[:200]}" if message else ""


def _take_rate_token(source: str, newsroom_id: int) -> None:
    """At most LOOKUP_RATE_PER_SECOND requests per source per second across all workers, and at
    most LOOKUP_NEWSROOM_RATE_PER_SECOND of them for one newsroom, so that one newsroom's burst
    leaves the others room (the counters live in the shared cache). Over either, wait for the
    next second, within the lookup's deadline; after a few seconds, let the task retry. A
    newsroom over its share takes no token of the source's."""
    limits = (
        (f"lookup-rate:{source}:n{newsroom_id}", settings.LOOKUP_NEWSROOM_RATE_PER_SECOND),
        (f"lookup-rate:{source}", settings.LOOKUP_RATE_PER_SECOND),
    )
    for prefix, limit in limits:
        _take_token(prefix, limit)


def _take_token(prefix: str, limit: int) -> None:
    for _ in range(20):
        second = int(time.time())
        key = f"{prefix}:{second}"
        try:
            count = _count(key)
        except Exception:
            # The cache is away (a Redis restart): the lookup goes ahead unthrottled rather
            # than fail; the source's own 429 is still a transient error.
            log.warning("the lookup rate limit could not be counted", exc_info=True)
            return
        if count <= limit:
            return
        wait = max(0.0, second + 1 - time.time()) + 0.01
        left = time_left()
        if left is not None and left < wait:
            time.sleep(left)
            time_left()  # raises: the deadline passed while waiting for a token
        time.sleep(wait)
    raise TransientError(f"rate limit of {limit} requests a second reached")


def _count(key: str) -> int:
    """Add one to the counter ``key`` (made, for 5 s, by the first request of its second)."""
    for _ in range(3):
        try:
            return int(cache.incr(key))  # one round trip, except for a second's first request
        except ValueError:  # no counter yet for this second
            if cache.add(key, 1, timeout=5):
                return 1
            # another worker started it first: count on it
    return int(cache.incr(key))


def highlight(text: str, query: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that match the query's words (3+ letters), for the snippet marks."""
    words = {w.lower() for w in re.findall(r"\w{3,}", query)}
    return [(m.start(), m.end()) for m in re.finditer(r"\w+", text) if m.group().lower() in words]


def strip_tags(html: str) -> str:
    """Text of a MediaWiki search snippet (it marks matches with <span class="searchmatch">)."""
    return unescape(re.sub(r"<[^>]+>", "", html))
