"""Blind evaluation material for claim re-anchoring (``factcheck.analysis.anchor.reanchor``).

A draft gets a new revision; each claim of the old revision must be placed in the new text as
*kept*, *changed*, *removed* or *orphaned* (the meanings are in the module ``anchor``'s
docstring and the brief it was written from). This module makes the test material without
looking at the algorithm: real drafts are edited the way a desk edits copy, and every sentence is
tracked through the edits, so the truth of each claim is known by construction.

**Sources.** The demo draft (``factcheck/newsrooms/demo/meralt-floods.txt``) and the annotated
drafts of ``tests/data/findings_eval/tune/`` and ``dev/`` (the findings' held-out folders are not
used), or texts the caller passes.

**The edits** (``KINDS``), 1 to 3 per scenario and no kind twice; the first one cycles through
the kinds (every eleventh scenario starts with each), and one of the claims, mostly, sits on a
sentence it can act on (one that can be split or joined, that has a figure...). ``insert`` a
sentence, a paragraph or a sub-heading before a sentence; ``inside`` a claim (a word reworded, a
hedge such as "about" added or cut, an aside or a trailing clause cut, "also" or an attribution
added); ``next`` to a claim (a neighbouring sentence edited, or words of the claim's own
sentence outside a part claim); ``move`` a paragraph; ``delete`` a sentence or a paragraph;
``duplicate`` a sentence elsewhere, at least two sentences away (a lookalike, sometimes with a
figure changed); ``split`` a sentence at ", and", "; " or ", but" (two clauses, not a list);
``join`` two sentences with "; " or ", and"; ``style`` (quote marks, non-breaking spaces, double
spaces, hard line wraps, extra blank lines); ``figure`` (a number, year, weekday or month
replaced); ``rewrite`` (a sentence rewritten with under 40% of its words kept, or replaced
outright). Duplicates are made last, so a copy is always of the sentence as it finally reads.

**How the truth is known.** The draft is held as paragraphs of sentences; each sentence records
the old units it continues (its *origins*: one, two after a join, the same one for both halves
of a split, none for an inserted sentence or a copy) and, for each claim it carries, the claim's
region in its text. Every edit goes through one primitive that rewrites a stretch of a sentence
and moves the regions with it (an edit inside a region grows or shrinks it; one outside shifts
it). The new text is rendered from the structure, segmented again with ``segment()``, and the
scenario is dropped if the units differ from the tracked sentences. Each claim then gets:

- *removed* when no sentence carries it any more;
- *kept* when its region's words equal the claim's words, white space, quote marks and edge
  punctuation aside (the full stop a join turns into a semicolon);
- else the share of the claim's word tokens surviving in order (LCS) in its region, and in the
  whole carrying sentence: 60% or more is *changed*, under 40% *orphaned*, in between the grey
  zone (truth ``changed`` with ``also=("orphaned",)``). After a split the part holding 60% is
  the one; parts tying below 60% make the claim orphaned.

Scenarios whose truth a reasonable reader could dispute are dropped and counted
(``Generated.drops``): another sentence matching the claim as well as its own (a lookalike the
source already had), a duplicate whose original lost its old neighbours, a removed or orphaned
claim whose words still stand intact elsewhere, the two measures of a part claim's survival
disagreeing across the grey zone, and exact repeats of an earlier scenario.

**Dev and held-out.** Seeds below 1000 are *dev*: the algorithm's author may read and tune on
them. The bench's held-out set is ``seed=8675309, count=1000`` (``HELDOUT_SEED``,
``HELDOUT_COUNT``); nobody reads it while developing. (The first held-out seed, 20261207, was
scored once before the algorithm was tuned on dev seeds — accuracy 0.983, 0 mis-anchors — and
its first failures were read, so it was retired for one never run.) Both come from the same
drafts and the same edit writers: the held-out set guards against fitting particular
scenarios, not against fitting this generator's style.

**Scoring.** ``score(scenarios, reanchor)`` counts a placement right when its outcome is the
truth's (or in ``also``) and, for kept and changed, its unit is the truth's; a *mis-anchor* when
it attaches the claim (kept / changed) to any other unit, or at all when no unit is acceptable.
Per edit kind, a claim counts under the kinds of the edits that touched its sentence or stood
next to it; claims no edit touched are "untouched".

Run: ``python -m factcheck.analysis.anchor_eval --seed 0 --count 1000`` (or ``--heldout``).
"""

from __future__ import annotations

import argparse
import importlib
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, cast

from factcheck.analysis.segment import BOILERPLATE, HEADLINE, SENTENCE, segment

KINDS = (
    "insert",
    "inside",
    "next",
    "move",
    "delete",
    "duplicate",
    "split",
    "join",
    "style",
    "figure",
    "rewrite",
)
OUTCOMES = ("kept", "changed", "removed", "orphaned")
DEV_SEEDS = range(1000)
HELDOUT_SEED = 8675309
HELDOUT_COUNT = 1000

_ROOT = Path(__file__).resolve().parents[2]
SOURCES = (
    "factcheck/newsrooms/demo/meralt-floods.txt",
    "tests/data/findings_eval/tune",
    "tests/data/findings_eval/dev",
)

Span = tuple[int, int]


# --- Public data -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Truth:
    """What truly happened to one claim.

    ``unit`` indexes the scenario's ``new_units`` (the new text's non-boilerplate units) for kept
    and changed, else None; ``also`` holds the other acceptable outcomes (the grey zone only);
    ``span`` is where the claim's words now stand in the new text; ``survival`` the share of its
    word tokens surviving in order there (1.0 for kept, 0.0 for removed).
    """

    outcome: str
    unit: int | None
    also: tuple[str, ...] = ()
    span: Span | None = None
    survival: float = 0.0


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    source: str
    kinds: tuple[str, ...]  # the edits applied, in order
    notes: tuple[str, ...]  # one line per edit, for reading
    old_text: str
    old_units: tuple[Span, ...]
    new_text: str
    new_units: tuple[Span, ...]
    claims: tuple[Span, ...]
    truth: tuple[Truth, ...]
    claim_kinds: tuple[tuple[str, ...], ...]  # per claim: the kinds of the edits that touched it


@dataclass
class Generated:
    scenarios: list[Scenario]
    attempts: int
    drops: Counter[str]


# --- Words -------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")
_WS = re.compile(r"\s+")
_QUOTE_CHARS = "\"'‘’‚‛“”„‟«»"
_ONE_QUOTE = str.maketrans(dict.fromkeys(_QUOTE_CHARS, '"'))
_EDGE = " .,;:!?…–—-"


def words(text: str) -> list[str]:
    """The spec's word tokens: ``\\w+``, case-folded."""
    return [w.casefold() for w in _WORD.findall(text)]


def same_words(a: str, b: str) -> bool:
    """Equal but for white space, quote style and the punctuation at either end."""
    return _norm(a) == _norm(b)


def _norm(text: str) -> str:
    return _WS.sub(" ", text.translate(_ONE_QUOTE)).strip(_EDGE)


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    if not a or not b:
        return 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def survival(old: str, new: str) -> float:
    """Share of ``old`` 's word tokens surviving in order in ``new``."""
    tokens = words(old)
    return _lcs(tokens, words(new)) / len(tokens) if tokens else 0.0


def _band(share: float) -> str:
    return "high" if share >= 0.6 else "low" if share < 0.4 else "grey"


# --- The tracked draft -------------------------------------------------------------------------


@dataclass
class _Sent:
    text: str
    origins: frozenset[int]  # old non-boilerplate unit indices this sentence continues
    kind: str
    spans: dict[int, Span] = field(default_factory=dict)  # claim id -> region in ``text``
    lead: str = " "  # white space before it inside its paragraph
    copy_of: frozenset[int] | None = None


@dataclass
class _Para:
    sents: list[_Sent]
    gap: str = "\n\n"  # white space before the paragraph
    fixed: bool = False  # site furniture: never edited or moved

    @property
    def prose(self) -> bool:
        return all(s.kind == SENTENCE and s.text[-1:] in ".!?”’\"'" for s in self.sents)


