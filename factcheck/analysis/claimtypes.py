"""What kind of checkable material a sentence holds, and where.

``claim_types(text)`` finds figures, dates, names, quoted speech, attributions, comparisons and
events in one unit of a draft and returns them as non-overlapping spans to highlight, plus the
set of types found. The rules are about the shape of news English, not about any one story:

* number: ``29 tanks``, ``€50 million``, ``40 per cent``, ``nearly 100 people``,
  ``tens of thousands``, ``a fourth day``; a year is a date, and ``the two sides`` (a figure
  already given) is not a number;
* date: ``on Wednesday``, ``27 September``, ``1994``, ``the early 1990s``, ``6 a.m.``,
  ``last week``;
* entity: names of people, organisations, places, nationalities, products, events and laws
  ("Prime Minister Arno Velt", "Nagorno-Karabakh", "Moscow said", "Boeing 737");
* quote: quoted speech (not scare quotes: see :mod:`factcheck.analysis.quotes`);
* attribution: who says so (``Officials said``, ``said Dana Okoro``, ``according to …``);
* comparison: ``more than``, ``the largest``, ``-er than``, ``up from``;
* event: something that happened (killed, died, shot down, declared, signed, elected, …).

``types`` lists every type found, in :data:`TYPES` order, even when its span gave way to a
stronger one (``Moscow said`` is highlighted as an attribution but also names an entity).
Inside quoted speech only figures and dates are highlighted separately.

Names, dates and figures have two witnesses: hand rules about the shape of the text, and
spaCy's named entities and tags (:mod:`factcheck.analysis.nlp`). Measured on news sentences
labelled by hand (tests/analysis/test_claimtypes_eval.py), the model is better at names and
the rules at dates and figures, and the union of the two, each where it is better, beats
both; :func:`figure_candidates` says how they are joined. Quotes, attributions, comparisons
and events are the rules' alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from factcheck.analysis import lexicon, nlp, quotes

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as EntitySpan

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

_DAY = "(?:" + "|".join(day.capitalize() for day in lexicon.WEEKDAYS) + ")"
_MONTH = (
    "(?:"
    + "|".join(month.capitalize() for month in lexicon.MONTHS)
    + "|"
    + "|".join(rf"{short.capitalize()}\.?" for short in lexicon.MONTH_ABBREVIATIONS)
    + ")"
)
# "May" and "March" are words too: alone they need a preposition to be months.
_PLAIN_MONTH = (
    "(?:" + "|".join(m.capitalize() for m in lexicon.MONTHS if m not in ("march", "may")) + ")"
)
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
            r"\b(?:Easter|Christmas|Thanksgiving|Ramadan|Diwali|Hanukkah|Passover)\b"
            r"|\bNew Year(?:['’]s)?(?: Day| Eve)?\b",
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
    that which who when after before since until per said says more less over under into
    this last next every each its their his her our""".split()
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
_DATE_HINTS = (frozenset(lexicon.WEEKDAYS) | frozenset(lexicon.MONTH_NUMBERS)) | frozenset(
    """midnight midday noon yesterday today tonight tomorrow week month year
    weekend decade century spring summer autumn fall winter ago easter christmas thanksgiving
    ramadan diwali hanukkah passover""".split()
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
# A note's mark as the Word loader writes it ("[1]", "[iv]"), or a pasted citation: no figure.
_NOTE_MARK = re.compile(r"\[(?:\d{1,3}|[ivxlc]{1,6}|[IVXLC]{1,6})\]")


def claim_types(text: str, doc: Doc | None = None) -> Typing:
    """The checkable parts of one unit's ``text``: see the module docstring.

    ``doc`` is spaCy's parse of ``text`` (:func:`factcheck.analysis.nlp.parse`). The pipeline
    parses a draft's units once, in batches, and passes each unit's doc; without one the text
    is parsed here, one at a time, which is many times slower per unit."""
    doc = parsed(text, doc)
    tokens = [(m.start(), m.end(), m.group().lower()) for m in _ALPHA.finditer(text)]
    lowered = text.lower()
    candidates: list[Span] = []
    candidates += [Span(s, e, "attribution") for s, e in quotes.attribution_spans(text)]
    candidates += figure_candidates(text, doc, tokens)
    if any(hint in lowered for hint in _COMPARISON_HINTS):
        candidates += _comparisons(text)
    candidates += _events(tokens)
    if "[" in text:
        marks = [m.span() for m in _NOTE_MARK.finditer(text)]
        candidates = [c for c in candidates if not any(a <= c.start < b for a, b in marks)]
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


def parsed(text: str, doc: Doc | None) -> Doc:
    """``doc`` if it is a parse of ``text``, else a fresh parse.

    A doc of the same length is accepted: a caller may retype a unit with one word's case
    changed (a common word opening a sentence) and keep the draft's parse, whose offsets still
    hold."""
    if doc is not None:
        # ``doc.text`` joins every token again: the last token says the length for less.
        length = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
        if length == len(text):
            return doc
    parsed: Doc = nlp.parse([text])[0]
    return parsed


def non_overlapping(candidates: list[Span]) -> list[Span]:
    """The spans a reader is shown, by :data:`_RANK`: a date before a figure before a name."""
    chosen: list[Span] = []
    for span in sorted(candidates, key=lambda c: (_RANK[c.type], c.start, -c.end)):
        if span.end > span.start and not any(
            span.start < c.end and c.start < span.end for c in chosen
        ):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


# --- Names, dates and figures: the hand rules and the parser, combined -----------------------


def figure_candidates(
    text: str, doc: Doc, tokens: list[tuple[int, int, str]] | None = None
) -> list[Span]:
    """Entity, date and number candidates (they may overlap), from both witnesses.

    Measured on tests/analysis/data_claimtypes.json (see test_claimtypes_eval.py), the hand
    rules are better at figures and dates and the parser at names:

    * the rules' figures and dates stay, and the parser adds those the rules miss. The rules'
      spans carry what a figure counts ("29 tanks") and know news conventions the model does
      not (an age "54" is a figure, spaCy calls it a date; "the two sides" is no new figure;
      "F-16" is a code). Where both have a date the rules' span is kept: the parser's longer
      one ("the end of June", "a dry summer", "the year to October") was as often worse;
    * names come from the parser's entities, which know a sentence's capitalised first word
      from a name ("Hollins, the chain," but not "Wildfires"); the rules add the capitalised
      names the model missed inside a sentence (a name at the start of a sentence is left to
      the model). A headline In Title Case is left to the rules: the model reads its
      capitalised verbs as names.
    """
    if tokens is None:
        tokens = [(m.start(), m.end(), m.group().lower()) for m in _ALPHA.finditer(text)]
    rules = rule_candidates(text, tokens, names=False)
    model = parser_candidates(text, doc)
    # "Boeing 737": the model knows a model number from a count.
    products = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PRODUCT"]
    figures = [
        r
        for r in rules
        if r.type != "entity"
        and not (r.type == "number" and any(a <= r.start < b for a, b in products))
    ]
    ruled = list(figures)
    figures += [
        span
        for span in model
        if span.type != "entity"
        and not any(r.start < span.end and span.start < r.end for r in ruled)
    ]
    if lexicon.is_title_case(text):
        return figures + _entities(text)
    names = [span for span in model if span.type == "entity"]
    person_starts = [e.start_char for e in doc.ents if e.label_ == "PERSON"]
    initial = quotes.initial_name(doc)
    if initial is not None and not any(initial[0] < t.end and t.start < initial[1] for t in names):
        names.append(Span(*initial, "entity"))
    taken = sorted(figures + names, key=lambda t: t.start)
    # The rules' names cost more than the rest together: look only when a capitalised word
    # inside the sentence is not in a span already.
    capitals = [m.start() for m in _CAPITALISED.finditer(text)]
    if not any(
        not any(t.start <= c < t.end for t in taken)
        and (not _sentence_initial(text, c) or _tagged_proper(doc, c, c + 1))
        for c in capitals
    ):
        return figures + names
    for rule in _entities(text):
        for start, end in _uncovered(text, rule.start, rule.end, taken):
            if _sentence_initial(text, start) and not _tagged_proper(doc, start, end):
                continue
            if any(text[end:n] == " " for n in person_starts):
                continue  # the parser drew this name's edge: "Striker" of "Striker Leon Marsh"
            names.append(Span(start, end, "entity"))
    return figures + names


def _uncovered(text: str, start: int, end: int, taken: list[Span]) -> list[tuple[int, int]]:
    """The capitalised pieces of ``text[start:end]`` outside every span in ``taken`` (sorted):
    "Dunmore City" of the run "Dunmore City 3-1" whose score is a figure already."""
    pieces: list[tuple[int, int]] = []
    position = start
    for span in taken:
        if span.end <= position or span.start >= end:
            continue
        if span.start > position:
            pieces.append((position, span.start))
        position = max(position, span.end)
    if position < end:
        pieces.append((position, end))
    kept = []
    for a, b in pieces:
        first = _CAPITALISED.search(text, a, b)
        if first is None:
            continue  # "-made" of "Soviet-made SU-25" goes, "SU-25" stays
        a = first.start()
        while b > a and not text[b - 1].isalnum():
            b -= 1
        if b - a >= 2:
            kept.append((a, b))
    return kept


_CAPITALISED = re.compile(r"(?<![\w\-’'])[A-Z]")


def _tagged_proper(doc: Doc, start: int, end: int) -> bool:
    """Whether the parser's tagger calls the words proper nouns: "Hale, who joined" opens a
    sentence with a name, "Flash floods" and "Foreign ministers" with common words."""
    words = doc.char_span(start, end, alignment_mode="expand")
    return words is not None and all(t.tag_ in _PROPER_TAGS for t in words if t.is_alpha)


def rule_candidates(
    text: str, tokens: list[tuple[int, int, str]] | None = None, *, names: bool = True
) -> list[Span]:
    """Entity, date and number candidates from the hand rules alone (they may overlap);
    without ``names``, dates and numbers only."""
    if tokens is None:
        tokens = [(m.start(), m.end(), m.group().lower()) for m in _ALPHA.finditer(text)]
    words = {t[2] for t in tokens}
    digits = _DIGIT.search(text) is not None
    candidates: list[Span] = []
    if digits or words & _DATE_HINTS:
        candidates += [Span(m.start(), m.end(), "date") for m in _DATE.finditer(text)]
    if digits or words & _NUMBER_HINTS:
        candidates += _numbers(text, tokens)
        candidates += [Span(m.start(), m.end(), "number") for m in _SCORE.finditer(text)]
    if names:
        candidates += _entities(text)
    return candidates


ENTITY_LABELS = frozenset("PERSON ORG GPE LOC NORP FAC PRODUCT EVENT LAW WORK_OF_ART".split())
DATE_LABELS = frozenset({"DATE", "TIME"})
NUMBER_LABELS = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY"})
_PROPER_TAGS = frozenset({"NNP", "NNPS"})


def parser_candidates(text: str, doc: Doc, *, raw: bool = False) -> list[Span]:
    """Entity, date and number candidates from spaCy's named entities (they may overlap).

    With ``raw`` the entities are taken as the model labels them, for measuring; otherwise
    they are cleaned: an entity loses a leading "the" and gains a capitalised title before a
    person ("Prime Minister Arno Velt"); a "date" that is a duration ("six years") is a
    figure, and one that is no point in time ("a single week", an age "54") is dropped; a
    "figure" with no number in it ("up to"), a year standing alone, "one" alone and "the two
    sides" are dropped."""
    spans: list[Span] = []
    for ent in doc.ents:
        label = ent.label_
        if (
            label == "PRODUCT"
            and not raw
            and spans
            and spans[-1].type == "entity"
            and text[spans[-1].end : ent.start_char] == " "
        ):
            # "Boeing" + "737", "Airbus" + "A320": one name.
            spans[-1] = Span(spans[-1].start, ent.end_char, "entity")
            continue
        if label in ENTITY_LABELS:
            kind = "entity"
        elif label in DATE_LABELS:
            kind = "date"
        elif label in NUMBER_LABELS:
            kind = "number"
        else:
            continue  # ORDINAL, LANGUAGE
        if raw:
            spans.append(Span(ent.start_char, ent.end_char, kind))
        elif kind == "entity":
            spans += _parser_entities(ent, label)
        elif kind == "date":
            spans += _parser_date(ent.text, ent.start_char)
        else:
            span = _parser_figure(text, ent.text, ent.start_char)
            if span is not None:
                spans.append(span)
    return spans


def _parser_entities(ent: EntitySpan, label: str) -> list[Span]:
    """An entity as spans: a dateline "Baku/Yerevan– Armenia" is three places."""
    pieces: list[list[Token]] = [[]]
    for token in ent:
        if token.text in _SEPARATORS or (token.is_punct and token.text[-1] in _SEPARATORS):
            pieces.append([])
        else:
            pieces[-1].append(token)
    spans = [_parser_entity(piece, label) for piece in pieces if piece]
    return [span for span in spans if span is not None]


_SEPARATORS = frozenset("/–—|;")


def _parser_entity(tokens: list[Token], label: str) -> Span | None:
    while tokens and (tokens[0].lower_ == "the" or tokens[0].is_punct):
        tokens.pop(0)
    while tokens and (tokens[-1].tag_ == "POS" or tokens[-1].is_punct):
        tokens.pop()
    if not tokens:
        return None
    # "Wildfires have burned": a capitalised common noun at a sentence's start. Nationalities
    # and groups are adjectives ("Armenian"), so they are spared.
    if label != "NORP" and not any(t.tag_ in _PROPER_TAGS for t in tokens):
        return None
    start = tokens[0].idx
    if label == "PERSON":
        start = _title_start(tokens[0].doc, tokens[0].i, start)
    last = tokens[-1]
    return Span(start, last.idx + len(last.text), "entity")


def _title_start(doc: Doc, first: int, start: int) -> int:
    """Where a person's name starts with the capitalised title before it: "Prime Minister",
    "Detective Inspector", "Health Minister" (a title ends in a title word; "Texas" of "Texas
    Attorney General" is a place of its own)."""
    i = first - 1
    while i >= 0:
        token = doc[i]
        # A place, a nationality or an acronym before a title is a name of its own: "Texas
        # Attorney General", "French President", "ECB President".
        if not token.text[:1].isupper() or token.ent_type_ in _OWN_NAME or token.text.isupper():
            break
        if token.lower_.rstrip(".") in quotes.TITLE_WORDS:
            start = token.idx
        elif start == doc[first].idx or token.tag_ not in _PROPER_TAGS:
            break  # a title word must stand next to the name; a capitalised word before it
        else:
            start = token.idx
        i -= 1
    return start


_OWN_NAME = frozenset({"GPE", "NORP", "LOC", "PERSON"})

_TENS_AND_UNITS = "(?:{})-(?:{})".format("|".join(_TENS), "|".join(_UNITS[:9]))
_COUNT_WORDS = (
    r"(?:\d[\d,.]*|a couple of|a few|several|many|dozens of|hundreds of|thousands of|"
    + "|".join(_UNITS + _TENS)
    + "|"
    + _TENS_AND_UNITS
    + ")"
)
_DURATION = re.compile(
    r"(?:(?:the|its|their|his|her)\s+)?(?:(?:next|last|past|previous|first|coming|following|"
    r"final|latest)\s+)?"
    r"(?P<figure>(?:(?:about|around|nearly|almost|over|more than|less than|fewer than|up to|"
    r"at least|some|just|roughly|only)\s+)?" + _COUNT_WORDS + r"(?:\s+|-)"
    r"(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|century|"
    r"nights?|seasons?|fortnights?)(?:\s+(?:old|long))?)",
    re.IGNORECASE,
)
_NAMED_TIME = (
    "|".join((*lexicon.WEEKDAYS, *lexicon.MONTHS, *lexicon.MONTH_ABBREVIATIONS)) + "|"
    r"spring|summer|autumn|fall|winter|easter|christmas|ramadan|eid|diwali|"
    r"hanukkah|thanksgiving|passover|today|yesterday|tomorrow|tonight|overnight|midnight|"
    r"midday|noon|weekend|dawn|dusk"
)
# A point in time: a named day, month, season or holiday, a year or a clock time, or a unit of
# time placed by a word ("last week", "three weeks later", "the third quarter").
_WHEN = re.compile(
    rf"\b(?:{_NAMED_TIME})\b|\b(?:1[5-9]\d\d|20\d\d)s?\b|'\d0s\b|\b\d0s\b|\d[:.]\d\d|[ap]\.?m\b"
    r"|\b(?:last|next|this|past|previous|coming|following|recent|current|same|ago|later|"
    r"earlier)\b.*\b(?:weeks?|months?|years?|decades?|centur(?:y|ies)|quarters?|mornings?|"
    r"afternoons?|evenings?|nights?|seasons?|terms?|days?)\b"
    r"|\b(?:weeks?|months?|years?|days?|decades?)\s+(?:ago|later|earlier)\b"
    r"|\b(?:first|second|third|fourth|final|last)\s+quarter\b",
    re.IGNORECASE,
)


_VAGUE_LEAD = re.compile(r"(?:a|an)\s+[a-z]+\s", re.IGNORECASE)


def _parser_date(ent_text: str, start: int) -> list[Span]:
    duration = _DURATION.fullmatch(ent_text)
    if duration:
        figure_start = start + duration.start("figure")
        return [Span(figure_start, start + duration.end("figure"), "number")]
    when = _WHEN.search(ent_text)
    if when:
        end = start + len(ent_text.rstrip(" ,."))
        if _VAGUE_LEAD.match(ent_text) and not _DIGIT.search(ent_text):
            start += when.start()  # "a dry summer": the time is "summer"
        return [Span(start, end, "date")]
    return []  # "a single week", "the second half", an age: the rules have the figures


_NUMBER_WORD = re.compile(
    r"\d|\b(?:" + "|".join(_UNITS + _TENS) + r"|dozens?|hundreds?|thousands?|millions?|"
    r"billions?|trillions?|half|quarters?|thirds?|fifths?|tenths?)\b",
    re.IGNORECASE,
)
_CODE = re.compile(r"[A-Za-z]+-?\d|\d+[A-Za-z]{2,}\b")


def _parser_figure(text: str, ent_text: str, start: int) -> Span | None:
    core = ent_text.rstrip(" ,.;:")
    if not _NUMBER_WORD.search(core) or core.lower() == "one" or _CODE.search(core):
        return None  # "up to" alone, "One of them", "F-16"
    if _YEAR_ONLY.fullmatch(core):
        return None  # a year, which is a date
    if not _DIGIT.search(core) and _REFERRING.search(text, max(0, start - 8), start):
        return None  # "the two sides"
    return Span(start, start + len(core), "number")


def _sentence_initial(text: str, position: int) -> bool:
    return quotes.is_initial(text, position)


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
# A score or a range: "3-1", "10-12" (not a code: "F-16").
_SCORE = re.compile(r"(?<![\w-])\d{1,2}-\d{1,2}(?![\w-])")
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
        if counted and counted[0] in _TIME_PARTS and _ORDINAL_ONLY.fullmatch(core):
            continue  # "the third quarter", "the 21st century": a time, which is a date
        plural = bool(counted) and (counted[-1].endswith("s") or counted[-1] in _PLURAL_IRREGULAR)
        if _YEAR_ONLY.fullmatch(core) and not plural:
            continue  # "the 1994 ceasefire" is a year, which the date pattern has
        last_end = end
        spans.append(Span(match.start(), end, "number"))
    return spans


_TIME_PARTS = frozenset({"quarter", "half", "century"})
_ORDINAL_ONLY = re.compile(r"(?:a|the|its|their)\s+" + _ORDINAL, re.IGNORECASE)


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
    title_case = lexicon.is_title_case(text)
    spans = []
    for run in quotes.name_runs(text):
        pieces = _proper_pieces(text, run) if title_case else [(run.start, run.end)]
        for start, end in pieces:
            piece = text[start:end]
            if piece == "I" or len(piece) < 2 or _DATE.fullmatch(piece):
                continue
            spans.append(Span(start, end, "entity"))
    return spans


def _proper_pieces(text: str, run: quotes.Run) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    start: int | None = None
    end = run.start
    for match in lexicon.WORD.finditer(text, run.start, run.end):
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
