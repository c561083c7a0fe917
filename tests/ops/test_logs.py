"""Log records carry their request's id; production writes them as JSON, one object a line."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from factcheck.ops import logs
from factcheck.ops.logs import JsonFormatter, RequestIdFilter, request_id_var

logger = logging.getLogger("factcheck.tests.ops")


def noisy(request: HttpRequest) -> HttpResponse:
    logger.info("looking at draft %s", 7, extra={"draft_id": 7})
    return HttpResponse("no", status=404)


urlpatterns = [path("noisy/", noisy)]


@pytest.fixture
def captured() -> Any:
    """A handler as settings.LOGGING's, with the JSON formatter, on the root logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@override_settings(ROOT_URLCONF="tests.ops.test_logs")
def test_every_record_of_a_request_has_its_id_django_s_own_included(captured: Any) -> None:
    response = Client().get("/noisy/", headers={"X-Request-ID": "edge-1234"})

    records = captured()
    ours = next(r for r in records if r["logger"] == "factcheck.tests.ops")
    django_warning = next(r for r in records if r["logger"] == "django.request")
    assert response["X-Request-ID"] == "edge-1234"
    assert ours["request_id"] == "edge-1234"
    assert ours["message"] == "looking at draft 7"
    assert ours["draft_id"] == 7  # extra= fields are kept
    assert ours["level"] == "INFO"
    assert ours["time"].endswith("+00:00")
    assert django_warning["request_id"] == "edge-1234"  # written after the middleware returned
    assert django_warning["message"] == "Not Found: /noisy/"


@override_settings(ROOT_URLCONF="tests.ops.test_logs")
def test_outside_a_request_the_id_is_a_dash(captured: Any) -> None:
    Client().get("/noisy/")
    logger.info("after the request")

    assert captured()[-1]["request_id"] == "-"
    assert request_id_var.get() == "-"


def test_an_exception_is_one_json_line_with_its_traceback(captured: Any) -> None:
    try:
        raise ValueError("bad offset")
    except ValueError:
        logger.exception("could not anchor")

    record = captured()[-1]
    assert record["message"] == "could not anchor"
    assert record["level"] == "ERROR"
    assert "ValueError: bad offset" in record["exception"]


def test_a_message_with_quotes_and_newlines_stays_one_line(captured: Any) -> None:
    logger.warning('a "quoted"\nmessage\twith tabs')

    assert captured()[-1]["message"] == 'a "quoted"\nmessage\twith tabs'


def test_a_task_logs_with_the_sending_request_s_id() -> None:
    """The Celery signal handlers (a real worker: tests/integration/test_worker_health.py)."""
    headers: dict[str, Any] = {}
    token = request_id_var.set("req-77")
    try:
        logs.task_headers_add(headers=headers)
    finally:
        request_id_var.reset(token)
    task: Any = type("Task", (), {"request": type("Request", (), headers)()})()

    logs.task_started(task_id="t-1", task=task)
    inside = request_id_var.get()
    logs.task_finished(task_id="t-1")

    assert headers == {"request_id": "req-77"}
    assert inside == "req-77/t-1"
    assert request_id_var.get() == "-"


def test_a_task_sent_outside_a_request_logs_its_own_id() -> None:
    headers: dict[str, Any] = {}
    logs.task_headers_add(headers=headers)
    task: Any = type("Task", (), {"request": object()})()

    logs.task_started(task_id="t-2", task=task)
    inside = request_id_var.get()
    logs.task_finished(task_id="t-2")

    assert headers == {}
    assert inside == "t-2"


def test_the_readable_format_names_the_request_id(settings: Any) -> None:
    assert settings.LOG_FORMAT == "text"
    assert "%(request_id)s" in settings.LOGGING["formatters"]["text"]["format"]
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "text"
