"""backends.base.get_json against a stub server: the answers, the errors a retry may cure and
those it won't, the cache of answers, the per-source rate limit and the User-Agent."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import pytest

from factcheck.sources.backends import base
from factcheck.sources.backends.base import (
    DeadlineExceeded,
    SourceError,
    TransientError,
    deadline,
    get_json,
    highlight,
)
from tests.sources.conftest import StubServer


def test_answer_is_decoded_and_the_query_parameters_are_sent(stub_server: StubServer) -> None:
    stub_server.route("/api", json={"ok": True, "items": [1, 2]})
    data = get_json(
        "wikipedia", stub_server.url + "/api", {"q": "Su-25 shot down", "n": 5}, newsroom_id=1
    )
    assert data == {"ok": True, "items": [1, 2]}
    [request] = stub_server.requests
    assert request.method == "GET"
    assert request.params == {"q": "Su-25 shot down", "n": "5"}


def test_descriptive_user_agent_is_sent(stub_server: StubServer, settings: Any) -> None:
    settings.LOOKUP_USER_AGENT = "factcheck-tests/1.0 (contact: desk@example.org)"
    stub_server.route("/api", json={})
    get_json("wikipedia", stub_server.url + "/api", {}, newsroom_id=1)
    headers = stub_server.requests[0].headers
    assert headers["user-agent"] == "factcheck-tests/1.0 (contact: desk@example.org)"
    assert headers["accept"] == "application/json"


def test_slow_answer_is_a_transient_error_naming_the_timeout(
    stub_server: StubServer, settings: Any
) -> None:
    settings.LOOKUP_TIMEOUT_SECONDS = 1
    stub_server.route("/slow", json={}, delay=3)
    with pytest.raises(TransientError, match=r"^timed out after 1 s$"):
        get_json("wikipedia", stub_server.url + "/slow", {}, newsroom_id=1)


def test_unreachable_service_is_a_transient_error() -> None:
    with StubServer() as gone:
        url = gone.url + "/api"
    with pytest.raises(TransientError, match="could not connect"):
        get_json("wikipedia", url, {}, newsroom_id=1)


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_rate_limited_or_failing_service_is_a_transient_error(
    stub_server: StubServer, status: int
) -> None:
    stub_server.route("/api", status=status, json={"error": "busy"})
    with pytest.raises(TransientError, match=f"answered {status}"):
        get_json("wikipedia", stub_server.url + "/api", {}, newsroom_id=1)


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_are_a_source_error_about_the_api_key(
    stub_server: StubServer, status: int, recorded: Any
) -> None:
    stub_server.route("/api", status=status, json=recorded("factcheck_error_forbidden"))
    with pytest.raises(SourceError, match="API key") as caught:
        get_json("factcheck", stub_server.url + "/api", {"key": "secret-key"}, newsroom_id=1)
    assert str(status) in str(caught.value)
    assert "secret-key" not in str(caught.value)


def test_other_client_errors_are_source_errors(stub_server: StubServer) -> None:
    stub_server.route("/api", status=404, json={"error": "not found"})
    with pytest.raises(SourceError, match="answered 404"):
        get_json("wikipedia", stub_server.url + "/api", {}, newsroom_id=1)


def test_an_answer_that_is_not_json_is_a_source_error(stub_server: StubServer) -> None:
    stub_server.route("/api", body="<html><body>Maintenance</body></html>")
    with pytest.raises(SourceError, match="not JSON"):
        get_json("wikipedia", stub_server.url + "/api", {}, newsroom_id=1)


def test_second_identical_call_is_answered_from_the_cache(stub_server: StubServer) -> None:
    stub_server.route("/api", json={"n": 1})
    first = get_json("wikipedia", stub_server.url + "/api", {"q": "x", "n": 5}, newsroom_id=1)
    second = get_json("wikipedia", stub_server.url + "/api", {"n": 5, "q": "x"}, newsroom_id=1)
    assert first == second == {"n": 1}
    assert stub_server.count == 1


def test_cache_keys_differ_by_parameters_and_source(stub_server: StubServer) -> None:
    stub_server.route("/api", json={})
    get_json("wikipedia", stub_server.url + "/api", {"q": "x"}, newsroom_id=1)
    get_json("wikipedia", stub_server.url + "/api", {"q": "y"}, newsroom_id=1)
    get_json("factcheck", stub_server.url + "/api", {"q": "x"}, newsroom_id=1)
    assert [r.params["q"] for r in stub_server.requests] == ["x", "y", "x"]


def test_failures_are_not_cached(stub_server: StubServer) -> None:
    stub_server.route("/api", status=503, json={}, times=1)
    stub_server.route("/api", json={"ok": True})
    with pytest.raises(TransientError):
        get_json("wikipedia", stub_server.url + "/api", {}, newsroom_id=1)
    assert get_json("wikipedia", stub_server.url + "/api", {}, newsroom_id=1) == {"ok": True}
    assert stub_server.count == 2


class FakeClock:
    """Stands in for the ``time`` module inside base: a clock that only moves when slept on
    (``frozen`` keeps it still, as if the second never ended)."""

    def __init__(self, frozen: bool = False) -> None:
        self.now = 1_700_000_000.25
        self.frozen = frozen
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if not self.frozen:
            self.now += seconds


def test_rate_limit_makes_the_third_call_in_a_second_wait_for_the_next(
    stub_server: StubServer, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.LOOKUP_RATE_PER_SECOND = 2
    clock = FakeClock()
    monkeypatch.setattr(base, "time", clock)
    stub_server.route("/api", json={})
    for n in range(2):
        get_json("wikipedia", stub_server.url + "/api", {"n": n}, newsroom_id=1)
    assert clock.sleeps == []
    get_json("wikipedia", stub_server.url + "/api", {"n": 2}, newsroom_id=1)
    assert len(clock.sleeps) == 1
    assert 0.75 <= clock.sleeps[0] <= 0.8  # the rest of the second, plus a little
    assert stub_server.count == 3


def test_rate_limit_is_counted_per_source(
    stub_server: StubServer, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.LOOKUP_RATE_PER_SECOND = 2
    clock = FakeClock()
    monkeypatch.setattr(base, "time", clock)
    stub_server.route("/api", json={})
    for n in range(2):
        get_json("wikipedia", stub_server.url + "/api", {"n": n}, newsroom_id=1)
        get_json("factcheck", stub_server.url + "/api", {"n": n}, newsroom_id=1)
    assert clock.sleeps == []


def test_rate_limit_gives_up_with_a_transient_error_when_no_slot_frees(
    stub_server: StubServer, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.LOOKUP_RATE_PER_SECOND = 2
    clock = FakeClock(frozen=True)
    monkeypatch.setattr(base, "time", clock)
    stub_server.route("/api", json={})
    for n in range(2):
        get_json("wikipedia", stub_server.url + "/api", {"n": n}, newsroom_id=1)
    with pytest.raises(TransientError, match="rate limit of 2 requests a second reached"):
        get_json("wikipedia", stub_server.url + "/api", {"n": 2}, newsroom_id=1)
    assert stub_server.count == 2


def test_cached_answers_do_not_count_against_the_rate_limit(
    stub_server: StubServer, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.LOOKUP_RATE_PER_SECOND = 1
    clock = FakeClock(frozen=True)
    monkeypatch.setattr(base, "time", clock)
    stub_server.route("/api", json={"ok": True})
    for _ in range(5):
        answer = get_json("wikipedia", stub_server.url + "/api", {"q": "x"}, newsroom_id=1)
        assert answer == {"ok": True}
    assert clock.sleeps == []
    assert stub_server.count == 1


def test_the_cache_is_each_newsrooms_own(stub_server: StubServer) -> None:
    """Another newsroom's lookup of the same words is not answered from the cache (its speed
    would tell that someone else had looked them up); the same newsroom's is."""
    stub_server.route("/api", json={"ok": True})
    for newsroom_id in (1, 2, 1, 2):
        get_json("wikipedia", stub_server.url + "/api", {"q": "x"}, newsroom_id=newsroom_id)
    assert stub_server.count == 2


