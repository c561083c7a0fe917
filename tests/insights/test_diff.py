"""draft_diff: the "what changed" page's data. Rows in the new text's order (added, removed where
they stood, edited with their words), the claims and findings beside their sentences, the
unchanged sentences folded away, and a fixed number of queries whatever the draft's size."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factcheck.claims.models import Claim
from factcheck.claims.revisions import revision_load
from factcheck.claims.services import claims_mark_sentences
from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.drafts.services import draft_import
from factcheck.insights.diff import DiffPage, DiffRow, draft_diff
from factcheck.insights.models import Finding
from tests.claims.test_revisions import POWER_V1, POWER_V2, V2, Story, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(newsroom: Any, editor: Any, checker: Any) -> Story:
    story = make_story(newsroom, editor, checker)
    revision_load(draft=story.draft, by=editor, text=V2)
    return story


def kinds(page: DiffPage) -> list[tuple[str, int | None, int | None]]:
    return [(row.kind, row.old, row.new) for row in page.rows]


def row_of(page: DiffPage, *, old: int | None = None, new: int | None = None) -> DiffRow:
    (row,) = [
        r for r in page.rows if (new is None or r.new == new) and (old is None or r.old == old)
    ]
    return row


def claim_ids(row: DiffRow) -> list[int]:
    return [c.pk for c in row.claims]


def test_by_default_the_latest_revision_against_the_one_before(story: Story) -> None:
    page = draft_diff(story.draft, show_all=True)
    assert (page.old.number, page.new.number, page.latest) == (1, 2, 2)
    assert [r.number for r in page.revisions] == [2, 1]
    assert page.revisions[0].loaded_by == "editor"
    # 0 headline; the update added; reopened; the mayor's sentence rewritten (removed + added);
    # the repairs; the power cut's figure edited; the sea wall removed.
    assert kinds(page) == [
        ("same", 0, 0),
        ("added", None, 1),
        ("same", 1, 2),
        ("removed", 2, None),
        ("added", None, 3),
        ("same", 3, 4),
        ("edited", 4, 5),
        ("removed", 5, None),
    ]
    assert page.counts == {"same": 3, "added": 2, "removed": 2, "edited": 1, "moved": 0}
    assert page.summary == "2 added, 2 removed, 1 edited, 0 moved"
    assert row_of(page, new=0).unit_kind == Sentence.Kind.HEADLINE
    assert row_of(page, old=5).text == "The sea wall will be raised by one metre next year."


def test_an_edited_sentence_has_its_changed_words(story: Story) -> None:
    edited = row_of(draft_diff(story.draft), new=5)
    assert edited.text == POWER_V2
    assert [(p.op, p.text) for p in edited.pieces] == [
        ("equal", "About "),
        ("delete", "300 "),
        ("insert", "350 "),
        ("equal", "homes lost power during the storm."),
    ]
    # As marked on the page: the space after a change outside its mark.
    assert edited.marked == [
        ("equal", "About ", ""),
        ("delete", "300", " "),
        ("insert", "350", " "),
        ("equal", "homes lost power during the storm.", ""),
    ]
    assert edited.label == "Edited" and edited.anchor == "n-5"


def test_claims_stand_beside_their_sentences(story: Story) -> None:
    page = draft_diff(story.draft, show_all=True)
    # The new revision's claims on its units: kept ones, the part claim, the changed one.
    assert claim_ids(row_of(page, new=2)) == [story.reopened.pk]
    assert claim_ids(row_of(page, new=4)) == [story.cost.pk]
    power = row_of(page, new=5).claims
    assert [c.pk for c in power] == [story.power.pk]
    assert power[0].changed_since_checked and power[0].checked_text == POWER_V1
    assert power[0].text == POWER_V2 and power[0].status == Claim.Status.PROPOSED
    # Set adrift from revision 1: beside the removed rows of their old sentences.
    mayor = row_of(page, old=2)
    assert claim_ids(mayor) == [story.mayor.pk]
    assert mayor.claims[0].anchor == Claim.Anchor.ORPHANED and mayor.anchor == "o-2"
    assert claim_ids(row_of(page, old=5)) == [story.wall.pk]
    # The dismissed headline claim is not work: not shown. Nothing is shown twice.
    shown = [pk for row in page.rows for pk in claim_ids(row)]
    assert story.headline.pk not in shown
    assert sorted(shown) == sorted(
        c.pk for c in (story.reopened, story.cost, story.power, story.mayor, story.wall)
    )


def test_findings_stand_beside_both_their_sentences_and_old_ones_beside_removed_rows(
    story: Story,
) -> None:
    draft = story.draft
    old, new = (draft.revisions.get(number=n) for n in (1, 2))
    current = Finding.objects.create(
        draft=draft,
        revision=new,
        kind=Finding.Kind.CONTRADICTION,
        sentence_a=new.sentences.get(index=2),
        sentence_b=new.sentences.get(index=5),
        summary="9 a.m. vs 10 a.m.",
    )
    # A decided finding of the old text whose sentence is gone.
    gone = Finding.objects.create(
        draft=draft,
        revision=old,
        kind=Finding.Kind.NAME_VARIANT,
        sentence_a=old.sentences.get(index=2),
        sentence_b=old.sentences.get(index=5),
        summary="Holt vs Hold",
        status=Finding.Status.DISMISSED,
    )
    page = draft_diff(draft, show_all=True)
    assert [f.pk for f in row_of(page, new=2).findings] == [current.pk]
    assert [f.pk for f in row_of(page, new=5).findings] == [current.pk]
    assert [f.pk for f in row_of(page, old=2).findings] == [gone.pk]
    assert [f.pk for f in row_of(page, old=5).findings] == [gone.pk]
    assert row_of(page, new=0).findings == []


def test_only_the_changes_with_a_sentence_either_side(newsroom: Any, editor: Any) -> None:
    text = _long_text(12)
    draft = draft_import(newsroom=newsroom, by=editor, text=text)
    edited = text.replace("district 6 the council", "district 6 the city")
    revision_load(draft=draft, by=editor, text=edited)
    page = draft_diff(draft)
    # 0 headline, 1..12 the districts: district 6 is unit 6.
    assert [(r.kind, r.new, r.hidden) for r in page.rows] == [
        ("gap", 0, 5),
        ("same", 5, 0),
        ("edited", 6, 0),
        ("same", 7, 0),
        ("gap", 8, 5),
    ]
    assert page.rows[0].anchor == "n-0"  # a gap links to where it starts on the whole page
    assert len(draft_diff(draft, show_all=True).rows) == 13
    wider = draft_diff(draft, context=2)
    assert [r.new for r in wider.rows if r.kind != "gap"] == [4, 5, 6, 7, 8]


def test_a_revision_with_itself_changes_nothing_and_shows_each_claim_once(story: Story) -> None:
    page = draft_diff(story.draft, old_number=2, new_number=2, show_all=True)
    assert page.same_revision and page.changes == 0
    assert {row.kind for row in page.rows} == {"same"}
    shown = [pk for row in page.rows for pk in claim_ids(row)]
    assert sorted(shown) == sorted(c.pk for c in (story.reopened, story.cost, story.power))
    folded = draft_diff(story.draft, old_number=2, new_number=2)
    assert [(r.kind, r.hidden) for r in folded.rows] == [("gap", 6)]


def test_the_first_revision_alone_is_compared_with_itself(
    newsroom: Any, editor: Any, draft: Draft
) -> None:
    page = draft_diff(draft)
    assert (page.old.number, page.new.number) == (1, 1)
    assert page.changes == 0


def test_any_two_revisions_in_either_order(story: Story, editor: Any) -> None:
    revision_load(draft=story.draft, by=editor, text=V2.replace("350", "400"))
    page = draft_diff(story.draft, old_number=1, new_number=3)
    assert (page.old.number, page.new.number, page.latest) == (1, 3, 3)
    assert [(p.op, p.text) for p in row_of(page, new=5).pieces][1:3] == [
        ("delete", "300 "),
        ("insert", "400 "),
    ]
    backwards = draft_diff(story.draft, old_number=2, new_number=1, show_all=True)
    assert ("added", None, 2) in kinds(backwards)  # the mayor's old sentence, seen backwards
    # Revision 1's claims are those a new version left on it: the orphan and the archived one
    # (the others moved on to revision 3).
    shown = [pk for row in backwards.rows for pk in claim_ids(row)]
    assert sorted(shown) == sorted([story.mayor.pk, story.wall.pk])
    # Only "to" given: from the one before it.
    assert (draft_diff(story.draft, new_number=2).old.number) == 1


@pytest.mark.parametrize(("old", "new"), [(0, 2), (1, 3), (5, None), (None, 9)])
def test_a_number_the_draft_has_no_revision_of_is_refused(
    story: Story, old: int | None, new: int | None
) -> None:
    with pytest.raises(Revision.DoesNotExist):
        draft_diff(story.draft, old_number=old, new_number=new)


# --- Queries --------------------------------------------------------------------------------------


def _long_text(n: int, figure: int = 100) -> str:
    return "Power Cuts Across the County\n\n" + "\n\n".join(
        f"In district {i} the council counted {i * 10 + figure} homes without power on Monday."
        for i in range(1, n + 1)
    )


def revised_draft(newsroom: Any, editor: Any, n: int) -> Draft:
    """A draft of ``n`` districts with a claim on each (every other one approved), revised: the
    new version edits every third sentence and drops the last; a finding on every tenth pair of
    its sentences."""
    draft = draft_import(newsroom=newsroom, by=editor, text=_long_text(n))
    sentences = draft.revisions.get().sentences.filter(kind=Sentence.Kind.SENTENCE)
    claims = claims_mark_sentences(sentences=list(sentences.order_by("index")), by=editor)
    Claim.objects.filter(pk__in=[c.pk for c in claims[::2]]).update(
        status=Claim.Status.APPROVED, verdict=Claim.Verdict.ACCURATE
    )
    paragraphs = _long_text(n).split("\n\n")[:-1]
    new_text = "\n\n".join(
        p.replace("homes", "houses") if i % 3 == 0 else p for i, p in enumerate(paragraphs)
    )
    revision_load(draft=draft, by=editor, text=new_text)
    new = draft.revisions.get(number=2)
    units = list(new.sentences.order_by("index"))
    Finding.objects.bulk_create(
        Finding(
            draft=draft,
            revision=new,
            kind=Finding.Kind.NAME_VARIANT,
            sentence_a=units[i],
            sentence_b=units[i + 1],
            summary=f"Name {i}",
        )
        for i in range(1, len(units) - 1, 10)
    )
    return Draft.objects.select_related("newsroom").get(pk=draft.pk)


def _diff_queries(newsroom: Any, editor: Any, n: int) -> tuple[int, DiffPage]:
    draft = revised_draft(newsroom, editor, n)
    with CaptureQueriesContext(connection) as queries:
        page = draft_diff(draft, show_all=True)
    return len(queries), page


# The revisions (numbers, who, when), their two texts, their units, the claims, the findings.
DIFF_QUERIES = 5


def test_the_data_costs_the_same_queries_for_a_small_or_a_large_draft(
    newsroom: Any, editor: Any
) -> None:
    few, small = _diff_queries(newsroom, editor, 6)
    many, large = _diff_queries(newsroom, editor, 240)
    # Districts 3, 6… 237 edited (240 dropped): 79 rows, each with its changed claim.
    assert (small.counts["edited"], large.counts["edited"], large.counts["removed"]) == (1, 79, 1)
    edited = [c for row in large.rows if row.kind == "edited" for c in row.claims]
    assert len(edited) == 79
    # The approved ones among them (odd districts) went back to review, flagged; the unchecked
    # ones just follow their new words.
    changed = [c for c in edited if c.changed_since_checked]
    assert len(changed) == 40 and all(c.status == Claim.Status.PROPOSED for c in changed)
    assert all(c.status == Claim.Status.UNCHECKED for c in edited if c not in changed)
    assert sum(len(row.findings) for row in large.rows) == 2 * 24
    assert few == many == DIFF_QUERIES
