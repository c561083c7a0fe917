"""Two-factor authentication: TOTP set up from the account pages, asked at every login, with
recovery codes; and a newsroom's "require 2FA for members", which sends a member without it to
set it up before anything of that newsroom opens."""

from __future__ import annotations

import time
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from factcheck.history.models import AuditEntry
from tests.accounts.test_account_urls import INLINE_SCRIPT
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
ACTIVATE = "/accounts/2fa/totp/activate/"


def code_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def with_totp(user: Any) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def password_login(user: Any, **extra: Any) -> tuple[Client, Any]:
    client = Client(**extra)
    response = client.post(LOGIN, {"login": user.username, "password": PASSWORD})
    return client, response


# --- TOTP at login ------------------------------------------------------------------------------


def test_login_asks_for_the_code_then_lets_in(editor: Any) -> None:
    secret = with_totp(editor)
    client, response = password_login(editor)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert SESSION_KEY not in client.session  # the password alone is not enough
    assert client.get("/")["Location"].startswith(LOGIN)

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and "Incorrect code." in wrong.content.decode()
    assert SESSION_KEY not in client.session

    right = client.post("/accounts/2fa/authenticate/", {"code": code_now(secret)})
    assert right.status_code == 302 and right["Location"] == "/"
    assert int(client.session[SESSION_KEY]) == editor.pk


def test_a_recovery_code_stands_in_for_the_app_once(editor: Any) -> None:
    with_totp(editor)
    codes = RecoveryCodes.activate(editor).generate_codes()
    client, _ = password_login(editor)
    client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert int(client.session[SESSION_KEY]) == editor.pk

    again, _ = password_login(editor)
    reused = again.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert "Incorrect code." in reused.content.decode()
    assert SESSION_KEY not in again.session


