"""Contradictions inside one draft, found the way a checker finds them.

A checker reads each figure, date, place, code, age and name, asks "what is this about?", and
compares it with what the draft said about the same thing elsewhere. Here, each unit is first
reduced to *facts* (:class:`Fact`): a slot (what kind of value: an amount in euros, a share, a
measure, a count, a date, a weekday, a year, a place, a model code, a person's age, first name
or role, the person in a role held by one person at a time), the value, the words it hangs on
in the parse (the counted noun, the verb or noun it attaches to) and the person or thing it
belongs to. Facts are grouped by slot, so only facts of one kind are compared, each with at
most :data:`WINDOW` later ones (no scan over every pair of sentences), and two facts conflict
when their values differ *and* they are about the same thing:

* they share what they hang on ("120 homes destroyed" / "the 160 destroyed homes", "the
  tunnel collapsed on Thursday" / "the collapse happened on Friday"), and the two sentences
  share enough words, each weighed by how rare it is in the draft (a short draft is weighed as
  if it were :data:`_MIN_UNITS` units long);
* nothing marks them as different things: another noun counted, another place, year or scope
  beside each ("the rate in the northern region"), a part of a whole ("46 others", "104
  military deaths"), a per-item figure ("each count carries"), a forecast beside a fact, a
  relative ("his son, Tom Briggs"), two events of one thing ("opened in 1962" / "damaged in
  2008"), a toll given on two days (it may have grown), a country beside a town in it, two
  people named together.

Values are normalised before they are compared, so the same figure written two ways is one
value ("€2.5 billion" / "€2.5bn", "1.2 kilometres" / "1,200 metres", "two dozen" / "24",
"Sept. 4" / "September 4", "chief executive" / "CEO"), and a qualified figure is the interval
it allows ("more than 500" and "nearly 500" conflict; "about 300" and 300 do not).

Each finding says why in words: the two values as written, then what both hang on
("€3.2 billion vs €3.6 billion (deal)", "surpassed 100 vs nearly 100 (death)"). spaCy's parse
(tags and dependencies) supplies the words a value hangs on; the values themselves are read by
rules, which read news figures more reliably than the small model's entity labels do.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, wraps
from pathlib import Path
from typing import Any, TypeVar

from factcheck.analysis import lexicon

# --- words -----------------------------------------------------------------------------------

_STOP = lexicon.FUNCTION_WORDS | frozenset(
    """said says say told tell according added adds add year years month months week weeks day days
    time times percent cent people new last first next""".split()
)
_CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})


def stem(word: str) -> str:
    """A crude stem: enough to match deaths/death, destroyed/destroy, landing/landed,
    delivery/delivered."""
    w = word.lower().strip("’'")
    for suffix in ("’s", "'s"):
        if w.endswith(suffix):
            w = w[: -len(suffix)]
    for suffix, keep in (
        ("ments", ""), ("ment", ""), ("ies", "y"), ("ing", ""), ("ery", "er"), ("ied", "y"),
        ("ed", ""), ("es", ""), ("s", ""), ("e", ""),
    ):  # fmt: skip
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)] + keep
            break
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "aeiou":
        w = w[:-1]
    return w


# Words that name the same thing in news copy; each maps to one key.
_SYNONYMS = {
    stem(w): key
    for key, words in {
        "home": "home homes house houses dwelling",
        "worker": "worker workers employee employees staff staffer",
        "headquarter": "headquartered headquarters office offices",
        "land": "landed landing land touched touchdown",
        "burglary": "burglary burglaries break-in break-ins",
        "patient": "patient patients case cases",
        "deal": "deal acquisition takeover purchase merger",
        "shortfall": "shortfall deficit gap",
        "track": "track path",
        "found": "founded founding founder",
        "chief": "chief head",
        # what a toll counts, whichever word the copy uses
        "death": "death deaths dead died die killed kill toll fatalities fatality",
        "injury": "injury injuries injured wounded hurt",
        "evacuate": "evacuated evacuees evacuation displaced",
        "arrest": "arrest arrests arrested detained",
    }.items()
    for w in words.split()
}


# Words whose stem another word shares: "based" (headquartered), not "base" (a depot).
_WORD_SYNONYMS = {"based": "headquarter"}


@lru_cache(maxsize=65536)
def key(word: str) -> str:
    """The key two words share when they name the same thing: a stem, or a synonym's key."""
    low = word.lower()
    if low in _WORD_SYNONYMS:
        return _WORD_SYNONYMS[low]
    s = stem(word)
    return _SYNONYMS.get(s, s)


# --- facts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """One value a unit states, with what it is about."""

    unit: int
    slot: str  # "money:EUR", "percent", "measure:length", "count", "day", "year", "age", ...
    value: Any  # comparable: a float, (month, day), a weekday, a normalised string
    text: str  # the words as written, for the summary: the value with its qualifier and unit
    span: tuple[int, int]  # offsets of ``text`` in the unit
    anchors: frozenset[str]  # keys of the words the value hangs on
    owner: str | None = None  # the person or thing it belongs to (a surname, a code prefix)
    lo: float | None = None  # for figures: the interval the words allow
    hi: float | None = None
    approx: bool = False
    core: tuple[int, int] | None = None  # for figures: the offsets of the number itself

    @property
    def at(self) -> tuple[int, int]:
        """The offsets of the value itself (a figure without "more than" or its unit)."""
        return self.core or self.span

    @cached_property
    def plain(self) -> frozenset[str]:
        """The keys the fact hangs on, verbs and nouns alike (the tunnel "collapsed" on
        Thursday, the "collapse" happened on Friday)."""
        return frozenset(w.lstrip("@") for w in self.anchors)

    @cached_property
    def digits(self) -> str:
        """The digits of the value as written, for a slip of the keyboard (2217 / 2271)."""
        return re.sub(r"\D", "", self.text)


_WORD_NUM = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}  # fmt: skip
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9,
          "m": 1e6, "mn": 1e6, "k": 1e3, "tn": 1e12}  # fmt: skip
_FRACTION = {"half": 50.0, "a third": 100 / 3, "one third": 100 / 3, "two-thirds": 200 / 3,
             "two thirds": 200 / 3, "a quarter": 25.0, "one quarter": 25.0,
             "three-quarters": 75.0, "three quarters": 75.0, "one in four": 25.0,
             "one in five": 20.0, "one in three": 100 / 3, "one in ten": 10.0}  # fmt: skip
_CURRENCY = {"$": "USD", "€": "EUR", "£": "GBP", "dollar": "USD", "dollars": "USD",
             "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP"}  # fmt: skip
