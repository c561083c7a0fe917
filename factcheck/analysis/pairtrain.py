"""Training the pair model that decides which candidate pairs of facts are conflicts.

Every candidate pair (two facts of one slot with different values, :func:`conflicts.features`)
of every annotated draft is labelled by the evaluation's own matching: a pair is a conflict when
its finding finds a planted discrepancy (:func:`findings_eval.finds`). A logistic regression
(L2, Newton's method, numpy) weighs the features. Its strength and the decision threshold are
chosen by cross-validation that leaves one folder out at a time (each folder is one writer's
drafts, so each fold is scored on a writer the model has not read): the highest recall of the
findings the desk would show (the name variants beside the kept pairs, each pair once, scored
as ``evaluate_findings`` scores them) with at most :data:`MAX_FALSE_PER_DRAFT` false findings
per draft and :data:`MAX_DECOY_SHARE` of the decoys flagged. Deterministic: no randomness at all.

``manage.py train_findings DIR ...`` writes ``data/findings/pair_model.json``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factcheck.analysis import conflicts, findings, findings_eval, nlp
from factcheck.analysis.normalise import normalise_text

STRENGTHS = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(2, 19))
MAX_FALSE_PER_DRAFT = 0.85
MAX_DECOY_SHARE = 0.07


@dataclass
class Draft:
    """One annotated draft, analysed once: its candidate pairs and their labels."""

    name: str
    group: str  # the folder: one writer's drafts
    units: list[str]
    gold: dict[str, Any]
    variants: list[findings.Finding]
    candidates: list[conflicts.Conflict]
    labels: list[int]


def load(folders: Sequence[Path]) -> list[Draft]:
    """The annotated drafts (``NN-beat.txt`` + ``NN-beat.json``) of the folders, analysed."""
    out = []
    for folder in folders:
        paths = sorted(Path(folder).glob("*.json"))
        if not paths:
            raise FileNotFoundError(f"{folder}: no annotated drafts (*.json beside *.txt) there.")
        for path in paths:
            gold = json.loads(path.read_text(encoding="utf-8"))
            text = path.with_suffix(".txt").read_text(encoding="utf-8")
            units, kinds = findings_eval.draft_units(text)
            skip = findings.skipped(units, kinds)
            docs = nlp.parse(units)
            candidates = conflicts.find_conflicts(
                units, docs, skip, threshold=0.0, scorer=lambda x: 1.0
            )
            labels = [int(_is_planted(c, gold["discrepancies"], units)) for c in candidates]
            out.append(
                Draft(
                    f"{Path(folder).name}/{path.stem}",
                    str(folder),
                    units,
                    gold,
                    findings.name_variants(units, skip),
                    candidates,
                    labels,
                )
            )
    return out


def _is_planted(
    c: conflicts.Conflict, planted: Sequence[dict[str, Any]], units: Sequence[str]
) -> bool:
    """Whether a candidate pair is a planted discrepancy: the values it marks in its two units
    are in the discrepancy's two excerpts. (The evaluation also credits a finding that links
    the planted two sentences by other words; as a training label that would teach the model
    that any two figures of those sentences conflict.)"""
    wa = units[c.a.unit][c.a.span[0] : c.a.span[1]].strip()
    wb = units[c.b.unit][c.b.span[0] : c.b.span[1]].strip()
    for d in planted:
        xa, xb = normalise_text(d["a"]), normalise_text(d["b"])
        if (wa in xa and wb in xb) or (wa in xb and wb in xa):
            return any(x in units[c.a.unit] or x in units[c.b.unit] for x in (xa, xb))
    return False


def fit(x: Any, y: Any, strength: float, steps: int = 50) -> tuple[Any, float]:
    """L2-regularised logistic regression by Newton's method: (weights, bias). The bias is not
    penalised."""
    import numpy as np

    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    w = np.zeros(d + 1)
    penalty = np.full(d + 1, strength)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ w, -40, 40)))
        grad = xb.T @ (p - y) + penalty * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def _matrix(drafts: Sequence[Draft]) -> tuple[Any, Any]:
    import numpy as np

    rows = [c.features for d in drafts for c in d.candidates]
    labels = [y for d in drafts for y in d.labels]
    return np.array(rows, dtype=float).reshape(-1, len(conflicts.FEATURES)), np.array(labels)


def evaluate(
    drafts: Sequence[Draft], scores: Sequence[Sequence[float]], threshold: float
) -> dict[str, Any]:
    """The findings' figures (as ``evaluate_findings`` gives them) when each draft keeps the
    candidates scored at ``threshold`` or above."""
    totals = {"planted": 0, "found": 0, "false": 0, "decoys": 0, "decoys_flagged": 0}
    for d, s in zip(drafts, scores, strict=True):
        kept = [
            conflicts.Conflict(c.a, c.b, c.summary, c.what, p, c.features)
            for c, p in zip(d.candidates, s, strict=True)
            if p >= threshold
        ]
        listed = findings.combine(d.variants, kept)
        result = findings_eval.score_found(d.units, d.gold, d.name, listed)
        totals["planted"] += result.planted
        totals["found"] += result.found
        totals["false"] += result.false
        totals["decoys"] += result.decoys
        totals["decoys_flagged"] += result.decoys_flagged
    shown = totals["found"] + totals["false"]
    recall = totals["found"] / totals["planted"] if totals["planted"] else 0.0
    precision = totals["found"] / shown if shown else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        **totals,
        "recall": round(recall, 4),
        "false_per_draft": round(totals["false"] / len(drafts), 3),
        "f1": round(f1, 4),
    }


def _scores(drafts: Sequence[Draft], w: Any, b: float) -> list[list[float]]:
    model = conflicts.PairModel(dict(zip(conflicts.FEATURES, map(float, w), strict=True)), b, 0.5)
    return [[model.score(c.features) for c in d.candidates] for d in drafts]


def cross_validate(drafts: Sequence[Draft]) -> dict[str, Any]:
    """Out-of-fold scores for each regularisation strength; the strength and threshold with the
    best out-of-fold F1 of findings."""
    groups = sorted({d.group for d in drafts})
    folds = [[i for i, d in enumerate(drafts) if d.group == g] for g in groups]
    table = []
    best: dict[str, Any] | None = None
    for strength in STRENGTHS:
        oof: list[list[float]] = [[] for _ in drafts]
        for held in folds:
            train = [d for i, d in enumerate(drafts) if i not in held]
            w, b = fit(*_matrix(train), strength)
            for i, s in zip(held, _scores([drafts[i] for i in held], w, b), strict=True):
                oof[i] = s
        for t in THRESHOLDS:
            table.append({"strength": strength, "threshold": t, **evaluate(drafts, oof, t)})
    # The desk's targets: most planted discrepancies found, at most one false finding per
    # draft, few decoys flagged. Chosen with a margin under each bound, since an unseen writer
    # differs from the folds' writers; ties go to fewer false findings.
    within = [
        r
        for r in table
        if r["false_per_draft"] <= MAX_FALSE_PER_DRAFT
        and r["decoys_flagged"] <= MAX_DECOY_SHARE * r["decoys"]
    ]
    best = max(within or table, key=lambda r: (r["recall"], -r["false_per_draft"], r["f1"]))
    return {"chosen": best, "table": table}


def _shown(folder: Path) -> str:
    """A folder as the model file names it: from the project's root when it is inside it."""
    root = Path(__file__).resolve().parents[2]
    try:
        return str(folder.resolve().relative_to(root))
    except ValueError:
        return str(folder)


def train(folders: Sequence[Path], out: Path = conflicts.PAIR_MODEL) -> dict[str, Any]:
    """Cross-validate, fit the chosen strength on every draft, write the model file; returns
    what was written."""
    drafts = load(folders)
    cv = cross_validate(drafts)
    chosen = cv["chosen"]
    w, b = fit(*_matrix(drafts), chosen["strength"])
    model = {
        "weights": {n: round(float(v), 6) for n, v in zip(conflicts.FEATURES, w, strict=True)},
        "bias": round(b, 6),
        "threshold": chosen["threshold"],
        "info": {
            "trained_on": [_shown(Path(f)) for f in folders],
            "drafts": len(drafts),
            "candidates": sum(len(d.candidates) for d in drafts),
            "positives": sum(sum(d.labels) for d in drafts),
            "folds": "one per folder (each folder is one writer's drafts)",
            "cross_validation": chosen,
            "fit_on_all": evaluate(drafts, _scores(drafts, w, b), chosen["threshold"]),
        },
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    conflicts.weights.cache_clear()
    return model
