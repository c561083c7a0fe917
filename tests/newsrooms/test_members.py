"""The members page (/newsrooms/<slug>/members/): admins change roles and remove members, each
change in the history; the newsroom always keeps an admin; a removed member gets 404 from
everything of the newsroom at their next request, their personal API token included."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client

from factcheck.api.services import api_token_create, api_token_revoke
from factcheck.claims.services import claim_mark_sentence, claim_propose
from factcheck.drafts.models import Draft, Sentence
from factcheck.errors import FactcheckError
from factcheck.history.models import AuditEntry
from factcheck.newsrooms.models import Membership, Role
from factcheck.newsrooms.services import membership_remove, membership_set_role
from tests.api.conftest import ApiClient
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/newsrooms/demo/members/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def membership(user: Any) -> Membership:
    return Membership.objects.get(user=user, newsroom__slug="demo")


def role_url(user: Any) -> str:
    return f"/newsrooms/demo/members/{membership(user).pk}/role/"


def remove_url(user: Any) -> str:
    return f"/newsrooms/demo/members/{membership(user).pk}/remove/"


def entries(action: str) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="membership", action=action)
        .order_by("pk")
        .values_list("summary", flat=True)
    )


def test_an_admin_sees_the_members_their_roles_and_the_way_to_invite(
    newsadmin: Any, editor: Any, checker: Any, outsider: Any
) -> None:
    response = client_for(newsadmin).get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<tr class="member"') == 3
    assert "the only admin" in html
    assert 'action="/newsrooms/demo/members/invite/"' in html
    assert "outsider" not in html
    assert "No invitation is waiting." in html


def test_the_newsroom_page_links_the_members_page_for_its_admins(
    newsadmin: Any, editor: Any
) -> None:
    link = 'href="/newsrooms/demo/members/"'
    assert link in client_for(newsadmin).get("/newsrooms/demo/").content.decode()
    assert link not in client_for(editor).get("/newsrooms/demo/").content.decode()


def test_an_admin_changes_a_role_and_the_history_says_so(newsadmin: Any, checker: Any) -> None:
    response = client_for(newsadmin).post(role_url(checker), {"role": Role.EDITOR})

    assert response.status_code == 302 and response["Location"] == PAGE
    assert membership(checker).role == Role.EDITOR
    entry = AuditEntry.objects.get(object_type="membership", action="role")
    assert entry.actor == newsadmin and entry.changes == {"role": ["checker", "editor"]}
    assert entry.summary == "checker: Fact-checker → Editor"
    page = client_for(newsadmin).get(PAGE).content.decode()
    assert "checker: Fact-checker → Editor" in page  # the page's recent changes


def test_with_htmx_the_page_blocks_come_back_out_of_band(newsadmin: Any, checker: Any) -> None:
    response = client_for(newsadmin).post(role_url(checker), {"role": Role.ADMIN}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    for block in ("members-flash", "members-list", "invitations", "members-history"):
        assert f'id="{block}"' in html
    assert "checker is now Newsroom admin." in html
    assert json.loads(response["HX-Trigger"]) == {"members-changed": {}}


def test_the_same_role_again_changes_nothing(newsadmin: Any, checker: Any) -> None:
    client = client_for(newsadmin)
    client.post(role_url(checker), {"role": Role.EDITOR})
    client.post(role_url(checker), {"role": Role.EDITOR})

    assert len(entries("role")) == 1


def test_an_unknown_role_is_refused_with_a_message(newsadmin: Any, checker: Any) -> None:
    response = client_for(newsadmin).post(role_url(checker), {"role": "owner"})

    assert response.status_code == 422
    assert "Select a valid choice." in response.content.decode()
    assert membership(checker).role == Role.CHECKER


def test_an_admin_removes_a_member(newsadmin: Any, editor: Any) -> None:
    response = client_for(newsadmin).post(remove_url(editor))

    assert response.status_code == 302
    assert not Membership.objects.filter(user=editor, newsroom__slug="demo").exists()
    assert entries("removed") == ["editor removed from the newsroom"]
    entry = AuditEntry.objects.get(action="removed")
    assert entry.changes == {"member": ["editor", None], "role": ["editor", None]}


@pytest.mark.parametrize("action", ["demote", "remove"])
def test_the_last_admin_cannot_step_down_nor_leave(
    newsadmin: Any, editor: Any, action: str
) -> None:
    client = client_for(newsadmin)
    if action == "demote":
        response = client.post(role_url(newsadmin), {"role": Role.EDITOR}, **HTMX)
    else:
        response = client.post(remove_url(newsadmin), **HTMX)

    assert response.status_code == 422
    assert "You are the last admin of Demo Newsroom" in response.content.decode()
    assert membership(newsadmin).role == Role.ADMIN
    assert not AuditEntry.objects.filter(object_type="membership").exists()
    # Without JavaScript: the page again, with the message.
    plain = client.post(remove_url(newsadmin))
    assert plain.status_code == 422
    assert "make another member admin first" in plain.content.decode()


def test_an_admin_steps_down_when_another_admin_remains(
    newsadmin: Any, editor: Any, newsroom: Any
) -> None:
    second = UserFactory(username="second")
    MembershipFactory(user=second, newsroom=newsroom, role=Role.ADMIN)
    client = client_for(newsadmin)

    response = client.post(role_url(newsadmin), {"role": Role.EDITOR})

    assert response.status_code == 302 and response["Location"] == "/newsrooms/demo/"
    assert membership(newsadmin).role == Role.EDITOR
    assert client.get(PAGE).status_code == 403  # no longer theirs
    # The other admin, now the last one, is kept.
    with pytest.raises(FactcheckError, match="second is the last admin of Demo Newsroom"):
        membership_set_role(membership=membership(second), role=Role.CHECKER, by=None)


def test_an_admin_leaves_when_another_admin_remains(newsadmin: Any, newsroom: Any) -> None:
    MembershipFactory(user=UserFactory(username="second"), newsroom=newsroom, role=Role.ADMIN)
    client = client_for(newsadmin)

    response = client.post(remove_url(newsadmin), **HTMX)

    assert response.status_code == 200 and response["HX-Redirect"] == "/"
    assert not Membership.objects.filter(user=newsadmin).exists()
    assert entries("removed") == ["newsadmin left the newsroom"]
    assert client.get(PAGE).status_code == 404


def test_an_admin_demoted_meanwhile_changes_nothing(
    newsadmin: Any, editor: Any, newsroom: Any
) -> None:
    """The actor's right is read again under the newsroom's lock."""
    MembershipFactory(user=UserFactory(username="second"), newsroom=newsroom, role=Role.ADMIN)
    target = membership(editor)
    Membership.objects.filter(user=newsadmin).update(role=Role.CHECKER)

    with pytest.raises(PermissionDenied):
        membership_remove(membership=target, by=newsadmin)
    assert Membership.objects.filter(pk=target.pk).exists()


def test_a_newsroom_tokens_account_is_managed_with_its_token(newsadmin: Any, newsroom: Any) -> None:
    account = api_token_create(by=newsadmin, name="CMS", newsroom=newsroom).token.user
    html = client_for(newsadmin).get(PAGE).content.decode()
    assert 'class="meta token-accounts"' in html and "CMS" in html

    for call in (
        lambda: membership_set_role(membership=membership(account), role=Role.ADMIN, by=newsadmin),
        lambda: membership_remove(membership=membership(account), by=newsadmin),
    ):
        with pytest.raises(FactcheckError, match="revoke the token"):
            call()
    assert membership(account).role == Role.EDITOR


@pytest.mark.parametrize("role", ["editor", "checker"])
def test_other_members_may_not_manage_members(role: str, request: Any, newsadmin: Any) -> None:
    client = client_for(request.getfixturevalue(role))

    assert client.get(PAGE).status_code == 403
    assert client.post(remove_url(newsadmin)).status_code == 403
    assert client.post(role_url(newsadmin), {"role": Role.CHECKER}).status_code == 403
    assert membership(newsadmin).role == Role.ADMIN


def test_an_outsider_gets_404_as_for_a_newsroom_that_does_not_exist(
    outsider_client: Client, newsadmin: Any
) -> None:
    assert outsider_client.get(PAGE).status_code == 404
    assert outsider_client.post(remove_url(newsadmin)).status_code == 404
    assert outsider_client.get("/newsrooms/no-such/members/").status_code == 404


def test_a_membership_of_another_newsroom_is_404_through_this_one(
    newsadmin: Any, outsider: Any
) -> None:
    """An admin of demo naming a membership of another newsroom in demo's URL."""
    other = Membership.objects.get(user=outsider)
    response = client_for(newsadmin).post(f"/newsrooms/demo/members/{other.pk}/remove/")

    assert response.status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


