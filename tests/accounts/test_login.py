"""Logging in and out through allauth: username or email, verified addresses, the session
rotated at login and dead after logout, its expiry, and the admin's login sent here."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
ROOT = Path(__file__).resolve().parents[2]


def log_in(client: Client, login: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(LOGIN, {"login": login, "password": password}, **extra)


def test_login_page_is_the_desks(client: Client) -> None:
    page = client.get(LOGIN)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="login"' in body and 'name="password"' in body
    assert "Forgot your password?" in body
    assert 'href="/static/css/app.css"' in body


def test_member_logs_in_with_username_and_with_email(editor: Any) -> None:
    for login in ("editor", "editor@example.org", "EDITOR@example.org"):
        client = Client()
        response = log_in(client, login)
        assert response.status_code == 302 and response["Location"] == "/", login
        assert int(client.session[SESSION_KEY]) == editor.pk
        assert client.get("/").status_code == 200


def test_login_keeps_where_the_user_was_going(editor: Any) -> None:
    client = Client()
    response = client.post(
        f"{LOGIN}?next=/reviews/my-tasks/", {"login": "editor", "password": PASSWORD}
    )
    assert response["Location"] == "/reviews/my-tasks/"


def test_wrong_password_is_refused_with_a_message(editor: Any) -> None:
    client = Client()
    response = log_in(client, "editor", "not-the-password")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_inactive_user_is_not_logged_in(editor: Any) -> None:
    editor.is_active = False
    editor.save()
    client = Client()
    response = log_in(client, "editor")
    assert SESSION_KEY not in client.session
    assert response.status_code == 302 and response["Location"] == "/accounts/inactive/"


def test_unverified_address_gets_a_confirmation_link_instead_of_a_session() -> None:
    UserFactory(username="newcomer", verified_email=False)
    client = Client()
    response = log_in(client, "newcomer")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert SESSION_KEY not in client.session
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["newcomer@example.org"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_session_key_changes_at_login(editor: Any) -> None:
    client = Client()
    session = client.session
    session["seen"] = True  # an anonymous session, as a visitor who browsed first has
    session.save()
    before = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    log_in(client, "editor")
    after = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_old_cookie_is_refused_after_logout(editor: Any) -> None:
    client = Client()
    log_in(client, "editor")
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert client.get("/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == LOGIN

    replay = Client()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = cookie
    answer = replay.get("/")
    assert answer.status_code == 302 and answer["Location"].startswith(LOGIN)
    assert not Session.objects.filter(session_key=cookie).exists()


def test_logout_by_get_only_asks(editor: Any) -> None:
    client = Client()
    client.force_login(editor)
    page = client.get("/accounts/logout/")
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    assert client.get("/").status_code == 200  # still logged in


def test_session_ends_after_the_configured_age(settings: Any, editor: Any) -> None:
    settings.SESSION_COOKIE_AGE = 600
    client = Client()
    log_in(client, "editor")
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    row = Session.objects.get(session_key=key)
    assert abs(row.expire_date - (timezone.now() + timedelta(seconds=600))) < timedelta(seconds=30)
    # Past its expiry the cookie is no session at all.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now())
    assert client.get("/")["Location"].startswith(LOGIN)


def test_session_cookie_lasts_until_the_browser_closes(editor: Any) -> None:
    client = Client()
    log_in(client, "editor")
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]


def settings_from_env(**env: str) -> str:
    """The settings module read in a fresh interpreter with ``env``: its output or its error."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='factcheck.settings'; "
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_AGE, s.ACCOUNT_RATE_LIMITS['login_failed'], "
        "sorted(s.SOCIALACCOUNT_PROVIDERS))"
    )
    keep = {
        k: v for k, v in os.environ.items() if not k.startswith(("OIDC_", "SESSION_", "LOGIN_"))
    }
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", code],
        env={**keep, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.stdout + result.stderr


def test_session_age_oidc_and_throttle_come_from_the_environment() -> None:
    assert "43200 100/h/ip,100/h/key []" in settings_from_env()
    out = settings_from_env(
        SESSION_COOKIE_AGE="900",
        LOGIN_FAILED_PER_HOUR="20",
        OIDC_SERVER_URL="https://sso.example.org/realms/desk",
        OIDC_CLIENT_ID="factcheck",
        OIDC_CLIENT_SECRET="s3cret",
    )
    assert "900 20/h/ip,20/h/key ['openid_connect']" in out
    assert "SESSION_COOKIE_AGE must be a number of seconds" in settings_from_env(
        SESSION_COOKIE_AGE="0"
    )
    assert "LOGIN_FAILED_PER_HOUR must be 1 or more" in settings_from_env(LOGIN_FAILED_PER_HOUR="0")
    assert "LOGIN_RATE_PER_ADDRESS must look like 300/m/ip" in settings_from_env(
        LOGIN_RATE_PER_ADDRESS="lots"
    )
    assert "OIDC_SERVER_URL needs OIDC_CLIENT_ID" in settings_from_env(
        OIDC_SERVER_URL="https://sso.example.org"
    )


def test_admin_login_is_the_sites_login(editor: Any) -> None:
    anonymous = Client().get("/admin/login/?next=/admin/")
    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"{LOGIN}?next=%2Fadmin%2F"
    # Posting a password to the admin's own form logs nobody in.
    client = Client()
    client.post("/admin/login/", {"username": "editor", "password": PASSWORD})
    assert SESSION_KEY not in client.session
    # A member who is not staff is refused the admin.
    member = Client()
    member.force_login(editor)
    assert member.get("/admin/login/").status_code == 403


def test_staff_reach_the_admin_after_the_sites_login() -> None:
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    client = Client()
    response = client.post(f"{LOGIN}?next=/admin/", {"login": "boss", "password": PASSWORD})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_demo_users_log_in_with_the_demo_password(monkeypatch: pytest.MonkeyPatch) -> None:
    """What `make run` prints works: every seeded login, through the form, no confirmation."""
    import io

    from django.core.management import call_command

    from factcheck.newsrooms.management.commands.seed_demo import PEOPLE

    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    for username in [person[0] for person in PEOPLE] + ["siteadmin"]:
        client = Client()
        response = log_in(client, username, "factcheck-demo")
        assert response.status_code == 302 and response["Location"] == "/", username
        assert SESSION_KEY in client.session, username
    assert not mail.outbox  # no address to confirm


def test_confirming_the_address_by_its_link_lets_the_user_in() -> None:
    UserFactory(username="newcomer", verified_email=False)
    client = Client()
    log_in(client, "newcomer")
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    page = client.get(link.group(1))  # opening the link confirms nothing by itself
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    assert log_in(Client(), "newcomer")["Location"] == "/accounts/confirm-email/"
    confirmed = client.post(link.group(1))
    assert confirmed.status_code == 302
    again = Client()
    assert log_in(again, "newcomer")["Location"] == "/"
    assert SESSION_KEY in again.session
