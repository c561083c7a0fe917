from __future__ import annotations

from celery import shared_task

from factcheck.notifications.models import Notification
from factcheck.notifications.services import notification_email_send
from factcheck.workers import EMAIL_TASK


@shared_task(**EMAIL_TASK)
def notification_email(notification_id: int) -> None:
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None:  # gone meanwhile: nothing to send
        return
    notification_email_send(notification=notification)
