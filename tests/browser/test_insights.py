"""Claim intelligence in a real browser: an editor loads the demo draft, sees the suggested
claims and the checkable parts highlighted, confirms a suggestion in place, opens the
contradiction the analysis found and turns it into a task in one click."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from factcheck.claims.models import Claim
from factcheck.drafts.models import Draft
from factcheck.insights.models import Finding
from factcheck.reviews.models import Task
from tests.browser.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

DEMO = Path(__file__).resolve().parents[2] / "factcheck/newsrooms/demo/meralt-floods.txt"
IS_CLAIM = re.compile(r"(^|\s)is-claim(\s|$)")


def test_editor_confirms_a_suggestion_and_turns_a_contradiction_into_a_task(
    live_server: Any, page: Page, editor: Any, checker: Any
) -> None:
    login(page, live_server, editor.username, PASSWORD)
    page.locator("nav a", has_text="Load a draft").click()
    page.locator("#id_newsroom").select_option(label="Demo Newsroom")
    page.locator("#id_text").fill(DEMO.read_text(encoding="utf-8"))
    page.locator("#draft-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"^{re.escape(live_server.url)}/drafts/\d+/$"))
    draft = Draft.objects.get()

    # The analysis ran on import: suggestions styled and listed, parts highlighted on demand.
    expect(page.locator("#analysis")).to_contain_text("Analysed")
    expect(page.locator("#draft-text mark.part-number")).to_have_count(0)
    page.get_by_role("checkbox", name="numbers").check()
    expect(page.locator("#draft-text mark.part-number").first).to_be_visible()
    expect(page.locator("#draft-text mark.part-number").first).to_have_attribute("title", "number")
    suggested = page.locator("#draft-text .u[data-suggested]")
    count = suggested.count()
    assert count >= 10, count
    expect(page.locator("#suggestions-panel .count")).to_have_text(str(count))
    expect(page.locator("#claims-panel .count")).to_have_text("0")

    # Confirm one: it becomes a claim without a reload.
    unit = suggested.first
    unit_id = unit.get_attribute("id")
    assert unit_id
    page.evaluate("window.__marker = 1")
    unit.hover()
    page.locator("#unit-toolbar").get_by_role("button", name="Confirm").click()
    confirmed = page.locator(f"#{unit_id}")
    expect(confirmed).to_have_class(IS_CLAIM)
    expect(confirmed).not_to_have_attribute("data-suggested", "1")
    expect(page.locator("#claims-panel .count")).to_have_text("1")
    expect(page.locator("#suggestions-panel .count")).to_have_text(str(count - 1))
    expect(page.locator("#flash")).to_contain_text("Marked:")
    assert page.evaluate("window.__marker") == 1, "confirming a suggestion reloaded the page"
    index = int(unit_id.removeprefix("u-"))
    assert Claim.objects.filter(draft=draft, sentence__index=index).exists()

    # Confirm two more at once: their rows join the claims panel, in the text's order.
    picks = page.locator("#suggestions-panel input[name=units]")
    picks.nth(1).check()
    picks.nth(0).check()
    page.get_by_role("button", name="Confirm selected").click()
    expect(page.locator("#claims-panel .count")).to_have_text("3")
    expect(page.locator("#claims-list > li")).to_have_count(3)
    expect(page.locator("#suggestions-panel .count")).to_have_text(str(count - 3))
    starts = [
        int(x)
        for x in page.locator("#claims-list > li").evaluate_all(
            "rows => rows.map(r => r.dataset.at)"
        )
    ]
    assert starts == sorted(starts), starts
    assert page.evaluate("window.__marker") == 1, "confirming suggestions reloaded the page"
    assert Claim.objects.filter(draft=draft).count() == 3

    # The contradiction the analysis found: both sentences side by side, then a task.
    finding = Finding.objects.get(draft=draft, summary="S-92 vs S-76")
    page.locator("#findings-panel a", has_text="S-92 vs S-76").click()
    page.wait_for_url(f"{live_server.url}/insights/findings/{finding.pk}/")
    expect(page.locator("h1")).to_contain_text("S-92 vs S-76")
    expect(page.locator(".finding-side mark.conflict-words")).to_have_text(["S-92", "S-76"])
    page.locator("#id_assignee").select_option(label="checker")
    page.get_by_role("button", name="Create task “S-92 vs S-76 discrepancy”").click()

    task = Task.objects.get(draft=draft, title="S-92 vs S-76 discrepancy")
    page.wait_for_url(f"{live_server.url}/reviews/tasks/{task.pk}/")
    expect(page.locator("h1")).to_contain_text("S-92 vs S-76 discrepancy")
    linked = sorted(c.sentence_id for c in task.claims.all())
    assert linked == sorted([finding.sentence_a_id, finding.sentence_b_id])
    for claim in task.claims.all():
        expect(page.locator(f'a[href="/claims/{claim.pk}/"]').first).to_be_visible()
    assert task.assignee == checker
    finding.refresh_from_db()
    assert finding.status == Finding.Status.TASKED and finding.task == task


def test_editor_works_through_the_suggestions_with_the_keyboard(
    live_server: Any, page: Page, editor: Any, newsroom: Any
) -> None:
    from factcheck.drafts.services import draft_import

    draft = draft_import(newsroom=newsroom, by=editor, text=DEMO.read_text(encoding="utf-8"))
    login(page, live_server, editor.username, PASSWORD)
    page.goto(f"{live_server.url}/drafts/{draft.pk}/")
    expect(page.locator(".keys")).to_contain_text("n next suggested claim")
    suggested = page.locator("#draft-text .u[data-suggested]")
    count = suggested.count()
    assert count >= 10, count
    first_id, second_id = suggested.nth(0).get_attribute("id"), suggested.nth(1).get_attribute("id")
    page.evaluate("window.__marker = 1")

    # n goes to the first suggestion, x dismisses it in place and the focus stays there.
    page.keyboard.press("n")
    expect(page.locator(f"#{first_id}")).to_be_focused()
    page.keyboard.press("x")
    expect(page.locator(f"#{first_id}")).not_to_have_attribute("data-suggested", "1")
    expect(page.locator("#suggestions-panel .count")).to_have_text(str(count - 1))
    expect(page.locator(f"#{first_id}")).to_be_focused()

    # n again goes on to the next one, and c confirms it: a claim.
    page.keyboard.press("n")
    expect(page.locator(f"#{second_id}")).to_be_focused()
    page.keyboard.press("c")
    expect(page.locator(f"#{second_id}")).to_have_class(IS_CLAIM)
    expect(page.locator("#suggestions-panel .count")).to_have_text(str(count - 2))
    assert page.evaluate("window.__marker") == 1, "a key reloaded the page"
    index = int(second_id.removeprefix("u-"))
    assert Claim.objects.filter(draft=draft, sentence__index=index).exists()
    first = draft.revisions.get().sentences.get(index=int(first_id.removeprefix("u-")))
    assert first.suggestion_dismissed is True
