from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.analysis.anchor import Placement, align_units, quote_selector, reanchor
from factcheck.analysis.segment import segment

DEMO = (
    Path(__file__).resolve().parents[2] / "factcheck/newsrooms/demo/meralt-floods.txt"
).read_text(encoding="utf-8")

TOLL = (
    "Officials said the confirmed death toll had risen to 41, including six children, "
    "with dozens still missing."
)
HELICOPTER = (
    "A coast guard S-92 helicopter lifted 23 people from the roof of a school in Tallow Bridge "
    "early on Tuesday, according to the regional government."
)
RAIN = (
    "The national weather service said 212 millimetres of rain fell on the upper valley in 48 "
    "hours, more than the usual total for the whole of October."
)
AID = (
    "Prime Minister Arno Velt, who visited the flooded town of Port Averin on Monday, promised "
    "€50 million in emergency aid."
)
RESIDENTS = "Residents of Tallow Bridge said the water reached the second floor of some houses."
EMBANKMENTS = (
    "Engineers say the embankments along the lower Meralt were built in the 1950s and last "
    "reinforced in 1998."
)
REPORT = (
    "A report by the Ministry of Infrastructure in 2019 rated 40 per cent of them as “at risk”."
)
OKORO = (
    "“We have never seen water rise this fast, not even in 1987,” said Dana Okoro, the "
    "province’s chief of civil protection."
)


def units(text: str) -> list[tuple[int, int]]:
    return [(u.start, u.end) for u in segment(text)]


def span(text: str, piece: str) -> tuple[int, int]:
    assert text.count(piece) == 1, piece
    start = text.index(piece)
    return start, start + len(piece)


def anchor(old: str, new: str, *pieces: str) -> list[Placement]:
    return reanchor(old, units(old), new, units(new), [span(old, p) for p in pieces])


def unit_text(new: str, placement: Placement) -> str:
    assert placement.unit is not None
    start, end = units(new)[placement.unit]
    return new[start:end]


def placed(new: str, placement: Placement) -> str:
    assert placement.start is not None and placement.end is not None
    return new[placement.start : placement.end]


def assert_attached(new: str, placement: Placement, outcome: str, sentence: str) -> None:
    assert placement.outcome == outcome, placement
    assert unit_text(new, placement) == sentence
    assert placement.candidates == ()


def assert_orphaned(placement: Placement) -> None:
    assert placement.outcome == "orphaned", placement
    assert (placement.unit, placement.start, placement.end) == (None, None, None)


# --- Nothing changed, or only around the claim -------------------------------------------------


def test_an_unchanged_draft_keeps_every_claim_on_its_own_unit() -> None:
    spans = units(DEMO)
    placements = reanchor(DEMO, spans, DEMO, spans, spans)
    assert [(p.outcome, p.unit, p.start, p.end) for p in placements] == [
        ("kept", index, start, end) for index, (start, end) in enumerate(spans)
    ]
    assert all(p.score == 1.0 for p in placements)


def test_a_sentence_inserted_before_the_claim_shifts_it_to_the_next_unit() -> None:
    new = DEMO.replace(TOLL, "Rescuers reached two more villages overnight. " + TOLL)
    whole, part = anchor(DEMO, new, TOLL, "six children")
    assert_attached(new, whole, "kept", TOLL)
    assert whole.unit == units(DEMO).index(span(DEMO, TOLL)) + 1
    assert placed(new, whole) == TOLL
    assert_attached(new, part, "kept", TOLL)
    assert placed(new, part) == "six children"


def test_an_edited_neighbouring_sentence_keeps_the_claim() -> None:
    new = DEMO.replace("23 people from the roof", "25 people from the roof")
    (placement,) = anchor(DEMO, new, RAIN)
    assert_attached(new, placement, "kept", RAIN)


