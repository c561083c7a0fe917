"""The check-worthiness model: reading data, training, the artefact round trip, evaluation."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from factcheck.analysis import checkworthiness as cw
from factcheck.analysis import claimtypes
from factcheck.analysis.checkworthiness import Row, TsvError
from tests.conftest import shared_path

# The figures docs/checkworthiness.md reports for the committed artefact on dev-test.
DEV_TEST_F1 = 0.8137

CHECKABLE = [
    "Unemployment fell to {n} per cent in {y}.",
    "The deficit rose by ${n} billion last year.",
    "Crime went up {n} percent in {y}.",
    "We cut taxes for {n} million families in {y}.",
    "The state lost {n},000 jobs since {y}.",
    "Exports doubled to {n} billion dollars in {y}.",
]
CHATTER = [
    "Thank you very much.",
    "I think that's a great question.",
    "Let me finish, please.",
    "Good evening, everyone.",
    "Well, I'd like to say something.",
    "That's not what we're here to talk about.",
]


def synthetic(count: int = 60) -> list[Row]:
    rows = []
    for i in range(count):
        rows.append(Row(f"y{i}", CHECKABLE[i % 6].format(n=i + 2, y=1990 + i), True))
        rows.append(Row(f"n{i}", CHATTER[i % 6], False))
    return rows


@pytest.fixture(scope="module")
def tiny_model() -> cw.Model:
    rows = synthetic()
    return cw.train(rows[:100], rows[100:], c_grid=(1.0,))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- read_tsv -------------------------------------------------------------------------------------


def test_read_tsv_handles_csv_quoting_and_labels(tmp_path: Path) -> None:
    path = write(
        tmp_path / "d.tsv",
        "Sentence_id\tText\tclass_label\n"
        '1\t"You know, I saw a movie - ""Crocodile Dundee."""\tNo\n'
        "2\tWe're consuming 50 percent of the world's cocaine.\tYes\n"
        '3\t"A tab\tinside quotes."\tNo\n',
    )
    assert cw.read_tsv(path) == [
        Row("1", 'You know, I saw a movie - "Crocodile Dundee."', False),
        Row("2", "We're consuming 50 percent of the world's cocaine.", True),
        Row("3", "A tab\tinside quotes.", False),
    ]


def test_read_tsv_refuses_a_wrong_header(tmp_path: Path) -> None:
    path = write(tmp_path / "d.tsv", "id\ttext\tlabel\n1\tHello.\tNo\n")
    with pytest.raises(TsvError, match="line 1: header"):
        cw.read_tsv(path)


def test_read_tsv_refuses_a_bad_label_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "d.tsv", "Sentence_id\tText\tclass_label\n1\tA.\tNo\n2\tB.\tMaybe\n")
    with pytest.raises(TsvError, match="line 3: label 'Maybe'"):
        cw.read_tsv(path)


def test_read_tsv_skips_malformed_rows_when_asked(tmp_path: Path) -> None:
    # Like the released train file: two rows run together on one line.
    path = write(
        tmp_path / "d.tsv",
        "Sentence_id\tText\tclass_label\n1\tA.\tNo2\tB.\tNo\n3\tC.\tYes\n",
    )
    seen: list[tuple[int, str]] = []
    rows = cw.read_tsv(path, on_malformed=lambda line, problem: seen.append((line, problem)))
    assert rows == [Row("3", "C.", True)]
    assert seen == [(2, "5 fields, expected 3")]
    with pytest.raises(TsvError, match="line 2: 5 fields"):
        cw.read_tsv(path)


def test_read_tsv_refuses_broken_encoding_and_missing_files(tmp_path: Path) -> None:
    path = tmp_path / "d.tsv"
    path.write_bytes(b"Sentence_id\tText\tclass_label\n1\tCaf\xe9.\tNo\n")
    with pytest.raises(TsvError, match="line 2: not valid UTF-8"):
        cw.read_tsv(path)
    with pytest.raises(TsvError, match="no such file"):
        cw.read_tsv(tmp_path / "absent.tsv")
    with pytest.raises(TsvError, match="empty"):
        cw.read_tsv(write(tmp_path / "e.tsv", ""))


# --- features and training ------------------------------------------------------------------------


def test_features_treat_every_figure_alike() -> None:
    assert cw.features("Up 41 per cent.") == cw.features("up 97 per cent.")
    assert "00 per" in cw.features("Up 41 per cent.")["word"]


def test_tiny_model_separates_its_classes_with_scores_in_unit_interval(
    tiny_model: cw.Model,
) -> None:
    scores = tiny_model.scores(["Crime fell 12 percent in 2004.", "Thank you very much.", ""])
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores[0] > tiny_model.threshold > scores[1]
    assert cw.evaluate(tiny_model, synthetic()[100:])["f1"] == 1.0


