"""The check-worthiness model: reading data, the committed model and its checks, evaluation,
and the cross-validation folds of its training (training itself needs torch: `make train`)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from factcheck.analysis import checkworthiness as cw
from factcheck.analysis import cwtrain
from factcheck.analysis.checkworthiness import Row, TsvError
from tests.conftest import shared_path

# The figures docs/checkworthiness.md reports for the committed model.
DEV_TEST_F1 = 0.8615
SEED_AGREE = 51  # of 58 sentence/headline units with a true/false label
NEWS_AGREE = 251  # of 290 rows of tests/data/news_checkworthy.tsv
NEWS = Path(__file__).resolve().parents[1] / "data" / "news_checkworthy.tsv"


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


# --- evaluation ----------------------------------------------------------------------------


def test_evaluate_counts_the_yes_class_at_the_threshold() -> None:
    # Scores come from a stub with fixed numbers, so the arithmetic is checked by hand:
    # predicted yes = {a, b, c}; gold yes = {a, b, d, e}; tp 2, fp 1, fn 2.
    fixed = {"a": 0.9, "b": 0.7, "c": 0.6, "d": 0.4, "e": 0.1, "f": 0.2}

    class Stub(cw.Model):
        def scores(self, texts: Sequence[str]) -> list[float]:
            return [fixed[t] for t in texts]

    model = Stub(session=None, tokenizer=None, threshold=0.5)
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


# --- the committed model --------------------------------------------------------------------


def test_committed_model_loads_and_ranks_obvious_sentences() -> None:
    model = cw.load()
    size = sum(p.stat().st_size for p in cw.DEFAULT_DIR.iterdir())
    assert size <= 30 * 1024 * 1024  # the budget for committed artefacts
    high, low = model.scores(["Unemployment fell to 3.5 per cent in 2019.", "Thank you very much."])
    assert high >= model.threshold > low
    assert 0.0 <= low < high <= 1.0
    assert cw.load() is model  # cached: the model is read once per process


def test_a_score_does_not_depend_on_the_batch_around_it() -> None:
    # Sentences are sorted by length and padded per batch: padding must not change a score. The
    # int8 graph quantises each batch's activations with a scale of its own, which moves a score
    # by a few thousandths at most; wrong padding or masking moves it by tenths.
    model = cw.load()
    texts = [
        "The deficit rose by $3 billion last year, the treasury said on Monday in a statement.",
        "Thank you.",
        "We cut taxes for 12 million families.",
    ] * 30
    together = model.scores(texts)
    alone = [model.score(t) for t in texts[:3]]
    assert together[:3] == pytest.approx(alone, abs=2e-3)
    assert model.scores([]) == []


# Seven sentences scored together, and their scores: those of exact integer arithmetic (each
# MatMulInteger replaced by an int32 MatMul gave the same six digits). The int8 weights the model
# had before, on an AVX2 CPU without VNNI (as CI's), scored them 0.997086, 0.009369, 0.343588,
# 0.735105, 0.295467, 0.426663, 0.435383: a CPU-dependent kernel moves them by hundredths.
FIXED = {
    "Unemployment fell to 3.5 per cent in 2019.": 0.997935,
    "Thank you very much.": 0.007097,
    "He wants to shut down the country.": 0.318146,
    "Your son said we have to give 10% to the big man.": 0.767592,
    "And we're in a circumstance where the President, thus far, still has no plan.": 0.288023,
    "When you file-when you get a ballot and you fill it out, you're supposed to have an "
    "affidavit.": 0.415654,
    "And it's gone through, including the Democrats, in all fairness.": 0.405027,
}


def test_committed_model_scores_fixed_sentences_as_recorded() -> None:
    assert cw.load().scores(list(FIXED)) == pytest.approx(list(FIXED.values()), abs=1e-6)


def test_committed_model_needs_no_rewrite_against_saturating_kernels() -> None:
    # ONNX Runtime's own remedy for its saturating int8 x int8 kernels (AVX2, AVX-512 without
    # VNNI): with session.x64quantprecision it stores int8 matrix weights as uint8 at load time.
    # The committed model has it built in (cwtrain.matmul_weights_to_uint8), so the option
    # changes nothing; with int8 weights, on such a CPU, every score here moved.
    import onnxruntime

    model = cw.load()
    path = str(cw.DEFAULT_DIR / cw.ONNX_NAME)
    options = cw.session_options(config={"session.x64quantprecision": "1"})
    session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    exact = cw.Model(session=session, tokenizer=model.tokenizer, threshold=model.threshold)
    texts = [r.text for r in cw.read_tsv(NEWS)]
    assert model.scores(texts) == exact.scores(texts)


def test_int8_weights_score_as_the_committed_uint8_ones_where_the_kernel_is_exact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # On a CPU with VNNI or AMX the loader shifts the weights back to int8 (2.5x faster here);
    # the integers multiplied are the same, so every news sentence must score exactly as with
    # the committed uint8 weights. Elsewhere "auto" keeps uint8.
    import onnxruntime

    committed = str(cw.DEFAULT_DIR / cw.ONNX_NAME)
    shifted = cw.int8_weights((cw.DEFAULT_DIR / cw.ONNX_NAME).read_bytes())
    model = cw.load()
    uint8 = onnxruntime.InferenceSession(
        committed, cw.session_options(), providers=["CPUExecutionProvider"]
    )
    int8 = onnxruntime.InferenceSession(
        shifted, cw.session_options(), providers=["CPUExecutionProvider"]
    )
    texts = [r.text for r in cw.read_tsv(NEWS)]
    as_committed = cw.Model(session=uint8, tokenizer=model.tokenizer, threshold=model.threshold)
    as_int8 = cw.Model(session=int8, tokenizer=model.tokenizer, threshold=model.threshold)
    if cw.exact_int8_kernel():
        assert model.kernel == "int8"
        assert as_int8.scores(texts) == as_committed.scores(texts)
    else:
        assert model.kernel == "uint8"
    monkeypatch.setenv(cw.KERNEL_ENV, "uint8")
    cw._load.cache_clear()
    try:
        assert cw.load().kernel == "uint8"
        monkeypatch.setenv(cw.KERNEL_ENV, "fast")
        cw._load.cache_clear()
        with pytest.raises(cw.ModelError, match="FACTCHECK_CW_KERNEL='fast'"):
            cw.load()
    finally:
        cw._load.cache_clear()


def test_exact_int8_kernel_reads_the_cpu_flags() -> None:
    avx2 = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma avx512f avx512bw\n"
    vnni = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 avx512f avx512_vnni\n"
    assert not cw.exact_int8_kernel(avx2)
    assert cw.exact_int8_kernel(vnni)
    assert cw.exact_int8_kernel("flags : sse2 avx2 avx_vnni\n")
    assert cw.exact_int8_kernel("flags : sse2 amx_int8 amx_tile\n")
    assert not cw.exact_int8_kernel("Features : fp asimd\n")  # no x86 flags line at all


def test_a_changed_model_file_is_refused_with_its_name(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(cw.DEFAULT_DIR, folder)
    with (folder / cw.TOKENIZER_NAME).open("a", encoding="utf-8") as fh:
        fh.write(" ")
    with pytest.raises(cw.ModelError, match=r"tokenizer\.json: sha256 .* differs"):
        cw.load(folder)
    (folder / cw.ONNX_NAME).unlink()
    with pytest.raises(cw.ModelError, match="missing"):
        cw.load(folder)


def test_a_folder_without_a_manifest_is_no_model(tmp_path: Path) -> None:
    with pytest.raises(cw.ModelError, match="no check-worthiness model"):
        cw.load(tmp_path)
    write(tmp_path / cw.MANIFEST_NAME, json.dumps({"format": "something else"}))
    with pytest.raises(cw.ModelError, match="format"):
        cw.load(tmp_path)
    write(tmp_path / cw.MANIFEST_NAME, "{not json")
    with pytest.raises(cw.ModelError, match="not a check-worthiness manifest"):
        cw.load(tmp_path)


def test_the_manifest_records_how_the_model_was_made() -> None:
    info = cw.load().info
    assert info["base_model"]["sha256"] == cwtrain.BASE_SHA256
    assert info["training"]["rows"] == 23531
    chosen = info["cross_validation"]["chosen"]
    assert chosen["threshold"] == info["threshold"]
    assert len(chosen["fold_f1"]) == cwtrain.FOLDS


def test_committed_model_meets_its_reported_dev_test_f1() -> None:
    rows = cw.read_tsv(shared_path("checkworthy", "CT24_checkworthy_english_dev-test.tsv"))
    result = cw.evaluate(cw.load(), rows)
    assert result["n"] == 318
    assert result["f1"] >= DEV_TEST_F1


def test_committed_model_agrees_with_the_seed_annotators_as_reported(seed_gold: dict) -> None:
    units = [
        u for u in seed_gold["units"] if u["kind"] != "boilerplate" and u["checkworthy"] is not None
    ]
    model = cw.load()
    scores = model.scores([u["text"] for u in units])
    agree = sum(
        (s >= model.threshold) == u["checkworthy"] for u, s in zip(units, scores, strict=True)
    )
    assert len(units) == 58
    assert agree >= SEED_AGREE


def test_committed_model_agrees_with_the_news_set_as_reported() -> None:
    # tests/data/news_checkworthy.tsv: news sentences labelled by a writer who never saw the model.
    rows = cw.read_tsv(NEWS)
    model = cw.load()
    scores = model.scores([r.text for r in rows])
    agree = sum((s >= model.threshold) == r.label for r, s in zip(rows, scores, strict=True))
    assert len(rows) == 290
    assert agree >= NEWS_AGREE


# --- training: the folds (no torch needed) -----------------------------------------------------


def test_folds_are_contiguous_disjoint_and_cover_every_row() -> None:
    rows = [Row(str(i), f"s{i}", i % 4 == 0) for i in (5, 1, 9, 3, 7, 2, 8, 4, 6, 10)]
    splits = cwtrain.folds(rows, k=3)
    held = [[r.id for r in s.held_out] for s in splits]
    assert held == [["1", "2", "3", "4"], ["5", "6", "7", "8"], ["9", "10"]]
    for split in splits:
        assert {r.id for r in split.rows}.isdisjoint(r.id for r in split.held_out)
        assert len(split.rows) + len(split.held_out) == len(rows)
    assert len({s.seed for s in splits}) == 3
