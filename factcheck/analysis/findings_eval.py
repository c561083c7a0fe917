"""Scoring the findings against a folder of annotated drafts (``NN-beat.txt`` + ``NN-beat.json``).

Each JSON lists planted ``discrepancies`` and ``decoys``, each as two verbatim excerpts ``a`` and
``b`` from two sentences of the draft (see tests/data/findings_eval/README.md). A finding
*finds* a discrepancy when it links the sentence holding ``a`` with the sentence holding ``b``,
or links one of them with another sentence whose marked words occur in the other excerpt (the
draft may state the first value twice, in the headline and the body: pairing either with the
conflicting sentence is the same catch). A finding that finds no discrepancy is false; one that
links a decoy's two sentences is also counted as a decoy flagged.

Plain Python: the drafts are segmented and analysed exactly as on import.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from factcheck.analysis import findings as findings_mod
from factcheck.analysis.normalise import normalise_text as normalise
from factcheck.analysis.segment import segment


@dataclass
class DraftScore:
    name: str
    planted: int
    found: int
    false: int
    decoys: int
    decoys_flagged: int
    missed: list[dict[str, Any]] = field(default_factory=list)
    false_findings: list[str] = field(default_factory=list)
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [found, planted]


def _unit_of(units: Sequence[str], excerpt: str) -> int | None:
    for i, text in enumerate(units):
        if excerpt in text:
            return i
    return None


def draft_units(text: str) -> tuple[list[str], list[str]]:
    """The units and kinds of a draft, segmented exactly as on import."""
    text = normalise(text)
    segs = segment(text)
    return [text[u.start : u.end] for u in segs], [u.kind for u in segs]


def finds(f: findings_mod.Finding, item: dict[str, Any], units: Sequence[str]) -> bool:
    """Whether finding ``f`` finds the planted discrepancy (or links the decoy) ``item``."""
    ua, ub = _unit_of(units, normalise(item["a"])), _unit_of(units, normalise(item["b"]))
    pair = {f.a, f.b}
    if ua is not None and ub is not None and pair == {ua, ub}:
        return True
    for here, excerpt in ((ub, item["a"]), (ua, item["b"])):
        if here is None or here not in pair:
            continue
        other = f.b if f.a == here else f.a
        span = f.a_span if other == f.a else f.b_span
        marked = units[other][span[0] : span[1]].strip() if span else ""
        if marked and marked in normalise(excerpt):
            return True
    return False


def score_draft(
    text: str,
    gold: dict[str, Any],
    name: str,
    finder: Callable[[Sequence[str], Sequence[str]], list[findings_mod.Finding]],
) -> DraftScore:
    units, kinds = draft_units(text)
    return score_found(units, gold, name, finder(units, kinds))


def score_found(
    units: Sequence[str], gold: dict[str, Any], name: str, found: Sequence[findings_mod.Finding]
) -> DraftScore:
    """What the findings ``found`` among a draft's ``units`` find of its annotation ``gold``."""

    def links(f: findings_mod.Finding, item: dict[str, Any]) -> bool:
        return finds(f, item, units)

    discrepancies = gold.get("discrepancies", [])
    decoys = gold.get("decoys", [])
    hit = [False] * len(discrepancies)
    false = []
    for f in found:
        matched = [i for i, d in enumerate(discrepancies) if links(f, d)]
        for i in matched:
            hit[i] = True
        if not matched:
            false.append(f"{units[f.a][:60]!r} / {units[f.b][:60]!r}: {f.summary}")
    flagged = sum(1 for d in decoys if any(links(f, d) for f in found))
    by_kind: dict[str, list[int]] = {}
    for d, h in zip(discrepancies, hit, strict=True):
        entry = by_kind.setdefault(d["kind"], [0, 0])
        entry[0] += int(h)
        entry[1] += 1
    return DraftScore(
        name=name,
        planted=len(discrepancies),
        found=sum(hit),
        false=len(false),
        decoys=len(decoys),
        decoys_flagged=flagged,
        missed=[d for d, h in zip(discrepancies, hit, strict=True) if not h],
        false_findings=false,
        by_kind=by_kind,
    )


def score_folder(
    folder: Path,
    finder: Callable[[Sequence[str], Sequence[str]], list[findings_mod.Finding]] | None = None,
) -> dict[str, Any]:
    """The folder's totals: recall, false findings per draft, decoys flagged, per kind, and the
    drafts' details (what was missed, what was raised wrongly)."""
    finder = finder or findings_mod.find_findings
    drafts = []
    for path in sorted(Path(folder).rglob("*.json")):  # a folder of writers' folders too
        gold = json.loads(path.read_text(encoding="utf-8"))
        text = path.with_suffix(".txt").read_text(encoding="utf-8")
        name = str(path.relative_to(folder).with_suffix(""))
        drafts.append(score_draft(text, gold, name, finder))
    if not drafts:
        raise FileNotFoundError(f"{folder}: no annotated drafts (*.json beside *.txt) there.")
    planted = sum(d.planted for d in drafts)
    decoys = sum(d.decoys for d in drafts)
    kinds: dict[str, list[int]] = {}
    for d in drafts:
        for kind, (f, p) in d.by_kind.items():
            entry = kinds.setdefault(kind, [0, 0])
            entry[0] += f
            entry[1] += p
    return {
        "drafts": len(drafts),
        "planted": planted,
        "found": sum(d.found for d in drafts),
        "recall": round(sum(d.found for d in drafts) / planted, 4) if planted else 0.0,
        "false_findings": sum(d.false for d in drafts),
        "false_per_draft": round(sum(d.false for d in drafts) / len(drafts), 3),
        "decoys": decoys,
        "decoys_flagged": sum(d.decoys_flagged for d in drafts),
        "decoys_flagged_share": (
            round(sum(d.decoys_flagged for d in drafts) / decoys, 4) if decoys else 0.0
        ),
        "by_kind": {k: {"found": v[0], "planted": v[1]} for k, v in sorted(kinds.items())},
        "details": [
            {
                "draft": d.name,
                "missed": [f"{m['kind']}: {m['why']}" for m in d.missed],
                "false": d.false_findings,
            }
            for d in drafts
        ],
    }
