"""Memberships in the Django admin go through the services: each change in the newsroom's
history under the site admin's name, and the last admin kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from factcheck.history.models import AuditEntry
from factcheck.newsrooms.models import Invitation, Membership, Role
from tests.conftest import client_for
from tests.factories import NewsroomFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE = "/admin/newsrooms/membership/"


@pytest.fixture
def root_client() -> Client:
    return client_for(UserFactory(username="root", is_staff=True, is_superuser=True))


def test_a_site_admin_gives_a_new_newsroom_its_first_admin(root_client: Client) -> None:
    newsroom = NewsroomFactory(slug="fresh", name="Fresh Newsroom")
    person = UserFactory(username="founder")

    response = root_client.post(
        f"{BASE}add/", {"user": person.pk, "newsroom": newsroom.pk, "role": Role.ADMIN}
    )

    assert response.status_code == 302
    assert Membership.objects.get(newsroom=newsroom, user=person).role == Role.ADMIN
    entry = AuditEntry.objects.get(newsroom=newsroom)
    assert (entry.action, entry.actor.username, entry.summary) == (
        "added",
        "root",
        "founder added as Newsroom admin",
    )


def test_a_role_changed_in_the_admin_is_in_the_history(
    root_client: Client, checker: Any, newsadmin: Any
) -> None:
    mine = Membership.objects.get(user=checker)

    response = root_client.post(f"{BASE}{mine.pk}/change/", {"role": Role.EDITOR})

    assert response.status_code == 302
    assert Membership.objects.get(pk=mine.pk).role == Role.EDITOR
    entry = AuditEntry.objects.get(object_type="membership", action="role")
    assert entry.actor.username == "root"


def test_the_admin_cannot_take_the_last_admin_away(root_client: Client, newsadmin: Any) -> None:
    last = Membership.objects.get(user=newsadmin)

    demoted = root_client.post(f"{BASE}{last.pk}/change/", {"role": Role.CHECKER})
    deleted = root_client.post(f"{BASE}{last.pk}/delete/", {"post": "yes"})

    assert demoted.status_code == 200
    assert "last admin: make another member admin first" in demoted.content.decode()
    assert deleted.status_code == 403
    assert Membership.objects.get(pk=last.pk).role == Role.ADMIN
    assert not AuditEntry.objects.exists()


def test_a_member_removed_in_the_admin_is_in_the_history(
    root_client: Client, editor: Any, newsadmin: Any
) -> None:
    mine = Membership.objects.get(user=editor)

    response = root_client.post(f"{BASE}{mine.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=mine.pk).exists()
    entry = AuditEntry.objects.get(action="removed")
    assert entry.actor.username == "root" and entry.summary == "editor removed from the newsroom"


def test_invitations_are_read_only_in_the_admin(root_client: Client, newsroom: Any) -> None:
    invitation = Invitation.objects.create(
        newsroom=newsroom, email="a@example.org", token_hash="f" * 64
    )

    page = root_client.get(f"/admin/newsrooms/invitation/{invitation.pk}/change/")

    assert page.status_code == 200
    assert "f" * 64 not in page.content.decode()  # not even the hash is shown
    assert root_client.get("/admin/newsrooms/invitation/add/").status_code == 403
