"""The app as gunicorn serves it, counting the request body's bytes the app reads: the answer
carries the count in ``X-Body-Bytes-Read`` (tests/integration/test_gunicorn_uploads.py). Only
the tests serve it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from factcheck.wsgi import application as app


class _Counting:
    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.count = 0

    def _seen(self, data: bytes) -> bytes:
        self.count += len(data)
        return data

    def read(self, *args: Any) -> bytes:
        return self._seen(self.stream.read(*args))

    def readline(self, *args: Any) -> bytes:
        return self._seen(self.stream.readline(*args))


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    body = _Counting(environ["wsgi.input"])
    environ["wsgi.input"] = body

    def counted(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
        return start_response(status, [*headers, ("X-Body-Bytes-Read", str(body.count))], *rest)

    return app(environ, counted)  # type: ignore[no-any-return]
