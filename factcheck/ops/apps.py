from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "factcheck.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        # Django's and Celery's signals: every log record carries its request's (or task's) id.
        from factcheck.ops import logs

        logs.connect_signals()
