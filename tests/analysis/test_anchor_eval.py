"""The blind re-anchoring material: a deterministic generator whose truth holds up, and a scorer
that gives a perfect oracle full marks and catches a function that attaches claims wrongly.

The algorithm itself (``factcheck.analysis.anchor``) is not imported here on purpose.
"""

from __future__ import annotations

import importlib
import types
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from factcheck.analysis import anchor_eval as ae
from factcheck.analysis.segment import BOILERPLATE, segment

Span = tuple[int, int]


@dataclass(frozen=True)
class Placed:
    outcome: str
    unit: int | None


@pytest.fixture(scope="module")
def generated() -> ae.Generated:
    return ae.generate(7, 1000)


def oracle_for(scenarios: Sequence[ae.Scenario], grey: str = "changed") -> ae.Reanchor:
    """A reanchor that answers from the truth (``grey``: its answer in the grey zone)."""
    truths = {(s.new_text, s.claims): s.truth for s in scenarios}
    assert len(truths) == len(scenarios), "two scenarios share a new text and claims"

    def reanchor(
        old_text: str,
        old_units: Sequence[Span],
        new_text: str,
        new_units: Sequence[Span],
        claims: Sequence[Span],
    ) -> list[Placed]:
        placed = []
        for truth in truths[(new_text, tuple(claims))]:
            if truth.also and grey in truth.also:
                placed.append(Placed(grey, None))
            else:
                placed.append(Placed(truth.outcome, truth.unit))
        return placed

    return reanchor


def test_the_same_seed_gives_the_same_scenarios() -> None:
    first = ae.scenarios(3, 40)
    assert first == ae.scenarios(3, 40)
    assert first != ae.scenarios(4, 40)
    assert len({s.name for s in first}) == 40


def test_a_thousand_scenarios_hold_every_edit_kind_at_least_80_times(
    generated: ae.Generated,
) -> None:
    assert len(generated.scenarios) == 1000
    counts = Counter(kind for s in generated.scenarios for kind in set(s.kinds))
    assert set(counts) == set(ae.KINDS)
    assert min(counts.values()) >= 80, counts
    for scenario in generated.scenarios:
        assert 1 <= len(scenario.kinds) <= 3
        assert len(scenario.notes) == len(scenario.kinds)
        for kinds in scenario.claim_kinds:
            assert set(kinds) <= set(scenario.kinds)
    # Dropped scenarios are counted, and few.
    assert generated.attempts == 1000 + sum(generated.drops.values())
    assert sum(generated.drops.values()) < 0.15 * generated.attempts, generated.drops


def test_every_outcome_and_the_grey_zone_occur(generated: ae.Generated) -> None:
    outcomes = Counter(t.outcome for s in generated.scenarios for t in s.truth)
    assert all(outcomes[o] >= 50 for o in ae.OUTCOMES), outcomes
    grey = [t for s in generated.scenarios for t in s.truth if t.also]
    assert len(grey) >= 10


def test_the_units_are_what_segment_finds(generated: ae.Generated) -> None:
    # Segmenting is the slow part: every seventh scenario.
    for scenario in generated.scenarios[::7]:
        for text, units in (
            (scenario.old_text, scenario.old_units),
            (scenario.new_text, scenario.new_units),
        ):
            found = tuple((u.start, u.end) for u in segment(text) if u.kind != BOILERPLATE)
            assert units == found, scenario.name
        for start, end in scenario.claims:
            assert any(s <= start < end <= e for s, e in scenario.old_units), scenario.name


def test_the_truth_is_self_consistent(generated: ae.Generated) -> None:
    for scenario in generated.scenarios:
        new_units = [scenario.new_text[s:e] for s, e in scenario.new_units]
        assert len(scenario.truth) == len(scenario.claims)
        for (start, end), truth in zip(scenario.claims, scenario.truth, strict=True):
            claim = scenario.old_text[start:end]
            where = f"{scenario.name}: {claim!r} {truth}"
            assert truth.outcome in ae.OUTCOMES, where
            unit, span, now = truth.unit, truth.span, ""
            if truth.outcome in ("kept", "changed"):
                assert unit is not None and span is not None, where
                unit_start, unit_end = scenario.new_units[unit]
                assert unit_start <= span[0] < span[1] <= unit_end, where
                now = scenario.new_text[span[0] : span[1]]
            if truth.outcome == "kept":
                assert ae.same_words(claim, now), where
                assert ae.words(claim) == ae.words(now), where
                assert not truth.also and truth.survival == 1.0, where
            elif truth.outcome == "changed":
                assert not ae.same_words(claim, now), where
                share = ae.survival(claim, now)
                assert share == pytest.approx(truth.survival), where
                if truth.also:
                    assert truth.also == ("orphaned",), where
                    assert unit is not None
                    whole = ae.survival(claim, new_units[unit])
                    assert 0.4 <= share < 0.6 or 0.4 <= whole < 0.6, where
                else:
                    assert share >= 0.6, where
            else:
                assert truth.unit is None and truth.span is None and not truth.also, where
                assert truth.survival < 0.6, where
                words_now = [ae.words(u) for u in new_units]
                old_words = ae.words(claim)
                assert not any(
                    ae.same_words(claim, u) or _contains(w, old_words)
                    for u, w in zip(new_units, words_now, strict=True)
                ), where


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def test_a_removed_claim_lost_its_sentence_and_a_kept_one_reads_the_same(
    generated: ae.Generated,
) -> None:
    removed = [
        (s, c)
        for s in generated.scenarios
        for c, t in zip(s.claims, s.truth, strict=True)
        if t.outcome == "removed"
    ]
    assert removed
    for scenario, (start, _) in removed:
        sentence = next(scenario.old_text[s:e] for s, e in scenario.old_units if s <= start < e)
        assert "delete" in scenario.kinds, scenario.name
        assert not any(
            ae.same_words(sentence, scenario.new_text[s:e]) for s, e in scenario.new_units
        ), scenario.name


