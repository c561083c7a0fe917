"""Accounts tests: each test gets a cache of its own, since the login throttle, used TOTP codes
and allauth's rate limits are counted there (the suite's file or Redis cache is shared)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def own_cache(settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"accounts-{uuid.uuid4()}",
        }
    }
