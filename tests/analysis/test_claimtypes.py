from __future__ import annotations

import itertools
from typing import Any

import pytest

from factcheck.analysis import nlp
from factcheck.analysis.claimtypes import TYPES, Span, Typing, claim_types
from factcheck.analysis.normalise import normalise_text
from factcheck.analysis.segment import segment

# The types that say a sentence asserts something checkable; "comparison" alone does not.
STRONG = {"number", "quote", "attribution", "date", "entity", "event"}


def spans_of(text: str, kind: str) -> list[str]:
    return [text[s.start : s.end] for s in claim_types(text).spans if s.type == kind]


def test_result_is_typed_and_types_follow_the_declared_order() -> None:
    typing = claim_types("Officials said 41 people died on Tuesday in Port Averin.")
    assert isinstance(typing, Typing)
    assert all(isinstance(span, Span) for span in typing.spans)
    assert list(typing.types) == [t for t in TYPES if t in typing.types]
    assert set(typing.types) == {"number", "attribution", "date", "entity", "event"}


# --- number ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("Armenian forces destroyed 29 tanks overnight.", "29 tanks"),
        ("The government promised €50 million in aid.", "€50 million"),
        ("Turnout was 40 per cent.", "40 per cent"),
        ("Nearly 100 people have died.", "Nearly 100 people"),
        ("The war left tens of thousands of casualties.", "tens of thousands"),
        ("Clashes raged for a fourth day.", "a fourth day"),
        ("Armenia recorded 2,300 deaths.", "2,300 deaths"),
        ("Two explosions were heard.", "Two explosions"),
    ],
)
def test_figures_are_numbers_with_what_they_count(text: str, figure: str) -> None:
    assert figure in spans_of(text, "number")


@pytest.mark.parametrize(
    "text",
    [
        "Talks stalled after the 1994 ceasefire.",  # a year is a date
        "The two sides met again.",  # a figure already given
        "A Turkish F-16 downed an SU-25 warplane.",  # model codes
        "One of the region's frozen conflicts flared up.",
    ],
)
def test_years_references_and_codes_are_not_numbers(text: str) -> None:
    assert "number" not in claim_types(text).types


def test_a_note_mark_is_not_a_figure() -> None:
    # The Word loader writes a footnote's reference as "[1]", an endnote's as "[iv]".
    assert claim_types("The mayor resigned on Monday.[1]").types == ("date", "event")
    assert spans_of("It cost 300 euros[2], the council said.[iv]", "number") == ["300 euros"]


# --- date --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("They rejected calls for talks on Wednesday.", "on Wednesday"),
        ("Talks stalled after the 1994 ceasefire.", "1994"),
        ("The war began in the early 1990s.", "the early 1990s"),
        ("On Sunday morning (27 September), Armenia declared martial law.", "Sunday morning"),
        ("The road closed at 6 a.m. after the storm.", "6 a.m."),
        ("The river first rose last week.", "last week"),
        ("The council voted in May 2020.", "May 2020"),
        ("It was the wettest September on record.", "September"),
    ],
)
def test_days_dates_and_years_are_dates(text: str, date: str) -> None:
    assert any(date in found for found in spans_of(text, "date")), spans_of(text, "date")


def test_may_the_verb_is_not_a_date() -> None:
    assert "date" not in claim_types("The council may vote again.").types


# --- entity ------------------------------------------------------------------------------------


def test_capitalised_names_are_entities() -> None:
    text = "Emergency crews reached Port Averin and the Meralt River with Prime Minister Arno Velt."
    entities = spans_of(text, "entity")
    assert "Port Averin" in entities
    assert "Meralt River" in entities
    assert "Prime Minister Arno Velt" in entities
    assert "Emergency" not in entities


def test_common_words_opening_a_sentence_are_not_entities() -> None:
    for text in ["Streets were dark at night.", "Residents fled the town.", "The mood was calm."]:
        assert "entity" not in claim_types(text).types, text


