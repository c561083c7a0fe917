"""Re-anchoring claims on a new revision of a draft, and the sentence alignment behind it.

A claim is a span of the old text inside one old *unit* (sentence or headline). When the draft
gets a new revision, :func:`reanchor` says where each claim went: ``kept`` (its words are there,
unchanged but for white space and quote-mark style), ``changed`` (its sentence continues but the
claim's words were edited), ``removed`` (its sentence was deleted and nothing took its place) or
``orphaned`` (the match is weak or ambiguous: a person decides, helped by ``candidates``).

It works the way Hypothesis anchors annotations (a text-quote selector with a position), in two
steps:

1. **Align the units** (:func:`align_units`, also used by :mod:`factcheck.analysis.revdiff`).
   Units are compared on their *folded* text (each run of white space one space, quote marks
   made plain: "per cent" and "percent" differ). First the exact matches, patience-diff style:
   sentences that occur once in each text are paired and their longest in-order chain is the
   backbone; the others are *moves*; the same is repeated inside each stretch between two
   backbone pairs (never for a sentence with more copies in one text than in the other, even
   where only one copy is in sight). An exact match away from the old place and its old
   neighbours, with an edited lookalike in the old place among them, is undecided (which one is
   a copy?). Then, inside each stretch still unpaired, the edited sentences are paired by
   the longest common subsequence of their word tokens (a small dynamic programme that also
   recognises two sentences joined into one and one split in two); the same is done for the
   sentences left beside a neighbour that moved away (with its paragraph) and the new ones
   beside its new place. A sentence that occurs more often in one text than in the other is
   decided by its neighbours (the sentences before and after, the same or paired; when both
   copies keep one, the one whose paragraph moved along with it), and when they don't tell the
   copies apart it stays undecided: never a silent guess. Then edited sentences moved
   elsewhere (or split or joined there), only when no lookalike comes close (or their
   neighbours came along), after which the undecided copies are looked at again. Last, a lone
   old sentence facing a lone new one in the same place (between the same pairs, or beside a
   neighbour that moved) is paired weakly, by position alone, unless the paragraphs show the
   new one is not in its place; the only old and new sentences left anywhere, when they share
   a name or a figure, are left undecided (a rewrite that moved). Three or more old sentences
   of a stretch, facing unlike others, were deleted (a passage replaced).
2. **Place each claim** inside its aligned unit: the claim's quote (without the punctuation at
   its ends, which a join turns into a semicolon) is searched for exactly (folded), the best
   occurrence chosen by its prefix, suffix and position. Found, the claim is kept, unless words
   were added right after it where it ends its sentence (an attribution: the claim grew).
   Failing that the claim's word tokens are mapped through a word alignment of the two
   sentences and the share of them that survives in order decides between ``changed`` and
   ``orphaned``.

Fuzzy comparisons stay inside the stretches between exact matches (a long stretch is searched
only near its diagonal), so a long draft with a few edits costs little more than hashing its
sentences. The word-token
LCS comes from RapidFuzz (``LCSseq``/``Indel``), on strings where each distinct token is one
character.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import Indel, LCSseq

from factcheck.analysis.normalise import strip_span

__all__ = [
    "Alignment",
    "Link",
    "Outcome",
    "Placement",
    "align_units",
    "fold",
    "quote_selector",
    "reanchor",
]

Outcome = Literal["kept", "changed", "removed", "orphaned"]

# Share of a claim's word tokens that must survive (in order) for it to follow an edited
# sentence: the 60% of "changed". Under 40% is "orphaned" and in between either is right, so
# orphaning the grey zone costs nothing, while attaching there would be a mis-anchor for a split
# (where 60% is the rule) and would leave no room for the truth counting a few words otherwise.
CHANGED_SHARE = 0.6

# Two sentences may pair as "the same sentence, edited" when their word-token LCS is at least
# this share of their mean length, or when one holds most (PAIR_CONTAINED) of the other's words.
PAIR_SIMILAR = 0.4
PAIR_CONTAINED = 0.6
# An edited sentence found away from its place is paired only this similar, with every other
# sentence of either text at least MOVE_MARGIN less similar (no lookalike).
MOVE_SIMILAR = 0.6
MOVE_MARGIN = 0.1
# Lookalikes are first looked for by characters (this much below the words' threshold, the
# ROUGH_RIVALS most alike), then checked by words.
PREFILTER = 0.2
ROUGH_RIVALS = 16
# Two pairings closer than this are a tie: the claim is orphaned with both as candidates.
TIE = 0.02
# Caps on the fuzzy work: the pairing programme looks at every sentence pair of a stretch of up
# to DP_CELLS pairs, and within BAND places of the diagonal beyond; the search for moved edited
# sentences runs on at most MOVE_PAIRS pairs.
DP_CELLS = 2500
BAND = 8
MOVE_PAIRS = 4000
CANDIDATES = 3
# This many old sentences in a row, none like any new one in their place, were deleted (and
# other sentences put there) rather than each rewritten.
PASSAGE = 3

_SINGLE_QUOTES = "‘’‚‛‹›"
_DOUBLE_QUOTES = "“”„‟«»"
_WORD = re.compile(r"\w+")
# Punctuation at a claim's ends, not counted as its words.
_EDGE = " .,;:!?…–—-"


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one claim went in the new text."""

    outcome: Outcome
    unit: int | None  # index into new_units, for kept / changed; None otherwise
    start: int | None  # span in new_text, for kept / changed
    end: int | None
    score: float  # 0..1, how well the words match (1.0 = identical words)
    candidates: tuple[int, ...] = ()  # orphaned: the new units it might belong to (best first)


@dataclass(frozen=True, slots=True)
class Link:
    """Old units that continue as new units: 1–1, a join (2 old → 1 new) or a split (1 → 2)."""

    old: tuple[int, ...]
    new: tuple[int, ...]
    identical: bool  # same text once white space and quote marks are folded (1–1 only)
    moved: bool  # out of reading order: the sentence (or its paragraph) moved
    weak: bool  # paired by position only: the one new sentence standing where the old one was


@dataclass(frozen=True, slots=True)
class Alignment:
    """The old and new units of two revisions, paired.

    ``old_links[i]`` / ``new_links[j]`` index into ``links`` (``None``: unpaired). ``unplaced``
    holds the unpaired old units that may still be somewhere: the new units they might be (best
    first), when two copies of a sentence can't be told apart, or a sentence was rewritten where
    it stood. An unpaired old unit not in ``unplaced`` was deleted.
    """

    links: tuple[Link, ...]
    old_links: tuple[int | None, ...]
    new_links: tuple[int | None, ...]
    unplaced: Mapping[int, tuple[int, ...]]


