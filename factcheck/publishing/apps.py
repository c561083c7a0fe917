from __future__ import annotations

from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "factcheck.publishing"
    verbose_name = "Publishing"
