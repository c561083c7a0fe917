"""The draft page as a reader sees it, in a real browser: the highlights they switch on (kept
for them), the one toolbar on the sentence in hand, the reading view, and axe-core's
accessibility check."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from factcheck.claims.models import Claim
from factcheck.drafts.models import Draft, ReaderSettings
from factcheck.drafts.services import draft_import
from tests.browser.conftest import login
from tests.conftest import missing_locally
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "factcheck/newsrooms/demo/meralt-floods.txt"
AXE = ROOT / "node_modules/axe-core/axe.min.js"
IS_CLAIM = re.compile(r"(^|\s)is-claim(\s|$)")


def demo_draft(newsroom: Any, editor: Any) -> Draft:
    return draft_import(newsroom=newsroom, by=editor, text=DEMO.read_text(encoding="utf-8"))


def page_url(live_server: Any, draft: Draft) -> str:
    return f"{live_server.url}/drafts/{draft.pk}/"


def test_highlights_switched_on_and_off_are_kept_across_reloads(
    live_server: Any, page: Page, editor: Any, newsroom: Any
) -> None:
    draft = demo_draft(newsroom, editor)
    login(page, live_server, editor.username, PASSWORD)
    page.goto(page_url(live_server, draft))
    numbers = page.locator("#draft-text mark.part-number")
    # Claims and suggestions only, until the reader asks for more.
    expect(page.locator("#draft-text mark.part")).to_have_count(0)
    expect(page.locator("#draft-text .u[data-suggested]").first).to_be_visible()

    with page.expect_response(lambda r: r.url.endswith("/highlights/")) as answer:
        page.get_by_role("checkbox", name="numbers").check()
    assert answer.value.status == 200
    expect(numbers.first).to_be_visible()
    shown = numbers.count()
    assert shown >= 5, shown
    expect(page.locator("#draft-text mark.part-date")).to_have_count(0)  # only what was asked
    assert ReaderSettings.objects.get(user=editor).highlights == "number"

    page.reload()  # kept: the server cuts them in now
    expect(page.get_by_role("checkbox", name="numbers")).to_be_checked()
    expect(numbers).to_have_count(shown)

    with page.expect_response(lambda r: r.url.endswith("/highlights/")):
        page.get_by_role("checkbox", name="numbers").uncheck()
    expect(numbers).to_have_count(0)
    page.reload()
    expect(page.get_by_role("checkbox", name="numbers")).not_to_be_checked()
    expect(page.locator("#draft-text mark.part")).to_have_count(0)


def test_a_sentence_swapped_in_after_a_mark_is_painted_with_the_highlights(
    live_server: Any, page: Page, editor: Any, newsroom: Any
) -> None:
    draft = demo_draft(newsroom, editor)
    ReaderSettings.objects.create(user=editor, highlights="number")
    login(page, live_server, editor.username, PASSWORD)
    page.goto(page_url(live_server, draft))
    unit = page.locator("#draft-text .u:not(.u-boilerplate)", has=page.locator("mark.part-number"))
    unit_id = unit.first.get_attribute("id")
    unit = page.locator(f"#{unit_id}")
    before = unit.locator("mark.part-number").count()
    unit.locator("mark.part-number").first.click()  # a click marks (or confirms) the sentence
    expect(unit).to_have_class(IS_CLAIM)
    expect(unit.locator("mark.part-number")).to_have_count(before)


def test_the_toolbar_marks_and_unmarks_the_sentence_in_hand(
    live_server: Any, page: Page, editor: Any, draft: Draft
) -> None:
    login(page, live_server, editor.username, PASSWORD)
    page.goto(page_url(live_server, draft))
    toolbar = page.locator("#unit-toolbar")
    expect(toolbar).to_be_hidden()
    # One toolbar, not controls after every sentence.
    expect(page.locator("#draft-text button:visible")).to_have_count(0)

    unit = page.locator("#u-0")  # the headline: the analysis does not suggest it
    unit.hover()
    expect(toolbar).to_be_visible()
    expect(toolbar.get_by_role("button", name="Mark as claim")).to_be_visible()
    expect(toolbar.get_by_role("button", name="Unmark")).to_be_hidden()
    toolbar.get_by_role("button", name="Mark as claim").click()
    expect(unit).to_have_class(IS_CLAIM)
    expect(page.locator("#claims-panel .count")).to_have_text("1")

    expect(toolbar.get_by_role("button", name="Unmark")).to_be_visible()
    toolbar.get_by_role("button", name="Unmark").click()
    expect(unit).not_to_have_class(IS_CLAIM)
    expect(page.locator("#claims-panel .count")).to_have_text("0")
    assert Claim.objects.get().status == Claim.Status.DISMISSED


def test_the_toolbar_confirms_and_dismisses_suggestions_by_key_and_click(
    live_server: Any, page: Page, editor: Any, newsroom: Any
) -> None:
    draft = demo_draft(newsroom, editor)
    login(page, live_server, editor.username, PASSWORD)
    page.goto(page_url(live_server, draft))
    suggested = page.locator("#draft-text .u[data-suggested]")
    count = suggested.count()
    first, second = (suggested.nth(i).get_attribute("id") for i in (0, 1))
    toolbar = page.locator("#unit-toolbar")

    page.keyboard.press("n")  # the toolbar follows the keyboard
    expect(page.locator(f"#{first}")).to_be_focused()
    expect(toolbar).to_contain_text("suggested claim")
    toolbar.get_by_role("button", name="Dismiss").click()
    expect(page.locator(f"#{first}")).not_to_have_attribute("data-suggested", "1")
    expect(page.locator("#suggestions-panel .count")).to_have_text(str(count - 1))

    page.keyboard.press("n")
    expect(page.locator(f"#{second}")).to_be_focused()
    page.keyboard.press("c")  # confirm from the keyboard
    expect(page.locator(f"#{second}")).to_have_class(IS_CLAIM)
    expect(page.locator("#suggestions-panel .count")).to_have_text(str(count - 2))
    expect(toolbar.get_by_role("button", name="Unmark")).to_be_visible()


def test_reading_view_shows_the_copy_with_claim_status_in_the_margin(
    live_server: Any, page: Page, editor: Any, draft: Draft
) -> None:
    login(page, live_server, editor.username, PASSWORD)
    page.goto(page_url(live_server, draft))
    page.locator("#u-2").click()
    expect(page.locator("#u-2")).to_have_class(IS_CLAIM)

    page.get_by_role("link", name="Reading view").click()
    page.wait_for_url(f"{page_url(live_server, draft)}?view=read")
    expect(page.locator("#u-2 .cs")).to_have_text("Unchecked")
    margin, text = (page.locator(sel).bounding_box() for sel in ("#u-2 .cs", "#u-1"))
    assert margin and text and margin["x"] + margin["width"] <= text["x"], (margin, text)
    for hidden in ("#claims-panel", "#suggestions-panel", "#unit-toolbar", "#highlights"):
        expect(page.locator(hidden)).to_have_count(0)
    expect(page.locator("#draft-text .u a")).to_have_count(0)
    page.get_by_role("link", name="Back to the desk").click()
    expect(page.locator("#claims-panel")).to_be_visible()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it stands (WCAG 2 A and AA)."""
    # Through the DevTools protocol, as a console would: a <script> tag would be inline script,
    # which the page's Content-Security-Policy refuses (and the page fixture reports).
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        "() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',"
        " 'best-practice']})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_the_draft_page_has_no_serious_accessibility_violations(
    live_server: Any, page: Page, editor: Any, newsroom: Any
) -> None:
    if not AXE.exists():
        reason = "axe-core is not installed: run `make axe` (npm ci; needs node and npm)"
        if shutil.which("npm") is None:
            reason = "node/npm are absent, so axe-core cannot be installed (`make axe`)"
        missing_locally(reason, in_ci=f"{AXE} is missing: CI must run `make test` (npm ci)")
    draft = demo_draft(newsroom, editor)
    ReaderSettings.objects.create(user=editor, highlights=" ".join(ReaderSettings.KINDS))
    login(page, live_server, editor.username, PASSWORD)
    url = page_url(live_server, draft)
    page.goto(url)
    page.keyboard.press("n")  # the toolbar on a suggestion
    expect(page.locator("#unit-toolbar")).to_be_visible()
    assert axe_violations(page) == []
    for view in ("?view=read", "?at=3"):  # the reading view; the page without JavaScript's
        page.goto(url + view)
        assert axe_violations(page) == [], view
