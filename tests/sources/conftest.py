"""Fixtures for source tests: a stub HTTP server on 127.0.0.1 that stands in for the outside
internet (the real httpx code path runs against it), the recorded answers of the real APIs, and
an isolated in-memory cache so answers and rate-limit counters never leak between tests.

    def test_something(stub_server, recorded, settings):
        stub_server.route("/en/w/api.php", json=recorded("wikipedia_search_su25"),
                          match={"list": "search"})
        stub_server.route("/slow", json={}, delay=2)             # answers after 2 s
        stub_server.route("/flaky", status=503, json={}, times=1)  # once, then the next route
        settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
        ...
        assert stub_server.requests[0].params["srsearch"] == "..."
        assert stub_server.count == 2

``StubServer`` also works as a context manager for tests that need a server with a wider scope
(e.g. one shared by a real Celery worker process).
"""

from __future__ import annotations

import json as jsonlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from tests.conftest import client_for
from tests.factories import UserFactory

RECORDED = Path(__file__).resolve().parent / "recorded"


@dataclass
class Route:
    """One canned answer. ``match`` lists query parameters the request must carry (a subset);
    ``times`` bounds how often it answers before the next matching route takes over."""

    path: str
    status: int
    body: bytes
    delay: float
    headers: dict[str, str]
    match: dict[str, str]
    times: int | None
    served: int = 0

    def matches(self, path: str, params: dict[str, str]) -> bool:
        if path != self.path or (self.times is not None and self.served >= self.times):
            return False
        return all(params.get(name) == value for name, value in self.match.items())


@dataclass
class RecordedRequest:
    """What the stub saw: ``params`` holds the last value of each query parameter,
    ``multi`` every value; header names are lower-case."""

    method: str
    path: str
    params: dict[str, str]
    multi: dict[str, list[str]]
    headers: dict[str, str] = field(default_factory=dict)


class StubServer:
    """A threaded HTTP server on 127.0.0.1 with canned answers, a request log and a counter."""

    def __init__(self) -> None:
        self._routes: list[Route] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.requests: list[RecordedRequest] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> StubServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        # Wakes handlers still sleeping out a delay, so none outlives the test.
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def route(
        self,
        path: str,
        *,
        status: int = 200,
        json: Any = None,
        body: bytes | str | None = None,
        delay: float = 0.0,
        headers: dict[str, str] | None = None,
        match: dict[str, str] | None = None,
        times: int | None = None,
    ) -> None:
        """Answer GETs of ``path`` with ``json`` (encoded) or the raw ``body``. Routes are tried
        in the order they were added; the first that matches answers."""
        if json is not None and body is not None:
            raise ValueError("give json or body, not both")
        if json is not None:
            payload = jsonlib.dumps(json).encode()
            content_type = "application/json; charset=utf-8"
        else:
            payload = body.encode() if isinstance(body, str) else (body or b"")
            content_type = "text/plain; charset=utf-8"
        all_headers = {"Content-Type": content_type, **(headers or {})}
        with self._lock:
            self._routes.append(
                Route(path, status, payload, delay, all_headers, dict(match or {}), times)
            )

    def reset(self) -> None:
        """Forget every route and every request seen."""
        with self._lock:
            self._routes.clear()
            self.requests.clear()

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.requests)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def _answer(self, request: RecordedRequest) -> Route | None:
        with self._lock:
            self.requests.append(request)
            for route in self._routes:
                if route.matches(request.path, request.params):
                    route.served += 1
                    return route
        return None


def _handler_for(stub: StubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            multi = parse_qs(parts.query, keep_blank_values=True)
            request = RecordedRequest(
                method="GET",
                path=parts.path,
                params={name: values[-1] for name, values in multi.items()},
                multi=multi,
                headers={name.lower(): value for name, value in self.headers.items()},
            )
            route = stub._answer(request)
            if route is None:
                status, payload = 404, b'{"error": "no stub route"}'
                headers = {"Content-Type": "application/json"}
            else:
                if route.delay and stub._stopping.wait(route.delay):
                    return  # the server is stopping: the client gave up long ago
                status, payload, headers = route.status, route.body, route.headers
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client timed out and hung up: that is what the test wanted

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def root_client() -> Client:
    """A site admin (superuser) logged in: the Django admin's user."""
    return client_for(UserFactory(username="root", is_staff=True, is_superuser=True))


@pytest.fixture
def stub_server() -> Iterator[StubServer]:
    with StubServer() as server:
        yield server


def load_recorded(name: str) -> Any:
    """A recorded API answer from tests/sources/recorded/<name>.json."""
    return jsonlib.loads((RECORDED / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def recorded() -> Any:
    return load_recorded


@pytest.fixture(autouse=True)
def lookup_cache(settings: Any) -> Iterator[None]:
    """A fresh in-memory cache per test: cached answers and rate-limit counters stay inside it."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tests-sources",
        }
    }
    cache.clear()
    yield
    cache.clear()


SU25_TEXT = (
    "Jet Downed Over Border\n\n"
    "An Armenian Sukhoi Su-25 was shot down on 29 September, the defence ministry said. "
    "The pilot was killed.\n"
)


@pytest.fixture
def su25_claim(newsroom: Any, editor: Any) -> Any:
    """A marked claim whose lookups the recorded Su-25 answers fit."""
    from factcheck.claims.services import claim_mark_sentence
    from factcheck.drafts.services import draft_import

    revision = draft_import(newsroom=newsroom, by=editor, text=SU25_TEXT).revisions.get()
    sentence = next(
        s for s in revision.sentences.all() if "Su-25" in revision.text[s.start : s.end]
    )
    return claim_mark_sentence(sentence=sentence, by=editor)


@pytest.fixture
def eager_retries() -> Iterator[None]:
    """Let eager Celery run a task's retries in place (with no wait), as a worker would in turn.
    With task_eager_propagates on, the first ``self.retry()`` escapes to the caller instead."""
    from factcheck.celery import app

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    try:
        yield
    finally:
        app.conf.task_eager_propagates = before