# --- A removed member -------------------------------------------------------------------------


@pytest.fixture
def proposed(draft: Draft, editor: Any, checker: Any) -> Any:
    """A verdict waiting in the editor's queue."""
    sentence = (
        draft.revisions.get().sentences.exclude(kind=Sentence.Kind.BOILERPLATE).order_by("index")[1]
    )
    claim = claim_mark_sentence(sentence=sentence, by=editor)
    return claim_propose(claim=claim, by=checker, verdict="accurate", rationale="Council log.")


def test_a_removed_member_gets_404_at_their_next_request(
    newsadmin: Any, editor: Any, draft: Draft, proposed: Any
) -> None:
    client = client_for(editor)
    api = ApiClient(api_token_create(by=editor, name="script").secret)
    title = "Storm Closes Harbour Road"
    urls = [
        draft.get_absolute_url(),
        f"/drafts/{draft.pk}/export.json",
        proposed.get_absolute_url(),
        f"/history/drafts/{draft.pk}/",
        "/newsrooms/demo/",
    ]
    assert [client.get(u).status_code for u in urls] == [200] * len(urls)
    assert title in client.get("/reviews/").content.decode()
    assert api.get(f"/api/v1/drafts/{draft.pk}/").status_code == 200
    assert title in api.get("/api/v1/queue/").content.decode()

    client_for(newsadmin).post(remove_url(editor))

    assert [client.get(u).status_code for u in urls] == [404] * len(urls)
    queue = client.get("/reviews/")  # their own page: nothing of the newsroom left on it
    assert title not in queue.content.decode()
    assert client.get("/").status_code == 200 and title not in client.get("/").content.decode()
    # Their personal token reaches nothing of the newsroom either.
    assert api.get(f"/api/v1/drafts/{draft.pk}/").status_code == 404
    assert api.get(f"/api/v1/drafts/{draft.pk}/claims/").status_code == 404
    assert json.loads(api.get("/api/v1/drafts/").content)["count"] == 0
    assert title not in api.get("/api/v1/queue/").content.decode()
    assert api.post(f"/api/v1/claims/{proposed.pk}/approve/", {}).status_code == 404


def test_the_demo_has_a_pending_invitation_on_the_members_page(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core import mail
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
        call_command("seed_demo", stdout=io.StringIO())  # again: still one

    html = client_for(User.objects.get(username="newsadmin")).get(PAGE).content.decode()
    assert html.count('<tr class="invitation"') == 1
    assert "rosa.reporter@example.org" in html
    # Its email went once (the demo's workflow notifies the cast too).
    assert [m.to for m in mail.outbox].count(["rosa.reporter@example.org"]) == 1


def test_removing_an_admin_who_made_newsroom_tokens_says_so(newsadmin: Any, newsroom: Any) -> None:
    second = UserFactory(username="second")
    MembershipFactory(user=second, newsroom=newsroom, role=Role.ADMIN)
    api_token_create(by=second, name="CMS", newsroom=newsroom)
    old = api_token_create(by=second, name="Old CMS", newsroom=newsroom).token
    api_token_revoke(token=old, by=second)  # a revoked one is not counted

    response = client_for(newsadmin).post(remove_url(second), **HTMX)

    html = response.content.decode()
    assert "second made 1 of the newsroom&#x27;s API tokens that still work" in html
