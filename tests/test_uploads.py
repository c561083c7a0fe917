"""Every view that takes a file checks the role and the declared size before the body is read
(factcheck/uploads.py), caps it while it streams, still checks CSRF, and leaves no temporary
file behind on any path: success, refusal, a broken body, an exception."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.http.multipartparser import MultiPartParser
from django.test import Client, RequestFactory
from django.urls import reverse

from factcheck.drafts.models import Draft
from factcheck.sources import library as library_module
from factcheck.sources.models import ReferenceDocument
from factcheck.uploads import BodyTooLarge, CappedUploadHandler, upload_limit
from tests.api.conftest import token_for
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

BOUNDARY = "fcboundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
MB = 1024 * 1024


class CountingBody:
    """A multipart body of ``size`` bytes (one text file, ``file``), made as it is read, which
    counts the bytes the server read: a 50 MB upload that costs no memory here."""

    def __init__(self, size: int, *, fields: dict[str, str] | None = None) -> None:
        head = "".join(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in (fields or {}).items()
        )
        head += (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            'filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n'
        )
        self.head = head.encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.size = size
        self.position = 0

    @property
    def read_bytes(self) -> int:
        return self.position

    def _byte_range(self, start: int, end: int) -> bytes:
        filler_end = self.size - len(self.tail)
        out = bytearray()
        for i in range(start, end):
            if i < len(self.head):
                out.append(self.head[i])
            elif i < filler_end:
                out += b"x"
                continue
            else:
                out.append(self.tail[i - filler_end])
        return bytes(out)

    def read(self, size: int = -1) -> bytes:
        end = self.size if size is None or size < 0 else min(self.size, self.position + size)
        filler_start, filler_end = len(self.head), self.size - len(self.tail)
        start = self.position
        if filler_start <= start and end <= filler_end:
            chunk = b"x" * (end - start)
        else:
            chunk = self._byte_range(start, end)
        self.position = end
        return chunk

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)

    def environ(self, **extra: Any) -> dict[str, Any]:
        return {
            "CONTENT_LENGTH": str(self.size),
            "CONTENT_TYPE": MULTIPART,
            "wsgi.input": self,
            **extra,
        }


def post_body(client: Client, url: str, body: CountingBody, **extra: Any) -> Any:
    return client.generic("POST", url, b"", **body.environ(**extra))


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> bytes:
    out = b""
    for name, value in fields.items():
        out += (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    for name, (filename, data) in files.items():
        out += (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        out += data + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


# --- The upload views, as the cast reach them ---------------------------------------------------


def strict_client(user: Any) -> Client:
    """A browser's client: CSRF enforced, as in production. (Django's error pages check a CSRF
    token, which reads the body, unless the view marked it unread: a test client that skips
    CSRF checks would not see that.)"""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _library(users: dict[str, Any], draft: Draft) -> tuple[Client, str, dict[str, str]]:
    return strict_client(users["user"]), reverse("sources:library") + "?newsroom=demo", {}


def _draft_new(users: dict[str, Any], draft: Draft) -> tuple[Client, str, dict[str, str]]:
    return strict_client(users["user"]), reverse("drafts:new"), {}


def _revision_new(users: dict[str, Any], draft: Draft) -> tuple[Client, str, dict[str, str]]:
    url = reverse("drafts:revision_new", args=[draft.pk])
    return strict_client(users["user"]), url, {}


def _api_draft(users: dict[str, Any], draft: Draft) -> tuple[Client, str, dict[str, str]]:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(users['user'])}"}
    return Client(), reverse("api:drafts"), auth


def _api_revision(users: dict[str, Any], draft: Draft) -> tuple[Client, str, dict[str, str]]:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(users['user'])}"}
    return Client(), reverse("api:revisions", args=[draft.pk]), auth


VIEWS: dict[str, Callable[[dict[str, Any], Draft], tuple[Client, str, dict[str, str]]]] = {
    "library": _library,
    "draft_new": _draft_new,
    "revision_new": _revision_new,
    "api_draft": _api_draft,
    "api_revision": _api_revision,
}


@pytest.mark.parametrize("view", VIEWS)
def test_a_50_mb_upload_by_an_editor_is_413_with_not_a_byte_read(
    view: str, editor: Any, draft: Draft
) -> None:
    client, url, extra = VIEWS[view]({"user": editor}, draft)
    body = CountingBody(50 * MB)
    before = (Draft.objects.count(), ReferenceDocument.objects.count())
    response = post_body(client, url, body, **extra)
    assert response.status_code == 413
    assert body.read_bytes == 0
    text = response.content.decode()
    assert "The request is too large:" in text and "has at most" in text
    if view.startswith("api"):
        assert response.json()["error"]["code"] == "payload_too_large"
    assert (Draft.objects.count(), ReferenceDocument.objects.count()) == before


@pytest.mark.parametrize("view", VIEWS)
def test_a_member_whose_role_cannot_upload_is_refused_before_the_body(
    view: str, checker: Any, draft: Draft
) -> None:
    client, url, extra = VIEWS[view]({"user": checker}, draft)
    body = CountingBody(50 * MB)
    response = post_body(client, url, body, **extra)
    assert response.status_code == 403
    assert body.read_bytes == 0


@pytest.mark.parametrize("view", ["library", "revision_new", "api_revision"])
def test_an_outsider_is_refused_before_the_body(view: str, outsider: Any, draft: Draft) -> None:
    client, url, extra = VIEWS[view]({"user": outsider}, draft)
    if view == "library":
        url = reverse("sources:library") + "?newsroom=demo"  # not the outsider's
    body = CountingBody(50 * MB)
    response = post_body(client, url, body, **extra)
    assert response.status_code == 404
    assert body.read_bytes == 0


def test_the_413_with_htmx_is_the_upload_form_with_the_message(editor: Any) -> None:
    body = CountingBody(50 * MB)
    url = reverse("sources:library") + "?newsroom=demo"
    response = post_body(client_for(editor), url, body, HTTP_HX_REQUEST="true")
    assert response.status_code == 413
    page = response.content.decode()
    assert page.startswith('<section id="library-upload"')
    assert "The request is too large: a library document has at most 20 MB." in page
    assert body.read_bytes == 0


def test_a_body_within_the_limit_is_read_and_uploaded(editor: Any) -> None:
    data = b"The harbour road closed at dawn.\n" * 100
    body = multipart({"title": "Notes"}, {"file": ("notes.txt", data)})
    url = reverse("sources:library") + "?newsroom=demo"
    response = client_for(editor).generic("POST", url, body, content_type=MULTIPART)
    assert response.status_code == 302
    assert ReferenceDocument.objects.get().title == "Notes"


def test_the_upload_views_still_check_csrf(editor: Any, draft: Draft) -> None:
    """They are csrf_exempt for the middleware (which would read the body first) and check the
    token themselves once the role and the size are known."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    body = multipart({"text": "A new text."}, {"file": ("notes.txt", b"Words and more words.")})
    for url in (
        reverse("sources:library") + "?newsroom=demo",
        reverse("drafts:new"),
        reverse("drafts:revision_new", args=[draft.pk]),
    ):
        response = client.generic("POST", url, body, content_type=MULTIPART)
        assert response.status_code == 403, url
    assert not ReferenceDocument.objects.exists()
    assert Draft.objects.count() == 1 and draft.revisions.count() == 1


