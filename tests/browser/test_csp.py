"""The Content-Security-Policy in a real Chromium: the page fixture fails any test during which
the browser refused something (tests/browser/conftest.py); here, that the check itself works
(a page that breaks the policy is caught) and that the API docs run under their own policy."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.urls import path
from playwright.sync_api import Page, expect

from tests.browser.conftest import _VIOLATIONS, csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKER = "window.__inline_ran"


def breaks_the_policy(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        "<!doctype html><title>x</title>"
        f"<script>{MARKER} = true</script>"
        '<p style="color: red" id="p">styled?</p>'
        '<button onclick="window.__clicked = true">click</button>'
    )


urlpatterns = [path("breaks/", breaks_the_policy)]


@override_settings(ROOT_URLCONF="tests.browser.test_csp")
def test_an_inline_script_style_and_handler_are_refused_and_reported(
    page: Page, live_server: Any
) -> None:
    page.goto(f"{live_server.url}/breaks/")
    page.locator("button").click()

    assert page.evaluate(MARKER) is None  # the inline script did not run
    assert page.evaluate("window.__clicked") is None  # nor the handler
    expect(page.locator("#p")).not_to_have_css("color", "rgb(255, 0, 0)")
    refused = csp_violations(page)
    assert any("inline script" in text for text in refused), refused
    assert any("inline style" in text for text in refused), refused
    # This test broke the policy on purpose: the fixture must not fail it for that.
    _VIOLATIONS.pop(id(page))


def test_swagger_ui_renders_the_api_under_its_policy(page: Page, live_server: Any) -> None:
    page.goto(f"{live_server.url}/api/docs/")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("factcheck API")
    expect(page.locator(".opblock").first).to_be_visible()


def test_redoc_renders_the_api_under_its_policy(page: Page, live_server: Any) -> None:
    page.goto(f"{live_server.url}/api/docs/redoc/")

    expect(page.locator("h1").first).to_contain_text("factcheck API")
    expect(page.get_by_text("/api/v1/drafts/").first).to_be_attached()
    # Redoc's "API docs by Redocly" footer asks for its logo from Redocly's CDN: the policy
    # refuses it, as it should (nothing is loaded from another site). Nothing else is refused.
    refused = _VIOLATIONS.pop(id(page), [])
    assert all("image 'https://cdn.redoc.ly/" in text for text in refused), refused


def test_the_django_admin_works_under_the_policy(page: Page, live_server: Any, draft: Any) -> None:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from tests.factories import PASSWORD

    root = get_user_model().objects.create_superuser("siteadmin", "siteadmin@example.org", PASSWORD)
    EmailAddress.objects.create(user=root, email=root.email, verified=True, primary=True)
    page.goto(f"{live_server.url}/admin/login/")  # the admin's login is the desk's (allauth)
    page.locator("#id_login").fill("siteadmin")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/drafts/draft/")
    page.locator("#result_list a").first.click()

    expect(page.locator("#content h1")).to_be_visible()
    # The page fixture fails the test if Chromium refused anything on these pages.