_Doc = list[_Para]


def _replace(sent: _Sent, a: int, b: int, new: str, grow: int | None = None) -> None:
    """Rewrite ``sent.text[a:b]`` as ``new``, moving the claim regions with the text.

    An edit overlapping a region becomes part of it; an insertion at a region's edge stays
    outside unless ``grow`` names that claim (an edit made *inside* the claim).
    """
    delta = len(new) - (b - a)
    spans: dict[int, Span] = {}
    for cid, (s, e) in sent.spans.items():
        if a == b:
            if a < s or (a == s and grow != cid):
                s, e = s + delta, e + delta
            elif a < e or (a == e and grow == cid):
                e += delta
        elif b <= s:
            s, e = s + delta, e + delta
        elif a < e:
            s, e = min(s, a), (e + delta if e >= b else a + len(new))
        spans[cid] = (s, e)
    sent.text = sent.text[:a] + new + sent.text[b:]
    sent.spans = spans


def _retext(sent: _Sent, new: str) -> None:
    """Same-length rewrite (quote marks, white space): the regions stay where they are."""
    assert len(new) == len(sent.text)
    sent.text = new


def _flat(doc: _Doc) -> list[tuple[int, int, _Sent]]:
    return [(p, i, s) for p, para in enumerate(doc) for i, s in enumerate(para.sents)]


def _units_of(doc: _Doc) -> list[_Sent]:
    return [s for para in doc for s in para.sents if s.kind != BOILERPLATE]


def _render(doc: _Doc) -> tuple[str, list[Span]]:
    parts: list[str] = []
    spans: list[Span] = []
    length = 0
    for p, para in enumerate(doc):
        for i, sent in enumerate(para.sents):
            gap = (para.gap if p else "") if i == 0 else sent.lead
            parts.append(gap)
            length += len(gap)
            spans.append((length, length + len(sent.text)))
            parts.append(sent.text)
            length += len(sent.text)
    return "".join(parts), spans


@dataclass(frozen=True)
class _Source:
    name: str
    text: str
    units: tuple[tuple[int, int, str, int], ...]  # start, end, kind, block

    def doc(self) -> _Doc:
        paras: dict[int, list[_Sent]] = {}
        index = 0
        for start, end, kind, block in self.units:
            origins = frozenset() if kind == BOILERPLATE else frozenset({index})
            if kind != BOILERPLATE:
                index += 1
            paras.setdefault(block, []).append(_Sent(self.text[start:end], origins, kind))
        return [
            _Para(sents, fixed=any(s.kind == BOILERPLATE for s in sents))
            for _, sents in sorted(paras.items())
        ]

    @property
    def old_units(self) -> tuple[Span, ...]:
        return tuple((s, e) for s, e, kind, _ in self.units if kind != BOILERPLATE)


def source_texts(root: Path = _ROOT) -> dict[str, str]:
    """The default source drafts, by path relative to ``root``."""
    texts: dict[str, str] = {}
    for relative in SOURCES:
        path = root / relative
        files = sorted(path.rglob("*.txt")) if path.is_dir() else [path]
        for file in files:
            texts[file.relative_to(root).as_posix()] = file.read_text(encoding="utf-8")
    return texts


def _sources(texts: Mapping[str, str]) -> list[_Source]:
    sources = []
    for name in sorted(texts):
        text = texts[name]
        units = tuple((u.start, u.end, u.kind, u.block) for u in segment(text))
        if sum(1 for u in units if u[2] != BOILERPLATE) >= 6:
            sources.append(_Source(name, text, units))
    if not sources:
        raise ValueError("no source draft has six or more units to edit")
    return sources


# --- Word-level edits --------------------------------------------------------------------------

_NUM = re.compile(r"(?<![\w.,/\-])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w\-]|[.,]\d)")
_MONTHS = (
    "January February March April June July August September October November December".split()
)
_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_NUMBER_WORDS = "two three four five six seven eight nine ten eleven twelve".split()
_MONTH_RE = re.compile(r"\b(?:" + "|".join(_MONTHS) + r")\b")
_DAY_RE = re.compile(r"\b(?:" + "|".join(_DAYS) + r")\b")
_NUMBER_WORD_RE = re.compile(r"\b(?:" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)
_HEDGES = ("about", "nearly", "almost", "roughly", "around", "more than", "at least", "some")
_HEDGE_CUT = re.compile(
    r"(?<=\s)(?:about|nearly|almost|roughly|around|some|more than|at least|just|over|up to) "
    r"(?=[$£€]?\d)"
)
_NO_HEDGE_AFTER = frozenset(
    "the a an its his her their this that these those our your my no since until between "
    "about nearly almost roughly around some than least just over under to up".split()
)
_SYNONYMS = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\bsaid that\b", "stated that"),
        (r"\bsaid(?=[.,])", "added"),
        (r"\brose\b", "climbed"),
        (r"\bclimbed\b", "rose"),
        (r"\bfell\b", "dropped"),
        (r"\bdropped\b", "fell"),
        (r"\bmore than\b", "over"),
        (r"\bover\b(?= [$£€]?\d)", "more than"),
        (r"\bnearly\b", "almost"),
        (r"\balmost\b", "nearly"),
        (r"\babout\b(?= [$£€]?\d)", "around"),
        (r"\baround\b(?= [$£€]?\d)", "about"),
        (r"\broughly\b", "about"),
        (r"\bpeople\b", "residents"),
        (r"\bofficials\b", "authorities"),
        (r"\bauthorities\b", "officials"),
        (r"\bcompany\b", "firm"),
        (r"\bannounced\b", "confirmed"),
        (r"\bbegan\b", "started"),
        (r"\bstarted\b", "began"),
        (r"\bwarned\b", "cautioned"),
        (r"\bpercent\b", "per cent"),
        (r"\bper cent\b", "percent"),
        (r"\bbecause\b", "as"),
        (r"\bafter\b", "following"),
        (r"\bbig\b", "large"),
        (r"\blarge\b", "big"),
        (r"\bincreased\b", "raised"),
        (r"\bshowed\b", "indicated"),
        (r"\btold\b", "informed"),
        (r"\bexpected to\b", "likely to"),
        (r"\blikely to\b", "expected to"),
        (r"\breported\b", "said"),
        (r"\bquickly\b", "swiftly"),
        (r"\bchildren\b", "minors"),
        (r"\bcity\b", "town"),
    )
)
# "has also risen", "will also deploy": before a participle, or any verb after a modal.
_AUXILIARY = re.compile(
    r"\b(?:(?:has|have|had|was|were|is|are) (?=[a-z]+(?:ed|en|ing|wn|ne)\b)|"
    r"(?:will|would|could|can|may|might|must|should) )(?!also\b|not\b|be\b)"
)
_ADVERB_CUT = re.compile(r" (?:also|still|already|even|now|only)\b(?= [a-z])")
_PARENTHETICAL = re.compile(
    r", ((?:who|which|whose|where|when|including|according|now|then|a|an|the|as|after|before|"
    r"in|on|at|for|by|with|its|his|her|their)\b[^,;:!?()“”\"]{3,90}?), (?!and |or )"
)
# A trailing clause that hangs on the sentence (cutting it leaves a sentence): ", adding ...".
_TRAILING = re.compile(
    r", (?=(?:\w+ing|which|who|according|including|with|as|after|while|although|though|where|"
    r"when|before|despite|up from|down from|compared)\b)(?:(?!, )[^;:!?“”\"])+(?=\.$)"
)
_ATTRIBUTIONS = (
    ", officials said",
    ", according to officials",
    ", the report said",
    ", local media reported",
)
_ATTRIBUTED = re.compile(r"\b(?:said|says|told|according|reported)\b")

_Change = tuple[int, int, str]


