"""The claim state machine and verdict workflow, through the services."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from factcheck.claims import states
from factcheck.claims.models import Claim, EvidenceLink
from factcheck.claims.services import (
    claim_approve,
    claim_dismiss,
    claim_edit,
    claim_mark_sentence,
    claim_propose,
    claim_restore,
    claim_send_back,
    claim_start,
    claims_approve_bulk,
)
from factcheck.drafts.models import Sentence
from factcheck.errors import ConflictError, FactcheckError, TransitionError
from factcheck.history.models import AuditEntry

pytestmark = pytest.mark.django_db
S = Claim.Status


@pytest.fixture
def claims(draft: Any, editor: Any) -> list[Claim]:
    sentences = draft.revisions.get().sentences.exclude(kind=Sentence.Kind.BOILERPLATE)
    return [claim_mark_sentence(sentence=s, by=editor) for s in sentences.order_by("index")[1:4]]


def propose(claim: Claim, by: Any, verdict: str = "inaccurate") -> Claim:
    return claim_propose(
        claim=claim,
        by=by,
        verdict=verdict,
        rationale="The council's own statement says otherwise.",
        links=[("https://example.org/statement", "council statement")],
    )


def test_a_checker_proposes_and_an_editor_approves(
    claims: list[Claim], checker: Any, editor: Any
) -> None:
    claim = propose(claims[0], checker)
    assert (claim.status, claim.verdict, claim.proposed_by) == (S.PROPOSED, "inaccurate", checker)
    assert claim.proposed_at is not None
    assert EvidenceLink.objects.get(claim=claim).note == "council statement"
    claim = claim_approve(claim=claim, by=editor)
    assert (claim.status, claim.reviewed_by) == (S.APPROVED, editor)
    actions = list(
        AuditEntry.objects.filter(object_type="claim", object_id=claim.pk)
        .order_by("id")
        .values_list("action", "actor__username")
    )
    assert actions == [("created", "editor"), ("status", "checker"), ("status", "editor")]


def test_a_checker_cannot_approve_send_back_or_dismiss(claims: list[Claim], checker: Any) -> None:
    claim = propose(claims[0], checker)
    for action in (claim_approve, claim_send_back, claim_dismiss):
        with pytest.raises(PermissionDenied):
            action(claim=claim, by=checker)
    claim.refresh_from_db()
    assert claim.status == S.PROPOSED


def test_an_outsider_can_do_nothing_to_a_claim(claims: list[Claim], outsider: Any) -> None:
    with pytest.raises(PermissionDenied):
        propose(claims[0], outsider)
    with pytest.raises(PermissionDenied):
        claim_start(claim=claims[0], by=outsider)
    assert Claim.objects.get(pk=claims[0].pk).status == S.UNCHECKED


def test_send_back_returns_the_claim_to_checking_with_the_note(
    claims: list[Claim], checker: Any, editor: Any
) -> None:
    claim = claim_send_back(
        claim=propose(claims[0], checker), by=editor, note="Need a second source"
    )
    assert claim.status == S.CHECKING
    assert claim.review_note == "Need a second source"
    claim = propose(claim, checker, verdict="misleading")
    assert claim.status == S.PROPOSED and claim.review_note == ""


def test_only_a_proposed_verdict_is_sent_back(claims: list[Claim], editor: Any) -> None:
    # "Start checking" is the same move from unchecked: sending back must not make it.
    before = AuditEntry.objects.count()
    with pytest.raises(TransitionError, match="only for a claim that is verdict proposed"):
        claim_send_back(claim=claims[0], by=editor, note="No.")
    claims[0].refresh_from_db()
    assert claims[0].status == S.UNCHECKED and claims[0].review_note == ""
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("field", ["text", "verdict"])
def test_editing_an_approved_claim_sends_it_back_for_review(
    claims: list[Claim], checker: Any, editor: Any, field: str
) -> None:
    claim = claim_approve(claim=propose(claims[0], checker), by=editor)
    new = {"text": "The road closed at 7 a.m.", "verdict": "misleading"}[field]
    claim = claim_edit(claim=claim, by=editor, expected_version=claim.version, **{field: new})
    assert claim.status == S.PROPOSED
    assert getattr(claim, field) == new
    entry = AuditEntry.objects.filter(object_type="claim", object_id=claim.pk).first()
    assert entry is not None and "back for review" in entry.summary
    assert entry.changes["status"] == [S.APPROVED, S.PROPOSED]


def test_editing_without_a_change_is_harmless(
    claims: list[Claim], checker: Any, editor: Any
) -> None:
    claim = claim_approve(claim=propose(claims[0], checker), by=editor)
    again = claim_edit(claim=claim, by=editor, expected_version=claim.version, text=claim.text)
    assert (again.status, again.version) == (S.APPROVED, claim.version)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (S.UNCHECKED, S.APPROVED),
        (S.CHECKING, S.APPROVED),
        (S.APPROVED, S.CHECKING),
        (S.DISMISSED, S.APPROVED),
        (S.DISMISSED, S.PROPOSED),
    ],
)
def test_illegal_moves_are_refused_with_a_clear_message(start: str, target: str) -> None:
    with pytest.raises(TransitionError) as refused:
        states.check_move(start, target)
    message = str(refused.value)
    assert S(start).label.lower() in message and S(target).label.lower() in message
    assert "can become" in message


def test_approving_an_unchecked_claim_is_refused_and_changes_nothing(
    claims: list[Claim], editor: Any
) -> None:
    with pytest.raises(TransitionError):
        claim_approve(claim=claims[0], by=editor)
    assert Claim.objects.get(pk=claims[0].pk).version == claims[0].version


def test_a_stale_version_is_a_conflict_naming_who_changed_it(
    claims: list[Claim], checker: Any, editor: Any
) -> None:
    seen = claims[0].version
    propose(claims[0], checker)
    with pytest.raises(ConflictError) as conflict:
        claim_dismiss(claim=claims[0], by=editor, expected_version=seen)
    assert "checker" in str(conflict.value)
    assert conflict.value.current.status == S.PROPOSED
    assert Claim.objects.get(pk=claims[0].pk).status == S.PROPOSED


def test_a_verdict_needs_a_known_verdict_and_a_rationale(claims: list[Claim], checker: Any) -> None:
    with pytest.raises(FactcheckError):
        claim_propose(claim=claims[0], by=checker, verdict="true-ish", rationale="x")
    with pytest.raises(FactcheckError):
        claim_propose(claim=claims[0], by=checker, verdict="accurate", rationale="  ")
    assert Claim.objects.get(pk=claims[0].pk).status == S.UNCHECKED


def test_dismiss_and_restore_keep_the_work(claims: list[Claim], checker: Any, editor: Any) -> None:
    claim = propose(claims[0], checker)
    claim, changed = claim_dismiss(claim=claim, by=editor)
    assert changed and claim.status == S.DISMISSED and claim.verdict == "inaccurate"
    seen = claim.version
    # a repeated click changes nothing, whatever version it saw
    assert claim_dismiss(claim=claim, by=editor, expected_version=seen - 1) == (claim, False)
    assert Claim.objects.get(pk=claim.pk).version == seen
    claim, changed = claim_restore(claim=claim, by=editor)
    assert changed and claim.status == S.UNCHECKED and claim.rationale
    assert claim_restore(claim=claim, by=editor).changed is False
    assert claim.links.count() == 1


def test_bulk_approve_approves_what_it_can_and_says_why_not(
    claims: list[Claim], checker: Any, editor: Any
) -> None:
    proposed = [propose(c, checker) for c in claims[:2]]
    approved, refused = claims_approve_bulk(claims=[*proposed, claims[2]], by=editor)
    assert [c.pk for c in approved] == [c.pk for c in proposed]
    assert [(c.pk, "cannot become approved" in why) for c, why in refused] == [(claims[2].pk, True)]


def test_approval_and_send_back_notify_the_checker(
    claims: list[Claim], checker: Any, editor: Any
) -> None:
    claim_approve(claim=propose(claims[0], checker), by=editor)
    claim_send_back(claim=propose(claims[1], checker), by=editor, note="source?")
    kinds = sorted(checker.notifications.values_list("kind", flat=True))
    assert kinds == ["approved", "sent_back"]
    assert not editor.notifications.exists()
