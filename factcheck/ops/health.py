"""``/healthz``: is the database up, does the broker answer, is a worker listening?

Each check is timed and answers ``{"ok": true, "ms": …}`` or ``{"ok": false, "error": …}``,
where the error is the kind of failure only (an exception's class, or a fixed sentence): an
exception's message may hold a URL with a password. 200 when every check passed, 503 otherwise.

A result is kept in the process for ``HEALTH_CACHE_SECONDS``, so that a load balancer probing
every few seconds costs a query now and then, and a broadcast ping to the workers (which waits
``HEALTH_WORKER_TIMEOUT_SECONDS`` for answers) cannot pile up. ``?only=database`` (or a
comma-separated list) runs some of the checks: a web server's liveness should not depend on the
workers.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from factcheck.celery import app as celery_app

Result = dict[str, Any]
logger = logging.getLogger(__name__)


class CheckFailed(Exception):
    """A check's failure, in a sentence that is safe to show to anyone."""


def check_database() -> Result:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_broker() -> Result:
    """Connect to the broker (Redis: and ping it); the filesystem broker: its folder is there."""
    url = str(celery_app.conf.broker_url)
    if url.startswith("filesystem://"):
        folder = celery_app.conf.broker_transport_options.get("data_folder_in", "")
        if not (folder and os.path.isdir(folder) and os.access(folder, os.W_OK)):
            raise CheckFailed("the broker's folder is missing or read-only")
        return {}
    timeout = settings.HEALTH_WORKER_TIMEOUT_SECONDS
    options = {"socket_connect_timeout": timeout, "socket_timeout": timeout}
    with celery_app.connection_for_write(transport_options=options) as conn:
        conn.ensure_connection(max_retries=0, timeout=timeout)
        client = getattr(conn.default_channel, "client", None)
        if client is not None:
            client.ping()
    return {}


def check_workers() -> Result:
    """A broadcast ping, done at the first answer (a worker is listening) or failed after the
    timeout (none is). Waiting for every worker would always cost the whole timeout."""
    replies = celery_app.control.ping(timeout=settings.HEALTH_WORKER_TIMEOUT_SECONDS, limit=1)
    if not replies:
        raise CheckFailed("no worker answered the ping")
    return {"workers": len(replies)}


CHECKS: dict[str, Callable[[], Result]] = {
    "database": check_database,
    "broker": check_broker,
    "workers": check_workers,
}

_cache: dict[tuple[str, ...], tuple[float, dict[str, Result]]] = {}
_lock = threading.Lock()


def health_cache_clear() -> None:
    with _lock:
        _cache.clear()


def _run(name: str) -> Result:
    started = time.perf_counter()
    try:
        result = {"ok": True, **CHECKS[name]()}
    except Exception as exc:  # a failed check is the answer, not an error of this view
        message = str(exc) if isinstance(exc, CheckFailed) else type(exc).__name__
        result = {"ok": False, "error": message}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def health_checks(names: tuple[str, ...]) -> dict[str, Result]:
    """The named checks' results, at most HEALTH_CACHE_SECONDS old. One thread runs them at a
    time: the others wait for its answer rather than ping the workers again."""
    with _lock:
        cached = _cache.get(names)
        now = time.monotonic()
        if cached and cached[0] > now:
            return cached[1]
        results: dict[str, Result] = {}
        for name in names:
            if name == "workers" and not results.get("broker", {"ok": True})["ok"]:
                # The ping goes through the broker: it would only retry for seconds.
                results[name] = {"ok": False, "error": "the broker is down", "ms": 0.0}
            else:
                results[name] = _run(name)
        _cache[names] = (time.monotonic() + settings.HEALTH_CACHE_SECONDS, results)
        return results


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    wanted = request.GET.get("only", "")
    names = tuple(n.strip() for n in wanted.split(",") if n.strip()) if wanted else tuple(CHECKS)
    unknown = sorted(set(names) - set(CHECKS))
    if unknown:
        return JsonResponse(
            {"error": f"Unknown check {', '.join(unknown)}; choose from {', '.join(CHECKS)}."},
            status=400,
        )
    results = health_checks(names)
    failed = [name for name, result in results.items() if not result["ok"]]
    response = JsonResponse(
        {"status": "fail" if failed else "ok", "checks": results}, status=503 if failed else 200
    )
    if failed:
        # One warning naming the failed checks, instead of Django's error for every 503 (a probe
        # every few seconds would flood the logs, and Sentry).
        logger.warning("Health check failed: %s", ", ".join(failed))
        response._has_been_logged = True  # type: ignore[attr-defined]
    return response
