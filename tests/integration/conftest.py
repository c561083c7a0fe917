"""Real Celery workers for the integration tests (and bench/lookups.py): a stub MediaWiki API on
127.0.0.1, a ``celery worker`` process on the threads pool against the test database and a
dedicated Redis database, and claims made in bulk.

The helpers above the fixtures are plain Python so the lookup benchmark runs the same machinery.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from factcheck.workers import QUEUES
from tests.conftest import missing_locally

ROOT = Path(__file__).resolve().parents[2]
# The worker's broker and cache: a Redis database of their own, emptied before and after
# (another number with FACTCHECK_INTEGRATION_REDIS_DB, so that two checkouts can run at once).
INTEGRATION_REDIS_DB = int(os.environ.get("FACTCHECK_INTEGRATION_REDIS_DB", "14"))
# Low, so that a killed worker's tasks come back within seconds (production: 300 s).
VISIBILITY_TIMEOUT = 5
# The stub's search answers this many pages; each becomes one piece of evidence.
HITS_PER_SEARCH = 3


# --- The stub MediaWiki API -------------------------------------------------------------------


class StubWikipedia(ThreadingHTTPServer):
    """MediaWiki's ``api.php`` as the Wikipedia backend calls it: one ``action=query`` with
    ``list=search`` (the pages found, with snippets) and ``generator=search`` feeding
    ``prop=extracts|info`` (the same pages with intro and address), ``formatversion=2``, under
    ``/<lang>/w/api.php``, answering each request after ``delay`` seconds. Any path under
    ``/fail/`` answers 503, always; any path under ``/hang/`` never answers (until the stub
    stops); any other request 400, so a backend that asked more than the one request a lookup
    needs would fail its lookups.

    ``requests`` counts what was asked (``"search"``, ``"fail"``, ``"other"``), thread-safely.
    """

    daemon_threads = True
    request_queue_size = 256  # a worker opens dozens of connections at once

    def __init__(self, delay: float = 0.1) -> None:
        super().__init__(("127.0.0.1", 0), _StubHandler)
        self.delay = delay
        self.requests: Counter[str] = Counter()
        self.released = threading.Event()  # lets the hung requests go when the stub stops
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def api_url(self) -> str:
        """The WIKIPEDIA_API_URL setting that points the backend here."""
        return self.base_url + "/{lang}/w/api.php"

    @property
    def failing_api_url(self) -> str:
        return self.base_url + "/fail/{lang}/w/api.php"

    @property
    def hanging_api_url(self) -> str:
        return self.base_url + "/hang/{lang}/w/api.php"

    def count(self, kind: str) -> None:
        with self._lock:
            self.requests[kind] += 1

    def start(self) -> StubWikipedia:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        self.shutdown()
        self.server_close()


def _pageid(title: str) -> int:
    return int(hashlib.sha256(title.encode()).hexdigest()[:12], 16)


def _page(lang: str, title: str, index: int) -> dict[str, object]:
    """The page as ``generator=search`` with ``prop=extracts|info&inprop=url`` gives it."""
    url = f"https://{lang}.wikipedia.org/wiki/{quote(title.replace(' ', '_'))}"
    return {
        "pageid": _pageid(title),
        "ns": 0,
        "title": title,
        "index": index,
        "contentmodel": "wikitext",
        "pagelanguage": lang,
        "fullurl": url,
        "canonicalurl": url,
        "extract": f"{title} is a stub article about the harbour road and the sea wall.",
    }


class _StubHandler(BaseHTTPRequestHandler):
    server: StubWikipedia
    protocol_version = "HTTP/1.1"  # keep-alive, as the real API: clients reuse connections
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a run makes thousands of requests."""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        lang = parts.path.split("/")[1]
        if parts.path.startswith("/hang/"):
            self.server.count("hang")
            self.server.released.wait(600)  # a source that accepted and never answers
            return
        time.sleep(self.server.delay)
        if parts.path.startswith("/fail/"):
            self.server.count("fail")
            self._send(503, {"error": "stub: always unavailable"})
        elif (
            params.get("list") == "search"
            and params.get("generator") == "search"
            and "extracts" in params.get("prop", "").split("|")
        ):
            self.server.count("search")
            # A few pages, named after the query's first words: each claim finds its own.
            head = " ".join(params.get("srsearch", "").split()[:6])
            titles = [f"{head} ({n})" for n in range(1, HITS_PER_SEARCH + 1)]
            found = [
                {
                    "ns": 0,
                    "title": title,
                    "pageid": _pageid(title),
                    "snippet": f'About <span class="searchmatch">{head}</span>: a stub.',
                    "titlesnippet": title,
                }
                for title in titles
            ]
            # Listed by page id, as MediaWiki lists them; "index" is the search rank.
            ranked = sorted(enumerate(titles, 1), key=lambda item: _pageid(item[1]))
            pages = [_page(lang, title, index) for index, title in ranked]
            body = {"searchinfo": {"totalhits": len(found)}, "search": found, "pages": pages}
            self._send(200, {"batchcomplete": True, "query": body})
        else:
            self.server.count("other")
            self._send(400, {"error": {"code": "badvalue", "info": f"stub: {self.path}"}})

    def _send(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the worker was killed while it waited: that is what the test does


# --- A real worker process --------------------------------------------------------------------


def database_url(settings_dict: dict[str, Any]) -> str:
    """A DATABASE_URL for the database Django is connected to (the test database in tests)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


def redis_url_for(redis_url: str, db: int) -> str:
    parts = urlsplit(redis_url)
    return parts._replace(path=f"/{db}").geturl()


def worker_env(*, database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment of a worker process: our database and Redis, the stub sources, answers
    not cached (so every lookup reaches the stub), no rate limit in the way."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        CELERY_TASK_ALWAYS_EAGER="0",
        DEBUG="0",  # DEBUG keeps every query in memory
        LOOKUP_CACHE_SECONDS="0",
        LOOKUP_RATE_PER_SECOND="100000",
        LOOKUP_MAX_ATTEMPTS="3",
        LOOKUP_TIMEOUT_SECONDS="10",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


class Worker:
    """``celery -A factcheck worker`` on the threads pool, logging to ``log``; it reads
    ``queue`` (several: comma-separated), by default all of them."""

    def __init__(
        self, env: dict[str, str], log: Path, concurrency: int = 32, queue: str = ""
    ) -> None:
        self.name = f"it-{uuid.uuid4().hex[:8]}"
        self.log = log
        self._log_file = log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "factcheck",
                "worker",
                "--pool=threads",
                f"--concurrency={concurrency}",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{self.name}@%h",
                f"--queues={queue or ','.join(QUEUES)}",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float = 30.0) -> Worker:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited ({self.process.returncode}):\n{self.tail()}")
            if " ready." in self.log.read_text(errors="replace"):
                return self
            time.sleep(0.1)
        raise RuntimeError(f"the worker was not ready after {timeout} s:\n{self.tail()}")

    def kill(self) -> None:
        """``kill -9``: no warm shutdown, nothing acknowledged or given back."""
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # warm shutdown: finish what runs, give back the rest
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log_file.close()

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


# --- Claims in bulk ---------------------------------------------------------------------------


def seed_claims(*, newsroom: Any, by: Any, count: int, label: str = "") -> list[Any]:
    """A draft with ``count`` sentences, each marked as a claim of its own distinct wording
    (so no two lookups share a query), made with bulk_create."""
    from factcheck.claims.models import Claim
    from factcheck.drafts.models import Draft, Revision, Sentence

    texts = [
        f"Claim {label}{n}: the harbour road closed after {n + 2} waves breached the sea wall."
        for n in range(count)
    ]
    text = " ".join(texts)
    draft = Draft.objects.create(newsroom=newsroom, title=f"Lookups {label}{count}", created_by=by)
    revision = Revision.objects.create(
        draft=draft, number=1, text=text, source=Revision.Source.PASTE, created_by=by
    )
    spans, at = [], 0
    for sentence_text in texts:
        spans.append((at, at + len(sentence_text)))
        at += len(sentence_text) + 1
    sentences = Sentence.objects.bulk_create(
        Sentence(revision=revision, index=i, start=s, end=e, kind=Sentence.Kind.SENTENCE, block=0)
        for i, (s, e) in enumerate(spans)
    )
    return Claim.objects.bulk_create(
        Claim(
            draft=draft,
            revision=revision,
            sentence=sentence,
            start=sentence.start,
            end=sentence.end,
            text=text[sentence.start : sentence.end],
            created_by=by,
        )
        for sentence in sentences
    )


def wait_for(
    condition: Callable[[], bool],
    *,
    timeout: float,
    interval: float = 0.25,
    what: str = "",
    state: Callable[[], object] = lambda: "",
) -> None:
    """Poll ``condition`` until it holds; after ``timeout`` seconds fail, saying ``what`` was
    awaited and the ``state()`` things were left in."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}: {state()}")
        time.sleep(interval)


