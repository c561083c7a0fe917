"""``/healthz``: the database, the broker and the workers, each checked and timed; 200 or 503.

Here no worker runs (tests/integration/test_worker_health.py has one): the worker check fails
after its short timeout, and the endpoint answers 503 naming it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from factcheck.ops import health

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_health(settings: Any) -> Iterator[None]:
    settings.HEALTH_WORKER_TIMEOUT_SECONDS = 0.2
    settings.HEALTH_CACHE_SECONDS = 10
    health.health_cache_clear()
    yield
    health.health_cache_clear()


def get(client: Client, query: str = "") -> tuple[int, dict[str, Any]]:
    response = client.get(f"/healthz{query}")
    return response.status_code, json.loads(response.content)


def test_database_and_broker_answer_to_anyone_without_login(client: Client) -> None:
    status, body = get(client, "?only=database,broker")

    assert status == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker"}
    assert all(check["ok"] and check["ms"] >= 0 for check in body["checks"].values())


def test_no_worker_answering_is_a_503_that_names_the_check(client: Client) -> None:
    started = time.monotonic()
    status, body = get(client)
    took = time.monotonic() - started

    assert status == 503
    assert body["status"] == "fail"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["workers"] == {
        "ok": False,
        "error": "no worker answered the ping",
        "ms": body["checks"]["workers"]["ms"],
    }
    assert took < 3  # the ping's timeout, not Celery's default second and more


def test_a_broken_database_is_a_503_without_its_message(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise ConnectionError("could not connect to postgres://factcheck:s3cret@db.internal/fc")

    monkeypatch.setitem(health.CHECKS, "database", broken)

    response = client.get("/healthz?only=database")

    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["database"]["error"] == "ConnectionError"
    assert b"s3cret" not in response.content
    assert b"db.internal" not in response.content


def test_the_workers_are_not_pinged_when_the_broker_is_down(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down() -> None:
        raise OSError("Connection refused")

    def never() -> None:
        raise AssertionError("pinged the workers through a broker that is down")

    monkeypatch.setitem(health.CHECKS, "broker", down)
    monkeypatch.setitem(health.CHECKS, "workers", never)

    status, body = get(client)

    assert status == 503
    assert body["checks"]["broker"]["error"] == "OSError"
    assert body["checks"]["workers"]["error"] == "the broker is down"


def test_an_answer_is_reused_for_a_while(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def counted() -> dict[str, Any]:
        calls.append(1)
        return {}

    monkeypatch.setitem(health.CHECKS, "database", counted)

    for _ in range(20):
        assert get(client, "?only=database")[0] == 200

    assert len(calls) == 1


def test_a_stale_answer_is_checked_again(
    client: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.HEALTH_CACHE_SECONDS = 0
    calls = []
    monkeypatch.setitem(health.CHECKS, "database", lambda: calls.append(1) or {})

    get(client, "?only=database")
    get(client, "?only=database")

    assert len(calls) == 2


def test_an_unknown_check_is_a_400_naming_the_choices(client: Client) -> None:
    status, body = get(client, "?only=database,disk")

    assert status == 400
    assert body["error"] == "Unknown check disk; choose from database, broker, workers."


def test_post_is_refused(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


def test_the_answer_is_never_cached_and_carries_no_cookie(client: Client) -> None:
    response = client.get("/healthz?only=database")

    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_a_failed_check_logs_one_warning_not_an_error(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING"):
        client.get("/healthz")

    records = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    assert ("factcheck.ops.health", "WARNING", "Health check failed: workers") in records
    assert not [r for r in caplog.records if r.name == "django.request"]


def test_https_redirect_spares_the_probe(client: Client, settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz?only=database").status_code == 200
    assert client.get("/accounts/login/").status_code == 301
