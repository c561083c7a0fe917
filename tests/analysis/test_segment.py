from __future__ import annotations

from typing import Any

import pytest

from factcheck.analysis.normalise import normalise_text, title_from_text
from factcheck.analysis.segment import BOILERPLATE, HEADLINE, SENTENCE, Unit, segment


def texts(text: str, units: list[Unit] | None = None) -> list[str]:
    return [text[u.start : u.end] for u in (units if units is not None else segment(text))]


def assert_well_formed(text: str, units: list[Unit]) -> None:
    previous_end = 0
    for position, unit in enumerate(units):
        assert unit.index == position
        assert previous_end <= unit.start < unit.end <= len(text)
        piece = text[unit.start : unit.end]
        assert piece == piece.strip(), f"unit {position} carries surrounding white space"
        assert piece.strip("‘’“”\"' ") != "", f"unit {position} is a lone quote mark: {piece!r}"
        previous_end = unit.end


# --- The seed: a real, messy draft with a human annotation -------------------------------------


def test_seed_draft_units_match_the_gold_annotation(seed_draft_text: str, seed_gold: Any) -> None:
    text = normalise_text(seed_draft_text)
    units = segment(text)
    assert_well_formed(text, units)
    got = {text[u.start : u.end]: u.kind for u in units}
    gold = seed_gold["units"]

    exact = [g for g in gold if g["text"] in got]
    assert len(exact) / len(gold) >= 0.98, [g["text"] for g in gold if g["text"] not in got]
    for g in gold:
        if g["kind"] == "headline" and g["text"] in got:
            assert got[g["text"]] == HEADLINE, g["text"]

    trailing = [g["text"] for g in gold if g["kind"] == "boilerplate"]
    assert len(trailing) == 7
    assert all(got.get(t) == BOILERPLATE for t in trailing)
    article = {g["text"] for g in gold if g["kind"] != "boilerplate"}
    assert not [t for t, kind in got.items() if kind == BOILERPLATE and t in article]


def test_seed_quote_split_inside_a_quotation_keeps_the_closing_mark(seed_draft_text: str) -> None:
    text = normalise_text(seed_draft_text)
    found = texts(text)
    assert "We will die before we abandon it.’" in found
    assert not any(t in {"’", "”", "‘", "“"} for t in found)


# --- Our own drafts: the same kinds of trouble, other words ------------------------------------

ABBREVIATIONS = (
    "Dr. Hana Ruiz met Mr. Velt at 9 a.m. on Friday. The U.S. Army sent No. 5 brigade. "
    "J. K. Rowling was not there. Prices rose 3.5 per cent, e.g. for bread. It ended."
)


def test_titles_initials_acronyms_and_decimals_do_not_end_sentences() -> None:
    assert texts(ABBREVIATIONS) == [
        "Dr. Hana Ruiz met Mr. Velt at 9 a.m. on Friday.",
        "The U.S. Army sent No. 5 brigade.",
        "J. K. Rowling was not there.",
        "Prices rose 3.5 per cent, e.g. for bread.",
        "It ended.",
    ]


def test_an_acronym_before_a_typical_opener_ends_the_sentence() -> None:
    assert texts("Troops left the U.S. The talks resumed in Oct. They failed.") == [
        "Troops left the U.S.",
        "The talks resumed in Oct.",
        "They failed.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "‘We will hold the line,’ the commander said. Shelling resumed.",
            ["‘We will hold the line,’ the commander said.", "Shelling resumed."],
        ),
        (
            "“Is this the end?” asked Ruiz. Nobody knew.",
            ["“Is this the end?” asked Ruiz.", "Nobody knew."],
        ),
        (
            "“We will win.” Okoro said. Then he left.",
            ["“We will win.” Okoro said.", "Then he left."],
        ),
        (
            "“We will win.” Okoro said the army was ready.",
            ["“We will win.”", "Okoro said the army was ready."],
        ),
        (
            "He said: “Stay home. Do not drive.” Roads were shut.",
            ["He said: “Stay home.", "Do not drive.”", "Roads were shut."],
        ),
        ("Stop! Now? Yes… Fine.", ["Stop!", "Now?", "Yes…", "Fine."]),
    ],
)
def test_quotes_and_terminal_marks(text: str, expected: list[str]) -> None:
    units = segment(text)
    assert_well_formed(text, units)
    assert texts(text, units) == expected