def test_an_edit_beside_a_part_claim_in_its_sentence_keeps_it() -> None:
    new = DEMO.replace("with dozens still missing", "with at least 30 people still missing")
    edited = TOLL.replace("with dozens still missing", "with at least 30 people still missing")
    start_part, middle_part = anchor(
        DEMO, new, "Officials said the confirmed death toll had risen to 41", "six children"
    )
    assert_attached(new, start_part, "kept", edited)
    assert placed(new, start_part) == "Officials said the confirmed death toll had risen to 41"
    assert_attached(new, middle_part, "kept", edited)
    assert placed(new, middle_part) == "six children"


def test_quote_marks_and_white_space_changes_keep_the_claim_with_offsets_into_the_new_text() -> (
    None
):
    plain_quotes = OKORO.replace("“", '"').replace("”", '"').replace("’", "'")
    spaced = TOLL.replace("death toll", "death\u00a0toll").replace(" had ", "  had ")
    new = DEMO.replace(OKORO, plain_quotes).replace(TOLL, spaced)
    okoro, toll, part = anchor(DEMO, new, OKORO, TOLL, "confirmed death toll had risen")
    assert_attached(new, okoro, "kept", plain_quotes)
    assert placed(new, okoro) == plain_quotes
    assert_attached(new, toll, "kept", spaced)
    assert placed(new, part) == "confirmed death\u00a0toll  had risen"
    assert (okoro.score, toll.score, part.score) == (1.0, 1.0, 1.0)


def test_white_space_is_collapsed_not_dropped_so_joining_two_words_changes_the_claim() -> None:
    edited = REPORT.replace("40 per cent", "40 percent")
    new = DEMO.replace(REPORT, edited)
    whole, part = anchor(DEMO, new, REPORT, "rated 40 per cent of them")
    assert_attached(new, whole, "changed", edited)
    assert_attached(new, part, "changed", edited)


def test_a_hard_line_wrap_inside_the_sentence_keeps_the_claim() -> None:
    wrapped = RAIN.replace("fell on the upper", "fell on\nthe upper")
    new = DEMO.replace(RAIN, wrapped)
    (placement,) = anchor(DEMO, new, RAIN)
    assert_attached(new, placement, "kept", wrapped)


# --- Edits inside the claim -----------------------------------------------------------------------


def test_a_replaced_figure_changes_a_whole_sentence_claim_and_spans_the_new_sentence() -> None:
    edited = TOLL.replace("risen to 41", "risen to 44")
    new = DEMO.replace(TOLL, edited)
    (placement,) = anchor(DEMO, new, TOLL)
    assert_attached(new, placement, "changed", edited)
    assert placed(new, placement) == edited
    assert 0.9 < placement.score < 1.0


def test_words_added_after_a_part_claim_that_ends_its_sentence_change_it() -> None:
    # The claim ran to the end of its sentence, so an attribution added there is part of it;
    # a claim earlier in the sentence is untouched.
    edited = TOLL.replace("still missing.", "still missing, the ministry said.")
    new = DEMO.replace(TOLL, edited)
    missing, toll = anchor(
        DEMO, new, "with dozens still missing", "the confirmed death toll had risen to 41"
    )
    assert_attached(new, missing, "changed", edited)
    assert placed(new, missing) == "with dozens still missing, the ministry said"
    assert_attached(new, toll, "kept", edited)
    assert placed(new, toll) == "the confirmed death toll had risen to 41"


def test_a_replaced_figure_inside_a_part_claim_changes_it_and_points_at_the_edited_words() -> None:
    new = DEMO.replace("212 millimetres", "215 millimetres")
    edited = RAIN.replace("212", "215")
    figure, untouched = anchor(DEMO, new, "said 212 millimetres of rain fell", "in 48 hours")
    assert_attached(new, figure, "changed", edited)
    assert placed(new, figure) == "said 215 millimetres of rain fell"
    assert_attached(new, untouched, "kept", edited)


