"""Issue 12: a click to mark or unmark does a small, constant amount of work (one lock, one
write, one history row; clearance refreshed once, and only when it can change), and answers
htmx with the unit, the claims panel and the flash alone."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from factcheck.claims.models import Claim
from factcheck.claims.services import (
    ClaimError,
    claim_mark_sentence,
    claim_unmark,
    claims_mark_sentences,
)
from factcheck.drafts.models import Draft, Sentence
from factcheck.drafts.services import draft_import
from factcheck.history.models import AuditEntry
from factcheck.reviews import services as reviews_services
from factcheck.reviews.services import draft_clear

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
POWER = 2  # the sample draft's unit "About 300 homes lost power."
FURNITURE = 4


def mark_url(draft: Draft) -> str:
    return f"/claims/drafts/{draft.pk}/mark/"


def unit(draft: Draft, index: int) -> Sentence:
    return draft.revisions.get().sentences.get(index=index)


def history(draft: Draft) -> list[tuple[str, str]]:
    return list(
        AuditEntry.objects.filter(draft_id=draft.pk)
        .order_by("id")
        .values_list("object_type", "action")
    )


@pytest.fixture
def refreshes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The drafts whose clearance is refreshed (locked and read), in order."""
    seen: list[int] = []
    real = reviews_services._refresh_clearance

    def counted(draft: Draft, by: Any) -> Draft:
        seen.append(draft.pk)
        return real(draft, by)

    monkeypatch.setattr(reviews_services, "_refresh_clearance", counted)
    return seen


def cleared(draft: Draft, editor: Any) -> Draft:
    """``draft`` with one dismissed claim (work done, nothing left), cleared."""
    claim = claim_mark_sentence(sentence=unit(draft, 1), by=editor)
    claim_unmark(claim=claim, by=editor)
    draft.refresh_from_db()
    if draft.cleared_at is None:
        draft_clear(draft=draft, by=editor)
    draft.refresh_from_db()
    assert draft.cleared_at is not None
    return draft


# --- One write, one history row ---------------------------------------------------------------


def test_a_mark_writes_one_claim_and_one_history_row(editor_client: Client, draft: Draft) -> None:
    before = history(draft)
    response = editor_client.post(mark_url(draft), {"mark": POWER}, **HTMX)
    assert response.status_code == 200
    assert history(draft)[len(before) :] == [("claim", "created")]
    claim = draft.claims.get()
    assert (claim.sentence.index, claim.status, claim.version) == (POWER, "unchecked", 1)


def test_an_unmark_writes_one_update_and_one_history_row(
    editor_client: Client, draft: Draft
) -> None:
    editor_client.post(mark_url(draft), {"mark": 1}, **HTMX)  # still blocks: no clearance
    editor_client.post(mark_url(draft), {"mark": POWER}, **HTMX)
    before = history(draft)
    response = editor_client.post(mark_url(draft), {"unmark": POWER}, **HTMX)
    assert response.status_code == 200
    assert history(draft)[len(before) :] == [("claim", "status")]
    claim = draft.claims.get(sentence__index=POWER)
    assert (claim.status, claim.version) == (Claim.Status.DISMISSED, 2)


def test_marking_again_restores_with_one_history_row(editor_client: Client, draft: Draft) -> None:
    editor_client.post(mark_url(draft), {"mark": 1}, **HTMX)  # still blocks: no clearance
    editor_client.post(mark_url(draft), {"mark": POWER}, **HTMX)
    editor_client.post(mark_url(draft), {"unmark": POWER}, **HTMX)
    before = history(draft)
    response = editor_client.post(mark_url(draft), {"mark": POWER}, **HTMX)
    assert response.status_code == 200
    assert history(draft)[len(before) :] == [("claim", "status")]
    entry = AuditEntry.objects.filter(draft_id=draft.pk).order_by("id").last()
    assert entry is not None and entry.summary.endswith(": Restored claim")
    assert entry.changes == {"status": ["dismissed", "unchecked"]}
    claim = draft.claims.get(sentence__index=POWER)
    assert (claim.status, claim.version) == (Claim.Status.UNCHECKED, 3)


