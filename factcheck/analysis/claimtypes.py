"""What kind of checkable material a sentence holds, and where.

``claim_types(text)`` finds figures, dates, names, quoted speech, attributions, comparisons and
events in one unit of a draft and returns them as non-overlapping spans to highlight, plus the
set of types found. The rules are about the shape of news English, not about any one story:

* number: ``29 tanks``, ``€50 million``, ``40 per cent``, ``nearly 100 people``,
  ``tens of thousands``, ``a fourth day``; a year is a date, and ``the two sides`` (a figure
  already given) is not a number;
* date: ``on Wednesday``, ``27 September``, ``1994``, ``the early 1990s``, ``6 a.m.``,
  ``last week``;
* entity: capitalised names that are not just a sentence's first word ("Prime Minister Arno
  Velt", "Nagorno-Karabakh", "Moscow said");
* quote: quoted speech (not scare quotes: see :mod:`factcheck.analysis.quotes`);
* attribution: who says so (``Officials said``, ``said Dana Okoro``, ``according to …``);
* comparison: ``more than``, ``the largest``, ``-er than``, ``up from``;
* event: something that happened (killed, died, shot down, declared, signed, elected, …).

``types`` lists every type found, in :data:`TYPES` order, even when its span gave way to a
stronger one (``Moscow said`` is highlighted as an attribution but also names an entity).
Inside quoted speech only figures and dates are highlighted separately.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from factcheck.analysis import quotes

TYPES = ("number", "quote", "attribution", "date", "entity", "comparison", "event")


@dataclass(frozen=True)
class Span:
    """``text[start:end]`` is a checkable part of the type ``type``."""

    start: int
    end: int
    type: str


@dataclass(frozen=True)
class Typing:
    types: tuple[str, ...]
    spans: tuple[Span, ...]


# When spans overlap, the lower rank wins: "on Wednesday" is a date before "Wednesday" is a
# name, "said Dana Okoro" an attribution before "Dana Okoro" is a name.
_RANK = {"attribution": 0, "date": 1, "number": 2, "comparison": 3, "event": 4, "entity": 5}
_INSIDE_QUOTES = frozenset({"number", "date"})

# --- Dates -----------------------------------------------------------------------------------

_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
# "May" and "March" are words too: alone they need a preposition to be months.
_PLAIN_MONTH = r"(?:January|February|April|June|July|August|September|October|November|December)"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_DAY_NUMBER = r"\d{1,2}(?:st|nd|rd|th)?"
_PART_OF_DAY = r"(?:morning|afternoon|evening|night)"
_DATE = re.compile(
    "|".join(
        [
            # on Sunday morning (27 September), last Friday, Tuesday, 3 June 2020
            rf"\b(?:(?:on|last|next|this|early|late)\s+)?{_DAY}(?:\s+{_PART_OF_DAY})?"
            rf"(?:,?\s+(?:\(?{_DAY_NUMBER}\s+{_MONTH}\)?|{_MONTH}\s+{_DAY_NUMBER})(?:,?\s+{_YEAR})?)?",
            rf"\b{_DAY_NUMBER}\s+{_MONTH}(?:,?\s+{_YEAR})?\b",
            rf"\b{_MONTH}\s+{_DAY_NUMBER}(?:,?\s+{_YEAR})?\b",
            rf"\b{_MONTH}\s+{_YEAR}\b",
            rf"\b(?:(?:early|late|mid-?)\s*)?{_PLAIN_MONTH}\b",
            rf"(?:(?<=\bin )|(?<=\bby )|(?<=\bof )|(?<=\bsince )|(?<=\buntil )){_MONTH}\b",
            rf"\b(?:last|next|this|early|late|mid-)\s*{_MONTH}\b",
            # the early 1990s, the 1920s, mid-1980s
            r"\b(?:the\s+)?(?:(?:early|late|mid)[\s-]+)?(?:1[5-9]\d0s|20\d0s)\b|\b'\d0s\b",
            rf"\b{_YEAR}\b(?!\s*(?:people|men|women|children|[a-z]+s)\b)",
            r"\b\d{1,2}(?:[:.]\d\d)?\s*(?:a\.m\.|p\.m\.|am\b|pm\b|GMT\b|BST\b|CET\b)",
            r"\b\d{1,2}:\d\d\b",
            r"\b(?:midnight|midday|noon|yesterday|today|tonight|tomorrow)\b",
            r"\b(?:last|next|this|the previous|the following|the past)\s+"
            r"(?:week|month|year|weekend|decade|century|spring|summer|autumn|fall|winter)\b",
            r"\bthe\s+weekend\b",
            r"\b(?:\d+|a|two|three|four|five|six|seven|eight|nine|ten|several|a few)\s+"
            r"(?:days?|weeks?|months?|years?|decades?)\s+(?:ago|earlier|later)\b",
        ]
    )
)

# --- Numbers ---------------------------------------------------------------------------------

_UNITS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_SPELLED = (
    r"(?:(?:" + "|".join(_TENS) + r")(?:-(?:" + "|".join(_UNITS[:9]) + r"))?"
    r"|" + "|".join(_UNITS[1:]) + r"|one(?=\s+(?:hundred|thousand|million|billion))"
    r"|(?:a\s+)?dozens?|(?:tens|hundreds|thousands|millions)(?:\s+of\s+(?:thousands|millions))?"
    r"|(?:a\s+)?(?:hundred|thousand|million|billion))"
)
_ORDINAL = (
    r"(?:third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|twentieth|"
    r"hundredth|\d+(?:st|nd|rd|th))"
)
_NUMBER = re.compile(
    r"(?:\b(?:about|around|approximately|roughly|nearly|almost|some|over|under|just|at least|"
    r"up to|as many as|an estimated)\s+)?"
    r"(?:"
    # Not the digits of a code: "F-16", "SU-25", "A320".
    r"(?:(?:US|A|C|NZ|HK)?[$€£¥₹]\s?)?(?<![\w-])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:-[a-z]+)*"
    r"|(?:(?:US|A|C|NZ|HK)?[$€£¥₹]\s?)?(?<![\w-])\d+(?:\.\d+)?(?:-[a-z]+)*(?![\w-])"
    r"|\b" + _SPELLED + r"\b"
    r"|\b(?:a|the|its|their)\s+" + _ORDINAL + r"\b"
    r")"
    r"(?:\s*(?:%|per\s?cent\b|percent\b|percentage points?\b))?"
    r"(?:\s+(?:hundred|thousand|million|billion|trillion|bn|m|k)\b)?",
    re.IGNORECASE,
)
# What a figure counts: "29 tanks", "212 millimetres", "104 military deaths".
_COUNTED_STOP = frozenset(
    """and or of in on at to the a an was were is are had have has from for with by as than
    that which who when after before since until per said says more less over under into""".split()
)
_PLURAL_IRREGULAR = frozenset("people men women children police staff cattle sheep fish".split())
_REFERRING = re.compile(r"\b(?:the|these|those|both|all|its|their|our)\s+$", re.IGNORECASE)

# --- Comparisons and events ------------------------------------------------------------------

_NOT_SUPERLATIVE = frozenset(
    """west test rest interest forest protest request honest modest arrest suggest invest
    harvest contest guest nest chest quest manifest digest earnest inquest conquest pest vest
    zest crest priest behest unrest midwest northwest southwest""".split()
)
_COMPARISON = re.compile(
    r"\b(?:more|less|fewer|greater|(?-i:[a-z]{2,}er))\s+than\b"
    r"|(?<!rather )(?<!other )\bthan\b"
    r"|\b(?:the|its|their|his|her|our|[\w’']+[’']s)\s+(?:(?:most|least)\s+[a-z]+|best|worst|"
    r"[a-z]{2,}est)\b"
    r"|\b(?:twice|three times|four times|half)\s+(?:as|more|less)\b"
    r"|\b(?:compared\s+(?:with|to)|up\s+from|down\s+from|outnumber(?:ed|s)?|surpass(?:ed|es)?|"
    r"exceed(?:ed|s)?|record[- ](?:high|low|levels?|numbers?))\b",
    re.IGNORECASE,
)
_EVENT_WORDS = """killed died dead shot downed destroyed wounded injured attacked launched declared
    signed elected arrested resigned evacuated rescued flooded fired seized captured banned
    approved voted announced closed exploded collapsed invaded bombed shelled crashed burned
    burnt sentenced charged convicted appointed sacked jailed detained released freed deported
    abducted kidnapped murdered executed raided struck erupted ratified vetoed imposed suspended
    cancelled canceled postponed mobilised mobilized deployed withdrew retreated surrendered
    stormed occupied annexed recaptured liberated displaced fled drowned burst breached
    overflowed stranded trapped lost won defeated merged acquired fined sued inaugurated
    clashed sank acquitted indicted expelled evicted demolished""".split()
_EVENT_PHRASES = {
    "shot": {"down", "dead"},
    "broke": {"out", "away"},
    "took": {"over", "control"},
    "blew": {"up"},
    "set": {"fire"},
    "caught": {"fire"},
    "opened": {"fire"},
    "went": {"missing"},
    "death": {"toll"},
}
_EVENT_SINGLE = frozenset(_EVENT_WORDS) - {"shot"}
_ALPHA = re.compile(r"[A-Za-z]+")
_DIGIT = re.compile(r"\d")
# Cheap tests that skip a pattern for a sentence that cannot match it: the patterns are long
# alternations that Python's re tries at every position.
_DATE_HINTS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december jan feb mar apr jun jul aug sep
    sept oct nov dec midnight midday noon yesterday today tonight tomorrow week month year
    weekend decade century spring summer autumn fall winter ago""".split()
)
_ORDINAL_WORDS = frozenset(
    "third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth twentieth "
    "hundredth".split()
)
_NUMBER_HINTS = (
    frozenset(_UNITS)
    | frozenset(_TENS)
    | _ORDINAL_WORDS
    | frozenset(
        "dozen dozens tens hundreds thousands millions hundred thousand million billion".split()
    )
)
_COMPARISON_HINTS = (
    "than",
    "est ",
    "est,",
    "est.",
    "most ",
    "least ",
    "twice",
    "times ",
    "half ",
    "compared",
    " from",
    "outnumber",
    "surpass",
    "exceed",
    "record",
)
_WORDISH = re.compile(r"[A-Za-z][a-z\-]*")


