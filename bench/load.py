#!/usr/bin/env python
"""Load test: N real users (default 50) log in and read the review queue and the demo draft's
page for D seconds (default 60) against gunicorn, on the database of ``LOAD_DATABASE_URL``
(PostgreSQL; `make load` makes one). Prints the figures and writes bench/load-results.json.

Each user is a member of the demo newsroom with a password, logs in through the real login
form (CSRF token, session cookie; the form's field names are read from the page), then loops:
the queue, the draft, the queue… with ``--think`` seconds between requests. Any answer but
200, any redirect to the login page and any transport error or timeout is an error. Latencies
are the client's (request sent to body read), reported as p50/p95/p99 per page and overall.

The machine's load average is recorded before and after: on a shared machine it says how much
of the figure is other people's work.

    python bench/load.py [--users 50] [--seconds 60] [--think 0.5] [--port 8170] [--workers 4]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "load-results.json"
PASSWORD = "load-test-" + secrets.token_hex(8)
TIMEOUT = 30.0
LOGIN_TIMEOUT = 120.0
LOGINS_AT_ONCE = 4


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, page: str, seconds: float) -> None:
        self.latencies.setdefault(page, []).append(seconds)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def environment(database_url: str, var_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DATABASE_URL=database_url,
        FACTCHECK_VAR_DIR=var_dir,
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DB_CONN_MAX_AGE=env_default("DB_CONN_MAX_AGE", "60"),
    )
    return env


def env_default(name: str, default: str) -> str:
    return os.environ.get(name, default)


def prepare(env: dict[str, str], users: int) -> dict[str, Any]:
    """Migrate, seed the demo newsroom and add ``users`` editors; in a child process, so that
    this one stays free of Django (it only measures)."""
    script = f"""
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", "--noinput", verbosity=0)
call_command("seed_demo", verbosity=0)
call_command("collectstatic", "--noinput", verbosity=0)
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from factcheck.drafts.models import Draft
from factcheck.newsrooms.models import Membership, Newsroom, Role
from factcheck.newsrooms.management.commands.seed_demo import DEMO_TITLE
newsroom = Newsroom.objects.get(slug="demo")
User = get_user_model()
names = []
hashed = None
for i in range({users}):
    user, _ = User.objects.get_or_create(username=f"load{{i:03d}}")
    # A verified address: the login (django-allauth) refuses an account without one.
    user.email = f"load{{i:03d}}@example.org"
    user.save(update_fields=["email"])
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={{"verified": True, "primary": True}}
    )
    if hashed is None:
        user.set_password({PASSWORD!r})
        hashed = user.password
    user.password = hashed  # one real PBKDF2 hash, shared: 50 hashings would take a minute
    user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, newsroom=newsroom, defaults={{"role": Role.EDITOR}})
    names.append(user.username)
