"""The analysis's shared words and its one test of a headline In Title Case."""

from __future__ import annotations

from factcheck.analysis import lexicon


def test_month_numbers_know_names_and_abbreviations() -> None:
    assert lexicon.MONTH_NUMBERS["january"] == 1
    assert lexicon.MONTH_NUMBERS["may"] == 5
    assert lexicon.MONTH_NUMBERS["sept"] == lexicon.MONTH_NUMBERS["sep"] == 9
    assert len(set(lexicon.MONTH_NUMBERS.values())) == 12
    assert len(lexicon.WEEKDAYS) == 7


def test_a_headline_in_title_case_is_told_from_a_sentence_full_of_names() -> None:
    assert lexicon.is_title_case("Rescue Effort Widens After Mine Collapse")
    assert lexicon.is_title_case("COOLING CENTERS")
    assert not lexicon.is_title_case("Reformist Malan wins Halvenmark governorship as Civic Unity")
    assert not lexicon.is_title_case("Storm")  # too few words to tell


def test_a_word_keeps_its_inner_apostrophes_and_hyphens() -> None:
    assert lexicon.WORD.findall("O’Neill visited Novo-Mesto's port.") == [
        "O’Neill",
        "visited",
        "Novo-Mesto's",
        "port",
    ]
    assert lexicon.LETTERS.findall("F-16s, 12 of them") == ["F", "s", "of", "them"]
