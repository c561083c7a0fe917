"""Splitting a draft into blocks, headlines and sentences with exact character offsets.

``segment(text)`` returns :class:`Unit` s whose ``text[start:end]`` is the unit, stripped of
surrounding white space. The rules are written for news copy:

* Blocks are paragraphs (separated by blank lines). A single newline also ends a block when the
  line before it is complete (terminal punctuation), a heading or list item, or a short line in a
  paragraph of long ones (a title typed above its text); otherwise it is a hard wrap inside a
  sentence and the sentence goes on.
* A sentence ends at ``.``, ``!``, ``?`` or ``…`` followed by any closing quotes or brackets,
  white space, and a capital letter, digit or opening quote. Closing quote marks stay with the
  sentence they close. Titles (``Dr.``), initials (``J.``), dotted acronyms (``U.S.``) and
  numbered abbreviations (``No. 5``) don't end one unless a typical sentence opener follows. A
  quote followed by a bare attribution (``“We will win.” Smith said.``) stays one sentence.
* A block of one unit with no closing punctuation is a headline, and so is a short stand-alone
  question (``Why did the fighting flare up?``). Markdown headings (``# …``) are headlines.
* Site furniture is found by :mod:`factcheck.analysis.boilerplate` and overrides the above.
* What the source's structure says (``regions`` from a loader: an HTML page's headings and
  menus, a Word file's footnotes) overrides everything: a unit starting inside a region takes its
  kind.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from factcheck.analysis import boilerplate
from factcheck.analysis.loaders.base import REGION_FURNITURE, REGION_HEADLINE, REGION_NOTE, Region

SENTENCE = "sentence"
HEADLINE = REGION_HEADLINE
BOILERPLATE = REGION_FURNITURE
NOTE = REGION_NOTE  # a footnote or endnote: checkable, shown after the body


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence or headline: ``text[start:end]`` is its text; ``block`` is its paragraph."""

    index: int
    start: int
    end: int
    kind: str
    block: int


@dataclass(frozen=True, slots=True)
class _Block:
    start: int
    end: int
    heading: bool  # a Markdown heading line: its marks are outside the unit


_PARAGRAPH_BREAK = re.compile(r"\n[ \t\f\v]*\n\s*")
_LINE = re.compile(r"[^\n]+")
_HEADING_MARK = re.compile(r"#{1,6}[ \t]+")
# A list item's mark; letters, Roman numerals and "1.2." only before a tab, as the Word loader
# writes the numbers Word shows, so that a line opening with an initial ("J. Smith") keeps it.
_LIST_MARK = re.compile(
    r"(?:[-*+•]|\d{1,3}[.)])[ \t]+|\(?(?:[A-Za-z]{1,5}|\d{1,3}(?:\.\d{1,3})*)[.)]\t+"
)
# Note marks after the full stop, as the Word loader writes a footnote's: ``in 2019.[1] Next``.
_NOTE_MARKS = r"(?:\[[0-9A-Za-z*†‡]{1,5}\])*"
_NOTE_MARKS_AT_END = re.compile(_NOTE_MARKS + r"$")
_LINE_COMPLETE = re.compile(r"[.!?…:;][\"'’”»)\]]*" + _NOTE_MARKS + r"\s*$")

OPENERS = "\"'‘“«(["
CLOSERS = "\"'’”»)]"
_QUOTES = "\"'’”»"
_TERMINAL = re.compile(r"[.!?…]+[\"'’”»)\]]*" + _NOTE_MARKS + r"(?=\s)")
_LAST_TOKEN = re.compile(r"(\S+)$")
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")

# Never end a sentence: they stand before a name.
_TITLES = frozenset(
    "mr mrs ms dr prof gen col lt sgt capt cmdr adm maj brig gov sen rep rev hon pres supt "
    "insp det messrs mme mlle mt ft st vs v".split()
)
# Stand before a number: ``No. 5``, ``pp. 12``, ``Art. 3``.
_NUMBERED = frozenset("no nos vol vols fig figs p pp art arts ch sec para op nr".split())
# Usually mid-sentence, but may close one: end the sentence only before a typical opener.
_AMBIGUOUS = frozenset(
    "inc ltd co corp bros jr sr jan feb mar apr jun jul aug sep sept oct nov dec etc al approx "
    "est dept univ".split()
)
_NEVER_END = frozenset({"e.g", "i.e", "cf", "viz"})
# Words that start a sentence far more often than they follow an abbreviation.
_OPENER_WORDS = frozenset(
    "the a an he she it its they we i you his her their our this that these those there "
    "but and yet so in on at for as after before when while if however meanwhile then "
    "what why how who where some many most all both no not one two three".split()
)
# A quote followed by nothing but who said it: ``“…” Smith said.``, ``“…” A spokesman said.``
_ATTRIBUTION = re.compile(
    r"(?:[\w’'.\-]+\s+){0,6}?(?:said|says|told|added|asked|wrote|stated|explained|insisted|"
    r"declared|argued|warned|noted|replied|recalled|continued|tweeted)"
    r"(?:\s+(?:on|in|at|to|from|during|yesterday|today|later)\b[^.!?]{0,40})?[.!?]"
    r"[\"'’”»)\]]*(?=\s|$)"
)


