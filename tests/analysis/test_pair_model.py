"""The findings' evaluation, the pair model that weighs each candidate pair, and its training."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from factcheck.analysis import conflicts, findings, findings_eval, nlp, pairtrain

EVAL = Path(__file__).resolve().parents[1] / "data" / "findings_eval"

# A small annotated draft of this test's own: one planted discrepancy, one decoy.
DRAFT = (
    "Council approves harbour wall\n\n"
    "The council voted on Tuesday to spend $4.2 million on the new harbour wall.\n\n"
    "Work on the wall will start in May, said the mayor, Ana Ruiz.\n\n"
    "Exports through the harbour rose 4% last year.\n\n"
    "Imports through the harbour fell 7% last year.\n\n"
    "Ruiz said the council would spend $5.1 million on the new harbour wall.\n"
)
GOLD = {
    "beat": "local",
    "discrepancies": [
        {
            "kind": "amount",
            "a": "spend $4.2 million on the new harbour wall",
            "b": "would spend $5.1 million on the",
            "why": "$4.2m vs $5.1m",
        },
    ],
    "decoys": [
        {
            "kind": "different_things",
            "a": "Exports through the harbour rose 4%",
            "b": "Imports through the harbour fell 7%",
            "why": "exports vs imports",
        },
    ],
}


def write_draft(folder: Path, name: str, text: str = DRAFT, gold: dict | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / f"{name}.json").write_text(json.dumps(gold or GOLD), encoding="utf-8")


def test_a_finding_finds_a_discrepancy_by_its_two_sentences_or_by_the_marked_value() -> None:
    units, _ = findings_eval.draft_units(DRAFT)
    item = GOLD["discrepancies"][0]
    a = next(i for i, u in enumerate(units) if "$4.2 million" in u)
    b = next(i for i, u in enumerate(units) if "$5.1 million" in u)
    pair = findings.Finding("contradiction", a, b, "x", "amount", None, None)
    assert findings_eval.finds(pair, item, units)
    # one planted sentence with another sentence (the headline): credited only when the words
    # it marks in the other sentence are in the other excerpt
    head = units[0].index("harbour")
    marked = findings.Finding("contradiction", 0, b, "x", "amount", (head, head + 7), (0, 3))
    assert findings_eval.finds(marked, item, units)
    unmarked = findings.Finding("contradiction", 0, b, "x", "amount", (0, 7), (0, 3))
    assert not findings_eval.finds(unmarked, item, units)


def test_score_folder_reads_writers_folders_and_counts_misses_false_findings_and_decoys(
    tmp_path: Path,
) -> None:
    write_draft(tmp_path / "writer-a", "01-local")
    missing_all = findings_eval.score_folder(tmp_path, finder=lambda units, kinds: [])
    assert (missing_all["drafts"], missing_all["planted"], missing_all["found"]) == (1, 1, 0)
    assert missing_all["details"][0]["draft"] == "writer-a/01-local"
    assert missing_all["details"][0]["missed"] == ["amount: $4.2m vs $5.1m"]

    def decoy_only(units: list[str], kinds: list[str]) -> list[findings.Finding]:
        a = next(i for i, u in enumerate(units) if "Exports" in u)
        return [findings.Finding("contradiction", a, a + 1, "4% vs 7%", "share", None, None)]

    flagged = findings_eval.score_folder(tmp_path, finder=decoy_only)
    assert (flagged["false_findings"], flagged["decoys_flagged"]) == (1, 1)


def test_the_desk_finds_the_planted_amount_and_leaves_the_decoy(tmp_path: Path) -> None:
    write_draft(tmp_path, "01-local")
    result = findings_eval.score_folder(tmp_path)
    assert (result["found"], result["false_findings"], result["decoys_flagged"]) == (1, 0, 0)


def test_evaluate_findings_prints_json_and_refuses_a_missing_or_empty_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_draft(tmp_path / "drafts", "01-local")
    call_command("evaluate_findings", str(tmp_path / "drafts"))
    printed = json.loads(capsys.readouterr().out)
    assert printed["recall"] == 1.0 and "details" not in printed
    with pytest.raises(CommandError, match="no such folder"):
        call_command("evaluate_findings", str(tmp_path / "nowhere"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(CommandError, match="no annotated drafts"):
        call_command("evaluate_findings", str(tmp_path / "empty"))


def test_fit_learns_the_sign_and_strength_shrinks_the_weights() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((400, 2))
    y = (x[:, 0] + 0.1 * rng.standard_normal(400) > 0.5).astype(float)
    w, b = pairtrain.fit(x, y, 0.1)
    assert w[0] > 5 and abs(w[1]) < 1.5 and b < 0
    w_strong, _ = pairtrain.fit(x, y, 100.0)
    assert abs(w_strong[0]) < abs(w[0])


def test_candidates_are_labelled_by_the_values_in_the_planted_excerpts() -> None:
    units, kinds = findings_eval.draft_units(DRAFT)
    found = conflicts.find_conflicts(
        units, nlp.parse(units), findings.skipped(units, kinds), threshold=0.0,
        scorer=lambda x: 1.0,
    )  # fmt: skip
    labels = {c.summary: pairtrain._is_planted(c, GOLD["discrepancies"], units) for c in found}
    assert labels["$4.2 million vs $5.1 million (spend)"] is True
    assert not any(v for k, v in labels.items() if "million" not in k)


def test_train_findings_cross_validates_by_writer_and_writes_a_model_the_desk_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for writer in ("writer-a", "writer-b"):
        for n in range(3):
            write_draft(tmp_path / writer, f"0{n}-local")
    out = tmp_path / "pair_model.json"
    call_command("train_findings", *(str(tmp_path / w) for w in ("writer-a", "writer-b")),
                 "--out", str(out))  # fmt: skip
    info = json.loads(capsys.readouterr().out)
    assert info["drafts"] == 6 and info["positives"] >= 6
    chosen = info["cross_validation"]
    assert chosen["strength"] in pairtrain.STRENGTHS
    assert chosen["threshold"] in pairtrain.THRESHOLDS
    raw = json.loads(out.read_text())
    assert set(raw["weights"]) == set(conflicts.FEATURES)
    model = conflicts.PairModel(raw["weights"], raw["bias"], raw["threshold"])
    assert 0.0 <= model.score([0.0] * len(conflicts.FEATURES)) <= 1.0
    with pytest.raises(CommandError, match="no such folder"):
        call_command("train_findings", str(tmp_path / "nowhere"), "--out", str(out))


def test_a_missing_or_mismatched_model_file_is_refused_with_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "pair_model.json"
    monkeypatch.setattr(conflicts, "PAIR_MODEL", missing)
    conflicts.weights.cache_clear()
    try:
        with pytest.raises(conflicts.PairModelError, match=r"pair_model\.json.*train_findings"):
            conflicts.weights()
        missing.write_text(json.dumps({"weights": {"distance": 1.0}, "bias": 0, "threshold": 0.5}))
        conflicts.weights.cache_clear()
        with pytest.raises(conflicts.PairModelError, match="does not compute: distance"):
            conflicts.weights()
    finally:
        monkeypatch.undo()
        conflicts.weights.cache_clear()


def test_the_shipped_model_weighs_every_feature_and_no_weight_outvotes_a_veto() -> None:
    model = conflicts.weights()
    assert set(model.weights) == set(conflicts.FEATURES)
    assert 0.05 <= model.threshold <= 0.95
    # the toll grew between two days: whatever else the pair shares, it is not a conflict
    text = "The storm killed 12 people on Monday.\n\nBy Wednesday the storm had killed 19 people."
    units, _ = findings_eval.draft_units(text)
    found = conflicts.find_conflicts(units, nlp.parse(units), [False] * len(units), threshold=0.0)
    assert [c.what for c in found if c.what == "day"] == []
    assert any(c.what == "count" for c in found)  # the counts are still candidates


@pytest.mark.parametrize(("half", "recall"), [("tune", 0.75), ("dev", 0.58)])
def test_the_shipped_model_holds_its_figures_on_the_drafts_it_was_trained_on(
    half: str, recall: float
) -> None:
    """A regression guard, not an estimate: these are the training drafts (docs/findings.md
    gives the cross-validated and held-out figures)."""
    result = findings_eval.score_folder(EVAL / half)
    assert result["recall"] >= recall, result["recall"]
    assert result["false_per_draft"] <= 0.8, result["false_per_draft"]
    assert result["decoys_flagged_share"] <= 0.1


def test_the_shipped_model_is_what_train_findings_makes_from_the_training_drafts(
    tmp_path: Path,
) -> None:
    shipped = json.loads(conflicts.PAIR_MODEL.read_text())
    folders = [EVAL / "tune", *sorted(p for p in (EVAL / "dev").iterdir() if p.is_dir())]
    assert [str(f.relative_to(EVAL.parents[2])) for f in folders] == shipped["info"]["trained_on"]
    made = pairtrain.train(folders, tmp_path / "pair_model.json")
    assert made["weights"] == shipped["weights"]
    assert (made["bias"], made["threshold"]) == (shipped["bias"], shipped["threshold"])


def test_scoring_evidence_by_name_gives_what_the_vector_gives() -> None:
    # find_conflicts scores each pair from its evidence by name (no 67-wide vector a pair); the
    # conflicts, their scores and their features must be those of the vector's dot product.
    units = [u for u in DRAFT.split("\n\n") if u.strip()] * 3
    docs = nlp.parse(units)
    skip = [False] * len(units)
    model = conflicts.weights()
    by_name = conflicts.find_conflicts(units, docs, skip)
    by_vector = conflicts.find_conflicts(
        units, docs, skip, threshold=model.threshold, scorer=model.score
    )
    assert by_name, "the planted amount is found"
    assert [(c.a.unit, c.b.unit, c.score, c.features) for c in by_name] == [
        (c.a.unit, c.b.unit, c.score, c.features) for c in by_vector
    ]
