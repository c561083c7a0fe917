from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "factcheck.notifications"
    verbose_name = "Notifications"