def test_save_and_load_round_trip_gives_identical_scores(
    tiny_model: cw.Model, tmp_path: Path
) -> None:
    path = tmp_path / "m.json.gz"
    cw.save(tiny_model, path)
    loaded = cw.load(path)
    texts = ["Crime fell 12 percent in 2004.", "Thank you.", "Une phrase inconnue 💡"]
    assert loaded.threshold == tiny_model.threshold
    assert loaded.scores(texts) == pytest.approx(tiny_model.scores(texts), abs=1e-6)
    # The same model gives the same bytes: the artefact's diffs mean a real change.
    again = tmp_path / "again.json.gz"
    cw.save(loaded, again)
    assert again.read_bytes() == path.read_bytes()


def test_artefact_is_json_not_pickle(tiny_model: cw.Model, tmp_path: Path) -> None:
    path = tmp_path / "m.json.gz"
    cw.save(tiny_model, path)
    payload = json.loads(gzip.decompress(path.read_bytes()))
    assert payload["format"] == cw.FORMAT
    assert set(payload["views"]) == {"word", "char", "types"}
    assert payload["views"]["types"]["features"] == sorted(claimtypes.TYPES)


def test_claim_types_given_or_found_give_the_same_score(tiny_model: cw.Model) -> None:
    texts = ["Exports doubled to 40 billion dollars in 1999.", "Let me finish, please."]
    found = [claimtypes.claim_types(t).types for t in texts]
    assert found[0] and not found[1]
    assert tiny_model.scores(texts, found) == tiny_model.scores(texts)
    # The types are a view of their own: told a figure is there, the model scores higher.
    assert tiny_model.score(texts[1], ["number", "date"]) != tiny_model.score(texts[1], [])


def test_training_is_deterministic() -> None:
    rows = synthetic()
    a = cw.train(rows[:100], rows[100:], c_grid=(1.0,))
    b = cw.train(rows[:100], rows[100:], c_grid=(1.0,))
    assert a.views == b.views
    assert a.intercept == b.intercept


def test_load_refuses_a_file_that_is_not_a_model(tmp_path: Path) -> None:
    path = tmp_path / "x.json.gz"
    path.write_bytes(gzip.compress(b'{"format": "something else"}'))
    with pytest.raises(ValueError, match="not a check-worthiness model"):
        cw.load(path)
    junk = write(tmp_path / "junk.gz", "plain text")
    with pytest.raises(ValueError, match="not a check-worthiness model"):
        cw.load(junk)


# --- evaluation -----------------------------------------------------------------------------------


def test_evaluate_counts_the_yes_class_at_the_threshold() -> None:
    # Scores come from a stub with fixed numbers, so the arithmetic is checked by hand:
    # predicted yes = {a, b, c}; gold yes = {a, b, d, e}; tp 2, fp 1, fn 2.
    fixed = {"a": 0.9, "b": 0.7, "c": 0.6, "d": 0.4, "e": 0.1, "f": 0.2}

    class Stub(cw.Model):
        def score(self, text: str) -> float:
            return fixed[text]

    model = Stub(threshold=0.5, intercept=0.0, views={})
    gold = {"a": True, "b": True, "c": False, "d": True, "e": True, "f": False}
    rows = [Row(k, k, v) for k, v in gold.items()]
    assert cw.evaluate(model, rows) == {"n": 6, "precision": 0.6667, "recall": 0.5, "f1": 0.5714}
    assert cw.evaluate(model, rows, threshold=0.95) == {
        "n": 6,
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
    }


def test_best_threshold_prefers_a_plateau_to_a_lucky_point() -> None:
    scores = [0.10, 0.20, 0.30, 0.40, 0.60, 0.70, 0.80, 0.90]
    gold = [False, False, False, False, True, True, True, True]
    threshold, f1 = cw.best_threshold(scores, gold)
    assert 0.40 < threshold <= 0.60
    assert f1 == 1.0


# --- the committed artefact -----------------------------------------------------------------------


def test_committed_artefact_loads_and_ranks_obvious_sentences() -> None:
    model = cw.load()
    assert cw.DEFAULT_PATH.stat().st_size < 5_000_000
    high, low = model.scores(["Unemployment fell to 3.5 per cent in 2019.", "Thank you very much."])
    assert high >= model.threshold > low
    assert high > 0.8
    assert low < 0.2
    assert cw.load() is model  # cached: the artefact is read once per process


def test_committed_artefact_meets_its_reported_dev_test_f1() -> None:
    rows = cw.read_tsv(shared_path("checkworthy", "CT24_checkworthy_english_dev-test.tsv"))
    result = cw.evaluate(cw.load(), rows)
    assert result["n"] == 318
    assert result["f1"] >= DEV_TEST_F1


def test_committed_artefact_agrees_with_the_seed_annotators_as_reported(seed_gold: dict) -> None:
    # docs/checkworthiness.md: 51 of 58 sentence/headline units with a true/false label.
    units = [
        u for u in seed_gold["units"] if u["kind"] != "boilerplate" and u["checkworthy"] is not None
    ]
    model = cw.load()
    scores = model.scores([u["text"] for u in units])
    agree = sum(
        (s >= model.threshold) == u["checkworthy"] for u, s in zip(units, scores, strict=True)
    )
    assert len(units) == 58
    assert agree >= 51
