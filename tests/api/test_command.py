"""``manage.py api_token USERNAME --name NAME [--newsroom SLUG]``."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from factcheck.api.models import ApiToken
from factcheck.api.services import key_hash
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_a_personal_token_is_printed_once_and_works(editor: Any, newsroom: Any) -> None:
    secret, said = _run("editor", "--name", "script")
    token = ApiToken.objects.get()
    assert token.key_hash == key_hash(secret) and token.user == editor and token.newsroom is None
    assert token.prefix in said and secret not in said
    assert ApiClient(secret).get("/api/v1/drafts/").status_code == 200


def test_a_newsroom_token_by_its_admin(newsadmin: Any, newsroom: Any) -> None:
    secret, _ = _run("newsadmin", "--name", "CMS", "--newsroom", "demo", "--expires-days", "30")
    token = ApiToken.objects.get()
    assert token.newsroom == newsroom and token.created_by == newsadmin
    assert token.expires_at is not None
    assert (
        ApiClient(secret)
        .post("/api/v1/drafts/", {"newsroom": "demo", "text": "Title\n\nIt rained."})
        .status_code
        == 201
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nobody", "--name", "x"), "No user"),
        (("editor", "--name", "x", "--newsroom", "nowhere"), "No newsroom"),
        (("editor", "--name", "CMS", "--newsroom", "demo"), "admins"),
        (("editor", "--name", " "), "name"),
        (("editor", "--name", "x", "--expires-days", "0"), "expires"),
    ],
)
def test_refusals_make_nothing(
    editor: Any, newsroom: Any, args: tuple[str, ...], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert not ApiToken.objects.exists()
