"""The whole first pass on the seed draft against its human annotation (skipped without
../shared), and the way the model's score and the claim types are joined."""

from __future__ import annotations

from typing import Any

import pytest

from factcheck.analysis import checkworthiness, findings, pipeline
from factcheck.analysis.pipeline import analyse, combined_score
from factcheck.analysis.segment import segment


@pytest.fixture(scope="module")
def model() -> checkworthiness.Model:
    return checkworthiness.load()


def _speaker(name: str) -> str:
    name = name.strip().lower()
    return name[4:] if name.startswith("the ") else name


def test_seed_draft_meets_the_issues_quality_bar(
    seed_draft_text: str, seed_gold: dict[str, Any], model: checkworthiness.Model
) -> None:
    units = segment(seed_draft_text)
    texts = [seed_draft_text[u.start : u.end] for u in units]
    result = analyse(texts, [u.kind for u in units], model=model)
    gold_units = seed_gold["units"]
    assert len(result.units) == len(gold_units)
    assert result.english

    # Check-worthiness: agreement on units labelled true or false, at the shipped threshold.
    labelled = [
        (g, r)
        for g, r in zip(gold_units, result.units, strict=True)
        if g["checkworthy"] is not None
    ]
    agree = sum((r.score >= result.threshold) == g["checkworthy"] for g, r in labelled)
    assert agree / len(labelled) >= 0.90, f"{agree}/{len(labelled)}"

    # Quotes: at least 9 of the 11 credited to the right speaker.
    gold_quotes = {q["unit"]: _speaker(q["speaker"]) for q in seed_gold["quotes"]}
    found = {q.unit: _speaker(q.speaker) for q in result.quotes if q.speaker}
    right = sum(found.get(unit) == speaker for unit, speaker in gold_quotes.items())
    assert right >= 9, f"{right}/11 quotes credited right: {found}"

    # Findings: both required discrepancies, the name variant, at most 3 not in the gold.
    gold_pairs = {frozenset((d["a"], d["b"])) for d in seed_gold["discrepancies"]}
    required = {
        frozenset((d["a"], d["b"])) for d in seed_gold["discrepancies"] if d["level"] == "required"
    }
    contradictions = {frozenset((f.a, f.b)) for f in result.findings if f.kind == "contradiction"}
    assert required <= contradictions
    variants = [f for f in result.findings if f.kind == "name_variant"]
    wanted = {frozenset(pair) for pair in seed_gold["name_variants"]}
    assert any(frozenset(f.summary.split(" vs ")) in wanted for f in variants)
    extra = [
        f
        for f in result.findings
        if f.kind == "contradiction" and frozenset((f.a, f.b)) not in gold_pairs
    ]
    extra += [f for f in variants if frozenset(f.summary.split(" vs ")) not in wanted]
    assert len(extra) <= 3, extra


def test_site_furniture_is_never_worth_checking() -> None:
    assert combined_score(0.99, ["number", "quote"], "boilerplate") == 0.0


def test_a_checkable_type_lifts_a_score_and_never_lowers_it() -> None:
    plain = combined_score(0.3, [], "sentence")
    assert plain == 0.3
    assert combined_score(0.3, ["quote"], "sentence") > plain
    assert combined_score(0.3, ["quote", "number"], "sentence") > combined_score(
        0.3, ["quote"], "sentence"
    )
    assert 0.0 <= combined_score(0.99, ["quote", "number", "date", "event"], "sentence") <= 1.0


def test_headlines_are_left_to_the_model() -> None:
    assert combined_score(0.3, ["number", "quote"], "headline") == 0.3


def test_a_footnote_is_scored_like_a_sentence() -> None:
    for types in ([], ["number"], ["quote", "date"]):
        assert combined_score(0.4, types, "note") == combined_score(0.4, types, "sentence")


def test_a_sentence_of_no_substance_stays_below_the_threshold(
    model: checkworthiness.Model,
) -> None:
    texts = ["Here is what we know.", "It was a grey morning.", "Thank you very much."]
    result = analyse(texts, ["sentence"] * 3, model=model)
    assert all(unit.score < result.threshold for unit in result.units), result.units


def test_progress_is_reported_batch_by_batch(model: checkworthiness.Model) -> None:
    seen: list[int] = []
    texts = [f"The river rose {n} cm on Monday." for n in range(450)]
    analyse(texts, ["sentence"] * len(texts), model=model, progress=seen.append)
    assert seen == [200, 400, 450]


def _entities(text: str, spans: Any) -> list[str]:
    return [text[s.start : s.end] for s in spans if s.type == "entity"]


def test_a_capitalised_first_word_the_draft_also_writes_in_lower_case_is_no_name(
    model: checkworthiness.Model,
) -> None:
    texts = [
        "Rescue teams reached 14 miners in Ust-Kamara on Monday.",
        "The rescue took nine hours, Kestrel said.",
        "Kestrel shares fell 8 per cent.",
        "Water rose 2 metres in Halvik overnight.",
    ]
    result = analyse(texts, ["sentence"] * len(texts), model=model)
    first, _, third, fourth = result.units
    assert _entities(texts[0], first.spans) == ["Ust-Kamara"]
    assert "entity" in first.types  # Ust-Kamara is one
    # A name the draft never writes in lower case stays one, first word or not.
    assert _entities(texts[2], third.spans) == ["Kestrel"]
    # Nothing in this draft says "water" is a common word, but spaCy's tagger reads "Water" as
    # a common noun, so only the town is a name.
    assert _entities(texts[3], fourth.spans) == ["Halvik"]
    # The other parts keep their places.
    numbers = [texts[0][s.start : s.end] for s in first.spans if s.type == "number"]
    assert numbers == ["14 miners"]


def test_a_sentence_whose_only_name_was_its_first_word_loses_the_entity_type(
    model: checkworthiness.Model,
) -> None:
    texts = ["Rescue crews worked through the night.", "The rescue went on."]
    result = analyse(texts, ["sentence", "sentence"], model=model)
    assert "entity" not in result.units[0].types
    assert _entities(texts[0], result.units[0].spans) == []


def test_a_title_case_headline_keeps_its_names_but_not_its_common_words(
    model: checkworthiness.Model,
) -> None:
    texts = [
        "Floodwaters Cut Off Valley Towns Near Lendria",
        "Meralt Valley Floods Explained",
        "The water filled the valley towns within an hour, officials in Lendria said.",
    ]
    kinds = ["headline", "headline", "sentence"]
    first, second, _ = analyse(texts, kinds, model=model).units
    assert _entities(texts[0], first.spans) == ["Lendria"]
    assert "entity" in first.types
    assert _entities(texts[1], second.spans) == ["Meralt Valley"]


def test_a_headline_whose_only_names_were_common_words_loses_the_entity_type(
    model: checkworthiness.Model,
) -> None:
    texts = ["Rising Water Cuts Off Valley Towns", "The water cut off the valley towns."]
    headline = analyse(texts, ["headline", "sentence"], model=model).units[0]
    assert _entities(texts[0], headline.spans) == []
    assert "entity" not in headline.types


def test_past_the_cap_the_findings_the_pair_model_is_surest_of_are_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = [
        findings.Finding("contradiction", i, i + 1, f"{i} vs {i + 1}", "count", None, None, s)
        for i, s in enumerate([0.4, 0.9, 0.5, 0.95, 0.6])
    ]
    monkeypatch.setattr(pipeline, "MAX_FINDINGS", 3)
    kept = pipeline._likeliest(made)
    assert [f.score for f in kept] == [0.9, 0.95, 0.6]  # the surest three, in the draft's order
    assert pipeline._likeliest(made[:2]) == made[:2]