def test_repeated_clicks_write_nothing_more(editor_client: Client, draft: Draft) -> None:
    for action in ("mark", "unmark"):
        editor_client.post(mark_url(draft), {action: POWER}, **HTMX)
        before = history(draft)
        again = editor_client.post(mark_url(draft), {action: POWER}, **HTMX)
        assert again.status_code == 200
        assert history(draft) == before
    assert draft.claims.count() == 1


# --- Clearance: refreshed once, only when it can change -----------------------------------------


def test_a_mark_on_a_draft_not_cleared_refreshes_no_clearance(
    editor_client: Client, draft: Draft, refreshes: list[int]
) -> None:
    editor_client.post(mark_url(draft), {"mark": POWER}, **HTMX)
    assert refreshes == []  # a new claim can only block: an uncleared draft stays uncleared


def test_a_new_claim_withdraws_the_clearance_once(
    editor_client: Client, draft: Draft, editor: Any, refreshes: list[int]
) -> None:
    draft = cleared(draft, editor)
    refreshes.clear()
    response = editor_client.post(mark_url(draft), {"mark": POWER}, **HTMX)
    assert response.status_code == 200
    assert refreshes == [draft.pk]
    draft.refresh_from_db()
    assert draft.cleared_at is None
    entry = AuditEntry.objects.filter(object_type="draft", action="uncleared").get()
    assert "About 300 homes lost power." in entry.summary


def test_restoring_a_claim_withdraws_the_clearance(
    editor_client: Client, draft: Draft, editor: Any
) -> None:
    draft = cleared(draft, editor)
    response = editor_client.post(mark_url(draft), {"mark": 1}, **HTMX)  # the dismissed claim
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.cleared_at is None


def test_unmarking_the_last_blocker_clears_the_draft_once(
    editor_client: Client, draft: Draft, editor: Any, refreshes: list[int]
) -> None:
    editor_client.post(mark_url(draft), {"mark": POWER}, **HTMX)
    assert draft.claims.count() == 1
    response = editor_client.post(mark_url(draft), {"unmark": POWER}, **HTMX)
    assert response.status_code == 200
    assert refreshes == [draft.pk]
    draft.refresh_from_db()
    assert draft.cleared_at is not None  # the only claim dismissed: work done, nothing left
    assert ("draft", "cleared") in history(draft)


# --- The htmx answer ------------------------------------------------------------------------------


def test_the_htmx_answer_is_the_unit_the_claim_row_and_the_flash(
    editor_client: Client, draft: Draft
) -> None:
    response = editor_client.post(mark_url(draft), {"mark": POWER}, **HTMX)
    html = response.content.decode()
    ids = re.findall(r'<(?:span|aside|div|section)\b[^>]*\bid="([^"]+)"[^>]*hx-swap-oob', html)
    assert ids == [f"u-{POWER}", "flash"]
    claim = draft.claims.get()
    # The claim's row, appended to the panel's list (draft.js orders and counts the rows).
    assert '<div hx-swap-oob="beforeend:#claims-list"><li class="claim"' in html
    assert f'id="claim-row-{claim.pk}" data-claim="{claim.pk}"' in html
    assert "Marked: “About 300 homes lost power.”" in html
    assert "claims-changed" in json.loads(response["HX-Trigger"])
    assert 'id="claims-panel"' not in html  # not the whole panel


def test_the_answer_to_an_unmark_takes_the_row_away(editor_client: Client, draft: Draft) -> None:
    editor_client.post(mark_url(draft), {"mark": POWER}, **HTMX)
    claim = draft.claims.get()
    html = editor_client.post(mark_url(draft), {"unmark": POWER}, **HTMX).content.decode()
    assert f'<li id="claim-row-{claim.pk}" hx-swap-oob="delete"></li>' in html
    assert "claims-list" not in html


def test_the_answer_stays_one_row_however_many_claims_the_draft_has(
    editor_client: Client, draft: Draft, editor: Any
) -> None:
    editor_client.post(mark_url(draft), {"mark": POWER}, **HTMX)
    small = editor_client.post(mark_url(draft), {"mark": POWER}, **HTMX).content
    for sentence in draft.revisions.get().sentences.exclude(index=POWER):
        if sentence.checkable:
            claim_mark_sentence(sentence=sentence, by=editor)
    assert draft.claims.count() > 2
    large = editor_client.post(mark_url(draft), {"mark": POWER}, **HTMX).content
    assert large.count(b"<li") == small.count(b"<li") == 1