# --- Fixtures ---------------------------------------------------------------------------------


def require_redis() -> str:
    """REDIS_URL, or skip locally; CI runs with Redis and must never skip."""
    url = os.environ.get("REDIS_URL", "")
    if not url.startswith("redis"):
        missing_locally(
            "needs Redis for a real Celery worker (CI sets REDIS_URL)",
            in_ci="CI must run with Redis: REDIS_URL is not set",
        )
    return url


@pytest.fixture
def integration_redis(settings: Any) -> Iterator[str]:
    """The Redis database the worker and this process share as broker and cache, emptied
    before and after; this process's Celery app and Django cache are pointed at it."""
    from tests.conftest import require_postgresql

    require_postgresql()
    url = redis_url_for(require_redis(), INTEGRATION_REDIS_DB)
    with using_redis(settings, url):
        yield url


@contextmanager
def using_redis(settings: Any, url: str) -> Iterator[None]:
    """Point this process's Celery app and Django cache at the Redis ``url``, emptied before
    and after."""
    import redis
    from django.core.cache import caches

    from factcheck.celery import app

    client = redis.Redis.from_url(url)
    client.flushdb()
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }
    saved = {
        key: app.conf[key]
        for key in ("broker_url", "broker_transport_options", "task_always_eager")
    }
    app.conf.broker_url = url
    app.conf.broker_transport_options = {"visibility_timeout": VISIBILITY_TIMEOUT}
    app.conf.task_always_eager = False
    _reset_connections(app)
    try:
        yield
    finally:
        app.conf.update(saved)
        _reset_connections(app)
        caches["default"].close()
        with suppress(redis.ConnectionError):  # a Redis of the test's own, gone already
            client.flushdb()
        client.close()