def test_words_cut_from_a_part_claim_change_it_until_too_few_survive() -> None:
    new = DEMO.replace("including six children, ", "")
    kept_most, lost_all = anchor(
        DEMO, new, "risen to 41, including six children, with dozens", "including six children"
    )
    assert kept_most.outcome == "changed"
    assert placed(new, kept_most) == "risen to 41, with dozens"
    assert_orphaned(lost_all)
    assert lost_all.score == 0.0


def test_a_heavy_rewrite_orphans_the_claim_with_the_rewritten_sentence_as_candidate() -> None:
    rewritten = "The number of people killed climbed again overnight, police told reporters."
    new = DEMO.replace(TOLL, rewritten)
    (placement,) = anchor(DEMO, new, TOLL)
    assert_orphaned(placement)
    assert placement.score < 0.4
    assert [unit_text(new, Placement("kept", j, 0, 0, 0)) for j in placement.candidates] == [
        rewritten
    ]


def test_a_rewrite_keeping_half_the_words_is_not_attached() -> None:
    # 9 of 17 words survive: the grey zone, where orphaned is the careful answer.
    rewritten = "Officials said the toll had risen to 41, police reported."
    new = DEMO.replace(TOLL, rewritten)
    (placement,) = anchor(DEMO, new, TOLL)
    assert_orphaned(placement)
    assert 0.4 <= placement.score < 0.6


# --- Sentences that move, go or multiply ---------------------------------------------------------


def test_a_moved_paragraph_keeps_its_claims_at_the_new_place() -> None:
    paragraph = OKORO + " “Some villages went under in less than an hour.”"
    new = DEMO.replace(paragraph + "\n\n", "").replace(
        "Relief agencies", paragraph + "\n\nRelief agencies"
    )
    okoro, villages, helicopter = anchor(
        DEMO, new, OKORO, "“Some villages went under in less than an hour.”", HELICOPTER
    )
    assert_attached(new, okoro, "kept", OKORO)
    assert_attached(new, villages, "kept", "“Some villages went under in less than an hour.”")
    assert villages.unit == okoro.unit + 1 > helicopter.unit  # type: ignore[operator]
    assert_attached(new, helicopter, "kept", HELICOPTER)


def test_a_moved_and_edited_sentence_changes_at_the_new_place() -> None:
    edited = RAIN.replace("212", "215")
    new = DEMO.replace(RAIN + "\n\n", "").replace("Relief agencies", edited + "\n\nRelief agencies")
    (placement,) = anchor(DEMO, new, RAIN)
    assert_attached(new, placement, "changed", edited)


def test_a_deleted_sentence_removes_its_claims() -> None:
    new = DEMO.replace(TOLL + "\n\n", "")
    whole, part, other = anchor(DEMO, new, TOLL, "six children", HELICOPTER)
    for placement in (whole, part):
        assert (placement.outcome, placement.unit, placement.candidates) == ("removed", None, ())
    assert_attached(new, other, "kept", HELICOPTER)


def test_a_deleted_sentence_beside_an_edited_one_is_removed_not_moved_onto_it() -> None:
    new = DEMO.replace(EMBANKMENTS + "\n\n" + REPORT, REPORT.replace("40 per cent", "45 per cent"))
    embankments, report = anchor(DEMO, new, EMBANKMENTS, REPORT)
    assert embankments.outcome == "removed"
    assert_attached(new, report, "changed", REPORT.replace("40 per cent", "45 per cent"))


def test_a_copy_inserted_elsewhere_leaves_the_claim_at_the_original() -> None:
    new = DEMO.replace(RESIDENTS, RESIDENTS + " " + TOLL)
    (placement,) = anchor(DEMO, new, TOLL)
    assert_attached(new, placement, "kept", TOLL)
    assert placement.unit == units(DEMO).index(span(DEMO, TOLL))


