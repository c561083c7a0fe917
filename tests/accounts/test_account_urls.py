"""Every page django-allauth brings (/accounts/…), as an anonymous visitor and as a logged-in
member, with GET and POST: a page about an account is refused to anonymous visitors (sent to
the login page), the public ones (reset, signup closed, the notices) answer, none errs, and
each is drawn in the desk's layout with no inline script.

The main URL table (tests/test_url_access.py) holds the login and logout rows and leaves these
to this one, as they show nothing of a newsroom's work.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from tests.test_url_access import ACCOUNT_PAGES_HERE, ALLAUTH_PATTERNS, _walk

pytestmark = pytest.mark.django_db

L = "login"  # 302 to /accounts/login/?next=<this URL>
KEYWORDS = {"uidb36": "1", "key": "no-such-key", "provider_id": "sso"}
# name: (anonymous GET, anonymous POST, member GET, member POST)
EXPECTED: dict[str, tuple[Any, ...]] = {
    "account_signup": (200, 200, 302, 302),  # closed: a page that says so; members sent on
    "account_inactive": (200, 405, 200, 405),
    "account_reauthenticate": (L, L, 200, 200),
    "account_request_reauthentication_code": (L, L, 200, 200),
    "account_confirm_reauthentication_code": (L, L, 302, 302),
    "account_email": (L, L, 200, 302),
    "account_email_verification_sent": (200, 405, 200, 405),
    "account_confirm_email": (200, 404, 200, 404),  # an unknown key: the page says so
    "account_change_password": (L, L, 200, 200),
    "account_set_password": (L, L, 302, 302),  # has a password: sent to change it
    "account_reset_password": (200, 200, 200, 200),
    "account_reset_password_done": (200, 405, 200, 405),
    "account_reset_password_from_key": (200, 200, 200, 200),  # a bad key: the page says so
    "account_reset_password_from_key_done": (200, 405, 200, 405),
    "account_confirm_login_code": (302, 302, 302, 302),  # no code login: sent away
    "mfa_index": (L, L, 200, 405),
    "mfa_authenticate": (302, 302, 302, 302),  # only in the middle of a login
    "mfa_reauthenticate": (L, L, 302, 302),
    "mfa_activate_totp": (L, L, 302, 302),  # asks for the password again first
    "mfa_deactivate_totp": (L, L, 404, 404),  # none to deactivate
    "mfa_view_recovery_codes": (L, L, 404, 405),
    "mfa_generate_recovery_codes": (L, L, 302, 302),
    "mfa_download_recovery_codes": (L, L, 404, 404),
    "socialaccount_login_cancelled": (200, 405, 200, 405),
    "socialaccount_login_error": (401, 405, 401, 405),
    "socialaccount_signup": (302, 302, 302, 302),  # only in the middle of an SSO login
    "socialaccount_connections": (L, L, 200, 200),
    # allauth's old paths, sent to the new ones
    "<unnamed social/login/cancelled/>": (301, 301, 301, 301),
    "<unnamed social/login/error/>": (301, 301, 301, 301),
    "<unnamed social/signup/>": (301, 301, 301, 301),
    "<unnamed social/connections/>": (301, 301, 301, 301),
    # no provider is configured here: unknown (tests/accounts/test_sso.py configures one)
    "openid_connect_login": (404, 404, 404, 404),
    "openid_connect_callback": (404, 404, 404, 404),
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def account_urls() -> dict[str, str]:
    urls = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        if id(pattern) not in ALLAUTH_PATTERNS or name in ACCOUNT_PAGES_HERE:
            continue
        keywords = {k: KEYWORDS[k] for k in pattern.pattern.regex.groupindex}
        if name.startswith("openid_connect_"):
            keywords["provider_id"] = KEYWORDS["provider_id"]  # from the include's prefix
        if name.startswith("<unnamed "):
            urls[name] = "/accounts/" + str(pattern.pattern)
        else:
            urls[name] = reverse(name, kwargs=keywords)
    return urls


URLS = account_urls()


def test_every_account_page_is_in_the_table() -> None:
    assert sorted(URLS) == sorted(EXPECTED)


def outcome(url: str, response: Any) -> Any:
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith("/accounts/login/?next="):
        next_url = location.split("next=", 1)[1]
        return L if next_url in (url, quote(url, safe="")) else location
    return response.status_code


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_account_page_answers(name: str, editor: Any) -> None:
    url = URLS[name]
    got = []
    pages = []
    for user in (None, editor):
        client = Client()
        if user is not None:
            client.force_login(user)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            got.append(outcome(url, response))
            if response.status_code == 200:
                pages.append(response.content.decode())
    assert tuple(got) == EXPECTED[name]
    for page in pages:
        assert 'href="/static/css/app.css"' in page, "drawn in the desk's layout"
        assert not INLINE_SCRIPT.search(page), INLINE_SCRIPT.search(page)
