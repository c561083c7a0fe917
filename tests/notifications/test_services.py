"""Notifying people: who is notified, and the email that goes out after commit, exactly once."""

from __future__ import annotations

from typing import Any

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail
from django.db import transaction

from factcheck.notifications import services
from factcheck.notifications.models import Notification
from factcheck.notifications.services import (
    notification_email_send,
    notifications_mark_read,
    notify,
)
from factcheck.notifications.tasks import notification_email

pytestmark = pytest.mark.django_db

KIND = Notification.Kind.ASSIGNED


def send(users: list[Any], actor: Any, newsroom: Any, **extra: Any) -> list[Notification]:
    return notify(
        users=users,
        kind=KIND,
        message="You were assigned “S-92 vs S-76 discrepancy”",
        url="/tasks/1/",
        actor=actor,
        newsroom_id=newsroom.pk,
        **extra,
    )


def test_notify_reaches_members_but_never_the_actor_nor_an_outsider(
    newsroom: Any, editor: Any, checker: Any, newsadmin: Any, outsider: Any
) -> None:
    created = send([editor, checker, newsadmin, outsider, None], editor, newsroom)

    assert {n.user for n in created} == {checker, newsadmin}
    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        "checker",
        "newsadmin",
    }
    assert all(n.newsroom == newsroom and n.actor == editor for n in created)


def test_notify_names_each_member_once(newsroom: Any, editor: Any, checker: Any) -> None:
    send([checker, checker], editor, newsroom)
    assert Notification.objects.filter(user=checker).count() == 1


def test_notify_without_an_actor_reaches_everyone_named(
    newsroom: Any, editor: Any, checker: Any
) -> None:
    created = send([editor, checker], None, newsroom)
    assert {n.user for n in created} == {editor, checker}


def test_the_email_goes_out_through_the_task_after_commit(
    newsroom: Any, editor: Any, checker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        (notification,) = send([checker], editor, newsroom)
        assert mail.outbox == []  # nothing before the transaction commits
    assert len(callbacks) == 1

    with django_capture_on_commit_callbacks(execute=True):
        send([checker], editor, newsroom)

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [checker.email]
    assert email.subject == "[factcheck] You were assigned “S-92 vs S-76 discrepancy”"
    assert f"{settings.SITE_URL.rstrip('/')}/tasks/1/" in email.body
    sent = Notification.objects.filter(emailed_at__isnull=False).get()
    assert sent.user == checker
    notification.refresh_from_db()
    assert notification.emailed_at is None  # its callback never ran


def test_a_rolled_back_change_mails_nobody(
    newsroom: Any, editor: Any, checker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send([checker], editor, newsroom)
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_the_email_is_sent_once_even_if_the_task_runs_twice(
    newsroom: Any, editor: Any, checker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = send([checker], editor, newsroom)
    assert len(mail.outbox) == 1

    notification_email.delay(notification.pk)  # a redelivery (acks_late) or a duplicate
    notification_email(notification.pk)

    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert notification_email_send(notification=notification) is False


def test_a_failing_send_unclaims_so_the_retry_sends_it(
    newsroom: Any, editor: Any, checker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (notification,) = send([checker], editor, newsroom)
    real_send_mail = services.send_mail
    attempts: list[int] = []

    def flaky_send_mail(**kwargs: Any) -> int:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("SMTP server went away")
        return real_send_mail(**kwargs)

    monkeypatch.setattr(services, "send_mail", flaky_send_mail)

    # The first run fails and asks Celery for a retry (eager mode hands the Retry back to us).
    with pytest.raises((ConnectionError, Retry)):
        notification_email.delay(notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert mail.outbox == []

    notification_email.delay(notification.pk)  # the retry
    notification_email.delay(notification.pk)  # and a duplicate delivery of it

    assert len(attempts) == 2
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_a_failed_send_leaves_the_notification_unclaimed(
    newsroom: Any, editor: Any, checker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (notification,) = send([checker], editor, newsroom)

    def broken_send_mail(**kwargs: Any) -> int:
        raise ConnectionError("SMTP server went away")

    monkeypatch.setattr(services, "send_mail", broken_send_mail)
    with pytest.raises(ConnectionError):
        notification_email_send(notification=notification)

    notification.refresh_from_db()
    assert notification.emailed_at is None
    monkeypatch.undo()
    assert notification_email_send(notification=notification) is True
    assert len(mail.outbox) == 1


def test_the_task_returns_quietly_when_the_notification_is_gone() -> None:
    notification_email(424242)
    assert mail.outbox == []


def test_a_user_without_an_email_address_gets_no_email(
    newsroom: Any, editor: Any, checker: Any
) -> None:
    checker.email = ""
    checker.save(update_fields=["email"])
    (notification,) = send([checker], editor, newsroom)
    assert notification_email_send(notification=notification) is False
    assert mail.outbox == []


def test_mark_read_touches_only_the_users_own_notifications(
    newsroom: Any, editor: Any, checker: Any, newsadmin: Any
) -> None:
    mine = send([checker], editor, newsroom) + send([checker], editor, newsroom)
    theirs = send([newsadmin], editor, newsroom)

    assert notifications_mark_read(user=checker, ids=[mine[0].pk, theirs[0].pk]) == 1
    assert notifications_mark_read(user=checker) == 1
    assert notifications_mark_read(user=checker) == 0  # a repeat changes nothing
    assert not Notification.objects.filter(user=checker, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs[0].pk).read_at is None
