"""Invitations: an admin invites an address, the email's one-time link lets that address's
account join in the invited role; expired, revoked, replaced and used links say so."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from factcheck.errors import FactcheckError
from factcheck.history.models import AuditEntry
from factcheck.newsrooms.models import Invitation, Membership, Role
from factcheck.newsrooms.services import (
    InvitationRefused,
    invitation_accept,
    invitation_create,
    invitation_email_send,
    invitation_resend,
    invitation_revoke,
)
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = "ines.holt@example.org"
LINK = re.compile(r"http://testserver/newsrooms/demo/join/([A-Za-z0-9_-]{43})/")


@pytest.fixture(autouse=True)
def site_url(settings: Any) -> None:
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def invitee() -> Any:
    return UserFactory(username="ines", email="Ines.Holt@example.org")


def invite(newsadmin: Any, capture: Any, role: str = Role.CHECKER) -> tuple[Invitation, str]:
    """Invite ADDRESS through the page; the invitation and the secret of its email's link."""
    with capture(execute=True):
        response = client_for(newsadmin).post(
            "/newsrooms/demo/members/invite/", {"email": "  Ines.Holt@Example.org ", "role": role}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email=ADDRESS)
    return invitation, last_secret()


def last_secret() -> str:
    found = LINK.search(str(mail.outbox[-1].body))
    assert found, mail.outbox[-1].body
    return found.group(1)


def join_url(secret: str) -> str:
    return f"/newsrooms/demo/join/{secret}/"