def test_one_newsroom_cannot_use_up_the_sources_rate_limit(
    stub_server: StubServer, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.LOOKUP_RATE_PER_SECOND = 4
    settings.LOOKUP_NEWSROOM_RATE_PER_SECOND = 2
    clock = FakeClock(frozen=True)  # all in one second
    monkeypatch.setattr(base, "time", clock)
    stub_server.route("/api", json={})
    for n in range(2):
        get_json("wikipedia", stub_server.url + "/api", {"n": n}, newsroom_id=1)
    for _ in range(3):  # over its share: refused, and no token of the source's taken
        with pytest.raises(TransientError, match="rate limit of 2 requests a second reached"):
            get_json("wikipedia", stub_server.url + "/api", {"n": 9}, newsroom_id=1)
    for n in range(2):
        get_json("wikipedia", stub_server.url + "/api", {"n": n}, newsroom_id=2)
    with pytest.raises(TransientError, match="rate limit of 4 requests a second reached"):
        get_json("wikipedia", stub_server.url + "/api", {"n": 2}, newsroom_id=3)
    assert stub_server.count == 4


def test_the_lookups_deadline_cuts_a_request_shorter_than_its_timeout(
    stub_server: StubServer, settings: Any
) -> None:
    settings.LOOKUP_TIMEOUT_SECONDS = 10
    stub_server.route("/slow", json={}, delay=5)
    started = time.monotonic()
    with (
        pytest.raises(DeadlineExceeded, match=r"^no answer within the lookup's time limit of 1 s$"),
        deadline(1),
    ):
        get_json("wikipedia", stub_server.url + "/slow", {}, newsroom_id=1)
    assert time.monotonic() - started < 2


def test_a_service_that_trickles_its_answer_is_cut_off_at_the_deadline(settings: Any) -> None:
    """Each read comes within the request's timeout, the whole never: the deadline, checked
    between reads, ends it."""
    settings.LOOKUP_TIMEOUT_SECONDS = 10
    with Trickler() as url:
        started = time.monotonic()
        with pytest.raises(DeadlineExceeded), deadline(1):
            get_json("wikipedia", url, {}, newsroom_id=1)
        assert time.monotonic() - started < 2


def test_past_the_deadline_no_request_is_made(stub_server: StubServer) -> None:
    stub_server.route("/api", json={})
    with deadline(0), pytest.raises(DeadlineExceeded):
        get_json("wikipedia", stub_server.url + "/api", {}, newsroom_id=1)
    assert stub_server.count == 0


class BrokenCache:
    """A cache whose server is away (a Redis restart): every call raises."""

    def __getattr__(self, name: str) -> Any:
        def fail(*args: Any, **kwargs: Any) -> Any:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

        return fail


def test_a_cache_that_is_away_costs_the_cache_not_the_lookup(
    stub_server: StubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "cache", BrokenCache())
    stub_server.route("/api", json={"ok": True})
    for _ in range(2):
        assert get_json("wikipedia", stub_server.url + "/api", {}, newsroom_id=1) == {"ok": True}
    assert stub_server.count == 2


class Trickler:
    """An HTTP server on 127.0.0.1 that sends its headers, then one byte of the body every
    0.3 s, for a minute."""

    def __enter__(self) -> str:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.server.getsockname()[1]}/api"

    def serve(self) -> None:
        conn, _ = self.server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
            conn.sendall(b"Content-Length: 200\r\n\r\n")
            for _ in range(200):
                if self.stop.wait(0.3):
                    return
                try:
                    conn.sendall(b" ")
                except OSError:
                    return

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.server.close()
        self.thread.join(timeout=5)


def test_highlight_marks_the_query_words_of_three_letters_or_more() -> None:
    text = "Turkey denied that an F-16 shot down the Su-25."
    spans = highlight(text, "Turkish F-16 shot DOWN an Su-25")
    assert [text[start:end] for start, end in spans] == ["shot", "down"]
