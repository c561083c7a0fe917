"""claim_mark, claim_mark_sentence and claim_unmark: spans, refusals and idempotence."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from factcheck.claims.models import Claim
from factcheck.claims.services import ClaimError, claim_mark, claim_mark_sentence, claim_unmark
from factcheck.drafts.models import Draft, Revision, Sentence

pytestmark = pytest.mark.django_db

POWER = "About 300 homes lost power."


@pytest.fixture
def revision(draft: Draft) -> Revision:
    return draft.revisions.get()


def unit(revision: Revision, index: int) -> Sentence:
    return revision.sentences.get(index=index)


def test_marking_a_sentence_claims_exactly_its_text(revision: Revision, editor: Any) -> None:
    sentence = unit(revision, 2)
    claim = claim_mark_sentence(sentence=sentence, by=editor)
    assert (claim.start, claim.end) == (sentence.start, sentence.end)
    assert claim.text == POWER == revision.text[claim.start : claim.end]
    assert claim.sentence == sentence
    assert claim.revision == revision
    assert claim.draft_id == revision.draft_id
    assert claim.created_by == editor
    assert claim.status == Claim.Status.UNCHECKED
    assert claim.whole_sentence


def test_marking_a_sentence_twice_returns_the_same_claim(revision: Revision, editor: Any) -> None:
    first = claim_mark_sentence(sentence=unit(revision, 2), by=editor)
    second = claim_mark_sentence(sentence=unit(revision, 2), by=editor)
    assert first.pk == second.pk
    assert Claim.objects.count() == 1


def test_marking_a_span_twice_returns_the_same_claim(revision: Revision, editor: Any) -> None:
    start = revision.text.index("300 homes")
    first = claim_mark(revision=revision, start=start, end=start + 9, by=editor)
    second = claim_mark(revision=revision, start=start, end=start + 9, by=None)
    assert first.pk == second.pk
    assert second.created_by == editor
    assert Claim.objects.count() == 1


def test_span_with_surrounding_white_space_is_the_same_claim_as_the_trimmed_span(
    revision: Revision, editor: Any
) -> None:
    start = revision.text.index("300 homes")
    trimmed = claim_mark(revision=revision, start=start, end=start + 9, by=editor)
    padded = claim_mark(revision=revision, start=start - 1, end=start + 10, by=editor)
    assert padded.pk == trimmed.pk
    assert padded.text == "300 homes"
    assert not padded.whole_sentence


def test_sentence_with_trailing_white_space_selected_is_the_whole_sentence_claim(
    revision: Revision, editor: Any
) -> None:
    sentence = unit(revision, 2)
    whole = claim_mark_sentence(sentence=sentence, by=editor)
    padded = claim_mark(revision=revision, start=sentence.start, end=sentence.end + 2, by=editor)
    assert padded.pk == whole.pk


def test_marking_again_restores_an_unmarked_claim(revision: Revision, editor: Any) -> None:
    claim = claim_mark_sentence(sentence=unit(revision, 2), by=editor)
    claim_unmark(claim=claim, by=editor)
    assert Claim.objects.get().status == Claim.Status.DISMISSED
    restored = claim_mark_sentence(sentence=unit(revision, 2), by=editor)
    assert restored.pk == claim.pk
    assert restored.status == Claim.Status.UNCHECKED
    assert Claim.objects.get().status == Claim.Status.UNCHECKED


def test_unmark_keeps_the_row_as_dismissed(revision: Revision, editor: Any) -> None:
    claim = claim_mark_sentence(sentence=unit(revision, 2), by=editor)
    result = claim_unmark(claim=claim, by=editor)
    assert result.status == Claim.Status.DISMISSED
    assert not result.is_active
    assert Claim.objects.filter(pk=claim.pk, status=Claim.Status.DISMISSED).exists()


def test_unmarking_twice_changes_nothing_the_second_time(revision: Revision, editor: Any) -> None:
    claim = claim_mark_sentence(sentence=unit(revision, 2), by=editor)
    first = claim_unmark(claim=claim, by=editor)
    stamp = first.updated_at
    second = claim_unmark(claim=Claim.objects.get(pk=claim.pk), by=editor)
    assert second.status == Claim.Status.DISMISSED
    assert second.updated_at == stamp
    assert Claim.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "end"),
    [(-1, 5), (0, 10**6), (10, 10), (12, 3)],
    ids=["negative", "past-the-end", "empty", "reversed"],
)
def test_span_outside_the_text_is_refused(
    revision: Revision, editor: Any, start: int, end: int
) -> None:
    with pytest.raises(ClaimError, match="outside the draft"):
        claim_mark(revision=revision, start=start, end=end, by=editor)
    assert not Claim.objects.exists()


def test_span_ending_exactly_at_the_end_of_the_text_is_allowed(
    revision: Revision, editor: Any, newsroom: Any
) -> None:
    from factcheck.drafts.services import draft_import

    draft = draft_import(newsroom=newsroom, by=editor, text="The road closed at dawn.")
    rev = draft.revisions.get()
    claim = claim_mark(revision=rev, start=4, end=len(rev.text), by=editor)
    assert claim.text == "road closed at dawn."


def test_white_space_only_span_is_refused(revision: Revision, editor: Any) -> None:
    gap = revision.text.index("\n\n")
    with pytest.raises(ClaimError, match="not just white space"):
        claim_mark(revision=revision, start=gap, end=gap + 2, by=editor)
    space = revision.text.index(" 300")
    with pytest.raises(ClaimError, match="not just white space"):
        claim_mark(revision=revision, start=space, end=space + 1, by=editor)
    assert not Claim.objects.exists()


def test_span_across_two_sentences_is_refused(revision: Revision, editor: Any) -> None:
    first, second = unit(revision, 1), unit(revision, 2)
    with pytest.raises(ClaimError, match="within one sentence"):
        claim_mark(revision=revision, start=first.end - 5, end=second.start + 5, by=editor)
    assert not Claim.objects.exists()


def test_span_on_boilerplate_is_refused(revision: Revision, editor: Any) -> None:
    furniture = unit(revision, 4)
    assert furniture.kind == Sentence.Kind.BOILERPLATE
    with pytest.raises(ClaimError, match="boilerplate"):
        claim_mark_sentence(sentence=furniture, by=editor)
    with pytest.raises(ClaimError, match="boilerplate"):
        claim_mark(revision=revision, start=furniture.start, end=furniture.start + 5, by=editor)
    assert not Claim.objects.exists()


def test_headline_can_be_marked(revision: Revision, editor: Any) -> None:
    headline = unit(revision, 0)
    assert headline.kind == Sentence.Kind.HEADLINE
    claim = claim_mark_sentence(sentence=headline, by=editor)
    assert claim.text == "Storm Closes Harbour Road"


def test_the_database_holds_one_claim_per_revision_span(revision: Revision, editor: Any) -> None:
    claim = claim_mark_sentence(sentence=unit(revision, 2), by=editor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(
            draft_id=revision.draft_id,
            revision=revision,
            sentence=claim.sentence,
            start=claim.start,
            end=claim.end,
            text=claim.text,
        )
    assert Claim.objects.count() == 1


def test_every_checkable_unit_can_be_marked_and_unmarked(revision: Revision, editor: Any) -> None:
    for sentence in revision.sentences.exclude(kind=Sentence.Kind.BOILERPLATE):
        claim = claim_mark_sentence(sentence=sentence, by=editor)
        assert claim.text == revision.text[sentence.start : sentence.end]
        claim_unmark(claim=claim, by=editor)
    assert set(Claim.objects.values_list("status", flat=True)) == {Claim.Status.DISMISSED}
    assert (
        Claim.objects.count() == revision.sentences.exclude(kind=Sentence.Kind.BOILERPLATE).count()
    )
