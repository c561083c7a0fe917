"""revision_load: a new version of a draft, its claims re-anchored (kept, changed, removed →
archived, orphaned), their history, tasks and clearance; attaching, archiving and restoring the
claims it set adrift."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factcheck.analysis.anchor import Placement
from factcheck.claims import revisions
from factcheck.claims.models import Claim
from factcheck.claims.revisions import (
    claim_archive,
    claim_attach,
    claim_unarchive,
    revision_load,
)
from factcheck.claims.services import (
    claim_approve,
    claim_dismiss,
    claim_mark,
    claim_mark_sentence,
    claim_propose,
    claim_start,
    claims_mark_sentences,
)
from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.drafts.services import DraftInputError, Upload, draft_archive, draft_import
from factcheck.errors import ConflictError, FactcheckError
from factcheck.history.models import AuditEntry
from factcheck.reviews.models import Comment, Task
from factcheck.reviews.selectors import clearance_blockers
from factcheck.reviews.services import comment_add, task_create
from factcheck.text import short

pytestmark = pytest.mark.django_db

# Version 1: 0 headline; 1 reopened; 2 the mayor; 3 the repairs; 4 the power cut; 5 the sea wall.
V1 = (
    "Harbour Road Reopens\n\n"
    "The harbour road reopened at 9 a.m. on Wednesday, the council said. "
    "Mayor Ines Holt thanked the crews who worked through the night. "
    "The repairs cost £2 million, according to the council.\n\n"
    "About 300 homes lost power during the storm.\n\n"
    "The sea wall will be raised by one metre next year.\n"
)
# Version 2: a paragraph inserted before (the units after it move down one); "reopened" and the
# repairs unchanged (kept); the mayor's sentence rewritten in its place (orphaned: a person
# decides); the power cut's figure edited (changed); the sea wall deleted (removed).
# 0 headline; 1 the update; 2 reopened; 3 Holt praised; 4 the repairs; 5 the power cut.
V2 = (
    "Harbour Road Reopens\n\n"
    "Update: the road is open again after the storm.\n\n"
    "The harbour road reopened at 9 a.m. on Wednesday, the council said. "
    "Holt praised everyone involved. "
    "The repairs cost £2 million, according to the council.\n\n"
    "About 350 homes lost power during the storm.\n"
)
REOPENED = "The harbour road reopened at 9 a.m. on Wednesday, the council said."
POWER_V1 = "About 300 homes lost power during the storm."
POWER_V2 = "About 350 homes lost power during the storm."


@dataclass
class Story:
    draft: Draft
    reopened: Claim  # approved, with a link, a comment and a task: kept
    cost: Claim  # "£2 million", part of a sentence, unchecked: kept
    mayor: Claim  # proposed: orphaned
    power: Claim  # approved: changed
    wall: Claim  # checking: removed
    headline: Claim  # dismissed: kept, still dismissed
    task: Task


def units(draft: Draft, number: int = 1) -> dict[int, Sentence]:
    return {s.index: s for s in draft.revisions.get(number=number).sentences.all()}


def fresh(claim: Claim) -> Claim:
    return Claim.objects.select_related("revision", "sentence").get(pk=claim.pk)


def propose(claim: Claim, checker: Any, verdict: str = "accurate") -> Claim:
    return claim_propose(
        claim=claim,
        by=checker,
        verdict=verdict,
        rationale="The council's notice says so.",
        links=[("https://example.org/notice", "Council notice")],
    )


def make_story(newsroom: Any, editor: Any, checker: Any) -> Story:
    draft = draft_import(newsroom=newsroom, by=editor, text=V1)
    u = units(draft)
    reopened = claim_approve(
        claim=propose(claim_mark_sentence(sentence=u[1], by=editor), checker), by=editor
    )
    text = draft.revisions.get().text
    at = text.index("£2 million")
    cost = claim_mark(revision=u[3].revision, start=at, end=at + len("£2 million"), by=editor)
    mayor = propose(claim_mark_sentence(sentence=u[2], by=editor), checker)
    power = claim_approve(
        claim=propose(claim_mark_sentence(sentence=u[4], by=editor), checker), by=editor
    )
    wall = claim_start(claim=claim_mark_sentence(sentence=u[5], by=editor), by=checker)
    headline = claim_dismiss(claim=claim_mark_sentence(sentence=u[0], by=editor), by=editor).obj
    task = task_create(
        draft=draft,
        by=editor,
        title="Check the figures",
        claims=[reopened, power, wall],
        assignee=checker,
    )
    comment_add(by=editor, body="The council confirmed.", claim=reopened)
    return Story(draft, reopened, cost, mayor, power, wall, headline, task)


@pytest.fixture
def story(newsroom: Any, editor: Any, checker: Any) -> Story:
    return make_story(newsroom, editor, checker)


def load(story: Story, by: Any, text: str = V2) -> revisions.RevisionLoaded:
    return revision_load(draft=story.draft, by=by, text=text)


# --- Each outcome -------------------------------------------------------------------------------


def test_a_new_version_is_the_next_revision_with_its_units(story: Story, editor: Any) -> None:
    loaded = load(story, editor)
    revision = loaded.revision
    assert (revision.number, revision.created_by, revision.source) == (2, editor, "paste")
    assert revision.text == V2
    assert [s.index for s in revision.sentences.order_by("index")] == [0, 1, 2, 3, 4, 5]
    assert story.draft.revisions.count() == 2


def test_each_claim_goes_where_its_words_went(story: Story, editor: Any) -> None:
    loaded = load(story, editor)
    assert {c.pk for c in loaded.kept} == {story.reopened.pk, story.cost.pk, story.headline.pk}
    assert [c.pk for c in loaded.changed] == [story.power.pk]
    assert [c.pk for c in loaded.removed] == [story.wall.pk]
    assert [c.pk for c in loaded.orphaned] == [story.mayor.pk]
    assert loaded.summary == "3 kept, 1 changed, 1 removed, 1 orphaned"
    assert Claim.objects.filter(draft=story.draft).count() == 6  # none deleted, none added


def test_a_kept_claim_moves_and_keeps_everything_and_its_version(story: Story, editor: Any) -> None:
    before = fresh(story.reopened)
    loaded = load(story, editor)
    claim = fresh(story.reopened)
    assert claim.revision == loaded.revision
    assert claim.sentence.index == 2 and claim.sentence.revision == loaded.revision
    assert V2[claim.start : claim.end] == REOPENED == claim.text
    assert claim.anchor == Claim.Anchor.ANCHORED and not claim.changed_since_checked
    assert (claim.status, claim.verdict, claim.rationale) == (
        before.status,
        before.verdict,
        before.rationale,
    )
    assert claim.version == before.version  # an in-flight proposal still lands
    assert [link.url for link in claim.links.all()] == ["https://example.org/notice"]
    assert Comment.objects.filter(claim=claim).count() == 1


def test_a_kept_part_of_a_sentence_keeps_its_own_words(story: Story, editor: Any) -> None:
    load(story, editor)
    claim = fresh(story.cost)
    assert V2[claim.start : claim.end] == "£2 million" == claim.text
    assert claim.sentence.index == 4 and claim.status == Claim.Status.UNCHECKED


def test_a_dismissed_claim_follows_and_stays_dismissed(story: Story, editor: Any) -> None:
    loaded = load(story, editor)
    claim = fresh(story.headline)
    assert claim.revision == loaded.revision and claim.sentence.index == 0
    assert claim.status == Claim.Status.DISMISSED


def test_a_changed_claim_goes_back_to_review_with_both_wordings(story: Story, editor: Any) -> None:
    before = fresh(story.power)
    assert before.status == Claim.Status.APPROVED
    loaded = load(story, editor)
    claim = fresh(story.power)
    assert claim.revision == loaded.revision and claim.sentence.index == 5
    assert claim.text == POWER_V2 == V2[claim.start : claim.end]
    assert claim.changed_since_checked
    assert claim.checked_text == POWER_V1
    assert claim.status == Claim.Status.PROPOSED  # back in the review queue
    assert claim.verdict == before.verdict and claim.rationale == before.rationale
    assert claim.version == before.version + 1


def test_a_changed_claim_not_yet_checked_just_follows_its_words(newsroom: Any, editor: Any) -> None:
    draft = draft_import(newsroom=newsroom, by=editor, text=V1)
    claim = claim_mark_sentence(sentence=units(draft)[4], by=editor)
    revision_load(draft=draft, by=editor, text=V2)
    claim = fresh(claim)
    assert claim.status == Claim.Status.UNCHECKED
    assert claim.text == POWER_V2 and claim.revision.number == 2
    assert not claim.changed_since_checked and claim.checked_text == ""  # nothing was checked


def test_changed_twice_keeps_the_wording_that_was_checked(story: Story, editor: Any) -> None:
    load(story, editor)
    load(story, editor, V2.replace("About 350 homes", "About 380 homes"))
    claim = fresh(story.power)
    assert claim.text == "About 380 homes lost power during the storm."
    assert claim.checked_text == POWER_V1
    assert claim.revision.number == 3


def test_approving_the_new_words_clears_the_flag(story: Story, editor: Any) -> None:
    load(story, editor)
    claim = claim_approve(claim=fresh(story.power), by=editor)
    claim = fresh(claim)
    assert claim.status == Claim.Status.APPROVED
    assert not claim.changed_since_checked and claim.checked_text == ""


def test_a_removed_claim_is_archived_on_its_old_sentence_never_deleted(
    story: Story, editor: Any
) -> None:
    before = fresh(story.wall)
    load(story, editor)
    claim = fresh(story.wall)
    assert claim.anchor == Claim.Anchor.ARCHIVED
    assert claim.revision.number == 1 and claim.sentence == before.sentence
    assert (claim.start, claim.end, claim.text) == (before.start, before.end, before.text)
    assert claim.status == Claim.Status.CHECKING
    assert claim.version == before.version + 1


def test_an_orphan_stays_on_its_old_sentence_with_its_likely_units(
    story: Story, editor: Any
) -> None:
    loaded = load(story, editor)
    claim = fresh(story.mayor)
    assert claim.anchor == Claim.Anchor.ORPHANED
    assert claim.revision.number == 1 and claim.sentence.index == 2
    holt = loaded.revision.sentences.get(index=3)
    assert claim.anchor_candidates == [holt.pk]  # rewritten in its place
    assert claim.status == Claim.Status.PROPOSED


def test_tasks_keep_their_claims(story: Story, editor: Any) -> None:
    before = set(story.task.claims.values_list("pk", flat=True))
    load(story, editor)
    task = Task.objects.get(pk=story.task.pk)
    assert set(task.claims.values_list("pk", flat=True)) == before
    assert task.archived_at is None


def test_a_dismissed_suggestion_stays_dismissed_where_its_sentence_is_unchanged(
    newsroom: Any, editor: Any
) -> None:
    draft = draft_import(newsroom=newsroom, by=editor, text=V1)
    Sentence.objects.filter(revision__draft=draft, index__in=[1, 4]).update(
        suggestion_dismissed=True
    )
    loaded = revision_load(draft=draft, by=editor, text=V2)
    dismissed = set(
        loaded.revision.sentences.filter(suggestion_dismissed=True).values_list("index", flat=True)
    )
    assert dismissed == {2}  # "reopened" survives at 2; the power cut's words changed


# --- History --------------------------------------------------------------------------------------


def test_the_history_says_what_the_load_did_and_where_each_claim_went(
    story: Story, editor: Any
) -> None:
    load(story, editor)
    draft_entry = AuditEntry.objects.get(draft=story.draft, action="revision_loaded")
    assert draft_entry.object_type == "draft" and draft_entry.actor == editor
    assert draft_entry.summary == (
        "Revision 2 loaded by editor: 3 kept, 1 changed, 1 removed, 1 orphaned"
    )

    def last(claim: Claim) -> str:
        return AuditEntry.objects.filter(object_type="claim", object_id=claim.pk).first().summary

    assert last(story.reopened) == (
        f"Claim “{short(REOPENED, 60)}”: Kept in revision 2, sentence 2 "
        "(was sentence 1 of revision 1)"
    )
    assert last(story.power) == (
        f"Claim “{POWER_V1}”: Its words changed in revision 2, sentence 5 (was sentence 4 of "
        "revision 1); the verdict goes back to review"
    )
    assert last(story.wall).endswith(
        ": Archived: its sentence (sentence 5 of revision 1) is gone from revision 2"
    )
    assert last(story.mayor).endswith(
        ": Orphaned in revision 2: no sure match (likely sentence 3); it stays on sentence 2 of "
        "revision 1 until an editor attaches or archives it"
    )
    changed = AuditEntry.objects.filter(object_id=story.power.pk, action="changed").get()
    assert changed.changes["text"] == [POWER_V1, POWER_V2]
    assert changed.changes["status"] == ["approved", "proposed"]


def test_the_command_line_is_named_when_no_one_loads_it(story: Story) -> None:
    revision_load(draft=story.draft, by=None, text=V2, source=Revision.Source.CLI)
    entry = AuditEntry.objects.get(draft=story.draft, action="revision_loaded")
    assert entry.summary.startswith("Revision 2 loaded by the command line: ")


# --- Clearance ------------------------------------------------------------------------------------


def test_a_cleared_draft_loses_clearance_when_an_approved_claim_changes(
    newsroom: Any, editor: Any, checker: Any
) -> None:
    draft = draft_import(newsroom=newsroom, by=editor, text=V1)
    claim = claim_mark_sentence(sentence=units(draft)[4], by=editor)
    claim_approve(claim=propose(claim, checker), by=editor)
    draft.refresh_from_db()
    assert draft.cleared_at is not None  # cleared itself: its only claim is approved

    revision_load(draft=draft, by=editor, text=V2)

    draft.refresh_from_db()
    assert draft.cleared_at is None
    withdrawn = AuditEntry.objects.filter(draft=draft, action="uncleared").get()
    assert "is verdict proposed" in withdrawn.summary


def test_orphans_block_clearance_and_archived_claims_do_not(story: Story, editor: Any) -> None:
    load(story, editor)
    blockers = {b.pk: b for b in clearance_blockers(story.draft) if b.kind == "claim"}
    assert story.mayor.pk in blockers
    assert "lost its place in the new version" in blockers[story.mayor.pk].text
    assert story.wall.pk not in blockers  # archived, though it was being checked

    claim_archive(claim=fresh(story.mayor), by=editor)
    blockers = {b.pk for b in clearance_blockers(story.draft) if b.kind == "claim"}
    assert story.mayor.pk not in blockers


def test_an_approved_orphan_blocks_until_it_is_settled(
    newsroom: Any, editor: Any, checker: Any
) -> None:
    draft = draft_import(newsroom=newsroom, by=editor, text=V1)
    claim = claim_mark_sentence(sentence=units(draft)[2], by=editor)
    claim_approve(claim=propose(claim, checker), by=editor)
    draft.refresh_from_db()
    assert draft.cleared_at is not None
    revision_load(draft=draft, by=editor, text=V2)
    draft.refresh_from_db()
    assert fresh(claim).anchor == Claim.Anchor.ORPHANED
    assert draft.cleared_at is None  # an orphan blocks, whatever its verdict


# --- Refusals ------------------------------------------------------------------------------------


def test_bad_input_is_refused_before_anything_is_written(story: Story, editor: Any) -> None:
    counts = (Revision.objects.count(), Sentence.objects.count(), AuditEntry.objects.count())
    with pytest.raises(DraftInputError, match="empty"):
        revision_load(draft=story.draft, by=editor, text="  \n\n ")
    with pytest.raises(DraftInputError):
        revision_load(draft=story.draft, by=editor, file=Upload("story.exe", b"MZ\x90\x00"))
    assert (
        Revision.objects.count(),
        Sentence.objects.count(),
        AuditEntry.objects.count(),
    ) == counts
    assert fresh(story.power).revision.number == 1


def test_a_checker_may_not_load_a_new_version(story: Story, checker: Any) -> None:
    with pytest.raises(PermissionDenied):
        revision_load(draft=story.draft, by=checker, text=V2)
    assert story.draft.revisions.count() == 1


def test_an_outsider_may_not_load_a_new_version(story: Story, outsider: Any) -> None:
    with pytest.raises(PermissionDenied):
        revision_load(draft=story.draft, by=outsider, text=V2)


def test_an_archived_draft_takes_no_new_version(story: Story, editor: Any) -> None:
    draft_archive(draft=story.draft, by=editor)
    with pytest.raises(DraftInputError, match="archived"):
        revision_load(draft=story.draft, by=editor, text=V2)
    assert story.draft.revisions.count() == 1


def test_an_uploaded_file_is_read_like_an_import(story: Story, editor: Any) -> None:
    loaded = revision_load(
        draft=story.draft,
        by=editor,
        file=V2.encode(),
        filename="harbour-v2.txt",
        source=Revision.Source.UPLOAD,
    )
    assert loaded.revision.text == V2 and loaded.revision.filename == "harbour-v2.txt"


def test_a_mark_on_a_replaced_revision_is_refused(story: Story, editor: Any) -> None:
    old_sentence = units(story.draft)[3]
    load(story, editor)
    with pytest.raises(FactcheckError, match="new version"):
        claim_mark_sentence(sentence=old_sentence, by=editor)


# --- Two claims landing on one span ---------------------------------------------------------------


def test_two_claims_on_one_new_span_keep_one_and_orphan_the_other(
    newsroom: Any, editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two sentences joined into one: each claim's placement names the joined sentence; the
    revision's unique span takes the kept one and the other waits for an editor."""
    draft = draft_import(newsroom=newsroom, by=editor, text=V1)
    first, second = (claim_mark_sentence(sentence=units(draft)[i], by=editor) for i in (1, 2))
    joined = "Harbour Road Reopens\n\nThe road reopened and the mayor thanked the crews.\n"

    def fake(old_text: str, old_units: Any, new_text: str, new_units: Any, claims: Any) -> Any:
        start, end = new_units[1]
        return [Placement("changed", 1, start, end, 0.7), Placement("kept", 1, start, end, 1.0)]

    monkeypatch.setattr(revisions, "reanchor", fake)
    loaded = revision_load(draft=draft, by=editor, text=joined)
    assert [c.pk for c in loaded.kept] == [second.pk]
    assert [c.pk for c in loaded.orphaned] == [first.pk]
    assert fresh(first).anchor_candidates == [loaded.revision.sentences.get(index=1).pk]


