"""Rate limits per API token (``API_RATE_PER_TOKEN``, e.g. ``600/minute``): a 429 with
``Retry-After`` past it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from factcheck.api.authentication import request_token

if TYPE_CHECKING:  # rest_framework.views imports this module (its settings) at import time
    from rest_framework.request import Request
    from rest_framework.views import APIView


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api_token"

    def get_rate(self) -> str:
        # Read on each request, not at import: the setting may change (tests, a reload).
        rate: str = settings.API_RATE_PER_TOKEN
        return rate

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        token = request_token(request)
        if token is None:
            return None  # unauthenticated requests are refused before they cost anything
        # The id, and the prefix: ids can be reused (a test database), prefixes are random.
        return f"throttle_api_token_{token.pk}_{token.prefix}"