def claim_types(text: str) -> Typing:
    """The checkable parts of one unit's ``text``: see the module docstring."""
    tokens = [(m.start(), m.end(), m.group().lower()) for m in _ALPHA.finditer(text)]
    words = {t[2] for t in tokens}
    digits = _DIGIT.search(text) is not None
    lowered = text.lower()
    candidates: list[Span] = []
    candidates += [Span(s, e, "attribution") for s, e in quotes.attribution_spans(text)]
    if digits or words & _DATE_HINTS:
        candidates += [Span(m.start(), m.end(), "date") for m in _DATE.finditer(text)]
    if digits or words & _NUMBER_HINTS:
        candidates += _numbers(text, tokens)
    if any(hint in lowered for hint in _COMPARISON_HINTS):
        candidates += _comparisons(text)
    candidates += _events(tokens)
    candidates += _entities(text)
    quoted = [Span(s, e, "quote") for s, e in quotes.speech_spans(text)]

    found = {span.type for span in candidates if span.end > span.start} | {q.type for q in quoted}
    chosen: list[Span] = []
    for span in sorted(candidates, key=lambda c: (_RANK[c.type], c.start, -c.end)):
        if span.end <= span.start:
            continue
        if any(q.start <= span.start < q.end for q in quoted) and span.type not in _INSIDE_QUOTES:
            continue
        if any(span.start < c.end and c.start < span.end for c in chosen):
            continue
        chosen.append(span)
    spans = sorted(chosen + _around(quoted, chosen, text), key=lambda s: s.start)
    return Typing(tuple(t for t in TYPES if t in found), tuple(spans))


