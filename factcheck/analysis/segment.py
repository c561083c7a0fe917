"""Splitting a draft into blocks, headlines and sentences with exact character offsets.

``segment(text)`` returns :class:`Unit` s whose ``text[start:end]`` is the unit, stripped of
surrounding white space. The rules are written for news copy:

* Blocks are paragraphs (separated by blank lines). A single newline also ends a block when the
  line before it is complete (terminal punctuation), a heading or list item, or a short line in a
  paragraph of long ones (a title typed above its text) that the next line does not continue in
  lower case; otherwise it is a hard wrap inside a sentence and the sentence goes on. Three or
  more lines without any sentence punctuation are a list of lines, one block each.
* A list item is a block. A bare bullet (``- ``, ``• ``) stays outside the unit; a label
  (``2.``, ``2)``, ``2.)``, ``b.``) stays in it and ends no sentence. Items written on one line
  (``1.) Rice 2.) Beans``) are split where the next label in sequence follows.
* A sentence ends at ``.``, ``!``, ``?`` or ``…`` followed by any closing quotes or brackets,
  white space, and a capital letter, digit or opening quote; or at a full stop written against
  the next sentence (``world.Today``) outside addresses. Closing quote marks stay with the
  sentence they close. Titles (``Dr.``), initials (``J.``), dotted acronyms (``U.S.``) and
  numbered abbreviations (``No. 5``) don't end one unless a typical sentence opener follows. A
  quote followed by a bare attribution (``“We will win.” Smith said.``) stays one sentence, and
  so does a citation before the full stop (``…” (Smith 55).``). Spaced dots follow the style
  books: ``. . .`` leaves words out inside a sentence, ``. . . .`` ends one, and ``[...]`` never
  does.
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
    body: int  # where sentences are looked for: after a list item's label ("2.)"), if any


_PARAGRAPH_BREAK = re.compile(r"\n[ \t\f\v]*\n\s*")
_LINE = re.compile(r"[^\n]+")
_HEADING_MARK = re.compile(r"#{1,6}[ \t]+")
_BULLET = "[-*+•⁃‣◦▪]"
# A bare bullet is layout (Markdown's "- " is drawn as a dot): it stays outside the unit.
_BULLET_MARK = re.compile(_BULLET + r"[ \t]+")
# A label ("2.", "2)", "2.)", "b.", "• 9.") is text the reader sees and cites ("point 2"): it
# stays in the unit, and sentences are looked for after it. Only lower-case letters label: a
# capital and a full stop ("J. Smith") is far more often an initial.
_LABEL_MARK = re.compile(
    rf"(?:(?P<bullet>{_BULLET})[ \t]*)?(?:(?P<number>\d{{1,3}})|(?P<letter>[a-z]))"
    r"(?P<close>\.\)|[.)])[ \t]+"
)
# Word's numbers as the Word loader writes them, a tab after the mark ("iv)⇥", "A.⇥", "1.2.⇥"):
# labels too. Only before a tab, so that a line opening with an initial ("J. Smith") keeps it.
_TAB_LABEL_MARK = re.compile(r"\(?(?:[A-Za-z]{1,5}|\d{1,3}(?:\.\d{1,3})*)[.)]\t+")
# Note marks after the full stop, as the Word loader writes a footnote's: ``in 2019.[1] Next``.
_NOTE_MARKS = r"(?:\[[0-9A-Za-z*†‡]{1,5}\])*"
_NOTE_MARKS_AT_END = re.compile(_NOTE_MARKS + r"$")
_LINE_COMPLETE = re.compile(r"[.!?…:;][\"'’”»)\]]*" + _NOTE_MARKS + r"\s*$")

OPENERS = "\"'‘“«(["
CLOSERS = "\"'’”»)]"
_QUOTES = "\"'’”»"
# A mark and any more of them, or spaced dots (". . .") taken as one mark; then closing quotes
# or brackets; then white space, or a capitalised word written against it ("world.Today": copy
# pasted from a PDF or typed fast loses the space). Starting with a character class lets the
# regex engine skip fast to the next mark.
_TERMINAL = re.compile(
    r"[.!?…](?:(?<=\.)(?:[ \u00a0]\.){2,}|[.!?…]*)[\"'’”»)\]]*"
    + _NOTE_MARKS
    + r"(?:(?=\s)|(?<=[.!?\]])(?=[A-Z][a-z]))"
)
_STOP = re.compile(r"[.!?…]")
# A bracketed source right before the full stop: ``… stairways.” (Smith 55).``
_CITATION = re.compile(r"\([^()\n]{1,80}\)[.!?][\"'’”»]*(?=\s|$)")
# How far back a word before a full stop is looked for, and around a mark for an address: an
# abbreviation is short, and a run this long without a space is no prose. The bound keeps the
# work per mark constant, so a long paragraph of "Dr. Ab Dr. Ab …" costs linear time.
_LOOK_AROUND = 64
_LAST_SPACE = re.compile(r"\s\S*\Z")
_RUN = re.compile(r"\S*")
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")

# Never end a sentence: they stand before a name.
_TITLES = frozenset(
    "mr mrs ms dr prof gen col lt sgt capt cmdr adm maj brig gov sen rep rev hon pres supt "
    "insp det messrs mme mlle mt ft st vs v".split()
)
# Stand before a number: ``No. 5``, ``pp. 12``, ``Art. 3``.
_NUMBERED = frozenset("no nos n° nº № vol vols fig figs p pp art arts ch sec para op nr".split())
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
        spans = _sentences(text, block.start, block.body, block.end)
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
    # Three or more lines without a single full stop, question or exclamation mark are a list of
    # lines (a menu, an address, tags), not one sentence wrapped: each line stands alone. Two
    # such lines are as likely a headline typed over two lines, and stay together.
    line_list = len(lines) >= 3 and _STOP.search(text, start, stop) is None
    blocks: list[_Block] = []
    block_start: int | None = None
    body = start
    for number, (line_start, line_end) in enumerate(lines):
        line = text[line_start:line_end]
        stripped = line.lstrip()
        lead = line_start + len(line) - len(stripped)
        heading = _HEADING_MARK.match(stripped)
        label = None if heading else _LABEL_MARK.match(stripped) or _TAB_LABEL_MARK.match(stripped)
        mark = heading or label or _BULLET_MARK.match(stripped)
        if mark:
            if block_start is not None:
                blocks.append(_Block(block_start, lines[number - 1][1], False, body))
                block_start = None
            marker_end = lead + mark.end()
            if heading:
                blocks.append(_Block(marker_end, line_end, True, marker_end))
                continue
            block_start = lead if label else marker_end
            body = marker_end
        elif block_start is None:
            block_start = body = lead
        is_last = number == len(lines) - 1
        # A short line in a paragraph of long ones is a title typed above its text, unless the
        # next line goes on in lower case: then it is a sentence broken by a stray newline.
        continued = not is_last and text[_skip_space(text, lines[number + 1][0], stop)].islower()
        short = len(line.strip()) < 0.6 * longest and not continued
        if is_last or line_list or short or _LINE_COMPLETE.search(line):
            blocks.append(_Block(block_start, line_end, False, body))
            block_start = None
    return [item for b in blocks if text[b.start : b.end].strip() for item in _items(text, b)]


def _items(text: str, block: _Block) -> list[_Block]:
    """A block opening with a list label, split where the next labels of its list follow on the
    same line: "1.) Rice 2.) Beans" is two items. Only the next label in sequence, written the
    same way, splits ("2.)" after "1.)", "b." after "a."), so a number inside an item does not."""
    if block.body == block.start:
        return [block]  # no label: most blocks
    label = _LABEL_MARK.match(text, block.start, block.end)
    if label is None or label.end() != block.body:
        return [block]
    bullet = label.group("bullet")
    lead = rf"(?<=\s){re.escape(bullet)}[ \t]*" if bullet else r"(?<=\s)"
    close = re.escape(label.group("close")) + r"[ \t]+"
    number, letter = label.group("number"), label.group("letter")
    items: list[_Block] = []
    start, body = block.start, block.body
    while True:
        if number is not None:
            number = str(int(number) + 1)
            following = re.compile(lead + number + close).search(text, body, block.end)
        elif letter is not None and letter < "z":
            letter = chr(ord(letter) + 1)
            following = re.compile(lead + letter + close).search(text, body, block.end)
        else:
            following = None
        if following is None:
            items.append(_Block(start, block.end, False, body))
            return items
        items.append(_Block(start, following.start(), False, body))
        start, body = following.start(), following.end()


def _sentences(text: str, start: int, body: int, end: int) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]``, whose first ``body - start`` characters are a
    list label that ends none."""
    spans: list[tuple[int, int]] = []
    unit_start = start
    for match in _TERMINAL.finditer(text, body, end):
        if match.start() < unit_start:
            continue  # inside an ellipsis already given to the next sentence
        following = _skip_space(text, match.end(), end)
        if following >= end:
            break
        boundary = _boundary(text, unit_start, match, following, end)
        if boundary is not None:
            spans.append((unit_start, boundary[0]))
            unit_start = boundary[1]
    spans.append((unit_start, end))
    return [_strip(text, s, e) for s, e in spans if text[s:e].strip()]


