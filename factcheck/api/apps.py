from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "factcheck.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # The bearer scheme in the OpenAPI schema (drf-spectacular finds it by import).
        from factcheck.api import schema  # noqa: F401
