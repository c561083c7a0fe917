"""Check-worthiness: how likely a fact-checker would want to check a sentence, as a score in [0, 1].

The model is a logistic regression over two TF-IDF views of the sentence and one set of
indicators, trained on the CLEF CheckThat! 2024 English data (US political debates; see
docs/checkworthiness.md):

* word unigrams and bigrams (``\\b\\w\\w+\\b`` on the normalised text),
* character n-grams of 2-5 inside word boundaries (each word padded with a space), which carry
  morphology and spelling variants that the word view misses, and
* the sentence's claim types (:mod:`factcheck.analysis.claimtypes`: number, quote, attribution,
  date, entity, comparison, event), each a 0/1 indicator scaled by a factor chosen on dev.
  Unlike words, they do not depend on what a debate is about, so they carry over to other
  topics and to news copy.

Text is normalised first: lower case, curly quotes made straight, and every digit written as
``0``, so "3.5 per cent" and "41 per cent" share features: the model learns that a figure is
there, not which one. Each TF-IDF view is scaled like scikit-learn's ``TfidfVectorizer`` with
``sublinear_tf`` and L2 norm, so the trained weights apply unchanged.

Scoring is plain Python (dictionary look-ups; no numpy at run time); training needs
scikit-learn, imported only inside :func:`train`. The artefact is gzip-compressed JSON (never a
pickle: loading one executes code), written byte-for-byte reproducibly.

No Django imports: this module is tested and benchmarked on its own.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from factcheck.analysis import claimtypes

__all__ = [
    "DEFAULT_PATH",
    "HEADER",
    "Model",
    "Row",
    "TsvError",
    "evaluate",
    "features",
    "load",
    "read_tsv",
    "save",
    "train",
]

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "checkworthiness.json.gz"
HEADER = ("Sentence_id", "Text", "class_label")
LABELS = {"Yes": True, "No": False}
FORMAT = "factcheck-checkworthiness/2"

# Tuned on dev: the regularisation strengths, the claim-type indicators' scales and the
# thresholds searched.
C_GRID = (0.3, 1.0, 3.0)
TYPE_SCALES = (0.25, 0.5, 1.0)
# The TF-IDF views (L2-normalised per view) and the indicator view (each feature present adds
# its scale times its weight).
TFIDF_VIEWS = ("word", "char")
TYPES_VIEW = "types"
THRESHOLDS = tuple(round(0.05 + 0.01 * i, 2) for i in range(91))
# The threshold is the best of F1 averaged over this many grid steps either side, so that it
# sits on a plateau of the dev curve rather than on one lucky point of 1,031 sentences.
SMOOTHING = 2
MIN_DF = {"word": 2, "char": 3}


class TsvError(ValueError):
    """A data file we refuse; str(exc) names the file, the line and what is wrong."""


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    text: str
    label: bool


@dataclass(frozen=True, eq=False)
class Model:
    """A trained model: ``scores(texts)`` gives each text's probability of being check-worthy.

    ``threshold`` is the shipped decision threshold (score >= threshold means check-worthy).
    ``views`` maps a view name to {feature: (idf, weight)}: "word" and "char" are TF-IDF views;
    in "types" the first number is the indicator's scale, not an idf. ``info`` records how the
    model was made (hyperparameters, data sizes, dev figures) for the model card.
    """

    threshold: float
    intercept: float
    views: Mapping[str, Mapping[str, tuple[float, float]]]
    info: Mapping[str, Any] = field(default_factory=dict)

    # Per view, {feature: (idf * weight, idf ** 2)}: the two products the score needs, made
    # once at load so that scoring a feature costs one look-up.
    _fast: dict[str, dict[str, tuple[float, float]]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        for name, table in self.views.items():
            self._fast[name] = {k: (idf * w, idf * idf) for k, (idf, w) in table.items()}

    def score(self, text: str, types: Sequence[str] | None = None) -> float:
        """The text's probability of being check-worthy. ``types``: its claim types, when the
        caller has them already (else they are found here)."""
        z = self.intercept
        for name, counts in features(text, types).items():
            table = self._fast.get(name)
            if not table:
                continue
            if name == TYPES_VIEW:
                z += sum(table[feat][0] for feat in counts if feat in table)
                continue
            dot = 0.0
            sq = 0.0
            for feat, n in counts.items():
                entry = table.get(feat)
                if entry is None:
                    continue
                if n == 1:
                    dot += entry[0]
                    sq += entry[1]
                else:
                    tf = 1.0 + math.log(n)
                    dot += tf * entry[0]
                    sq += tf * tf * entry[1]
            if sq > 0.0:
                z += dot / math.sqrt(sq)
        return _sigmoid(z)

    def scores(
        self, texts: Sequence[str], types: Sequence[Sequence[str]] | None = None
    ) -> list[float]:
        if types is None:
            return [self.score(text) for text in texts]
        return [self.score(text, t) for text, t in zip(texts, types, strict=True)]


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


# --- features ------------------------------------------------------------------------------------

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‛": "'", "“": '"', "”": '"', "„": '"'})
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"\b\w\w+\b")


def normalise(text: str) -> str:
    return _DIGIT.sub("0", text.lower().translate(_QUOTES))


def features(text: str, types: Sequence[str] | None = None) -> dict[str, Counter[str]]:
    """The raw feature counts of one text, per view: word 1-2-grams, char 2-5-grams and its
    claim types (``types`` if given, else found here)."""
    norm = normalise(text)
    tokens = _WORD.findall(norm)
    words: Counter[str] = Counter(tokens)
    words.update(f"{a} {b}" for a, b in itertools.pairwise(tokens))
    chars: Counter[str] = Counter()
    for word in norm.split():
        chars.update(_char_grams(word))
    if types is None:
        types = claimtypes.claim_types(text).types
    return {"word": words, "char": chars, TYPES_VIEW: Counter(set(types))}


@functools.lru_cache(maxsize=1 << 16)
def _char_grams(word: str) -> tuple[str, ...]:
    # Cached: a language repeats its words, and slicing them is most of the featurising time.
    padded = f" {word} "
    size = len(padded)
    return tuple(padded[i : i + n] for n in range(2, 6) if size >= n for i in range(size - n + 1))


# --- data ----------------------------------------------------------------------------------------


def read_tsv(path: Path, *, on_malformed: Callable[[int, str], None] | None = None) -> list[Row]:
    """Read a CheckThat!-style file: tab-separated, header ``Sentence_id Text class_label``,
    labels ``Yes``/``No``, texts optionally CSV-quoted.

    A malformed row (wrong number of fields, unknown label) raises :class:`TsvError`, unless
    ``on_malformed`` is given: then it is called with (line number, message) and the row is
    skipped. The released train file has one such row (two rows run together). A missing file,
    wrong header or bad encoding always raises.
    """
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise TsvError(f"{path}: no such file.") from exc
    except IsADirectoryError as exc:
        raise TsvError(f"{path}: is a directory, not a file.") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TsvError(f"{path}, line {line}: not valid UTF-8 ({exc.reason}).") from exc
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t")
    header = next(reader, None)
    if header is None:
        raise TsvError(f"{path}: the file is empty; expected a header {_show(HEADER)}.")
    if tuple(h.strip() for h in header) != HEADER:
        raise TsvError(f"{path}, line 1: header is {_show(header)}, expected {_show(HEADER)}.")
    rows: list[Row] = []
    for record in reader:
        line = reader.line_num
        if not record or record == [""]:
            continue
        problem = None
        if len(record) != len(HEADER):
            problem = f"{len(record)} fields, expected {len(HEADER)}"
        elif record[2].strip() not in LABELS:
            problem = f"label {record[2]!r}, expected 'Yes' or 'No'"
        if problem is not None:
            if on_malformed is None:
                raise TsvError(f"{path}, line {line}: {problem}.")
            on_malformed(line, problem)
            continue
        rows.append(Row(id=record[0], text=record[1], label=LABELS[record[2].strip()]))
    return rows


def _show(fields: Iterable[str]) -> str:
    return "\\t".join(fields)


# --- evaluation ----------------------------------------------------------------------------------


def evaluate(
    model: Model, rows: Sequence[Row], *, threshold: float | None = None
) -> dict[str, Any]:
    """Precision, recall and F1 of the ``Yes`` class at ``threshold`` (default: the model's),
    rounded to 4 places: ``{"n", "precision", "recall", "f1"}``."""
    cut = model.threshold if threshold is None else threshold
    predicted = [s >= cut for s in model.scores([r.text for r in rows])]
    return _prf(predicted, [r.label for r in rows])


def _prf(predicted: Sequence[bool], gold: Sequence[bool]) -> dict[str, Any]:
    tp = sum(1 for p, g in zip(predicted, gold, strict=True) if p and g)
    fp = sum(1 for p, g in zip(predicted, gold, strict=True) if p and not g)
    fn = sum(1 for p, g in zip(predicted, gold, strict=True) if g and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n": len(gold),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def best_threshold(scores: Sequence[float], gold: Sequence[bool]) -> tuple[float, float]:
    """The threshold on :data:`THRESHOLDS` with the best smoothed F1, and its own F1."""
    f1s = [_prf([s >= t for s in scores], gold)["f1"] for t in THRESHOLDS]
    smoothed = []
    for i in range(len(f1s)):
        window = f1s[max(0, i - SMOOTHING) : i + SMOOTHING + 1]
        smoothed.append(sum(window) / len(window))
    best = max(range(len(f1s)), key=lambda i: (smoothed[i], f1s[i]))
    return THRESHOLDS[best], f1s[best]


# --- training ------------------------------------------------------------------------------------


def train(
    train: Sequence[Row],
    dev: Sequence[Row],
    *,
    c_grid: Sequence[float] = C_GRID,
    type_scales: Sequence[float] = TYPE_SCALES,
) -> Model:
    """Fit on ``train`` for each C in ``c_grid`` and each claim-type scale in ``type_scales``;
    keep the pair and the threshold best on ``dev``.

    Deterministic: the vocabulary is sorted and the solver (L-BFGS) has no randomness.
    """
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    if not train or not dev:
        raise ValueError("train and dev must both have rows.")
    labels = np.array([r.label for r in train], dtype=np.int8)
    if labels.min() == labels.max():
        raise ValueError("train needs both Yes and No rows.")
    train_feats = [features(r.text) for r in train]
    dev_feats = [features(r.text) for r in dev]
    vocab: dict[str, list[str]] = {}
    idf: dict[str, list[float]] = {}
    n_docs = len(train)
    for name in TFIDF_VIEWS:
        df: Counter[str] = Counter()
        for f in train_feats:
            df.update(f[name].keys())
        vocab[name] = sorted(k for k, v in df.items() if v >= MIN_DF[name])
        # scikit-learn's smooth idf: ln((1 + n) / (1 + df)) + 1.
        idf[name] = [math.log((1 + n_docs) / (1 + df[k])) + 1.0 for k in vocab[name]]

    offsets: dict[str, int] = {}
    index: dict[str, dict[str, int]] = {}
    width = 0
    for name in TFIDF_VIEWS:
        offsets[name] = width
        index[name] = {k: i for i, k in enumerate(vocab[name])}
        width += len(vocab[name])

    def tfidf(rows_feats: Sequence[dict[str, Counter[str]]]) -> Any:
        data: list[float] = []
        cols: list[int] = []
        ptr = [0]
        for f in rows_feats:
            for name in TFIDF_VIEWS:
                ix = index[name]
                weights = idf[name]
                part = [
                    (ix[k], (1.0 + math.log(n)) * weights[ix[k]])
                    for k, n in f[name].items()
                    if k in ix
                ]
                norm = math.sqrt(sum(v * v for _, v in part)) or 1.0
                for j, v in sorted(part):
                    cols.append(offsets[name] + j)
                    data.append(v / norm)
            ptr.append(len(cols))
        return csr_matrix((data, cols, ptr), shape=(len(rows_feats), width))

    def indicators(rows_feats: Sequence[dict[str, Counter[str]]]) -> Any:
        return csr_matrix(
            [[1.0 if t in f[TYPES_VIEW] else 0.0 for t in claimtypes.TYPES] for f in rows_feats]
        )

    x_train, x_dev = tfidf(train_feats), tfidf(dev_feats)
    t_train, t_dev = indicators(train_feats), indicators(dev_feats)
    dev_gold = [r.label for r in dev]
    best: tuple[float, float, float, float, Any] | None = None
    for scale in type_scales:
        fit_x = hstack([x_train, t_train * scale]).tocsr()
        dev_x = hstack([x_dev, t_dev * scale]).tocsr()
        for c in c_grid:
            clf = LogisticRegression(C=c, class_weight="balanced", solver="lbfgs", max_iter=5000)
            clf.fit(fit_x, labels)
            dev_scores = clf.predict_proba(dev_x)[:, 1].tolist()
            threshold, f1 = best_threshold(dev_scores, dev_gold)
            if best is None or f1 > best[0]:
                best = (f1, c, scale, threshold, clf)
    assert best is not None
    dev_f1, c, scale, threshold, clf = best
    coef = clf.coef_[0].tolist()
    views: dict[str, dict[str, tuple[float, float]]] = {
        name: {k: (idf[name][i], coef[offsets[name] + i]) for i, k in enumerate(vocab[name])}
        for name in TFIDF_VIEWS
    }
    views[TYPES_VIEW] = {t: (scale, coef[width + i]) for i, t in enumerate(claimtypes.TYPES)}
    info = {
        "method": (
            "logistic regression (class-balanced) on word 1-2-gram + char_wb 2-5-gram TF-IDF "
            "and claim-type indicators"
        ),
        "C": c,
        "type_scale": scale,
        "train_rows": len(train),
        "dev_rows": len(dev),
        "dev_f1": dev_f1,
    }
    return Model(threshold=threshold, intercept=float(clf.intercept_[0]), views=views, info=info)


# --- artefact ------------------------------------------------------------------------------------

_DIGITS = 6  # significant digits kept in the artefact: far below the noise of the fit


def save(model: Model, path: Path) -> None:
    """Write ``model`` as gzip-compressed JSON; the same model always gives the same bytes."""
    payload = {
        "format": FORMAT,
        "threshold": model.threshold,
        "intercept": _round(model.intercept),
        "info": dict(model.info),
        "views": {
            name: {
                "features": sorted(table),
                "idf": [_round(table[k][0]) for k in sorted(table)],
                "weight": [_round(table[k][1]) for k in sorted(table)],
            }
            for name, table in sorted(model.views.items())
        },
    }
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(raw.encode("utf-8"), compresslevel=9, mtime=0))


def _round(value: float) -> float:
    return float(f"{value:.{_DIGITS}g}")


def load(path: Path | None = None) -> Model:
    """Load a saved model (default: the committed artefact). Cached per path: the artefact is
    read once per process."""
    return _load(Path(path or DEFAULT_PATH).resolve())


@functools.lru_cache(maxsize=4)
def _load(path: Path) -> Model:
    try:
        payload = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"{path}: no check-worthiness model there.") from exc
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a check-worthiness model ({exc}).") from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ValueError(f"{path}: not a check-worthiness model (format {FORMAT} expected).")
    views = {
        name: dict(zip(v["features"], zip(v["idf"], v["weight"], strict=True), strict=True))
        for name, v in payload["views"].items()
    }
    return Model(
        threshold=float(payload["threshold"]),
        intercept=float(payload["intercept"]),
        views=views,
        info=payload.get("info", {}),
    )