def test_adjacent_identical_copies_orphan_the_claim_with_both_as_candidates() -> None:
    new = DEMO.replace(TOLL, TOLL + " " + TOLL)
    whole, part = anchor(DEMO, new, TOLL, "six children")
    index = units(DEMO).index(span(DEMO, TOLL))
    for placement in (whole, part):
        assert_orphaned(placement)
        assert sorted(placement.candidates) == [index, index + 1]
        assert placement.score == 1.0


def test_adjacent_copies_stay_undecided_when_the_sentence_before_was_edited() -> None:
    # The edited sentence before still counts as the same neighbour for both copies.
    new = DEMO.replace(TOLL, TOLL + " " + TOLL).replace("at least 14 towns", "at least 15 towns")
    (placement,) = anchor(DEMO, new, TOLL)
    assert_orphaned(placement)


def test_a_copy_replacing_the_next_sentence_is_told_apart_by_the_sentence_before() -> None:
    new = DEMO.replace(OKORO, TOLL)  # the paragraph after TOLL now opens with a copy of it
    (placement,) = anchor(DEMO, new, TOLL)
    assert_attached(new, placement, "kept", TOLL)
    assert placement.unit == units(DEMO).index(span(DEMO, TOLL))


def test_a_lookalike_sentence_does_not_take_the_claim_of_an_edited_one() -> None:
    # Two helicopter sentences tell the same rescue; editing one must not send its claim to the
    # other, and deleting one must not either.
    other = (
        "On Tuesday morning, a coast guard S-76 helicopter rescued 23 people from a school roof "
        "in Tallow Bridge, officials said."
    )
    edited = HELICOPTER.replace("23 people", "24 people")
    new = DEMO.replace(HELICOPTER, edited)
    first, second = anchor(DEMO, new, HELICOPTER, other)
    assert_attached(new, first, "changed", edited)
    assert_attached(new, second, "kept", other)

    new = DEMO.replace(HELICOPTER + "\n\n", "")
    (gone,) = anchor(DEMO, new, HELICOPTER)
    assert gone.outcome == "removed"


# --- Splits and joins ----------------------------------------------------------------------------


def test_a_split_sends_the_claim_to_the_part_holding_most_of_its_words() -> None:
    first = "Prime Minister Arno Velt, who visited the flooded town of Port Averin on Monday."
    second = "He promised €50 million in emergency aid."
    new = DEMO.replace(AID, first + " " + second)
    (placement,) = anchor(DEMO, new, AID)
    assert_attached(new, placement, "changed", first)
    assert placement.score >= 0.6


def test_an_even_split_orphans_the_claim_with_both_parts() -> None:
    first = "Officials said the confirmed death toll had risen to 41."
    second = "That includes six children, with dozens still missing."
    new = DEMO.replace(TOLL, first + " " + second)
    whole, part = anchor(DEMO, new, TOLL, "with dozens still missing")
    assert_orphaned(whole)
    assert [unit_text(new, Placement("kept", j, 0, 0, 0)) for j in whole.candidates] == [
        first,
        second,
    ]
    assert_attached(new, part, "kept", second)  # a part claim intact in one part stays kept


def test_a_join_brings_the_claims_of_both_sentences_into_the_joined_one() -> None:
    joined = EMBANKMENTS.removesuffix(".") + "; " + REPORT
    new = DEMO.replace(EMBANKMENTS + "\n\n" + REPORT, joined)
    embankments, report = anchor(DEMO, new, EMBANKMENTS, REPORT)
    # Its full stop became a semicolon: punctuation at a claim's ends is not its words.
    assert_attached(new, embankments, "kept", joined)
    assert placed(new, embankments) == EMBANKMENTS.removesuffix(".")
    assert_attached(new, report, "kept", joined)
    assert placed(new, report) == REPORT


