"""Source lookups on one worker host: ``lookups_per_s`` and ``lookup_p95_s``.

Real ``celery worker`` processes (threads pool) on PostgreSQL (``BENCH_DATABASE_URL``) and Redis
(``REDIS_URL``) look claims up in Wikipedia's API, played by a stub in a process of its own on
127.0.0.1 that answers each request after 100 ms (a lookup makes one: the search with the pages'
extracts). Answers are not cached and the per-source rate limit is lifted: its default, 50
requests a second, would hold Wikipedia lookups to 50 a second whatever the workers can do.
For each setup in SETUPS (worker processes on this host x threads each):

- throughput: BURST lookups started at once; lookups_per_s = BURST / (the last one done - the
  moment they were committed and sent);
  worker_cpu_ms_per_lookup = the worker processes' CPU time in that run / BURST;
- latency: PACED lookups started one by one at RATE a second; lookup_p95_s = the 95th percentile
  of finished_at - queued_at (enqueue to done); lookups_paced_rate_per_s = the rate reached.

The figures of the setup with the best throughput are the headline ones; every setup's are kept
under ``lookups_by_workers``. The workers get a queue of their own, so a worker of the app on the
same Redis never sees these tasks. Run by bench/run.py (``make bench``), or alone:
``BENCH_DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/lookups.py``.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Worker processes x threads each, all on this host; BENCH_LOOKUP_SETUPS="2x32,1x64" picks some.
SETUPS = tuple(
    (int(p), int(t))
    for p, t in (
        s.split("x")
        for s in os.environ.get("BENCH_LOOKUP_SETUPS", "1x16,1x32,1x64,2x16,2x32").split(",")
    )
)
BURST = 1000
PACED = 1000
RATE = 100  # lookups started a second in the latency run: the target rate
PACERS = 4  # threads sending them
STUB_DELAY_S = 0.1
TIMEOUT_S = 180


def skip_reason() -> str:
    if not os.environ.get("BENCH_DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return "BENCH_DATABASE_URL is not a PostgreSQL URL (the worker process shares the database)"
    if not os.environ.get("REDIS_URL", "").startswith("redis"):
        return "REDIS_URL is not set (the worker's broker)"
    return ""


def main() -> dict[str, object]:
    """Run the lookup benchmark, merge its figures into bench/results.json and print them beside
    their targets, and return them; or say why it can't run here (and return none)."""
    import targets  # bench/targets.py

    reason = skip_reason()
    if reason:
        print(f"lookups: skipped: {reason}")
        return {}
    results = lookup_results()
    out = ROOT / "bench" / "results.json"
    existing = json.loads(out.read_text()) if out.exists() else {}
    existing.update(results)
    out.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n")
    targets.print_figures(results)
    print(f"written to {out.relative_to(ROOT)}")
    return results