def _cap_like(word: str, model: str) -> str:
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def _renumber(rng: random.Random, digits: str, decimals: str | None) -> str | None:
    bare = digits.replace(",", "")
    grouped = "," in digits
    if decimals:
        value = float(bare + decimals)
        places = len(decimals) - 1
        for _ in range(10):
            new = round(value * rng.choice((0.6, 0.75, 0.8, 1.2, 1.25, 1.4)), places)
            if new != value and new > 0:
                return f"{new:,.{places}f}" if grouped else f"{new:.{places}f}"
        return None
    number = int(bare)
    if len(bare) == 4 and 1900 <= number <= 2099 and not grouped:
        return str(number + rng.choice((-3, -2, -1, 1, 2, 3)))
    if number <= 1:
        return None
    if number <= 12:
        return str(rng.choice([k for k in range(2, 13) if k != number]))
    magnitude = 10 ** max(0, len(str(number)) - 2)
    for _ in range(10):
        new_int = round(number * rng.choice((0.6, 0.7, 0.8, 1.2, 1.3, 1.5)) / magnitude)
        new_int *= magnitude
        if new_int != number and new_int > 1:
            return f"{new_int:,}" if grouped else str(new_int)
    return None


def _figures(rng: random.Random, text: str, lo: int, hi: int) -> list[_Change]:
    """Figures in ``text[lo:hi]`` and a different value for each."""
    changes: list[_Change] = []
    for m in _NUM.finditer(text):
        if lo <= m.start() and m.end() <= hi:
            new = _renumber(rng, m.group(1), m.group(2))
            if new:
                changes.append((m.start(), m.end(), new))
    for pattern, choices in (
        (_NUMBER_WORD_RE, _NUMBER_WORDS),
        (_DAY_RE, _DAYS),
        (_MONTH_RE, _MONTHS),
    ):
        for m in pattern.finditer(text):
            if lo <= m.start() and m.end() <= hi:
                other = rng.choice([c for c in choices if c.lower() != m.group().lower()])
                changes.append((m.start(), m.end(), _cap_like(other.lower(), m.group())))
    return changes


def _hedgeable(text: str, m: re.Match[str]) -> int | None:
    """Where a hedge ("about") may go before the number ``m``, or None."""
    start = m.start() - 1 if m.start() and text[m.start() - 1] in "$£€" else m.start()
    before = text[:start].rstrip()
    previous = _WORD.findall(before[-30:])
    if not previous or before.endswith((".", "(")) or not previous[-1].islower():
        return None
    if previous[-1] in _NO_HEDGE_AFTER or _MONTH_RE.search(text[m.end() : m.end() + 12]):
        return None
    digits = m.group(1).replace(",", "")
    if len(digits) == 4 and 1900 <= int(digits) <= 2099 and not m.group(2):
        return None
    if re.match(r"\s*(?:a\.m\.|p\.m\.|am\b|pm\b)", text[m.end() :]):
        return None
    return start


def _word_changes(text: str, lo: int, hi: int) -> dict[str, list[_Change]]:
    """Small edits that fit in ``text[lo:hi]``, grouped by what they do."""
    found: dict[str, list[_Change]] = {}

    def add(label: str, a: int, b: int, new: str) -> None:
        if lo <= a and b <= hi and a > 0 and (a < hi or a == b):
            found.setdefault(label, []).append((a, b, new))

    for m in _NUM.finditer(text):
        position = _hedgeable(text, m)
        if position is not None and m.end() <= hi:
            for hedge in _HEDGES:
                add("hedge", position, position, hedge + " ")
    for m in _HEDGE_CUT.finditer(text):
        add("unhedge", m.start(), m.end(), "")
    for pattern, replacement in _SYNONYMS:
        for m in pattern.finditer(text):
            add("reword", m.start(), m.end(), _cap_like(replacement, m.group()))
    for m in _AUXILIARY.finditer(text):
        if m.end() < len(text) and text[m.end()].islower():
            add("also", m.end(), m.end(), "also ")
    for m in _ADVERB_CUT.finditer(text):
        add("cut-word", m.start(), m.end(), "")
    for m in _PARENTHETICAL.finditer(text):
        if len(words(m.group(1))) >= 3:
            add("cut-aside", m.start(), m.end(), " ")
    reaches_end = hi >= len(text) - 1
    if reaches_end:
        trailing = _TRAILING.search(text)
        if trailing and len(words(trailing.group())) >= 3:
            # At most about half the sentence: a cut, not a rewrite.
            kept = len(words(text[: trailing.start()]))
            if kept >= 6 and kept >= 0.45 * len(words(text)):
                add("cut-clause", trailing.start(), trailing.end(), "")
        if (
            text.endswith(".")
            and text[-2:-1].isalnum()
            and len(words(text)) >= 8
            and not _ATTRIBUTED.search(text)
            and len(text) - 1 >= lo
        ):
            for phrase in _ATTRIBUTIONS:
                found.setdefault("attribute", []).append((len(text) - 1, len(text) - 1, phrase))
    return found


_UNDOES = {
    "hedge": ("unhedge", "reword"),
    "unhedge": ("hedge",),
    "also": ("cut-word",),
    "cut-word": ("also",),
    "attribute": ("cut-clause",),
    "cut-clause": ("attribute",),
}


def _word_edit(
    rng: random.Random,
    sent: _Sent,
    lo: int,
    hi: int,
    grow: int | None = None,
    after: str | None = None,
) -> str | None:
    """One small word edit inside ``sent.text[lo:hi]``; a note, or None if none fits.

    ``after`` is the label of an edit just made there, so this one does not undo it.
    """
    options = _word_changes(sent.text, lo, hi)
    for label in (after, *_UNDOES.get(after or "", ())):
        options.pop(label or "", None)
    if not options:
        return None
    label = rng.choice(sorted(options))
    a, b, new = rng.choice(options[label])
    _replace(sent, a, b, new, grow)
    return f"{label} {sent.text[max(0, a - 20) : a + len(new) + 20]!r}"


def _figure_edit(rng: random.Random, sent: _Sent, lo: int, hi: int) -> str | None:
    changes = _figures(rng, sent.text, lo, hi)
    if not changes:
        return None
    a, b, new = rng.choice(changes)
    old = sent.text[a:b]
    _replace(sent, a, b, new)
    return f"{old} -> {new}"


# --- Scenario building -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Edit:
    kind: str
    concerned: frozenset[int]  # old units the edit touched (or stands next to)
    note: str


@dataclass
class _Ctx:
    rng: random.Random
    doc: _Doc
    claim_units: list[int]
    pool: list[tuple[str, str]]
    source: str

    def carrier(self, cid: int) -> _Sent | None:
        for _, _, sent in _flat(self.doc):
            span = sent.spans.get(cid)
            if span and span[1] > span[0]:
                return sent
        return None

    def focus(self) -> tuple[int, _Sent] | None:
        """A claim and its sentence: the first claim usually, else another."""
        order = list(range(len(self.claim_units)))
        rest = order[1:]
        self.rng.shuffle(rest)
        order = [0, *rest] if self.rng.random() < 0.7 else [*rest, 0]
        for cid in order:
            sent = self.carrier(cid)
            if sent is not None:
                return cid, sent
        return None

    def locate(self, sent: _Sent) -> tuple[int, int]:
        for p, i, other in _flat(self.doc):
            if other is sent:
                return p, i
        raise LookupError("sentence not in the draft")

    def pool_sentences(self, count: int) -> list[str]:
        chosen: list[str] = []
        while len(chosen) < count:
            source, text = self.rng.choice(self.pool)
            if source != self.source and text not in chosen:
                chosen.append(text)
        return chosen


_SUBHEADS = (
    "What happens next",
    "The background",
    "Reaction",
    "Key questions",
    "The cost",
    "What the figures show",
    "How it unfolded",
    "Looking ahead",
)


def _body(doc: _Doc) -> list[int]:
    return [p for p in range(1, len(doc)) if not doc[p].fixed]


