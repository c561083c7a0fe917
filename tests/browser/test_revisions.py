"""A new version of a draft in a real browser, as issue 13 tells it: the editor loads the demo
draft, marks a claim and has its verdict approved; the copy comes back with that sentence's
figure changed; the claim is back in the review queue, flagged with its old and new wording; the
diff shows the edited sentence with the changed words marked. axe-core checks the diff and the
list of revisions; and the diff works without JavaScript."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from factcheck.claims.models import Claim
from factcheck.claims.revisions import revision_load
from factcheck.claims.services import claim_approve, claim_mark_sentence, claim_propose
from factcheck.drafts.models import Draft
from factcheck.drafts.services import draft_import
from tests.browser.conftest import login
from tests.browser.test_draft_reading import AXE, DEMO, axe_violations
from tests.browser.test_workflow import mark_claim
from tests.conftest import missing_locally
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

RAIN = (
    "The national weather service said 212 millimetres of rain fell on the upper valley in 48 "
    "hours, more than the usual total for the whole of October."
)
RAIN_EDITED = RAIN.replace("212", "245")


def demo_text() -> str:
    text = DEMO.read_text(encoding="utf-8")
    assert RAIN in text, "the demo draft's rain sentence changed: update this test"
    return text


def require_axe() -> None:
    if not AXE.exists():
        missing_locally(
            "axe-core is not installed: run `make axe` (npm ci; needs node and npm)",
            in_ci=f"{AXE} is missing: CI must run `make test` (npm ci)",
        )


def test_a_changed_claim_is_flagged_in_the_queue_and_the_diff_marks_its_words(
    live_server: Any, page: Page, newsroom: Any, editor: Any
) -> None:
    require_axe()
    base = live_server.url
    login(page, live_server, editor.username, PASSWORD)

    # --- The demo draft, loaded as a new draft; the rain figure marked as a claim. ----------
    page.goto(f"{base}/drafts/new/")
    page.get_by_label("Paste the draft").fill(demo_text())
    page.get_by_role("button", name=re.compile("Load")).click()
    page.wait_for_url(re.compile(rf"{base}/drafts/\d+/$"))
    draft = Draft.objects.get(newsroom=newsroom)
    expect(page.get_by_role("link", name="What changed")).to_have_count(0)  # one version
    mark_claim(page, "212 millimetres")
    claim = Claim.objects.get(draft=draft, text=RAIN)

    # --- A verdict proposed and approved on the claim's page. --------------------------------
    page.goto(f"{base}/claims/{claim.pk}/")
    form = page.locator("form.propose")
    form.get_by_label("Verdict").select_option("accurate")
    form.get_by_label("Rationale").fill("The weather service's bulletin gives 212 mm.")
    form.get_by_role("button", name="Propose verdict").click()
    expect(page.locator("#claim-main .state")).to_have_text("Verdict proposed")
    page.get_by_role("button", name="Approve verdict").click()
    expect(page.locator("#claim-main .state")).to_have_text("Approved")

    # --- The edited copy comes back: "Load new version", pasted. -----------------------------
    page.goto(f"{base}/drafts/{draft.pk}/")
    page.get_by_role("link", name="Load new version").first.click()
    page.wait_for_url(f"{base}/drafts/{draft.pk}/revisions/new/")
    page.get_by_label("Paste the new version").fill(demo_text().replace(RAIN, RAIN_EDITED))
    page.get_by_role("button", name="Load the new version").click()
    page.wait_for_url(f"{base}/drafts/{draft.pk}/")
    expect(page.locator(".messages")).to_contain_text("Revision 2 loaded:")
    expect(page.locator(".messages")).to_contain_text("1 changed")
    claim.refresh_from_db()
    assert (claim.revision.number, claim.status) == (2, Claim.Status.PROPOSED)
    assert claim.changed_since_checked and claim.checked_text == RAIN

    # --- The review queue: the claim is back, flagged, with the old and the new wording. -----
    page.locator("nav a", has_text="Review queue").click()
    page.wait_for_url(f"{base}/reviews/")
    row = page.locator(f"#row-claim-{claim.pk}")
    expect(row.locator(".badge.changed")).to_have_text("Changed since checked")
    expect(row.locator(".changed-words del")).to_have_text(RAIN)
    expect(row.locator(".changed-words ins")).to_have_text(RAIN_EDITED)
    expect(row.locator(".state")).to_have_text("Verdict proposed")
    page.get_by_label("Show").select_option("changed")  # the filter (htmx, or Apply)
    expect(page.locator("#queue-list tr.qrow")).to_have_count(1)
    expect(page.locator(f"#row-claim-{claim.pk}")).to_be_visible()

    # --- The diff, from the draft page: the edited sentence, its changed words marked. -------
    page.goto(f"{base}/drafts/{draft.pk}/")
    page.get_by_role("link", name="What changed").click()
    page.wait_for_url(f"{base}/drafts/{draft.pk}/diff/")
    expect(page.locator("h1")).to_have_text("What changed from revision 1 to revision 2")
    edited = page.locator(f"#n-{claim.sentence.index}")
    expect(edited).to_have_class(re.compile(r"\bdrow-edited\b"))
    expect(edited.locator(".dtext del")).to_have_text("taken out: 212")
    expect(edited.locator(".dtext ins")).to_have_text("put in: 245")
    expect(edited.locator(".dtext")).to_contain_text("millimetres of rain fell")
    beside = edited.locator(".dclaim")
    expect(beside.locator("a").first).to_have_attribute("href", f"/claims/{claim.pk}/")
    expect(beside.locator("a").first).to_contain_text("said 245 millimetres")
    expect(beside).to_contain_text("Changed since checked.")
    expect(beside.locator(".changed-since-checked del")).to_have_text(RAIN)
    # Only the changes: the rest folded into links to the whole page.
    expect(page.locator("tr.drow-edited")).to_have_count(1)
    expect(page.locator("tr.drow-gap").first).to_contain_text("unchanged sentences")
    assert axe_violations(page) == []

    # --- The list of revisions links each version to what changed in it. --------------------
    page.goto(f"{base}/drafts/{draft.pk}/revisions/")
    link = page.get_by_role("link", name="What changed in revision 2")
    expect(link).to_have_attribute("href", f"/drafts/{draft.pk}/diff/?from=1&to=2")
    assert axe_violations(page) == []
    link.click()
    page.wait_for_url(f"{base}/drafts/{draft.pk}/diff/?from=1&to=2")
    page.get_by_role("link", name="Show all sentences").click()
    expect(page.locator("tr.drow-gap")).to_have_count(0)
    assert axe_violations(page) == []


def test_the_diff_works_without_javascript(
    live_server: Any, no_js_page: Page, newsroom: Any, editor: Any, checker: Any
) -> None:
    page = no_js_page
    draft = draft_import(newsroom=newsroom, by=editor, text=demo_text())
    sentence = draft.revisions.get().sentences.get(start=demo_text().index(RAIN))
    claim = claim_mark_sentence(sentence=sentence, by=editor)
    claim = claim_propose(claim=claim, by=checker, verdict="accurate", rationale="Bulletin.")
    claim_approve(claim=claim, by=editor)
    revision_load(draft=draft, by=editor, text=demo_text().replace(RAIN, RAIN_EDITED))
    revision_load(draft=draft, by=editor, text=demo_text().replace(RAIN, RAIN_EDITED) + "\nEnd.\n")

    login(page, live_server, checker.username, PASSWORD)
    base = f"{live_server.url}/drafts/{draft.pk}/diff/"
    page.goto(base)
    expect(page.locator("h1")).to_have_text("What changed from revision 2 to revision 3")
    expect(page.locator("tr.drow-added")).to_contain_text("End.")
    # The form: any two revisions, sent as a plain GET.
    page.get_by_label("From revision", exact=True).select_option("1")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(f"{base}?from=1&to=3")
    expect(page.locator("h1")).to_have_text("What changed from revision 1 to revision 3")
    expect(page.locator("tr.drow-edited .dtext del")).to_have_text("taken out: 212")
    # A folded run of unchanged sentences opens the whole page where it starts.
    gap = page.locator("tr.drow-gap a").first
    gap.click()
    page.wait_for_url(re.compile(r"show=all#n-\d+$"))
    expect(page.locator("tr.drow-gap")).to_have_count(0)
    expect(page.get_by_role("link", name="Show only the changes")).to_be_visible()