def lookup_results() -> dict[str, object]:
    from django.contrib.auth import get_user_model
    from django.db import connections

    from factcheck.celery import app
    from factcheck.drafts.models import Revision
    from factcheck.newsrooms.models import Membership, Newsroom, Role
    from factcheck.sources.models import Lookup
    from tests.integration.conftest import Worker, seed_claims, worker_env

    run = uuid.uuid4().hex[:8]  # BENCH_DATABASE_URL keeps earlier runs
    queue = f"bench-lookups-{run}"
    app.conf.task_default_queue = queue  # this process sends there; the workers read only there
    # The claims' drafts are analysed by a task their import sends: route it to a queue no
    # worker reads, so that the lookup workers do not spend the run parsing those drafts.
    unread = f"{queue}-unanalysed"
    app.conf.task_routes = {"factcheck.insights.tasks.analysis_run": {"queue": unread}}
    newsroom = Newsroom.objects.create(name="Lookup bench", slug=f"lookups-{run}")
    editor = get_user_model().objects.create_user(f"lookups-{run}")
    Membership.objects.create(user=editor, newsroom=newsroom, role=Role.EDITOR)
    connections.close_all()  # the stub's process is forked next; it must not share them
    stub, api_url = _start_stub()
    env = worker_env(
        database_url=os.environ["BENCH_DATABASE_URL"],
        redis_url=os.environ["REDIS_URL"],
        WIKIPEDIA_API_URL=api_url,
        CELERY_VISIBILITY_TIMEOUT="300",  # production's: nothing is redelivered mid-run
    )
    by_setup: dict[str, dict[str, float]] = {}
    logs = Path(tempfile.mkdtemp(prefix="factcheck-bench-lookups-"))
    try:
        for processes, threads in SETUPS:
            name = f"{processes}x{threads}"
            workers = [
                Worker(env, logs / f"worker-{name}-{n}.log", threads, queue)
                for n in range(processes)
            ]
            try:
                for worker in workers:
                    worker.wait_ready()
                claims = seed_claims(
                    newsroom=newsroom, by=editor, count=64 + BURST + PACED, label=f"{run}-{name}-"
                )
                _burst(claims[:64])  # warm up: connections, imports
                cpu = _cpu_seconds(workers)
                per_s, burst_p95 = _burst(claims[64 : 64 + BURST])
                cpu_ms = round((_cpu_seconds(workers) - cpu) * 1000 / BURST, 2)
                p50, p95, achieved = _paced(claims[64 + BURST :])
            except Exception:
                for worker in workers:
                    print(f"--- {worker.log} ---\n{worker.tail()}", file=sys.stderr)
                raise
            finally:
                for worker in workers:
                    worker.stop()
            by_setup[name] = {
                "lookups_per_s": per_s,
                "burst_p95_s": burst_p95,
                "worker_cpu_ms_per_lookup": cpu_ms,
                "paced_rate_per_s": achieved,
                "paced_p50_s": p50,
                "paced_p95_s": p95,
            }
            print(f"lookups: {processes} worker process(es) x {threads} threads: {by_setup[name]}")
    finally:
        stub.terminate()
        stub.join()
        drop_queue(queue)
        drop_queue(unread)
        app.conf.task_routes = None
        # An interrupted run leaves nothing queued that a worker's restart sweep would resend.
        unfinished = [Lookup.Status.QUEUED, Lookup.Status.RUNNING]
        Lookup.objects.filter(claim__draft__newsroom=newsroom, status__in=unfinished).update(
            status=Lookup.Status.FAILED, error="The benchmark stopped before it ran."
        )
        # Nor the analysis of the claims' drafts, which is not benchmarked here: a worker's
        # start-up sweep would send it for every pending revision, run after run.
        pending = Revision.objects.filter(
            draft__newsroom=newsroom, analysis=Revision.Analysis.PENDING
        )
        pending.update(
            analysis=Revision.Analysis.FAILED,
            analysis_error="The lookup benchmark's claims are not analysed.",
        )
    best = max(by_setup, key=lambda name: by_setup[name]["lookups_per_s"])
    return {
        "lookups_per_s": by_setup[best]["lookups_per_s"],
        "lookup_p95_s": by_setup[best]["paced_p95_s"],
        # The rate the latency run reached: lookup_p95_s holds at the 100 a second
        # only if the bench could start them that fast.
        "lookups_paced_rate_per_s": by_setup[best]["paced_rate_per_s"],
        "lookups_workers": best,
        # How the figures were taken, not figures: the stub's delay and the offered rate.
        "lookups_setup": {
            "stub_delay_ms": int(STUB_DELAY_S * 1000),
            "paced_rate_per_s": RATE,
            "burst": BURST,
            "paced": PACED,
        },
        "lookups_by_workers": by_setup,
    }


def _start_stub() -> tuple[multiprocessing.process.BaseProcess, str]:
    """The stub Wikipedia in a process of its own, so that its work doesn't slow this one's
    enqueueing (the worker host pays for neither)."""
    parent, child = multiprocessing.get_context("fork").Pipe()
    process = multiprocessing.get_context("fork").Process(
        target=_serve_stub, args=(child, STUB_DELAY_S), daemon=True
    )
    process.start()
    return process, parent.recv()


