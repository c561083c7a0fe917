"""The members page in Chromium: with htmx (no reload: the blocks swap in place) and without
JavaScript (plain forms, redirects, messages)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from factcheck.newsrooms.models import Invitation, Membership, Role
from tests.browser.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_manages_members_without_a_reload(
    page: Page, live_server: Any, newsadmin: Any, checker: Any, editor: Any
) -> None:
    login(page, live_server, "newsadmin", PASSWORD)
    page.goto(f"{live_server.url}/newsrooms/demo/members/")
    page.evaluate("window.notReloaded = true")  # gone if the page reloads
    row = page.locator(f"#member-{Membership.objects.get(user=checker).pk}")

    row.locator("select[name=role]").select_option(Role.EDITOR)
    row.get_by_role("button", name="Change role").click()

    expect(page.locator("#members-flash")).to_have_text("checker is now Editor.")
    expect(page.locator("#members-history")).to_contain_text("checker: Fact-checker → Editor")
    assert page.evaluate("window.notReloaded") is True
    assert Membership.objects.get(user=checker).role == Role.EDITOR

    page.get_by_label("Email address").fill("rosa@example.org")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator("#invitations")).to_contain_text("rosa@example.org")
    expect(page.get_by_label("Email address")).to_have_value("")  # a fresh form

    # The last admin stepping down: refused, the message shown, nothing changed.
    own = page.locator(f"#member-{Membership.objects.get(user=newsadmin).pk}")
    own.locator("select[name=role]").select_option(Role.CHECKER)
    own.get_by_role("button", name="Change role").click()
    expect(page.locator("#members-flash")).to_contain_text("You are the last admin")
    assert Membership.objects.get(user=newsadmin).role == Role.ADMIN

    page.once("dialog", lambda dialog: dialog.accept())  # hx-confirm
    page.locator(f"#member-{Membership.objects.get(user=editor).pk}").get_by_role(
        "button", name="Remove"
    ).click()
    expect(page.locator("#members-flash")).to_have_text("editor removed from Demo Newsroom.")
    expect(page.locator("tr.member")).to_have_count(2)
    assert page.evaluate("window.notReloaded") is True


def test_the_page_works_without_javascript(
    no_js_page: Page, live_server: Any, newsadmin: Any, checker: Any
) -> None:
    page = no_js_page
    login(page, live_server, "newsadmin", PASSWORD)
    page.goto(f"{live_server.url}/newsrooms/demo/members/")

    # An address the browser takes and the desk refuses: a member's.
    page.get_by_label("Email address").fill("checker@example.org")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator("#members-flash")).to_contain_text("is already a member")
    expect(page.get_by_label("Email address")).to_have_value("checker@example.org")  # kept
    assert not Invitation.objects.exists()

    page.locator(f"#member-{Membership.objects.get(user=checker).pk}").get_by_role(
        "button", name="Remove"
    ).click()
    page.wait_for_url(f"{live_server.url}/newsrooms/demo/members/")
    expect(page.locator(".messages")).to_contain_text("checker removed from Demo Newsroom.")
    assert not Membership.objects.filter(user=checker).exists()