def fold(text: str) -> str:
    """``text`` as compared: each run of white space one space (none at the ends), curly and
    angle quote marks made plain. Spacing is collapsed, not dropped: "per cent" → "percent"
    is an edit."""
    return " ".join(_plain_quotes(text).split())


def _plain_quotes(text: str) -> str:
    # str.replace per mark beats str.translate on a long text (translate goes char by char).
    for marks, plain in ((_SINGLE_QUOTES, "'"), (_DOUBLE_QUOTES, '"')):
        for mark in marks:
            if mark in text:
                text = text.replace(mark, plain)
    return text


def quote_selector(text: str, start: int, end: int, context: int = 32) -> dict[str, str | int]:
    """A text-quote selector with its position, as stored with a claim (Hypothesis style)."""
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"span {start}–{end} is outside the text (length {len(text)})")
    if context < 0:
        raise ValueError("context must not be negative")
    return {
        "quote": text[start:end],
        "prefix": text[max(0, start - context) : start],
        "suffix": text[end : end + context],
        "start": start,
        "end": end,
    }


# --- the two texts ------------------------------------------------------------------------------


class _Vocab:
    """Each distinct token becomes one character, so RapidFuzz compares token strings."""

    def __init__(self) -> None:
        self._codes: dict[str, str] = {}

    def encode(self, tokens: Sequence[str]) -> str:
        codes = self._codes
        out = []
        for token in tokens:
            code = codes.get(token)
            if code is None:
                number = 0x100 + len(codes)
                code = chr(number if number < 0xD800 else number + 0x800)  # skip surrogates
                codes[token] = code
            out.append(code)
        return "".join(out)


class _Words:
    """Each unit's case-folded word tokens, encoded; made when first asked for (most units are
    matched exactly and never need them)."""

    def __init__(self, text: str, units: list[tuple[int, int]], vocab: _Vocab) -> None:
        self._text = text
        self._units = units
        self._vocab = vocab
        self._cache: dict[int, str] = {}

    def __getitem__(self, unit: int) -> str:
        words = self._cache.get(unit)
        if words is None:
            start, end = self._units[unit]
            tokens = _WORD.findall(self._text, start, end)
            words = self._cache[unit] = self._vocab.encode([w.casefold() for w in tokens])
        return words


class _Side:
    """One revision: its units, their folded text and their word tokens (case-folded)."""

    def __init__(self, text: str, units: Sequence[tuple[int, int]], vocab: _Vocab) -> None:
        self.text = text
        self.units = _checked_units(text, units)
        quoted = _plain_quotes(text)
        self.sigs = [" ".join(quoted[s:e].split()) for s, e in self.units]
        self.words = _Words(text, self.units, vocab)
        self._spans: dict[int, list[tuple[int, int]]] = {}
        self._folded: dict[int, tuple[str, list[int]]] = {}

    def __len__(self) -> int:
        return len(self.units)

    def names(self, unit: int) -> set[str]:
        """The unit's names and figures: words with a capital (but the first) or a digit."""
        start, end = self.units[unit]
        tokens = _WORD.findall(self.text, start, end)
        return {
            w.casefold()
            for k, w in enumerate(tokens)
            if (k and w[0].isupper()) or any(c.isdigit() for c in w)
        }

    def continues(self, unit: int) -> bool:
        """Whether the unit is in the same paragraph as the one before (no blank line or other
        text between them)."""
        if unit == 0:
            return False
        between = self.text[self.units[unit - 1][1] : self.units[unit][0]]
        return between.count("\n") < 2 and not between.strip()

    def word_spans(self, unit: int) -> list[tuple[int, int]]:
        """The text offsets of the unit's word tokens (the same tokens as ``words``)."""
        spans = self._spans.get(unit)
        if spans is None:
            start, end = self.units[unit]
            spans = [
                (start + m.start(), start + m.end()) for m in _WORD.finditer(self.text[start:end])
            ]
            self._spans[unit] = spans
        return spans

    def folded(self, unit: int) -> tuple[str, list[int]]:
        """The unit's folded text and, for each of its characters, the offset in the text."""
        found = self._folded.get(unit)
        if found is None:
            start, end = self.units[unit]
            text = self.text
            # A run of white space is one space, placed at the run's first character.
            positions = [
                k
                for k in range(start, end)
                if not text[k].isspace() or (k > start and not text[k - 1].isspace())
            ]
            while positions and text[positions[-1]].isspace():
                positions.pop()
            chars = "".join(" " if text[k].isspace() else text[k] for k in positions)
            found = (_plain_quotes(chars), positions)
            self._folded[unit] = found
        return found


