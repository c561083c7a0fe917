"""``/healthz`` with a real ``celery worker`` on Redis and PostgreSQL: every check passes while
the worker runs and the workers' check fails once it is gone; a task sent during a request logs
(as JSON) with that request's id."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from factcheck.ops import health
from factcheck.ops.logs import request_id_var
from tests.integration.conftest import Worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_health(settings: Any) -> None:
    settings.HEALTH_WORKER_TIMEOUT_SECONDS = 1.0
    settings.HEALTH_CACHE_SECONDS = 0
    health.health_cache_clear()


def test_healthz_is_200_with_a_worker_and_503_without(
    start_worker: Callable[..., Worker],
) -> None:
    worker = start_worker(concurrency=2)

    up = Client().get("/healthz")
    worker.stop()
    down = Client().get("/healthz")

    body = json.loads(up.content)
    assert up.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["workers"]["workers"] == 1
    assert body["checks"]["broker"]["ok"] is True
    assert down.status_code == 503
    assert json.loads(down.content)["checks"]["workers"]["ok"] is False
    assert json.loads(down.content)["checks"]["broker"]["ok"] is True


def test_a_task_sent_during_a_request_logs_that_request_s_id(
    start_worker: Callable[..., Worker],
) -> None:
    from factcheck.notifications.tasks import notification_email

    worker = start_worker(concurrency=2, LOG_FORMAT="json", LOG_LEVEL="INFO")
    token = request_id_var.set("req-health-42")
    try:
        result = notification_email.delay(987_654_321)  # gone: the task returns quietly
    finally:
        request_id_var.reset(token)

    def finished() -> list[dict[str, Any]]:
        lines = [line for line in worker.log.read_text().splitlines() if line.startswith("{")]
        records = [json.loads(line) for line in lines]
        return [r for r in records if result.id in r["message"] and "succeeded" in r["message"]]

    wait_for(lambda: bool(finished()), timeout=20, what="the task's log line", state=worker.tail)
    records = finished()
    assert records[0]["request_id"] == f"req-health-42/{result.id}"
    assert records[0]["level"] == "INFO"