def test_a_join_with_rewording_changes_the_reworded_claim_only() -> None:
    joined = (
        EMBANKMENTS.removesuffix(".")
        + ", and a ministry report in 2019 rated 40 per cent of them as “at risk”."
    )
    new = DEMO.replace(EMBANKMENTS + "\n\n" + REPORT, joined)
    embankments, report = anchor(DEMO, new, EMBANKMENTS, REPORT)
    assert_attached(new, embankments, "kept", joined)  # ", and" at the seam is not its words
    assert_attached(new, report, "changed", joined)


# --- Part claims ---------------------------------------------------------------------------------


def test_a_repeated_figure_in_the_sentence_is_placed_by_its_context() -> None:
    old = "Floods\n\nThe river rose 3 metres on Monday and 3 metres on Tuesday, officials said.\n"
    new = "Floods\n\nThe river rose 3 metres on Monday and 3 metres on Tuesday, the mayor said.\n"
    tuesday = old.index("3 metres on Tuesday")
    (placement,) = reanchor(old, units(old), new, units(new), [(tuesday, tuesday + 8)])
    assert placement.outcome == "kept"
    assert placement.start == new.index("3 metres on Tuesday")


def test_a_short_part_claim_whose_word_was_replaced_is_not_kept_on_a_stray_copy() -> None:
    old = "Floods\n\nOfficials counted 41 dead on Monday, and said 41 villages were cut off.\n"
    new = "Floods\n\nOfficials counted 44 dead on Monday, and said 41 villages were cut off.\n"
    first = old.index("41")
    (placement,) = reanchor(old, units(old), new, units(new), [(first, first + 2)])
    assert placement.outcome == "orphaned"


# --- Odd input ----------------------------------------------------------------------------------


def test_no_claims_and_empty_texts_give_no_placements() -> None:
    assert reanchor("", [], DEMO, units(DEMO), []) == []
    assert reanchor(DEMO, units(DEMO), "", [], []) == []


def test_claims_on_an_emptied_draft_are_removed() -> None:
    (placement,) = reanchor(DEMO, units(DEMO), "", [], [span(DEMO, TOLL)])
    assert placement.outcome == "removed"


def test_a_claim_on_white_space_between_units_is_orphaned_without_candidates() -> None:
    gap = DEMO.index(TOLL) - 2
    (placement,) = reanchor(DEMO, units(DEMO), DEMO, units(DEMO), [(gap, gap + 2)])
    assert (placement.outcome, placement.candidates) == ("orphaned", ())


@pytest.mark.parametrize("claim", [(-1, 4), (5, 3), (0, 10**6)])
def test_a_claim_outside_the_old_text_is_refused(claim: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="outside the old text"):
        reanchor(DEMO, units(DEMO), DEMO, units(DEMO), [claim])


def test_units_out_of_reading_order_are_refused() -> None:
    spans = units(DEMO)
    with pytest.raises(ValueError, match="reading order"):
        reanchor(DEMO, [spans[1], spans[0]], DEMO, spans, [])


def test_every_claim_gets_one_placement_and_orphans_and_removals_carry_no_span() -> None:
    spans = units(DEMO)
    new = (
        DEMO.replace(TOLL + "\n\n", "")
        .replace(RAIN, RAIN.replace("212", "215"))
        .replace(OKORO, OKORO + " " + OKORO)
    )
    placements = reanchor(DEMO, spans, new, units(new), spans)
    assert len(placements) == len(spans)
    for placement in placements:
        assert 0.0 <= placement.score <= 1.0
        if placement.outcome in ("kept", "changed"):
            assert placement.unit is not None and placement.start is not None
            unit_start, unit_end = units(new)[placement.unit]
            assert unit_start <= placement.start < placement.end <= unit_end  # type: ignore[operator]
            assert placement.candidates == ()
        else:
            assert (placement.unit, placement.start, placement.end) == (None, None, None)


# --- The alignment and the stored selector -------------------------------------------------------