def _around(quoted: list[Span], chosen: list[Span], text: str) -> list[Span]:
    """Quote spans cut around the figures and dates highlighted inside them."""
    pieces: list[Span] = []
    for quote in quoted:
        position = quote.start
        inner_spans = [c for c in chosen if c.start < quote.end and quote.start < c.end]
        for inner in sorted(inner_spans, key=lambda c: c.start):
            if inner.start > position:
                pieces.append(Span(position, inner.start, "quote"))
            position = max(position, inner.end)
        if position < quote.end:
            pieces.append(Span(position, quote.end, "quote"))
    result = []
    for piece in pieces:
        start, end = piece.start, piece.end
        while start < end and not text[start].isalnum():
            start += 1
        while end > start and not text[end - 1].isalnum():
            end -= 1
        if start < end:
            result.append(Span(start, end, "quote"))
    return result


def _events(tokens: list[tuple[int, int, str]]) -> list[Span]:
    spans = []
    for position, (start, end, word) in enumerate(tokens):
        following = _EVENT_PHRASES.get(word)
        if following and position + 1 < len(tokens) and tokens[position + 1][2] in following:
            spans.append(Span(start, tokens[position + 1][1], "event"))
        elif word in _EVENT_SINGLE:
            spans.append(Span(start, end, "event"))
    return spans


