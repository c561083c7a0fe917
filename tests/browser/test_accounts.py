"""Accounts in a real browser: a login with the second factor, logging out, and a member of a
newsroom that requires 2FA setting it up on the way in (the QR page, the code, the draft)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def own_cache(settings: Any) -> None:
    # Used TOTP codes and the login counts live in the cache: one of this test's own (the live
    # server runs in this process), not the suite's shared one.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"browser-accounts-{uuid.uuid4()}",
        }
    }


def code_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_login_with_second_factor_then_logout(page: Page, live_server: Any, editor: Any) -> None:
    secret = generate_totp_secret()
    TOTP.activate(editor, secret)
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_login").fill("editor@example.org")  # the address works as well
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/accounts/2fa/authenticate/")
    page.locator("#id_code").fill(code_now(secret))
    page.locator("main form button.primary").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator(".topbar .who")).to_have_text("editor")

    page.locator(".topbar form.logout button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")


def test_member_of_a_strict_newsroom_sets_up_2fa_on_the_way_in(
    page: Page, live_server: Any, newsroom: Any, editor: Any, draft: Any
) -> None:
    newsroom.require_2fa = True
    newsroom.save()
    page.goto(f"{live_server.url}/accounts/login/?next=/drafts/{draft.pk}/")
    page.locator("#id_login").fill("editor")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    # The draft sends them to set up 2FA; adding a factor asks for the password again.
    page.wait_for_url("**/accounts/reauthenticate/**")
    expect(page.locator("main")).to_contain_text("requires two-factor authentication")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/**")
    expect(page.locator("main img[src^='data:image/svg+xml']")).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("#id_code").fill(code_now(secret))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/**")
    assert Authenticator.objects.filter(user=editor, type=Authenticator.Type.TOTP).exists()

    page.goto(f"{live_server.url}/drafts/{draft.pk}/")
    expect(page.locator("h1")).to_contain_text("Storm Closes Harbour Road")