# Units of measure: (dimension, factor to the dimension's base unit).
_MEASURE = {
    "mile": ("length", 1609.344), "miles": ("length", 1609.344), "mi": ("length", 1609.344),
    "kilometre": ("length", 1000), "kilometres": ("length", 1000), "kilometer": ("length", 1000),
    "kilometers": ("length", 1000), "km": ("length", 1000), "metre": ("length", 1),
    "metres": ("length", 1), "meter": ("length", 1), "meters": ("length", 1), "m": ("length", 1),
    "feet": ("length", 0.3048), "foot": ("length", 0.3048), "ft": ("length", 0.3048),
    "yards": ("length", 0.9144), "inches": ("length", 0.0254), "cm": ("length", 0.01),
    "acre": ("area", 4046.86), "acres": ("area", 4046.86), "hectare": ("area", 1e4),
    "hectares": ("area", 1e4), "ha": ("area", 1e4),
    "gigawatt": ("power", 1e9), "gigawatts": ("power", 1e9), "gw": ("power", 1e9),
    "megawatt": ("power", 1e6), "megawatts": ("power", 1e6), "mw": ("power", 1e6),
    "kilowatt": ("power", 1e3), "kilowatts": ("power", 1e3), "kw": ("power", 1e3),
    "tonnes": ("mass", 1e3), "tonne": ("mass", 1e3), "tons": ("mass", 907.2),
    "kilograms": ("mass", 1), "kilogram": ("mass", 1), "kg": ("mass", 1),
    "lb": ("mass", 0.4536), "lbs": ("mass", 0.4536),
    "litres": ("volume", 1), "liters": ("volume", 1), "gallons": ("volume", 3.785),
    "mph": ("speed", 0.44704), "km/h": ("speed", 0.27778), "kph": ("speed", 0.27778),
    "minutes": ("duration", 60), "minute": ("duration", 60), "hours": ("duration", 3600),
    "hour": ("duration", 3600), "seconds": ("duration", 1),
    "degrees": ("temperature", 1),
}  # fmt: skip
# Qualifiers, each with how the stated number bounds the true one; the first that matches wins.
_QUALIFIER = [
    (r"more than|over|above|upwards of|in excess of|surpassed|exceeded|topped", "above"),
    (r"at least|no fewer than|no less than|a minimum of", "atleast"),
    (r"nearly|almost|close to|just under|just short of|approaching", "below"),
    (r"fewer than|less than|under|below", "under"),
    (r"up to|as many as|at most|no more than|a maximum of", "upto"),
    (r"about|around|roughly|approximately|some|an estimated|estimated|circa", "approx"),
]
_QUAL_RE = [(re.compile(rf"\b(?:{words})\s+$", re.I), kind) for words, kind in _QUALIFIER]

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORDNUM = "|".join(sorted(_WORD_NUM, key=len, reverse=True))
_FIGURE = re.compile(
    rf"(?<![\w.\-/])(?P<cur>[$€£])?\s?(?P<num>{_NUM}|(?:{_WORDNUM})(?:[- ](?:{_WORDNUM}))?(?!\w))"
    r"(?!\d|,\d)(?!(?:st|nd|rd|th)\b)"
    rf"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn|tn|m|k)\b)?"
    rf"(?P<pct>\s?%|\s(?:per ?cent|percent)\b)?(?!(?<=\d)(?:st|nd|rd|th)\b)",
    re.I,
)
_FRACTION_RE = re.compile(
    r"\b(?P<frac>" + "|".join(sorted(map(re.escape, _FRACTION), key=len, reverse=True)) + r")\b"
    r"(?P<of>\s+of\s+a\s+(?P<scale>million|billion|thousand))?",
    re.I,
)
_YEAR = re.compile(r"(?<![\w$€£.,\-])(1[89]\d\d|20\d\d)(?![\w%,.]\d)(?!\s?(?:%|per))")
WEEKDAYS = lexicon.WEEKDAYS
MONTHS = lexicon.MONTH_NUMBERS
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE = re.compile(
    rf"\b(?:(?P<m1>{_MONTH_RE})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH_RE})\b)",
    re.I,
)
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")(?:’s|'s)?\b", re.I)
# "the 54-year-old", "aged 54", "Dana Okoro, 54, of ..."
_AGE = re.compile(
    r"(?:(?P<a1>\d{1,3})-year-old|\baged\s+(?P<a2>\d{1,3})\b"
    r"|(?<=[A-Za-z’'.],\s)(?P<a3>\d{1,3})(?=,|\s+(?:of|from)\b)"
    r"|(?<=[A-Za-z’'],\swho\sis\s)(?P<a4>\d{1,3})(?=[,.]|\s+and\b))"
)
_CODE = re.compile(
    r"(?<![\w\-])(?P<prefix>[A-Z][A-Za-z]{0,11})(?P<sep>[ \-]?)(?P<num>\d{1,5})"
    r"(?P<suffix>(?:-\d{1,4})?[A-Z]{0,2})(?![\w]|[:.]\d)"
)
_HEADCODE = re.compile(r"(?<![\w\-.,])\d[A-Z]{1,2}\d{1,3}(?![\w])")
_NOT_CODE = frozenset(
    "The A An In On At Of By And To No Page From For With Since Until About Around Some".split()
)
_PARTIAL = frozenset(
    "other others more another additional further extra remaining first last rest".split()
)
_FUTURE = frozenset("will expect expected expects forecast projected plans plan aims".split())
# A person's relatives: a unit that names one speaks of two people, whose figures and ages
# differ. (Not "children" or "parents", which a story about schools or a clinic counts.)
_KIN = re.compile(
    r"\b(?:(?:son|daughter|father|mother|brother|sister|grandson|granddaughter|grandfather|"
    r"grandmother|uncle|aunt|cousin|nephew|niece|widow|husband)s?|wife|wives|no relation|"
    r"family)\b",
    re.I,
)
_RANKED = frozenset("assistant deputy vice associate acting interim senior junior under".split())
# Roles one person holds at a time in a story ("the fire chief", "the head coach"), unlike a
# senator, a detective or a spokesman, of whom a story may quote several.
_ONE_HOLDER = frozenset(
    """head chief coach mayor governor principal superintendent chair chairman chairwoman
    chairperson coordinator sheriff dean provost chancellor speaker treasurer""".split()
)
# Words that say the holder of a role changed, or that a role was held before or after.
_SUCCESSION = re.compile(
    r"\b(?:former|ex|then|outgoing|incoming|new|previous|predecessor|successor|succeed\w*|"
    r"replac\w*|took over|step(?:s|ped)? down|resign\w*|fired|sacked|appoint\w*|named|"
    r"interim|acting|late|retired|until)\b",
    re.I,
)
_ROLE_EXPAND = {
    "ceo": "chief executive", "cfo": "chief financial officer", "coo": "chief operating officer",
    "cto": "chief technology officer", "md": "managing director", "gm": "general manager",
}  # fmt: skip
_TITLE_WORDS = frozenset(
    """president minister secretary director chief executive officer judge mayor governor
    senator representative chair chairman chairwoman chairperson manager coach leader head
    spokesman spokeswoman spokesperson commissioner superintendent principal professor dr doctor
    curator editor founder captain sergeant sgt detective inspector officer lieutenant general
    attorney prosecutor sheriff councillor councilman councilwoman speaker treasurer dean
    epidemiologist scientist researcher engineer analyst economist ceo cfo coo cto owner partner
    magistrate justice chancellor provost administrator trustee deputy assistant vice
    coordinator coroner conservator registrar archivist librarian fellow lecturer surgeon
    physician nurse clerk auditor controller comptroller counsel lawyer architect planner
    producer historian commander warden ranger adviser advisor consultant strategist pastor
    bishop priest rabbi imam midwife paramedic constable marshal bursar steward barrister
    solicitor recorder""".split()
)
_NAME_PIECE = r"[A-Z][a-zà-ÿ]+(?:[’'\-][A-Z]?[a-zà-ÿ]+)*"


def _qualifier(text: str, start: int) -> tuple[str | None, int]:
    """The qualifier written right before a figure at ``start``, and where it begins."""
    offset = max(0, start - 24)
    before = text[offset:start]
    for pattern, kind in _QUAL_RE:
        m = pattern.search(before)
        if m:
            return kind, offset + m.start()
    return None, start


def _interval(value: float, qual: str | None) -> tuple[float, float, bool]:
    """The values a figure qualified by ``qual`` allows, and whether it is an approximation."""
    if qual == "above":
        return value * 1.0000001, value * 10, False
    if qual == "atleast":
        return value, value * 10, False
    if qual == "below":
        return value * 0.85, value * 0.9999999, True
    if qual == "under":
        return 0.0, value * 0.9999999, False
    if qual == "upto":
        return 0.0, value, False
    if qual == "approx":
        # "about 1,400" is 1,400 rounded, not 1,300: a checker flags "roughly 38%" against 35%
        return value * 0.98, value * 1.02, True
    return value, value, False


def _number(raw: str) -> float | None:
    """ "1,200" -> 1200.0, "twenty-five" -> 25.0, "two dozen" -> 24.0."""
    raw = raw.lower().replace("\u2011", "-")
    if raw[0].isdigit():
        return float(raw.replace(",", ""))
    total = 0.0
    for piece in re.split(r"[- ]", raw):
        n = _WORD_NUM.get(piece)
        if n is None:
            return None
        total = total * n if n in (100, 12) and total else total + n
    return total


_R = TypeVar("_R")


def _per_fact(fn: Callable[[_Unit, Fact], _R]) -> Callable[[_Unit, Fact], _R]:
    """Reads ``fn(u, f)`` from the parse once per fact: every pair a fact is in asks again."""

    @wraps(fn)
    def once(u: _Unit, f: Fact) -> _R:
        memo_key = (fn.__name__, f.slot, f.at)
        if memo_key not in u.memo:
            u.memo[memo_key] = fn(u, f)
        result: _R = u.memo[memo_key]
        return result

    return once


class _Unit:
    """One unit's text and parse, with what the facts read from it are compared by."""

    def __init__(self, index: int, text: str, doc: Any) -> None:
        self.index = index
        self.text = text
        self.lower = text.lower()
        self.doc = doc
        self.memo: dict[tuple[str, str, tuple[int, int]], Any] = {}  # see _per_fact
        # the content words' keys, for how much two units share
        self.keys: set[str] = set()
        # proper nouns after a preposition, where a place the model does not know may be named
        self.after_prep: list[Any] = []
        for t in doc:
            pos = t.pos_
            if pos not in _CONTENT_POS or not t.is_alpha:
                continue
            if pos == "PROPN" and t.dep_ == "pobj":
                self.after_prep.append(t)
            if len(t) > 2 and t.lower_ not in _STOP:
                self.keys.add(key(t.text))
        # the places named (GPE and LOC entities), lower case
        self.places = {e.text.lower() for e in doc.ents if e.label_ in ("GPE", "LOC")}
        self.years = set(_YEAR.findall(text))
        self.kin = bool(_KIN.search(text))
        self.days = {d.lower() for d in _WEEKDAY.findall(text)}

    @cached_property
    def words(self) -> dict[str, tuple[int, str]]:
        """Each word key's first word as written, with its place: to say in words what two
        facts share."""
        out: dict[str, tuple[int, str]] = {}
        for t in self.doc:
            if t.is_alpha:
                out.setdefault(key(t.text), (t.i, t.text if t.pos_ == "PROPN" else t.lower_))
        return out

    def token_at(self, start: int, end: int) -> Any:
        """The syntactic head of the tokens at ``[start, end)``, or None."""
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            return None
        return span.root

    def counted(self, start: int, end: int) -> frozenset[str]:
        """For a count: the noun counted (with its modifiers) and the verb it is counted by."""
        tok = self.token_at(start, end)
        if tok is None:
            return frozenset()
        out: set[str] = set()
        head = tok.head if tok.dep_ in ("nummod", "quantmod", "amod", "compound") else tok
        if head.i == tok.i:
            for child in tok.children:  # "surpassed 100 people": the noun may hang on the number
                if child.pos_ == "NOUN" and child.idx > tok.idx:
                    head = child
                    break
        generic = key(head.text) in _GENERIC
        if (
            head.pos_ in ("NOUN", "PROPN")
            and head.is_alpha
            and head.lower_ not in _STOP
            and not generic
        ):
            out.add(key(head.text))
            out |= {key(c.text) for c in head.children if c.i != tok.i and _modifier(c)}
        for child in tok.children:
            if child.pos_ == "VERB" and child.idx > tok.idx:
                out.add("@" + key(child.text))  # "the 160 destroyed"
        cur = head
        for _ in range(3):
            if cur.head.i == cur.i:
                break
            cur = cur.head
            if cur.pos_ in ("VERB", "AUX"):
                if cur.pos_ == "VERB":
                    out.add("@" + key(cur.text))
                    # "27 people were treated for injuries" count the injured
                    for prep in cur.children:
                        if prep.dep_ == "prep" and prep.lower_ in ("for", "with"):
                            out |= {
                                "@" + key(o.text)
                                for o in prep.children
                                if o.dep_ == "pobj" and key(o.text) in _MEASURES
                            }
                if not any(not w.startswith("@") for w in out):
                    # "homes were among the 160 destroyed": the verb's subject is counted
                    for child in cur.children:
                        if child.dep_ in ("nsubj", "nsubjpass") and child.pos_ == "NOUN":
                            out.add(key(child.text))
                            out |= _tallied(child)
                break
        return frozenset(out)

    def hang(self, start: int, end: int, depth: int = 3) -> frozenset[str]:
        """Keys of the words a value at ``[start, end)`` hangs on: the nouns up the parse (the
        noun it belongs to, at most ``depth`` of them, with their modifiers and what follows
        their "of"), then the first verb, its subject, object and "as" phrase. Verb keys are
        marked with a leading ``@``."""
        tok = self.token_at(start, end)
        out: set[str] = set()
        if tok is None:
            return frozenset()

        def noun(t: Any, follow_of: bool = False) -> None:
            """A noun with its modifiers and, if ``follow_of``, the noun after its "of"."""
            if t.is_alpha and t.lower_ not in _STOP:
                out.add(key(t.text))
            for child in t.children:
                if _modifier(child):
                    out.add(key(child.text))
                elif follow_of and child.dep_ == "prep" and child.lower_ == "of":
                    for obj in child.children:
                        if obj.dep_ == "pobj" and obj.pos_ in ("NOUN", "PROPN"):
                            noun(obj)

        for child in tok.children:  # "40% of the costs"
            if child.dep_ == "prep" and child.lower_ == "of":
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        noun(obj)
        seen = 0
        cur = tok
        while cur.head.i != cur.i and seen < depth:
            cur = cur.head
            if cur.pos_ == "VERB" or (cur.pos_ == "AUX" and cur.dep_ == "ROOT"):
                if cur.lower_ not in _STOP:
                    out.add("@" + key(cur.text))
                for child in cur.children:
                    if (
                        child.dep_ in ("nsubj", "nsubjpass", "dobj", "attr")
                        and child.pos_ == "NOUN"
                    ):
                        noun(child)
                    if child.dep_ == "prep" and child.lower_ == "as":
                        for obj in child.children:
                            if obj.dep_ == "pobj" and obj.pos_ == "NOUN":
                                noun(obj)  # "joined ... as chief financial officer"
                break
            if cur.pos_ in ("NOUN", "PROPN", "ADJ") and cur.is_alpha and cur.lower_ not in _STOP:
                noun(cur, follow_of=True)
                seen += 1
        return frozenset(out)