def test_an_invited_person_joins_in_the_invited_role(
    newsadmin: Any, invitee: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invitation, secret = invite(newsadmin, django_capture_on_commit_callbacks, Role.EDITOR)

    message = mail.outbox[-1]
    assert message.to == [ADDRESS]
    assert "newsadmin invited you to Demo Newsroom" in message.subject
    assert "as Editor" in str(message.body)
    # Only the hash of the link's secret is kept.
    stored = Invitation.objects.get(pk=invitation.pk)
    assert len(stored.token_hash) == 64 and secret not in stored.token_hash
    assert stored.expires_at is not None and stored.expires_at > timezone.now() + timedelta(days=6)

    client = client_for(invitee)
    page = client.get(join_url(secret))
    assert page.status_code == 200
    assert "Accept and join" in page.content.decode()
    response = client.post(join_url(secret))

    assert response.status_code == 302 and response["Location"] == "/newsrooms/demo/"
    assert Membership.objects.get(user=invitee, newsroom__slug="demo").role == Role.EDITOR
    accepted = Invitation.objects.get(pk=invitation.pk)
    assert accepted.accepted_by == invitee and accepted.accepted_at is not None
    actions = list(
        AuditEntry.objects.filter(object_type="invitation", object_id=invitation.pk)
        .order_by("pk")
        .values_list("action", "summary")
    )
    assert actions == [
        ("invited", f"{ADDRESS} invited as Editor"),
        ("accepted", f"ines joined as Editor (invitation of {ADDRESS})"),
    ]
    assert "Welcome to Demo Newsroom" in client.get("/newsrooms/demo/").content.decode()


def test_the_link_works_once(
    newsadmin: Any, invitee: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _, secret = invite(newsadmin, django_capture_on_commit_callbacks)
    client = client_for(invitee)
    assert client.post(join_url(secret)).status_code == 302
    # Again, by the same person: harmless, nothing more written.
    entries = AuditEntry.objects.count()
    assert client.post(join_url(secret)).status_code == 302
    assert AuditEntry.objects.count() == entries
    # Once they are removed, the spent link does not bring them back.
    Membership.objects.filter(user=invitee, newsroom__slug="demo").delete()
    again = client.post(join_url(secret))
    assert again.status_code == 410
    assert not Membership.objects.filter(user=invitee, newsroom__slug="demo").exists()


def test_another_account_of_the_same_address_cannot_reuse_a_used_link(
    newsadmin: Any, invitee: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _, secret = invite(newsadmin, django_capture_on_commit_callbacks)
    assert client_for(invitee).post(join_url(secret)).status_code == 302
    twin = UserFactory(username="ines2", email=ADDRESS)

    response = client_for(twin).post(join_url(secret))

    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert not Membership.objects.filter(user=twin).exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page_and_back(
    newsadmin: Any, invitee: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    _, secret = invite(newsadmin, django_capture_on_commit_callbacks)

    response = Client().get(join_url(secret))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={join_url(secret)}"
    assert Client().post(join_url(secret)).status_code == 302
    assert not Membership.objects.filter(user=invitee).exists()


def test_someone_new_creates_an_account_from_the_link_and_joins(
    newsadmin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # No account yet: the link opens signup for this session alone, the invited address is
    # taken as verified (its mail was read), and the new account comes back to accept.
    from django.contrib.auth import get_user_model

    _, secret = invite(newsadmin, django_capture_on_commit_callbacks, Role.EDITOR)
    client = Client()
    assert "Sign Up Closed" in client.get("/accounts/signup/").content.decode()

    to_login = client.get(join_url(secret))
    assert to_login["Location"] == f"/accounts/login/?next={join_url(secret)}"
    login = client.get(to_login["Location"]).content.decode()
    assert "Create your account" in login and "/accounts/signup/?next=" in login
    password = "harbour-lights-1987"
    signup = client.post(
        f"/accounts/signup/?next={join_url(secret)}",
        {"username": "ines", "email": ADDRESS, "password1": password, "password2": password},
    )
    assert signup.status_code == 302 and signup["Location"] == join_url(secret)
    user = get_user_model().objects.get(username="ines")
    assert user.emailaddress_set.get(email=ADDRESS).verified
    assert client.post(join_url(secret)).status_code == 302
    assert Membership.objects.get(user=user).role == Role.EDITOR


def test_a_spent_link_opens_no_signup(
    newsadmin: Any, invitee: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invitation, secret = invite(newsadmin, django_capture_on_commit_callbacks)
    invitation_revoke(invitation=invitation, by=newsadmin)
    client = Client()
    assert client.get(join_url(secret)).status_code == 302
    assert "Sign Up Closed" in client.get("/accounts/signup/").content.decode()
    assert "Create your account" not in client.get("/accounts/login/").content.decode()


def test_another_account_gets_404_and_learns_nothing_of_the_newsroom(
    newsadmin: Any, invitee: Any, outsider: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _, secret = invite(newsadmin, django_capture_on_commit_callbacks)
    client = client_for(outsider)

    page, accept = client.get(join_url(secret)), client.post(join_url(secret))

    assert page.status_code == accept.status_code == 404
    html = page.content.decode()
    assert "sent to another email address" in html and "outsider@example.org" in html
    assert "Demo Newsroom" not in html and "Checker" not in html
    assert not Membership.objects.filter(user=outsider, newsroom__slug="demo").exists()


def test_an_unknown_link_gets_404_with_what_to_do(invitee: Any, newsroom: Any) -> None:
    response = client_for(invitee).get(join_url("x" * 43))

    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_an_expired_link_says_so_and_adds_no_one(
    newsadmin: Any, invitee: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invitation, secret = invite(newsadmin, django_capture_on_commit_callbacks)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client = client_for(invitee)

    page, accept = client.get(join_url(secret)), client.post(join_url(secret))

    assert page.status_code == accept.status_code == 410
    assert "This invitation expired on" in page.content.decode()
    assert "Accept and join" not in page.content.decode()
    assert "send it again" in accept.content.decode()
    assert not Membership.objects.filter(user=invitee).exists()
    # The members page shows it as expired, with Resend.
    members = client_for(newsadmin).get("/newsrooms/demo/members/").content.decode()
    assert 'class="invitation-expired"' in members


def test_a_revoked_link_says_so(
    newsadmin: Any, invitee: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invitation, secret = invite(newsadmin, django_capture_on_commit_callbacks)
    response = client_for(newsadmin).post(f"/newsrooms/demo/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 302
    client = client_for(invitee)

    page, accept = client.get(join_url(secret)), client.post(join_url(secret))

    assert page.status_code == accept.status_code == 410
    assert "withdrawn by its admins" in page.content.decode()
    assert not Membership.objects.filter(user=invitee).exists()
    revoked = AuditEntry.objects.get(object_type="invitation", action="revoked")
    assert revoked.actor == newsadmin and revoked.summary == f"Invitation of {ADDRESS} revoked"
    # Revoking again is harmless: no second entry.
    client_for(newsadmin).post(f"/newsrooms/demo/invitations/{invitation.pk}/revoke/")
    assert AuditEntry.objects.filter(action="revoked").count() == 1


def test_resending_replaces_the_link_and_restarts_its_time(
    newsadmin: Any, invitee: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invitation, old = invite(newsadmin, django_capture_on_commit_callbacks)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(newsadmin).post(
            f"/newsrooms/demo/invitations/{invitation.pk}/resend/"
        )
    assert response.status_code == 302
    new = last_secret()
    assert new != old and len(mail.outbox) == 2
    client = client_for(invitee)

    assert client.get(join_url(old)).status_code == 404
    assert client.post(join_url(new)).status_code == 302
    assert Membership.objects.filter(user=invitee, newsroom__slug="demo").exists()
    assert AuditEntry.objects.filter(object_type="invitation", action="resent").count() == 1


def test_the_email_goes_once_whatever_the_redeliveries(
    newsadmin: Any, newsroom: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = invitation_create(
            newsroom=newsroom, email=ADDRESS, role=Role.CHECKER, by=newsadmin
        )
    assert len(callbacks) == 1 and not mail.outbox  # nothing leaves before the commit

    sent = [invitation_email_send(invitation_id=invitation.pk, send=1) for _ in range(3)]

    assert sent == [True, False, False] and len(mail.outbox) == 1
    # A resend supersedes the first email: a late delivery of the first sends nothing.
    with django_capture_on_commit_callbacks(execute=False):
        invitation_resend(invitation=invitation, by=newsadmin)
    assert invitation_email_send(invitation_id=invitation.pk, send=1) is False
    assert invitation_email_send(invitation_id=invitation.pk, send=2) is True
    assert len(mail.outbox) == 2


def test_a_failed_send_is_retried_with_a_new_link(
    newsadmin: Any, newsroom: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        invitation = invitation_create(
            newsroom=newsroom, email=ADDRESS, role=Role.CHECKER, by=newsadmin
        )

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("SMTP server away")

    monkeypatch.setattr("factcheck.newsrooms.services.send_mail", refuse)
    with pytest.raises(ConnectionError):
        invitation_email_send(invitation_id=invitation.pk, send=1)
    unsent = Invitation.objects.get(pk=invitation.pk)
    assert (unsent.sent, unsent.token_hash) == (0, "")  # nothing to accept yet
    monkeypatch.undo()

    assert invitation_email_send(invitation_id=invitation.pk, send=1) is True
    assert Invitation.objects.get(pk=invitation.pk).sent == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not an address", "role": Role.CHECKER}, "Enter a valid email address."),
        ({"email": ADDRESS, "role": "owner"}, "Select a valid choice."),
        ({"email": "editor@example.org", "role": Role.CHECKER}, "is already a member"),
    ],
)
def test_bad_invitations_are_refused_with_a_message_and_the_input_kept(
    newsadmin: Any, editor: Any, data: dict[str, str], message: str
) -> None:
    response = client_for(newsadmin).post("/newsrooms/demo/members/invite/", data)

    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert f'value="{data["email"]}"' in html
    assert not Invitation.objects.exists()


def test_an_address_is_invited_once_at_a_time(
    newsadmin: Any, newsroom: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invitation_create(newsroom=newsroom, email=ADDRESS, role=Role.CHECKER, by=newsadmin)

    with pytest.raises(FactcheckError, match=r"already invited on .*: resend or revoke"):
        invitation_create(newsroom=newsroom, email=ADDRESS.upper(), role=Role.ADMIN, by=newsadmin)
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize("role", ["editor", "checker"])
def test_only_admins_invite(role: str, request: Any, newsroom: Any) -> None:
    user = request.getfixturevalue(role)

    response = client_for(user).post(
        "/newsrooms/demo/members/invite/", {"email": ADDRESS, "role": Role.ADMIN}
    )

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_an_admin_demoted_meanwhile_invites_no_one(
    newsadmin: Any, newsroom: Any, editor: Any
) -> None:
    Membership.objects.filter(user=newsadmin).update(role=Role.EDITOR)

    with pytest.raises(Exception, match="Only the newsroom's admins manage its members"):
        invitation_create(newsroom=newsroom, email=ADDRESS, role=Role.ADMIN, by=newsadmin)


def test_a_member_accepting_keeps_their_role(
    newsadmin: Any, editor: Any, newsroom: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            newsroom=newsroom, email="editor.home@example.org", role=Role.ADMIN, by=newsadmin
        )
    editor.email = "editor.home@example.org"
    editor.save(update_fields=["email"])
    invitation.refresh_from_db()

    done = invitation_accept(invitation=invitation, by=editor)

    assert done.changed and done.obj.role == Role.EDITOR  # no promotion by invitation
    entry = AuditEntry.objects.get(action="accepted")
    assert "already a member, still Editor" in entry.summary


def test_a_stale_page_is_refused_after_a_resend(
    newsadmin: Any, invitee: Any, newsroom: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            newsroom=newsroom, email=ADDRESS, role=Role.CHECKER, by=newsadmin
        )
    seen = Invitation.objects.get(pk=invitation.pk)  # as the invitee's page read it
    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(invitation=invitation, by=newsadmin)

    with pytest.raises(InvitationRefused, match="replaced by a newer email"):
        invitation_accept(invitation=seen, by=invitee)


def test_revoking_an_accepted_invitation_is_refused(
    newsadmin: Any, invitee: Any, newsroom: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            newsroom=newsroom, email=ADDRESS, role=Role.CHECKER, by=newsadmin
        )
    invitation.refresh_from_db()
    invitation_accept(invitation=invitation, by=invitee)

    with pytest.raises(FactcheckError, match="remove the member instead"):
        invitation_revoke(invitation=invitation, by=newsadmin)
