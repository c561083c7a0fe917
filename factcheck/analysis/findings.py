"""Contradictions inside one draft, and names spelled two ways.

``find_findings(units)`` reads a draft already split into units and returns :class:`Finding` s:

* **contradiction**: two sentences give a different value for the same slot. Each sentence is
  reduced to facts first (figures with the thing they count, model codes, dates and days with the
  words they hang on, places after a locative preposition, people named with a role), and facts
  are indexed by slot, so only sentences that share a slot are ever compared. A slot is "the same
  thing" when the sentences share what they are about: the counted noun and the kind of measure
  (deaths, injured, evacuated...), the event word a date hangs on, the role a person holds.
* **name_variant**: one capitalised name written two ways (an edit of one letter, a changed
  final vowel, a hyphen for a space), never a possessive, plural, demonym or a surname beside
  the full name.

Precision matters more than recall: a desk drowning in false alarms ignores them all, so every
rule prefers to stay silent when the two sentences might be about different things.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

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


# --- Words -------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\d[\d,.]*\d|\d|[^\W\d_](?:[\w]|[’'\-](?=\w))*|[^\w\s]")
_APOSTROPHES = "’'"

_STOPWORDS = frozenset(
    """a an the and or but nor so yet of in on at to for from by with without into onto upon about
    as than then that this these those there here it its it's he she they we you i his her their our
    your my me him them us who whom whose which what when where why how all any both each few more
    most other some such no not only own same too very can will just should would could may might
    must shall do does did done doing be is am are was were been being have has had having also
    after before while during since until up down out off over under again further once if because
    though although whether either neither one ones per via vs among amid against between through
    across around near behind beyond within toward towards outside inside along beside past
    despite including except like unlike mr mrs ms dr st
    """.split()
)
# Reporting verbs say when or where something was *said*, not when the event happened.
_REPORTING = frozenset(
    """say says said tell tells told add adds added claim claims claimed report reports reported
    announce announces announced state states stated insist insisted warn warned note noted
    accord according confirm confirmed deny denied believe believed reiterate reiterated
    """.split()
)
_TIME_WORDS = frozenset(
    """morning afternoon evening night day days week weeks month months year years hour hours
    minute minutes today yesterday tonight early late mid time""".split()
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "january february march april may june july august september october november december"
).split()


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


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """A crude stem, enough to match deaths/death, collapsed/collapse, delivery/delivered."""
    w = _bare(word.lower())
    for suffix, keep in (
        ("ments", ""),
        ("ment", ""),
        ("ies", "y"),
        ("ing", ""),
        ("ery", "er"),
        ("ied", "y"),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
        ("e", ""),
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)] + keep
            break
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "aeiou":
        w = w[:-1]  # stopped -> stopp -> stop
    return w


def _is_content(tok: _Tok) -> bool:
    return tok.is_word and tok.low not in _STOPWORDS and len(tok.low) > 2


# --- Figures -----------------------------------------------------------------------------------

_UNITS_WORDS = {
    "zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_SUFFIX_SCALES = {"k": 1000, "m": 10**6, "mn": 10**6, "bn": 10**9}
# Vague amounts, as the range a reader would accept for them.
_VAGUE = {
    "dozens": (24.0, 99.0),
    "scores": (40.0, 199.0),
    "hundreds": (200.0, 999.0),
    "thousands": (2000.0, 9999.0),
}
_NUMBER_START = frozenset([*_UNITS_WORDS, *_VAGUE, "tens", "dozen", "a"])
_VAGUE_OF = {"thousands": (20000.0, 99999.0), "millions": (2 * 10**7, 10**8 - 1)}

# Qualifiers, longest first; each maps to how the stated number bounds the true one.
_QUALIFIERS: tuple[tuple[str, str], ...] = (
    ("more than", "above"),
    ("greater than", "above"),
    ("in excess of", "above"),
    ("upwards of", "above"),
    ("over", "above"),
    ("above", "above"),
    ("surpassed", "above"),
    ("exceeded", "above"),
    ("topped", "above"),
    ("passed", "above"),
    ("at least", "atleast"),
    ("no fewer than", "atleast"),
    ("no less than", "atleast"),
    ("a minimum of", "atleast"),
    ("nearly", "below"),
    ("almost", "below"),
    ("close to", "below"),
    ("just under", "below"),
    ("just short of", "below"),
    ("approaching", "below"),
    ("not quite", "below"),
    ("fewer than", "under"),
    ("less than", "under"),
    ("under", "under"),
    ("below", "under"),
    ("up to", "upto"),
    ("as many as", "upto"),
    ("at most", "upto"),
    ("no more than", "upto"),
    ("a maximum of", "upto"),
    ("about", "approx"),
    ("around", "approx"),
    ("roughly", "approx"),
    ("approximately", "approx"),
    ("some", "approx"),
    ("an estimated", "approx"),
    ("estimated", "approx"),
    ("circa", "approx"),
    ("or so", "approx"),
)
_QUALIFIER_SEQS = sorted(
    ((tuple(q.split()), kind) for q, kind in _QUALIFIERS), key=lambda x: -len(x[0])
)

# Kinds of measure a news figure counts. Generic to news copy, not to any one story.
_MEASURE_NOUNS = {
    "death": "death", "deaths": "death", "dead": "death", "toll": "death", "lives": "death",
    "fatalities": "death", "bodies": "death",
    "injuries": "injury", "injured": "injury", "wounded": "injury",
    "casualties": "casualty",
    "evacuees": "evacuation", "displaced": "evacuation", "homeless": "evacuation",
    "refugees": "evacuation",
    "arrests": "arrest", "missing": "missing",
}  # fmt: skip
_MEASURE_VERBS = {
    "died": "death", "killed": "death", "kill": "death", "killing": "death", "perished": "death",
    "drowned": "death", "die": "death",
    "injured": "injury", "wounded": "injury", "hurt": "injury", "hospitalised": "injury",
    "hospitalized": "injury",
    "evacuated": "evacuation", "displaced": "evacuation", "fled": "evacuation",
    "rescued": "rescue", "airlifted": "rescue", "saved": "rescue", "lifted": "rescue",
    "winched": "rescue",
    "arrested": "arrest", "detained": "arrest",
    "missing": "missing", "unaccounted": "missing",
    "trapped": "trapped", "stranded": "trapped",
}  # fmt: skip
_MEASURE_LABELS = {
    "death": "death toll", "injury": "injured", "casualty": "casualties",
    "evacuation": "evacuated", "rescue": "rescued", "arrest": "arrested", "missing": "missing",
    "trapped": "trapped",
}  # fmt: skip
# Counts that grow as a story unfolds: figures given on different days may both be right.
_EVOLVING = frozenset({"death", "injury", "casualty", "evacuation", "rescue", "arrest", "missing"})
# Nouns that count people in general: "41 people died" and "the toll rose to 41" agree.
_GENERIC_HEADS = frozenset(
    "people persons individuals residents inhabitants locals others those victims".split()
)
# A figure for part of a group: "the first four miners", "another 200", "20 more".
_PARTIAL_BEFORE = frozenset(
    "another first last remaining other further additional extra final latest".split()
)
_PARTIAL_AFTER = frozenset("more others additional other extra further".split())
_AUX = frozenset(
    """were was is are be been being have has had who that which still reportedly also now later
    all feared believed thought confirmed so far already""".split()
)
_UNIT_WORDS = frozenset(
    """tonnes tons tonne ton kilograms kilos kg litres liters gallons barrels metres meters
    kilometres kilometers km miles feet millimetres millimeters mm centimetres cm inches hectares
    acres cent percent euros dollars pounds""".split()
)
_CLAUSE_WORDS = frozenset("while whereas but as when after before because although".split())
_NOT_COUNT_BEFORE = frozenset(
    """aged age flight no number route article page chapter gate platform room seat section
    paragraph line bus""".split()
)
_TIME_AFTER = frozenset("a.m am p.m pm o'clock h hrs gmt utc".split())
_LOCATIVE = frozenset("in at near outside inside".split())


@dataclass(frozen=True)
class _Figure:
    unit: int
    lo: float
    hi: float
    exact: bool
    span: tuple[int, int]
    text: str
    measure: str | None
    head: str | None  # stem of a counted noun that narrows the measure ("civilians"), or None
    mods: frozenset[str]
    context: frozenset[str]  # stems near the figure, for "is this the same thing"


@dataclass
class _Sentence:
    index: int
    text: str
    toks: list[_Tok]
    stems: set[str] = field(default_factory=set)
    entities: set[str] = field(default_factory=set)  # proper nouns, lowercased
    weekdays: set[str] = field(default_factory=set)
    years: set[str] = field(default_factory=set)
    runs: list[tuple[str, int, int]] = field(default_factory=list)  # proper-noun runs
    slots: set[tuple[str | None, str | None, frozenset[str]]] = field(default_factory=set)


def _parse_number(toks: list[_Tok], i: int) -> tuple[float, float, int] | None:
    """A number starting at ``toks[i]``: (lo, hi, next index), or None."""
    tok = toks[i]
    if tok.text[0].isdigit():
        raw = tok.text.rstrip(".,")
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", raw) is None:
            return None
        value = float(raw.replace(",", ""))
        j = i + 1
        if j < len(toks) and toks[j].low in _SCALES and toks[j].start == tok.end + 1:
            value *= _SCALES[toks[j].low]
            j += 1
        elif j < len(toks) and toks[j].low in _SUFFIX_SCALES and toks[j].start == tok.end:
            value *= _SUFFIX_SCALES[toks[j].low]
            j += 1
        return value, value, j
    low = tok.low
    if low in _VAGUE:
        # "tens of thousands", "hundreds of thousands"
        if (
            low in ("hundreds",)
            and i + 2 < len(toks)
            and toks[i + 1].low == "of"
            and toks[i + 2].low == "thousands"
        ):
            return 200000.0, 999999.0, i + 3
        return (*_VAGUE[low], i + 1)
    if low == "tens" and i + 2 < len(toks) and toks[i + 1].low == "of":
        vague = _VAGUE_OF.get(toks[i + 2].low)
        if vague:
            return (*vague, i + 3)
    if low == "dozen" or (low == "a" and i + 1 < len(toks) and toks[i + 1].low == "dozen"):
        j = i + 1 if low == "dozen" else i + 2
        return 12.0, 12.0, j
    total, current, j, seen = 0.0, 0.0, i, False
    while j < len(toks):
        parts = toks[j].low.split("-")
        if all(p in _UNITS_WORDS for p in parts):
            current += sum(_UNITS_WORDS[p] for p in parts)
        elif toks[j].low in _SCALES and seen:
            scale = _SCALES[toks[j].low]
            if scale == 100:
                current *= 100
            else:
                total += current * scale
                current = 0.0
        elif (
            toks[j].low == "and"
            and seen
            and j + 1 < len(toks)
            and (toks[j + 1].low.split("-")[0] in _UNITS_WORDS)
        ):
            pass
        else:
            break
        seen = True
        j += 1
    if not seen:
        return None
    value = total + current
    return value, value, j


def _interval(lo: float, hi: float, kind: str | None) -> tuple[float, float]:
    if kind is None or lo != hi:
        return lo, hi
    v = lo
    step = max(1.0, v * 0.01)  # "more than 100" excludes 100 itself
    if kind == "above":
        return v + step * 0.5, math.inf
    if kind == "atleast":
        return v, math.inf
    if kind == "below":
        return v * 0.8, v - step * 0.5
    if kind == "under":
        return 0.0, v - step * 0.5
    if kind == "upto":
        return v * 0.5, v
    return v * 0.9, v * 1.1  # approx


def _qualifier_before(toks: list[_Tok], i: int) -> tuple[str | None, int]:
    """The qualifier ending just before ``toks[i]``: (kind, index of its first token)."""
    for seq, kind in _QUALIFIER_SEQS:
        n = len(seq)
        if i - n >= 0 and tuple(t.low for t in toks[i - n : i]) == seq:
            return kind, i - n
    return None, i


def _clause_bounds(toks: list[_Tok], i: int, j: int) -> tuple[int, int]:
    """Token range of the clause holding toks[i:j]: up to commas, semicolons, conjunctions."""
    left = i
    while (
        left > 0
        and toks[left - 1].text not in ",;:()–—"
        and toks[left - 1].low not in (_CLAUSE_WORDS)
    ):
        left -= 1
    right = j
    while (
        right < len(toks)
        and toks[right].text not in ",;:()–—"
        and toks[right].low not in (_CLAUSE_WORDS)
    ):
        right += 1
    return left, right


def _figures(s: _Sentence) -> list[_Figure]:
    toks = s.toks
    found: list[tuple[int, int, int, float, float, str | None]] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if not (tok.text[0].isdigit() or tok.low.partition("-")[0] in _NUMBER_START):
            i += 1
            continue
        parsed = _parse_number(toks, i)
        if parsed is None:
            i += 1
            continue
        lo, hi, j = parsed
        qual, q_start = _qualifier_before(toks, i)
        if _is_count(toks, i, j, q_start, lo):
            found.append((q_start, i, j, lo, hi, qual))
        i = j
    figures: list[_Figure] = []
    for position, (q_start, i, j, lo, hi, qual) in enumerate(found):
        prev_end = found[position - 1][2] if position else 0
        next_start = found[position + 1][0] if position + 1 < len(found) else len(toks)
        figure = _figure(s, toks, q_start, i, j, lo, hi, qual, prev_end, next_start)
        if figure is not None:
            figures.append(figure)
    return figures


def _is_count(toks: list[_Tok], i: int, j: int, q_start: int, lo: float) -> bool:
    """Whether the number at toks[i:j] counts something (not a year, time, age or label)."""
    tok = toks[i]
    before = toks[q_start - 1] if q_start > 0 else None
    after = toks[j] if j < len(toks) else None
    if tok.low == "one" and j == i + 1:
        return False  # "one of the hardest", "one remained": rarely a count worth checking
    if after is not None and after.start == toks[j - 1].end and after.text in "-–/":
        return False  # 34-year-old, 2-1, 24/7
    if after is not None and (after.low.rstrip(".") in _TIME_AFTER or after.text in ("%",)):
        return after.text == "%"
    if before is not None and (before.low in _NOT_COUNT_BEFORE or before.text in ("#", "No")):
        return False
    if before is not None and before.is_cap and q_start > 0 and before.low not in _STOPWORDS:
        return False  # Flight NR 417, Route 66
    if before is not None and before.text in "£$€¥" and before.end == tok.start:
        return True
    plain_digits = tok.text.isdigit()
    if plain_digits and 1500 <= lo <= 2100 and j == i + 1:
        nxt = after.low if after is not None else ""
        if not (after is not None and after.is_word and nxt not in _STOPWORDS):
            return False  # a year
        if before is not None and before.low in ("in", "since", "by", "of", "from", "until"):
            return False
    clock = tok.text[0].isdigit() and "." in tok.text.rstrip(".")  # "at 7.40"
    return not (clock and before is not None and before.low in ("at", "by", "until", "from"))


def _figure(
    s: _Sentence,
    toks: list[_Tok],
    q_start: int,
    i: int,
    j: int,
    lo: float,
    hi: float,
    qual: str | None,
    prev_end: int,
    next_start: int,
) -> _Figure | None:
    before = toks[q_start - 1].low if q_start > 0 else ""
    if before in _PARTIAL_BEFORE:
        return None
    if before == "from" and j < len(toks) and toks[j].low == "to":
        return None  # a change "from 30 to 41": the old value is not a claim about now
    measure: str | None = None
    mods: list[str] = []
    head: str | None = None
    k = j
    if k < len(toks) and toks[k].low == "of" and lo != hi:
        k += 1  # dozens of people
    if k < len(toks) and toks[k].low in _PARTIAL_AFTER:
        return None
    words: list[str] = []
    while k < len(toks) and len(words) < 3:
        t = toks[k]
        low = _bare(t.low)
        if not t.is_word or low in _STOPWORDS or low in _AUX:
            if low == "of" and words and words[-1] in _UNIT_WORDS:
                k += 1
                continue
            break
        if low in _MEASURE_NOUNS and low not in _MEASURE_VERBS:
            measure = _MEASURE_NOUNS[low]
            k += 1
            break
        if low in _MEASURE_VERBS:
            measure = _MEASURE_VERBS[low]
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if not words and nxt is not None and _is_content(nxt) and nxt.low not in _AUX:
                k += 1  # "17 trapped miners": an adjective before the counted noun
                continue
            break
        if words and (low.endswith("ed") or low.endswith("ing")) and low not in _UNIT_WORDS:
            break
        words.append(low)
        k += 1
    if words:
        head_word = words[-1]
        if head_word not in _GENERIC_HEADS:
            head = _stem(head_word)
            if any(w in _UNIT_WORDS for w in words[:-1]):
                head = " ".join(_stem(w) for w in words)
        mods = [_stem(w) for w in words[:-1] if w not in _UNIT_WORDS]
    left, right = _clause_bounds(toks, q_start, j)
    left = max(left, prev_end)
    right = min(right, next_start)
    if measure is None:
        # "12 people were injured", "200 were wounded", "who had been trapped"
        for t in toks[k : min(right, k + 6)]:
            if t.low in _MEASURE_VERBS:
                measure = _MEASURE_VERBS[t.low]
                break
            if _bare(t.low) in _MEASURE_NOUNS and t.low != "toll":
                measure = _MEASURE_NOUNS[_bare(t.low)]  # "were treated for injuries"
                break
    if measure is None and (head is None or _head_is_generic(words)):
        # "the death toll had risen to 41", "killed 2,300": the measure comes first
        for t in reversed(toks[max(left, q_start - 6) : q_start]):
            low = _bare(t.low)
            if low in _MEASURE_NOUNS:
                measure = _MEASURE_NOUNS[low]
                break
            if low in _MEASURE_VERBS:
                measure = _MEASURE_VERBS[low]
                break
    elif measure is None and q_start > 0 and toks[q_start - 1].low in _MEASURE_VERBS:
        measure = _MEASURE_VERBS[toks[q_start - 1].low]
    if measure is None and head is None:
        return None  # a bare number with nothing to say what it counts
    if measure is not None:
        mods = [m for m in mods if m not in {_stem(w) for w in _MEASURE_VERBS}]
    context = frozenset(
        _stem(t.text) for t in toks[left:right] if _is_content(t) and t.low not in _REPORTING
    )
    span = (toks[q_start].start, toks[j - 1].end)
    text = s.text[span[0] : span[1]]
    lo, hi = _interval(lo, hi, qual)
    return _Figure(
        s.index,
        lo,
        hi,
        qual is None and lo == hi,
        span,
        text,
        measure,
        head,
        frozenset(mods),
        context,
    )


def _head_is_generic(words: list[str]) -> bool:
    return bool(words) and words[-1] in _GENERIC_HEADS


def _overlaps(a: _Figure, b: _Figure) -> bool:
    return a.lo <= b.hi and b.lo <= a.hi


# --- Entities, dates, codes --------------------------------------------------------------------

_CODE = re.compile(r"(?<![\w-])([A-Z][A-Za-z]{0,3})(-?)(\d{1,4})([A-Z]{0,2})(?![\w-])")
_DECADE = re.compile(r"(?:early|late|mid)?[- ]?(?:1[5-9]|20)\d0s")
_YEAR = re.compile(r"(?:1[5-9]|20)\d\d")


def _title_case(s: _Sentence) -> bool:
    if s.text.rstrip("’”\"') ").endswith((".", "!", "?")):
        return False  # a sentence, however many names it holds
    long_words = [t for t in s.toks if t.is_word and len(t.text) > 3]
    return len(long_words) >= 3 and sum(t.is_cap for t in long_words) >= 0.6 * len(long_words)


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
        if _title_case(s):
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
    return {w for w in mid_caps - lower if w not in _STOPWORDS and w not in _WEEKDAYS} - set(
        _MONTHS
    )


def _name_like(sentences: list[_Sentence]) -> set[str]:
    """Capitalised words never written in lower case here: names, and a few sentence openers."""
    caps: set[str] = set()
    lower: set[str] = set()
    for s in sentences:
        for t in s.toks:
            if t.is_word:
                for part in _parts(t.text):
                    (caps if part[0].isupper() else lower).add(part.lower())
    return caps - lower - _STOPWORDS - set(_WEEKDAYS) - set(_MONTHS)


def _prefix(word: str) -> str:
    return word[:4]


def _entity_overlap(a: _Sentence, b: _Sentence) -> bool:
    """Whether two sentences share a name (Armenia ~ Armenian, Turkey ~ Turkish)."""
    pa = {_prefix(e) for e in a.entities}
    return any(_prefix(e) in pa for e in b.entities)


def _different_actors(a: _Sentence, b: _Sentence) -> bool:
    return bool(a.entities) and bool(b.entities) and not _entity_overlap(a, b)


def _time_differs(a: _Sentence, b: _Sentence, measure: str | None) -> bool:
    """Whether the two sentences speak of different times, so differing figures can both stand."""
    if a.years != b.years:
        return True
    evolving = measure in _EVOLVING
    return evolving and bool(a.weekdays) and bool(b.weekdays) and not (a.weekdays & b.weekdays)


@dataclass(frozen=True)
class _Anchored:
    """A value (date, day, place) and the content stems it hangs on in its clause."""

    unit: int
    value: str
    span: tuple[int, int]
    anchors: frozenset[str]


def _anchors_near(toks: list[_Tok], i: int, j: int) -> frozenset[str]:
    left, right = _clause_bounds(toks, i, j)
    stems: list[str] = []
    for t in reversed(toks[left:i]):
        if _is_content(t) and t.low not in _REPORTING and t.low not in _TIME_WORDS:
            stems.append(_stem(t.text))
            if len(stems) == 5:
                break
    after = 0
    for t in toks[j:right]:
        if after == 2:
            break
        if _is_content(t) and t.low not in _REPORTING and t.low not in _TIME_WORDS:
            stems.append(_stem(t.text))
            after += 1
    return frozenset(stems)


def _dates(s: _Sentence) -> tuple[list[_Anchored], list[_Anchored]]:
    """Days ("on Thursday") and years ("in 2014", "the early 1990s") with their anchors."""
    days: list[_Anchored] = []
    years: list[_Anchored] = []
    toks = s.toks
    for i, t in enumerate(toks):
        low = _bare(t.low)
        if low in _WEEKDAYS and t.is_cap:
            s.weekdays.add(low)
            prev = toks[i - 1].low if i else ""
            if prev in _REPORTING or (i >= 2 and toks[i - 2].low in _REPORTING):
                continue  # "said on Tuesday": the day of the saying
            if prev in ("by", "until", "since", "before", "after", "last", "next"):
                continue
            days.append(_Anchored(s.index, t.text, (t.start, t.end), _anchors_near(toks, i, i + 1)))
        elif t.text[0].isdigit() and (_YEAR.fullmatch(t.text) or _DECADE.fullmatch(t.low)):
            prev = toks[i - 1].low if i else ""
            if (
                _YEAR.fullmatch(t.text)
                and prev not in ("in", "since", "of", "from", "by")
                and prev not in ("early", "late", "mid", "the")
                and not (i + 1 < len(toks) and toks[i + 1].text in ".,;")
            ):
                continue  # a bare four-digit number may be a count: a year only after "in"
            start = i - 1 if prev in ("early", "late", "mid") else i
            value = s.text[toks[start].start : t.end]
            s.years.add(t.low)
            if prev == "since":
                continue
            years.append(
                _Anchored(
                    s.index, value, (toks[start].start, t.end), _anchors_near(toks, start, i + 1)
                )
            )
    return days, years


def _codes(s: _Sentence) -> list[tuple[str, str, tuple[int, int]]]:
    """Model codes: (family, code, span) for S-70, A320, Mi-8, DR-14."""
    found = []
    for m in _CODE.finditer(s.text):
        prefix, hyphen, number, _suffix = m.groups()
        if not hyphen and len(prefix) > 1 and prefix[1:].islower():
            continue  # "Route66"-like words are not codes
        if not any(c.isupper() for c in prefix):
            continue
        if not hyphen and len(number) < 3 and len(prefix) == 1:
            continue  # "G7", "M5": too short to be a model without a hyphen
        if 1500 <= int(number) <= 2100 and not hyphen:
            continue
        found.append((prefix.upper(), m.group(), (m.start(), m.end())))
    return found


_AIRCRAFT = frozenset(
    "jet jets plane planes aircraft airliner airbus boeing fighter warplane warplanes".split()
)


def _model_what(a: _Sentence, b: _Sentence, spans: tuple[tuple[int, int], ...]) -> str:
    """What the codes are models of: the noun after one of them, or the kind of craft."""
    words = {t.low for t in a.toks} | {t.low for t in b.toks}
    if words & {"helicopter", "helicopters"}:
        return "helicopter model"
    if words & _AIRCRAFT:
        return "aircraft model"
    for s, (_start, end) in zip((a, b), spans, strict=True):
        following = next((t for t in s.toks if t.start > end), None)
        if (
            following is not None
            and _is_content(following)
            and not following.is_cap
            and not following.low.endswith(("ing", "ed", "ly"))
        ):
            return f"{following.low} model"
    return "model"


# --- Names -------------------------------------------------------------------------------------

_NAME_RUN = re.compile(
    r"(?<![\w’'])[A-Z][\w’']*(?:(?:[ \-](?:[A-Z][\w’']*))|(?:-[a-z]+-[A-Z][\w’']*))*"
)


def _name_runs(text: str, proper: set[str]) -> list[tuple[str, int, int]]:
    """Runs of proper nouns in ``text``: (run, start, end), possessives dropped."""
    runs = []
    for m in _NAME_RUN.finditer(text):
        words = re.split(r"([ \-])", m.group())
        # drop leading words that are not names ("The", "In", sentence-initial common words)
        start = m.start()
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
        if u1 != u2 and (" " in f1 or " " in f2):  # Bel-Varo / Bel Varo
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


# --- People in roles ---------------------------------------------------------------------------

# Roles that many people hold in one story: two of them are not a contradiction.
_SHARED_ROLES = frozenset(
    """spokesman spokeswoman spokesperson resident residents witness official officials doctor
    nurse analyst expert lawyer senator officer judge professor minister mp deputy member
    survivor passenger worker teacher student colleague friend neighbour son daughter mother
    father brother sister wife husband""".split()
)
_ROLE_STOP = frozenset("said says told according added the a an and of by to from with".split())


@dataclass(frozen=True)
class _Role:
    unit: int
    role: str  # stems, to compare
    label: str  # as written, to show
    name: str
    span: tuple[int, int]


def _roles(s: _Sentence, proper: set[str]) -> list[_Role]:
    """People named with a role before the name: "Fire chief Aldo Ferreira", "Mayor Lucas Obi"."""
    out: list[_Role] = []
    toks = s.toks
    for run, start, end in s.runs:
        if " " not in run:
            continue  # a person is named in full where a role introduces them
        first = next((k for k, t in enumerate(toks) if t.start == start), None)
        if first is None:
            continue
        words: list[str] = []
        raw: list[str] = []
        k = first - 1
        while k >= 0 and len(words) < 4:
            t = toks[k]
            if not t.is_word or t.low in _ROLE_STOP or t.low in _REPORTING:
                break
            if t.is_cap and _bare(t.low) in proper:
                break  # an organisation before the role makes it another role: keep it out
            words.insert(0, _stem(t.low))
            raw.insert(0, t.low)
            k -= 1
        if not words or words[-1] in {_stem(r) for r in _SHARED_ROLES}:
            continue
        if k >= 0 and toks[k].low in ("a", "an"):
            continue  # "a fire chief": one of several
        if k >= 0 and toks[k].is_cap and _bare(toks[k].low) in proper:
            continue  # "Norsair chief executive": the role of one organisation among several
        out.append(_Role(s.index, " ".join(words), " ".join(raw), run, (start, end)))
    return out


def _same_person(a: str, b: str) -> bool:
    ta, tb = a.lower().split(), b.lower().split()
    return ta[-1] == tb[-1] or _edit1(ta[-1], tb[-1]) or set(ta) <= set(tb) or set(tb) <= set(ta)


# --- Places ------------------------------------------------------------------------------------


def _places(s: _Sentence, proper: set[str]) -> list[_Anchored]:
    """Places after a locative preposition ("in Corrin Quay"), with the words they hang on."""
    out: list[_Anchored] = []
    runs = {start: (run, end) for run, start, end in s.runs}
    toks = s.toks
    for i, t in enumerate(toks):
        if t.low not in _LOCATIVE or i + 1 >= len(toks):
            continue
        j = i + 1
        if toks[j].low == "the":
            j += 1
        if j >= len(toks) or toks[j].start not in runs:
            continue
        run, end = runs[toks[j].start]
        if _bare(run.lower()) in _WEEKDAYS or run.lower() in _MONTHS:
            continue
        k = j
        while k < len(toks) and toks[k].end <= end:
            k += 1
        nxt = toks[k] if k < len(toks) else None
        if (
            nxt is not None
            and nxt.is_word
            and not nxt.is_cap
            and _is_content(nxt)
            and nxt.low not in _TIME_WORDS
            and not nxt.low.endswith(("ly", "ed", "ing"))
        ):
            continue  # "at Sarn hospital": a building named after the place, not the place
        out.append(_Anchored(s.index, run, (toks[j].start, end), _anchors_near(toks, i, k)))
    return out


# --- The finder --------------------------------------------------------------------------------


# How many later mentions of the same slot (figure, code, role, anchor, surname) one mention is
# compared with: every pair in a news article, where a slot holds a handful, and linear work on
# a machine-made draft of thousands of units (all pairs of a 10,000-unit one took minutes).
PAIR_WINDOW = 50


def find_findings(units: Sequence[str], kinds: Sequence[str] | None = None) -> list[Finding]:
    """Contradictions and name variants in a draft's units (boilerplate ignored), by unit.

    ``kinds`` are the units' kinds from :func:`factcheck.analysis.segment.segment`; units of kind
    ``"boilerplate"`` are skipped. Headlines count: a headline can contradict the body.
    """
    sentences = [
        _Sentence(i, text, _tokens(text))
        for i, text in enumerate(units)
        if not (kinds is not None and kinds[i] == "boilerplate") and text.strip()
    ]
    proper = _proper_nouns(sentences)
    for s in sentences:
        s.runs = _name_runs(s.text, proper)
        s.stems = {_stem(t.text) for t in s.toks if _is_content(t)}
        s.entities = {
            p.lower() for t in s.toks if t.is_word for p in _parts(t.text) if p.lower() in proper
        }
    by_index = {s.index: s for s in sentences}

    findings: list[Finding] = []
    day_lists = [_dates(s) for s in sentences]  # also fills weekdays/years used by figures
    findings += _figure_conflicts(sentences, by_index)
    findings += _code_conflicts(sentences)
    findings += _anchored_conflicts(
        [d for days, _ in day_lists for d in days], by_index, what="day", shared=1
    )
    findings += _anchored_conflicts(
        [y for _, years in day_lists for y in years], by_index, what="date", shared=1
    )
    findings += _anchored_conflicts(
        [p for s in sentences for p in _places(s, proper)], by_index, what="place", shared=2
    )
    findings += _role_conflicts([r for s in sentences for r in _roles(s, proper)])
    findings += _name_variants(sentences, proper, _name_like(sentences))
    return _dedupe(findings)


def _figure_conflicts(sentences: list[_Sentence], by_index: dict[int, _Sentence]) -> list[Finding]:
    slots: dict[tuple[str | None, str | None, frozenset[str]], list[_Figure]] = defaultdict(list)
    for s in sentences:
        for f in _figures(s):
            slots[(f.measure, f.head, f.mods)].append(f)
            s.slots.add((f.measure, f.head, f.mods))
    out: list[Finding] = []
    for (measure, head, _mods), figures in slots.items():
        in_unit: dict[int, list[_Figure]] = defaultdict(list)
        for f in figures:
            in_unit[f.unit].append(f)
        for x_pos, x in enumerate(figures):
            for y in figures[x_pos + 1 : x_pos + 1 + PAIR_WINDOW]:
                if x.unit == y.unit or _overlaps(x, y):
                    continue
                sx, sy = by_index[x.unit], by_index[y.unit]
                if _time_differs(sx, sy, measure) or _different_actors(sx, sy):
                    continue
                if any(_overlaps(x, z) for z in in_unit[y.unit]) or any(
                    _overlaps(y, z) for z in in_unit[x.unit]
                ):
                    continue  # each sentence also states the other's value
                if measure is None and not (x.context & y.context) - {head}:
                    continue  # the same noun counted in unrelated contexts
                what = _MEASURE_LABELS.get(measure or "", "")
                if head:
                    what = f"{what} {head if ' ' in head else _plain(x, sx)}".strip()
                out.append(
                    Finding(
                        CONTRADICTION,
                        x.unit,
                        y.unit,
                        f"{_lower_first(x.text)} vs {_lower_first(y.text)}",
                        what or "figure",
                        x.span,
                        y.span,
                    )
                )
    return out


def _plain(figure: _Figure, s: _Sentence) -> str:
    """The counted noun as written after the figure: "miners", "tanks"."""
    rest = s.text[figure.span[1] :].split()
    for word in rest[:4]:
        word = word.strip(",.;:’'\"”")
        if word and _stem(word) == figure.head:
            return word.lower()
    return figure.head or ""


def _lower_first(text: str) -> str:
    if text and text[0].isupper() and not text[:2].isupper() and text.split()[0].isalpha():
        return text[0].lower() + text[1:]
    return text


def _code_conflicts(sentences: list[_Sentence]) -> list[Finding]:
    by_family: dict[str, list[tuple[_Sentence, str, tuple[int, int]]]] = defaultdict(list)
    mentioned_with: dict[str, set[str]] = defaultdict(set)
    for s in sentences:
        codes = _codes(s)
        for family, code, span in codes:
            by_family[family].append((s, code, span))
            mentioned_with[_norm_code(code)].update(_norm_code(c) for _, c, _ in codes)
    out: list[Finding] = []
    for items in by_family.values():
        for x_pos, (sx, cx, spx) in enumerate(items):
            for sy, cy, spy in items[x_pos + 1 : x_pos + 1 + PAIR_WINDOW]:
                nx, ny = _norm_code(cx), _norm_code(cy)
                if nx == ny or sx.index == sy.index or ny in mentioned_with[nx]:
                    continue
                shared = (sx.stems & sy.stems) - {_stem(cx), _stem(cy)}
                if not (_entity_overlap(sx, sy) or len(shared) >= 3):
                    continue
                out.append(
                    Finding(
                        CONTRADICTION,
                        sx.index,
                        sy.index,
                        f"{cx} vs {cy}",
                        _model_what(sx, sy, (spx, spy)),
                        spx,
                        spy,
                    )
                )
    return out


def _norm_code(code: str) -> str:
    return code.upper().replace("-", "")


def _anchored_conflicts(
    items: list[_Anchored], by_index: dict[int, _Sentence], *, what: str, shared: int
) -> list[Finding]:
    """Values hanging on the same words in two sentences that differ: a day, a year, a place."""
    by_anchor: dict[str, list[_Anchored]] = defaultdict(list)
    for item in items:
        for stem in item.anchors:
            by_anchor[stem].append(item)
    values_by_unit: dict[int, set[str]] = defaultdict(set)
    for item in items:
        values_by_unit[item.unit].add(item.value.lower())
    seen: set[tuple[int, int, str, str]] = set()
    out: list[Finding] = []
    co_mentioned: dict[tuple[str, str], bool] = {}
    for group in by_anchor.values():
        for x_pos, x in enumerate(group):
            for y in group[x_pos + 1 : x_pos + 1 + PAIR_WINDOW]:  # see _figure_conflicts
                if x.unit == y.unit or x.value.lower() == y.value.lower():
                    continue
                key = (x.unit, y.unit, x.value, y.value)
                if key in seen:
                    continue
                seen.add(key)
                common = x.anchors & y.anchors
                eventful = any(_eventive(c) for c in common)
                sx, sy = by_index[x.unit], by_index[y.unit]
                # a day or year hangs on an event word both share, or on two shared words in
                # sentences that share a third ("the ferry ... ran aground")
                weak = len(common) < 2 or len(sx.stems & sy.stems) < 3
                if len(common) < shared or (shared < 2 and not eventful and weak):
                    continue
                if (
                    y.value.lower() in values_by_unit[x.unit]
                    or x.value.lower() in (values_by_unit[y.unit])
                ):
                    continue
                if what != "place" and sx.slots & sy.slots:
                    continue  # "the toll stood at 12 on Monday": a day of a reading, not an event
                if what == "place":
                    pair = (x.value, y.value)
                    if pair not in co_mentioned:  # a scan of the draft: once per pair
                        co_mentioned[pair] = _co_mentioned(x.value, y.value, by_index.values())
                    if co_mentioned[pair]:
                        continue
                if what == "date" and _year_fits(x.value, y.value):
                    continue
                if what != "place" and _different_actors(sx, sy):
                    continue  # (places are names themselves: they would always differ)
                out.append(
                    Finding(
                        CONTRADICTION,
                        x.unit,
                        y.unit,
                        f"{x.value} vs {y.value}",
                        what,
                        x.span,
                        y.span,
                    )
                )
    return out


# Event words in their noun or irregular forms; regular verbs are found by their endings.
_EVENT_STEMS = frozenset(
    _stem(w)
    for w in """built build opened open closed close founded crash collapse fire blaze explosion
    blast attack landing land delivery deliver launch start began begin broke break struck strike
    hit fell rose sank sink flood quake earthquake election vote signed sign died killed death
    shot shooting arrest arrested accident crash collision derail derailment fought war battle
    ceasefire treaty deal inauguration opening closure resignation resigned elected appointed
    hired fired born married released sentenced convicted charged""".split()
)


def _eventive(stem: str) -> bool:
    return stem in _EVENT_STEMS


def _co_mentioned(a: str, b: str, sentences: Iterable[_Sentence]) -> bool:
    """Whether two places are named together anywhere: then both are real, not a slip."""
    la, lb = a.lower(), b.lower()
    if set(la.split()) & set(lb.split()):
        return True
    return any(la in s.text.lower() and lb in s.text.lower() for s in sentences)


def _year_fits(a: str, b: str) -> bool:
    """Whether one time expression contains the other ("the 1990s" and "1994")."""
    da, db = re.search(r"\d{3,4}", a), re.search(r"\d{3,4}", b)
    if not da or not db:
        return False
    if a.endswith("s") and db.group().startswith(da.group()[:3]):
        return True
    return b.endswith("s") and da.group().startswith(db.group()[:3])


def _role_conflicts(roles: list[_Role]) -> list[Finding]:
    by_role: dict[str, list[_Role]] = defaultdict(list)
    for r in roles:
        by_role[r.role].append(r)
    out: list[Finding] = []
    for group in by_role.values():
        for x_pos, x in enumerate(group):
            for y in group[x_pos + 1 : x_pos + 1 + PAIR_WINDOW]:
                if x.unit == y.unit or _same_person(x.name, y.name):
                    continue
                out.append(
                    Finding(
                        CONTRADICTION,
                        x.unit,
                        y.unit,
                        f"{x.name} vs {y.name}",
                        x.label,
                        x.span,
                        y.span,
                    )
                )
    return out


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per conflict: the same two values are reported at their first meeting."""
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
