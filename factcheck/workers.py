"""What every Celery task gets from its base class (``Celery(task_cls=...)``), whichever pool
runs it, and what every worker process does beside its tasks.

* **Time limits that fire under the threads pool.** Celery enforces ``soft_time_limit`` and
  ``time_limit`` only in the prefork pool (by signals and by killing the child); under the
  threads pool that ``make run`` and the tests use they do nothing. Here a watchdog thread
  raises :class:`SoftTimeLimitExceeded` in the task's own thread once its soft limit has
  passed (``PyThreadState_SetAsyncExc``: it lands at the next Python instruction), and
  :class:`TimeLimitExceeded` every second after its hard limit until the task has left. Code
  blocked inside a C call (a socket read) sees it when the call returns, so every wait on the
  network has its own timeout as well (the lookups' deadline: ``sources/backends/base.py``).
* **Poison messages end.** With ``acks_late`` a message whose task kills its worker (a
  segfault, ``os._exit``, the out-of-memory killer) goes back to the queue and would kill the
  next worker too, for ever. Each delivery of a task is counted in the shared cache under its
  task id (which a redelivery keeps), and forgotten when the task ends in any way it can
  report; past ``WORKER_MAX_DELIVERIES`` deliveries
  that never came back the task is not run again: the handler registered with
  :func:`when_poisoned` records the failure (a lookup ends ``failed`` with the reason).
* **Lost messages are sent again, while the workers run.** Functions registered with
  :func:`sweep` run when a worker starts, every ``WORKER_SWEEP_SECONDS`` after that, and at
  once when the broker's Redis has restarted (its ``run_id`` changed: whatever it held is
  gone unless it keeps an append-only file), each sending again the work its rows say is
  still waiting.
"""

from __future__ import annotations

import ctypes
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from celery.signals import worker_ready, worker_shutting_down
from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connection

log = logging.getLogger(__name__)

# The queues, and which worker reads which (make run: one worker per queue).
QUEUES = ("lookups", "analysis", "mail")

# The options of a task that sends one email, idempotently (it claims its row or its number
# first, so a redelivery sends nothing twice): an SMTP server away is tried again with backoff.
EMAIL_TASK: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": (ConnectionError, TimeoutError, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "soft_time_limit": 30,
    "time_limit": 60,
}

Sweep = Callable[[timedelta], object]
_sweeps: dict[str, Sweep] = {}
_poison_handlers: dict[str, Callable[..., None]] = {}


def sweep(function: Sweep) -> Sweep:
    """Register ``function(idle_for)``: send again the work waiting longer than ``idle_for``
    whose message the broker may have lost. Run by every worker (see the module's doc)."""
    _sweeps[f"{function.__module__}.{function.__qualname__}"] = function
    return function


def when_poisoned(task_name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register ``handler(*args, deliveries=n, **kwargs)`` to record that the task ``task_name``
    with these arguments killed its worker ``n`` times and will not run again."""

    def register(handler: Callable[..., None]) -> Callable[..., None]:
        _poison_handlers[task_name] = handler
        return handler

    return register


class LimitedTask(Task):  # type: ignore[misc]  # celery ships no types
    """The base class of every task here: the time limits and the delivery count above."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        request = self.request
        if request.called_directly or request.is_eager:
            return super().__call__(*args, **kwargs)  # nothing redelivers it, nothing to bound
        key = delivery_key(str(request.id))
        deliveries = _count_delivery(key)
        limit = settings.WORKER_MAX_DELIVERIES
        if deliveries > limit:
            _give_up(self.name, key, args, kwargs, deliveries - 1)
            return None
        try:
            with time_limited(self.soft_time_limit, self.time_limit, what=self.name):
                return super().__call__(*args, **kwargs)
        finally:
            leave(threading.get_ident())  # again, in case a limit landed in the first leaving
            _forget(key)  # it came back: a retry, a failure or success, not a dead worker


def delivery_key(task_id: str) -> str:
    """The counter of a message's deliveries: its task id, which a redelivery keeps (a retry
    keeps it too, but a retry is sent by a task that came back, which resets the count)."""
    return f"task-deliveries:{task_id}"


def _count_delivery(key: str) -> int:
    """This delivery's number among those that never came back; 1 when the count cannot be
    kept (the cache is down: the task runs, unbounded, rather than not at all)."""
    try:
        if cache.add(key, 1, timeout=24 * 3600):
            return 1
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        return 1
    except Exception:
        log.warning("could not count the deliveries of a task", exc_info=True)
        return 1


def _forget(key: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        log.warning("could not reset the deliveries of a task", exc_info=True)


def _give_up(name: str, key: str, args: Any, kwargs: Any, deliveries: int) -> None:
    log.error("%s%r stopped its worker %d times: not run again", name, tuple(args), deliveries)
    handler = _poison_handlers.get(name)
    try:
        if handler is not None:
            handler(*args, deliveries=deliveries, **kwargs)
    finally:
        _forget(key)  # a later, deliberate run (a retry button) starts counting afresh


# --- Time limits under the threads pool -------------------------------------------------------


@dataclass
class _Running:
    what: str
    soft_at: float | None
    hard_at: float | None
    next_hard_at: float | None = None
    soft_sent: bool = False


_running: dict[int, _Running] = {}
_running_lock = threading.Lock()
_watchdog: threading.Thread | None = None


class time_limited:
    """Within the block, this thread gets :class:`SoftTimeLimitExceeded` ``soft`` seconds in
    and :class:`TimeLimitExceeded` ``hard`` seconds in (and every second after), whatever the
    pool; either None or 0: no such limit."""

    def __init__(self, soft: float | None, hard: float | None, *, what: str = "") -> None:
        self.soft, self.hard, self.what = soft or None, hard or None, what
        self.ident = 0

    def __enter__(self) -> time_limited:
        if self.soft is None and self.hard is None:
            return self
        _start_watchdog()
        now = time.monotonic()
        self.ident = threading.get_ident()
        with _running_lock:
            _running[self.ident] = _Running(
                what=self.what,
                soft_at=now + self.soft if self.soft else None,
                hard_at=now + self.hard if self.hard else None,
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self.ident:
            leave(self.ident)


def leave(ident: int) -> None:
    """Take thread ``ident``'s task off the watch and clear an exception the watchdog set for
    it but that has not landed yet. The watchdog sets one under the lock, at most one a tick:
    one that lands while this runs is caught and the leaving done again, so no limit of a
    finished task ever reaches what the thread runs next."""
    for _ in range(5):
        try:
            with _running_lock:
                _running.pop(ident, None)
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), None)
            return
        except (SoftTimeLimitExceeded, TimeLimitExceeded):
            continue  # the limit passed as the task ended: it has ended


def _start_watchdog() -> None:
    global _watchdog
    with _running_lock:
        if _watchdog is None or not _watchdog.is_alive():
            _watchdog = threading.Thread(target=_watch, name="time-limit watchdog", daemon=True)
            _watchdog.start()


def _watch() -> None:
    while True:
        time.sleep(0.1)
        now = time.monotonic()
        with _running_lock:
            for ident, task in list(_running.items()):
                if task.hard_at is not None and now >= task.hard_at:
                    if task.next_hard_at is None or now >= task.next_hard_at:
                        log.error("%s passed its hard time limit: stopping it", task.what)
                        _raise_in(ident, TimeLimitExceeded)
                        task.next_hard_at = now + 1.0
                elif task.soft_at is not None and now >= task.soft_at and not task.soft_sent:
                    log.warning("%s passed its soft time limit: stopping it", task.what)
                    _raise_in(ident, SoftTimeLimitExceeded)
                    task.soft_sent = True


def _raise_in(ident: int, exception: type[BaseException]) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(exception))


