"""One error shape for everything under ``/api/``:
``{"error": {"code": ..., "message": ..., "fields": {...}}}``.

DRF's own exceptions (401, 403, 404, 405, 415, 429, validation), Django's Http404 and
PermissionDenied raised by the access rules, the services' errors (``factcheck.errors``: a stale
version is 409 with the object's current version) and anything unexpected (500, logged) all
answer in it. Headers DRF sets (``WWW-Authenticate``, ``Retry-After``, ``Allow``) are kept.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from factcheck.errors import ConflictError, FactcheckError, TransitionError

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Someone else changed this since you read it."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request is too large."
    default_code = "payload_too_large"


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The API's exception handler (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``)."""
    extra: dict[str, Any] = {}
    if isinstance(exc, ConflictError):
        current = getattr(exc.current, "version", None)
        if current is not None:
            extra["current_version"] = current
        exc = Conflict(str(exc))
    elif isinstance(exc, TransitionError):
        exc = Conflict(str(exc), code="invalid_state")
    elif isinstance(exc, FactcheckError):
        exc = exceptions.ValidationError({"non_field_errors": [str(exc)]})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        # Unexpected: logged with its traceback, answered in the same shape.
        logger.error("API error", exc_info=exc)
        return Response(
            error_body("server_error", "Something went wrong on our side; it was logged."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    assert isinstance(exc, exceptions.APIException)
    response.data = _body(exc, response.data)
    response.data["error"].update(extra)
    return response


def _body(exc: exceptions.APIException, data: Any) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        fields = dict(data) if isinstance(data, dict) else {"non_field_errors": data}
        general = fields.pop("non_field_errors", None)
        message = _first(general) or "Some of what you sent is not valid: see fields."
        flat: dict[str, list[str]] = {}
        for name, value in fields.items():
            _flatten(str(name), value, flat)
        return error_body("invalid", message, flat)
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    message = str(exc.detail)
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        message = f"Too many requests with this token: try again in {int(wait) + 1} s."
    return error_body(str(code), message)


def _first(value: Any) -> str:
    if isinstance(value, list | tuple) and value:
        return str(value[0])
    return str(value) if value else ""


def _flatten(name: str, value: Any, into: dict[str, list[str]]) -> None:
    """Field errors as lists of messages by field; a nested field's path joined with dots
    (``links.6.note``: the seventh link's note), so that every value is a list of strings."""
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{name}.{key}", inner, into)
    elif isinstance(value, list | tuple):
        for index, inner in enumerate(value):
            if isinstance(inner, dict | list | tuple):
                _flatten(f"{name}.{index}", inner, into)
            elif inner:
                into.setdefault(name, []).append(str(inner))
    elif value:
        into.setdefault(name, []).append(str(value))