def _figures(u: _Unit, taken: list[tuple[int, int]]) -> list[Fact]:
    """The unit's figures (counts, amounts, shares, measures), outside the ``taken`` spans
    (ages, codes, dates): each with its qualifier, unit, interval and the words it hangs on.
    A count that hangs on no noun and no toll ("rose to 41" with no subject) is left out."""
    text = u.text
    facts: list[Fact] = []
    matches: list[tuple[int, int, float, str | None, str]] = []  # start, end, value, cur, kind
    for m in _FRACTION_RE.finditer(text):
        frac = _FRACTION[m.group("frac").lower()]
        if m.group("of"):
            matches.append((m.start(), m.end(), frac / 100 * _SCALE[m.group("scale").lower()],
                            None, "plain"))  # fmt: skip
        else:
            after = text[m.end() : m.end() + 4].lower()
            if after.startswith(" of") or m.group("frac").lower().startswith("one in"):
                matches.append((m.start(), m.end(), frac, None, "percent"))
    for m in _FIGURE.finditer(text):
        if any(s < m.end() and m.start() < e for s, e, *_ in matches):
            continue
        value = _number(m.group("num"))
        if value is None:
            continue
        scale = m.group("scale")
        if scale:
            if scale.lower() in ("m", "k") and not m.group("cur"):
                scale = None  # "10m" is ten metres, "5k" a race, unless money
            else:
                value *= _SCALE[scale.lower()]
        end = m.end() if scale or m.group("pct") else m.end("num")
        kind = "percent" if m.group("pct") else "plain"
        matches.append((m.start("num") - (1 if m.group("cur") else 0), end, value,
                        m.group("cur"), kind))  # fmt: skip
    for start, end, value, cur, kind in sorted(matches):
        if any(s < end and start < e for s, e in taken):
            continue
        word = text[start:end]
        if kind == "plain" and _YEAR.fullmatch(word.strip()):
            continue  # a year is a date
        if kind == "plain" and not word[0].isdigit() and not cur and value < 2:
            continue  # "one of the", "a"
        after = text[end : end + 24]
        before = text[max(0, start - 16) : start]
        if re.match(r"\s?(?:a\.m\.|p\.m\.|am\b|pm\b|:\d)", after, re.I):
            continue  # a time of day
        if re.match(r"[:\-–/]\d", after) or re.search(r"\d[:\-–/]$", before):
            continue  # a score, a range, a code
        if re.search(r"[A-Za-z]-?$", before.rstrip(" ")[-2:]) and not before.endswith(" "):
            continue  # a code: F-16, A330
        slot, unit_word = _figure_slot(text, start, end, cur, kind)
        if slot is None:
            continue
        shown_end = end
        if slot.startswith("measure:"):
            value *= _MEASURE[unit_word][1]
            unit_m = re.match(r"[\s\-]?[A-Za-z/]+", text[end:])
            shown_end = end + unit_m.end() if unit_m else end  # "4,300 acres"
        qual, shown = _qualifier(text, start)
        lo, hi, approx = _interval(value, qual)
        anchors = u.counted(start, end) if slot == "count" else u.hang(start, end)
        if unit_word:
            anchors = anchors - {key(unit_word), key(unit_word.rstrip("s"))}
        if slot == "count" and not any(
            not w.startswith("@") or w[1:] in _MEASURES for w in anchors
        ):
            continue
        facts.append(
            Fact(
                u.index,
                slot,
                value,
                text[shown:start].lower() + text[start:shown_end],  # "Nearly" -> "nearly"
                (shown, shown_end),
                anchors,
                lo=lo,
                hi=hi,
                approx=approx,
                core=(start, end),
            )
        )
    return facts


def _figure_slot(
    text: str, start: int, end: int, cur: str | None, kind: str
) -> tuple[str | None, str]:
    """The slot of the figure at ``[start, end)`` ("percent", "money:EUR", "measure:length",
    "count"), with its unit word; None for a duration, a temperature or a span of years."""
    if kind == "percent":
        return "percent", "%"
    after = text[end : end + 20]
    m = re.match(r"[\s\-]?([A-Za-z/]+)", after)
    nxt = m.group(1).lower() if m else ""
    if cur:
        return f"money:{_CURRENCY[cur]}", cur
    if nxt in _CURRENCY:
        return f"money:{_CURRENCY[nxt]}", nxt
    if nxt in _MEASURE:
        dim = _MEASURE[nxt][0]
        if dim in ("duration", "temperature"):
            return None, ""  # how long something took, or the weather: rarely one thing twice
        return f"measure:{dim}", nxt
    if nxt in ("year", "years", "month", "months", "week", "weeks", "day", "days"):
        return None, ""  # durations and ages are read elsewhere
    return "count", ""


def _ages(u: _Unit, persons: list[tuple[str, int]]) -> list[Fact]:
    """Ages, each with the surname it belongs to: the name right before ", 54," or the
    person last named before "the 54-year-old"."""
    out = []
    for m in _AGE.finditer(u.text):
        group = next(g for g in ("a1", "a2", "a3", "a4") if m.group(g))
        raw, start = m.group(group), m.start(group)
        owner = None
        if m.group("a2") and re.search(r"\b[a-z]+,?\s+$", u.text[: m.start()]):
            continue  # "his sons, aged 8 and 11", "a man aged 45": not the person last named
        if m.group("a3") or m.group("a4"):
            before = u.text[: m.start()] if m.group("a4") else u.text[:start]
            before = re.sub(r"who\sis\s$", "", before)
            name = re.search(rf"({_NAME_PIECE})[’']?\s*,\s$", before)
            if not name:
                continue
            owner = name.group(1)
        else:
            after = re.match(
                rf"\s+(?:[a-z]+\s+)?({_NAME_PIECE}(?:\s{_NAME_PIECE})*)", u.text[m.end() :]
            )
            if after and after.group(1).split()[0] not in ("The", "He", "She"):
                owner = after.group(1).split()[-1]  # "34-year-old Dana Przybylski": Przybylski
            else:
                earlier = [name for name, at in persons if at < start]
                owner = earlier[-1] if earlier else None
        if owner is None or int(raw) > 120:
            continue
        out.append(Fact(u.index, "age", int(raw), m.group(0), m.span(), frozenset(), owner))
    return out


def _dates(u: _Unit) -> list[Fact]:
    """Dates ("March 12", "4 September"), weekdays and years, each with what it hangs on; not
    a year that is a number ("Bill 2017", "flight 1984")."""
    out = []
    for m in _DATE.finditer(u.text):
        month = MONTHS[(m.group("m1") or m.group("m2")).lower().rstrip(".")]
        day = int(m.group("d1") or m.group("d2"))
        if not 1 <= day <= 31:
            continue
        out.append(Fact(u.index, "date", (month, day), m.group(0), m.span(), u.hang(*m.span())))
    for m in _WEEKDAY.finditer(u.text):
        out.append(
            Fact(u.index, "day", m.group(1).lower(), m.group(1), m.span(1), u.hang(*m.span(1)))
        )
    for m in _YEAR.finditer(u.text):
        if (
            re.search(r"[A-Za-z]\s?-?$", u.text[max(0, m.start() - 2) : m.start()])
            and not u.text[max(0, m.start() - 1) : m.start()].isspace()
        ):
            continue
        before = u.text[max(0, m.start() - 12) : m.start()].lower()
        if re.search(r"(?:bill|no\.|number|flight|route|hb|sb)\s?$", before):
            continue
        out.append(Fact(u.index, "year", m.group(1), m.group(1), m.span(1), u.hang(*m.span(1))))
    return out


