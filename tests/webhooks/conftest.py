"""Fixtures of the webhook tests: a receiver on 127.0.0.1, allowed (WEBHOOK_ALLOW_NETWORKS) with
fast retries; a hook of the demo newsroom pointing at it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from factcheck.webhooks.models import Event, Webhook
from factcheck.webhooks.services import webhook_create
from tests.webhooks.receiver import Receiver


@pytest.fixture(autouse=True)
def webhook_settings(settings: Any) -> Any:
    settings.WEBHOOK_ALLOW_NETWORKS = ["127.0.0.1"]
    settings.WEBHOOK_BACKOFF_SECONDS = 0  # eager retries run at once anyway; no sleeping
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_CONNECT_SECONDS = 1
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    return settings


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver("127.0.0.1") as receiver:
        yield receiver


def make_hook(newsroom: Any, by: Any, url: str, events: list[str] | None = None) -> Webhook:
    return webhook_create(newsroom=newsroom, url=url, events=events or list(Event.values), by=by)


@pytest.fixture
def hook(newsroom: Any, newsadmin: Any, receiver: Receiver) -> Webhook:
    created = make_hook(newsroom, newsadmin, receiver.url)
    receiver.secret = created.secret
    return created


@pytest.fixture
def closed_port_url() -> str:
    """An address on 127.0.0.1 where nothing listens: every connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks/down"


@pytest.fixture
def eager_retries() -> Iterator[None]:
    """Let eager Celery run a task's retries in place (with no wait), as a worker would in turn
    (as tests/sources/conftest.py does): with task_eager_propagates on, the first
    ``self.retry()`` escapes to the caller instead."""
    from factcheck.celery import app

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    try:
        yield
    finally:
        app.conf.task_eager_propagates = before
