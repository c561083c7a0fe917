"""The API token pages: a person's own tokens, and a newsroom's for its admins."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from factcheck.api.models import ApiToken
from factcheck.api.services import api_token_create, key_hash
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PERSONAL = "/api-tokens/"
NEWSROOM = "/api-tokens/newsrooms/demo/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def _secret(html: str) -> str:
    match = re.search(r'<code class="secret" id="new-token">([^<]+)</code>', html)
    assert match, html
    return match.group(1)


def test_the_navigation_links_to_the_tokens(editor_client: Client) -> None:
    assert f'href="{PERSONAL}"' in editor_client.get("/").content.decode()


def test_making_a_token_shows_its_secret_once(editor_client: Client, editor: Any) -> None:
    response = editor_client.post(PERSONAL, {"name": "My script", "expires_on": ""})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = _secret(response.content.decode())
    token = ApiToken.objects.get()
    assert (token.name, token.user, token.newsroom) == ("My script", editor, None)
    assert token.key_hash == key_hash(secret) and token.expires_at is None
    again = editor_client.get(PERSONAL).content.decode()
    assert secret not in again and token.prefix in again and "My script" in again
    assert "never" in again  # last used: never; expires: never


def test_making_a_token_with_htmx_answers_with_the_section(editor_client: Client) -> None:
    response = editor_client.post(PERSONAL, {"name": "CLI", "expires_on": "2999-01-01"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith('<section id="tokens"')
    assert "<html" not in html
    _secret(html)
    token = ApiToken.objects.get()
    assert token.expires_at is not None and token.expires_at.year == 2999


def test_a_bad_token_form_is_422_and_makes_nothing(editor_client: Client) -> None:
    response = editor_client.post(PERSONAL, {"name": "", "expires_on": "2001-01-01"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "This field is required." in html and "Choose today or a later day." in html
    assert not ApiToken.objects.exists()


def test_the_list_shows_status_and_last_use(editor_client: Client, editor: Any) -> None:
    from django.utils import timezone

    used = api_token_create(by=editor, name="Used").token
    ApiToken.objects.filter(pk=used.pk).update(last_used_at=timezone.now())
    revoked = api_token_create(by=editor, name="Old").token
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    html = editor_client.get(PERSONAL).content.decode()
    assert 'class="token token-active"' in html and 'class="token token-revoked"' in html
    assert html.count(">Revoke</button>") == 1


def test_revoking_a_token(editor_client: Client, editor: Any) -> None:
    token = api_token_create(by=editor, name="x").token
    response = editor_client.post(f"{PERSONAL}{token.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == PERSONAL
    token.refresh_from_db()
    assert token.revoked_at is not None
    again = editor_client.post(f"{PERSONAL}{token.pk}/revoke/", **HTMX)  # harmless
    assert again.status_code == 200 and "was revoked already" in again.content.decode()


def test_revoking_needs_post(editor_client: Client, editor: Any) -> None:
    token = api_token_create(by=editor, name="x").token
    assert editor_client.get(f"{PERSONAL}{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_nobody_sees_or_revokes_anothers_token(
    checker_client: Client, outsider_client: Client, editor: Any
) -> None:
    token = api_token_create(by=editor, name="Editor's own").token
    for client in (checker_client, outsider_client):
        assert "Editor&#x27;s own" not in client.get(PERSONAL).content.decode()
        assert client.post(f"{PERSONAL}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    for url in (PERSONAL, NEWSROOM):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(PERSONAL, {"name": "x"}).status_code == 302
    assert not ApiToken.objects.exists()


# --- Newsroom tokens ----------------------------------------------------------------------------


def test_a_newsroom_admin_makes_and_revokes_newsroom_tokens(newsadmin: Any) -> None:
    client = client_for(newsadmin)
    detail = client.get("/newsrooms/demo/").content.decode()
    assert f'href="{NEWSROOM}"' in detail
    response = client.post(NEWSROOM, {"name": "CMS"})
    assert response.status_code == 200
    _secret(response.content.decode())
    token = ApiToken.objects.get()
    assert token.newsroom is not None and token.newsroom.slug == "demo"
    assert token.created_by == newsadmin and token.user != newsadmin
    html = client.get(NEWSROOM).content.decode()
    assert "CMS" in html and "by newsadmin" in html
    # The newsroom's tokens are not the admin's personal ones.
    assert token.prefix not in client.get(PERSONAL).content.decode()
    assert client.post(f"{NEWSROOM}{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == newsadmin


def test_other_members_get_403_and_outsiders_404(
    editor_client: Client, checker_client: Client, outsider_client: Client, newsadmin: Any
) -> None:
    token = api_token_create(by=newsadmin, name="CMS", newsroom=newsadmin.newsrooms.get()).token
    for client in (editor_client, checker_client):
        assert client.get(NEWSROOM).status_code == 403
        assert client.post(NEWSROOM, {"name": "x"}).status_code == 403
        assert client.post(f"{NEWSROOM}{token.pk}/revoke/").status_code == 403
    assert outsider_client.get(NEWSROOM).status_code == 404
    assert outsider_client.post(NEWSROOM, {"name": "x"}).status_code == 404
    assert outsider_client.post(f"{NEWSROOM}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None and ApiToken.objects.count() == 1


def test_a_personal_token_cannot_be_revoked_through_a_newsroom_page(
    newsadmin: Any, editor: Any
) -> None:
    token = api_token_create(by=editor, name="mine").token
    assert client_for(newsadmin).post(f"{NEWSROOM}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