def _codes(u: _Unit) -> list[Fact]:
    """Models, designations and codes: F-16, NX-240, Tethys-7, VR 612, Senate Bill 2217 (also
    filed under its initials, SB, as the copy may abbreviate it)."""
    out = []
    for m in _HEADCODE.finditer(u.text):  # "train 2K17"
        letters = re.sub(r"\d", "", m.group(0))
        out.append(Fact(u.index, "code", m.group(0), m.group(0), m.span(), frozenset(), letters))
    for m in _CODE.finditer(u.text):
        prefix, sep = m.group("prefix"), m.group("sep")
        if prefix.lower() in MONTHS or prefix.lower() in WEEKDAYS:
            continue
        if sep and prefix in _NOT_CODE:
            continue  # "A 12-year-old", "In 2020"; but "A320" is a model
        if not sep and not prefix.isupper():
            continue  # a word glued to a number is not a code
        if sep == " " and not prefix.isupper() and prefix.lower() not in _CODE_WORDS:
            continue  # "Flight 612", "Bill 2217", "Route 47": a word that names a code
        code = f"{m.group('num')}{m.group('suffix')}"
        owners = {prefix.upper()}
        words = re.findall(r"([A-Z][a-z]+)\s+$", u.text[: m.start()])
        if words and not prefix.isupper():
            owners.add((words[-1][0] + prefix[0]).upper())  # Senate Bill -> SB
        for owner in owners:
            out.append(Fact(u.index, "code", code, m.group(0).strip(), m.span(), frozenset(),
                            owner))  # fmt: skip
    return out


_CODE_WORDS = frozenset(
    "bill act flight route line gate case unit model item highway interstate bus train".split()
)


# "the Bergen-based carrier", "its Stavanger headquarters", "the Denver head office"
_BASED = re.compile(r"-based\b|\s+(?:headquarters|head\s+office|HQ)\b")
_HQ = re.compile(
    rf"(?<=[’']s\s)({_NAME_PIECE})(?=\s+(?:headquarters|head\s+office)\b)"
    rf"|\b(?!(?:The|A|An)\s)({_NAME_PIECE}(?:\s{_NAME_PIECE})?)(?=-based\b)"
)
# a verb that says where a thing is: what follows its "in" is a place, whatever it looks like
_SITED = re.compile(r"\b(?:based|headquartered|located|situated|registered)\s$")
_LOCATIVE = re.compile(r"\b(?:in|at|near|on|outside)\s$")


def _places(u: _Unit, surnames: frozenset[str]) -> list[Fact]:
    """Where something is or happened: a place named after "in", "at", "near", "on" or
    "outside", or before "-based". The places are spaCy's GPE, LOC and FAC entities, a short ORG
    after "in" or "near", and a proper noun after "in", "near" or "outside" that the model does
    not know as a place: the small model takes many a town for an organisation or a person, or
    leaves it unlabelled."""
    found: list[tuple[int, int, bool]] = []  # start, end, "-based"
    for e in u.doc.ents:
        if e.label_ not in ("GPE", "LOC", "FAC", "ORG"):
            continue
        if e.label_ == "ORG" and (
            len(e.text.split()) > 2
            or set(e.text.split()) & _ORG_WORDS
            or not re.search(r"\b(?:in|near)\s$", u.text[max(0, e.start_char - 5) : e.start_char])
        ):
            continue
        based = bool(re.match(_BASED, u.text[e.end_char : e.end_char + 16]))
        if based or _LOCATIVE.search(u.text[max(0, e.start_char - 9) : e.start_char].lower()):
            found.append((e.start_char, e.end_char, based))
    for tok in u.after_prep:
        sited = bool(_SITED.search(u.text[max(0, tok.head.idx - 16) : tok.head.idx]))
        if (
            tok.head.lower_ not in ("in", "near", "outside")
            or (tok.ent_type_ not in ("", "PERSON") and not sited)
            or (tok.text in surnames and not sited)
            or tok.lower_ in MONTHS
            or tok.lower_ in WEEKDAYS
        ):
            continue
        first = tok
        while (
            first.i > 0
            and u.doc[first.i - 1].pos_ == "PROPN"
            and u.doc[first.i - 1].dep_ == "compound"
        ):
            first = u.doc[first.i - 1]
        start, end = first.idx, tok.idx + len(tok)
        if not any(s < end and start < e for s, e, _ in found):
            found.append((start, end, False))
    for m in _HQ.finditer(u.text):  # "its Stavanger headquarters", whatever the model saw
        group = 1 if m.group(1) else 2
        start, end = m.span(group)
        if m.group(group) not in surnames and not any(s < end and start < e for s, e, _ in found):
            found.append((start, end, True))
    out = []
    for start, end, based in found:
        anchors = set(u.hang(start, end, depth=2))
        if based:
            anchors.add("@" + key("based"))
            nxt = u.token_at(end + 7, min(len(u.text), end + 20)) if u.text[end] == "-" else None
            if nxt is not None:
                anchors.add(key(nxt.text))
        name = u.text[start:end]
        out.append(Fact(u.index, "place", name.lower(), name, (start, end), frozenset(anchors)))
    return out


def _regions(units: Sequence[_Unit]) -> set[str]:
    """Places the draft writes as holding another ("SHANNON, Ireland", "Worcester,
    Massachusetts"): a country or state, which a town in it does not contradict."""
    out = set()
    for u in units:
        for e in u.doc.ents:
            if (
                e.label_ == "GPE"
                and e.start > 1
                and u.doc[e.start - 1].text == ","
                and u.doc[e.start - 2].pos_ == "PROPN"
            ):
                out.add(e.text.lower())
    return out


@dataclass(frozen=True)
class _Name:
    start_char: int
    end_char: int
    text: str


def _surnames(units: Sequence[_Unit]) -> frozenset[str]:
    """The draft's surnames: the last word of a person's name of two or more words, found by
    spaCy, or written after "said" or before an age (", 54,"): wherever the copy then uses the
    surname alone, it is that person, whatever label the small model gives it there."""
    out: set[str] = set()
    for u in units:
        for e in u.doc.ents:
            words = re.findall(_NAME_PIECE, e.text)
            if e.label_ == "PERSON" and len(words) >= 2:
                out.add(words[-1])
        for m in re.finditer(
            rf"\bsaid\s+(?:[a-z]+\s+){{0,3}}(?:{_NAME_PIECE}\s+)?({_NAME_PIECE})\b", u.text
        ):
            out.add(m.group(1))
        for m in re.finditer(rf"\b({_NAME_PIECE}),\s\d{{1,3}},", u.text):
            out.add(m.group(1))
        # "Dai Prothero, Castlemere's forwards coach,": two name words before a role
        for m in _NAMED_ROLE.finditer(u.text):
            if m.group(3).lower() in _TITLE_WORDS:
                out.add(m.group(2))
    return frozenset(
        w
        for w in out
        if w.lower() not in _TITLE_WORDS and w.lower() not in _STOP and w not in _ORG_WORDS
    )


_NAMED_ROLE = re.compile(
    rf"\b({_NAME_PIECE})\s+({_NAME_PIECE}),\s+(?:the\s+|a\s+|[A-Z][\w\-]*[’']s\s+)"
    r"(?:[a-z][\w\-]*\s+){0,3}?([a-z]+)\b(?=,|\s+(?:who|whose|since|at|of)\b)"
)


_ORG_WORDS = frozenset(
    """United City County Rovers Athletic Wanderers Town Albion Inc Corp Group Partners Systems
    Health Holdings Airlines Airways Bank University College School Hospital Council Party Street
    Road Avenue Airport Institute Foundation Museum Company Association Union Club""".split()
)


@lru_cache(maxsize=8)
def _surname_pattern(surnames: frozenset[str]) -> re.Pattern[str]:
    """A surname, with the first name (and an initial) before it; not a possessive, and not
    the first word of a longer name."""
    alternatives = "|".join(map(re.escape, sorted(surnames, key=len, reverse=True)))
    return re.compile(
        rf"\b(?:({_NAME_PIECE})\s+(?:[A-Z]\.\s+)?)?({alternatives})\b"
        r"(?![’']s\b|\s+(?:[A-Z][a-z]+))"
    )


def _names(u: _Unit, surnames: frozenset[str]) -> list[_Name]:
    """Each mention of a known surname, with the first name before it when there is one."""
    if not surnames:
        return []
    return [
        _Name(m.start(), m.end(), m.group(0)) for m in _surname_pattern(surnames).finditer(u.text)
    ]


def _people(u: _Unit, surnames: frozenset[str]) -> tuple[list[Fact], list[tuple[str, int]]]:
    """First names beside surnames, roles beside names, and the surnames named (with offsets)."""
    facts: list[Fact] = []
    named: list[tuple[str, int]] = []
    for e in _names(u, surnames):
        words = re.findall(_NAME_PIECE, e.text)
        if not words:
            continue
        surname = words[-1]
        named.append((surname, e.start_char))
        if len(words) >= 2 and words[-2].lower() not in _TITLE_WORDS and words[-2] not in surnames:
            first = words[-2]
            if first.lower() not in _STOP and first not in _NOT_CODE:
                at = e.start_char + e.text.index(first)
                facts.append(Fact(u.index, "first_name", first, u.text[at : e.end_char],
                                  (at, e.end_char), frozenset(), surname))  # fmt: skip
        role = _role(u, e)
        if role:
            text, span = role
            role_key = _role_key(text)
            facts.append(Fact(u.index, "role", role_key, text, span, frozenset(), surname))
            words_of_role = set(role_key.split())
            if words_of_role & _ONE_HOLDER and not words_of_role & _RANKED:
                # the role's holder: "Head coach Milo Brandvik" ... "Head coach Pavel Strand";
                # the role of a named body is another role ("Kingsmere's head coach")
                whose = _OF_NAMED.match(u.text[e.end_char :]) or _NAMED_S.search(u.text[: span[0]])
                held = f"{whose.group(1).lower()} {role_key}" if whose else role_key
                facts.append(Fact(u.index, "holder", surname, e.text, (e.start_char, e.end_char),
                                  frozenset(), held))  # fmt: skip
    return facts, named


# "Mayor Lucia Penn of Ashby", "Kingsmere's head coach": a role held in a named body
_OF_NAMED = re.compile(r",?\s+of\s+(?:the\s+)?([A-Z][\w\-]*)")
_NAMED_S = re.compile(r"([A-Z][\w\-]*)(?:[’']s?)\s+$")


# ", the chamber's majority leader," after a name: a role in apposition
_APPOSITIVE = re.compile(
    r"[’']?,\s+(?:(?:the|a|an)\s+|[A-Z][\w\-]*[’']s\s+)?((?:[\w’'\-.]+\s){0,5}?[\w’'\-.]+?)"
    r"(?=,|\.|$| who| whose| since| for| at| of the| in | and )"
)


