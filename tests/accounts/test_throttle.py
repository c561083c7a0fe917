"""Login throttling: at most 100 failed logins an hour for one account and for one address;
the 101st attempt is refused, with a clear message, even with the right password."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.test import Client

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
REFUSED = "Too many failed login attempts. Try again later."


def attempt(login: str, password: str, address: str) -> tuple[Client, str]:
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"login": login, "password": password})
    return client, response.content.decode() if response.status_code == 200 else ""


def test_the_limit_is_100_an_hour() -> None:
    assert django_settings.ACCOUNT_RATE_LIMITS["login_failed"] == "100/h/ip,100/h/key"


def test_101st_login_to_one_account_is_refused(editor: Any) -> None:
    # From a new address each time: only the account's own count grows.
    for n in range(100):
        _, page = attempt("editor", "wrong-password", f"10.0.{n // 250}.{n % 250 + 1}")
        assert REFUSED not in page, n
    client, page = attempt("editor", PASSWORD, "10.9.9.9")
    assert REFUSED in page
    assert SESSION_KEY not in client.session
    # Another account from the same new address logs in.
    UserFactory(username="colleague")
    client, _ = attempt("colleague", PASSWORD, "10.9.9.9")
    assert SESSION_KEY in client.session


def test_101st_login_from_one_address_is_refused(editor: Any) -> None:
    # Against a new account name each time: only the address's count grows.
    for n in range(100):
        _, page = attempt(f"nobody{n}", "wrong-password", "192.0.2.7")
        assert REFUSED not in page, n
    client, page = attempt("editor", PASSWORD, "192.0.2.7")
    assert REFUSED in page
    assert SESSION_KEY not in client.session
    client, _ = attempt("editor", PASSWORD, "192.0.2.8")
    assert SESSION_KEY in client.session


def test_successful_logins_do_not_count(editor: Any) -> None:
    for _ in range(99):
        attempt("editor", "wrong-password", "198.51.100.1")
    for _ in range(5):
        client, _page = attempt("editor", PASSWORD, "198.51.100.1")
        assert SESSION_KEY in client.session
    _, page = attempt("editor", "wrong-password", "198.51.100.1")
    assert REFUSED not in page  # the 100th failure is still allowed
    _, page = attempt("editor", PASSWORD, "198.51.100.1")
    assert REFUSED in page


def test_naming_the_account_two_ways_counts_once(editor: Any) -> None:
    names = ("editor", "editor@example.org", "Editor", "EDITOR@EXAMPLE.ORG")
    for n in range(100):
        attempt(names[n % 4], "wrong-password", f"10.1.{n // 250}.{n % 250 + 1}")
    for name in names:
        client, page = attempt(name, PASSWORD, "10.9.9.10")
        assert REFUSED in page, name
        assert SESSION_KEY not in client.session
