"""Request bodies with files: refused on their declared size before Django reads a byte of them,
and capped while they stream.

A view that takes a file checks the user's role first, then calls :func:`upload_limit`, and only
then touches ``request.POST`` / ``request.FILES`` (or DRF's ``request.data``). ``upload_limit``

- raises :class:`BodyTooLarge` when ``Content-Length`` is over the limit: nothing is read;
- else puts :class:`CappedUploadHandler` first in the request's upload handlers, so that a body
  longer than it said (or a server that passes a chunked body on) stops the parse with
  :class:`BodyTooLarge` as soon as the files' bytes pass the limit. Django's parser closes (and
  so deletes) the temporary files it had opened when that happens.

Django's CSRF middleware reads ``request.POST`` before any view runs, which would read the body
before the role check, so a view that takes a file is ``csrf_exempt`` on the outside and calls
a ``csrf_protect``-ed inner view once its limits are set: the pattern Django's documentation
gives for changing upload handlers. The outer view catches BodyTooLarge from the inner one,
the CSRF check's read of the body included, inside :func:`reading`.

Under gunicorn (WSGI) Django reads at most ``Content-Length`` bytes, and a chunked body without
one as empty; the web server in front caps bodies too (docs/uploads.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, load_handler
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict
from django.views.decorators.csrf import csrf_exempt

from factcheck.analysis.loaders.base import format_size

# Room for the form's other fields and the multipart boundaries around the file.
FORM_OVERHEAD = 64 * 1024


class UploadRefused(MultiPartParserError):
    """An upload we stopped reading; ``str(exc)`` is a message fit to show the user, ``status``
    the answer's. A MultiPartParserError, so that Django answers 400 (not 500) should a caller
    not catch it."""

    status = 400


class BodyTooLarge(UploadRefused):
    """The request's body is over the limit."""

    status = 413


class BodyIncomplete(UploadRefused):
    """The body stopped coming (the client went away, the connection dropped)."""

    status = 400


def declared_length(request: HttpRequest) -> int:
    """The body's length as the client declared it; 0 when it did not (or declared nonsense)."""
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def size_message(what: str, max_bytes: int) -> str:
    return f"The request is too large: {what} has at most {format_size(max_bytes)}."


class CappedUploadHandler(FileUploadHandler):
    """First of a request's upload handlers: passes the files' bytes on to the next handler (in
    memory or a temporary file, as Django chooses) and stops the parse once they pass
    ``body_max``. ``received`` is how many file bytes it saw.

    A file a little over ``max_bytes`` (within the form's overhead) is read whole, so that the
    view can say how large it is against the limit (“5.1 MB; the limit is 5 MB”)."""

    def __init__(
        self, request: HttpRequest, *, max_bytes: int, body_max: int, message: str
    ) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.body_max = body_max
        self.message = message
        self.received = 0

    @property
    def exceeded(self) -> bool:
        return self.received > self.body_max

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        if content_length > self.body_max:
            raise BodyTooLarge(self.message)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.exceeded:
            self.close_files()
            raise BodyTooLarge(self.message)
        return raw_data

    def close_files(self) -> None:
        """Close (and so delete) the file the next handlers were writing: Django's parser closes
        the files it finished when an error stops it, not the one in progress."""
        for handler in self.request.upload_handlers if self.request else []:
            file = getattr(handler, "file", None)
            if handler is not self and file is not None:
                file.close()

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file


def body_max(max_bytes: int) -> int:
    """The largest body we read for files of at most ``max_bytes``: the files and the form
    around them, or the most Django takes in other fields (a pasted draft), if that is more."""
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return max(max_bytes + FORM_OVERHEAD, fields)


def upload_limit(request: HttpRequest, *, max_bytes: int, what: str) -> CappedUploadHandler:
    """Refuse a body over ``body_max(max_bytes)`` before reading it, and cap the files of the
    parse that follows at that too. Call before anything touches ``request.POST``/``FILES``
    (or DRF's ``request.data``). ``what`` names the thing in the message (“a draft”)."""
    message = size_message(what, max_bytes)
    largest = body_max(max_bytes)
    if declared_length(request) > largest:
        raise BodyTooLarge(message)
    cap = CappedUploadHandler(request, max_bytes=max_bytes, body_max=largest, message=message)
    handlers = [load_handler(path, request) for path in settings.FILE_UPLOAD_HANDLERS]
    # Raises AttributeError if the body was parsed already: the bug this module is here to stop.
    request.upload_handlers = [cap, *handlers]
    return cap


@contextmanager
def reading(cap: CappedUploadHandler) -> Iterator[None]:
    """Around the code that reads the body (the CSRF check, the form): a body that stopped
    coming is BodyIncomplete (400, not Django's 500), and on any error the file being written
    is closed, so deleted, at once rather than whenever the request is collected."""
    try:
        yield
    except UnreadablePostError as exc:
        cap.close_files()
        raise BodyIncomplete(
            "The upload did not arrive whole (the connection dropped): send it again."
        ) from exc
    except BaseException:
        cap.close_files()
        raise


@contextmanager
def before_body(request: HttpRequest) -> Iterator[None]:
    """Around a view's role checks: a 403 or 404 leaves the body unread for good. Django's
    error pages check a CSRF token (``requires_csrf_token``), and that check reads
    ``request.POST``: the whole body, through the default handlers, had we not marked it read
    (an empty form, as Django marks a body it could not parse)."""
    try:
        yield
    except (Http404, PermissionDenied):
        request._post = QueryDict()  # type: ignore[attr-defined]
        request._files = MultiValueDict()  # type: ignore[attr-defined]
        raise


def refuse_unread(form: forms.Form, field: str, message: str) -> None:
    """Show ``message`` under ``field`` of an unbound ``form``: the body was refused unread, so
    there is nothing to bind it to (reading ``request.POST`` now would read the body)."""
    form.full_clean()  # unbound: no errors yet, and no cleaned_data
    form.cleaned_data = {}
    form.add_error(field, message)


_V = TypeVar("_V", bound=Callable[..., HttpResponse])


def csrf_after_limits(view: _V) -> _V:
    """``csrf_exempt`` for a view that takes a file and runs Django's CSRF check itself, in a
    ``csrf_protect``-ed inner view, once the role and the size are checked (see above); marked
    ``csrf_checked_after_limits`` so that tests/test_csrf.py tells it from a view that skips the
    check (it also proves each refuses a POST without a token)."""
    exempt = csrf_exempt(view)
    exempt.csrf_checked_after_limits = True  # type: ignore[attr-defined]
    return exempt