def _role(u: _Unit, ent: Any) -> tuple[str, tuple[int, int]] | None:
    """The role written beside a person: before the name ("Magistrate Judge Harriet Moss",
    "chief curator Imogen Blake") or as an appositive after it ("Whitfield, the chamber's
    majority leader")."""
    text = u.text
    before = text[: ent.start_char]
    m = re.search(r"((?:(?:[A-Z][a-z]+|[A-Z]\.[A-Z]\.|[a-z]+)\s){1,4})$", before)
    if m:
        placed = [(w.group(), m.start() + w.start()) for w in re.finditer(r"\S+", m.group(1))]
        # keep the trailing run of title-like words, with what they are the title of: a
        # capitalised word ("District Judge") or a noun ("fire chief", "rescue coordinator")
        kept: list[tuple[str, int]] = []
        for w, at in reversed(placed):
            if w.lower().strip(".") in _TITLE_WORDS or (
                kept
                and w.lower() not in _STOP
                and (w[0].isupper() or getattr(u.token_at(at, at + len(w)), "pos_", "") == "NOUN")
            ):
                kept.insert(0, (w, at))
            else:
                break
        if kept and any(w.lower() in _TITLE_WORDS for w, _ in kept):
            start = kept[0][1]
            end = kept[-1][1] + len(kept[-1][0])
            return text[start:end], (start, end)
    after = text[ent.end_char :]
    m = _APPOSITIVE.match(after)
    if m:
        phrase = m.group(1)
        phrase = re.sub(r"^[\w\-.]+[’']s\s+", "", phrase)  # "the museum's director"
        # "professor of glaciology": the title before its "of"
        phrase = re.sub(r"\s+of\s+[a-z][\w\-]*$", "", phrase)
        words = phrase.split()
        if words and words[-1].lower().strip(".") in _TITLE_WORDS and not words[0][0].isupper():
            start = ent.end_char + m.end(1) - len(phrase)
            return phrase, (start, start + len(phrase))
    # "Vistek's chief executive, Sofie Vermeer"
    m = re.search(r"((?:[a-z]+\s){0,3}[a-z]+),\s$", before)
    if m and m.group(1).split()[-1] in _TITLE_WORDS:
        # "the minute from their captain, Callum Ferris": the words after the last little word
        words = m.group(1).split()
        while len(words) > 1 and any(w in _STOP for w in words[:-1]):
            words = words[1:]
        if words[0] == "s":
            words = words[1:] or words
        phrase = " ".join(words)
        return phrase, (m.end(1) - len(phrase), m.end(1))
    return None


def _role_key(role: str) -> str:
    """A role as compared: lower case, abbreviations spelt out ("CEO" -> "chief executive"),
    without the words that say whose it is ("U.S.", "state", "county")."""
    words = []
    for w in role.replace("-", " ").split():
        low = w.lower().strip(".,")
        if low in ("u.s", "us", "state", "county", "city", "the", "federal", "national"):
            continue
        words.extend(_ROLE_EXPAND.get(low, low).split())
    return " ".join(words)


# --- pairing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """Two facts that cannot both be true (``a`` read before ``b``), and why in words."""

    a: Fact
    b: Fact
    summary: str
    what: str
    score: float = 1.0  # the pair model's probability that the two facts are of one thing
    features: list[float] = field(default_factory=list)


# A draft is weighed as if it had at least this many units: in a short item of two or three
# sentences every shared word is "common" to the draft, though it is as rare in news copy as in
# a long draft. Below this size, a word's weight depends on how many units hold it, not on what
# share of the draft they are.
_MIN_UNITS = 20


def _weight(units: Sequence[_Unit]) -> dict[str, float]:
    """Each word key's weight: the log of how rare it is among the units (inverse document
    frequency), as if the draft had at least :data:`_MIN_UNITS` units."""
    df: Counter[str] = Counter()
    for u in units:
        df.update(u.keys)
    n = max(_MIN_UNITS, len(units))
    return {k: math.log((n + 1) / (c + 0.5)) for k, c in df.items()}


def _overlap(x: _Unit, y: _Unit, idf: dict[str, float]) -> float:
    """How much two units share: the weights of the content words both use ("context")."""
    return sum(idf.get(k, 0.0) for k in x.keys & y.keys)


def _same_value(a: Fact, b: Fact) -> bool:
    """Whether two facts give one value. Figures are the same when they are equal and their
    intervals meet ("more than 500" and "nearly 500" are not), or when either is a round or
    near figure ("about 300", "nearly 200") whose interval holds the other. A bound and another
    figure are two values: "at least 120 homes" and "the 160 homes" is a figure to settle."""
    if a.lo is None or a.hi is None or b.lo is None or b.hi is None:
        return bool(a.value == b.value)
    meet = a.lo <= b.hi * (1 + 1e-9) and b.lo <= a.hi * (1 + 1e-9)  # 1.2 km is 1,200 m
    if math.isclose(a.value, b.value, rel_tol=1e-9) or a.approx or b.approx:
        return meet
    return False


def _permuted(a: Fact, b: Fact) -> bool:
    """Two figures with the same digits in another order: the commonest slip of the keyboard."""
    da, db = a.digits, b.digits
    return len(da) >= 2 and da != db and sorted(da) == sorted(db)


def _describe(a: Fact) -> str:
    """What kind of value two facts disagree on, in words."""
    what = {
        "percent": "share", "count": "count", "day": "day", "date": "date", "year": "year",
        "place": "place", "code": "model or code", "age": "age", "first_name": "first name",
        "role": "title or role", "holder": "person in a role",
    }.get(a.slot) or ("amount" if a.slot.startswith("money") else "measure")  # fmt: skip
    return what


@dataclass
class _Draft:
    """What the comparisons need to know about the whole draft."""

    units: list[_Unit]
    idf: dict[str, float]
    regions: set[str]
    # how many units name each first name beside each surname
    surname_first: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    # the units that name each code ("SB:2217") and each surname, and the surnames of each unit
    codes_together: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    named_in: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    people_in: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    _holding: dict[str, set[int]] = field(default_factory=dict)

    @cached_property
    def weekdays(self) -> set[str]:
        """The weekdays the draft names: a story told over several days names many."""
        return {d.rstrip("’'s") for u in self.units for d in u.days}

    def units_naming(self, place: str) -> set[int]:
        """The units whose text holds ``place`` (lower case), looked up once per place."""
        if place not in self._holding:
            self._holding[place] = {u.index for u in self.units if place in u.lower}
        return self._holding[place]


# How many later facts of the same slot one fact is compared with: every pair in a news
# article, where a slot holds a handful, and linear work on a long machine-made draft.
WINDOW = 30


def find_conflicts(
    units: Sequence[str],
    docs: Sequence[Any],
    skip: Sequence[bool],
    *,
    threshold: float | None = None,
    scorer: Callable[[list[float]], float] | None = None,
) -> list[Conflict]:
    """The conflicts between the units, each pair of facts once (``docs``: the units' spaCy
    parses; ``skip[i]``: leave unit i out, e.g. site furniture).

    Each candidate pair (two facts of one slot with different values) is described by
    :func:`evidence` and scored by the shipped pair model (:func:`weights`); those at or above
    its threshold are conflicts. ``threshold`` and ``scorer`` replace them (training passes a
    threshold of 0 to see every candidate)."""
    parsed = [
        _Unit(i, t, d) for i, (t, d) in enumerate(zip(units, docs, strict=True)) if not skip[i]
    ]
    draft = _Draft(parsed, _weight(parsed), _regions(parsed))
    surnames = _surnames(parsed)
    people = [_people(u, surnames) for u in parsed]
    for u, (_facts, named) in zip(parsed, people, strict=True):
        for surname, _at in named:
            draft.named_in[surname].add(u.index)
            draft.people_in[u.index].add(surname)
    facts: list[Fact] = []
    persons_so_far: list[tuple[str, int]] = []
    aged: list[str] = []
    for u, (people_facts, named) in zip(parsed, people, strict=True):
        # "the 27-year-old" is the person named last in this unit or the two before it; in a
        # unit that names nobody, once ages have been given, it is the story's subject: of the
        # people given an age, the one the draft names most often (the first on a tie)
        recent = [(n, -1) for n, _ in persons_so_far[-2:]] + named
        if aged and not named:
            subject = max(dict.fromkeys(aged), key=lambda n: len(draft.named_in[n]))
            recent = [(subject, -1)]
        ages = _ages(u, recent)
        aged += [f.owner for f in ages if f.owner]
        taken = [f.span for f in ages]
        codes = _codes(u)
        taken += [f.span for f in codes]
        dates = _dates(u)
        taken += [f.span for f in dates if f.slot in ("date", "year")]
        facts += people_facts + ages + codes + dates + _places(u, surnames)
        facts += _figures(u, taken)
        persons_so_far = (persons_so_far + named)[-6:]
        for f in people_facts:
            if f.slot == "first_name":
                draft.surname_first[f.owner or ""][f.value] += 1
        for f in codes:
            draft.codes_together[f"{f.owner}:{f.value}"].add(u.index)
    groups: dict[str, list[Fact]] = defaultdict(list)
    for f in facts:
        groups[f.slot if f.owner is None else f"{f.slot}|{f.owner.lower()}"].append(f)

    by_index = {u.index: u for u in parsed}
    model = weights() if scorer is None else None
    if model is not None:
        threshold = model.threshold if threshold is None else threshold
    assert threshold is not None, "a scorer of its own needs its threshold"
    out: list[Conflict] = []
    for group in groups.values():
        for i, a in enumerate(group):
            for b in group[i + 1 : i + 1 + WINDOW]:
                if a.unit == b.unit or _same_value(a, b):
                    continue
                ua, ub = by_index[a.unit], by_index[b.unit]
                x = evidence(a, b, ua, ub, draft)
                if any(x[name] for name in VETOES if name in x):
                    continue
                if model is not None:  # the shipped model: the vector only for a conflict
                    p = model.score_evidence(x)
                    if p < threshold:
                        continue
                    vector = [x.get(name, 0.0) for name in FEATURES]
                elif scorer is not None:
                    vector = [x.get(name, 0.0) for name in FEATURES]
                    p = scorer(vector)
                    if p < threshold:
                        continue
                out.append(Conflict(a, b, _summary(a, b, ua), _describe(a), p, vector))
    return out