def _op_insert(ctx: _Ctx) -> _Edit | None:
    rng, doc = ctx.rng, ctx.doc
    body = _body(doc)
    if not body:
        return None
    focus = ctx.focus()
    target: _Sent | None = focus[1] if focus and rng.random() < 0.75 else None
    if target is None or ctx.locate(target)[0] not in body:
        target = rng.choice(doc[rng.choice(body)].sents)
    p, i = ctx.locate(target)
    if i == 0 or not doc[p].prose or rng.random() < 0.5:
        if rng.random() < 0.15:
            new = _Para([_Sent(rng.choice(_SUBHEADS), frozenset(), HEADLINE)])
        else:
            texts = ctx.pool_sentences(rng.choice((1, 1, 2, 3)))
            new = _Para([_Sent(t, frozenset(), SENTENCE) for t in texts])
        doc.insert(p, new)
        note = f"paragraph of {len(new.sents)} before paragraph {p}"
    else:
        texts = ctx.pool_sentences(rng.choice((1, 1, 2)))
        doc[p].sents[i:i] = [_Sent(t, frozenset(), SENTENCE) for t in texts]
        note = f"{len(texts)} sentence(s) inside paragraph {p}"
    return _Edit("insert", target.origins, note)


def _op_inside(ctx: _Ctx) -> _Edit | None:
    order = list(range(len(ctx.claim_units)))
    ctx.rng.shuffle(order)
    focus = ctx.focus()
    if focus:
        order.remove(focus[0])
        order.insert(0, focus[0])
    for cid in order:
        sent = ctx.carrier(cid)
        if sent is None:
            continue
        s, e = sent.spans[cid]
        note = _word_edit(ctx.rng, sent, s, e, grow=cid)
        if note is None:
            continue
        if ctx.rng.random() < 0.25:
            s, e = sent.spans[cid]
            more = _word_edit(ctx.rng, sent, s, e, grow=cid, after=note.split(" ", 1)[0])
            note += f"; {more}" if more else ""
        return _Edit("inside", sent.origins, note)
    return None


def _op_next(ctx: _Ctx) -> _Edit | None:
    rng = ctx.rng
    focus = ctx.focus()
    if focus is None:
        return None
    cid, sent = focus
    s, e = sent.spans[cid]
    own = frozenset({ctx.claim_units[cid]})
    if (s > 0 or e < len(sent.text) - 1) and rng.random() < 0.6:
        ranges = [(0, s), (e, len(sent.text))]
        rng.shuffle(ranges)
        for lo, hi in ranges:
            if rng.random() < 0.3:
                note = _figure_edit(rng, sent, lo, hi)
            else:
                note = _word_edit(rng, sent, lo, hi)
            if note:
                return _Edit("next", own | sent.origins, f"same sentence: {note}")
    flat = [x for x in _flat(ctx.doc) if x[2].kind != BOILERPLATE]
    position = next(n for n, x in enumerate(flat) if x[2] is sent)
    neighbours = [flat[n][2] for n in (position - 1, position + 1) if 0 <= n < len(flat)]
    rng.shuffle(neighbours)
    for other in neighbours:
        if rng.random() < 0.3:
            note = _figure_edit(rng, other, 0, len(other.text))
        else:
            note = _word_edit(rng, other, 0, len(other.text))
        if note:
            return _Edit("next", own | other.origins, f"neighbour: {note}")
    return None


def _op_move(ctx: _Ctx) -> _Edit | None:
    rng, doc = ctx.rng, ctx.doc
    body = _body(doc)
    if len(body) < 3:
        return None
    focus = ctx.focus()
    p = ctx.locate(focus[1])[0] if focus and rng.random() < 0.6 else rng.choice(body)
    if p not in body:
        p = rng.choice(body)
    para = doc.pop(p)
    last = max(q for q in range(len(doc)) if not doc[q].fixed)
    places = [q for q in range(1, last + 2) if q != p]
    if not places:
        doc.insert(p, para)
        return None
    q = rng.choice(places)
    doc.insert(q, para)
    origins = frozenset().union(*(s.origins for s in para.sents))
    return _Edit("move", origins, f"paragraph {p} to {q}")


def _op_delete(ctx: _Ctx) -> _Edit | None:
    rng, doc = ctx.rng, ctx.doc
    flat = [x for x in _flat(doc) if x[0] in _body(doc)]
    if len(_units_of(doc)) < 8 or not flat:
        return None
    focus = ctx.focus()
    pick = rng.random()
    target = rng.choice(flat)[2]
    if focus and pick < 0.6:
        target = focus[1]
    elif focus and pick < 0.8:
        p0, i0 = ctx.locate(focus[1])
        beside = [doc[p0].sents[j] for j in (i0 - 1, i0 + 1) if 0 <= j < len(doc[p0].sents)]
        target = rng.choice(beside) if beside else target
    p, i = ctx.locate(target)
    if p not in _body(doc):
        return None
    units = _units_of(doc)
    index = next(n for n, s in enumerate(units) if s is target)
    neighbours = [units[n].origins for n in (index - 1, index + 1) if 0 <= n < len(units)]
    if rng.random() < 0.35 and len(doc[p].sents) > 1:
        gone = doc.pop(p).sents
        note = f"paragraph {p} ({len(gone)} sentences)"
        first = next(n for n, s in enumerate(units) if s is gone[0])
        last = first + len(gone) - 1
        neighbours = [units[n].origins for n in (first - 1, last + 1) if 0 <= n < len(units)]
    else:
        gone = [doc[p].sents.pop(i)]
        if not doc[p].sents:
            doc.pop(p)
        note = f"sentence {i} of paragraph {p}"
    origins = frozenset().union(*(s.origins for s in gone), *neighbours)
    return _Edit("delete", origins, note)


def _op_duplicate(ctx: _Ctx) -> _Edit | None:
    rng, doc = ctx.rng, ctx.doc
    focus = ctx.focus()
    candidates = [s for p, _, s in _flat(doc) if p in _body(doc) and s.kind == SENTENCE]
    if not candidates:
        return None
    original = focus[1] if focus and rng.random() < 0.75 else rng.choice(candidates)
    if original.kind != SENTENCE:
        original = rng.choice(candidates)
    copy = _Sent(original.text, frozenset(), SENTENCE, copy_of=original.origins)
    note = "exact copy"
    if rng.random() < 0.25:
        changed = _figure_edit(rng, copy, 0, len(copy.text))
        note = f"copy with {changed}" if changed else note
    flat = _flat(doc)
    at = next(n for n, x in enumerate(flat) if x[2] is original)
    # Insertion points: before paragraph q, or before/after a sentence of a prose paragraph,
    # each at least two sentences away from the original.
    points: list[tuple[int, int | None]] = []
    for n, (p, i, _) in enumerate(flat):
        far = n <= at - 2 or n >= at + 3
        if far and p in _body(doc) and i == 0:
            points.append((p, None))
        if far and p in _body(doc) and doc[p].prose and i > 0:
            points.append((p, i))
    if not points:
        return None
    where, before = rng.choice(points)
    if before is None:
        doc.insert(where, _Para([copy]))
    else:
        doc[where].sents.insert(before, copy)
    return _Edit("duplicate", original.origins, f"{note} at paragraph {where}")


_SPLIT = re.compile(r", and (?=\w)|; (?=\w)|, but (?=\w)")
_SUBJECT = frozenset(
    "the a an he she it they we its his her their this these those there officials "
    "police residents critics supporters ministers lawmakers some many most others".split()
)
_VERBS = frozenset(
    "is are was were has have had will would could can may might must should did does do "
    "said says say made make makes took take takes gave give gives got get gets went go goes "
    "came come comes saw see sees found find finds told tell tells kept keep keeps left leave "
    "began begin begins won win wins lost lose loses ran run runs put puts set sets hit hits "
    "remain remains stood stand stands became become becomes fell rose met meet meets paid pay "
    "pays plan plans hope hopes expect expects need needs want wants face faces".split()
)
_QUOTED = re.compile(r"[\"“”‘«»]|(?<!\w)'|'(?!\w)")


