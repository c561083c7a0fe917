"""Issue 12: confirming many suggestions is one request and one transaction, whose work does
not grow with them: one lock, one insert, one statement of history, clearance and automatic
lookups told once; the answer holds the units that changed and the panels."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from factcheck.claims.models import Claim
from factcheck.claims.services import claim_mark_sentence, claim_unmark
from factcheck.drafts.models import Draft
from factcheck.history.models import AuditEntry
from factcheck.insights.services import suggested_sentences, suggestion_threshold
from factcheck.reviews import services as reviews_services
from factcheck.reviews.services import draft_clear
from factcheck.sources.models import Lookup
from factcheck.sources.selectors import source_settings_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
SUGGESTED = [1, 2, 3]  # the sample draft's units above the model's threshold


def url(draft: Draft) -> str:
    return f"/insights/drafts/{draft.pk}/suggestions/"


def live_claims(draft: Draft) -> list[int]:
    claims = draft.claims.exclude(status=Claim.Status.DISMISSED)
    return sorted(claims.values_list("sentence__index", flat=True))


def created_entries(draft: Draft) -> int:
    return AuditEntry.objects.filter(draft_id=draft.pk, object_type="claim").count()


@pytest.fixture
def refreshes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    seen: list[int] = []
    real = reviews_services._refresh_clearance

    def counted(draft: Draft, by: Any) -> Draft:
        seen.append(draft.pk)
        return real(draft, by)

    monkeypatch.setattr(reviews_services, "_refresh_clearance", counted)
    return seen


def test_many_confirm_values_are_one_request(
    editor_client: Client, draft: Draft, refreshes: list[int]
) -> None:
    response = editor_client.post(url(draft), {"confirm": SUGGESTED}, **HTMX)
    assert response.status_code == 200
    assert live_claims(draft) == SUGGESTED
    assert created_entries(draft) == 3
    assert refreshes == []  # new claims on a draft not cleared: nothing can change
    html = response.content.decode()
    assert "3 suggestions confirmed as claims." in html
    units = re.findall(r'<span id="u-(\d+)" [^>]*hx-swap-oob="true"', html)
    assert units == ["1", "2", "3"]
    assert '<section id="suggestions-panel"' in html and 'data-count="0"' in html
    # The claims panel is not drawn again: the three rows are added to its list.
    assert '<aside id="claims-panel"' not in html
    assert html.count('hx-swap-oob="beforeend:#claims-list"') == 1
    assert len(re.findall(r'<li [^>]*id="claim-row-\d+"', html)) == 3
    assert "claims-changed" in json.loads(response["HX-Trigger"])
    threshold = suggestion_threshold(draft.newsroom)
    assert not suggested_sentences(draft.revisions.get(), threshold).exists()


def test_the_units_own_mark_button_confirms_many_too(editor_client: Client, draft: Draft) -> None:
    response = editor_client.post(url(draft), {"mark": ["3", "1"]})
    assert response.status_code == 302
    assert response["Location"] == f"/drafts/{draft.pk}/#suggestions-panel"
    assert live_claims(draft) == [1, 3]


def test_confirming_again_writes_nothing_more(editor_client: Client, draft: Draft) -> None:
    editor_client.post(url(draft), {"bulk": "confirm", "units": SUGGESTED}, **HTMX)
    before = created_entries(draft)
    again = editor_client.post(url(draft), {"bulk": "confirm", "units": SUGGESTED}, **HTMX)
    assert again.status_code == 200
    assert created_entries(draft) == before
    assert draft.claims.count() == 3


def test_a_bulk_confirm_restores_dismissed_claims_with_the_new_ones(
    editor_client: Client, draft: Draft, editor: Any
) -> None:
    revision = draft.revisions.get()
    claim_unmark(
        claim=claim_mark_sentence(sentence=revision.sentences.get(index=2), by=editor), by=editor
    )
    response = editor_client.post(url(draft), {"bulk": "confirm", "units": SUGGESTED}, **HTMX)
    assert response.status_code == 200
    assert live_claims(draft) == SUGGESTED
    assert draft.claims.count() == 3  # the dismissed claim came back, not a second one


def test_a_bulk_confirm_withdraws_the_clearance_once(
    editor_client: Client, draft: Draft, editor: Any, refreshes: list[int]
) -> None:
    revision = draft.revisions.get()
    claim_unmark(
        claim=claim_mark_sentence(sentence=revision.sentences.get(index=0), by=editor), by=editor
    )
    draft_clear(draft=draft, by=editor)
    refreshes.clear()
    response = editor_client.post(url(draft), {"bulk": "confirm_all"}, **HTMX)
    assert response.status_code == 200
    assert refreshes == [draft.pk]
    draft.refresh_from_db()
    assert draft.cleared_at is None
    assert AuditEntry.objects.filter(object_type="draft", action="uncleared").count() == 1


def test_automatic_lookups_start_for_every_confirmed_claim(
    editor_client: Client, draft: Draft, newsroom: Any
) -> None:
    settings = source_settings_for(newsroom)
    settings.lookup_on_mark = True
    settings.save()
    editor_client.post(url(draft), {"bulk": "confirm", "units": SUGGESTED}, **HTMX)
    claims = set(draft.claims.values_list("pk", flat=True))
    assert set(Lookup.objects.values_list("claim_id", flat=True)) == claims


def test_bulk_confirm_keeps_its_access_checks(
    draft: Draft, editor_client: Client, checker_client: Client, outsider_client: Client
) -> None:
    data = {"confirm": SUGGESTED}
    assert outsider_client.post(url(draft), data, **HTMX).status_code == 404
    assert checker_client.post(url(draft), data, **HTMX).status_code == 403
    assert editor_client.get(url(draft), data).status_code == 405
    assert live_claims(draft) == []