def _summary(a: Fact, b: Fact, ua: _Unit) -> str:
    """The two values as written, then in brackets up to two of the words both hang on, as the
    first unit words them ("€3.2 billion vs €3.6 billion (deal)"), or for two people in one
    role, the role ("Milo Brandvik vs Pavel Strand (head coach)")."""
    if a.slot == "holder":
        return f"{a.text} vs {b.text} ({a.owner})"
    words = sorted(ua.words.get(k, (len(ua.doc), k)) for k in a.plain & b.plain)
    tail = f" ({', '.join(w for _, w in words[:2])})" if words else ""
    return f"{a.text} vs {b.text}{tail}"


def _conflicts(a: Fact, b: Fact, ua: _Unit, ub: _Unit, draft: _Draft) -> bool:
    """Whether two facts of one slot with different values are about the same thing."""
    slot = a.slot
    if slot == "first_name":
        if ua.kin or ub.kin:
            return False
        fa, fb = str(a.value).lower(), str(b.value).lower()
        if fa.startswith(fb) or fb.startswith(fa):
            return False  # Greg / Gregory
        counts = draft.surname_first[a.owner or ""]
        # two people of one surname are each named more than once; a slip is named once
        return min(counts[a.value], counts[b.value]) <= 1
    if slot == "role":
        ra, rb = set(str(a.value).split()), set(str(b.value).split())
        if not ra or not rb or "former" in ra | rb:
            return False
        if ra <= rb or rb <= ra:
            return bool((ra ^ rb) & _RANKED)  # "majority leader" / "assistant majority leader"
        return True
    if slot == "age":
        return not (ua.kin or ub.kin)
    if slot == "code":
        short, long = sorted((str(a.value), str(b.value)), key=len)
        if long.startswith(short) and not long[len(short)].isdigit():
            return False  # a model and its variant: A330 and A330-300
        ka, kb = f"{a.owner}:{a.value}", f"{b.owner}:{b.value}"
        together = draft.codes_together
        if together[ka] & together[kb]:
            return False
        return min(len(together[ka]), len(together[kb])) <= 1 or _permuted(a, b)
    if slot == "place":
        if a.value in draft.regions or b.value in draft.regions:
            return False  # a country or state and a town in it
        if draft.units_naming(str(a.value)) & draft.units_naming(str(b.value)):
            return False  # both named together: two real places
        thing_a, thing_b = _thing(ua, a), _thing(ub, b)
        if thing_a and thing_b:
            # "the explosion at the fertiliser plant in Orvik" / "... plant in Tessen": the
            # place of one thing, named by the same two words or more ("the museum in Oslo" and
            # "its sister museum in Bergen" are two museums, and so may be "the hospital in
            # Ennis" and "the hospital in Limerick")
            return len(thing_a & thing_b) >= 2
        # "touched down near Columbia" / "after touching down near Prentiss"
        verbish = {w[1:] for w in a.anchors | b.anchors if w.startswith("@")} - _CHANGE
        return bool(a.plain & b.plain & verbish)
    if slot == "holder":
        if draft.named_in[str(a.value)] & draft.named_in[str(b.value)]:
            return False  # named together: two people, say one after the other
        return not (_SUCCESSION.search(ua.text) or _SUCCESSION.search(ub.text))
    if slot in ("day", "date", "year") and (
        _two_people(ua, ub, draft) or _two_actors(a, b, ua, ub)
    ):
        return False  # "Kemp was arrested on Thursday" / "Banks was arrested on Friday"
    if slot in ("day", "date"):
        if _dates_a_figure_or_speech(a) or _dates_a_figure_or_speech(b):
            return False  # "the toll stood at 12 on Monday ... rose to 19 on Wednesday"
        if _dates_a_count(ua, a) and _dates_a_count(ub, b):
            return False  # "killed 12 people on Monday" / "by Wednesday had killed 19 people"
        if _verb_of(ua, a) and _verb_of(ub, b) and _future(ua, a) != _future(ub, b):
            return False  # a plan's day beside an event's day
        return bool(a.plain & b.plain) and not _two_events(a, b, ua, ub)
    if slot == "year":
        if not (a.plain & b.plain or _permuted(a, b)):
            return False
        return _overlap(ua, ub, draft.idf) >= 2.0 and not _two_events(a, b, ua, ub)
    return _figures_conflict(a, b, ua, ub, draft)


def _two_people(ua: _Unit, ub: _Unit, draft: _Draft) -> bool:
    """Whether each unit names people and none of them is named in the other: the dates of
    one kind of event may then be two people's."""
    people_a, people_b = draft.people_in[ua.index], draft.people_in[ub.index]
    return bool(people_a and people_b and not people_a & people_b)


@_per_fact
def _actor(u: _Unit, f: Fact) -> str | None:
    """The name that is the subject of a date's verb ("Banks was arrested on Friday")."""
    tok = u.token_at(*f.at)
    if tok is None:
        return None
    verb = tok.head.head if tok.head.pos_ == "ADP" else tok.head
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ == "PROPN":
            return str(c.text)
        if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ == "NOUN":
            for name in c.children:  # "A second man, Tyrell Banks, was arrested"
                if name.dep_ == "appos" and name.pos_ == "PROPN":
                    return str(name.text)
    return None


def _two_actors(a: Fact, b: Fact, ua: _Unit, ub: _Unit) -> bool:
    """Whether the dates' verbs have two different names for subjects, neither of them named
    in the other unit: two people's or two bodies' events, whatever the model labels them."""
    x, y = _actor(ua, a), _actor(ub, b)
    return bool(x and y and x != y and x not in ub.text and y not in ua.text)


def _figures_conflict(a: Fact, b: Fact, ua: _Unit, ub: _Unit, draft: _Draft) -> bool:
    """Whether two different figures (counts, amounts, shares, measures) are of one thing.
    The cheap tests on the units come first, the parse of each figure last."""
    slot = a.slot
    if ua.kin or ub.kin or not _near(a, b):
        return False
    if slot in ("count", "percent") and ua.places and ub.places and not (ua.places & ub.places):
        return False  # sales in Europe, sales in North America
    if ua.years and ub.years and not (ua.years & ub.years):
        return False
    if not (_dated(ua, a) <= ub.years and _dated(ub, b) <= ua.years):
        return False  # "in 2009 floods killed 120 people" is not this week's toll
    toll = a.plain & b.plain & _MEASURES
    if toll and ua.days and ub.days and not (ua.days & ub.days):
        return False  # a toll given on two days may have grown between them
    shared = a.anchors & b.anchors
    nouns = {w for w in shared if not w.startswith("@")}
    verbs = shared - nouns
    if slot == "count" and not toll and not nouns:
        return False
    if not (toll or nouns or verbs or _permuted(a, b)):
        return False
    context = _overlap(ua, ub, draft.idf)
    if context < 1.0:
        return False
    if slot == "count" and not toll:
        definite = _definite(ua, a) or _definite(ub, b)
        if not (verbs or _permuted(a, b) or (definite and context >= 2.0)):
            return False
    planned = (slot == "count" and not toll) or slot.startswith("measure")
    if planned and _future(ua, a) != _future(ub, b):
        return False  # a plan beside a fact
    (scope_a, places_a), (scope_b, places_b) = _scope(ua, a), _scope(ub, b)
    if scope_a != scope_b:
        return False  # "the jobless rate" / "the rate in the northern region"
    if places_a and places_b and not places_a & places_b:
        return False  # "the hospital in Ennis treated 14" / "the hospital in Limerick ... 9"
    return not (_partial(ua, a, b, ub) or _partial(ub, b, a, ua))


# Verbs of change and of speech say nothing about where a thing is, and a day they hang on is
# when a figure stood or was said, not when the event happened.
_CHANGE = frozenset(
    key(w)
    for w in """rise rose risen fall fell fallen grow grew grown drop jump climb increase decrease
    stand stood reach total say says tell told announce report""".split()
)


@_per_fact
def _thing(u: _Unit, f: Fact) -> set[str]:
    """When a place is the place of a thing ("the explosion at the fertiliser plant in
    Orvik"), the keys of the words that name the thing: the nouns up to the verb, with their
    modifiers (explosion, fertiliser, plant). Empty when the place is a verb's ("landed in")."""
    tok = u.token_at(*f.at)
    out: set[str] = set()
    if tok is None:
        return out
    cur = tok
    while cur.head.i != cur.i and cur.head.pos_ in ("ADP", "NOUN"):
        cur = cur.head
        if cur.pos_ == "NOUN":
            out.add(key(cur.text))
            out |= {key(c.text) for c in cur.children if _modifier(c)}
    return out


# Verbs that carry little of an event's meaning: "became finance chief", "took delivery".
_LIGHT = frozenset(key(w) for w in "be become became have take took make made get got".split())


@_per_fact
def _event_verb(u: _Unit, f: Fact) -> str | None:
    """The key of the verb a date is the date of ("opened in 1962"), or None when the date
    belongs to a noun ("the March 19 hearing", "Friday's vote") or to a light verb."""
    tok = u.token_at(*f.at)
    if tok is None:
        return None
    head = tok.head.head if tok.head.pos_ == "ADP" else tok.head
    if head.pos_ != "VERB" or key(head.text) in _LIGHT:
        return None
    return key(head.text)


@_per_fact
def _verb_of(u: _Unit, f: Fact) -> bool:
    """Whether a value hangs on a verb at all, a few steps up ("closed at 6 a.m. on Monday"),
    rather than on a noun alone ("before the March 19 hearing")."""
    tok = u.token_at(*f.at)
    for _ in range(4):
        if tok is None or tok.head.i == tok.i:
            return False
        tok = tok.head
        if tok.pos_ == "VERB":
            return True
    return False


def _two_events(a: Fact, b: Fact, ua: _Unit, ub: _Unit) -> bool:
    """Whether two dates are of two different events of one thing: each the date of its own
    verb, and neither verb among the words the other hangs on ("the museum opened in 1962" /
    "a fire damaged the museum in 2008")."""
    va, vb = _event_verb(ua, a), _event_verb(ub, b)
    return bool(va and vb and va not in b.plain and vb not in a.plain)


