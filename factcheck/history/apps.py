from __future__ import annotations

from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "factcheck.history"
    verbose_name = "History"
