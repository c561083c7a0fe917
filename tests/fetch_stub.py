"""Web sites for the link-import tests: threaded HTTP servers on loopback addresses.

``Site("127.0.0.1")`` is the stub a test allows (``DRAFT_FETCH_ALLOW_ADDRESSES``);
``Site("127.0.0.2")`` is the canary, another loopback address that no test allows: whatever a
test does, ``canary.hits`` must stay empty. Each path answers with a canned page, a redirect or
a handler of its own (for streaming, trickling, compression).

    with Site() as site:
        site.page("/story", b"<p>Hi</p>", content_type="text/html; charset=utf-8")
        site.redirect("/old", "/story")
        site.handle("/slow", lambda handler: ...)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Handle = Callable[[BaseHTTPRequestHandler], None]


@dataclass(frozen=True)
class Hit:
    """A request a site received; header names lower-case."""

    path: str
    headers: dict[str, str]


class Site:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.hits: list[Hit] = []
        self.stopping = threading.Event()
        self._routes: dict[str, Handle] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.host = host
        self.port = int(self._server.server_address[1])
        self.url = f"http://{host}:{self.port}"

    def __enter__(self) -> Site:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopping.set()  # wakes handlers still sleeping
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def handle(self, path: str, handle: Handle) -> None:
        with self._lock:
            self._routes[path] = handle

    def page(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        def answer(handler: BaseHTTPRequestHandler) -> None:
            send(handler, status, body, {"Content-Type": content_type, **(headers or {})})

        self.handle(path, answer)

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.page(path, b"", status=status, headers={"Location": location})

    def paths(self) -> list[str]:
        with self._lock:
            return [hit.path for hit in self.hits]

    def _route(self, path: str) -> Handle | None:
        with self._lock:
            return self._routes.get(path) or self._routes.get("*")


def send(
    handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]
) -> None:
    """Answer with ``body`` and a Content-Length (unless ``headers`` gives one)."""
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    if "Content-Length" not in headers:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def stream(
    handler: BaseHTTPRequestHandler,
    chunks: Iterator[bytes],
    headers: dict[str, str],
    *,
    pause: float = 0.0,
    stopping: threading.Event | None = None,
) -> None:
    """Answer with ``chunks`` and no Content-Length (the connection closes at the end),
    ``pause`` seconds between them."""
    handler.close_connection = True
    handler.send_response(200)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Connection", "close")
    handler.end_headers()
    try:
        for chunk in chunks:
            handler.wfile.write(chunk)
            handler.wfile.flush()
            if pause and stopping is not None and stopping.wait(pause):
                return
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client gave up: that is what the test wanted


def _handler_for(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            headers = {name.lower(): value for name, value in self.headers.items()}
            with site._lock:
                site.hits.append(Hit(self.path, headers))
            handle = site._route(self.path)
            try:
                if handle is None:
                    send(self, 404, b"no such page", {"Content-Type": "text/plain"})
                else:
                    handle(self)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