def test_member_sets_up_totp_and_gets_recovery_codes(editor: Any) -> None:
    client, _ = password_login(editor)
    # Adding a second factor asks for the password again (allauth's reauthentication).
    asked = client.get(ACTIVATE)
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    back = client.post(asked["Location"], {"password": PASSWORD})
    assert back.status_code == 302 and back["Location"] == ACTIVATE
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in body  # the QR code, no request elsewhere
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in body  # typed in by hand where a camera is no use

    done = client.post(ACTIVATE, {"code": code_now(secret)})
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=editor, type=Authenticator.Type.TOTP).exists()
    codes = client.get("/accounts/2fa/recovery-codes/")
    assert codes.status_code == 200
    unused = RecoveryCodes(
        Authenticator.objects.get(user=editor, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    assert len(unused) == 10 and all(code in codes.content.decode() for code in unused)
    for shown in (body, codes.content.decode()):
        assert not INLINE_SCRIPT.search(shown)
        assert 'href="/static/css/app.css"' in shown


# --- "Require 2FA for members" -------------------------------------------------------------------


@pytest.fixture
def strict(newsroom: Any) -> Any:
    newsroom.require_2fa = True
    newsroom.save()
    return newsroom


def member_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_member_without_2fa_is_sent_to_set_it_up(strict: Any, draft: Any, editor: Any) -> None:
    client = member_client(editor)
    for url in (
        f"/drafts/{draft.pk}/",
        f"/drafts/{draft.pk}/?at=1",
        f"/newsrooms/{strict.slug}/",
        f"/reviews/drafts/{draft.pk}/clearance/",
        f"/history/drafts/{draft.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(ACTIVATE), url
    followed = client.get(f"/drafts/{draft.pk}/", follow=True)
    assert "This newsroom requires two-factor authentication." in followed.content.decode()


def test_htmx_request_turns_the_whole_page(strict: Any, draft: Any, editor: Any) -> None:
    response = member_client(editor).get(f"/drafts/{draft.pk}/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(ACTIVATE)


def test_a_write_is_refused_and_writes_nothing(strict: Any, draft: Any, editor: Any) -> None:
    url = f"/claims/drafts/{draft.pk}/mark/"
    response = member_client(editor).post(url, {"mark": 1})
    assert response.status_code == 302 and response["Location"] == ACTIVATE
    assert not draft.claims.exists()
    with_totp(editor)
    assert member_client(editor).post(url, {"mark": 1}).status_code == 302
    assert draft.claims.filter(sentence__index=1).exists()  # the same click, now allowed


def test_lists_leave_the_newsroom_out(strict: Any, draft: Any, editor: Any) -> None:
    dashboard = member_client(editor).get("/")
    assert dashboard.status_code == 200
    assert draft.title not in dashboard.content.decode()
    with_totp(editor)
    assert draft.title in member_client(editor).get("/").content.decode()


def test_member_with_2fa_works_as_before(strict: Any, draft: Any, editor: Any) -> None:
    with_totp(editor)
    assert member_client(editor).get(f"/drafts/{draft.pk}/").status_code == 200


def test_other_newsrooms_are_not_affected(
    strict: Any, other_newsroom: Any, outsider: Any, editor: Any
) -> None:
    from factcheck.drafts.services import draft_import

    other = draft_import(newsroom=other_newsroom, by=outsider, text="A Title\n\nSome text here.\n")
    assert member_client(outsider).get(f"/drafts/{other.pk}/").status_code == 200
    # An outsider still gets 404 from the strict newsroom, not an invitation to set up 2FA.
    assert member_client(outsider).get(f"/newsrooms/{strict.slug}/").status_code == 404


def test_login_sends_a_member_without_2fa_to_set_it_up(strict: Any, editor: Any) -> None:
    _, response = password_login(editor)
    assert response["Location"] == ACTIVATE


def test_api_token_is_refused_too(strict: Any, draft: Any, editor: Any) -> None:
    from factcheck.api.services import api_token_create

    created = api_token_create(by=editor, name="cms")
    response = Client().get(
        f"/api/v1/drafts/{draft.pk}/", HTTP_AUTHORIZATION=f"Bearer {created.secret}"
    )
    assert response.status_code == 403
    assert "two-factor" in response.content.decode()


def test_newsroom_token_keeps_working(strict: Any, draft: Any, newsadmin: Any) -> None:
    """A CMS's newsroom token acts as a service account with no phone, vouched for by the
    admin who made it: the newsroom's 2FA rule does not cut the integration off."""
    from factcheck.api.services import api_token_create

    created = api_token_create(by=newsadmin, name="cms", newsroom=strict)
    response = Client().get(
        f"/api/v1/drafts/{draft.pk}/", HTTP_AUTHORIZATION=f"Bearer {created.secret}"
    )
    assert response.status_code == 200


def test_strict_newsroom_costs_one_query_more_once(newsroom: Any, draft: Any, editor: Any) -> None:
    with_totp(editor)
    url = f"/drafts/{draft.pk}/"
    client = member_client(editor)
    client.get(url)
    with CaptureQueriesContext(connection) as relaxed:
        assert client.get(url).status_code == 200
    newsroom.require_2fa = True
    newsroom.save()
    with CaptureQueriesContext(connection) as strict:
        assert client.get(url).status_code == 200
    assert len(strict) == len(relaxed) + 1


# --- The newsroom's security page ----------------------------------------------------------------


def security(newsroom: Any) -> str:
    return f"/newsrooms/{newsroom.slug}/security/"


def test_admin_without_2fa_cannot_require_it(newsroom: Any, newsadmin: Any) -> None:
    response = member_client(newsadmin).post(security(newsroom), {"require_2fa": "on"})
    assert response.status_code == 422
    assert "Set up two-factor authentication for yourself first" in response.content.decode()
    newsroom.refresh_from_db()
    assert not newsroom.require_2fa


def test_admin_turns_it_on_and_off_with_history(newsroom: Any, newsadmin: Any, editor: Any) -> None:
    with_totp(newsadmin)
    client = member_client(newsadmin)
    page = client.get(security(newsroom))
    assert "1 member has no authenticator app yet." in page.content.decode()  # the editor

    response = client.post(security(newsroom), {"require_2fa": "on"})
    assert response.status_code == 302
    newsroom.refresh_from_db()
    assert newsroom.require_2fa
    client.post(security(newsroom), {"require_2fa": "on"})  # again: nothing new
    client.post(security(newsroom), {})
    newsroom.refresh_from_db()
    assert not newsroom.require_2fa
    entries = AuditEntry.objects.filter(action="require_2fa_set").order_by("pk")
    assert [e.summary for e in entries] == [
        "Required two-factor authentication of members",
        "Stopped requiring two-factor authentication of members",
    ]
    assert all(e.actor_id == newsadmin.pk for e in entries)


def test_only_admins_reach_the_security_page(
    newsroom: Any, editor: Any, checker: Any, outsider: Any
) -> None:
    assert member_client(editor).post(security(newsroom), {"require_2fa": "on"}).status_code == 403
    assert member_client(checker).get(security(newsroom)).status_code == 403
    assert member_client(outsider).get(security(newsroom)).status_code == 404
    newsroom.refresh_from_db()
    assert not newsroom.require_2fa


def test_the_django_admin_shows_the_switch_but_does_not_change_it(newsroom: Any) -> None:
    from tests.factories import UserFactory

    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client = member_client(boss)
    page = client.get(f"/admin/newsrooms/newsroom/{newsroom.pk}/change/")
    assert page.status_code == 200
    assert 'name="require_2fa"' not in page.content.decode()