def test_the_alignment_marks_moved_and_identical_links() -> None:
    new = DEMO.replace(RAIN + "\n\n", "").replace("Relief agencies", RAIN + "\n\nRelief agencies")
    alignment = align_units(DEMO, units(DEMO), new, units(new))
    old_rain = units(DEMO).index(span(DEMO, RAIN))
    link = alignment.links[alignment.old_links[old_rain]]  # type: ignore[index]
    assert link.identical and link.moved and not link.weak
    assert sum(link.moved for link in alignment.links) == 1


def test_quote_selector_stores_the_quote_with_its_context_and_position() -> None:
    start, end = span(DEMO, "six children")
    selector = quote_selector(DEMO, start, end, context=10)
    assert selector == {
        "quote": "six children",
        "prefix": "including ",
        "suffix": ", with doz",
        "start": start,
        "end": end,
    }
    assert quote_selector("abc", 0, 3) == {
        "quote": "abc",
        "prefix": "",
        "suffix": "",
        "start": 0,
        "end": 3,
    }
    with pytest.raises(ValueError, match="outside the text"):
        quote_selector("abc", 2, 5)


# --- Formulaic copy, where every sentence has lookalikes -----------------------------------------

WIRE = [
    "Officials said that 120 people were evacuated on Tuesday.",
    "Officials said that 140 people were evacuated on Tuesday.",
    "The ministry said that 300 homes lost power on Monday.",
    "Officials said that 160 people were evacuated on Tuesday.",
    "The ministry said that 500 homes lost power on Monday.",
    "Officials said that 180 people were evacuated on Tuesday.",
]


def wire(paragraphs: list[list[str]]) -> str:
    return "Storm Update\n\n" + "\n\n".join(" ".join(p) for p in paragraphs) + "\n"


def test_an_edited_sentence_moved_with_its_paragraph_follows_its_neighbours() -> None:
    old = wire([[WIRE[0], WIRE[1]], [WIRE[2], WIRE[3], WIRE[4]], [WIRE[5]]])
    edited = WIRE[3].replace("160", "165")
    new = wire([[WIRE[0], WIRE[1]], [WIRE[5]], [WIRE[2], edited, WIRE[4]]])
    (placement,) = anchor(old, new, WIRE[3])
    assert_attached(new, placement, "changed", edited)


def test_an_edited_sentence_moved_alone_among_lookalikes_is_orphaned() -> None:
    old = wire([[WIRE[0]], [WIRE[1]], [WIRE[2]], [WIRE[3]], [WIRE[4]], [WIRE[5]]])
    edited = WIRE[1].replace("140", "145")
    new = wire([[WIRE[0]], [WIRE[2]], [WIRE[3]], [WIRE[4]], [WIRE[5]], [edited]])
    (placement,) = anchor(old, new, WIRE[1])
    assert_orphaned(placement)
    assert placement.candidates == (units(new).index(span(new, edited)),)


def test_a_replaced_figure_among_lookalikes_stays_with_the_sentence_in_its_place() -> None:
    old = wire([[WIRE[0], WIRE[1], WIRE[3], WIRE[5]]])
    edited = WIRE[3].replace("160", "120")  # now word for word the first sentence
    new = wire([[WIRE[0], WIRE[1], edited, WIRE[5]]])
    first, third = anchor(old, new, WIRE[0], WIRE[3])
    assert_attached(new, first, "kept", WIRE[0])
    assert_attached(new, third, "changed", edited)
    assert third.unit == 3


# --- Copies and moves together ------------------------------------------------------------------

COUNCIL = [
    "The council met on Monday.",
    "The mayor opened the session with a minute of silence.",
    "Residents asked about the flood defences.",
    "The engineer said the pumps had failed twice.",
    "A vote on the budget was postponed.",
    "The next meeting is in March.",
]


def council(paragraphs: list[list[str]]) -> str:
    return "Council Notes\n\n" + "\n\n".join(" ".join(p) for p in paragraphs) + "\n"


