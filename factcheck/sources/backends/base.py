"""What every source backend shares: the Hit it returns, its two errors, and the HTTP path with
timeouts, a descriptive User-Agent, a per-source rate limit and a cache of answers."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from html import unescape
from typing import Any

import httpx
from django.conf import settings
from django.core.cache import cache


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


def get_json(source: str, url: str, params: dict[str, Any]) -> Any:
    """GET ``url`` with ``params`` and return the decoded JSON, from the cache when fresh."""
    key = (
        "lookup:"
        + source
        + ":"
        + hashlib.sha256(
            json.dumps([url, sorted(params.items())], default=str).encode()
        ).hexdigest()
    )
    ttl = settings.LOOKUP_CACHE_SECONDS
    cached = cache.get(key) if ttl > 0 else None  # 0: answers are not cached
    if cached is not None:
        return cached
    _take_rate_token(source)
    try:
        response = http_client().get(
            url,
            params=params,
            timeout=settings.LOOKUP_TIMEOUT_SECONDS,
            headers={"User-Agent": settings.LOOKUP_USER_AGENT, "Accept": "application/json"},
            follow_redirects=True,
        )
    except httpx.TimeoutException:
        raise TransientError(f"timed out after {settings.LOOKUP_TIMEOUT_SECONDS} s") from None
    except httpx.TransportError as exc:
        raise TransientError(f"could not connect ({type(exc).__name__})") from None
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
        cache.set(key, data, ttl)
    return data


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


def _take_rate_token(source: str) -> None:
    """At most LOOKUP_RATE_PER_SECOND requests per source per second, across all workers
    (the counter lives in the shared cache); over it, wait briefly, then let the task retry."""
    limit = settings.LOOKUP_RATE_PER_SECOND
    for _ in range(20):
        second = int(time.time())
        key = f"lookup-rate:{source}:{second}"
        try:
            count = cache.incr(key)  # one round trip, except for the first request of a second
        except ValueError:  # no counter yet for this second
            if not cache.add(key, 1, timeout=5):
                continue  # another worker started it first: count on it
            count = 1
        if count <= limit:
            return
        time.sleep(max(0.0, second + 1 - time.time()) + 0.01)
    raise TransientError(f"rate limit of {limit} requests a second reached")


def highlight(text: str, query: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that match the query's words (3+ letters), for the snippet marks."""
    words = {w.lower() for w in re.findall(r"\w{3,}", query)}
    return [(m.start(), m.end()) for m in re.finditer(r"\w+", text) if m.group().lower() in words]


def strip_tags(html: str) -> str:
    """Text of a MediaWiki search snippet (it marks matches with <span class="searchmatch">)."""
    return unescape(re.sub(r"<[^>]+>", "", html))
