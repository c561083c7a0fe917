"""Attaching and dismissing evidence is a change to the claim (issue 16): the claim is locked,
its version bumped and the change written to its history; a new link under an approved verdict
sends the claim back to review and takes a cleared draft's clearance away, with its event."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from factcheck import events
from factcheck.claims.models import Claim, EvidenceLink
from factcheck.claims.services import claim_approve, claim_mark_sentence, claim_propose
from factcheck.drafts.models import Draft, Sentence
from factcheck.errors import FactcheckError
from factcheck.history.models import AuditEntry
from factcheck.sources.models import Evidence
from factcheck.sources.services import evidence_attach, evidence_dismiss

pytestmark = pytest.mark.django_db
S = Claim.Status


@pytest.fixture
def claim(draft: Draft, editor: Any) -> Claim:
    sentences = draft.revisions.get().sentences.exclude(kind=Sentence.Kind.BOILERPLATE)
    return claim_mark_sentence(sentence=sentences.order_by("index")[1], by=editor)


def found(claim: Claim, *urls: str) -> list[Evidence]:
    return [
        Evidence.objects.create(
            claim=claim,
            source="wikipedia",
            url=url,
            title=f"Report {url[-1]}",
            retrieved_at=timezone.now(),
        )
        for url in urls
    ]


def approved(claim: Claim, editor: Any, checker: Any, *links: str) -> Claim:
    proposed = claim_propose(
        claim=claim,
        by=checker,
        verdict="accurate",
        rationale="The council's notice says so.",
        links=[(url, "") for url in links],
    )
    return claim_approve(claim=proposed, by=editor, expected_version=proposed.version)


def entries(claim: Claim) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type="claim", object_id=claim.pk).order_by("id"))


@pytest.fixture
def emitted(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every event emitted (their handlers still run)."""
    seen: list[object] = []
    real = events.emit

    def emit(event: object) -> None:
        seen.append(event)
        real(event)

    monkeypatch.setattr(events, "emit", emit)
    return seen


def test_attaching_bumps_the_version_and_writes_the_claims_history(
    claim: Claim, checker: Any
) -> None:
    (evidence,) = found(claim, "https://example.org/1")
    before = len(entries(claim))

    done = evidence_attach(evidence=evidence, by=checker)

    fresh = Claim.objects.get(pk=claim.pk)
    assert done.changed and (fresh.version, fresh.status) == (claim.version + 1, S.UNCHECKED)
    entry = entries(claim)[-1]
    assert len(entries(claim)) == before + 1
    assert (entry.action, entry.actor, entry.draft_id) == (
        "evidence_attached",
        checker,
        claim.draft_id,
    )
    assert entry.summary == f"Claim “{claim.text[:59]}…”: Attached evidence “Report 1”"
    assert entry.changes == {
        "evidence": ["", "https://example.org/1"],
        "evidence_status": ["new", "attached"],
    }


def test_dismissing_bumps_the_version_and_writes_the_claims_history(
    claim: Claim, checker: Any
) -> None:
    (evidence,) = found(claim, "https://example.org/2")

    assert evidence_dismiss(evidence=evidence, by=checker).changed

    fresh = Claim.objects.get(pk=claim.pk)
    assert fresh.version == claim.version + 1 and fresh.status == S.UNCHECKED
    entry = entries(claim)[-1]
    assert (entry.action, entry.actor) == ("evidence_dismissed", checker)
    assert entry.changes == {"evidence_status": ["new", "dismissed"]}
    assert "Dismissed evidence “Report 2”" in entry.summary


def test_a_repeated_click_changes_nothing_and_writes_nothing(claim: Claim, checker: Any) -> None:
    first, second = found(claim, "https://example.org/1", "https://example.org/2")
    evidence_attach(evidence=first, by=checker)
    evidence_dismiss(evidence=second, by=checker)
    version, count = Claim.objects.get(pk=claim.pk).version, len(entries(claim))

    assert evidence_attach(evidence=Evidence.objects.get(pk=first.pk), by=checker).changed is False
    stale = Evidence.objects.get(pk=second.pk)
    stale.status = Evidence.Status.NEW  # a page loaded before the first click
    assert evidence_dismiss(evidence=stale, by=checker).changed is False

    assert Claim.objects.get(pk=claim.pk).version == version
    assert len(entries(claim)) == count


def test_refusals_write_nothing(claim: Claim, checker: Any, outsider: Any) -> None:
    web, ftp = found(claim, "https://example.org/1", "ftp://example.org/2")
    evidence_attach(evidence=web, by=checker)
    version, count = Claim.objects.get(pk=claim.pk).version, AuditEntry.objects.count()

    with pytest.raises(PermissionDenied):
        evidence_attach(evidence=ftp, by=outsider)
    with pytest.raises(PermissionDenied):
        evidence_dismiss(evidence=ftp, by=outsider)
    with pytest.raises(FactcheckError, match="Only http"):
        evidence_attach(evidence=ftp, by=checker)
    with pytest.raises(FactcheckError, match="cannot be dismissed"):
        evidence_dismiss(evidence=web, by=checker)

    assert Claim.objects.get(pk=claim.pk).version == version
    assert AuditEntry.objects.count() == count
    assert dict(Evidence.objects.values_list("url", "status")) == {
        "https://example.org/1": "attached",
        "ftp://example.org/2": "new",
    }


