"""Request ids in every log record, and the JSON formatter production logs with.

A request's id comes from its ``X-Request-ID`` header (set by the reverse proxy, so that its
access log and ours join up) or is made here; ``RequestIdMiddleware`` keeps it in a context
variable for the length of the request, and ``RequestIdFilter`` puts it on each record. A
Celery task sent during a request carries the id in its message headers, and its log records
show ``<request id>/<task id>``; a task sent from elsewhere shows its own id.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

# What we accept from a client: enough for a UUID or a proxy's own id; nothing that could forge
# a log line or a header.
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
HEADER = "request_id"  # the Celery message header


def request_id_from(header_value: str | None) -> str:
    """The client's id when it is well formed, otherwise a new one."""
    if header_value and _VALID_ID.match(header_value):
        return header_value
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request or a task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


# The attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id, the
    exception's traceback if any, and the record's ``extra`` fields that JSON can hold."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


def request_started(environ: dict[str, Any] | None = None, **_: Any) -> None:
    """``request_started``: the id is known before any middleware runs, so that every record
    of the request has it, Django's own ``django.request`` error and warning lines included
    (they are written after the middleware has returned)."""
    header = (environ or {}).get("HTTP_X_REQUEST_ID")
    request_id_var.set(request_id_from(header if isinstance(header, str) else None))


def request_finished(**_: Any) -> None:
    request_id_var.set("-")


# --- Celery ----------------------------------------------------------------------------------

_task_tokens: dict[str, Token[str]] = {}


def task_headers_add(headers: dict[str, Any] | None, **_: Any) -> None:
    """``before_task_publish``: a task sent during a request carries the request's id."""
    current = request_id_var.get()
    if headers is not None and current != "-":
        headers.setdefault(HEADER, current)


def task_started(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    """``task_prerun``: the task's records carry ``<request id>/<task id>``."""
    sent_from = getattr(getattr(task, "request", None), HEADER, None)
    own = task_id or "task"
    value = f"{sent_from}/{own}" if isinstance(sent_from, str) and sent_from else own
    token = request_id_var.set(value)
    if task_id:
        _task_tokens[task_id] = token


def task_finished(task_id: str | None = None, **_: Any) -> None:
    """``task_postrun``: back to whatever the thread had before (``-`` in a worker)."""
    token = _task_tokens.pop(task_id or "", None)
    if token is not None:
        try:
            request_id_var.reset(token)
        except ValueError:  # set in another context (an eager task run elsewhere): leave it
            request_id_var.set("-")


def connect_signals() -> None:
    from celery.signals import before_task_publish, task_postrun, task_prerun
    from django.core.signals import request_finished as django_request_finished
    from django.core.signals import request_started as django_request_started

    django_request_started.connect(request_started, weak=False)
    django_request_finished.connect(request_finished, weak=False)

    before_task_publish.connect(task_headers_add, weak=False)
    task_prerun.connect(task_started, weak=False)
    task_postrun.connect(task_finished, weak=False)