def _boundary(
    text: str, unit_start: int, match: re.Match[str], following: int, end: int
) -> tuple[int, int] | None:
    """Where the sentence ends at the terminal ``match`` and the next one starts, or None if
    the sentence goes on; ``following`` is the first character after the mark and any space."""
    first = following
    while first < end and text[first] in OPENERS:
        first += 1
    if first >= end:
        return None
    char = text[first]
    if not (char.isupper() or char.isdigit() or (first > following and char.isalpha())):
        return None
    next_word = _word_at(text, first, end)
    mark = _NOTE_MARKS_AT_END.sub("", match.group())
    punct = mark.rstrip(CLOSERS)
    closers = mark[len(punct) :]
    before = text[match.start() - 1] if match.start() > 0 else " "
    # No space after the mark ("world.Today"): a sentence ends only after a word or a figure
    # ("1,000.That", "5%.Officials"), never inside an address ("Jane.Doe@example.com").
    if following == match.end() and (
        not (before.islower() or before.isdigit() or before == "%")
        or _in_address(text, match, unit_start, end)
    ):
        return None
    if " " in punct or "\u00a0" in punct:
        # Spaced dots: three (". . .") mark words left out inside a sentence; a fourth is its
        # full stop. Written against the last word ("compounds. . . . The"), that full stop
        # ends the sentence and the ellipsis opens the next, which quotes from further on.
        if punct.count(".") < 4:
            return None
        if not before.isspace() and not closers:
            return match.start() + 1, _skip_space(text, match.start() + 1, end)
    elif before == "[" and closers.startswith("]"):
        return None  # "[...]": words left out of a quotation, not the end of it
    if punct == "." and mark == ".":
        token_start = _word_start(text, unit_start, match.start())
        if token_start < match.start():
            word = text[token_start : match.start()].lstrip(OPENERS)
            previous = _previous_word(text, unit_start, token_start) if word == "I" else ""
            if not _period_ends(word, previous, next_word, char):
                return None
    if any(q in closers for q in _QUOTES) and _ATTRIBUTION.match(text, following, end):
        return None
    if text[following] == "(" and _CITATION.match(text, following, end):
        return None  # "… stairways.” (Smith 55).": the citation closes the sentence it follows
    return match.end(), following