def test_new_evidence_under_an_approved_verdict_sends_it_back_to_review_and_unclears(
    claim: Claim, editor: Any, checker: Any, emitted: list[object]
) -> None:
    claim = approved(claim, editor, checker)
    draft = Draft.objects.get(pk=claim.draft_id)
    assert draft.cleared_at is not None  # its one claim settled: cleared by itself
    (evidence,) = found(claim, "https://example.org/3")
    emitted.clear()

    evidence_attach(evidence=evidence, by=checker)

    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.status, fresh.version) == (S.PROPOSED, claim.version + 1)
    assert fresh.verdict == "accurate"  # the verdict stays, for the editor to approve again
    entry = entries(claim)[-1]
    assert entry.action == "status"
    assert entry.summary.endswith("Attached evidence “Report 3”; approved verdict back for review")
    assert entry.changes == {
        "status": ["approved", "proposed"],
        "evidence": ["", "https://example.org/3"],
        "evidence_status": ["new", "attached"],
    }
    draft.refresh_from_db()
    assert draft.cleared_at is None and draft.version > 1
    uncleared = AuditEntry.objects.get(object_type="draft", object_id=draft.pk, action="uncleared")
    assert uncleared.actor == checker
    changed = [e for e in emitted if isinstance(e, events.DraftClearanceChanged)]
    assert [(e.draft.pk, e.cleared) for e in changed] == [(draft.pk, False)]
    assert [type(e) for e in emitted if isinstance(e, events.ClaimsChanged)] == [
        events.ClaimsChanged
    ]


def test_a_link_the_verdict_already_has_leaves_the_approval(
    claim: Claim, editor: Any, checker: Any, emitted: list[object]
) -> None:
    claim = approved(claim, editor, checker, "https://example.org/4")
    (evidence,) = found(claim, "https://example.org/4")
    emitted.clear()

    assert evidence_attach(evidence=evidence, by=checker).changed

    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.status, fresh.version) == (S.APPROVED, claim.version + 1)
    assert entries(claim)[-1].action == "evidence_attached"
    assert EvidenceLink.objects.filter(claim=claim).count() == 1
    assert Draft.objects.get(pk=claim.draft_id).cleared_at is not None
    assert emitted == []  # nothing above the claim depends on it


def test_dismissing_under_an_approved_verdict_leaves_the_approval(
    claim: Claim, editor: Any, checker: Any
) -> None:
    claim = approved(claim, editor, checker)
    (evidence,) = found(claim, "https://example.org/5")

    evidence_dismiss(evidence=evidence, by=checker)

    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.status, fresh.version) == (S.APPROVED, claim.version + 1)
    assert Draft.objects.get(pk=claim.draft_id).cleared_at is not None


def test_an_approved_claim_back_for_review_shows_in_the_queue(
    claim: Claim, editor: Any, checker: Any, editor_client: Any
) -> None:
    claim = approved(claim, editor, checker)
    (evidence,) = found(claim, "https://example.org/6")
    assert f"/claims/{claim.pk}/" not in editor_client.get("/reviews/").content.decode()
    evidence_attach(evidence=evidence, by=checker)
    html = editor_client.get("/reviews/").content.decode()
    assert f"/claims/{claim.pk}/" in html


# --- The claim page's answer -------------------------------------------------------------------


def test_the_answer_gives_the_claim_page_the_new_version(
    claim: Claim, checker: Any, checker_client: Any
) -> None:
    import json

    first, second = found(claim, "https://example.org/7", "https://example.org/8")
    page = checker_client.get(f"/claims/{claim.pk}/").content.decode()
    assert "js/claim.js" in page

    for action, evidence, version in (("attach", first, 2), ("dismiss", second, 3)):
        response = checker_client.post(
            f"/sources/evidence/{evidence.pk}/{action}/", HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
        triggers = json.loads(response["HX-Trigger"])
        assert triggers["claim-version"] == {"url": f"/claims/{claim.pk}/", "version": version}
        assert "evidence-changed" in triggers
    # With the version the page now holds, the checker's next action lands.
    data = {"verdict": "accurate", "rationale": "Both reports agree.", "version": 3}
    response = checker_client.post(f"/claims/{claim.pk}/propose/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert Claim.objects.get(pk=claim.pk).status == S.PROPOSED


def test_back_to_review_redraws_the_claim_page_with_the_message(
    claim: Claim, editor: Any, checker: Any, checker_client: Any
) -> None:
    claim = approved(claim, editor, checker)
    (evidence,) = found(claim, "https://example.org/9")

    response = checker_client.post(
        f"/sources/evidence/{evidence.pk}/attach/", HTTP_HX_REQUEST="true"
    )

    assert (response.status_code, response["HX-Refresh"]) == (204, "true")
    page = checker_client.get(f"/claims/{claim.pk}/").content.decode()
    assert "with new evidence it goes back to review" in page
    assert "Verdict proposed" in page
    plain = checker_client.post(f"/sources/evidence/{evidence.pk}/attach/")
    assert plain.status_code == 302  # a repeat, without htmx: back to the panel