def test_blocks_headlines_questions_and_hard_wrapped_lines() -> None:
    text = (
        "Dam Repairs Stall\n\n"
        "Engineers said the dam, built in 1961, needs\n"
        "urgent work costing 12 million euros. Funding\n"
        "has not been agreed.\n\n"
        "What happens next?\n\n"
        "“What happens next?” one resident asked.\n"
    )
    units = segment(text)
    assert_well_formed(text, units)
    assert [(text[u.start : u.end], u.kind) for u in units] == [
        ("Dam Repairs Stall", HEADLINE),
        (
            "Engineers said the dam, built in 1961, needs\nurgent work costing 12 million euros.",
            SENTENCE,
        ),
        ("Funding\nhas not been agreed.", SENTENCE),
        ("What happens next?", HEADLINE),
        ("“What happens next?” one resident asked.", SENTENCE),
    ]
    assert len({u.block for u in units}) == 4


def test_markdown_headings_and_list_items_are_their_own_blocks() -> None:
    text = "# Flood update\nWater is falling.\n\n- 300 homes flooded\n- 2 bridges shut\n"
    units = segment(text)
    assert_well_formed(text, units)
    assert [(text[u.start : u.end], u.kind) for u in units] == [
        ("Flood update", HEADLINE),
        ("Water is falling.", SENTENCE),
        ("300 homes flooded", HEADLINE),
        ("2 bridges shut", HEADLINE),
    ]
    assert len({u.block for u in units}) == 4


def test_note_marks_after_a_full_stop_stay_with_their_sentence() -> None:
    # The Word loader writes a footnote's reference as "[1]", often after the full stop.
    text = (
        "Prices rose in 2019.[1] The council disagreed.[ii][iii] "
        "He lives in the U.S.[2] The rest is fine."
    )
    assert texts(text) == [
        "Prices rose in 2019.[1]",
        "The council disagreed.[ii][iii]",
        "He lives in the U.S.[2]",
        "The rest is fine.",
    ]
    assert [u.kind for u in segment("Ouch[1].[2]")] == [SENTENCE]


def test_lettered_roman_and_multilevel_list_marks_before_a_tab() -> None:
    # Word's list numbers as the loader writes them: the mark, then a tab.
    text = "a.\tApples\n\nii)\tPears\n\n(c)\tPlums\n\n1.2.\tFigs\n\nJ. Smith said so."
    assert texts(text) == ["Apples", "Pears", "Plums", "Figs", "J. Smith said so."]


def test_a_title_line_above_its_paragraph_without_a_blank_line() -> None:
    text = (
        "Council Votes Today\n"
        "The council will vote on the budget today, officials said on Monday evening.\n"
    )
    assert [u.kind for u in segment(text)] == [HEADLINE, SENTENCE]


def test_offsets_hold_for_crlf_nfc_and_astral_characters() -> None:
    raw = "Cafe\u0301 Owners Protest\r\n\r\nThe owners 🙂 said rents rose 40%. Talks failed.\r\n"
    text = normalise_text(raw)
    assert "\r" not in text and "Café" in text
    units = segment(text)
    assert_well_formed(text, units)
    assert texts(text, units) == [
        "Café Owners Protest",
        "The owners 🙂 said rents rose 40%.",
        "Talks failed.",
    ]


def test_empty_and_whitespace_only_text_gives_no_units() -> None:
    assert segment("") == []
    assert segment(" \n\n\t\n") == []


def test_a_long_draft_keeps_every_offset_exact() -> None:
    paragraph = (
        "The ministry said 1,204 people were evacuated on Tuesday. “We acted fast,” said "
        "Gen. Amir Lo. Critics disagreed, citing a 2019 report by the U.N. Office.\n\n"
    )
    text = paragraph * 500
    units = segment(text)
    assert len(units) == 1500
    assert_well_formed(text, units)


def test_title_from_text_takes_the_first_line_without_heading_marks() -> None:
    assert title_from_text("\n\n## Storm Hits Coast  \nBody.") == "Storm Hits Coast"
    assert len(title_from_text("x" * 1000, max_length=300)) == 300
    assert title_from_text("   \n ") == ""
