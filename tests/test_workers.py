"""factcheck/workers.py: the time limits that fire under the threads pool, and the routes that
keep each kind of work on its own queue."""

from __future__ import annotations

import threading
import time

import pytest
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded

from factcheck.celery import app
from factcheck.workers import QUEUES, LimitedTask, time_limited


def busy(seconds: float) -> None:
    """Pure Python work, no blocking call: what no timeout of a library can stop."""
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        n += 1


def in_thread(target: object) -> tuple[list[BaseException], float]:
    """Run ``target`` in a thread of its own (as the threads pool does); what it raised and
    how long it took."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            target()  # type: ignore[operator]
        except BaseException as exc:
            raised.append(exc)

    started = time.monotonic()
    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    return raised, time.monotonic() - started


def test_the_soft_limit_stops_pure_python_work_in_a_thread() -> None:
    def task() -> None:
        with time_limited(0.5, 5, what="busy"):
            busy(10)

    raised, took = in_thread(task)
    assert [type(exc) for exc in raised] == [SoftTimeLimitExceeded]
    assert took < 2


def test_the_hard_limit_stops_a_task_that_swallows_the_soft_one() -> None:
    def task() -> None:
        with time_limited(0.3, 1, what="stubborn"):
            try:
                busy(10)
            except SoftTimeLimitExceeded:
                busy(10)

    raised, took = in_thread(task)
    assert [type(exc) for exc in raised] == [TimeLimitExceeded]
    assert took < 3


def test_nothing_fires_after_the_block_is_left() -> None:
    def task() -> None:
        with time_limited(0.3, 0.6, what="quick"):
            busy(0.05)
        busy(1.2)  # past both limits, outside the block

    raised, _ = in_thread(task)
    assert raised == []


def test_a_limit_that_passes_as_the_task_ends_never_reaches_what_follows() -> None:
    def task() -> None:
        for _ in range(10):
            try:
                with time_limited(0.1, 0.2, what="on the edge"):
                    busy(0.1)  # the soft limit passes about now
            except (SoftTimeLimitExceeded, TimeLimitExceeded):
                pass  # it landed inside the task: that is where it belongs
            busy(0.3)  # past the hard limit, outside: never interrupted

    raised, _ = in_thread(task)
    assert raised == []


def test_every_task_is_a_limited_task_routed_to_one_of_the_queues() -> None:
    app.loader.import_default_modules()
    names = sorted(name for name in app.tasks if name.startswith("factcheck."))
    assert "factcheck.sources.tasks.lookup_run" in names
    for name in names:
        assert isinstance(app.tasks[name], LimitedTask), name
        queue = app.amqp.router.route({}, name)["queue"].name
        assert queue in QUEUES, (name, queue)


@pytest.mark.parametrize(
    ("name", "queue"),
    [
        ("factcheck.sources.tasks.lookup_run", "lookups"),
        ("factcheck.insights.tasks.analysis_run", "analysis"),
        ("factcheck.sources.tasks.parse_library_document", "analysis"),
        ("factcheck.notifications.tasks.notification_email", "mail"),
        ("factcheck.newsrooms.tasks.send_invitation", "mail"),
        ("factcheck.webhooks.tasks.webhook_deliver", "mail"),
    ],
)
def test_each_kind_of_work_has_its_queue(name: str, queue: str) -> None:
    assert app.amqp.router.route({}, name)["queue"].name == queue