def test_a_form_naming_another_newsroom_in_its_body_is_refused(
    editor: Any, other_newsroom: Any
) -> None:
    body = multipart({"newsroom": "other"}, {"file": ("notes.txt", b"Words.")})
    url = reverse("sources:library") + "?newsroom=demo"
    response = client_for(editor).generic("POST", url, body, content_type=MULTIPART)
    assert response.status_code == 404
    assert not ReferenceDocument.objects.exists()


# --- The cap while the body streams -------------------------------------------------------------


def test_a_body_longer_than_it_said_stops_at_the_cap(tmp_path: Path, settings: Any) -> None:
    """Under WSGI Django reads no more than Content-Length; a server that passed a chunked body
    on, or a lying length, meets the handler's cap: the parse stops, the temporary file goes."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    request = RequestFactory().generic(
        "POST", "/", b"", CONTENT_TYPE=MULTIPART, CONTENT_LENGTH="1000"
    )
    cap = upload_limit(request, max_bytes=4096, what="a test")
    assert isinstance(cap, CappedUploadHandler)
    payload = multipart({}, {"file": ("big.txt", b"y" * (cap.body_max * 3))})
    parser = MultiPartParser(request.META, io.BytesIO(payload), request.upload_handlers)
    with pytest.raises(BodyTooLarge, match="a test has at most 4 KB"):
        parser.parse()
    assert cap.body_max < cap.received <= cap.body_max + 64 * 1024  # one chunk past, no more
    assert list(tmp_path.iterdir()) == []


def test_the_handlers_cannot_be_set_once_the_body_was_read(editor: Any) -> None:
    request = RequestFactory().post("/", {"text": "x"})
    assert request.POST["text"] == "x"
    with pytest.raises(AttributeError):
        upload_limit(request, max_bytes=1024, what="a test")


# --- Temporary files, on every path -------------------------------------------------------------


@pytest.fixture
def upload_dir(tmp_path: Path, settings: Any) -> Path:
    """Uploads over 1 KB wait on disk, in a folder of the test's own."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    return folder


