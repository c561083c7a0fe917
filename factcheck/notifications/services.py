"""Notifying people: a row for the in-app bell, and an email sent by a Celery task after the
transaction commits (so a rolled-back change never mails anyone)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from factcheck.newsrooms.models import Membership
from factcheck.notifications.models import Notification

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def notify(
    *,
    users: Iterable[User | None],
    kind: str,
    message: str,
    url: str,
    actor: User | None,
    newsroom_id: int,
    draft_id: int | None = None,
) -> list[Notification]:
    """Notify each member of the newsroom in ``users`` (never the actor, never an outsider)."""
    wanted = {u.pk for u in users if u is not None and (actor is None or u.pk != actor.pk)}
    members = set(
        Membership.objects.filter(newsroom_id=newsroom_id, user_id__in=wanted).values_list(
            "user_id", flat=True
        )
    )
    created = Notification.objects.bulk_create(
        Notification(
            user_id=user_id,
            newsroom_id=newsroom_id,
            draft_id=draft_id,
            kind=kind,
            message=message[:300],
            url=url,
            actor=actor,
        )
        for user_id in sorted(members)
    )
    if created:
        from factcheck.notifications.tasks import notification_email

        ids = [n.pk for n in created]
        transaction.on_commit(lambda: [notification_email.delay(pk) for pk in ids])
    return created


def notification_email_send(*, notification: Notification) -> bool:
    """Email one notification, once: the conditional UPDATE claims it, so two workers (or a
    retried task) never send it twice. Returns whether this call sent it."""
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    user = notification.user
    if not claimed or not user.email:
        return False
    try:
        send_mail(
            subject=f"[factcheck] {notification.message}",
            message=(
                f"{notification.message}\n\n"
                f"Open it: {settings.SITE_URL.rstrip('/')}{notification.url}\n"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
    except Exception:
        # Unclaim, so the task's retry can send it; the error propagates to trigger that retry.
        Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
        raise
    return True


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
