"""Contradictions inside one draft, and names spelled two ways.

``find_findings(units)`` reads a draft already split into units and returns :class:`Finding` s:

* **contradiction**: two sentences give a different value for the same slot, found by
  :mod:`factcheck.analysis.conflicts` (each sentence reduced to facts with the words they hang
  on, facts compared within their slot only).
* **name_variant**: one capitalised name written two ways (an edit of one letter, a changed
  final vowel, a hyphen for a space), never a possessive, plural, demonym or a surname beside
  the full name.

Precision matters more than recall: a desk drowning in false alarms ignores them all, so every
rule prefers to stay silent when the two sentences might be about different things.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from factcheck.analysis import conflicts, lexicon, nlp, quotes

CONTRADICTION = "contradiction"
NAME_VARIANT = "name_variant"


@dataclass(frozen=True)
class Finding:
    """Two units that disagree (``a < b``), with the conflicting words' offsets in each unit."""

    kind: str
    a: int
    b: int
    summary: str
    what: str
    a_span: tuple[int, int] | None
    b_span: tuple[int, int] | None
    score: float = 1.0  # for a contradiction, the pair model's probability


# --- Words -------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\d[\d,.]*\d|\d|[^\W\d_](?:[\w]|[’'\-](?=\w))*|[^\w\s]")
_APOSTROPHES = "’'"

_STOPWORDS = lexicon.FUNCTION_WORDS | frozenset(
    """it's doing either neither ones vs along amid behind beside beyond despite except further
    including inside outside past toward towards unlike like within""".split()
)
# Capitalised, yet never a name.
_NEVER_NAMES = _STOPWORDS | frozenset(lexicon.WEEKDAYS) | frozenset(lexicon.MONTH_NUMBERS)


@dataclass(frozen=True, slots=True)
class _Tok:
    text: str
    start: int
    end: int
    low: str
    is_word: bool
    is_cap: bool


def _tokens(text: str) -> list[_Tok]:
    out = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        out.append(
            _Tok(word, m.start(), m.end(), word.lower(), word[0].isalpha(), word[0].isupper())
        )
    return out


@lru_cache(maxsize=65536)
def _bare(word: str) -> str:
    """``word`` without a possessive ending: Orlen's -> Orlen, Miners’ -> Miners."""
    for suffix in ("’s", "'s"):
        if word.endswith(suffix):
            return word[: -len(suffix)]
    return word.rstrip(_APOSTROPHES)


@dataclass
class _Sentence:
    index: int
    text: str
    toks: list[_Tok]


# --- Entities, dates, codes --------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _parts(word: str) -> tuple[str, ...]:
    """A word and, when hyphenated, its parts: Novo-Mesto, Novo, Mesto."""
    bare = _bare(word)
    pieces = [p for p in bare.split("-") if p]
    return (bare, *pieces) if len(pieces) > 1 else (bare,)


def _proper_nouns(sentences: list[_Sentence]) -> set[str]:
    """Capitalised words that are names in this draft: seen capitalised mid-sentence."""
    mid_caps: set[str] = set()
    lower: set[str] = set()
    for s in sentences:
        if lexicon.is_title_case(s.text):
            continue  # a headline in Title Case capitalises every word
        previous: _Tok | None = None
        for t in s.toks:
            if t.is_word:
                parts = _parts(t.text)
                if not t.is_cap:
                    lower.update(p.lower() for p in parts if not p[0].isupper())
                elif (
                    previous is not None
                    and previous.text not in "“‘\"'(–—:"
                    and previous.text not in ".!?"
                ):
                    mid_caps.update(p.lower() for p in parts if p[0].isupper())
            previous = t
    return mid_caps - lower - _NEVER_NAMES


def _name_like(sentences: list[_Sentence]) -> set[str]:
    """Capitalised words never written in lower case here: names, and a few sentence openers."""
    caps: set[str] = set()
    lower: set[str] = set()
    for s in sentences:
        for t in s.toks:
            if t.is_word:
                for part in _parts(t.text):
                    (caps if part[0].isupper() else lower).add(part.lower())
    return caps - lower - _NEVER_NAMES


# --- Names -------------------------------------------------------------------------------------


def _name_runs(text: str, proper: set[str]) -> list[tuple[str, int, int]]:
    """Runs of proper nouns in ``text``: (run, start, end), possessives dropped."""
    runs = []
    for m in quotes.name_runs(text):
        words = re.split(r"([ \-])", m.text)
        # drop leading words that are not names ("The", "In", sentence-initial common words)
        start = m.start
        while words and _bare(words[0].lower()) not in proper:
            start += len(words[0]) + (len(words[1]) if len(words) > 1 else 0)
            words = words[2:]
        while words and _bare(words[-1].lower()) not in proper:
            words = words[:-2]
        if not words:
            continue
        run = _bare("".join(words))
        runs.append((run, start, start + len(run)))
    return runs