def segment(text: str, regions: Sequence[Region] = ()) -> list[Unit]:
    """Split ``text`` into units in reading order; a unit starting inside one of ``regions``
    takes the region's kind."""
    units: list[Unit] = []
    kinds_by_block: list[list[str]] = []
    texts_by_block: list[list[str]] = []
    for block_index, block in enumerate(_blocks(text)):
        spans = _sentences(text, block.start, block.end)
        kinds = [SENTENCE] * len(spans)
        if block.heading:
            kinds = [HEADLINE] * len(spans)
        elif len(spans) == 1 and _is_headline(text[spans[0][0] : spans[0][1]]):
            kinds = [HEADLINE]
        kinds_by_block.append(kinds)
        texts_by_block.append([text[s:e] for s, e in spans])
        for start, end in spans:
            units.append(Unit(len(units), start, end, SENTENCE, block_index))

    furniture = boilerplate.find(texts_by_block)
    ordered = sorted(regions, key=lambda region: region.start)
    starts = [region.start for region in ordered]
    result: list[Unit] = []
    position = 0
    for block_index, kinds in enumerate(kinds_by_block):
        for unit_in_block, kind in enumerate(kinds):
            unit = units[position]
            if (block_index, unit_in_block) in furniture:
                kind = BOILERPLATE
            kind = _region_kind(ordered, starts, unit.start) or kind
            result.append(Unit(unit.index, unit.start, unit.end, kind, block_index))
            position += 1
    return result


def _region_kind(ordered: Sequence[Region], starts: Sequence[int], position: int) -> str | None:
    """The kind of the region (of ``ordered``, sorted by start) that holds ``position``."""
    at = bisect.bisect_right(starts, position) - 1
    if at >= 0 and position < ordered[at].end:
        return ordered[at].kind
    return None


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    position = 0
    for separator in [*_PARAGRAPH_BREAK.finditer(text), None]:
        stop = separator.start() if separator else len(text)
        blocks.extend(_paragraph_blocks(text, position, stop))
        if separator:
            position = separator.end()
    return blocks


def _paragraph_blocks(text: str, start: int, stop: int) -> list[_Block]:
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text, start, stop)]
    lines = [(s, e) for s, e in lines if text[s:e].strip()]
    if not lines:
        return []
    longest = max(e - s for s, e in lines)
    blocks: list[_Block] = []
    block_start: int | None = None
    for number, (line_start, line_end) in enumerate(lines):
        line = text[line_start:line_end]
        stripped = line.lstrip()
        lead = line_start + len(line) - len(stripped)
        heading = _HEADING_MARK.match(stripped)
        listed = _LIST_MARK.match(stripped)
        mark = heading or listed
        if mark:
            if block_start is not None:
                blocks.append(_Block(block_start, lines[number - 1][1], False))
                block_start = None
            marker_end = lead + mark.end()
            if heading:
                blocks.append(_Block(marker_end, line_end, True))
                continue
            block_start = marker_end
        elif block_start is None:
            block_start = lead
        is_last = number == len(lines) - 1
        short = len(line.strip()) < 0.6 * longest
        if is_last or _LINE_COMPLETE.search(line) or short:
            blocks.append(_Block(block_start, line_end, False))
            block_start = None
    return [b for b in blocks if text[b.start : b.end].strip()]


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    unit_start = start
    for match in _TERMINAL.finditer(text, start, end):
        following = _skip_space(text, match.end(), end)
        if following >= end:
            break
        if _ends_sentence(text, unit_start, match, following, end):
            spans.append((unit_start, match.end()))
            unit_start = following
    spans.append((unit_start, end))
    return [_strip(text, s, e) for s, e in spans if text[s:e].strip()]


def _ends_sentence(
    text: str, unit_start: int, match: re.Match[str], following: int, end: int
) -> bool:
    first = following
    while first < end and text[first] in OPENERS:
        first += 1
    if first >= end:
        return False
    char = text[first]
    if not (char.isupper() or char.isdigit() or (first > following and char.isalpha())):
        return False
    next_word = _word_at(text, first, end)
    mark = _NOTE_MARKS_AT_END.sub("", match.group())
    punct = mark.rstrip(CLOSERS)
    if punct == "." and mark == ".":
        token = _LAST_TOKEN.search(text, unit_start, match.start())
        if token and not _period_ends(token.group(1).lstrip(OPENERS), next_word, char):
            return False
    closes_quote = any(q in mark[len(punct) :] for q in _QUOTES)
    return not (closes_quote and _ATTRIBUTION.match(text, following, end))


def _period_ends(token: str, next_word: str, next_char: str) -> bool:
    """Whether a ``.`` after ``token`` ends the sentence, given what follows."""
    lowered = token.lower()
    opener = next_word.lower() in _OPENER_WORDS
    if lowered in _NEVER_END or lowered in _TITLES:
        return False
    if lowered in _NUMBERED and next_char.isdigit():
        return False
    if lowered in _AMBIGUOUS:
        return opener
    if len(token) == 1 and token.isupper():
        return opener  # an initial: ``J. Smith``
    if _DOTTED.fullmatch(token):
        return opener  # ``U.S.``, ``a.m.``
    return True


def _is_headline(unit: str) -> bool:
    stripped = _NOTE_MARKS_AT_END.sub("", unit).rstrip(CLOSERS + " ")
    if not stripped:
        return False
    if stripped[-1] not in ".!?…:;,":
        return True
    # A short question standing alone is a section heading, unless it is someone's quote.
    return stripped[-1] == "?" and len(unit.split()) <= 12 and unit[0] not in OPENERS


def _word_at(text: str, position: int, end: int) -> str:
    stop = position
    while stop < end and (text[stop].isalnum() or text[stop] in "’'-"):
        stop += 1
    return text[position:stop]


def _skip_space(text: str, position: int, end: int) -> int:
    while position < end and text[position].isspace():
        position += 1
    return position


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
