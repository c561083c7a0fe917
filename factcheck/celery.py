"""The Celery app: configured from Django settings (``CELERY_*``), tasks autodiscovered.

Each app's ``tasks.py`` also sends again, when a worker starts after a crash, the work whose
messages were lost (``worker_ready``): this module imports nothing of the apps.
"""

from __future__ import annotations

import os
from datetime import timedelta

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck", task_cls="factcheck.workers:LimitedTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def visibility_timeout() -> timedelta:
    """How long a message may stay unacknowledged before the broker hands it out again: work
    idle for longer was lost. The filesystem broker has none; its held messages come back at
    restart."""
    return timedelta(seconds=int(app.conf.broker_transport_options.get("visibility_timeout", 300)))