def test_a_copy_left_in_the_place_of_a_moved_paragraph_is_not_taken_for_the_original() -> None:
    # The original moved with its paragraph and a copy stands where it was, on its own: each
    # keeps one old neighbour, but only the original keeps its paragraph, which moved. (Alone
    # in its stretch, the copy looked unique to the exact matching.)
    s0, s1, s2, s3, s4, s5 = COUNCIL
    old = council([[s0], [s1], [s2, s3], [s4], [s5]])
    new = council([[s0], [s1], [s2], [s4], [s5], [s2, s3]])
    (placement,) = anchor(old, new, s2)
    assert_attached(new, placement, "kept", s2)
    assert placement.unit == 6


def test_a_copy_put_in_the_paragraph_beside_an_old_neighbour_leaves_the_claim_undecided() -> None:
    # The copy went in before sentences added to the paragraph: it has the old neighbour
    # before, the original the one after, and neither paragraph moved.
    s0, s1, s2, s3, s4, s5 = COUNCIL
    other = "The library will close early on Friday."
    old = council([[s0], [s1, s2], [s3], [s4], [s5]])
    new = council([[s0], [s1, s2, other, s2], [s3], [s4], [s5]])
    (placement,) = anchor(old, new, s2)
    assert_orphaned(placement)
    assert sorted(placement.candidates) == [3, 5]


def test_copies_each_beside_one_old_neighbour_in_no_shared_paragraph_are_undecided() -> None:
    s0, s1, s2, s3, s4, s5 = COUNCIL
    old = council([[s0], [s1], [s2], [s3], [s4], [s5]])
    new = council([[s0], [s2], [s3], [s1], [s2], [s4], [s5]])
    (placement,) = anchor(old, new, s2)
    assert_orphaned(placement)
    assert sorted(placement.candidates) == [2, 5]


def test_an_exact_match_far_off_and_an_edited_one_in_place_leave_the_claim_undecided() -> None:
    # Edited in place with a copy of the old wording put elsewhere, or moved with an edited
    # copy put in its place: the two read the same, so neither is taken.
    s0, s1, s2, s3, s4, s5 = COUNCIL
    edited = s3.replace("twice", "three times")
    old = council([[s0], [s1], [s2], [s3], [s4], [s5]])
    for new in (
        council([[s0], [s1], [s2], [edited], [s4], [s5], [s3]]),
        council([[s3], [s0], [s1], [s2], [edited], [s4], [s5]]),
    ):
        whole, part = anchor(old, new, s3, "The engineer said the pumps had failed")
        for placement in (whole, part):
            assert_orphaned(placement)
            assert sorted(placement.candidates) == sorted(
                (units(new).index(span(new, s3)), units(new).index(span(new, edited)))
            )


def test_a_sentence_rewritten_in_a_moved_paragraph_is_orphaned_not_removed() -> None:
    s0, s1, s2, s3, s4, s5 = COUNCIL
    rewritten = "Nobody from the water board came to answer questions."
    old = council([[s0], [s1], [s2, s3], [s4], [s5]])
    new = council([[s0], [s1], [s4], [s5], [rewritten, s3]])
    residents, engineer = anchor(old, new, s2, s3)
    assert_orphaned(residents)
    assert residents.candidates == (units(new).index(span(new, rewritten)),)
    assert_attached(new, engineer, "kept", s3)


def test_copies_are_told_apart_by_an_edited_neighbour_that_moved_with_the_original() -> None:
    s0, s1, s2, s3, s4, s5 = COUNCIL
    edited = s3.replace("twice", "three times")
    old = council([[s0], [s1], [s2, s3], [s4], [s5]])
    new = council([[s0], [s2], [s1], [s4], [s5], [s2, edited]])
    copy_of_residents, engineer = anchor(old, new, s2, s3)
    assert_attached(new, copy_of_residents, "kept", s2)
    assert copy_of_residents.unit == 6
    assert_attached(new, engineer, "changed", edited)