def _edit1(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by exactly one insertion, deletion or substitution."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


# Letters that make another word when added: plural, demonym (Armenia-n, Azerbaijan-i).
_DERIVING_ENDINGS = frozenset("sni")


def _spelling_variant(a: str, b: str) -> bool:
    """Whether two name tokens look like one name spelled two ways."""
    if min(len(a), len(b)) < 5 or a[0] != b[0] or not _edit1(a.lower(), b.lower()):
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < len(long) and long.lower().startswith(short.lower()):
        return long[-1].lower() not in _DERIVING_ENDINGS  # Lovin / Lovine
    if len(a) == len(b) and a[:-1].lower() == b[:-1].lower():
        # a changed last vowel (Sereny / Sereno); else one changed letter inside a long name
        return a[-1].lower() in "aeiouy" and b[-1].lower() in "aeiouy"
    return min(len(a), len(b)) >= 6


def _name_variants(
    sentences: list[_Sentence], proper: set[str], name_like: set[str]
) -> list[Finding]:
    # (form -> first unit, span, run) for whole runs and for their single tokens
    runs_by_norm: dict[str, dict[str, tuple[int, tuple[int, int]]]] = defaultdict(dict)
    tokens: dict[str, tuple[int, tuple[int, int], str, tuple[int, int]]] = {}
    together: dict[str, set[int]] = defaultdict(set)
    for s in sentences:
        for run, start, end in _name_runs(s.text, name_like):
            norm = re.sub(r"[\s\-]+", " ", run.lower())
            runs_by_norm[norm].setdefault(run, (s.index, (start, end)))
            offset = start
            for piece in re.split(r"([ \-])", run):
                if piece not in (" ", "-") and piece:
                    together[piece].add(s.index)
                    tokens.setdefault(
                        piece, (s.index, (offset, offset + len(piece)), run, (start, end))
                    )
                offset += len(piece)
    findings: list[Finding] = []
    for norm, forms in runs_by_norm.items():
        if len(forms) < 2 or not any(w in proper for w in norm.split()):
            continue
        (f1, (u1, sp1)), (f2, (u2, sp2)) = sorted(forms.items(), key=lambda kv: kv[1][0])[:2]
        # Bel-Varo / Bel Varo; not a dateline in capitals (PONTA DELGADA / Ponta Delgada)
        if u1 != u2 and (" " in f1 or " " in f2) and f1.lower() != f2.lower():
            findings.append(Finding(NAME_VARIANT, u1, u2, f"{f1} vs {f2}", "name", sp1, sp2))
    findings += _run_variants(runs_by_norm, proper)
    # Symmetric deletes: tokens one edit apart share a key, so no pairwise comparison is needed.
    buckets: dict[str, set[str]] = defaultdict(set)
    for tok in tokens:
        if len(tok) < 5:
            continue
        low = tok.lower()
        buckets[low].add(tok)
        for k in range(1, len(low)):  # never the first letter
            buckets[low[:k] + low[k + 1 :]].add(tok)
    seen: set[frozenset[str]] = set()
    for group in buckets.values():
        for x in group:
            for y in group:
                pair = frozenset((x, y))
                if x >= y or pair in seen:
                    continue
                seen.add(pair)
                if not _spelling_variant(x, y) or together[x] & together[y]:
                    continue
                if x.lower() not in proper and y.lower() not in proper:
                    continue  # two sentence openers, not a name
                findings.append(_token_variant(tokens[x], tokens[y]))
    return findings


def _run_variants(
    runs_by_norm: dict[str, dict[str, tuple[int, tuple[int, int]]]], proper: set[str]
) -> list[Finding]:
    """A short first name spelled two ways before the same surname: "Ilse Dorn" / "Ilsa Dorn".

    A short name alone is too easily another person's (Jonas, Jones); before the same surname,
    a changed last vowel is a spelling slip.
    """
    by_surname: dict[str, list[tuple[str, str, int, tuple[int, int]]]] = defaultdict(list)
    for forms in runs_by_norm.values():
        for run, (unit, (run_start, _run_end)) in forms.items():
            pieces = [(m.group(), m.start()) for m in re.finditer(r"[^ \-]+", run)]
            for (word, offset), (after, after_offset) in itertools.pairwise(pieces):
                if 3 <= len(word) < 5 and len(after) >= 4 and after.lower() in proper:
                    span = (run_start + offset, run_start + after_offset + len(after))
                    by_surname[after.lower()].append((word, f"{word} {after}", unit, span))
    out: list[Finding] = []
    for items in by_surname.values():
        for x_pos, (wx, nx, ux, spx) in enumerate(items):
            for wy, ny, uy, spy in items[x_pos + 1 : x_pos + 1 + PAIR_WINDOW]:
                if ux == uy or wx == wy or wx[:-1] != wy[:-1]:
                    continue
                if wx[-1] in "aeiouy" and wy[-1] in "aeiouy":
                    (ua, sa, na), (ub, sb, nb) = sorted([(ux, spx, nx), (uy, spy, ny)])
                    out.append(Finding(NAME_VARIANT, ua, ub, f"{na} vs {nb}", "name", sa, sb))
    return out


def _token_variant(
    x: tuple[int, tuple[int, int], str, tuple[int, int]],
    y: tuple[int, tuple[int, int], str, tuple[int, int]],
) -> Finding:
    if (x[0], x[1]) > (y[0], y[1]):
        x, y = y, x
    ux, tspan_x, run_x, rspan_x = x
    uy, tspan_y, run_y, rspan_y = y
    same_shape = len(re.split(r"[ \-]", run_x)) == len(re.split(r"[ \-]", run_y))
    if same_shape:
        return Finding(NAME_VARIANT, ux, uy, f"{run_x} vs {run_y}", "name", rspan_x, rspan_y)
    tx = run_x[tspan_x[0] - rspan_x[0] : tspan_x[1] - rspan_x[0]]
    ty = run_y[tspan_y[0] - rspan_y[0] : tspan_y[1] - rspan_y[0]]
    return Finding(NAME_VARIANT, ux, uy, f"{tx} vs {ty}", "name", tspan_x, tspan_y)


# --- The finder --------------------------------------------------------------------------------


# How many later mentions of the same surname one first name is compared with: every pair in a
# news article, and linear work on a machine-made draft of thousands of units.
PAIR_WINDOW = 50


def find_findings(
    units: Sequence[str],
    kinds: Sequence[str] | None = None,
    *,
    docs: Sequence[Any] | None = None,
    threshold: float | None = None,
) -> list[Finding]:
    """Contradictions and name variants in a draft's units (boilerplate ignored), by unit.

    ``kinds`` are the units' kinds from :func:`factcheck.analysis.segment.segment`; units of kind
    ``"boilerplate"`` are skipped. Headlines count: a headline can contradict the body.
    ``docs``: the units' spaCy parses (:func:`factcheck.analysis.nlp.parse`), made here if
    not given. Contradictions come from :mod:`factcheck.analysis.conflicts`, each pair of facts
    kept when the pair model scores it at ``threshold`` or above (default: the model's own).
    """
    skip = skipped(units, kinds)
    if docs is None:
        docs = nlp.parse(units)
    found = conflicts.find_conflicts(units, docs, skip, threshold=threshold)
    return combine(name_variants(units, skip), found)


def skipped(units: Sequence[str], kinds: Sequence[str] | None) -> list[bool]:
    """Which units the findings leave out: site furniture and empty units."""
    return [
        (kinds is not None and kinds[i] == "boilerplate") or not text.strip()
        for i, text in enumerate(units)
    ]


def name_variants(units: Sequence[str], skip: Sequence[bool]) -> list[Finding]:
    """The names spelled two ways among the units not skipped."""
    sentences = [_Sentence(i, text, _tokens(text)) for i, text in enumerate(units) if not skip[i]]
    return _name_variants(sentences, _proper_nouns(sentences), _name_like(sentences))


def combine(variants: Sequence[Finding], found: Sequence[conflicts.Conflict]) -> list[Finding]:
    """The draft's findings: the name variants and the conflicts, one finding per conflict."""
    findings = list(variants)
    for c in found:
        a, b = (c.a, c.b) if c.a.unit < c.b.unit else (c.b, c.a)
        findings.append(
            Finding(CONTRADICTION, a.unit, b.unit, c.summary, c.what, a.span, b.span, c.score)
        )
    return _dedupe(findings)


def _overlaps(x: tuple[int, int] | None, y: tuple[int, int] | None) -> bool:
    return x is not None and y is not None and x[0] < y[1] and y[0] < x[1]


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per conflict: the same two values are reported at their first meeting, and
    a contradiction on the very words a name variant links ("Ilse Norden" / "Ilsa Norden" is
    a name spelled two ways, and also two first names) is left to the name variant."""
    variants = [f for f in findings if f.kind == NAME_VARIANT]
    findings = [
        f
        for f in findings
        if f.kind != CONTRADICTION
        or not any(
            (v.a, v.b) == (f.a, f.b)
            and _overlaps(v.a_span, f.a_span)
            and _overlaps(v.b_span, f.b_span)
            for v in variants
        )
    ]
    best: dict[tuple[str, str, str], Finding] = {}
    for f in sorted(findings, key=lambda f: (f.a, f.b)):
        key = (f.kind, f.what, f.summary)
        best.setdefault(key, f)
    pairs: set[tuple[int, int, str]] = set()
    out: list[Finding] = []
    for f in sorted(best.values(), key=lambda f: (f.a, f.b, f.kind, f.summary)):
        if (f.a, f.b, f.what) in pairs:
            continue  # one pair, one slot: a second value pair there says nothing new
        pairs.add((f.a, f.b, f.what))
        out.append(f)
    return out
