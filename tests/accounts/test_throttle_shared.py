"""The failed-login count is exact when many workers count at once: through the cache the
project runs with in CI and production (Redis at REDIS_URL, each thread its own connection, as
separate processes would have), or the in-process cache where there is no Redis."""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from allauth.core import ratelimit
from django.core.cache import caches
from django.test import RequestFactory

ATTEMPTS = 160
WORKERS = 8


def test_concurrent_failures_from_one_address_allow_exactly_100(settings: Any) -> None:
    if os.environ.get("REDIS_URL"):
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": os.environ["REDIS_URL"],
                "KEY_PREFIX": f"throttle-test-{uuid.uuid4()}",
            }
        }
    address = "203.0.113.99"

    def one(n: int) -> bool:
        request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=address)
        try:
            usage = ratelimit.consume(request, action="login_failed", key=f"login:nobody{n}")
            return bool(usage)
        finally:
            caches["default"].close()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        allowed = sum(pool.map(one, range(ATTEMPTS)))
    assert allowed == 100
    assert not one(ATTEMPTS)  # and the next is refused