_YEAR_ONLY = re.compile(_YEAR)
_ANCHOR = re.compile(r"[$€£¥₹]|\d+")
_QUALIFIER_BEFORE = re.compile(
    r"\b(?:about|around|approximately|roughly|nearly|almost|some|over|under|just|at least|up to|"
    r"as many as|an estimated)\s+$",
    re.IGNORECASE,
)


def _numbers(text: str, tokens: list[tuple[int, int, str]]) -> list[Span]:
    """Figures, matched only where one can start (a digit, a currency sign, a number word):
    trying the long pattern at every position would dominate the time per sentence."""
    anchors = {m.start() for m in _ANCHOR.finditer(text)}
    for position, (start, _, word) in enumerate(tokens):
        if word in _ORDINAL_WORDS and position:
            anchors.add(tokens[position - 1][0])  # "a fourth day"
        elif word in _NUMBER_HINTS or word == "a":
            anchors.add(start)
    spans: list[Span] = []
    last_end = 0
    for anchor in sorted(anchors):
        if anchor < last_end:
            continue
        qualifier = _QUALIFIER_BEFORE.search(text, max(0, anchor - 16), anchor)
        start = qualifier.start() if qualifier and qualifier.start() >= last_end else anchor
        match = _NUMBER.match(text, start) or _NUMBER.match(text, anchor)
        if not match or match.end() <= anchor:
            continue
        core = match.group()
        if not any(ch.isalnum() for ch in core):
            continue
        last_end = match.end()
        if re.fullmatch(r"(?:\w+\s+)?" + _SPELLED, core, re.IGNORECASE) and _REFERRING.search(
            text, max(0, match.start() - 8), match.start()
        ):
            continue  # "the two sides": a figure given before, not a new one
        end = match.end() if "-" in core else _counted(text, match.end())
        counted = text[match.end() : end].split()
        plural = bool(counted) and (counted[-1].endswith("s") or counted[-1] in _PLURAL_IRREGULAR)
        if _YEAR_ONLY.fullmatch(core) and not plural:
            continue  # "the 1994 ceasefire" is a year, which the date pattern has
        last_end = end
        spans.append(Span(match.start(), end, "number"))
    return spans


def _counted(text: str, position: int) -> int:
    """Extend a figure over the (at most two) lower-case words saying what it counts."""
    end = position
    for _ in range(2):
        match = _WORDISH.match(text, end + 1) if text[end : end + 1] == " " else None
        if not match or not match.group()[0].islower() or match.group() in _COUNTED_STOP:
            break
        word = match.group()
        if word.endswith("ed") and end == position:
            # "737 landed at", "23 wounded.": a verb, unless a noun follows ("5 injured people").
            after = _WORDISH.match(text, match.end() + 1)
            if not after or after.group() in _COUNTED_STOP or not after.group()[0].islower():
                break
        end = match.end()
        if word.endswith("s") or word in _PLURAL_IRREGULAR:
            break
    return end


def _comparisons(text: str) -> list[Span]:
    spans = []
    for match in _COMPARISON.finditer(text):
        last = match.group().split()[-1].lower()
        if last.endswith("est") and last in _NOT_SUPERLATIVE:
            continue
        if match.group().lower().endswith(" than") and match.group().split()[0].lower() in (
            "other",
            "rather",
        ):
            continue
        spans.append(Span(match.start(), match.end(), "comparison"))
    return spans


def _entities(text: str) -> list[Span]:
    title_case = is_title_case(text)
    spans = []
    for run in quotes.name_runs(text):
        pieces = _proper_pieces(text, run) if title_case else [(run.start, run.end)]
        for start, end in pieces:
            piece = text[start:end]
            if piece == "I" or len(piece) < 2 or _DATE.fullmatch(piece):
                continue
            spans.append(Span(start, end, "entity"))
    return spans


def is_title_case(text: str) -> bool:
    """A headline In Title Case capitalises common words: names must then show by shape."""
    words = [w for w in quotes.WORD.findall(text) if len(w) >= 4 and w[0].isalpha()]
    if len(words) < 2:
        return False
    # A sentence full of names still lower-cases its verbs and nouns; a title does not.
    return sum(w[0].isupper() for w in words) >= 0.9 * len(words)


def _proper_pieces(text: str, run: quotes.Run) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    start: int | None = None
    end = run.start
    for match in quotes.WORD.finditer(text, run.start, run.end):
        if quotes.looks_proper(match.group()) or "-" in match.group():
            if start is None:
                start = match.start()
            end = match.end()
        elif start is not None:
            pieces.append((start, end))
            start = None
    if start is not None:
        pieces.append((start, end))
    return pieces
