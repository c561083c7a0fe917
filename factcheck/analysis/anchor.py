"""TEMPORARY stand-in for the re-anchoring algorithm (the real one is written on another branch
and replaces this file when it lands on main). Same interface, crude rules: enough for the
services and their tests, not for accuracy."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Outcome = Literal["kept", "changed", "removed", "orphaned"]

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "«": '"', "»": '"'})
_QUOTES.update(str.maketrans({"„": '"'}))
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Placement:
    outcome: Outcome
    unit: int | None
    start: int | None
    end: int | None
    score: float
    candidates: tuple[int, ...] = ()


def _norm(text: str) -> str:
    return " ".join(text.translate(_QUOTES).split())


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def _lcs(a: list[str], b: list[str]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        previous = 0
        for j, y in enumerate(b, 1):
            current = row[j]
            row[j] = previous + 1 if x == y else max(row[j], row[j - 1])
            previous = current
    return row[-1]


def reanchor(
    old_text: str,
    old_units: Sequence[tuple[int, int]],
    new_text: str,
    new_units: Sequence[tuple[int, int]],
    claims: Sequence[tuple[int, int]],
) -> list[Placement]:
    new_norm = [_norm(new_text[s:e]) for s, e in new_units]
    new_words = [_words(new_text[s:e]) for s, e in new_units]
    out: list[Placement] = []
    for start, end in claims:
        old = next((i for i, (s, e) in enumerate(old_units) if s <= start and end <= e), None)
        if old is None:
            out.append(Placement("removed", None, None, None, 0.0))
            continue
        s, e = old_units[old]
        sentence = _norm(old_text[s:e])
        exact = [i for i, text in enumerate(new_norm) if text == sentence]
        if exact:
            unit = min(exact, key=lambda i: abs(i - old))
            if (
                len(exact) > 1
                and sorted(abs(i - old) for i in exact)[:2].count(abs(unit - old)) > 1
            ):
                out.append(Placement("orphaned", None, None, None, 1.0, tuple(exact)))
                continue
            out.append(_kept(old_text, start, end, s, e, new_text, new_units[unit], unit))
            continue
        words = _words(old_text[start:end])
        scores = [(_lcs(words, w) / max(len(words), 1), i) for i, w in enumerate(new_words)]
        scores.sort(key=lambda x: (-x[0], abs(x[1] - old)))
        best, unit = scores[0] if scores else (0.0, -1)
        if best < 0.4:
            between = _between(old_text, old_units, old, new_norm)
            if between:
                out.append(Placement("orphaned", None, None, None, best, between))
            else:
                out.append(Placement("removed", None, None, None, best))
        elif best >= 0.6 and (len(scores) == 1 or scores[1][0] < best):
            a, b = new_units[unit]
            out.append(Placement("changed", unit, a, b, best))
        else:
            top = tuple(i for score, i in scores if score >= 0.4)[:3]
            out.append(Placement("orphaned", None, None, None, best, top))
    return out


def _between(
    old_text: str, old_units: Sequence[tuple[int, int]], old: int, new_norm: list[str]
) -> tuple[int, ...]:
    """The new units between the unchanged neighbours of old unit ``old``: a sentence rewritten
    in its place."""

    def find(i: int) -> int | None:
        if not 0 <= i < len(old_units):
            return None
        s, e = old_units[i]
        text = _norm(old_text[s:e])
        return next((j for j, t in enumerate(new_norm) if t == text), None)

    before = -1 if old == 0 else find(old - 1)
    after = len(new_norm) if old == len(old_units) - 1 else find(old + 1)
    if before is None or after is None or after - before < 2:
        return ()
    return tuple(range(before + 1, after))


def _kept(
    old_text: str,
    start: int,
    end: int,
    s: int,
    e: int,
    new_text: str,
    unit_span: tuple[int, int],
    unit: int,
) -> Placement:
    a, b = unit_span
    if (start, end) == (s, e):
        return Placement("kept", unit, a, b, 1.0)
    found = new_text.find(old_text[start:end], a, b)
    if found < 0:
        return Placement("changed", unit, a, b, 0.9)
    return Placement("kept", unit, found, found + (end - start), 1.0)


def quote_selector(text: str, start: int, end: int, context: int = 32) -> dict[str, object]:
    return {
        "quote": text[start:end],
        "prefix": text[max(0, start - context) : start],
        "suffix": text[end : end + context],
        "start": start,
        "end": end,
    }