def _serve_stub(pipe: Any, delay: float) -> None:
    from tests.integration.conftest import StubWikipedia

    server = StubWikipedia(delay=delay)
    pipe.send(server.api_url)
    server.serve_forever()


def _burst(claims: list[Any]) -> tuple[float, float]:
    """Start a lookup of every claim at once: (lookups done a second, p95 enqueue-to-done)."""
    from factcheck.sources.models import Source
    from factcheck.sources.services import lookups_start

    started = lookups_start(claims=claims, by=None, sources=[Source.WIKIPEDIA])
    ids = [lookup.pk for lookup in started]
    _wait(ids)
    rows = _times(ids)
    # The rows were written in one transaction and sent when it committed, just after the last.
    sent = max(queued for queued, _ in rows)
    elapsed = (max(done for _, done in rows) - sent).total_seconds()
    waits = [(done - sent).total_seconds() for _, done in rows]
    return round(len(ids) / elapsed, 1), round(_p95(waits), 3)


def _paced(claims: list[Any]) -> tuple[float, float, float]:
    """Start one lookup every 1/RATE s: (p50, p95 of enqueue to done, the rate achieved).
    A few threads share the schedule, so that a slow commit doesn't hold up the next start."""
    from django.db import connection

    from factcheck.sources.models import Source
    from factcheck.sources.services import lookups_start

    ids: list[int] = []
    start = time.perf_counter()

    def send(offset: int) -> None:
        try:
            for n in range(offset, len(claims), PACERS):
                delay = start + n / RATE - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                started = lookups_start(claims=[claims[n]], by=None, sources=[Source.WIKIPEDIA])
                ids.extend(lookup.pk for lookup in started)
        finally:
            connection.close()

    pacers = [threading.Thread(target=send, args=(offset,)) for offset in range(PACERS)]
    for pacer in pacers:
        pacer.start()
    for pacer in pacers:
        pacer.join()
    achieved = len(ids) / (time.perf_counter() - start)
    assert len(ids) == len(claims), (len(ids), len(claims))
    _wait(ids)
    waits = sorted((done - queued).total_seconds() for queued, done in _times(ids))
    return round(statistics.median(waits), 3), round(_p95(waits), 3), round(achieved, 1)


def _cpu_seconds(workers: list[Any]) -> float:
    """CPU time (user + system) the worker processes have used so far: the cost of a lookup
    on the worker host, whatever else the machine is doing."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for worker in workers:
        fields = Path(f"/proc/{worker.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / ticks


def _times(ids: list[int]) -> list[tuple[datetime, datetime]]:
    """(queued_at, finished_at) of the lookups ``ids``, every one of them done."""
    from factcheck.sources.models import Lookup

    rows = Lookup.objects.filter(pk__in=ids).values_list("queued_at", "finished_at")
    return [(queued, done) for queued, done in rows if done is not None]


def _wait(ids: list[int]) -> None:
    from factcheck.sources.models import Lookup

    deadline = time.monotonic() + TIMEOUT_S
    pending = Lookup.objects.filter(pk__in=ids).exclude(status=Lookup.Status.DONE)
    while pending.exists():
        failed = Lookup.objects.filter(pk__in=ids, status=Lookup.Status.FAILED).first()
        if failed is not None:
            raise RuntimeError(f"a lookup failed: {failed.error}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{pending.count()} lookups not done after {TIMEOUT_S} s")
        time.sleep(0.05)


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def drop_queue(queue: str) -> None:
    """Remove what this run left in Redis: its (empty) queue and the queue's bindings."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    client.close()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import run  # noqa: F401 - sets up Django on BENCH_DATABASE_URL, as `make bench` does
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import targets

    measured = main()
    targets.print_summary(json.loads((ROOT / "bench" / "results.json").read_text()), measured)