draft = Draft.objects.get(newsroom=newsroom, title=DEMO_TITLE)
from django.urls import reverse
pages = [["queue", reverse("reviews:queue")], ["draft", draft.get_absolute_url()]]
print(json.dumps({{"users": names, "pages": pages}}))
"""
    out = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True
    )
    return json.loads(out.stdout.decode().strip().splitlines()[-1])  # type: ignore[no-any-return]


def start_gunicorn(env: dict[str, str], port: int, workers: int, threads: int) -> Any:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "factcheck.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--worker-class=gthread",
        "--timeout=60",
        # Longer than a user's pause between pages: with gunicorn's 2 s default, a worker
        # starved of CPU drops a kept-alive connection just as the client reuses it (a reset,
        # not an answer of the app). A proxy in front holds connections the same way.
        "--keep-alive=30",
        "--log-level=warning",
    ]
    process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (exit {process.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise SystemExit(f"gunicorn did not listen on {port} within 60 s")


def stop(process: Any) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


HIDDEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INPUT = re.compile(r"<input\b[^>]*\bname=\"([^\"]+)\"", re.IGNORECASE)


async def login(client: httpx.AsyncClient, username: str) -> None:
    """Through the login form as a browser fills it: whatever its user field is called."""
    page = await client.get("/accounts/login/")
    page.raise_for_status()
    token = HIDDEN.search(page.text)
    names = set(INPUT.findall(page.text))
    user_field = next((n for n in ("username", "login", "email") if n in names), "username")
    if token is None:
        raise RuntimeError("the login page has no CSRF token")
    answer = await client.post(
        "/accounts/login/",
        data={
            "csrfmiddlewaretoken": token.group(1),
            user_field: username,
            "password": PASSWORD,
        },
        headers={"Referer": str(client.base_url) + "/accounts/login/"},
        timeout=LOGIN_TIMEOUT,
    )
    # Logged in: sent on to the desk, not back to a page of /accounts/ (the login again, or
    # an address to confirm).
    if answer.status_code != 302 or "/accounts/" in answer.headers.get("location", ""):
        raise RuntimeError(f"{username} could not log in: {answer.status_code}")


async def user_loop(
    client: httpx.AsyncClient,
    pages: list[tuple[str, str]],
    until: float,
    think: float,
    tally: Tally,
    *,
    once: bool = False,
) -> None:
    """Read the pages in turn until ``until`` (with ``once``: each page once, untimed)."""
    i = 0
    while (i < len(pages)) if once else (time.monotonic() < until):
        name, path = pages[i % len(pages)]
        i += 1
        start = time.perf_counter()
        try:
            response = await client.get(path)
            _ = response.content
        except httpx.HTTPError as exc:
            tally.errors.append(f"{name}: {exc!r}")
            continue
        elapsed = time.perf_counter() - start
        if response.status_code != 200:
            tally.errors.append(f"{name}: HTTP {response.status_code}")
        else:
            tally.add(name, elapsed)
        if think:
            await asyncio.sleep(think)


async def run_users(
    base: str, names: list[str], pages: list[tuple[str, str]], seconds: float, think: float
) -> tuple[Tally, float]:
    """Everyone logs in, then the clock starts: the window measures reading, not logging in."""
    tally = Tally()
    clients = [httpx.AsyncClient(base_url=base, timeout=TIMEOUT) for _ in names]
    try:
        # PBKDF2 makes a login cost about a CPU-second: a few at a time, with time to spare,
        # as users arriving over a morning would (this is not what the window measures).
        gate = asyncio.Semaphore(LOGINS_AT_ONCE)

        async def gated(client: httpx.AsyncClient, name: str) -> None:
            async with gate:
                await login(client, name)

        logins = await asyncio.gather(
            *(gated(c, n) for c, n in zip(clients, names, strict=True)), return_exceptions=True
        )
        tally.errors += [f"login: {x!r}" for x in logins if isinstance(x, BaseException)]
        # A user who could not log in does not read (each such user is one error above).
        readers = [c for c, x in zip(clients, logins, strict=True) if x is None]
        # One untimed read of each page per user: the workers' first requests load templates
        # and code, which a server that has been up a while has done long ago.
        warm = Tally()
        await asyncio.gather(*(user_loop(c, pages, 0.0, 0.0, warm, once=True) for c in readers))
        tally.errors += [f"warm-up {e}" for e in warm.errors]
        start = time.monotonic()
        until = start + seconds
        await asyncio.gather(*(user_loop(c, pages, until, think, tally) for c in readers))
        return tally, time.monotonic() - start
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


def summary(tally: Tally, seconds: float) -> dict[str, Any]:
    every = [x for values in tally.latencies.values() for x in values]
    pages = {
        name: {
            "requests": len(values),
            "p50_ms": round(statistics.median(values) * 1000, 1),
            "p95_ms": round(percentile(values, 95) * 1000, 1),
            "p99_ms": round(percentile(values, 99) * 1000, 1),
            "max_ms": round(max(values) * 1000, 1),
        }
        for name, values in sorted(tally.latencies.items())
    }
    return {
        "requests_ok": len(every),
        "errors": len(tally.errors),
        "error_samples": tally.errors[:10],
        "requests_per_second": round(len(every) / seconds, 1),
        "p50_ms": round(statistics.median(every) * 1000, 1) if every else None,
        "p95_ms": round(percentile(every, 95) * 1000, 1) if every else None,
        "p99_ms": round(percentile(every, 99) * 1000, 1) if every else None,
        "pages": pages,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=0.5, help="seconds between requests")
    parser.add_argument("--port", type=int, default=int(env_default("LOAD_PORT", "8170")))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    database_url = os.environ.get("LOAD_DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        print("Set LOAD_DATABASE_URL to a PostgreSQL database to fill (make load does).")
        return 2
    var_dir = tempfile.mkdtemp(prefix="factcheck-load-")
    try:
        env = environment(database_url, var_dir)
        print(f"Preparing {args.users} users and the demo newsroom…", flush=True)
        prepared = prepare(env, args.users)
        pages = [(name, path) for name, path in prepared["pages"]]
        server = start_gunicorn(env, args.port, args.workers, args.threads)
        load_before = os.getloadavg()
        try:
            print(
                f"{args.users} users, {args.seconds:.0f} s, think {args.think} s, gunicorn "
                f"{args.workers} workers x {args.threads} threads on 127.0.0.1:{args.port}",
                flush=True,
            )
            tally, elapsed = asyncio.run(
                run_users(
                    f"http://127.0.0.1:{args.port}",
                    prepared["users"],
                    pages,
                    args.seconds,
                    args.think,
                )
            )
        finally:
            load_after = os.getloadavg()
            stop(server)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    result = {
        "users": args.users,
        "seconds": round(elapsed, 1),
        "think_seconds": args.think,
        "gunicorn": {"workers": args.workers, "threads": args.threads, "class": "gthread"},
        "database": "postgresql",
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        **summary(tally, elapsed),
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 1 if result["errors"] or not result["requests_ok"] else 0


if __name__ == "__main__":
    sys.exit(main())
