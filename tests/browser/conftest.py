"""Browser tests: a real Chromium (Debian's, not Playwright's download) against the live server.

Every test here uses pytest-django's ``live_server``, which implies ``transactional_db``: the
shared fixtures (editor, checker, outsider, draft…) then write rows the server thread can see.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import missing_locally

# Playwright's sync API drives an event loop from this thread, which makes Django's async-safety
# check refuse the ORM calls the fixtures and assertions make here. Nothing here is async.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000
RESULTS = Path(__file__).resolve().parents[2] / "test-results"

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        missing_locally(
            f"Chromium is not installed: run `make chromium` (root) to get {CHROMIUM}",
            in_ci=f"{CHROMIUM} is missing: CI must install Chromium (`make chromium`)",
        )
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


def new_page(browser: Browser, **context_options: Any) -> Page:
    """A page in a fresh context (its own cookies), with the suite's viewport and timeout.
    Whatever the Content-Security-Policy refuses on it is kept in ``csp_violations(page)``."""
    context = browser.new_context(viewport=VIEWPORT, **context_options)  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    _VIOLATIONS[id(page)] = violations
    return page


_VIOLATIONS: dict[int, list[str]] = {}


def csp_violations(page: Page) -> list[str]:
    """What Chromium refused on this page under the CSP (factcheck/settings.py), as it said it
    in the console: an inline script or style, an eval, a resource from elsewhere."""
    return _VIOLATIONS.get(id(page), [])


def _no_csp_violation(page: Page) -> None:
    violations = _VIOLATIONS.pop(id(page), [])
    assert not violations, "the Content-Security-Policy refused:\n" + "\n".join(violations)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _screenshot_on_failure(request: pytest.FixtureRequest, page: Page) -> None:
    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed:
        return
    RESULTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
    try:
        page.screenshot(path=str(RESULTS / f"{name}.png"), full_page=True)
    except Exception as exc:  # a screenshot is a courtesy; never mask the real failure
        print(f"Could not save a screenshot for {request.node.nodeid}: {exc}")


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page; a test on it fails if the CSP refused anything while it ran."""
    page = new_page(browser)
    try:
        yield page
    finally:
        _screenshot_on_failure(request, page)
        page.context.close()
    _no_csp_violation(page)


@pytest.fixture
def no_js_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page whose context runs no JavaScript: the app's fallback path."""
    page = new_page(browser, java_script_enabled=False)
    try:
        yield page
    finally:
        _screenshot_on_failure(request, page)
        page.context.close()
    _no_csp_violation(page)


def login(page: Page, live_server: Any, username: str, password: str) -> None:
    """Log in through the real form and wait for the dashboard."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