def test_a_perfect_oracle_scores_one_with_no_misanchor(generated: ae.Generated) -> None:
    result = ae.score(generated.scenarios, oracle_for(generated.scenarios))
    assert result.accuracy == 1.0
    assert result.misanchors == 0
    assert result.failures == []
    assert result.total.claims == sum(len(s.claims) for s in generated.scenarios)
    touched = {k: t.claims for k, t in result.by_kind.items() if k != "untouched"}
    assert all(touched[k] > 0 for k in ae.KINDS), touched
    assert all(result.scenarios_by_kind[k] >= 80 for k in ae.KINDS)


def test_orphaned_is_also_right_in_the_grey_zone(generated: ae.Generated) -> None:
    result = ae.score(generated.scenarios, oracle_for(generated.scenarios, grey="orphaned"))
    assert result.accuracy == 1.0
    assert result.misanchors == 0


def test_a_function_attaching_claims_wrongly_misanchors(generated: ae.Generated) -> None:
    def first_unit(
        old_text: str,
        old_units: Sequence[Span],
        new_text: str,
        new_units: Sequence[Span],
        claims: Sequence[Span],
    ) -> list[Placed]:
        return [Placed("kept", 0) for _ in claims]

    result = ae.score(generated.scenarios, first_unit, keep_failures=5)
    assert result.misanchors > 0
    assert result.accuracy < 0.2
    assert len(result.failures) == 5
    assert result.failures[0].outcome == "kept" and result.failures[0].unit == 0
    # Every claim whose truth is not "at unit 0" is a mis-anchor.
    not_first = sum(
        1 for s in generated.scenarios for t in s.truth if t.unit != 0 or t.unit is None
    )
    assert result.misanchors == not_first


def test_saying_orphaned_everywhere_is_never_a_misanchor(generated: ae.Generated) -> None:
    def orphan_all(
        old_text: str,
        old_units: Sequence[Span],
        new_text: str,
        new_units: Sequence[Span],
        claims: Sequence[Span],
    ) -> list[Placed]:
        return [Placed("orphaned", None) for _ in claims]

    result = ae.score(generated.scenarios, orphan_all)
    assert result.misanchors == 0
    orphaned = result.by_outcome["orphaned"]
    assert orphaned.accuracy == 1.0 and result.by_outcome["kept"].accuracy == 0.0


@pytest.mark.parametrize(
    ("truth", "answer", "right", "misanchor"),
    [
        (ae.Truth("kept", 4), ("kept", 4), True, False),
        (ae.Truth("kept", 4), ("changed", 4), False, False),
        (ae.Truth("kept", 4), ("kept", 5), False, True),
        (ae.Truth("kept", 4), ("orphaned", None), False, False),
        (ae.Truth("changed", 4, ("orphaned",)), ("orphaned", None), True, False),
        (ae.Truth("changed", 4, ("orphaned",)), ("changed", 3), False, True),
        (ae.Truth("removed", None), ("changed", 2), False, True),
        (ae.Truth("orphaned", None), ("orphaned", None), True, False),
        (ae.Truth("orphaned", None), ("removed", None), False, False),
    ],
)
def test_judge(
    truth: ae.Truth, answer: tuple[str, int | None], right: bool, misanchor: bool
) -> None:
    assert ae.judge(truth, *answer) == (right, misanchor)


def test_judge_refuses_an_unknown_outcome() -> None:
    with pytest.raises(ValueError, match="unknown outcome 'moved'"):
        ae.judge(ae.Truth("kept", 1), "moved", 1)


def test_score_refuses_a_wrong_number_of_placements(generated: ae.Generated) -> None:
    def one_short(
        old_text: str,
        old_units: Sequence[Span],
        new_text: str,
        new_units: Sequence[Span],
        claims: Sequence[Span],
    ) -> list[Placed]:
        return [Placed("removed", None) for _ in claims][1:]

    with pytest.raises(ValueError, match="placements for"):
        ae.score(generated.scenarios[:5], one_short)


def test_the_caller_may_pass_the_drafts() -> None:
    texts = ae.source_texts()
    chosen = {name: texts[name] for name in sorted(texts)[:2]}
    made = ae.scenarios(11, 30, texts=chosen)
    assert {s.source for s in made} <= set(chosen)
    assert all(s.old_text in chosen.values() for s in made)
    with pytest.raises(ValueError, match="at least two texts"):
        ae.scenarios(11, 3, texts=dict(list(chosen.items())[:1]))


def test_the_command_line_prints_the_score_per_kind(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def removed_all(
        old_text: str,
        old_units: Sequence[Span],
        new_text: str,
        new_units: Sequence[Span],
        claims: Sequence[Span],
    ) -> list[Placed]:
        return [Placed("removed", None) for _ in claims]

    fake = types.SimpleNamespace(reanchor=removed_all)
    monkeypatch.setattr(importlib, "import_module", lambda name: fake)
    assert ae.main(["--seed", "5", "--count", "22", "--failures", "2"]) == 0
    out = capsys.readouterr().out
    assert "seed 5 (dev)" in out
    assert "misanchors 0" in out
    for kind in ae.KINDS:
        assert f"\n{kind} " in out
    assert "first failures:" in out


def test_the_command_line_says_when_the_algorithm_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def missing(name: str) -> types.ModuleType:
        raise ModuleNotFoundError(f"No module named {name!r}")

    monkeypatch.setattr(importlib, "import_module", missing)
    assert ae.main(["--count", "3"]) == 2
    assert "factcheck.analysis.anchor is not importable" in capsys.readouterr().err
