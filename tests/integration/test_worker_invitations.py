"""An invitation's email sent by a real ``celery worker`` process against the real Redis and
PostgreSQL (the console email backend: the email lands in the worker's log), and its link
accepted: the secret exists only in the worker and the email, the database keeps its hash."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from factcheck.newsrooms.access import invitation_hash
from factcheck.newsrooms.models import Invitation, Membership, Role
from factcheck.newsrooms.services import invitation_create, invitation_resend
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.integration.conftest import Worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"http://testserver/newsrooms/demo/join/([A-Za-z0-9_-]{43})/")
MAIL = {
    "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    "SITE_URL": "http://testserver",
}


def links(worker: Worker) -> list[str]:
    return LINK.findall(worker.log.read_text(errors="replace"))


def test_the_worker_emails_the_link_and_the_invitee_joins(
    start_worker: Callable[..., Worker], newsroom: Any, newsadmin: Any
) -> None:
    worker = start_worker(**MAIL)
    invitee = UserFactory(username="rosa", email="rosa@example.org")

    invitation = invitation_create(
        newsroom=newsroom, email="rosa@example.org", role=Role.EDITOR, by=newsadmin
    )
    wait_for(lambda: bool(links(worker)), timeout=30, what="the invitation email")
    (first,) = links(worker)
    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.sent == 1 and stored.token_hash == invitation_hash(first)

    # A resend: a second email with a new link; the first stops working.
    invitation_resend(invitation=stored, by=newsadmin)
    wait_for(lambda: len(links(worker)) == 2, timeout=30, what="the second email")
    second = links(worker)[1]
    client = client_for(invitee)
    assert client.get(f"/newsrooms/demo/join/{first}/").status_code == 404
    assert client.post(f"/newsrooms/demo/join/{second}/").status_code == 302
    assert Membership.objects.get(user=invitee, newsroom=newsroom).role == Role.EDITOR
    assert len(links(worker)) == 2  # each email went once