@_per_fact
def _dated(u: _Unit, f: Fact) -> set[str]:
    """The years a figure's own verb is dated by: a year in a phrase on the verb ("In 2009
    floods killed 120 people") or beside it."""
    tok = u.token_at(*f.at) if u.years else None
    if tok is None:
        return set()
    verb = tok
    while verb.head.i != verb.i and verb.pos_ not in ("VERB", "AUX"):
        verb = verb.head
    out: set[str] = set()
    for c in verb.children:
        for t in c.subtree if c.dep_ == "prep" else (c,):
            if _YEAR.fullmatch(t.text) and t.i != tok.i:
                out.add(t.text)
    return out


@_per_fact
def _dates_a_count(u: _Unit, f: Fact) -> bool:
    """Whether a day's verb also carries a count ("police arrested 14 people on Friday"): the
    day a figure was reached, which another day's other figure does not contradict."""
    tok = u.token_at(*f.at)
    if tok is None:
        return False
    verb = tok.head.head if tok.head.pos_ == "ADP" else tok.head
    if verb.pos_ not in ("VERB", "AUX"):
        return False
    for c in verb.children:
        if c.like_num and c.i != tok.i:
            return True
        if any(g.dep_ == "nummod" or (c.dep_ == "prep" and g.like_num) for g in c.children):
            return True
    return False


def _dates_a_figure_or_speech(f: Fact) -> bool:
    """Whether a day or date hangs on a verb of change or speech: the day a figure stood at or
    something was said, not the day of the event."""
    return any(w.startswith("@") and w[1:] in _CHANGE for w in f.anchors)


# Tolls: what a story counts as it unfolds, whichever word it uses ("41 killed", "the toll").
_MEASURES = frozenset({"death", "injury", "evacuate", "arrest"})
# Nouns that count people in general: the verb says what is counted ("100 people died").
_GENERIC = frozenset(key(w) for w in "people persons individuals residents others those".split())


# Nouns that stand for a figure: "the number of people killed surpassed 60" counts deaths.
_TALLY = frozenset(key(w) for w in "number total tally count figure".split())


def _modifier(t: Any) -> bool:
    """Whether a token is a content word that narrows its noun: "destroyed homes", "coal mine"
    (not a name: "Vistek shares")."""
    return bool(
        t.dep_ in ("amod", "compound")
        and t.is_alpha
        and t.pos_ != "PROPN"
        and t.lower_ not in _STOP
    )


def _tallied(noun: Any) -> set[str]:
    """What a tally noun counts: "the number of people killed" -> the killed (``@death``),
    "the total of homes" -> homes."""
    out: set[str] = set()
    if key(noun.text) not in _TALLY:
        return out
    for prep in noun.children:
        if prep.dep_ != "prep" or prep.lower_ != "of":
            continue
        for obj in prep.children:
            if obj.dep_ != "pobj" or obj.pos_ not in ("NOUN", "PROPN"):
                continue
            if key(obj.text) not in _GENERIC:
                out.add(key(obj.text))
            out |= {"@" + key(c.text) for c in obj.children if c.dep_ in ("acl", "relcl")}
    return out


def _near(a: Fact, b: Fact) -> bool:
    """Figures for one thing differ by a slip, not by orders of magnitude (120 homes destroyed
    and 12,000 homes without power are two things), unless the digits are the same."""
    x, y = abs(float(a.value)), abs(float(b.value))
    if min(x, y) == 0:
        return False
    return max(x, y) / min(x, y) <= 3.0 or _permuted(a, b)


@_per_fact
def _future(u: _Unit, f: Fact) -> bool:
    """Whether a figure's verb is a plan or a forecast ("will seat 42,000", "expected to")."""
    tok = u.token_at(*f.at)
    while tok is not None and tok.head.i != tok.i and tok.pos_ != "VERB":
        tok = tok.head
    if tok is None:
        return False
    if tok.dep_ in ("xcomp", "ccomp") and tok.head.lower_ in _FUTURE:
        return True  # "we expect the road to reopen on Wednesday"
    return (
        any(c.dep_ == "aux" and c.lower_ in ("will", "shall", "’ll", "'ll") for c in tok.children)
        or tok.lower_ in _FUTURE
    )


@_per_fact
def _definite(u: _Unit, f: Fact) -> bool:
    """ "the 160 destroyed", "all 213 passengers": a figure given as already known."""
    return bool(
        re.search(r"\b(?:the|all|those|these)\s+$", u.text[max(0, f.at[0] - 8) : f.at[0]], re.I)
    )


# "14 miners who ...", "24 cases in children", "four of them": a restriction after a count
_RESTRICT = re.compile(
    r"^\s*(?:[\w\-]+\s+){0,2}?(?:in|among|from|under|aged|with|who|that|which|of)\s", re.I
)


# What restricts a figure to part of the whole: a scope word ("the national rate",
# "statewide"), "among" a group, or "in" / "across" an area or a sector.
_SCOPE_WORDS = frozenset(
    """national nationwide statewide countywide citywide regional local global worldwide
    domestic international foreign federal urban rural northern southern eastern western
    overseas""".split()
)
_AREAS = frozenset(
    key(w)
    for w in """region state county city country province district area zone sector industry
    community neighbourhood neighborhood borough town village capital suburb suburbs""".split()
)


@_per_fact
def _scope(u: _Unit, f: Fact) -> tuple[frozenset[str], frozenset[str]]:
    """What the sentence restricts a figure to, beside it (on the figure, its noun, its verb or
    the verb's subject): a scope word, the group after "among", the area or sector after "in",
    "across", "within" or "throughout" ("in the northern region", "among managers"); and,
    apart, the places named there ("the hospital in Ennis treated 14 patients")."""
    tok = u.token_at(*f.at)
    if tok is None:
        return frozenset(), frozenset()
    heads = [tok, tok.head]
    if tok.head.pos_ in ("ADP", "NOUN"):
        heads.append(tok.head.head)
    heads += [c for h in heads[1:] for c in h.children if c.dep_ == "nsubj" and c.pos_ == "NOUN"]
    scope: set[str] = set()
    places: set[str] = set()
    for head in heads:
        for c in head.children:
            if c.lower_ in _SCOPE_WORDS:
                scope.add(c.lower_)
            elif c.dep_ == "prep" and c.lower_ in ("among", "in", "across", "within", "throughout"):
                for obj in c.children:
                    if obj.dep_ != "pobj":
                        continue
                    if obj.pos_ == "PROPN" or obj.ent_type_ in ("GPE", "LOC"):
                        places.add(obj.lower_)
                    elif c.lower_ == "among" or key(obj.text) in _AREAS:
                        scope.add(key(obj.text))
                        scope |= {m.lower_ for m in obj.children if m.lower_ in _SCOPE_WORDS}
    return frozenset(scope), frozenset(places)


@_per_fact
def _kind_of(u: _Unit, f: Fact) -> set[str]:
    """The adjectives that narrow what a figure counts: "104 military deaths", "150 permanent
    staff" (not a participle: "17 trapped miners" are the miners)."""
    tok = u.token_at(*f.at)
    if tok is None or tok.dep_ != "nummod":
        return set()
    return {
        key(c.text)
        for c in tok.head.children
        if c.dep_ == "amod" and c.pos_ == "ADJ" and c.lower_ not in _STOP and c.idx > tok.idx
    }


def _partial(u: _Unit, f: Fact, other: Fact, other_unit: _Unit) -> bool:
    """A figure for part of a group ("the 23 senators who opposed", "46 others", "four of
    them"), or for each item: not the group's figure. A restriction the other sentence makes
    too ("14 miners who had been trapped" / "all 17 trapped miners", "45 patients with burns" /
    "54 patients with burns") names the same group, not a part; so does an adjective the
    other figure hangs on too."""
    if f.slot == "count" and _kind_of(u, f) - other.plain:
        return True  # "104 military deaths" / "nearly 100 people have died": soldiers only
    restricted = f.slot == "count" and _RESTRICT.match(u.text[f.at[1] : f.at[1] + 40])
    if restricted:
        restriction = u.text[f.at[1] + restricted.end() : f.at[1] + 60]
        words = [w for w in re.findall(r"[A-Za-z]+", restriction) if w.lower() not in _STOP]
        near_other = other_unit.text[other.at[1] : other.at[1] + 40]
        described = {key(w) for w in re.findall(r"[A-Za-z]+", near_other)} | other.plain
        if not words or key(words[0]) not in described - f.plain:
            return True
    if f.slot == "count" and re.search(
        r"\bof\s+(?:its|their)\s+$", u.text[max(0, f.at[0] - 12) : f.at[0]]
    ):
        return True  # "four of its 12 schools": 12 is the whole
    # the words before the figure and its qualifier ("more than 500" is not "500 more")
    before = u.text[max(0, f.span[0] - 20) : f.span[0]].lower().split()
    after = u.text[f.at[1] : f.at[1] + 16].lower().split()
    return bool(set(before[-2:]) & _PARTIAL or set(after[:1]) & _PARTIAL) or bool(
        re.search(r"\b(?:each|per|a year|a month|apiece)\b", u.text[f.at[1] : f.at[1] + 40])
    )


# --- the pair model ----------------------------------------------------------------------------
#
# The tests above were first written as one chain of rules, and the chain fitted the copy it was
# developed on (recall 0.85 there, 0.38 on another writer's drafts). Each test is now one piece
# of evidence among others, and a logistic regression trained on annotated drafts weighs them
# (``analysis/pairtrain.py``; ``manage.py train_findings``): a pair the rules accept is still
# strong evidence, and a pair they reject for one narrow reason can be rescued by the rest.

_FIGURE_FAMILIES = ("count", "money", "percent", "measure")
_FAMILIES = (*_FIGURE_FAMILIES, "day", "date", "year", "place", "code", "age", "first_name",
             "role", "holder")  # fmt: skip

