"""A 50 MB multipart upload against gunicorn (the server we deploy, on PostgreSQL): an editor's
is refused 413 and a checker's 403, each before the app reads the body, never a 5xx, and no
temporary file is left behind. A small upload through the same server still works.

The client speaks HTTP over a raw socket so that it can stop sending when the answer comes, as
browsers and curl do: it counts what it got to send (the kernel's buffers take some of it before
gunicorn answers) and the time to the answer. Run with ``-s`` to see the figures
(docs/reliability.md, "Uploads").
"""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from factcheck.sources.models import ReferenceDocument
from tests.conftest import require_postgresql
from tests.integration.conftest import ROOT, database_url

pytestmark = pytest.mark.django_db(transaction=True)

PORTS = range(8140, 8150)  # this checkout's range; the first free one is used
BOUNDARY = "fcgunicornboundary"
MB = 1024 * 1024
CHUNK = 64 * 1024


@dataclass
class Answer:
    status: int
    head: str
    body: bytes
    sent: int  # body bytes the client got to send before the answer came
    read: int  # body bytes the app read (X-Body-Bytes-Read)
    seconds: float  # from the first byte sent to the answer's status line


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS}")


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """gunicorn serving the app on this test's database, with its own upload temporary folder;
    the port and that folder."""
    from django.db import connection

    require_postgresql()
    port = _free_port()
    uploads = tmp_path / "upload-tmp"
    uploads.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        DATABASE_URL=database_url(connection.settings_dict),
        FILE_UPLOAD_TEMP_DIR=str(uploads),
        CELERY_TASK_ALWAYS_EAGER="0",
        DEBUG="0",
        LOG_LEVEL="WARNING",
    )
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tests.integration.body_counter:application",  # the app, counting body reads
            f"--bind=127.0.0.1:{port}",
            "--workers=1",
            "--timeout=30",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                raise RuntimeError((tmp_path / "gunicorn.log").read_text(errors="replace"))
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        # One request first, so that the figures measure refusing, not the worker's first import.
        for path in ("/accounts/login/", "/api/v1/drafts/"):
            with socket.create_connection(("127.0.0.1", port), timeout=30) as warm:
                request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                warm.sendall(request.encode())
                while warm.recv(65536):
                    pass
        yield port, uploads
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()
        errors = (tmp_path / "gunicorn.log").read_text(errors="replace")
        assert "Internal Server Error" not in errors, errors


def _parts(size: int, fields: dict[str, str]) -> tuple[bytes, int, bytes]:
    """A multipart body of ``size`` bytes in all: its head, the file's length, its tail."""
    head = "".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    )
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    )
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    return head.encode(), size - len(head.encode()) - len(tail), tail


def post_upload(
    port: int, path: str, *, size: int, cookies: dict[str, str], headers: dict[str, str]
) -> Answer:
    head, filler, tail = _parts(size, {"title": "Big"})
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
        f"Content-Length: {size}",
        f"Cookie: {cookie}",
        *(f"{k}: {v}" for k, v in headers.items()),
        "Connection: close",
    ]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    line = b"x" * 1023 + b"\n"
    chunk_of_filler = line * (CHUNK // len(line))

    def body() -> Iterator[bytes]:
        yield head
        left = filler
        while left > 0:
            piece = chunk_of_filler[: min(left, len(chunk_of_filler))]
            left -= len(piece)
            yield piece
        yield tail

    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    started = time.monotonic()
    sock.sendall(request)
    sent, received = 0, b""
    pieces = body()
    pending = b""
    answered_at: float | None = None
    sending = True
    while True:
        readable, writable, _ = select.select([sock], [sock] if sending else [], [], 30)
        if not readable and not writable:
            raise TimeoutError("no answer within 30 s")
        if readable:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                data = b""
            if answered_at is None and data:
                answered_at = time.monotonic()
            if not data:
                break
            received += data
            sending = False  # the answer came: stop, as a browser does
            continue
        if not pending:
            pending = next(pieces, b"")
            if not pending:
                sending = False
                continue
        try:
            count = sock.send(pending)
        except (BrokenPipeError, ConnectionResetError):
            sending = False
            continue
        sent += count
        pending = pending[count:]
    sock.close()
    head_text, _, content = received.partition(b"\r\n\r\n")
    status = int(head_text.split(b" ", 2)[1]) if head_text else 0
    seconds = (answered_at or time.monotonic()) - started
    head = head_text.decode("latin-1")
    read = next(
        int(line.split(":", 1)[1])
        for line in head.splitlines()
        if line.lower().startswith("x-body-bytes-read:")
    )
    return Answer(status, head, content, sent, read, seconds)


def _login(user: Any) -> dict[str, str]:
    """The session cookie of ``user`` (written to the shared database) and a CSRF cookie."""
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": _get_new_csrf_string()}


def test_a_50_mb_upload_is_refused_before_its_body_by_gunicorn(
    gunicorn: tuple[int, Path], editor: Any, checker: Any
) -> None:
    port, uploads = gunicorn
    library = "/sources/library/?newsroom=demo"
    figures = []
    for who, user, expected in (("editor", editor, 413), ("checker", checker, 403)):
        cookies = _login(user)
        csrf = {"X-CSRFToken": cookies["csrftoken"]}
        for path in (library, "/drafts/new/"):
            answer = post_upload(port, path, size=50 * MB, cookies=cookies, headers=csrf)
            assert answer.status == expected, (who, path, answer.head)
            assert answer.read == 0  # not a byte of the body
            if expected == 413:
                assert b"The request is too large" in answer.body
            assert answer.sent < 50 * MB  # it stopped sending when the answer came
            assert list(uploads.iterdir()) == []
            figures.append(
                f"{who} POST {path}: {answer.status} after {answer.seconds * 1000:.0f} ms, "
                f"{answer.read} body bytes read by the app, {answer.sent / MB:.2f} MB of 50 MB "
                "sent by the client (into the sockets' buffers) before the answer"
            )
    print("\n" + "\n".join(figures))
    assert not ReferenceDocument.objects.exists()


def test_an_api_upload_of_50_mb_is_413_in_the_apis_shape(
    gunicorn: tuple[int, Path], editor: Any
) -> None:
    from tests.api.conftest import token_for

    port, uploads = gunicorn
    headers = {"Authorization": f"Bearer {token_for(editor)}"}
    answer = post_upload(port, "/api/v1/drafts/", size=50 * MB, cookies={}, headers=headers)
    assert answer.status == 413, answer.head
    assert answer.read == 0
    assert b'"code":"payload_too_large"' in answer.body
    assert list(uploads.iterdir()) == []
    print(
        f"\napi POST /api/v1/drafts/: {answer.status} after {answer.seconds * 1000:.0f} ms, "
        f"{answer.read} body bytes read, {answer.sent / MB:.2f} MB sent"
    )


def test_a_small_upload_through_gunicorn_is_stored_and_leaves_no_temporary_file(
    gunicorn: tuple[int, Path], editor: Any
) -> None:
    port, uploads = gunicorn
    cookies = _login(editor)
    # 3 MB: over FILE_UPLOAD_MAX_MEMORY_SIZE (2 MB), so it waits on disk while it is read.
    answer = post_upload(
        port,
        "/sources/library/?newsroom=demo",
        size=3 * MB,
        cookies=cookies,
        headers={"X-CSRFToken": cookies["csrftoken"]},
    )
    assert answer.status == 302, answer.head + answer.body.decode(errors="replace")[:500]
    assert answer.sent == answer.read == 3 * MB
    assert ReferenceDocument.objects.get().title == "Big"
    assert list(uploads.iterdir()) == []
