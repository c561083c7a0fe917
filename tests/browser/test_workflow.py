"""The verification workflow in a real browser, as issue 3 tells it: the editor turns two
contradicting claims into a task for the checker; the checker proposes verdicts; the editor
approves them from the review queue with the keyboard; the task is done and the draft clears."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from factcheck.claims.models import Claim
from factcheck.drafts.models import Draft
from factcheck.drafts.services import draft_import
from factcheck.notifications.models import Notification
from factcheck.reviews.models import Task
from tests.browser.conftest import csp_violations, login, new_page
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

TITLE = "F-16 vs F-15 discrepancy"
F16 = "Two F-16 jets flew low over the harbour on Saturday, the organisers said."
F15 = "The air force later said both aircraft were F-15s from Lakenheath."
DRAFT_TEXT = (
    "Jets Over the Harbour\n\n"
    f"{F16} About 40,000 people watched from the sea wall.\n\n"
    f"{F15}\n\n"
    "The show returns next summer, the council confirmed.\n"
)
RATIONALE = "The air force's statement and the spotters' photos both show F-15E Strike Eagles."
EVIDENCE = "https://example.org/air-force/statement-2024-06-01"
EVIDENCE_NOTE = "Air force statement naming the aircraft"


def unread(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_claim(page: Page, words: str) -> None:
    """The editor's toolbar on the sentence holding ``words``: mark it (or confirm it, if the
    analysis suggests it)."""
    unit = page.locator("span.u:not(.u-boilerplate)", has_text=words)
    expect(unit).to_have_count(1)
    unit.hover()
    toolbar = page.locator("#unit-toolbar")
    toolbar.get_by_role("button", name=re.compile(r"^(Mark as claim|Confirm)")).click()
    expect(unit).to_have_class(re.compile(r"(^|\s)is-claim(\s|$)"))


def propose_inaccurate(page: Page, claim_text: str) -> None:
    """On the task page: open the claim, propose "inaccurate" with a rationale and a link."""
    page.locator("#task-claims a", has_text=claim_text).click()
    page.wait_for_url(re.compile(r"/claims/\d+/$"))
    expect(page.locator("h1")).to_have_text(claim_text)
    form = page.locator("form.propose")
    form.get_by_label("Verdict").select_option("inaccurate")
    form.get_by_label("Rationale").fill(RATIONALE)
    form.get_by_label("Evidence link 1").fill(EVIDENCE)
    form.get_by_label("What link 1 shows").fill(EVIDENCE_NOTE)
    form.get_by_role("button", name="Propose verdict").click()
    expect(page.locator("#claim-flash")).to_contain_text("Proposed “Inaccurate”")
    main = page.locator("#claim-main")
    expect(main.locator(".state")).to_have_text("Verdict proposed")
    expect(main.locator(".evidence a")).to_have_text(EVIDENCE)
    expect(main.locator(".evidence")).to_contain_text(EVIDENCE_NOTE)
    page.go_back()
    page.wait_for_url(re.compile(r"/reviews/tasks/\d+/$"))


def test_editor_assigns_checker_proposes_editor_approves_by_keyboard_and_the_draft_clears(
    live_server: Any,
    browser: Browser,
    page: Page,
    newsroom: Any,
    editor: Any,
    checker: Any,
) -> None:
    draft = draft_import(newsroom=newsroom, by=editor, text=DRAFT_TEXT)
    draft_url = f"{live_server.url}/drafts/{draft.pk}/"

    # --- The editor marks the two sentences that contradict and makes a task of them. -------
    login(page, live_server, editor.username, PASSWORD)
    page.goto(draft_url)
    expect(page.locator("#clearance-panel")).to_contain_text("Nothing blocks clearance")
    mark_claim(page, "Two F-16 jets")
    mark_claim(page, "were F-15s")
    panel = page.locator("#claims-panel")
    expect(panel.locator(".count")).to_have_text("2")
    f16, f15 = (Claim.objects.get(draft=draft, text=text) for text in (F16, F15))
    # Each box is labelled by the claim it selects, as a screen reader reads it.
    panel.get_by_role(
        "checkbox", name=re.compile(r"^Select for a new task:\s+Two F-16 jets")
    ).check()
    panel.get_by_role(
        "checkbox", name=re.compile(r"^Select for a new task:\s+The air force")
    ).check()
    panel.get_by_role("button", name="New task from the selected claims").click()

    page.wait_for_url(re.compile(rf"/reviews/drafts/{draft.pk}/tasks/new/\?"))
    form = page.locator("#task-form")
    expect(form.locator(f'input[name="claims"][value="{f16.pk}"]')).to_be_checked()
    expect(form.locator(f'input[name="claims"][value="{f15.pk}"]')).to_be_checked()
    form.get_by_label("Title").fill(TITLE)
    form.get_by_label("What to check").fill("The draft says F-16; the air force says F-15.")
    assignee = form.get_by_label("Assignee")
    assignee.select_option(value=str(checker.pk))
    expect(assignee.locator("option:checked")).to_contain_text("checker")
    form.get_by_role("button", name="Create task").click()

    page.wait_for_url(re.compile(r"/reviews/tasks/\d+/$"))
    task = Task.objects.get(title=TITLE)
    assert page.url == f"{live_server.url}/reviews/tasks/{task.pk}/"
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator("#task-main .state")).to_have_text("Open")
    expect(page.locator("#task-main .assignee")).to_have_text("checker")
    assert set(task.claims.values_list("pk", flat=True)) == {f16.pk, f15.pk}

    # --- The checker finds it in My tasks and proposes a verdict on each claim. -------------
    checker_page = new_page(browser)
    try:
        login(checker_page, live_server, checker.username, PASSWORD)
        checker_page.locator("nav a", has_text="My tasks").click()
        checker_page.wait_for_url(f"{live_server.url}/reviews/my-tasks/")
        row = checker_page.locator("#my-tasks tr.task-row", has_text=TITLE)
        expect(row).to_have_count(1)
        expect(row.locator(".state")).to_have_text("Open")
        row.get_by_role("link", name=TITLE).click()
        checker_page.wait_for_url(f"{live_server.url}/reviews/tasks/{task.pk}/")

        propose_inaccurate(checker_page, F16)
        checker_page.reload()  # back on the task page: still open, one claim to go
        expect(checker_page.locator("#task-main .state")).to_have_text("Open")
        propose_inaccurate(checker_page, F15)
        checker_page.reload()
        # Both claims have proposals: the task went to review by itself.
        expect(checker_page.locator("#task-main .state")).to_have_text("In review")
        expect(checker_page.locator("#task-claims .verdict")).to_have_text(
            ["Inaccurate", "Inaccurate"]
        )
        bell = checker_page.locator("#bell")
        before = unread(checker)
        expect(bell.locator(".count")).to_have_text(str(before))

        # --- The editor approves both from the review queue, with the keyboard. ---------------
        page.locator("nav a", has_text="Review queue").click()
        page.wait_for_url(f"{live_server.url}/reviews/")
        page.evaluate("window.__marker = 1")
        rows = page.locator("#queue-list tr.qrow")
        keys = rows.evaluate_all("rows => rows.map(r => r.dataset.key)")
        verdicts = [f"claim-{f16.pk}", f"claim-{f15.pk}"]
        assert set(verdicts) <= set(keys), keys
        assert f"task-{task.pk}" in keys, keys

        at = -1  # no row is current yet
        for key in sorted(verdicts, key=keys.index):
            for _ in range(keys.index(key) - at):
                page.keyboard.press("j")
            at = keys.index(key)
            current = page.locator(f"#row-{key}")
            expect(current).to_be_focused()
            expect(current).to_have_class(re.compile(r"\bis-current\b"))
            expect(current.locator(".state")).to_have_text("Verdict proposed")
            page.keyboard.press("a")
            expect(current.locator(".state")).to_have_text("Approved")
            expect(current).to_have_class(re.compile(r"\bis-settled\b"))
            expect(current.locator(".settled")).to_have_text("No longer waits on you")
            expect(page.locator("#queue-flash")).to_contain_text("Approved the verdict on")
            expect(current).to_be_focused()  # the swapped-in row keeps the keyboard
        assert page.evaluate("window.__marker") == 1, "approving from the queue reloaded the page"
        assert page.url == f"{live_server.url}/reviews/"
        statuses = set(
            Claim.objects.filter(pk__in=[f16.pk, f15.pk]).values_list("status", flat=True)
        )
        assert statuses == {Claim.Status.APPROVED}

        # --- The task is done and, its last blocker gone, the draft is cleared. ---------------
        page.goto(f"{live_server.url}/reviews/tasks/{task.pk}/")
        expect(page.locator("#task-main .state")).to_have_text("Done")
        page.goto(draft_url)
        clearance = page.locator("#clearance-panel")
        expect(clearance).to_have_class(re.compile(r"\bis-cleared\b"))
        expect(clearance.locator(".cleared")).to_contain_text("Cleared for publication")
        expect(clearance.locator(".blocker")).to_have_count(0)
        assert Draft.objects.get(pk=draft.pk).cleared_at is not None

        # --- The checker's bell counts the two approvals. --------------------------------------
        after = unread(checker)
        assert after == before + 2, (before, after)
        checker_page.reload()
        expect(bell.locator(".count")).to_have_text(str(after))
        expect(bell.locator("a.bell")).to_have_attribute(
            "aria-label", f"Notifications: {after} unread"
        )
        assert not csp_violations(checker_page)
    finally:
        checker_page.context.close()