# --- what the parser adds (measured in test_claimtypes_eval.py) --------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "span"),
    [
        # A name opening a sentence that looks like a plural by shape.
        ("Hollins, the department store chain, will close 14 shops.", "entity", "Hollins"),
        # A name the rules run into a score.
        ("Castleford Rovers beat Dunmore City 3-1 on Saturday.", "entity", "Dunmore City"),
        ("Castleford Rovers beat Dunmore City 3-1 on Saturday.", "number", "3-1"),
        # A model number is part of the name, not a count.
        ("A Boeing 737 made an emergency landing.", "entity", "Boeing 737"),
        (
            "Detective Inspector Raj Sethi led the search.",
            "entity",
            "Detective Inspector Raj Sethi",
        ),
        ("The economy shrank in the third quarter.", "date", "the third quarter"),
        ("The school will reopen after Easter.", "date", "Easter"),
        ("Last winter the ward admitted 40 children.", "date", "Last winter"),
        # spaCy calls an age and a duration dates; the desk counts them as figures.
        ("Elena Moss, 54, runs the bakery.", "number", "54"),
        ("He was jailed for six years.", "number", "six years"),
    ],
)
def test_names_dates_and_figures_from_rules_and_parser(text: str, kind: str, span: str) -> None:
    assert span in spans_of(text, kind), claim_types(text).spans


@pytest.mark.parametrize(
    ("text", "kind", "span"),
    [
        ("Wildfires have burned 6,000 acres near Pine Ridge.", "entity", "Wildfires"),
        ("Foreign ministers from 27 countries met in Geneva.", "entity", "Foreign"),
        ("A Boeing 737 made an emergency landing.", "number", "737"),
        ("Elena Moss, 54, runs the bakery.", "date", "54"),
        ("He was jailed for six years.", "date", "six years"),
        ("Cases rose in a single week.", "date", "a single week"),
    ],
)
def test_what_the_model_mislabels_is_left_out(text: str, kind: str, span: str) -> None:
    assert span not in spans_of(text, kind), claim_types(text).spans


def test_a_given_parse_is_used_not_redone(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Officials said 41 people died on Tuesday in Port Averin."
    (doc,) = nlp.parse([text])
    expected = claim_types(text)

    def parse_again(texts: list[str]) -> list[Any]:
        raise AssertionError("parsed again")

    monkeypatch.setattr(nlp, "parse", parse_again)
    assert claim_types(text, doc=doc) == expected
    # The same text with a word's case changed keeps the draft's parse.
    assert claim_types("officials" + text[9:], doc=doc).types == expected.types


def test_a_parse_of_another_text_is_not_used() -> None:
    (doc,) = nlp.parse(["Officials said 41 people died on Tuesday in Port Averin."])
    assert spans_of("Turnout was 40 per cent.", "number") == ["40 per cent"]
    assert claim_types("Turnout was 40 per cent.", doc=doc) == claim_types(
        "Turnout was 40 per cent."
    )


# --- quote and attribution ---------------------------------------------------------------------


def test_quoted_speech_and_its_attribution() -> None:
    text = "“We will rebuild every home,” said Dana Okoro, the mayor."
    assert spans_of(text, "quote") == ["We will rebuild every home"]
    assert spans_of(text, "attribution") == ["said Dana Okoro"]


def test_scare_quotes_are_not_quotes() -> None:
    for text in [
        "Critics called the plan “ambitious”.",
        "Managers brought in “flexible rostering” in 2021.",
        "The ministers’ meeting ended without agreement.",
    ]:
        assert "quote" not in claim_types(text).types, text


def test_the_end_of_a_quote_begun_in_the_previous_unit_is_a_quote() -> None:
    assert spans_of("We will die before we abandon it.’", "quote") == [
        "We will die before we abandon it"
    ]


@pytest.mark.parametrize(
    ("text", "attribution"),
    [
        ("Officials said the toll had risen to 41.", "Officials said"),
        (
            "A coast guard helicopter lifted 23 people, according to the regional government.",
            "according to the regional government",
        ),
        ("‘Nobody will be left behind,’ Velt told reporters.", "Velt told"),
        ("Armenia and Azerbaijan vowed to keep fighting.", "Armenia and Azerbaijan vowed"),
    ],
)
def test_who_says_so_is_an_attribution(text: str, attribution: str) -> None:
    assert attribution in spans_of(text, "attribution")


def test_a_sentence_nobody_is_credited_with_has_no_attribution() -> None:
    assert "attribution" not in claim_types("The confirmed death toll surpassed 100.").types
    assert "attribution" not in claim_types("It did not say who was responsible.").types


def test_figures_inside_a_quote_stay_highlighted() -> None:
    text = "‘Our forces destroyed 29 tanks and armoured vehicles,’ a spokesman said."
    typing = claim_types(text)
    assert "29 tanks" in spans_of(text, "number")
    assert spans_of(text, "quote") == ["Our forces destroyed", "and armoured vehicles"]
    assert "event" in typing.types  # "destroyed", though not highlighted inside the quote


# --- comparison and event ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "comparison"),
    [
        ("More than 4,000 have been evacuated.", "More than"),
        ("It was the heaviest fighting in years.", "the heaviest"),
        ("Rain fell faster than forecast.", "faster than"),
        ("Prices rose to 5 per cent, up from 3 per cent.", "up from"),
    ],
)
def test_comparisons(text: str, comparison: str) -> None:
    assert comparison in spans_of(text, "comparison")