def _split_points(sent: _Sent) -> list[tuple[int, int]]:
    text = sent.text
    if sent.kind != SENTENCE or not text.endswith(".") or _QUOTED.search(text):
        return []
    points = []
    for m in _SPLIT.finditer(text):
        cut = m.start() + 2 if m.group().startswith(", but") else m.end()
        rest = text[cut:]
        first = _WORD.findall(rest[4:] if rest.startswith("but ") else rest)
        subject = bool(first) and (first[0] in _SUBJECT or first[0][:1].isupper())
        subject = subject and first[0] not in ("That", "It's")
        # Two clauses, not a list ("Tregarthen, 81, and his wife Edna, 78, were ..."): the
        # last chunk before the cut is not a short list item, and the second part has a verb
        # before its first comma.
        last_chunk = text[: m.start()].rsplit(", ", 1)[-1]
        verb = any(w in _VERBS or w.endswith("ed") for w in words(rest.split(", ", 1)[0])[:9])
        if (
            subject
            and verb
            and len(words(last_chunk)) >= 3
            and len(words(text[: m.start()])) >= 5
            and len(words(rest)) >= 5
        ):
            points.append((m.start(), cut))
    return points


def _op_split(ctx: _Ctx) -> _Edit | None:
    rng, doc = ctx.rng, ctx.doc
    focus = ctx.focus()
    target = focus[1] if focus and rng.random() < 0.75 and _split_points(focus[1]) else None
    if target is None:
        options = [s for p, _, s in _flat(doc) if p in _body(doc) and _split_points(s)]
        if not options:
            return None
        target = rng.choice(options)
    i, j = rng.choice(_split_points(target))
    text = target.text
    stop = "" if text[:i].endswith(".") else "."  # "at 9 a.m.; its" -> "at 9 a.m. Its"
    first = _Sent(text[:i] + stop, target.origins, SENTENCE, lead=target.lead)
    second = _Sent(text[j].upper() + text[j + 1 :], target.origins, SENTENCE)
    for cid, (s, e) in target.spans.items():
        if s < i:
            first.spans[cid] = (s, min(e, i) + (len(stop) if e > i else 0))
        if e > j:
            second.spans[cid] = (max(s, j) - j, e - j)
    p, at = ctx.locate(target)
    doc[p].sents[at : at + 1] = [first, second]
    return _Edit("split", target.origins, f"at {text[i:j]!r}")


_LOWERABLE = frozenset(
    "The A An It He She They We This These Those Its His Her Their There Some Many Most "
    "Officials Police Residents Critics Others".split()
)
_ADVERBIAL = frozenset("But However Meanwhile Still Yet So And".split())


def _names(doc: _Doc) -> frozenset[str]:
    """Capitalised words the draft also writes mid-sentence: names, which keep their capital."""
    return frozenset(
        m.group() for para in doc for s in para.sents for m in _MID_CAPITAL.finditer(s.text)
    )


_MID_CAPITAL = re.compile(r"(?<=[a-z,] )[A-Z][\w’'\-]*")


def _joinable(a: _Sent, b: _Sent, names: frozenset[str]) -> bool:
    if not (
        a.kind == SENTENCE
        and b.kind == SENTENCE
        and a.text.endswith(".")
        and a.text[-2:-1].isalnum()
        and b.text[:1].isalpha()
    ):
        return False
    first = _WORD.match(b.text)
    if first is None:
        return False
    word = first.group()
    if word in _LOWERABLE or word in _ADVERBIAL:
        return True
    # Otherwise only a name, which keeps its capital: "Smith said ...", never "Well, ...".
    return b.text[first.end() : first.end() + 1] in (" ", "’", "'") and word in names


def _op_join(ctx: _Ctx) -> _Edit | None:
    rng, doc = ctx.rng, ctx.doc
    names = _names(doc)
    pairs = [
        (p, i)
        for p in _body(doc)
        for i in range(len(doc[p].sents) - 1)
        if _joinable(doc[p].sents[i], doc[p].sents[i + 1], names)
    ]
    if not pairs:
        return None
    focus = ctx.focus()
    near = [(p, i) for p, i in pairs if focus and focus[1] in doc[p].sents[i : i + 2]]
    p, i = rng.choice(near if near and rng.random() < 0.75 else pairs)
    a, b = doc[p].sents[i], doc[p].sents[i + 1]
    opening = _WORD.match(b.text)
    assert opening is not None  # _joinable
    first = opening.group()
    semicolon = first in _ADVERBIAL or rng.random() < 0.5
    _replace(a, len(a.text) - 1, len(a.text), ";" if semicolon else ",")
    if first in _LOWERABLE or first in _ADVERBIAL:
        _replace(b, 0, 1, b.text[0].lower())
    if not semicolon:
        _replace(b, 0, 0, "and ")
    joined = _Sent(a.text + " " + b.text, a.origins | b.origins, SENTENCE, dict(a.spans), a.lead)
    for cid, (s, e) in b.spans.items():
        joined.spans[cid] = (s + len(a.text) + 1, e + len(a.text) + 1)
    doc[p].sents[i : i + 2] = [joined]
    return _Edit("join", a.origins | b.origins, "with '; '" if semicolon else "with ', and'")


_STRAIGHTEN = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"'})


def _straight(text: str) -> str:
    return text.translate(_STRAIGHTEN).replace("«", '"').replace("»", '"')


def _curly(text: str) -> str:
    out = []
    for n, char in enumerate(text):
        before = text[n - 1] if n else " "
        opening = before.isspace() or before in "([—–-"
        if char == '"':
            char = "“" if opening else "”"
        elif char == "'":
            char = "‘" if opening else "’"
        out.append(char)
    return "".join(out)


def _guillemets(text: str) -> str:
    return _curly(text).replace("“", "«").replace("”", "»")


def _nbsp(rng: random.Random, text: str) -> str:
    spots = [
        m.end() for m in re.finditer(r"(?:\d|\b(?:Dr|Mr|Mrs|Ms|Sen|Gen|Prof)\.?)(?= \w)", text)
    ]
    if not spots:
        spots = [m.start() for m in re.finditer(" ", text)]
    if not spots:
        return text
    spot = rng.choice(spots)
    return text[:spot] + "\u00a0" + text[spot + 1 :]


_WRAP_BAD_END = re.compile(r"[.!?…:;][\"'’”»)\]]*$")
_WRAP_BAD_START = re.compile(r"(?:[-*+•#]|\d{1,3}[.)])(?:\s|$)")


def _wrap(para: _Para, width: int) -> bool:
    """Hard-wrap the paragraph at about ``width`` columns, as pasted e-mail copy is."""
    spaces: list[tuple[int, int]] = []  # (sentence, position) ; position -1 = its lead
    rendered = ""
    offsets: list[int] = []
    for n, sent in enumerate(para.sents):
        if n:
            if sent.lead == " ":
                spaces.append((n, -1))
                offsets.append(len(rendered))
            rendered += sent.lead
        base = len(rendered)
        for m in re.finditer(" ", sent.text):
            spaces.append((n, m.start()))
            offsets.append(base + m.start())
        rendered += sent.text
    breaks: list[int] = []
    line_start = 0
    last_ok: int | None = None
    for k, offset in enumerate(offsets):
        if offset - line_start > width and last_ok is not None:
            breaks.append(last_ok)
            line_start = offsets[last_ok] + 1
            last_ok = None
        head = rendered[line_start:offset]
        tail = rendered[offset + 1 :]
        boundary = spaces[k][1] == -1
        if boundary or not (_WRAP_BAD_END.search(head) or _WRAP_BAD_START.match(tail)):
            last_ok = k
    if not breaks:
        return False
    for k in breaks:
        n, position = spaces[k]
        sent = para.sents[n]
        if position == -1:
            sent.lead = "\n"
        else:
            _retext(sent, sent.text[:position] + "\n" + sent.text[position + 1 :])
    return True


