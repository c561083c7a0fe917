"""A webhook receiver for the tests: a threaded HTTP server on 127.0.0.1 that records every POST
(headers and exact body) and answers with the status codes it is given, in turn (the last one
repeats). It checks each signature itself, as a CMS would, with the secret it is told."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]  # names lower-case
    body: bytes
    at: float  # the receiver's clock, Unix seconds
    signature_ok: bool


class Receiver:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.received: list[Received] = []
        self.statuses: list[int] = [204]
        self.delay = 0.0
        self.secret = ""
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer((host, 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.port = int(self._server.server_address[1])
        self.url = f"http://{host}:{self.port}/hooks/factcheck"

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _next_status(self) -> int:
        with self._lock:
            return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]

    def _verify(self, headers: dict[str, str], body: bytes) -> bool:
        """The receiver's side, written out as docs/api.md tells a CMS to."""
        timestamp = headers.get("x-factcheck-timestamp", "")
        if not self.secret or not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:
            return False
        expected = hmac.new(
            self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        return hmac.compare_digest(headers.get("x-factcheck-signature", ""), "sha256=" + expected)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            headers = {name.lower(): value for name, value in self.headers.items()}
            body = self.rfile.read(int(headers.get("content-length", "0")))
            with receiver._lock:
                receiver.received.append(
                    Received(self.path, headers, body, time.time(), receiver._verify(headers, body))
                )
            if receiver.delay and receiver._stopping.wait(receiver.delay):
                return
            status = receiver._next_status()
            try:
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