def test_words_ending_in_est_are_not_all_superlatives() -> None:
    for text in ["They met in the west of the city.", "The protest went on.", "Rather than wait."]:
        assert "comparison" not in claim_types(text).types, text


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("Four miners were killed on Saturday.", "killed"),
        ("Turkey shot down one of their jets.", "shot down"),
        ("Armenia declared martial law.", "declared"),
        ("A peace treaty has never been signed.", "signed"),
        ("She was elected in 2019.", "elected"),
        ("Nearly 100 people have died.", "died"),
    ],
)
def test_events(text: str, event: str) -> None:
    assert "event" in claim_types(text).types
    # "Armenia declared" is also who says so: the attribution span holds the event word then.
    highlighted = spans_of(text, "event") + spans_of(text, "attribution")
    assert any(event in span for span in highlighted)


def test_a_state_of_things_is_not_an_event() -> None:
    assert "event" not in claim_types("The city was quiet and the shops were open.").types


# --- the shape of the result -------------------------------------------------------------------


def test_spans_are_sorted_and_do_not_overlap() -> None:
    text = (
        "On Sunday morning (27 September), Armenia declared martial law, claiming Azerbaijan had "
        "launched more than 30 attacks, the Kremlin said, according to ‘sources close to 12 "
        "ministers’."
    )
    spans = claim_types(text).spans
    assert spans
    for before, after in itertools.pairwise(spans):
        assert before.end <= after.start
    assert all(0 <= s.start < s.end <= len(text) for s in spans)


@pytest.mark.parametrize(
    "text",
    [
        "Live updates",
        "Live Updates",
        "Here is what we know.",
        "Why did the most recent fighting flare up?",
        "Share this article",
        "Leave a Reply",
        "Sign up for our morning newsletter",
    ],
)
def test_furniture_and_signposts_get_no_strong_types(text: str) -> None:
    assert not set(claim_types(text).types) & STRONG


def test_seed_types_separate_checkworthy_units(
    seed_draft_text: str, seed_gold: dict[str, Any]
) -> None:
    text = normalise_text(seed_draft_text)
    units = segment(text)
    gold = seed_gold["units"]
    assert len(units) == len(gold)
    strong = [bool(set(claim_types(text[u.start : u.end]).types) & STRONG) for u in units]
    worthy = [s for s, g in zip(strong, gold, strict=True) if g["checkworthy"] is True]
    unworthy = [s for s, g in zip(strong, gold, strict=True) if g["checkworthy"] is False]
    # Measured: 55 of 55 check-worthy units have a strong type; 6 of 10 unworthy ones have
    # none (the rest are site furniture naming the site, and a headline naming two countries).
    print(f"checkworthy with strong types: {sum(worthy)}/{len(worthy)}")
    print(f"not checkworthy with none: {unworthy.count(False)}/{len(unworthy)}")
    assert sum(worthy) >= 0.95 * len(worthy)
    assert unworthy.count(False) >= 0.5 * len(unworthy)