FEATURES: tuple[str, ...] = (
    *(f"slot_{f}" for f in _FAMILIES),
    "rules",  # the rule chain (_conflicts) accepts the pair
    *(f"rules_{f}" for f in _FAMILIES),  # ... for each slot: the rules' precision varies
    "rules_toll",
    "context",  # the rare words both units use (idf-weighted), capped
    "shared_nouns",
    "shared_verbs",
    "shared_any",
    "toll",
    "permuted",
    "definite",
    "kin",
    "near",
    "log_ratio",
    "places_differ",
    "years_differ",
    "dated_differ",
    "future_differs",
    "scope_differs",
    "scope_places_differ",
    "partial",
    "two_people",
    "two_actors",
    "two_events",
    "said_or_changed",
    "counts_on_days",
    "region",
    "named_together",
    "thing_shared",
    "things_differ",
    "verb_shared",
    "codes_together",
    "code_rare",
    "code_variant",
    "first_prefix",
    "first_rare",
    "role_nested",
    "owned",
    "local_context",
    "local_shared",
    "same_next_word",
    "days_in_draft",
    "lone_days",
)


# The words on each side of a value that say what it is about: "more than 300 homes were
# destroyed" / "the 250 destroyed houses" share "destroyed" however the parse hangs them.
_LOCAL = 6


@_per_fact
def _local(u: _Unit, f: Fact) -> frozenset[str]:
    """The content words' keys within :data:`_LOCAL` tokens of a value, the value's own words
    left out."""
    span = u.doc.char_span(*f.span, alignment_mode="expand")
    if span is None:
        return frozenset()
    lo, hi = max(0, span.start - _LOCAL), min(len(u.doc), span.end + _LOCAL)
    return frozenset(
        key(t.text)
        for t in u.doc[lo:hi]
        if (t.i < span.start or t.i >= span.end)
        and t.pos_ in _CONTENT_POS
        and t.is_alpha
        and len(t) > 2
        and t.lower_ not in _STOP
    )


@_per_fact
def _next_word(u: _Unit, f: Fact) -> str:
    """The key of the first word after a value ("14 stores", "$2m deal")."""
    m = re.match(r"[\s\-]*([A-Za-z]{3,})", u.text[f.span[1] : f.span[1] + 24])
    return key(m.group(1)) if m and m.group(1).lower() not in _STOP else ""


# What the copy itself says are different things, whatever else two facts share: a day each
# carries its own count ("killed 12 on Monday" / "by Wednesday had killed 19": a toll that grew),
# a figure for each of two named places ("the hospital in Ennis treated 14" / "the hospital in
# Limerick ... 9"), the places of two things ("the museum in Oslo" / "its sister museum in
# Bergen"), the same kind of event of two people ("Kemp was arrested on Thursday" / "Banks was
# arrested on Friday"). No weight can outvote these.
VETOES = ("counts_on_days", "scope_places_differ", "things_differ", "two_actors")


def _family(slot: str) -> str:
    return slot.split(":", 1)[0]


def evidence(a: Fact, b: Fact, ua: _Unit, ub: _Unit, draft: _Draft) -> dict[str, float]:
    """The evidence that two facts of one slot, with different values, are about one thing, by
    the names of :data:`FEATURES` (each in [0, 1]; the pieces that do not apply left out)."""
    fam = _family(a.slot)
    f: dict[str, float] = {f"slot_{fam}": 1.0}

    f["rules"] = float(_conflicts(a, b, ua, ub, draft))
    f[f"rules_{fam}"] = f["rules"]
    shared = a.anchors & b.anchors
    nouns = {w for w in shared if not w.startswith("@")}
    f["context"] = min(_overlap(ua, ub, draft.idf), 8.0) / 8.0
    f["shared_nouns"] = min(len(nouns), 3) / 3
    f["shared_verbs"] = min(len(shared - nouns), 2) / 2
    f["shared_any"] = min(len(a.plain & b.plain), 3) / 3
    f["toll"] = float(bool(a.plain & b.plain & _MEASURES))
    f["rules_toll"] = f["rules"] * f["toll"]
    f["permuted"] = float(_permuted(a, b))
    f["kin"] = float(ua.kin or ub.kin)
    f["years_differ"] = float(bool(ua.years and ub.years and not ua.years & ub.years))
    f["two_people"] = float(_two_people(ua, ub, draft))
    f["owned"] = float(a.owner is not None)
    la, lb = _local(ua, a), _local(ub, b)
    f["local_context"] = min(sum(draft.idf.get(k, 0.0) for k in la & lb), 6.0) / 6.0
    f["local_shared"] = min(len(la & lb), 3) / 3
    f["same_next_word"] = float(bool(_next_word(ua, a)) and _next_word(ua, a) == _next_word(ub, b))
    if fam == "day":
        f["days_in_draft"] = min(len(draft.weekdays) - 1, 4) / 4
        f["lone_days"] = float(len(ua.days) == 1 and len(ub.days) == 1)
    if fam in _FIGURE_FAMILIES:
        x, y = abs(float(a.value)), abs(float(b.value))
        f["near"] = float(_near(a, b))
        if min(x, y) > 0:
            f["log_ratio"] = min(abs(math.log(x / y)), 3.0) / 3.0
        f["definite"] = float(_definite(ua, a) or _definite(ub, b))
        f["places_differ"] = float(bool(ua.places and ub.places and not ua.places & ub.places))
        f["dated_differ"] = float(not (_dated(ua, a) <= ub.years and _dated(ub, b) <= ua.years))
        f["future_differs"] = float(_future(ua, a) != _future(ub, b))
        (scope_a, places_a), (scope_b, places_b) = _scope(ua, a), _scope(ub, b)
        f["scope_differs"] = float(scope_a != scope_b)
        f["scope_places_differ"] = float(bool(places_a and places_b and not places_a & places_b))
        f["partial"] = float(_partial(ua, a, b, ub) or _partial(ub, b, a, ua))
    if fam in ("day", "date", "year"):
        f["two_actors"] = float(_two_actors(a, b, ua, ub))
        f["two_events"] = float(_two_events(a, b, ua, ub))
    if fam in ("day", "date"):
        f["said_or_changed"] = float(_dates_a_figure_or_speech(a) or _dates_a_figure_or_speech(b))
        f["counts_on_days"] = float(_dates_a_count(ua, a) and _dates_a_count(ub, b))
        f["future_differs"] = float(
            _verb_of(ua, a) and _verb_of(ub, b) and _future(ua, a) != _future(ub, b)
        )
    if fam == "place":
        f["region"] = float(a.value in draft.regions or b.value in draft.regions)
        f["named_together"] = float(
            bool(draft.units_naming(str(a.value)) & draft.units_naming(str(b.value)))
        )
        thing_a, thing_b = _thing(ua, a), _thing(ub, b)
        f["thing_shared"] = min(len(thing_a & thing_b), 2) / 2
        f["things_differ"] = float(bool(thing_a and thing_b and len(thing_a & thing_b) < 2))
        verbish = {w[1:] for w in a.anchors | b.anchors if w.startswith("@")} - _CHANGE
        f["verb_shared"] = float(bool(a.plain & b.plain & verbish))
    if fam == "code":
        ka, kb = f"{a.owner}:{a.value}", f"{b.owner}:{b.value}"
        together = draft.codes_together
        f["codes_together"] = float(bool(together[ka] & together[kb]))
        f["code_rare"] = float(min(len(together[ka]), len(together[kb])) <= 1)
        short, long = sorted((str(a.value), str(b.value)), key=len)
        f["code_variant"] = float(long.startswith(short) and not long[len(short)].isdigit())
    if fam == "first_name":
        fa, fb = str(a.value).lower(), str(b.value).lower()
        f["first_prefix"] = float(fa.startswith(fb) or fb.startswith(fa))
        counts = draft.surname_first[a.owner or ""]
        f["first_rare"] = float(min(counts[a.value], counts[b.value]) <= 1)
    if fam == "role":
        ra, rb = set(str(a.value).split()), set(str(b.value).split())
        f["role_nested"] = float(bool(ra and rb and (ra <= rb or rb <= ra)))
    if fam == "holder":
        f["named_together"] = float(
            bool(draft.named_in[str(a.value)] & draft.named_in[str(b.value)])
        )
    return f


@dataclass(frozen=True)
class PairModel:
    """A logistic regression over :data:`FEATURES`: ``weights`` by name, ``bias``, and the
    decision ``threshold`` chosen by cross-validation (``info``: how it was trained)."""

    weights: dict[str, float]
    bias: float
    threshold: float
    info: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def vector(self) -> list[float]:
        return [self.weights.get(name, 0.0) for name in FEATURES]

    @cached_property
    def terms(self) -> tuple[tuple[str, float], ...]:
        return tuple((name, self.weights[name]) for name in FEATURES if self.weights.get(name))

    def score(self, x: Sequence[float]) -> float:
        z = self.bias + sum(w * v for w, v in zip(self.vector, x, strict=True))
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def score_evidence(self, x: Mapping[str, float]) -> float:
        """:meth:`score` of ``x`` as :func:`evidence` gives it, by name, with no vector built:
        the same sum in the same order, leaving out the terms of a zero weight or of a piece
        that is missing (0), which add nothing."""
        z = self.bias + sum(w * x.get(name, 0.0) for name, w in self.terms)
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))


PAIR_MODEL = Path(__file__).resolve().parent / "data" / "findings" / "pair_model.json"


class PairModelError(RuntimeError):
    """The pair model's file is missing or unreadable, or names other features."""


@lru_cache(maxsize=1)
def weights() -> PairModel:
    """The shipped pair model (``data/findings/pair_model.json``, written by
    ``manage.py train_findings``), read once."""
    try:
        raw = json.loads(PAIR_MODEL.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PairModelError(
            f"{PAIR_MODEL}: {exc}. Re-create it: manage.py train_findings"
        ) from exc
    unknown = set(raw.get("weights", {})) - set(FEATURES)
    if unknown:
        raise PairModelError(
            f"{PAIR_MODEL}: weights for features this code does not compute: "
            f"{', '.join(sorted(unknown))}. Re-create it: manage.py train_findings"
        )
    return PairModel(
        raw["weights"], float(raw["bias"]), float(raw["threshold"]), raw.get("info", {})
    )