def _in_address(text: str, match: re.Match[str], unit_start: int, end: int) -> bool:
    """Whether the mark sits in an e-mail address, a web address or a path (or in a run of
    characters too long to be anything else)."""
    start, after = _word_start(text, unit_start, match.start()), match.end()
    run_after = _RUN.match(text, after, min(end, after + _LOOK_AROUND))
    stop = run_after.end() if run_after else after
    if match.start() - start >= _LOOK_AROUND or stop - after >= _LOOK_AROUND:
        return True
    run = text[start:stop]
    return "@" in run or "/" in run or "\\" in run or "www." in run.lower()


def _word_start(text: str, floor: int, position: int) -> int:
    """Where the run of non-space characters ending at ``position`` starts (not before
    ``floor``, and at most ``_LOOK_AROUND`` characters back)."""
    limit = max(floor, position - _LOOK_AROUND)
    space = _LAST_SPACE.search(text, limit, position)
    return space.start() + 1 if space else limit


def _previous_word(text: str, floor: int, position: int) -> str:
    """The word before the one starting at ``position``."""
    stop = position
    while stop > floor and text[stop - 1].isspace():
        stop -= 1
    return text[_word_start(text, floor, stop) : stop]


def _period_ends(word: str, previous: str, next_word: str, next_char: str) -> bool:
    """Whether a ``.`` after ``word`` ends the sentence, given the word before it (only
    given for ``I``) and what follows."""
    lowered = word.lower()
    opener = next_word.lower() in _OPENER_WORDS
    if lowered in _NEVER_END or lowered in _TITLES:
        return False
    if lowered in _NUMBERED and next_char.isdigit():
        return False
    if lowered in _AMBIGUOUS:
        return opener
    if word == "I" and previous[:1].islower():
        return True  # "you and I.": the pronoun; an initial follows a name ("Albert I. Jones")
    if len(word) == 1 and word.isupper():
        return opener  # an initial: ``J. Smith``
    if _DOTTED.fullmatch(word):
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