# --- The sweeps -------------------------------------------------------------------------------


def visibility_timeout() -> timedelta:
    from factcheck.celery import visibility_timeout as timeout

    return timeout()


def run_sweeps(idle_for: timedelta) -> None:
    """Every registered sweep, each on its own: one failing (the database away for a moment)
    does not stop the others or the next round."""
    for name, function in list(_sweeps.items()):
        try:
            function(idle_for)
        except Exception:
            log.warning("the sweep %s failed; the next round tries again", name, exc_info=True)
    close_old_connections()
    connection.close()  # this thread wakes rarely: it holds no connection meanwhile


class _Sweeper(threading.Thread):
    def __init__(self, broker_url: str) -> None:
        super().__init__(name="lost-message sweeper", daemon=True)
        self.broker_url = broker_url
        self.stopped = threading.Event()
        self.run_id = ""

    def run(self) -> None:
        interval = max(1, settings.WORKER_SWEEP_SECONDS)
        check = min(interval, max(1, settings.WORKER_BROKER_CHECK_SECONDS))
        last_sweep = time.monotonic()
        while not self.stopped.wait(check):
            if self.broker_restarted():
                # Nothing it held survived: everything still waiting goes again (duplicates
                # are harmless, the tasks are idempotent).
                log.warning("the broker restarted: sending the waiting work again")
                run_sweeps(timedelta(0))
                last_sweep = time.monotonic()
            elif time.monotonic() - last_sweep >= interval:
                run_sweeps(visibility_timeout())
                last_sweep = time.monotonic()

    def broker_restarted(self) -> bool:
        """Whether the broker's Redis is a new process since the last look (False when the
        broker is not Redis, or cannot be reached now: the next look tells)."""
        if not self.broker_url.startswith(("redis://", "rediss://")):
            return False
        import redis

        try:
            client = redis.Redis.from_url(
                self.broker_url, socket_timeout=2, socket_connect_timeout=2
            )
            try:
                run_id = str(client.info("server").get("run_id", ""))
            finally:
                client.close()
        except Exception:
            return False
        restarted = bool(self.run_id) and run_id != self.run_id
        self.run_id = run_id
        return restarted


_sweeper: _Sweeper | None = None


def start_sweeping(sender: Any = None, **kwargs: object) -> None:
    """A worker starting (after a crash, say) sends again what waits, then keeps looking."""
    global _sweeper
    from factcheck.celery import app

    run_sweeps(visibility_timeout())
    if _sweeper is None:
        _sweeper = _Sweeper(str(app.conf.broker_url or ""))
        _sweeper.broker_restarted()  # the run_id to compare with
        _sweeper.start()


def stop_sweeping(**kwargs: object) -> None:
    if _sweeper is not None:
        _sweeper.stopped.set()


worker_ready.connect(start_sweeping)
worker_shutting_down.connect(stop_sweeping)