# A Redis server of the test's own, to restart; FACTCHECK_INTEGRATION_REDIS_PORT moves it.
OWN_REDIS_PORT = int(os.environ.get("FACTCHECK_INTEGRATION_REDIS_PORT", "6390"))


class RedisServer:
    """``redis-server`` on 127.0.0.1:``port`` keeping nothing on disk (as CI's, and as a
    Redis without an append-only file loses its queues at a restart)."""

    def __init__(self, port: int, folder: Path) -> None:
        self.port, self.folder = port, folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        import redis

        self.process = subprocess.Popen(  # noqa: S603 - a fixed program and arguments
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        wait_for(lambda: _pings(client), timeout=10, interval=0.05, what="redis-server")
        client.close()
        return self

    def kill(self) -> None:
        """``kill -9``: whatever it held is gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def _pings(client: Any) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False


@pytest.fixture
def own_redis(settings: Any, tmp_path: Path) -> Iterator[RedisServer]:
    """A ``redis-server`` of this test's own (to kill and start again), which this process
    and the workers ``start_worker`` starts use as broker and cache."""
    from tests.conftest import require_postgresql

    require_postgresql()
    require_redis()
    if shutil.which("redis-server") is None:
        missing_locally(
            "needs redis-server to restart a Redis of the test's own",
            in_ci="CI must have redis-server (.ci/run installs it)",
        )
    server = RedisServer(OWN_REDIS_PORT, tmp_path).start()
    try:
        with using_redis(settings, server.url):
            yield server
    finally:
        server.kill()


def _reset_connections(app: Any) -> None:
    """Close the pooled broker connections so the next publish uses the current URL (what
    Celery itself does after a fork)."""
    from kombu import pools

    pools.reset()
    app._after_fork()


@pytest.fixture
def stub_wikipedia() -> Iterator[StubWikipedia]:
    server = StubWikipedia(delay=0.1).start()
    yield server
    server.stop()


@pytest.fixture
def start_worker(
    transactional_db: None, integration_redis: str, tmp_path: Path, request: Any, settings: Any
) -> Iterator[Callable[..., Worker]]:
    """Start a worker on this test's database: ``start_worker(WIKIPEDIA_API_URL=...)``, reading
    every queue unless ``queue`` names some, on the Redis this process uses (``own_redis``
    moves both). Every worker is stopped (or killed) when the test ends, before the database
    is emptied; a failed test prints the workers' last log lines."""
    from django.db import connection

    started: list[Worker] = []

    def start(*, concurrency: int = 32, queue: str = "", **extra: str) -> Worker:
        env = worker_env(
            database_url=database_url(connection.settings_dict),
            redis_url=settings.CACHES["default"]["LOCATION"],  # the test's Redis
            **extra,
        )
        log = tmp_path / f"worker-{len(started) + 1}.log"
        worker = Worker(env, log, concurrency, queue)
        started.append(worker)
        return worker.wait_ready()

    yield start
    for worker in started:
        worker.stop()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        for worker in started:
            print(f"--- {worker.log.name} ({worker.name}) ---\n{worker.tail()}")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Any:
    # Keep the call phase's report on the item, so a fixture can tell the test failed.
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report