def _op_style(ctx: _Ctx) -> _Edit | None:
    rng, doc = ctx.rng, ctx.doc
    body = _body(doc)
    if not body:
        return None
    focus = ctx.focus()
    whole = rng.random() < 0.35
    if whole:
        paras = [doc[p] for p in body]
    else:
        p = ctx.locate(focus[1])[0] if focus and rng.random() < 0.7 else rng.choice(body)
        paras = [doc[p] if p in body else doc[rng.choice(body)]]
    before = [(s.text, s.lead, para.gap) for para in paras for s in para.sents]
    variants = ["quotes", "nbsp", "double", "wrap", "gap", "inner"]
    rng.shuffle(variants)
    done: list[str] = []
    for variant in variants[: rng.choice((1, 1, 2))]:
        if variant == "quotes":
            quoted = [
                s for para in paras for s in para.sents if any(c in _QUOTE_CHARS for c in s.text)
            ]
            if not quoted:
                continue
            style = rng.choice((_straight, _curly, _guillemets))
            for sent in quoted:
                _retext(sent, style(sent.text))
        elif variant == "nbsp":
            for para in paras:
                sent = rng.choice(para.sents)
                _retext(sent, _nbsp(rng, sent.text))
        elif variant == "double":
            for para in paras:
                for sent in para.sents[1:]:
                    sent.lead = "  "
        elif variant == "wrap":
            width = rng.randint(60, 78)
            for para in paras:
                _wrap(para, width)
        elif variant == "gap":
            for para in paras:
                para.gap = rng.choice(("\n\n\n", "\n \n", "\n\n\n\n"))
        else:
            for para in paras:
                sent = rng.choice(para.sents)
                spaces = [m.start() for m in re.finditer(" (?=\\S)", sent.text)]
                if spaces:
                    spot = rng.choice(spaces)
                    _replace(sent, spot, spot, " ")
        done.append(variant)
    after = [(s.text, s.lead, para.gap) for para in paras for s in para.sents]
    if before == after:
        return None
    touched = frozenset().union(*(s.origins for para in paras for s in para.sents))
    return _Edit("style", touched, "+".join(done) + (" (whole draft)" if whole else ""))


def _op_figure(ctx: _Ctx) -> _Edit | None:
    rng = ctx.rng
    focus = ctx.focus()
    if focus and rng.random() < 0.65:
        cid, sent = focus
        s, e = sent.spans[cid]
        note = _figure_edit(rng, sent, s, e)
        if note:
            if rng.random() < 0.2:
                s, e = sent.spans[cid]
                more = _figure_edit(rng, sent, s, e)
                note += f"; {more}" if more else ""
            return _Edit("figure", sent.origins, f"in claim {cid}: {note}")
    options = [s for p, _, s in _flat(ctx.doc) if p in _body(ctx.doc) and _NUM.search(s.text)]
    if focus:
        p = ctx.locate(focus[1])[0]
        near = [s for s in ctx.doc[p].sents if _NUM.search(s.text)]
        options = near + options if rng.random() < 0.5 else options
    for sent in options[:8] if options else []:
        note = _figure_edit(rng, sent, 0, len(sent.text))
        if note:
            return _Edit("figure", sent.origins, note)
    return None


_REWRITES = (
    "Officials declined to comment further on {F}.",
    "No further details about {F} were released.",
    "The account of {F} could not be independently verified.",
    "It was not immediately clear what the change would mean for {F}.",
    "Questions about {F} were expected to dominate the next hearing.",
    "Neither side would say more about {F} on the record.",
)
# A figure with the noun it counts: "85 employees", "$2.8 million", "18 per cent".
_FIGURE_PHRASE = re.compile(
    r"[$£€]?\b\d(?:[\d,.]*\d)?%?(?: (?:per cent|million|billion))?(?: (?P<noun>[a-z]{3,}))?"
)
_STOPWORDS = frozenset(
    "and the for with from was were are has had have that this than into onto per who which "
    "when where while after before but not its his her their our".split()
) | {None}
_NAME = re.compile(r"(?<=[a-z,] )(?:[A-Z][\w’'\-]+ ){0,2}[A-Z][\w’'\-]+")


def _op_rewrite(ctx: _Ctx) -> _Edit | None:
    rng, doc = ctx.rng, ctx.doc
    focus = ctx.focus()
    target = focus[1] if focus and rng.random() < 0.8 else None
    if target is None or ctx.locate(target)[0] not in _body(doc):
        options = [s for p, _, s in _flat(doc) if p in _body(doc)]
        if not options:
            return None
        target = rng.choice(options)
    old = target.text
    fragments = [m.group() for m in _NAME.finditer(old)]
    fragments += [
        m.group().rstrip(",.")
        for m in _FIGURE_PHRASE.finditer(old)
        if m.group("noun") not in _STOPWORDS
    ]
    candidates = []
    if fragments and rng.random() < 0.65:
        for _ in range(6):
            fragment = rng.choice(fragments).rstrip(",.;:")
            text = rng.choice(_REWRITES).format(F=fragment)
            candidates.append(text[0].upper() + text[1:])
    candidates += ctx.pool_sentences(4)
    for text in candidates:
        if survival(old, text) < 0.4 and all(
            survival(old[s:e], text) < 0.4 for s, e in target.spans.values()
        ):
            _replace(target, 0, len(old), text)
            target.spans = dict.fromkeys(target.spans, (0, len(text)))
            if target.kind == HEADLINE and text.endswith("."):
                target.kind = SENTENCE
            return _Edit("rewrite", target.origins, f"{old[:50]!r} -> {text[:50]!r}")
    return None


_OPS: dict[str, Callable[[_Ctx], _Edit | None]] = {
    "insert": _op_insert,
    "inside": _op_inside,
    "next": _op_next,
    "move": _op_move,
    "delete": _op_delete,
    "duplicate": _op_duplicate,
    "split": _op_split,
    "join": _op_join,
    "style": _op_style,
    "figure": _op_figure,
    "rewrite": _op_rewrite,
}


# --- Claims ------------------------------------------------------------------------------------

_CLAUSE_BREAK = re.compile(r", |; | — | – |: ")
_TRIM = " ,;:.!?—–-\"'‘’“”«»()"


def _part_spans(text: str) -> list[Span]:
    """Part-sentence claims in ``text``: clauses and windows around a figure, >= 4 words."""
    spans: list[Span] = []
    cuts = [0, *[x for m in _CLAUSE_BREAK.finditer(text) for x in (m.start(), m.end())], len(text)]
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        spans.append((a, b))
    for m in _NUM.finditer(text):
        left = [w.start() for w in _WORD.finditer(text, 0, m.start())][-4:]
        right = [w.end() for w in _WORD.finditer(text, m.end())][:4]
        if len(left) >= 2 and len(right) >= 2:
            spans.append((left[0], right[-1]))
    result = []
    total = len(words(text))
    for a, b in spans:
        while a < b and text[a] in _TRIM:
            a += 1
        while b > a and text[b - 1] in _TRIM:
            b -= 1
        n = len(words(text[a:b]))
        if 4 <= n <= 0.8 * total and _CLAUSE_BREAK.search(text[a:b]) is None:
            result.append((a, b))
    with_figure = [s for s in result if any(c.isdigit() for c in text[s[0] : s[1]])]
    return sorted(set(with_figure or result))


def _suits(kind: str, doc: _Doc, body: set[int], p: int, i: int) -> bool:
    """Whether an edit of ``kind`` can act on sentence ``i`` of paragraph ``p`` itself."""
    sent = doc[p].sents[i]
    if sent.kind != SENTENCE or p not in body:
        return False
    if kind == "split":
        return bool(_split_points(sent))
    if kind == "join":
        sents = doc[p].sents
        names = _names(doc)
        pairs = zip(sents[max(0, i - 1) : i + 1], sents[i : i + 2], strict=False)
        return any(_joinable(a, b, names) for a, b in pairs)
    if kind == "figure":
        # Any generator will do: only whether there is a figure matters here.
        return bool(_figures(random.Random(0), sent.text, 0, len(sent.text)))  # noqa: S311
    if kind == "inside":
        return bool(_word_changes(sent.text, 0, len(sent.text)))
    return True