def test_a_join_inside_a_moved_paragraph_keeps_both_claims_in_the_joined_sentence() -> None:
    s0, s1, s2, s3, s4, s5 = COUNCIL
    joined = s2.removesuffix(".") + "; the engineer said the pumps had failed twice."
    old = council([[s0], [s1], [s2, s3, s4], [s5]])
    new = council([[s0], [s1], [s5], [joined, s4]])
    residents, engineer = anchor(old, new, s2, s3)
    assert_attached(new, residents, "kept", joined)
    assert_attached(new, engineer, "changed", joined)  # its capital T is now lower case


def test_a_sentence_split_away_from_its_place_sends_a_part_claim_to_its_part() -> None:
    s0, s1, _, _, s4, s5 = COUNCIL
    both = "Residents asked about the flood defences, and the engineer said the pumps had failed."
    first = "Residents asked about the flood defences."
    second = "The engineer said the pumps had failed."
    old = council([[s0], [s1], [both], [s4], [s5]])
    new = council([[s0], [s1], [s4], [s5], [first, second]])
    whole, part = anchor(old, new, both, "the engineer said the pumps had failed")
    assert_orphaned(whole)  # each part holds half its words
    assert sorted(whole.candidates) == [5, 6]
    assert_attached(new, part, "changed", second)


def test_the_last_old_and_new_sentences_left_are_linked_only_when_they_share_a_name() -> None:
    s0, s1, _, _, s4, s5 = COUNCIL
    mole = "Engineer Ruth Mole said the pumps at Tarrin had failed twice."
    old = council([[s0], [s1], [mole], [s4], [s5]])
    rewritten = "Nobody could reach Ruth Mole for comment."
    moved = council([[s0], [s1], [s4], [s5], [rewritten]])
    (placement,) = anchor(old, moved, mole)
    assert_orphaned(placement)  # rewritten and moved to the end
    assert placement.candidates == (units(moved).index(span(moved, rewritten)),)
    unrelated = council([[s0], [s1], [s4], [s5], ["The library will close early on Friday."]])
    (placement,) = anchor(old, unrelated, mole)
    assert placement.outcome == "removed"  # deleted, and another sentence added


def test_a_paragraph_put_before_a_sentence_then_deleted_does_not_take_its_place() -> None:
    s0, s1, s2, s3, s4, s5 = COUNCIL
    other = "The library will close early on Friday."
    old = council([[s0], [s1], [s2, s3], [s4], [s5]])
    inserted = council([[s0], [s1], [other], [s3], [s4], [s5]])
    (placement,) = anchor(old, inserted, s2)
    assert placement.outcome == "removed"
    rewritten = council([[s0], [s1], [other, s3], [s4], [s5]])
    (placement,) = anchor(old, rewritten, s2)
    assert_orphaned(placement)  # rewritten in its place, its paragraph as it was


def test_a_passage_replaced_by_other_sentences_removes_its_claims() -> None:
    s0, s1, s2, s3, s4, s5 = COUNCIL
    old = council([[s0], [s1, s2, s3], [s4], [s5]])
    new = council([[s0], ["The library will close early on Friday."], [s4], [s5]])
    placements = anchor(old, new, s1, s2, s3)
    assert [p.outcome for p in placements] == ["removed", "removed", "removed"]


def test_two_sentences_joined_and_moved_alone_keep_their_claims_in_the_joined_one() -> None:
    s0, s1, s2, s3, s4, s5 = COUNCIL
    joined = s2.removesuffix(".") + "; the engineer said the pumps had failed twice."
    old = council([[s0], [s1], [s2, s3], [s4], [s5]])
    new = council([[s0], [s1], [s4], [joined], [s5]])
    residents, engineer = anchor(old, new, s2, s3)
    assert_attached(new, residents, "kept", joined)
    assert_attached(new, engineer, "changed", joined)