def _library_post(client: Client, body: bytes, **extra: Any) -> Any:
    url = reverse("sources:library") + "?newsroom=demo"
    return client.generic("POST", url, body, content_type=MULTIPART, **extra)


def test_no_temporary_file_after_a_successful_upload(
    upload_dir: Path, editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[list[str]] = []
    upload = library_module.document_upload

    def watching(**kwargs: Any) -> ReferenceDocument:
        seen.append([p.name for p in upload_dir.iterdir()])
        return upload(**kwargs)

    monkeypatch.setattr("factcheck.sources.views.library.document_upload", watching)
    data = b"The harbour road closed at dawn.\n" * 200  # 6.6 KB: on disk while the view runs
    response = _library_post(client_for(editor), multipart({}, {"file": ("n.txt", data)}))
    assert response.status_code == 302
    assert len(seen) == 1 and len(seen[0]) == 1 and ".upload" in seen[0][0]
    assert list(upload_dir.iterdir()) == []


def test_no_temporary_file_after_a_refused_file(upload_dir: Path, editor: Any) -> None:
    data = b"\x00\x01binary" * 1000
    response = _library_post(client_for(editor), multipart({}, {"file": ("n.txt", data)}))
    assert response.status_code == 400
    assert list(upload_dir.iterdir()) == []


def test_no_temporary_file_after_a_file_over_the_limit(
    upload_dir: Path, editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("factcheck.sources.views.library.MAX_BYTES", 2048)
    monkeypatch.setattr(library_module, "MAX_BYTES", 2048)
    data = b"Words. " * 2000  # 14 KB: within the form's room, so read and then refused
    response = _library_post(client_for(editor), multipart({}, {"file": ("n.txt", data)}))
    assert response.status_code == 400
    assert "the limit is 2 KB" in response.content.decode()
    assert list(upload_dir.iterdir()) == []


def test_no_temporary_file_after_a_broken_body(upload_dir: Path, editor: Any) -> None:
    body = multipart({}, {"file": ("n.txt", b"Words. " * 2000)})
    cut = body[: len(body) // 2]  # the file's part never ends
    response = _library_post(client_for(editor), cut)
    assert response.status_code in (400, 413)
    assert response.status_code < 500
    assert list(upload_dir.iterdir()) == []


def test_no_temporary_file_after_an_exception_in_the_view(
    upload_dir: Path, editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> ReferenceDocument:
        assert len(list(upload_dir.iterdir())) == 1  # the file is on disk now
        raise RuntimeError("a bug")

    monkeypatch.setattr("factcheck.sources.views.library.document_upload", broken)
    client = client_for(editor)
    client.raise_request_exception = False
    response = _library_post(client, multipart({}, {"file": ("n.txt", b"Words. " * 2000)}))
    assert response.status_code == 500
    assert list(upload_dir.iterdir()) == []


class DroppedBody(CountingBody):
    """A client that goes away after ``drop_at`` bytes."""

    def __init__(self, size: int, *, drop_at: int) -> None:
        super().__init__(size)
        self.drop_at = drop_at

    def read(self, size: int = -1) -> bytes:
        if self.position >= self.drop_at:
            raise OSError("connection reset by peer")
        return super().read(min(size, self.drop_at - self.position) if size > 0 else size)


def test_no_temporary_file_after_the_client_goes_away(upload_dir: Path, editor: Any) -> None:
    body = DroppedBody(2 * MB, drop_at=300 * 1024)
    client = client_for(editor)
    client.raise_request_exception = False
    url = reverse("sources:library") + "?newsroom=demo"
    response = post_body(client, url, body)
    assert response.status_code == 400  # Django's answer to an unreadable body
    assert body.read_bytes == 300 * 1024
    assert list(upload_dir.iterdir()) == []
