"""GET /newsrooms/<slug>/: the newsroom's page, for its members."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SOURCES = '<a href="/newsrooms/demo/sources/">Sources for lookups</a>'
SUGGESTIONS = '<a href="/newsrooms/demo/sources/#suggestions">Suggested claims</a>'


def url(slug: str = "demo") -> str:
    return f"/newsrooms/{slug}/"


def body(response: Any) -> str:
    return str(response.content.decode())


def test_a_member_sees_the_newsroom_its_members_and_their_roles(
    checker_client: Client, editor: Any, newsadmin: Any, outsider: Any
) -> None:
    response = checker_client.get(url())

    assert response.status_code == 200
    html = body(response)
    assert "<h1>Demo Newsroom</h1>" in html
    assert "You are Fact-checker here." in html
    rows = [row.split("</tr>")[0] for row in html.split('<tr class="member">')[1:]]
    assert rows == [
        "<td>checker</td><td>Fact-checker</td>",
        "<td>editor</td><td>Editor</td>",
        "<td>newsadmin</td><td>Newsroom admin</td>",
    ]
    assert "outsider" not in html  # a member of another newsroom only


def test_a_newsroom_admin_sees_the_links_to_the_settings(newsadmin: Any) -> None:
    html = body(client_for(newsadmin).get(url()))

    assert "You are Newsroom admin here." in html
    assert SOURCES in html and SUGGESTIONS in html


@pytest.mark.parametrize("role", ["checker", "editor"])
def test_other_members_see_no_settings_links(role: str, request: Any) -> None:
    html = body(client_for(request.getfixturevalue(role)).get(url()))

    assert "/newsrooms/demo/sources/" not in html
    assert "Settings</h2>" not in html


def test_an_outsider_gets_404_as_for_a_newsroom_that_does_not_exist(
    outsider_client: Client, newsroom: Any
) -> None:
    denied = outsider_client.get(url())
    missing = outsider_client.get(url("no-such-newsroom"))

    assert denied.status_code == missing.status_code == 404
    assert "Demo Newsroom" not in body(denied)


def test_an_outsider_sees_their_own_newsroom(outsider_client: Client) -> None:
    response = outsider_client.get(url("other"))

    assert response.status_code == 200
    assert "You are Editor here." in body(response)


def test_anonymous_users_are_sent_to_the_login_page(newsroom: Any) -> None:
    response = Client().get(url())

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/newsrooms/demo/"


def test_the_page_is_read_only(editor_client: Client) -> None:
    assert editor_client.post(url()).status_code == 405


def test_the_dashboard_links_each_of_the_users_newsrooms(
    checker_client: Client, newsroom: Any, other_newsroom: Any
) -> None:
    html = body(checker_client.get("/"))

    assert (
        '<a href="/newsrooms/demo/">Demo Newsroom</a> <span class="meta">Fact-checker</span>'
        in (html)
    )
    assert "/newsrooms/other/" not in html
