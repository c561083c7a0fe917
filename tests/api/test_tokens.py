"""API tokens: made with a secret shown once and stored hashed, revoked by whom may, refused
when revoked or expired, their last use recorded at most once a minute."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factcheck.api.models import ApiToken
from factcheck.api.services import (
    NEWSROOM_TOKEN_ROLE,
    TokenInputError,
    api_token_create,
    api_token_revoke,
)
from factcheck.history.models import AuditEntry
from factcheck.newsrooms.access import Capability, may
from factcheck.newsrooms.models import Membership
from tests.api.conftest import ApiClient, assert_error

pytestmark = pytest.mark.django_db

DRAFTS = "/api/v1/drafts/"


def test_personal_token_keeps_only_a_hash_of_the_secret(editor: Any) -> None:
    created = api_token_create(by=editor, name="  my   script ")
    token = ApiToken.objects.get(pk=created.token.pk)
    assert created.secret.startswith("fct_") and len(created.secret) > 40
    assert token.name == "my script"
    assert token.user == editor and token.newsroom is None and token.created_by == editor
    assert token.key_hash == hashlib.sha256(created.secret.encode()).hexdigest()
    assert token.prefix == created.secret[:12]
    # The secret is in no column of the row.
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert not any(created.secret in str(value) for value in row.values())


def test_two_tokens_have_different_secrets_and_prefixes(editor: Any) -> None:
    a = api_token_create(by=editor, name="a")
    b = api_token_create(by=editor, name="b")
    assert a.secret != b.secret and a.token.prefix != b.token.prefix


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_token_needs_a_short_name(editor: Any, name: str) -> None:
    with pytest.raises(TokenInputError):
        api_token_create(by=editor, name=name)
    assert not ApiToken.objects.exists()


def test_expiry_must_be_in_the_future(editor: Any) -> None:
    with pytest.raises(TokenInputError):
        api_token_create(by=editor, name="x", expires_at=timezone.now() - timedelta(seconds=1))


def test_newsroom_token_is_made_by_its_admins_only(
    newsroom: Any, editor: Any, checker: Any, outsider: Any
) -> None:
    for user in (editor, checker, outsider):
        with pytest.raises(PermissionDenied):
            api_token_create(by=user, name="CMS", newsroom=newsroom)
    assert not ApiToken.objects.exists()


def test_newsroom_token_acts_as_an_editor_of_its_newsroom_alone(
    newsroom: Any, other_newsroom: Any, newsadmin: Any
) -> None:
    created = api_token_create(by=newsadmin, name="CMS", newsroom=newsroom)
    account = created.token.user
    assert account != newsadmin and created.token.created_by == newsadmin
    assert not account.has_usable_password()  # it cannot sign in to the pages
    memberships = list(Membership.objects.filter(user=account).values_list("newsroom", "role"))
    assert memberships == [(newsroom.pk, NEWSROOM_TOKEN_ROLE)]
    assert may(account, newsroom.pk, Capability.LOAD_DRAFT)
    assert not may(account, newsroom.pk, Capability.MANAGE_MEMBERS)
    assert not may(account, other_newsroom.pk, Capability.VIEW)
    assert AuditEntry.objects.filter(newsroom=newsroom, action="created").exists()


def test_only_the_owner_revokes_a_personal_token(editor: Any, checker: Any, newsadmin: Any) -> None:
    token = api_token_create(by=editor, name="mine").token
    for other in (checker, newsadmin):
        with pytest.raises(PermissionDenied):
            api_token_revoke(token=token, by=other)
    done = api_token_revoke(token=token, by=editor)
    assert done.changed and done.obj.revoked_at is not None and done.obj.revoked_by == editor
    again = api_token_revoke(token=token, by=editor)  # a repeated click is harmless
    assert not again.changed and again.obj.revoked_at == done.obj.revoked_at


def test_only_newsroom_admins_revoke_a_newsroom_token(
    newsroom: Any, newsadmin: Any, editor: Any
) -> None:
    token = api_token_create(by=newsadmin, name="CMS", newsroom=newsroom).token
    with pytest.raises(PermissionDenied):
        api_token_revoke(token=token, by=editor)
    api_token_revoke(token=token, by=newsadmin)
    account = type(token.user).objects.get(pk=token.user_id)
    assert not account.is_active
    assert not Membership.objects.filter(user=account).exists()


def test_bearer_token_authenticates(editor: Any) -> None:
    response = ApiClient(api_token_create(by=editor, name="x").secret).get(DRAFTS)
    assert response.status_code == 200


def test_no_token_is_401_with_the_bearer_scheme(anonymous_api: ApiClient) -> None:
    response = anonymous_api.get(DRAFTS)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer a b", "Bearer fct_notatoken", "Bearer fct_" + "A" * 43, "Bearer ünï"],
)
def test_a_bad_token_is_401(editor: Any, header: str) -> None:
    api_token_create(by=editor, name="x")
    response = ApiClient().client.get(DRAFTS, HTTP_AUTHORIZATION=header.encode().decode("latin-1"))
    assert_error(response, 401, "authentication_failed")


def test_a_right_prefix_with_a_wrong_secret_is_401(editor: Any) -> None:
    secret = api_token_create(by=editor, name="x").secret
    tampered = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert_error(ApiClient(tampered).get(DRAFTS), 401, "authentication_failed")


def test_revoked_token_is_refused(editor: Any) -> None:
    created = api_token_create(by=editor, name="x")
    api_token_revoke(token=created.token, by=editor)
    error = assert_error(ApiClient(created.secret).get(DRAFTS), 401, "authentication_failed")
    assert "revoked" in error["message"]


def test_expired_token_is_refused(editor: Any) -> None:
    created = api_token_create(by=editor, name="x", expires_at=timezone.now() + timedelta(hours=1))
    client = ApiClient(created.secret)
    assert client.get(DRAFTS).status_code == 200
    ApiToken.objects.filter(pk=created.token.pk).update(expires_at=timezone.now())
    error = assert_error(client.get(DRAFTS), 401, "authentication_failed")
    assert "expired" in error["message"]


def test_inactive_user_token_is_refused(editor: Any) -> None:
    client = ApiClient(api_token_create(by=editor, name="x").secret)
    type(editor).objects.filter(pk=editor.pk).update(is_active=False)
    assert_error(client.get(DRAFTS), 401, "authentication_failed")


def test_revoked_newsroom_token_is_refused(newsroom: Any, newsadmin: Any) -> None:
    created = api_token_create(by=newsadmin, name="CMS", newsroom=newsroom)
    client = ApiClient(created.secret)
    assert client.get(DRAFTS).status_code == 200
    api_token_revoke(token=created.token, by=newsadmin)
    assert_error(client.get(DRAFTS), 401, "authentication_failed")


def _updates(client: ApiClient) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DRAFTS).status_code == 200
    return sum(1 for q in queries if q["sql"].lstrip().upper().startswith("UPDATE"))


def test_last_use_is_written_at_most_once_a_minute(editor: Any) -> None:
    created = api_token_create(by=editor, name="x")
    client = ApiClient(created.secret)
    assert created.token.last_used_at is None
    assert _updates(client) == 1
    first = ApiToken.objects.get(pk=created.token.pk).last_used_at
    assert first is not None
    assert _updates(client) == 0  # used again within the minute: nothing written
    assert ApiToken.objects.get(pk=created.token.pk).last_used_at == first
    ApiToken.objects.filter(pk=created.token.pk).update(last_used_at=first - timedelta(minutes=2))
    assert _updates(client) == 1
    assert ApiToken.objects.get(pk=created.token.pk).last_used_at > first
