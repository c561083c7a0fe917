"""The Celery app: configured from Django settings (``CELERY_*``), tasks autodiscovered."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def requeue_lost_work(**kwargs: object) -> None:
    """A worker starting after a crash sends again the lookups and analyses whose messages
    were lost."""
    from datetime import timedelta

    from factcheck.insights.services import analyses_requeue_lost
    from factcheck.sources.services import lookups_requeue_lost

    # The filesystem broker has no visibility timeout; its held messages come back at restart.
    timeout = app.conf.broker_transport_options.get("visibility_timeout", 300)
    lookups_requeue_lost(idle_for=timedelta(seconds=int(timeout)))
    analyses_requeue_lost(idle_for=timedelta(seconds=int(timeout)))
