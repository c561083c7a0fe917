"""The sources a claim is looked up in. Each backend has one function,
``search(query, *, newsroom_id, claim_id, settings) -> list[Hit]``; REGISTRY maps names to them.

Backends raise TransientError for what a retry may cure (timeouts, 429, 5xx, rate limits) and
SourceError for what it won't (a bad API key, a malformed answer); both carry a message for the
editor. HTTP backends go through :func:`factcheck.sources.backends.base.get_json`, which caches
answers and enforces each source's rate limit.
"""

from __future__ import annotations

from collections.abc import Callable

from factcheck.sources.backends import archive, factcheck_tools, library, wikipedia
from factcheck.sources.backends.base import Hit
from factcheck.sources.models import Source

REGISTRY: dict[str, Callable[..., list[Hit]]] = {
    Source.ARCHIVE: archive.search,
    Source.LIBRARY: library.search,
    Source.WIKIPEDIA: wikipedia.search,
    Source.FACTCHECK: factcheck_tools.search,
}