def test_a_placement_outside_its_unit_makes_an_orphan_not_a_bad_span(
    newsroom: Any, editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = draft_import(newsroom=newsroom, by=editor, text=V1)
    claim = claim_mark_sentence(sentence=units(draft)[1], by=editor)
    monkeypatch.setattr(revisions, "reanchor", lambda *args: [Placement("kept", 1, 0, 10**6, 1.0)])
    loaded = revision_load(draft=draft, by=editor, text=V2)
    assert [c.pk for c in loaded.orphaned] == [claim.pk]


# --- Queries --------------------------------------------------------------------------------------


def _long_text(n: int, figure: int = 100) -> str:
    return "Power Cuts Across the County\n\n" + "\n\n".join(
        f"In district {i} the council counted {i * 10 + figure} homes without power on Monday."
        for i in range(n)
    )


def _load_queries(newsroom: Any, editor: Any, claims: int) -> int:
    """The queries of loading a new version of a 160-unit draft with ``claims`` claims, every
    one of them changed (a figure edited in each sentence), so that each is written."""
    draft = draft_import(newsroom=newsroom, by=editor, text=_long_text(160))
    sentences = draft.revisions.get().sentences.filter(kind=Sentence.Kind.SENTENCE)
    claims_mark_sentences(sentences=list(sentences.order_by("index")[:claims]), by=editor)
    with CaptureQueriesContext(connection) as queries:
        loaded = revision_load(draft=draft, by=editor, text=_long_text(160, figure=105))
    assert len(loaded.changed) == claims
    assert AuditEntry.objects.filter(draft=draft, action="changed").count() == claims
    return len(queries)


# The role; the claims locked, the draft locked, the previous revision, its units, its claims,
# the orphans; the new revision, its units (one executemany) and their ids; the claims written
# (one executemany), the draft's date, the history (one executemany); the old open findings
# dropped, the analysis queued (a long draft: sent after commit); the newsroom's webhooks for
# revision.loaded; the savepoint and its release. Unchecked claims of an uncleared draft move no
# task and no clearance.
LOAD_QUERIES = 18


def test_loading_a_version_costs_the_same_queries_for_10_or_150_claims(
    newsroom: Any, editor: Any
) -> None:
    few = _load_queries(newsroom, editor, 10)
    many = _load_queries(newsroom, editor, 150)
    assert few == many == LOAD_QUERIES


# --- Attach, archive, restore --------------------------------------------------------------------


@pytest.fixture
def adrift(story: Story, editor: Any) -> Story:
    load(story, editor)
    return story


def test_an_editor_attaches_an_orphan_to_a_sentence_of_the_latest_version(
    adrift: Story, editor: Any
) -> None:
    holt = units(adrift.draft, 2)[3]
    claim = fresh(adrift.mayor)
    attached, changed = claim_attach(
        claim=claim, sentence=holt, by=editor, expected_version=claim.version
    )
    assert changed
    claim = fresh(attached)
    assert claim.anchor == Claim.Anchor.ANCHORED and claim.anchor_candidates == []
    assert claim.revision.number == 2 and claim.sentence == holt
    assert (claim.start, claim.end) == (holt.start, holt.end)
    assert claim.text == "Holt praised everyone involved."
    assert claim.changed_since_checked
    assert claim.checked_text == "Mayor Ines Holt thanked the crews who worked through the night."
    assert claim.status == Claim.Status.PROPOSED
    entry = AuditEntry.objects.filter(object_type="claim", object_id=claim.pk).first()
    assert "Attached by hand to sentence 3 of revision 2" in entry.summary

    again = claim_attach(claim=claim, sentence=holt, by=editor, expected_version=1)
    assert again.changed is False  # a repeated click: nothing written, no version checked


def test_attaching_refuses_a_stale_version_an_old_sentence_and_a_taken_one(
    adrift: Story, editor: Any
) -> None:
    claim = fresh(adrift.mayor)
    latest = units(adrift.draft, 2)
    with pytest.raises(ConflictError):
        claim_attach(claim=claim, sentence=latest[3], by=editor, expected_version=1)
    with pytest.raises(FactcheckError, match="latest version"):
        claim_attach(claim=claim, sentence=units(adrift.draft, 1)[2], by=editor)
    with pytest.raises(FactcheckError, match="already the claim"):
        claim_attach(claim=claim, sentence=latest[2], by=editor)  # "reopened" is a claim
    assert fresh(claim).anchor == Claim.Anchor.ORPHANED


def test_attaching_an_anchored_claim_elsewhere_is_refused(adrift: Story, editor: Any) -> None:
    with pytest.raises(FactcheckError, match="in the text already"):
        claim_attach(claim=adrift.reopened, sentence=units(adrift.draft, 2)[1], by=editor)


def test_a_checker_may_not_attach_archive_or_restore(adrift: Story, checker: Any) -> None:
    with pytest.raises(PermissionDenied):
        claim_attach(claim=adrift.mayor, sentence=units(adrift.draft, 2)[3], by=checker)
    with pytest.raises(PermissionDenied):
        claim_archive(claim=adrift.mayor, by=checker)
    with pytest.raises(PermissionDenied):
        claim_unarchive(claim=adrift.wall, by=checker)


def test_archive_and_restore_an_orphan_with_repeats_harmless(adrift: Story, editor: Any) -> None:
    claim = fresh(adrift.mayor)
    archived, changed = claim_archive(claim=claim, by=editor, expected_version=claim.version)
    assert changed and fresh(archived).anchor == Claim.Anchor.ARCHIVED
    assert claim_archive(claim=claim, by=editor, expected_version=1).changed is False

    claim = fresh(claim)
    restored, changed = claim_unarchive(claim=claim, by=editor, expected_version=claim.version)
    assert changed
    restored = fresh(restored)
    assert restored.anchor == Claim.Anchor.ORPHANED
    assert restored.anchor_candidates == [units(adrift.draft, 2)[3].pk]  # found again
    assert claim_unarchive(claim=restored, by=editor, expected_version=1).changed is False
    actions = list(
        AuditEntry.objects.filter(object_type="claim", object_id=claim.pk).values_list(
            "action", flat=True
        )[:2]
    )
    assert actions == ["unarchived", "archived"]


def test_an_archived_claim_can_be_attached_directly(adrift: Story, editor: Any) -> None:
    new_text = units(adrift.draft, 2)[1]  # "Update: the road is open again after the storm."
    attached, changed = claim_attach(claim=adrift.wall, sentence=new_text, by=editor)
    assert changed and fresh(attached).anchor == Claim.Anchor.ANCHORED
    assert fresh(attached).status == Claim.Status.CHECKING  # not a verdict: just the flag
    assert fresh(attached).changed_since_checked


def test_only_an_orphan_is_archived(adrift: Story, editor: Any) -> None:
    with pytest.raises(FactcheckError, match="dismiss"):
        claim_archive(claim=adrift.reopened, by=editor)


def test_archiving_a_stale_version_is_a_conflict(adrift: Story, editor: Any) -> None:
    with pytest.raises(ConflictError):
        claim_archive(claim=adrift.mayor, by=editor, expected_version=1)


def test_an_orphan_of_an_earlier_version_gets_its_likely_units_renewed(
    adrift: Story, editor: Any
) -> None:
    loaded = load(adrift, editor, V2.replace("About 350", "About 360"))
    claim = fresh(adrift.mayor)
    assert claim.anchor == Claim.Anchor.ORPHANED and claim.revision.number == 1
    assert claim.anchor_candidates == [loaded.revision.sentences.get(index=3).pk]
    assert loaded.orphaned == ()  # not counted again: it was orphaned by version 2
