"""OpenID Connect single sign-on: off unless configured (no provider on the login page, its
URLs 404); once configured (OIDC_* variables, read into SOCIALACCOUNT_PROVIDERS by the
settings), the provider is offered on the login page and its login asks before it leaves."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def configured(settings: Any) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": "Company SSO",
                    "client_id": "factcheck",
                    "secret": "not-a-real-secret",
                    "settings": {"server_url": "https://sso.example.org/realms/desk"},
                }
            ],
            "OAUTH_PKCE_ENABLED": True,
        }
    }


def test_no_provider_by_default() -> None:
    page = Client().get("/accounts/login/").content.decode()
    assert "Single sign-on" not in page
    assert Client().get("/accounts/oidc/sso/login/").status_code == 404


def test_configured_provider_shows_on_the_login_page(configured: None) -> None:
    page = Client().get("/accounts/login/").content.decode()
    assert "Log in with Company SSO" in page
    assert 'href="/accounts/oidc/sso/login/?process=login"' in page


def test_provider_login_asks_before_leaving(configured: None) -> None:
    # SOCIALACCOUNT_LOGIN_ON_GET is off: a link cannot start a login; a POST form does.
    page = Client().get("/accounts/oidc/sso/login/?process=login")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'method="post"' in body and "Company SSO" in body
    assert 'href="/static/css/app.css"' in body