def test_a_refused_mark_answers_422_with_the_flash_and_writes_nothing(
    editor_client: Client, draft: Draft
) -> None:
    before = history(draft)
    response = editor_client.post(mark_url(draft), {"mark": FURNITURE}, **HTMX)
    assert response.status_code == 422
    assert "site furniture" in response.content.decode()
    assert history(draft) == before and not draft.claims.exists()


def test_a_plain_mark_and_unmark_go_back_to_the_unit(editor_client: Client, draft: Draft) -> None:
    for action in ("mark", "unmark"):
        response = editor_client.post(mark_url(draft), {action: POWER})
        assert response.status_code == 302
        assert response["Location"] == f"/drafts/{draft.pk}/#u-{POWER}"
    assert draft.claims.get().status == Claim.Status.DISMISSED


def test_unmarking_a_unit_without_a_claim_is_404(editor_client: Client, draft: Draft) -> None:
    assert editor_client.post(mark_url(draft), {"unmark": POWER}, **HTMX).status_code == 404
    assert editor_client.post(mark_url(draft), {"mark": 999}, **HTMX).status_code == 404


def test_the_mark_click_keeps_its_access_checks(
    draft: Draft, checker_client: Client, outsider_client: Client, editor_client: Client
) -> None:
    for data in ({"mark": POWER}, {"unmark": POWER}):
        assert outsider_client.post(mark_url(draft), data, **HTMX).status_code == 404
        assert checker_client.post(mark_url(draft), data, **HTMX).status_code == 403
    assert editor_client.get(mark_url(draft)).status_code == 405
    assert not draft.claims.exists()


def test_marks_answer_from_the_latest_revision(
    editor_client: Client, newsroom: Any, editor: Any
) -> None:
    draft = draft_import(newsroom=newsroom, by=editor, text="One said 4. Two said 5.")
    revision = draft.revisions.get()
    revision.pk, revision.number = None, 2
    revision.text = "Six said 4. Ten said 5."  # the same offsets
    revision.save()
    for s in draft.revisions.get(number=1).sentences.all():
        s.pk, s.revision = None, revision
        s.save()
    response = editor_client.post(mark_url(draft), {"mark": 1}, **HTMX)
    assert response.status_code == 200
    claim = draft.claims.get()
    assert claim.revision_id == revision.pk and claim.text == "Ten said 5."


# --- The service for many units -----------------------------------------------------------------


def test_mark_sentences_creates_restores_and_keeps_in_one_go(draft: Draft, editor: Any) -> None:
    live = claim_mark_sentence(sentence=unit(draft, 1), by=editor)
    dismissed = claim_unmark(
        claim=claim_mark_sentence(sentence=unit(draft, 3), by=editor), by=editor
    )
    before = len(history(draft))
    sentences = [unit(draft, i) for i in (3, 1, 2)]
    claims = claims_mark_sentences(sentences=sentences, by=editor)
    assert [c.sentence_id for c in claims] == [s.pk for s in sentences]
    assert claims[0].pk == dismissed.pk and claims[0].status == Claim.Status.UNCHECKED
    assert claims[1].pk == live.pk and claims[1].version == live.version
    assert Claim.objects.get(pk=claims[2].pk).status == Claim.Status.UNCHECKED
    assert history(draft)[before:] == [("claim", "created"), ("claim", "status")]


def test_mark_sentences_refuses_furniture_and_units_of_two_revisions(
    draft: Draft, editor: Any, newsroom: Any
) -> None:
    with pytest.raises(ClaimError, match="site furniture"):
        claims_mark_sentences(sentences=[unit(draft, 1), unit(draft, FURNITURE)], by=editor)
    other = draft_import(newsroom=newsroom, by=editor, text="The mayor said 12 bridges closed.")
    with pytest.raises(ClaimError, match="one revision"):
        claims_mark_sentences(sentences=[unit(draft, 1), unit(other, 0)], by=editor)
    assert not Claim.objects.exists()
    assert claims_mark_sentences(sentences=[], by=editor) == []
