"""Source lookups in a real browser, as issue 4 tells it: mark a claim, start a lookup, watch its
state change to done without a reload, attach a piece of evidence."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from factcheck.claims.models import Claim, EvidenceLink
from factcheck.sources import tasks
from factcheck.sources.library import document_upload
from factcheck.sources.models import Evidence, Lookup
from factcheck.sources.services import source_settings_for
from tests.browser.conftest import csp_violations, login, new_page
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

DRAFT = (
    "Ferry Fares Rise\n\n"
    "The harbour board raised ferry fares by 12 per cent on Monday, its chair said.\n\n"
    "Passengers protested at the terminal.\n"
)
REPORT = (
    b"Harbour board minutes, 3 March\n\n"
    b"The board voted to raise ferry fares by 12 per cent from Monday.\n\n"
    b"The chair said fuel costs had doubled since last year.\n"
)


def test_a_lookup_runs_in_the_background_and_its_evidence_is_attached(
    browser: Browser,
    live_server: Any,
    newsroom: Any,
    editor: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = source_settings_for(newsroom)
    settings.wikipedia_enabled = False  # the outside internet is not reachable from here
    settings.archive_enabled = False
    settings.save()
    document_upload(newsroom=newsroom, by=editor, name="minutes.txt", data=REPORT)
    # Hold the task back instead of running it in the request (tests run Celery eagerly), so
    # the page has a queued lookup to watch; the test then plays the worker.
    held: list[int] = []
    monkeypatch.setattr(tasks.lookup_run, "delay", lambda pk: held.append(pk))

    page = new_page(browser)
    login(page, live_server, editor.username, PASSWORD)
    page.goto(f"{live_server.url}/drafts/new/")
    page.fill("#id_text", DRAFT)
    page.click("#draft-form button[type=submit]")
    page.wait_for_url("**/drafts/*/")
    sentence = page.locator(".u", has_text="raised ferry fares")
    sentence.click()  # a click on a sentence marks it (or confirms its suggestion)
    expect(sentence).to_have_class(re.compile("is-claim"))

    page.locator("#claims-panel a", has_text="raised ferry fares").click()
    page.wait_for_url("**/claims/*/")
    page.evaluate("window.__marker = 1")
    page.locator("form.lookup-start button[type=submit]").click()
    lookup_row = page.locator(".lookup").first
    expect(lookup_row).to_contain_text("Reference library")
    expect(lookup_row).to_contain_text("Queued")
    assert len(held) == 1

    tasks.lookup_run.apply(args=[held[0]])  # the worker runs it
    expect(lookup_row).to_contain_text("Done", timeout=10_000)  # the panel polls itself
    assert page.evaluate("window.__marker") == 1  # no reload happened
    assert Lookup.objects.get(pk=held[0]).status == Lookup.Status.DONE

    evidence = page.locator(".evidence-item", has_text="Harbour board minutes").first
    expect(evidence.locator("mark").first).to_be_visible()
    evidence.get_by_role("button", name="Attach to verdict").click()
    expect(page.locator("#lookups-body")).to_contain_text("Attached")
    assert page.evaluate("window.__marker") == 1
    item = Evidence.objects.get()
    assert item.status == Evidence.Status.ATTACHED
    link = EvidenceLink.objects.get(claim=item.claim)
    assert link.url.endswith(item.url) and link.url.startswith("http")
    assert not csp_violations(page)

    # Attaching gave the claim a new version (issue 16); the page's forms took it, so the
    # editor's next action on the same page lands instead of being refused as a conflict.
    propose = page.locator("form.propose")
    propose.locator("select[name=verdict]").select_option("accurate")
    propose.locator("textarea[name=rationale]").fill("The harbour board's minutes say so.")
    propose.get_by_role("button", name="Propose verdict").click()
    expect(page.locator("#claim-main .state")).to_contain_text("Verdict proposed")
    assert page.evaluate("window.__marker") == 1
    assert Claim.objects.get(pk=item.claim_id).status == Claim.Status.PROPOSED


def test_evidence_attached_under_an_approved_verdict_sends_it_back_to_review(
    browser: Browser, live_server: Any, draft: Any, editor: Any, checker: Any
) -> None:
    from django.utils import timezone

    from factcheck.claims.services import claim_approve, claim_mark_sentence, claim_propose
    from factcheck.drafts.models import Sentence

    unit = draft.revisions.get().sentences.exclude(kind=Sentence.Kind.BOILERPLATE).order_by("index")
    claim = claim_mark_sentence(sentence=unit[1], by=editor)
    claim = claim_propose(claim=claim, by=checker, verdict="accurate", rationale="The notice.")
    claim = claim_approve(claim=claim, by=editor, expected_version=claim.version)
    Evidence.objects.create(
        claim=claim,
        source="wikipedia",
        url="https://example.org/storm",
        title="Storm report",
        retrieved_at=timezone.now(),
    )

    page = new_page(browser)
    login(page, live_server, checker.username, PASSWORD)
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    expect(page.locator("#claim-main .state")).to_contain_text("Approved")
    page.locator(".evidence-item", has_text="Storm report").get_by_role(
        "button", name="Attach to verdict"
    ).click()

    # The page is drawn again: the new state, and the message saying why.
    expect(page.locator("#claim-main .state")).to_contain_text("Verdict proposed")
    expect(page.locator(".messages")).to_contain_text("with new evidence it goes back to review")
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.PROPOSED
    assert not csp_violations(page)