def _checked_units(text: str, units: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    checked: list[tuple[int, int]] = []
    previous = 0
    for start, end in units:
        if not previous <= start <= end <= len(text):
            raise ValueError(
                f"unit {len(checked)} ({start}–{end}) is not in reading order inside the text"
            )
        checked.append((start, end))
        previous = end
    return checked


def _sym(common: int, a: int, b: int) -> float:
    return 2 * common / (a + b) if a + b else 0.0


# --- the alignment ------------------------------------------------------------------------------


def align_units(
    old_text: str,
    old_units: Sequence[tuple[int, int]],
    new_text: str,
    new_units: Sequence[tuple[int, int]],
) -> Alignment:
    """Pair the units of two revisions (see the module's docstring for how)."""
    vocab = _Vocab()
    return _Aligner(_Side(old_text, old_units, vocab), _Side(new_text, new_units, vocab)).run()


def _lis(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest chain of ``pairs`` (sorted by old index) increasing in new index."""
    tails: list[int] = []
    tail_at: list[int] = []
    previous = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        place = bisect_left(tails, j)
        if place == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[place] = j
            tail_at[place] = k
        previous[k] = tail_at[place - 1] if place else -1
    chain: list[tuple[int, int]] = []
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        chain.append(pairs[k])
        k = previous[k]
    return chain[::-1]


@dataclass(slots=True)
class _Pending:
    old: tuple[int, ...]
    new: tuple[int, ...]
    identical: bool = False
    moved: bool = False
    weak: bool = False


class _Aligner:
    def __init__(self, old: _Side, new: _Side) -> None:
        self.old = old
        self.new = new
        self.links: list[_Pending] = []
        self.old_link: list[int] = [-1] * len(old)
        self.new_link: list[int] = [-1] * len(new)
        self.unplaced: dict[int, tuple[int, ...]] = {}
        self.reserved: set[int] = set()  # new units some undecided old unit may be
        self._held_old: set[int] = set()
        self._held_new: set[int] = set()
        self._lcs_cache: dict[tuple[int, int], int] = {}

    def run(self) -> Alignment:
        self._exact_stretches()
        self._doubt_far_copies()
        # Copies of one sentence left unpaired are held back while the edited sentences are
        # paired, so that their neighbours' pairings can then tell the copies apart.
        groups = self._copies()
        for old_units, new_units in self._gaps():
            self._pair_edited(old_units, new_units)
        self._held_old.clear()
        self._held_new.clear()
        undecided = self._decide_copies(groups)
        for olds, news in self._runs_beside():
            self._pair_edited(olds, news)
        self._pair_moved_edited()
        # The pairings made since (moved edited neighbours) may now tell the copies apart.
        for olds, news in undecided:
            for i in olds:
                del self.unplaced[i]
            self.reserved.difference_update(news)
        self._decide_copies(undecided)
        self._pair_by_position()
        kept = [p for p in self.links if p.old]
        number = {id(p): k for k, p in enumerate(kept)}
        return Alignment(
            links=tuple(Link(p.old, p.new, p.identical, p.moved, p.weak) for p in kept),
            old_links=tuple(number[id(self.links[k])] if k >= 0 else None for k in self.old_link),
            new_links=tuple(number[id(self.links[k])] if k >= 0 else None for k in self.new_link),
            unplaced=dict(self.unplaced),
        )

    def _link(self, link: _Pending) -> None:
        number = len(self.links)
        self.links.append(link)
        for i in link.old:
            self.old_link[i] = number
        for j in link.new:
            self.new_link[j] = number

    def _free_old(self, i: int) -> bool:
        return self.old_link[i] < 0 and i not in self.unplaced and i not in self._held_old

    def _free_new(self, j: int) -> bool:
        return self.new_link[j] < 0 and j not in self.reserved and j not in self._held_new

    # Exact matches.

    def _exact_stretches(self) -> None:
        """Patience diff: unique sentences pair up; their longest in-order chain splits the
        texts into stretches, where the same is done again."""
        old, new = self.old, self.new
        # A sentence with more copies in one text than in the other (a copy added or dropped)
        # is never paired here, even where only one copy is in sight: which copy is which is
        # for the neighbours to decide (see _decide_copies).
        old_count, new_count = Counter(old.sigs), Counter(new.sigs)
        stack = [(0, len(old), 0, len(new))]
        while stack:
            olo, ohi, nlo, nhi = stack.pop()
            if olo >= ohi or nlo >= nhi:
                continue
            by_old = self._by_sig(old.sigs, self.old_link, olo, ohi)
            by_new = self._by_sig(new.sigs, self.new_link, nlo, nhi)
            for sig in [sig for sig in by_old if old_count[sig] != new_count[sig]]:
                del by_old[sig]
            unique = sorted(
                (found[0], by_new[sig][0])
                for sig, found in by_old.items()
                if len(found) == 1 and len(by_new.get(sig, ())) == 1
            )
            if unique:
                chain = _lis(unique)
                in_chain = set(chain)
                for i, j in unique:
                    self._link(_Pending((i,), (j,), identical=True, moved=(i, j) not in in_chain))
                bounds = [(olo - 1, nlo - 1), *chain, (ohi, nhi)]
                for (po, pn), (qo, qn) in pairwise(bounds):
                    stack.append((po + 1, qo, pn + 1, qn))
                continue
            # No unique sentence left here: a sentence repeated as often on both sides pairs
            # in order; the others wait for their neighbours to decide.
            pairs: list[tuple[int, int]] = []
            for sig, found in by_old.items():
                other = by_new.get(sig, [])
                if len(other) == len(found):
                    pairs.extend(zip(found, other, strict=True))
            for i, j in _lis(sorted(pairs)):
                self._link(_Pending((i,), (j,), identical=True))

    def _doubt_far_copies(self) -> None:
        """An exact match away from the old place, with none of the old neighbours, while an
        edited lookalike stands in the old place among them: either the sentence moved and a
        copy with an edit was put in its place, or it was edited in place and a copy of the
        old wording put elsewhere. Nothing tells which, so the claim is left undecided."""
        chain_old, chain_new = self._chain()
        for link in self.links:
            if not (link.identical and link.moved and len(link.old) == len(link.new) == 1):
                continue
            i, j = link.old[0], link.new[0]
            if self._context(i, j):
                continue
            at = bisect_left(chain_old, i)
            lo = chain_new[at - 1] + 1 if at else 0
            hi = chain_new[at] if at < len(chain_new) else len(self.new)
            gains = [
                (self._pair_gain(i, k), k)
                for k in range(lo, hi)
                if self.new_link[k] < 0 and self._context(i, k)
            ]
            gain, k = max(gains, default=(0.0, -1))
            if gain:
                link.old, link.new = (), ()  # dropped when the alignment is made
                self.old_link[i] = self.new_link[j] = -1
                self.unplaced[i] = (j, k)
                self.reserved.update((j, k))

    @staticmethod
    def _by_sig(sigs: list[str], links: list[int], lo: int, hi: int) -> dict[str, list[int]]:
        groups: dict[str, list[int]] = {}
        for k in range(lo, hi):
            if links[k] < 0 and sigs[k]:
                groups.setdefault(sigs[k], []).append(k)
        return groups

    def _copies(self) -> list[tuple[list[int], list[int]]]:
        """Unpaired copies of one sentence on both sides (repeated, or moved), held back."""
        by_old = self._by_sig(self.old.sigs, self.old_link, 0, len(self.old))
        by_new = self._by_sig(self.new.sigs, self.new_link, 0, len(self.new))
        groups = []
        for sig, found in by_old.items():
            olds = [i for i in found if i not in self.unplaced]  # already left undecided
            news = [j for j in by_new.get(sig, ()) if j not in self.reserved]
            if olds and news:
                groups.append((olds, news))
        for olds, news in groups:
            self._held_old.update(olds)
            self._held_new.update(news)
        return groups

    def _decide_copies(
        self, groups: list[tuple[list[int], list[int]]]
    ) -> list[tuple[list[int], list[int]]]:
        """Pair the copies whose neighbours decide; the others stay undecided (orphans), and
        are returned."""
        undecided: list[tuple[list[int], list[int]]] = []
        chain_old, chain_new = self._chain()
        for group_old, group_new in groups:
            olds, news = list(group_old), list(group_new)
            while olds and news:
                pair = self._decided_by_context(olds, news)
                if pair is None:
                    break
                i, j = pair
                at = bisect_left(chain_old, i)
                in_order = (at == 0 or chain_new[at - 1] < j) and (
                    at == len(chain_old) or j < chain_new[at]
                )
                if in_order:
                    chain_old.insert(at, i)
                    chain_new.insert(at, j)
                self._link(_Pending((i,), (j,), identical=True, moved=not in_order))
                olds.remove(i)
                news.remove(j)
            if olds and news:
                for i in olds:
                    ranked = [j for _, j in sorted((-self._context(i, j), j) for j in news)]
                    self.unplaced[i] = tuple(ranked[:CANDIDATES])
                self.reserved.update(news)
                undecided.append((olds, news))
        return undecided

    def _decided_by_context(self, olds: list[int], news: list[int]) -> tuple[int, int] | None:
        """The pair whose neighbours match better than any rival's, on both sides."""
        scores = {(i, j): (self._context(i, j), self._mates(i, j)) for i in olds for j in news}
        for i in olds:
            row = sorted((scores[i, j] for j in news), reverse=True)
            best = row[0]
            if best[0] == 0 or (len(row) > 1 and row[1] == best):
                continue
            j = next(j for j in news if scores[i, j] == best)
            if all(scores[k, j] < best for k in olds if k != i):
                return i, j
        return None

    def _context(self, i: int, j: int) -> int:
        """How many of the two neighbours (before, after) of old ``i`` and new ``j`` match."""
        last_old, last_new = len(self.old) - 1, len(self.new) - 1
        score = 0
        if i == 0 or j == 0:
            score += i == 0 and j == 0
        else:
            score += self._neighbours_match(i - 1, j - 1)
        if i == last_old or j == last_new:
            score += i == last_old and j == last_new
        else:
            score += self._neighbours_match(i + 1, j + 1)
        return score

    def _mates(self, i: int, j: int) -> int:
        """How many of the matching neighbours moved (out of reading order) and share the
        paragraph with old ``i`` and with new ``j`` both: a paragraph that moved keeps its
        sentences together, so ``j`` moved with it. (A neighbour merely in place tells
        nothing: a copy may be put beside it, in its paragraph.)"""
        old, new = self.old, self.new
        score = 0
        if i and j and old.continues(i) and new.continues(j):
            score += self._moved_pair(i - 1, j - 1)
        if i + 1 < len(old) and j + 1 < len(new) and old.continues(i + 1) and new.continues(j + 1):
            score += self._moved_pair(i + 1, j + 1)
        return score

    def _moved_pair(self, i: int, j: int) -> bool:
        link = self.old_link[i]
        return link >= 0 and self.links[link].moved and j in self.links[link].new

    def _neighbours_match(self, i: int, j: int) -> bool:
        # The same text, or paired with each other (an edited neighbour is still the
        # neighbour). Mere likeness is not enough: in formulaic copy every sentence is alike.
        if self.old.sigs[i] == self.new.sigs[j]:
            return True
        link = self.old_link[i]
        return link >= 0 and j in self.links[link].new

    def _chain(self) -> tuple[list[int], list[int]]:
        """The in-order pairs (old and new index lists, both increasing)."""
        chain = sorted(
            (link.old[-1], link.new[-1], link.old[0], link.new[0])
            for link in self.links
            if not link.moved and not link.weak
        )
        return [c[0] for c in chain], [c[1] for c in chain]

    def _gaps(self) -> list[tuple[list[int], list[int]]]:
        """The free old and new units of each stretch between two in-order pairs."""
        rows = sorted(
            (link.old[0], link.old[-1], link.new[0], link.new[-1])
            for link in self.links
            if not link.moved
        )
        bounds = [
            (-1, -1, -1, -1),
            *rows,
            (len(self.old), len(self.old), len(self.new), len(self.new)),
        ]
        gaps = []
        for before, after in pairwise(bounds):
            olds = [i for i in range(before[1] + 1, after[0]) if self._free_old(i)]
            news = [j for j in range(before[3] + 1, after[2]) if self._free_new(j)]
            if olds or news:
                gaps.append((olds, news))
        return gaps

    # Edited sentences.

    def _lcs(self, i: int, j: int) -> int:
        key = (i, j)
        common = self._lcs_cache.get(key)
        if common is None:
            common = int(LCSseq.similarity(self.old.words[i], self.new.words[j]))
            self._lcs_cache[key] = common
        return common

    def _pair_gain(self, i: int, j: int) -> float:
        """Words kept when old ``i`` continues as new ``j``; 0 when they are not alike enough."""
        a, b = len(self.old.words[i]), len(self.new.words[j])
        if not a or not b:
            return 0.0
        common = self._lcs(i, j)
        sym = _sym(common, a, b)
        if sym >= PAIR_SIMILAR or (common >= 3 and common >= PAIR_CONTAINED * min(a, b)):
            return common + sym / 100  # ties go to the closer pair
        return 0.0

    def _join_gain(self, i: int, k: int, j: int) -> float:
        """Old ``i`` and ``k`` joined into new ``j``: each must bring half its words."""
        a, b = self.old.words[i], self.old.words[k]
        if not a or not b:
            return 0.0
        # Each brings at most what it shares with j alone: a cheap test before the real one.
        if self._lcs(i, j) < 0.5 * len(a) or self._lcs(k, j) < 0.5 * len(b):
            return 0.0
        both = LCSseq.similarity(a + b, self.new.words[j])
        if both - self._lcs(k, j) < 0.5 * len(a) or both - self._lcs(i, j) < 0.5 * len(b):
            return 0.0
        return both + _sym(both, len(a) + len(b), len(self.new.words[j])) / 100

    def _split_gain(self, i: int, j: int, k: int) -> float:
        """Old ``i`` split into new ``j`` and ``k``: each part must hold half its words."""
        a, b = self.new.words[j], self.new.words[k]
        if not a or not b:
            return 0.0
        if self._lcs(i, j) < 0.5 * len(a) or self._lcs(i, k) < 0.5 * len(b):
            return 0.0
        both = LCSseq.similarity(self.old.words[i], a + b)
        if both - self._lcs(i, k) < 0.5 * len(a) or both - self._lcs(i, j) < 0.5 * len(b):
            return 0.0
        return both + _sym(both, len(self.old.words[i]), len(a) + len(b)) / 100

    def _pair_edited(self, olds: list[int], news: list[int]) -> None:
        """Pair the edited sentences of one stretch, in order, keeping the most words."""
        if not olds or not news:
            return
        m, n = len(olds), len(news)
        # A long stretch (much of the draft rewritten) is searched only near its diagonal.
        width = n if m * n <= DP_CELLS else max(BAND, -(-n // m) + 2)
        found = self._programme(olds, news, width)
        for link in self._ties(found, olds, news, width):
            self._link(link)

    def _programme(self, olds: list[int], news: list[int], width: int) -> list[_Pending]:
        """The in-order pairing (1–1, joins, splits) that keeps the most words: dynamic
        programming over the stretch, within ``width`` of the diagonal."""
        m, n = len(olds), len(news)
        none = float("-inf")
        best: list[dict[int, float]] = []
        step: list[dict[int, tuple[int, int]]] = []
        for a in range(m + 1):
            centre = a * n // m
            row: dict[int, float] = {}
            moves: dict[int, tuple[int, int]] = {}
            above = best[a - 1] if a else {}
            for b in range(max(0, centre - width), min(n, centre + width) + 1):
                if a == 0 and b == 0:
                    row[0], moves[0] = 0.0, (0, 0)
                    continue
                value, move = none, (0, 0)
                if above.get(b, none) > value:
                    value, move = above[b], (1, 0)
                if row.get(b - 1, none) > value:
                    value, move = row[b - 1], (0, 1)
                if a and b:
                    before = above.get(b - 1, none)
                    if before > none:
                        gain = self._pair_gain(olds[a - 1], news[b - 1])
                        if gain and before + gain > value:
                            value, move = before + gain, (1, 1)
                    if a > 1 and olds[a - 2] + 1 == olds[a - 1]:
                        before = best[a - 2].get(b - 1, none)
                        if before > none:
                            gain = self._join_gain(olds[a - 2], olds[a - 1], news[b - 1])
                            if gain and before + gain > value:
                                value, move = before + gain, (2, 1)
                    if b > 1 and news[b - 2] + 1 == news[b - 1]:
                        before = above.get(b - 2, none)
                        if before > none:
                            gain = self._split_gain(olds[a - 1], news[b - 2], news[b - 1])
                            if gain and before + gain > value:
                                value, move = before + gain, (1, 2)
                row[b], moves[b] = value, move
            best.append(row)
            step.append(moves)
        found: list[_Pending] = []
        a, b = m, n
        while a or b:
            da, db = step[a][b]
            if da and db:
                found.append(_Pending(tuple(olds[a - da : a]), tuple(news[b - db : b])))
            a, b = a - da, b - db
        return found[::-1]

    def _ties(
        self, found: list[_Pending], olds: list[int], news: list[int], width: int
    ) -> list[_Pending]:
        """Drop 1–1 pairings that another free sentence nearby matches as well: the old
        sentence is then undecided between them (two lookalike edits)."""
        used_old = {i for link in found for i in link.old}
        used_new = {j for link in found for j in link.new}
        at_old = {i: a for a, i in enumerate(olds)}
        at_new = {j: b for b, j in enumerate(news)}
        kept: list[_Pending] = []
        for link in found:
            if len(link.old) != 1 or len(link.new) != 1:
                kept.append(link)
                continue
            i, j = link.old[0], link.new[0]
            gain = self._pair_gain(i, j)
            near_new = news[max(0, at_new[j] - width) : at_new[j] + width + 1]
            near_old = olds[max(0, at_old[i] - width) : at_old[i] + width + 1]
            rival_new = [
                k for k in near_new if k not in used_new and self._pair_gain(i, k) >= gain - TIE
            ]
            rival_old = [
                k for k in near_old if k not in used_old and self._pair_gain(k, j) >= gain - TIE
            ]
            if not rival_new and not rival_old:
                kept.append(link)
                continue
            for k in (i, *rival_old):
                self.unplaced[k] = (j, *rival_new)[:CANDIDATES]
            self.reserved.update((j, *rival_new))
        return kept

    def _pair_moved_edited(self) -> None:
        """An edited sentence away from its place, paired only when no lookalike comes close (or
        its neighbours came along)."""
        olds = [i for i in range(len(self.old)) if self._free_old(i) and self.old.words[i]]
        news = [j for j in range(len(self.new)) if self._free_new(j) and self.new.words[j]]
        if not olds or not news or len(olds) * len(news) > MOVE_PAIRS:
            return
        chain_old, chain_new = self._chain()
        for i in olds:
            if not self._free_old(i):
                continue  # joined with the one before
            scored = sorted(
                ((self._similarity(i, j), j) for j in news if self._free_new(j)), reverse=True
            )
            if self._pair_moved_split(i, scored, olds, chain_old, chain_new):
                continue
            if self._pair_moved_join(i, news, olds, chain_old, chain_new):
                continue
            if not scored or scored[0][0] < MOVE_SIMILAR:
                continue
            best, j = scored[0]
            floor = best - MOVE_MARGIN
            rivals_new, rivals_old = self._alike(i, j, floor)
            # With lookalikes about, only the neighbours can decide: a moved paragraph keeps
            # them, so the pair whose neighbours are paired wins if no rival's are.
            if (rivals_new or rivals_old) and not (
                self._context(i, j) > 0
                and not any(self._context(i, k) > 0 for k in rivals_new)
                and not any(self._context(k, j) > 0 for k in rivals_old)
            ):
                close = [k for s, k in scored if s > floor]
                self.unplaced[i] = tuple(close[:CANDIDATES])
                continue
            at = bisect_left(chain_old, i)
            in_order = (at == 0 or chain_new[at - 1] < j) and (
                at == len(chain_old) or j < chain_new[at]
            )
            self._link(_Pending((i,), (j,), moved=not in_order))

    def _pair_moved_split(
        self,
        i: int,
        scored: list[tuple[float, int]],
        olds: list[int],
        chain_old: list[int],
        chain_new: list[int],
    ) -> bool:
        """Old ``i`` split in two (``j``, ``j + 1``) away from its place: paired when the two
        parts together match it better than any single sentence, with no lookalike about."""
        best_split, at = 0.0, -1
        for _, j in scored:
            k = j + 1
            if k < len(self.new) and self._free_new(k) and self._split_gain(i, j, k):
                a, b = self.new.words[j], self.new.words[k]
                both = LCSseq.similarity(self.old.words[i], a + b)
                similar = _sym(both, len(self.old.words[i]), len(a) + len(b))
                if similar > best_split:
                    best_split, at = similar, j
        single = scored[0][0] if scored else 0.0
        if best_split < MOVE_SIMILAR or best_split <= single:
            return False
        floor = best_split - MOVE_MARGIN
        parts = (at, at + 1)
        if any(s > floor for s, k in scored if k not in parts):
            return False
        mine = max(self._similarity(i, j) for j in parts)
        if any(
            max(self._similarity(k, j) for j in parts) > mine - MOVE_MARGIN
            for k in olds
            if k != i and self._free_old(k)
        ):
            return False
        place = bisect_left(chain_old, i)
        in_order = (place == 0 or chain_new[place - 1] < at) and (
            place == len(chain_old) or at + 1 < chain_new[place]
        )
        self._link(_Pending((i,), parts, moved=not in_order))
        return True

    def _pair_moved_join(
        self,
        i: int,
        news: list[int],
        olds: list[int],
        chain_old: list[int],
        chain_new: list[int],
    ) -> bool:
        """Old ``i`` and ``i + 1`` joined into one sentence away from their place: paired when
        the joined one matches them better than any single sentence, with no lookalike."""
        k = i + 1
        if k >= len(self.old) or not self._free_old(k) or not self.old.words[k]:
            return False
        free = [j for j in news if self._free_new(j)]
        best_join, at = 0.0, -1
        for j in free:
            if self._join_gain(i, k, j):
                a, b, c = self.old.words[i], self.old.words[k], self.new.words[j]
                similar = _sym(LCSseq.similarity(a + b, c), len(a) + len(b), len(c))
                if similar > best_join:
                    best_join, at = similar, j
        if best_join < MOVE_SIMILAR:
            return False
        mine = max(self._similarity(i, at), self._similarity(k, at))
        floor = mine - MOVE_MARGIN
        if any(
            max(self._similarity(i, j), self._similarity(k, j)) > floor for j in free if j != at
        ) or any(
            self._similarity(x, at) > floor for x in olds if x not in (i, k) and self._free_old(x)
        ):
            return False
        place = bisect_left(chain_old, i)
        in_order = (place == 0 or chain_new[place - 1] < at) and (
            place == len(chain_old) or at < chain_new[place]
        )
        self._link(_Pending((i, k), (at,), moved=not in_order))
        return True

    def _similarity(self, i: int, j: int) -> float:
        a, b = self.old.words[i], self.new.words[j]
        return _sym(self._lcs(i, j), len(a), len(b))

    def _alike(self, i: int, j: int, floor: float) -> tuple[list[int], list[int]]:
        """The new units other than ``j`` as similar to old ``i`` as ``floor``, and the old
        units other than ``i`` as similar to new ``j``: a pass in C over the folded texts of
        the whole draft finds the most alike, then their words decide."""
        rough = floor - PREFILTER
        rivals_new = [
            k
            for _, _, k in process.extract(
                self.old.sigs[i],
                self.new.sigs,
                scorer=Indel.normalized_similarity,
                score_cutoff=rough,
                limit=ROUGH_RIVALS,
            )
            if k != j and self._similarity(i, k) > floor
        ]
        rivals_old = [
            k
            for _, _, k in process.extract(
                self.new.sigs[j],
                self.old.sigs,
                scorer=Indel.normalized_similarity,
                score_cutoff=rough,
                limit=ROUGH_RIVALS,
            )
            if k != i and self._similarity(k, j) > floor
        ]
        return rivals_new, rivals_old

    def _pair_by_position(self) -> None:
        """What is left: a lone old sentence facing a lone new one in the same stretch was
        rewritten there (a weak pairing); several facing several are undecided; an old one
        facing none was deleted."""
        for olds, news in self._gaps():
            if not olds or not news:
                continue
            if len(olds) == 1 and len(news) == 1:
                self._link_weak(olds[0], news[0])
                continue
            if len(olds) >= PASSAGE:
                continue  # a passage replaced by other sentences: none took one's place
            for i in olds:
                ranked = [j for _, j in sorted((-self._lcs(i, j), j) for j in news)]
                self.unplaced[i] = tuple(ranked[:CANDIDATES])
        self._pair_beside_moved()

    def _pair_beside_moved(self) -> None:
        """A lone old sentence left over beside a neighbour that moved (with its paragraph),
        facing a lone new one beside the neighbour's new place, was rewritten there: a weak
        pairing, as in a stretch."""
        for olds, news in self._runs_beside():
            if len(olds) == 1 and len(news) == 1:
                self._link_weak(olds[0], news[0])
        self._pair_last_two()

    def _link_weak(self, i: int, j: int) -> None:
        """Pair by position, unless the paragraphs say ``j`` does not stand where ``i`` stood:
        beside a neighbour that continues, one sentence began a paragraph and the other did
        not (a paragraph inserted before a sentence that was then deleted)."""
        before = i > 0 and j > 0 and self._neighbours_match(i - 1, j - 1)
        if before and self.old.continues(i) != self.new.continues(j):
            return
        after = (
            i + 1 < len(self.old) and j + 1 < len(self.new) and self._neighbours_match(i + 1, j + 1)
        )
        if after and self.old.continues(i + 1) != self.new.continues(j + 1):
            return
        self._link(_Pending((i,), (j,), weak=True))

    def _pair_last_two(self) -> None:
        """The one old sentence left over anywhere and the one new sentence (not a copy of
        another), sharing a name or a figure: rewritten and moved, so its claims are orphaned
        with the new one as candidate (never attached: there is no place to go by). Sharing
        none, the old one was deleted and the new one written."""
        olds = [i for i in range(len(self.old)) if self._free_old(i)]
        if len(olds) != 1:
            return
        seen = Counter(self.old.sigs) + Counter(self.new.sigs)
        news = [
            j for j in range(len(self.new)) if self._free_new(j) and seen[self.new.sigs[j]] == 1
        ]
        if len(news) == 1 and self.old.names(olds[0]) & self.new.names(news[0]):
            self.unplaced[olds[0]] = (news[0],)
            self.reserved.add(news[0])

    def _runs_beside(self) -> list[tuple[list[int], list[int]]]:
        """Each run of free old sentences with the run of free new ones standing beside its
        neighbours' new places (the stretches miss these when a neighbour moved), when both
        neighbours that have a free new sentence beside them point to the same run and no other
        old run claims it."""
        found: list[tuple[list[int], list[int]]] = []
        size_old, size_new = len(self.old), len(self.new)
        i = 0
        while i < size_old:
            if not self._free_old(i):
                i += 1
                continue
            first = i
            while i < size_old and self._free_old(i):
                i += 1
            places: set[tuple[int, ...]] = set()
            if first > 0 and self.old_link[first - 1] >= 0:
                j = self.links[self.old_link[first - 1]].new[-1] + 1
                forward = []
                while j < size_new and self._free_new(j):
                    forward.append(j)
                    j += 1
                if forward:
                    places.add(tuple(forward))
            if i < size_old and self.old_link[i] >= 0:
                j = self.links[self.old_link[i]].new[0] - 1
                backward = []
                while j >= 0 and self._free_new(j):
                    backward.append(j)
                    j -= 1
                if backward:
                    places.add(tuple(backward[::-1]))
            if len(places) == 1:
                found.append((list(range(first, i)), list(places.pop())))
        claimed = Counter(tuple(news) for _, news in found)
        return [(olds, news) for olds, news in found if claimed[tuple(news)] == 1]


# --- placing the claims -------------------------------------------------------------------------


def reanchor(
    old_text: str,
    old_units: Sequence[tuple[int, int]],
    new_text: str,
    new_units: Sequence[tuple[int, int]],
    claims: Sequence[tuple[int, int]],
) -> list[Placement]:
    """Where each claim (a span of ``old_text``) is in ``new_text``: one placement per claim."""
    vocab = _Vocab()
    old = _Side(old_text, old_units, vocab)
    new = _Side(new_text, new_units, vocab)
    for start, end in claims:
        if not 0 <= start <= end <= len(old_text):
            raise ValueError(
                f"claim {start}–{end} is outside the old text (length {len(old_text)})"
            )
    alignment = _Aligner(old, new).run()
    placer = _Placer(old, new, alignment)
    return [placer.place(start, end) for start, end in claims]


_ORPHAN = Placement("orphaned", None, None, None, 0.0)


class _Placer:
    def __init__(self, old: _Side, new: _Side, alignment: Alignment) -> None:
        self.old = old
        self.new = new
        self.alignment = alignment
        self.starts = [s for s, _ in old.units]

    def place(self, start: int, end: int) -> Placement:
        start, end = strip_span(self.old.text, start, end)
        i = self._home(start, end)
        if i is None:
            return _ORPHAN
        unit_start, unit_end = self.old.units[i]
        whole = start <= unit_start and end >= unit_end
        start, end = max(start, unit_start), min(end, unit_end)
        number = self.alignment.old_links[i]
        if number is None:
            candidates = self.alignment.unplaced.get(i)
            if candidates:
                return self._orphan(i, start, end, candidates)
            return Placement("removed", None, None, None, 0.0)
        link = self.alignment.links[number]
        if link.identical:
            return self._same(i, link.new[0], start, end, whole)
        return _Claim(self, i, start, end, whole, link).place()

    def _home(self, start: int, end: int) -> int | None:
        """The old unit holding most of the claim."""
        at = bisect_right(self.starts, start) - 1
        best, best_overlap = None, 0
        for i in range(max(at, 0), len(self.starts)):
            unit_start, unit_end = self.old.units[i]
            if unit_start >= max(end, start + 1):
                break
            overlap = min(end, unit_end) - max(start, unit_start)
            if overlap > best_overlap:
                best, best_overlap = i, overlap
        return best

    def _same(self, i: int, j: int, start: int, end: int, whole: bool) -> Placement:
        """The unit is unchanged but for white space and quote marks: map the span."""
        if whole:
            return Placement("kept", j, *self.new.units[j], 1.0)
        _, old_positions = self.old.folded(i)
        _, new_positions = self.new.folded(j)
        first = bisect_left(old_positions, start)
        stop = bisect_left(old_positions, end)
        if stop <= first:
            return _ORPHAN
        return Placement("kept", j, new_positions[first], new_positions[stop - 1] + 1, 1.0)

    def _orphan(self, i: int, start: int, end: int, candidates: Sequence[int]) -> Placement:
        words = _claim_words(self.old, i, start, end)
        shares = {j: _share(words, self.new.words[j]) for j in candidates}
        ranked = tuple(sorted(candidates, key=lambda j: -shares[j]))
        return Placement("orphaned", None, None, None, max(shares.values(), default=0.0), ranked)


def _claim_tokens(side: _Side, unit: int, start: int, end: int) -> tuple[int, int]:
    """The claim's word tokens in its unit: ``words[unit][a:b]``."""
    spans = side.word_spans(unit)
    a = bisect_right([e for _, e in spans], start)
    b = bisect_left([s for s, _ in spans], end)
    return a, max(a, b)


def _claim_words(side: _Side, unit: int, start: int, end: int) -> str:
    a, b = _claim_tokens(side, unit, start, end)
    return side.words[unit][a:b]


def _share(claim_words: str, words: str) -> float:
    """Share of the claim's word tokens found, in order, in ``words``."""
    if not claim_words:
        return 0.0
    return float(LCSseq.similarity(claim_words, words)) / len(claim_words)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _is_mark(char: str) -> bool:
    return not char.isspace() and not _is_word(char)


class _Claim:
    """One claim of an edited (or joined, split, moved or weakly paired) unit."""

    def __init__(
        self, placer: _Placer, unit: int, start: int, end: int, whole: bool, link: Link
    ) -> None:
        self.old, self.new = placer.old, placer.new
        self.unit, self.start, self.end, self.whole, self.link = unit, start, end, whole, link
        a, b = _claim_tokens(self.old, unit, start, end)
        self.first, self.stop = a, b
        self.words = self.old.words[unit][a:b]
        # The word alignment of the linked sentences (joined or split ones end to end).
        base = sum(len(self.old.words[i]) for i in link.old if i < unit)
        old_seq = "".join(self.old.words[i] for i in link.old)
        new_seq = "".join(self.new.words[j] for j in link.new)
        self.offsets: list[int] = []  # where each new unit's tokens start in new_seq
        for j in link.new:
            self.offsets.append(sum(len(self.new.words[k]) for k in link.new if k < j))
        mapped = [-1] * len(old_seq)
        # For each new token, the old unit its word came from (-1: a word added).
        self.source = [-1] * len(new_seq)
        owners = [i for i in link.old for _ in self.old.words[i]]
        for op in Indel.opcodes(old_seq, new_seq):
            if op.tag == "equal":
                for k in range(op.src_end - op.src_start):
                    mapped[op.src_start + k] = op.dest_start + k
                    self.source[op.dest_start + k] = owners[op.src_start + k]
        self.region = _region(mapped, base + a, base + b, len(new_seq))

    def place(self) -> Placement:
        kept = self._find_quote()
        if kept is not None:
            return kept
        if not self.words:
            return Placement("orphaned", None, None, None, 0.0, self.link.new)
        shares = {j: _share(self.words, self._words_in(j)) for j in self.link.new}
        ranked = tuple(sorted(self.link.new, key=lambda j: -shares[j]))
        best = ranked[0]
        if shares[best] < CHANGED_SHARE:
            return Placement("orphaned", None, None, None, shares[best], ranked)
        start, end = self._span_in(best)
        return Placement("changed", best, start, end, shares[best])

    def _tokens_of(self, j: int) -> tuple[int, int]:
        """The region's tokens inside new unit ``j``, in that unit's own token numbering."""
        offset = self.offsets[self.link.new.index(j)]
        size = len(self.new.words[j])
        lo, hi = self.region
        return max(lo - offset, 0), min(hi - offset, size)

    def _words_in(self, j: int) -> str:
        if self.whole:
            return self.new.words[j]
        lo, hi = self._tokens_of(j)
        return self.new.words[j][lo:hi] if hi > lo else ""

    def _span_in(self, j: int) -> tuple[int, int]:
        unit_start, unit_end = self.new.units[j]
        lo, hi = self._tokens_of(j)
        if (self.whole and len(self.link.old) == 1) or hi <= lo:
            return unit_start, unit_end
        spans = self.new.word_spans(j)
        start, end = spans[lo][0], spans[hi - 1][1]
        # Take in the punctuation the old claim took in at its edges (a quote mark, a stop).
        old_spans = self.old.word_spans(self.unit)
        text = self.new.text
        if old_spans[self.first][0] > self.start:
            while start > unit_start and _is_mark(text[start - 1]):
                start -= 1
        if old_spans[self.stop - 1][1] < self.end:
            while end < unit_end and _is_mark(text[end]):
                end += 1
        return start, end

    def _find_quote(self) -> Placement | None:
        """The claim's folded words, found unchanged in the linked unit(s)."""
        text = self.old.text
        # Punctuation at either end is not the claim's words: a join turns its full stop
        # into a semicolon or a comma.
        qs, qe = self.start, self.end
        while qs < qe and (text[qs] in _EDGE or text[qs].isspace()):
            qs += 1
        while qe > qs and (text[qe - 1] in _EDGE or text[qe - 1].isspace()):
            qe -= 1
        quote = fold(text[qs:qe])
        if not quote:
            return None
        old_folded, old_positions = self.old.folded(self.unit)
        at = bisect_left(old_positions, qs)
        prefix = old_folded[max(0, at - 32) : at]
        suffix = old_folded[at + len(quote) : at + len(quote) + 32]
        bounded_start = qs == 0 or not (_is_word(text[qs - 1]) and _is_word(text[qs]))
        bounded_end = qe == len(text) or not (_is_word(text[qe - 1]) and _is_word(text[qe]))
        # A short quote ("41") may turn up elsewhere in the sentence by chance: it must be where
        # the word alignment puts the claim. A longer one is the claim even if it moved.
        short = len(self.words) < 4
        best: tuple[tuple[int, int, int], int, int, int] | None = None
        for j in self.link.new:
            folded, positions = self.new.folded(j)
            region = self._region_chars(j)
            found = folded.find(quote)
            while found >= 0:
                start, end = positions[found], positions[found + len(quote) - 1] + 1
                if self._bounded(start, end, bounded_start, bounded_end):
                    overlaps = region is not None and start < region[1] and end > region[0]
                    if overlaps or not short:
                        rank = (
                            int(overlaps),
                            _common_suffix(prefix, folded[:found])
                            + _common_prefix(suffix, folded[found + len(quote) :]),
                            -abs(found - at),
                        )
                        if best is None or rank > best[0]:
                            best = (rank, j, start, end)
                found = folded.find(quote, found + 1)
        if best is None:
            return None
        _, j, start, end = best
        # The span takes in the claim's own end punctuation where it is still there.
        head, tail = text[self.start : qs], text[qe : self.end]
        unit_start, unit_end = self.new.units[j]
        if head and start - len(head) >= unit_start:
            start -= len(head) if self.new.text[start - len(head) : start] == head else 0
        if tail and end + len(tail) <= unit_end:
            end += len(tail) if self.new.text[end : end + len(tail)] == tail else 0
        return self._grown(j, start, end)

    def _grown(self, j: int, start: int, end: int) -> Placement:
        """The claim's words found intact at ``start``–``end`` of new unit ``j``: kept, unless
        words were added right after it where it ends its sentence (", officials said"): the
        claim ran to the end, so it grew. Words added before a claim ("also", "about") are
        left beside it: they as often belong to the words before."""
        spans = self.new.word_spans(j)
        p = bisect_right([e for _, e in spans], start)
        q = bisect_left([s for s, _ in spans], end)
        offset = self.offsets[self.link.new.index(j)]
        size = len(spans)
        source = self.source
        after = 0
        if p < q:
            k = q
            while k < size and source[offset + k] < 0:
                k += 1
            after = k - q
            if k < size:
                # Words added before more of the old sentence are beside the claim, not in it;
                # one word at a join's seam (", and the …") joins the sentences.
                seam = source[offset + k] != self.unit
                after = after if seam and after > 1 else 0
            if after:
                # The start of the next old sentence, joined on (", and" and all) after a
                # split the aligner saw as two edits, was not added either.
                added = self.new.words[j][q : q + after]
                following = self.old.words[self.unit + 1] if self.unit + 1 < len(self.old) else ""
                if following.startswith(added) or (after > 1 and following.startswith(added[1:])):
                    after = 0
        if not after:
            return Placement("kept", j, start, end, 1.0)
        end = spans[q + after - 1][1]
        count = len(self.words)
        return Placement("changed", j, start, end, _sym(count, count, count + after))

    def _bounded(self, start: int, end: int, bounded_start: bool, bounded_end: bool) -> bool:
        text = self.new.text
        if bounded_start and start > 0 and _is_word(text[start - 1]) and _is_word(text[start]):
            return False
        return not (
            bounded_end and end < len(text) and _is_word(text[end - 1]) and _is_word(text[end])
        )

    def _region_chars(self, j: int) -> tuple[int, int] | None:
        lo, hi = self._tokens_of(j)
        if hi <= lo:
            return None
        spans = self.new.word_spans(j)
        return spans[lo][0], spans[hi - 1][1]


def _region(mapped: list[int], a: int, b: int, size: int) -> tuple[int, int]:
    """Where old tokens ``[a, b)`` went among the new tokens, by the word alignment: from
    just after the last unchanged word before them to just before the first one after."""
    if a >= b:
        return 0, 0
    if mapped[a] >= 0:
        lo = mapped[a]
    else:
        lo = next((mapped[k] + 1 for k in range(a - 1, -1, -1) if mapped[k] >= 0), 0)
    if mapped[b - 1] >= 0:
        hi = mapped[b - 1] + 1
    else:
        hi = next((mapped[k] for k in range(b, len(mapped)) if mapped[k] >= 0), size)
    return lo, max(lo, hi)


def _common_prefix(a: str, b: str) -> int:
    size = min(len(a), len(b))
    k = 0
    while k < size and a[k] == b[k]:
        k += 1
    return k


def _common_suffix(a: str, b: str) -> int:
    size = min(len(a), len(b))
    k = 0
    while k < size and a[-1 - k] == b[-1 - k]:
        k += 1
    return k
