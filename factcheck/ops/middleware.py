"""The request id on each request and response, and ``Cache-Control: no-store`` on the desk's
pages (factcheck/ops/logs.py says where the id goes)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

from factcheck.ops.logs import request_id_from, request_id_var

Handler = Callable[[HttpRequest], HttpResponseBase]


class RequestIdMiddleware:
    """Returns the request's id (its ``X-Request-ID``, or one made for it) on the response, and
    keeps it on ``request.request_id``."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # Set when the request started (factcheck/ops/logs.py), from the same header.
        request_id = request_id_var.get()
        if request_id == "-":  # a handler that sends no request_started signal
            request_id = request_id_from(request.headers.get("X-Request-ID"))
            request_id_var.set(request_id)
        request.request_id = request_id  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class NoStoreMiddleware:
    """Every page and download the app makes holds a newsroom's confidential work (drafts,
    claims, verdicts, tasks, history, exports, tokens) or a form with a CSRF token: no browser,
    proxy or CDN keeps a copy (``Cache-Control: no-store``) unless the view said otherwise,
    as the public ClaimReview feed does. Static files are answered by WhiteNoise, above this
    middleware, with their own long-lived caching."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response
