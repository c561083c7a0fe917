from __future__ import annotations

from celery import shared_task

from factcheck.notifications.models import Notification
from factcheck.notifications.services import notification_email_send


@shared_task(
    acks_late=True,  # idempotent: the send claims the row first
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=30,
    time_limit=60,
)
def notification_email(notification_id: int) -> None:
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None:  # gone meanwhile: nothing to send
        return
    notification_email_send(notification=notification)