def _pick_claims(
    rng: random.Random, source: _Source, doc: _Doc, primary: str
) -> list[tuple[int, Span]]:
    """Claims on distinct units; the first, mostly, on a sentence the first edit can act on."""
    flat = [(p, i, s) for p, i, s in _flat(doc) if s.kind != BOILERPLATE]
    units = [s for _, _, s in flat]
    sentences = [n for n, s in enumerate(units) if s.kind == SENTENCE]
    headlines = [n for n, s in enumerate(units) if s.kind == HEADLINE]
    body = set(_body(doc))
    suited = [n for n, (p, i, _) in enumerate(flat) if _suits(primary, doc, body, p, i)]
    count = rng.choice((1, 1, 2, 2, 3, 4))
    chosen: list[int] = []
    if suited and rng.random() < 0.85:
        chosen.append(rng.choice(suited))
    while len(chosen) < min(count, len(sentences)):
        pool = headlines if headlines and rng.random() < 0.05 else sentences
        n = rng.choice(pool)
        if n not in chosen:
            chosen.append(n)
    claims = []
    for cid, n in enumerate(chosen):
        sent = units[n]
        span: Span = (0, len(sent.text))
        parts = _part_spans(sent.text) if sent.kind == SENTENCE else []
        if parts and rng.random() < 0.3:
            span = rng.choice(parts)
        sent.spans[cid] = span
        start = source.old_units[n][0]
        claims.append((n, (start + span[0], start + span[1])))
    return claims


# --- Truth -------------------------------------------------------------------------------------


def _truth(
    claim_text: str,
    cid: int,
    units: list[_Sent],
    spans: list[Span],
    unit_words: list[Counter[str]],
    n_old: int,
) -> Truth | str:
    """The truth of one claim, or the reason the scenario is dropped."""
    tokens = words(claim_text)
    bag = Counter(tokens)
    norm = _norm(claim_text)
    # A claim that is not attached must not stand intact in some other sentence.
    twin = any(norm in _norm(s.text) for s in units)
    pieces = [(n, s) for n, s in enumerate(units) if cid in s.spans]
    pieces = [(n, s) for n, s in pieces if s.spans[cid][1] > s.spans[cid][0]]
    if not pieces:
        return "removed-twin" if twin else Truth("removed", None)
    rated = []
    for n, sent in pieces:
        s, e = sent.spans[cid]
        region = sent.text[s:e]
        rated.append((survival(claim_text, region), n, sent, region))
    rated.sort(key=lambda x: -x[0])
    share, n, sent, region = rated[0]
    s, e = sent.spans[cid]
    span = (spans[n][0] + s, spans[n][0] + e)
    also: tuple[str, ...] = ()
    if same_words(region, claim_text):
        outcome, share = "kept", 1.0
    else:
        if len(rated) > 1 and rated[1][0] >= 0.6:
            return "split-both"
        if len(rated) > 1 and rated[1][0] == share:
            return "orphan-twin" if twin else Truth("orphaned", None, survival=share)
        bands = {_band(share), _band(survival(claim_text, sent.text))}
        if bands == {"high", "low"}:
            return "band-conflict"
        if bands == {"high"}:
            outcome = "changed"
        elif bands == {"low"}:
            return "orphan-twin" if twin else Truth("orphaned", None, survival=share)
        else:
            outcome, also = "changed", ("orphaned",)
    # The claim is attached: no other sentence may match it as well, but a deliberate copy
    # with the original still among its old neighbours.
    own = survival(claim_text, sent.text)
    for m, other in enumerate(units):
        # The bag-of-words overlap bounds the LCS: most sentences are ruled out cheaply.
        if m == n or sum((bag & unit_words[m]).values()) < own * len(tokens):
            continue
        if survival(claim_text, other.text) < own:
            continue
        if other.copy_of is None or other.copy_of != sent.origins:
            return "lookalike"
        if not _told_apart(units, n, m, sent.origins, n_old):
            return "duplicate-ambiguous"
    return Truth(outcome, n, also, span, share)


def _told_apart(units: list[_Sent], n: int, m: int, origins: frozenset[int], n_old: int) -> bool:
    """Whether the original at ``n`` keeps an old neighbour that the copy at ``m`` lacks."""
    old_neighbours = {min(origins) - 1, max(origins) + 1} & set(range(n_old))

    def context(k: int) -> set[int]:
        near = [units[j].origins for j in (k - 1, k + 1) if 0 <= j < len(units)]
        return old_neighbours & set().union(*near)

    original = context(n)
    return bool(original - context(m))


def _attempt(
    rng: random.Random, source: _Source, pool: list[tuple[str, str]], primary: str, name: str
) -> Scenario | str:
    doc = source.doc()
    claims = _pick_claims(rng, source, doc, primary)
    if not claims:
        return "no-claim"
    ctx = _Ctx(rng, doc, [n for n, _ in claims], pool, source.name)
    # No kind twice: a second edit of the same kind could undo the first.
    extras = rng.sample([k for k in KINDS if k != primary], rng.choice((0, 0, 1, 1, 2)))
    planned = [primary, *extras]
    planned = [k for k in planned if k != "duplicate"] + [k for k in planned if k == "duplicate"]
    edits: list[_Edit] = []
    for kind in planned:
        edit = _OPS[kind](ctx)
        if edit is None and kind == primary:
            return f"not-applicable:{kind}"
        if edit is not None:
            edits.append(edit)
    new_text, spans = _render(doc)
    if new_text == source.text:
        return "no-change"
    flat = [s for _, _, s in _flat(doc)]
    expected = [span for sent, span in zip(flat, spans, strict=True) if sent.kind != BOILERPLATE]
    got = [(u.start, u.end) for u in segment(new_text) if u.kind != BOILERPLATE]
    if got != expected:
        return "resegmented"
    units = _units_of(doc)
    unit_words = [Counter(words(s.text)) for s in units]
    truths = []
    for cid, (_, (start, end)) in enumerate(claims):
        claim = source.text[start:end]
        truth = _truth(claim, cid, units, expected, unit_words, len(source.old_units))
        if isinstance(truth, str):
            return truth
        truths.append(truth)
    claim_kinds = tuple(
        tuple(dict.fromkeys(e.kind for e in edits if unit in e.concerned)) for unit, _ in claims
    )
    return Scenario(
        name=f"{name}-{'+'.join(e.kind for e in edits)}",
        source=source.name,
        kinds=tuple(e.kind for e in edits),
        notes=tuple(f"{e.kind}: {e.note}" for e in edits),
        old_text=source.text,
        old_units=source.old_units,
        new_text=new_text,
        new_units=tuple(expected),
        claims=tuple(span for _, span in claims),
        truth=tuple(truths),
        claim_kinds=claim_kinds,
    )


def generate(seed: int, count: int, texts: Mapping[str, str] | None = None) -> Generated:
    """``count`` scenarios from ``seed`` (deterministic), with the drops counted."""
    sources = _sources(texts if texts is not None else source_texts())
    pool = [
        (source.name, source.text[s:e])
        for source in sources
        for s, e, kind, _ in source.units
        if kind == SENTENCE and 8 <= len(words(source.text[s:e])) <= 40
    ]
    if len({name for name, _ in pool}) < 2:
        raise ValueError("inserted sentences come from other drafts: pass at least two texts")
    splittable = [source for source in sources if _splittable(source.doc())]
    master = random.Random(seed)  # noqa: S311 - reproducible test material, not secrets
    out: list[Scenario] = []
    drops: Counter[str] = Counter()
    seen: set[tuple[str, tuple[Span, ...]]] = set()
    attempts = 0
    while len(out) < count:
        attempts += 1
        if attempts > 10 * count + 100:
            raise RuntimeError(f"too many dropped scenarios: {dict(drops)}")
        primary = KINDS[len(out) % len(KINDS)]
        rng = random.Random(master.getrandbits(64))  # noqa: S311 - as above
        source = rng.choice(splittable if primary == "split" and splittable else sources)
        result = _attempt(rng, source, pool, primary, f"s{seed}-{len(out):04d}")
        if isinstance(result, str):
            drops[result] += 1
        elif (result.new_text, result.claims) in seen:
            drops["repeat"] += 1
        else:
            seen.add((result.new_text, result.claims))
            out.append(result)
    return Generated(out, attempts, drops)


