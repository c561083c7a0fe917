"""A new version loaded while a checker proposes a verdict on one of its claims, on PostgreSQL:
nothing is lost. Each order is forced (the first holds its locks a moment, and the second
starts once it holds them), and both are also run at the same moment.

- The claim's words are kept: the proposal lands on the re-anchored claim, whichever commits
  first (loading does not bump a kept claim's version).
- The claim's words changed: either the proposal lands first and the load flags it (the verdict
  stays, back to review with both wordings), or the load lands first and the checker gets a
  ConflictError with the claim as it is now (the claim page shows their input again)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connections

from factcheck.claims import revisions
from factcheck.claims import services as claim_services
from factcheck.claims.models import Claim
from factcheck.claims.revisions import revision_load
from factcheck.claims.services import claim_mark_sentence, claim_propose, claim_start
from factcheck.drafts.models import Draft
from factcheck.drafts.services import draft_import
from factcheck.errors import ConflictError
from tests.claims.test_revisions import POWER_V1, POWER_V2, REOPENED, V1, V2
from tests.conftest import require_postgresql

pytestmark = pytest.mark.django_db(transaction=True)

HOLD = 0.5  # seconds the first holds its locks after the second has started
RATIONALE = "The grid operator's log says so."


@dataclass
class Outcome:
    proposal: Claim | None = None
    proposal_error: BaseException | None = None
    load_error: BaseException | None = None


@pytest.fixture
def desk(newsroom: Any, editor: Any, checker: Any) -> tuple[Draft, Claim, Claim]:
    """A draft with two claims being checked: one whose words V2 keeps ("reopened"), one whose
    words it changes (the power cut's figure)."""
    require_postgresql()
    draft = draft_import(newsroom=newsroom, by=editor, text=V1)
    units = {s.index: s for s in draft.revisions.get().sentences.all()}
    kept, changed = (
        claim_start(claim=claim_mark_sentence(sentence=units[i], by=editor), by=checker)
        for i in (1, 4)
    )
    return draft, kept, changed


def hold_first(monkeypatch: pytest.MonkeyPatch, first: str) -> threading.Event:
    """Make ``first`` ("load": while re-anchoring, its locks taken; "propose": after its write,
    the claim locked) say it holds its locks, then hold them for HOLD seconds."""
    held = threading.Event()

    def slowly(real: Any) -> Any:
        def slow(*args: Any, **kwargs: Any) -> Any:
            held.set()
            time.sleep(HOLD)
            return real(*args, **kwargs)

        return slow

    if first == "load":
        monkeypatch.setattr(revisions, "reanchor", slowly(revisions.reanchor))
    else:
        monkeypatch.setattr(claim_services, "_after_change", slowly(claim_services._after_change))
    return held


def race(
    draft: Draft,
    claim: Claim,
    editor: Any,
    checker: Any,
    first: str = "",
    held: threading.Event | None = None,
) -> Outcome:
    """The editor loads V2 while the checker proposes a verdict on ``claim`` at the version they
    saw, each in its own thread and connection. With ``first`` and ``held`` (see
    :func:`hold_first`), the other waits until ``first`` holds its locks; without, both start
    together."""
    seen = claim.version
    outcome = Outcome()
    barrier = threading.Barrier(2)

    def start(mine_holds: bool) -> None:
        barrier.wait()
        if held is not None and not mine_holds:
            assert held.wait(15), "the first never took its locks"

    def load() -> None:
        try:
            start(mine_holds=first == "load")
            revision_load(draft=draft, by=editor, text=V2)
        except BaseException as exc:  # collected for the assertions
            outcome.load_error = exc
        finally:
            connections.close_all()

    def propose() -> None:
        try:
            start(mine_holds=first == "propose")
            outcome.proposal = claim_propose(
                claim=claim,
                by=checker,
                verdict="accurate",
                rationale=RATIONALE,
                expected_version=seen,
            )
        except BaseException as exc:
            outcome.proposal_error = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=load), threading.Thread(target=propose)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcome.load_error is None, repr(outcome.load_error)
    return outcome


def ordered(
    monkeypatch: pytest.MonkeyPatch,
    first: str,
    draft: Draft,
    claim: Claim,
    editor: Any,
    checker: Any,
) -> Outcome:
    return race(draft, claim, editor, checker, first, hold_first(monkeypatch, first))


def fresh(claim: Claim) -> Claim:
    return Claim.objects.select_related("revision").get(pk=claim.pk)


# --- The claim's words are kept ---------------------------------------------------------------


@pytest.mark.parametrize("first", ["load", "propose"])
def test_a_proposal_on_a_kept_claim_lands_whichever_commits_first(
    desk: tuple[Draft, Claim, Claim],
    editor: Any,
    checker: Any,
    monkeypatch: pytest.MonkeyPatch,
    first: str,
) -> None:
    draft, kept, _ = desk
    outcome = ordered(monkeypatch, first, draft, kept, editor, checker)
    assert outcome.proposal_error is None, repr(outcome.proposal_error)
    claim = fresh(kept)
    assert claim.revision.number == 2 and claim.text == REOPENED  # re-anchored
    assert (claim.status, claim.verdict, claim.rationale) == ("proposed", "accurate", RATIONALE)
    assert claim.proposed_by == checker
    assert claim.version == kept.version + 1  # the proposal's bump only


# --- The claim's words changed ------------------------------------------------------------------


def test_a_proposal_before_a_change_keeps_its_verdict_and_goes_to_review_flagged(
    desk: tuple[Draft, Claim, Claim], editor: Any, checker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft, _, changed = desk
    outcome = ordered(monkeypatch, "propose", draft, changed, editor, checker)
    assert outcome.proposal_error is None, repr(outcome.proposal_error)
    claim = fresh(changed)
    assert claim.revision.number == 2 and claim.text == POWER_V2
    assert (claim.status, claim.verdict, claim.rationale) == ("proposed", "accurate", RATIONALE)
    assert claim.changed_since_checked and claim.checked_text == POWER_V1


def test_a_proposal_after_a_change_is_a_conflict_that_shows_the_claim_now(
    desk: tuple[Draft, Claim, Claim], editor: Any, checker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft, _, changed = desk
    outcome = ordered(monkeypatch, "load", draft, changed, editor, checker)
    error = outcome.proposal_error
    assert isinstance(error, ConflictError), repr(error)
    assert "Your input is kept below" in str(error)
    assert error.current.text == POWER_V2 and error.current.changed_since_checked
    claim = fresh(changed)
    assert (claim.status, claim.verdict) == ("checking", "")  # nothing half-written
    assert claim.revision.number == 2


@pytest.mark.parametrize("round_", range(3))
def test_both_at_once_lose_nothing(newsroom: Any, editor: Any, checker: Any, round_: int) -> None:
    require_postgresql()
    draft = draft_import(newsroom=newsroom, by=editor, text=V1)
    units = {s.index: s for s in draft.revisions.get().sentences.all()}
    changed = claim_start(claim=claim_mark_sentence(sentence=units[4], by=editor), by=checker)
    outcome = race(draft, changed, editor, checker)
    claim = fresh(changed)
    assert claim.revision.number == 2 and claim.changed_since_checked
    if outcome.proposal_error is None:
        assert (claim.status, claim.verdict, claim.rationale) == (
            "proposed",
            "accurate",
            RATIONALE,
        )
    else:
        assert isinstance(outcome.proposal_error, ConflictError)
        assert (claim.status, claim.verdict) == ("checking", "")
    assert Claim.objects.filter(draft=draft).count() == 1