def _splittable(doc: _Doc) -> bool:
    body = set(_body(doc))
    return any(p in body and _split_points(s) for p, _, s in _flat(doc))


def scenarios(seed: int, count: int, texts: Mapping[str, str] | None = None) -> list[Scenario]:
    """``count`` edit scenarios, the same for the same seed (see the module docstring)."""
    return generate(seed, count, texts).scenarios


# --- Scoring -----------------------------------------------------------------------------------


class PlacementLike(Protocol):
    @property
    def outcome(self) -> str: ...

    @property
    def unit(self) -> int | None: ...


Reanchor = Callable[
    [str, Sequence[Span], str, Sequence[Span], Sequence[Span]], Sequence[PlacementLike]
]


@dataclass
class Tally:
    claims: int = 0
    correct: int = 0
    misanchors: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.claims if self.claims else 0.0

    def add(self, correct: bool, misanchor: bool) -> None:
        self.claims += 1
        self.correct += correct
        self.misanchors += misanchor


@dataclass(frozen=True)
class Failure:
    scenario: str
    claim: int
    kinds: tuple[str, ...]
    truth: Truth
    outcome: str
    unit: int | None
    misanchor: bool
    old_claim: str
    got_text: str | None
    truth_text: str | None


@dataclass
class Score:
    total: Tally
    by_kind: dict[str, Tally]  # claims an edit of that kind touched; "untouched" for the rest
    scenarios_by_kind: dict[str, int]  # scenarios holding an edit of that kind
    by_outcome: dict[str, Tally]  # by the true outcome
    failures: list[Failure]

    @property
    def accuracy(self) -> float:
        return self.total.accuracy

    @property
    def misanchors(self) -> int:
        return self.total.misanchors


def judge(truth: Truth, outcome: str, unit: int | None) -> tuple[bool, bool]:
    """(right, mis-anchor) for one placement against the truth."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}: expected one of {', '.join(OUTCOMES)}")
    attached = outcome in ("kept", "changed")
    right = outcome in (truth.outcome, *truth.also) and (not attached or unit == truth.unit)
    misanchor = attached and (truth.unit is None or unit != truth.unit)
    return right, misanchor


def score(scenarios: Iterable[Scenario], reanchor: Reanchor, keep_failures: int = 20) -> Score:
    """Run ``reanchor`` on every scenario and score it against the truth."""
    total = Tally()
    by_kind: dict[str, Tally] = {k: Tally() for k in (*KINDS, "untouched")}
    by_outcome: dict[str, Tally] = {k: Tally() for k in OUTCOMES}
    scenarios_by_kind: Counter[str] = Counter()
    failures: list[Failure] = []
    for scenario in scenarios:
        scenarios_by_kind.update(set(scenario.kinds))
        placements = list(
            reanchor(
                scenario.old_text,
                scenario.old_units,
                scenario.new_text,
                scenario.new_units,
                scenario.claims,
            )
        )
        if len(placements) != len(scenario.claims):
            raise ValueError(
                f"{scenario.name}: {len(placements)} placements for {len(scenario.claims)} claims"
            )
        for cid, (truth, placement) in enumerate(zip(scenario.truth, placements, strict=True)):
            right, misanchor = judge(truth, placement.outcome, placement.unit)
            total.add(right, misanchor)
            by_outcome[truth.outcome].add(right, misanchor)
            for kind in scenario.claim_kinds[cid] or ("untouched",):
                by_kind[kind].add(right, misanchor)
            if not right and len(failures) < keep_failures:
                failures.append(_failure(scenario, cid, placement, misanchor))
    return Score(total, by_kind, dict(scenarios_by_kind), by_outcome, failures)


def _failure(scenario: Scenario, cid: int, placement: PlacementLike, misanchor: bool) -> Failure:
    def text_of(unit: int | None) -> str | None:
        if unit is None or not 0 <= unit < len(scenario.new_units):
            return None
        start, end = scenario.new_units[unit]
        return scenario.new_text[start:end]

    start, end = scenario.claims[cid]
    truth = scenario.truth[cid]
    return Failure(
        scenario=scenario.name,
        claim=cid,
        kinds=scenario.claim_kinds[cid],
        truth=truth,
        outcome=placement.outcome,
        unit=placement.unit,
        misanchor=misanchor,
        old_claim=scenario.old_text[start:end],
        got_text=text_of(placement.unit),
        truth_text=text_of(truth.unit),
    )


def report(result: Score, generated: Generated | None = None) -> str:
    """The score as a table, for the command line."""
    lines = [
        f"claims {result.total.claims}  accuracy {result.accuracy:.3f}  "
        f"misanchors {result.misanchors}",
    ]
    if generated is not None:
        drops = ", ".join(f"{k} {v}" for k, v in sorted(generated.drops.items())) or "none"
        made = f"scenarios {len(generated.scenarios)} of {generated.attempts} attempts"
        lines.append(f"{made}; dropped: {drops}")
    lines += [
        "",
        "claims by the edits that touched them (their sentence, or next to it):",
        f"{'edit kind':<12}{'scenarios':>10}{'claims':>8}{'accuracy':>10}{'misanch.':>10}",
    ]
    for kind, tally in result.by_kind.items():
        scenario_count = str(result.scenarios_by_kind.get(kind, 0)) if kind in KINDS else ""
        lines.append(
            f"{kind:<12}{scenario_count:>10}{tally.claims:>8}"
            f"{tally.accuracy:>10.3f}{tally.misanchors:>10}"
        )
    lines += ["", f"{'true outcome':<12}{'':>10}{'claims':>8}{'accuracy':>10}{'misanch.':>10}"]
    for outcome, tally in result.by_outcome.items():
        lines.append(
            f"{outcome:<12}{'':>10}{tally.claims:>8}{tally.accuracy:>10.3f}{tally.misanchors:>10}"
        )
    if result.failures:
        lines += ["", "first failures:"]
    for f in result.failures:
        also = f" (or {', '.join(f.truth.also)})" if f.truth.also else ""
        lines.append(
            f"- {f.scenario} claim {f.claim} [{', '.join(f.kinds) or 'untouched'}]: "
            f"truth {f.truth.outcome}{also} unit {f.truth.unit}, got {f.outcome} unit {f.unit}"
            f"{'  MISANCHOR' if f.misanchor else ''}"
        )
        lines.append(f"    claim: {f.old_claim!r}")
        if f.truth_text is not None:
            lines.append(f"    truth: {f.truth_text!r}")
        if f.got_text is not None and f.unit != f.truth.unit:
            lines.append(f"    got:   {f.got_text!r}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m factcheck.analysis.anchor_eval",
        description="Score factcheck.analysis.anchor.reanchor on generated edit scenarios.",
    )
    parser.add_argument("--seed", type=int, default=0, help="dev seeds are below 1000")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument(
        "--heldout",
        action="store_true",
        help=f"the held-out set: seed {HELDOUT_SEED}, count {HELDOUT_COUNT}",
    )
    parser.add_argument("--failures", type=int, default=10, help="failures to print")
    args = parser.parse_args(argv)
    seed, count = (HELDOUT_SEED, HELDOUT_COUNT) if args.heldout else (args.seed, args.count)
    if count < 1:
        parser.error("--count must be at least 1")
    try:
        # Imported by name at run time: the evaluation is written blind, before the algorithm.
        module = importlib.import_module("factcheck.analysis.anchor")
    except ImportError as error:
        print(f"factcheck.analysis.anchor is not importable: {error}", file=sys.stderr)
        return 2
    reanchor = cast(Reanchor, module.reanchor)
    generated = generate(seed, count)
    started = time.perf_counter()
    result = score(generated.scenarios, reanchor, keep_failures=args.failures)
    elapsed = time.perf_counter() - started
    split = "held-out" if seed == HELDOUT_SEED else "dev" if seed in DEV_SEEDS else "other"
    print(f"seed {seed} ({split}), reanchor took {elapsed:.1f} s")
    print(report(result, generated))
    return 0


if __name__ == "__main__":
    sys.exit(main())
