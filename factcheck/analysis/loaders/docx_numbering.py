"""Paragraph styles and list numbering of a .docx, as Word shows them.

Word does not store a list item's number ("2.", "b)", "iv.") in the text: it computes it from
``numbering.xml`` as it lays the document out. :class:`Numbering` does the same for the
common formats, in document order: a paragraph names a list (``w:numId``) and a level
(``w:ilvl``), directly or through its style; the list names an abstract definition whose
levels give the start, the format (``decimal``, ``lowerLetter``, ``upperLetter``,
``lowerRoman``, ``upperRoman``, ``bullet``…), the text around the number (``%1.%2.``) and when
a level restarts. Lists that share an abstract definition share their count, as in Word,
unless one of them overrides the start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from factcheck.analysis.loaders.docx_parts import MC_NS, w

LEVELS = 9
BULLET = "•"
_HEADING_NAME = re.compile(r"(?:heading [1-9]|title)\Z", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"%([1-9])")
_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def _val(element: etree._Element | None, default: str | None = None) -> str | None:
    if element is None:
        return default
    value = element.get(w("val"))
    return default if value is None else value


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def format_number(value: int, fmt: str) -> str:
    """``value`` written in the number format ``fmt`` (a ``w:numFmt`` value)."""
    if fmt == "none":
        return ""
    if fmt in ("lowerLetter", "upperLetter") and value > 0:
        # Word goes on a, …, z, aa, bb, …, zz, aaa.
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman") and 0 < value < 4000:
        roman = ""
        for amount, digits in _ROMAN:
            count, value = divmod(value, amount)
            roman += digits * count
        return roman if fmt == "lowerRoman" else roman.upper()
    if fmt == "decimalZero" and 0 <= value < 10:
        return f"0{value}"
    if fmt == "ordinal":
        suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10)
        return f"{value}{suffix or 'th'}"
    # decimal, and the rarer formats (Chinese counting, circled numbers…) read as decimals.
    return str(value)


@dataclass(frozen=True, slots=True)
class _Style:
    name: str
    based_on: str | None
    num_id: str | None
    ilvl: int | None


class Styles:
    """The paragraph styles of ``styles.xml``: which are headings, and which carry a list."""

    def __init__(self, root: etree._Element | None) -> None:
        self._styles: dict[str, _Style] = {}
        self.default: str | None = None
        self._heading: dict[str | None, bool] = {}
        self._lists: dict[str | None, tuple[str | None, int | None]] = {}
        if root is None:
            return
        for element in root.iter(w("style")):
            if element.get(w("type")) not in (None, "paragraph"):
                continue
            style_id = element.get(w("styleId")) or ""
            num_pr = element.find(f"{w('pPr')}/{w('numPr')}")
            ilvl = _val(num_pr.find(w("ilvl"))) if num_pr is not None else None
            self._styles[style_id] = _Style(
                name=_val(element.find(w("name")), "") or "",
                based_on=_val(element.find(w("basedOn"))),
                num_id=_val(num_pr.find(w("numId"))) if num_pr is not None else None,
                ilvl=_int(ilvl, 0) if ilvl is not None else None,
            )
            if element.get(w("default")) in ("1", "true", "on"):
                self.default = style_id

    def _chain(self, style_id: str | None) -> list[_Style]:
        """The style and those it is based on, nearest first (a loop is cut)."""
        chain: list[_Style] = []
        seen: set[str] = set()
        while style_id is not None and style_id not in seen and style_id in self._styles:
            seen.add(style_id)
            style = self._styles[style_id]
            chain.append(style)
            style_id = style.based_on
        return chain

    def is_heading(self, style_id: str | None) -> bool:
        """Whether the style is Title or Heading 1–9, or based on one of them."""
        if style_id not in self._heading:
            chain = self._chain(style_id)
            self._heading[style_id] = any(_HEADING_NAME.match(s.name.strip()) for s in chain)
        return self._heading[style_id]

    def list_of(self, style_id: str | None) -> tuple[str | None, int | None]:
        """The list (``numId``) and level a style gives its paragraphs, if any."""
        if style_id in self._lists:
            return self._lists[style_id]
        num_id: str | None = None
        ilvl: int | None = None
        for style in self._chain(style_id):
            num_id = style.num_id if num_id is None else num_id
            ilvl = style.ilvl if ilvl is None else ilvl
        self._lists[style_id] = (num_id, ilvl)
        return num_id, ilvl


@dataclass(frozen=True, slots=True)
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""  # w:lvlText: "%1." is the level's own number and a full stop
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level; 0 never
    legal: bool = False  # w:isLgl: every number of the label in decimals
    suffix: str = "tab"
    style: str | None = None  # w:pStyle: the paragraph style that uses this level


def _level(element: etree._Element) -> Level:
    fmt = element.find(w("numFmt"))
    if fmt is None:
        # Newer formats come as a choice with a plain fallback for older readers.
        fmt = element.find(f"{{{MC_NS}}}AlternateContent/{{{MC_NS}}}Fallback/{w('numFmt')}")
    legal = element.find(w("isLgl"))
    restart = element.find(w("lvlRestart"))
    return Level(
        start=_int(_val(element.find(w("start"))), 1),
        fmt=_val(fmt, "decimal") or "decimal",
        text=_val(element.find(w("lvlText")), "") or "",
        restart=_int(_val(restart), 0) if restart is not None else None,
        legal=legal is not None and _val(legal, "1") not in ("0", "false", "off"),
        suffix=_val(element.find(w("suff")), "tab") or "tab",
        style=_val(element.find(w("pStyle"))),
    )


def _levels(element: etree._Element) -> dict[int, Level]:
    return {_int(lvl.get(w("ilvl")), 0): _level(lvl) for lvl in element.findall(w("lvl"))}


@dataclass
class _List:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # w:startOverride per level
    levels: dict[int, Level] = field(default_factory=dict)  # w:lvlOverride/w:lvl per level


class Numbering:
    """The labels of numbered and bulleted paragraphs, counted in document order."""

    def __init__(self, root: etree._Element | None, styles: Styles) -> None:
        self._styles = styles
        self._abstract: dict[str, dict[int, Level]] = {}
        self._style_link: dict[str, str] = {}  # abstractNumId → the list style it stands for
        self._lists: dict[str, _List] = {}
        self._counters: dict[str, list[int | None]] = {}
        self._begun: set[str] = set()
        if root is None:
            return
        for element in root.iter(w("abstractNum")):
            abstract_id = element.get(w("abstractNumId")) or ""
            self._abstract[abstract_id] = _levels(element)
            link = _val(element.find(w("numStyleLink")))
            if link is not None:
                self._style_link[abstract_id] = link
        for element in root.iter(w("num")):
            listed = _List(abstract=_val(element.find(w("abstractNumId")), "") or "")
            for override in element.findall(w("lvlOverride")):
                ilvl = _int(override.get(w("ilvl")), 0)
                start = override.find(w("startOverride"))
                if start is not None:
                    listed.starts[ilvl] = _int(_val(start), 1)
                lvl = override.find(w("lvl"))
                if lvl is not None:
                    listed.levels[ilvl] = _level(lvl)
            self._lists[element.get(w("numId")) or ""] = listed

    def paragraph_label(self, p_pr: etree._Element | None, style_id: str | None) -> str:
        """The label Word shows before a paragraph and what follows it ("1.\\t", "b)\\t",
        "•\\t"), or ``""``.

        Call once per paragraph, in document order: each call counts.
        """
        num_pr = p_pr.find(w("numPr")) if p_pr is not None else None
        num_id = _val(num_pr.find(w("numId"))) if num_pr is not None else None
        ilvl_value = _val(num_pr.find(w("ilvl"))) if num_pr is not None else None
        ilvl = _int(ilvl_value, 0) if ilvl_value is not None else None
        if num_id is None or ilvl is None:
            style_num_id, style_ilvl = self._styles.list_of(style_id)
            num_id = style_num_id if num_id is None else num_id
            ilvl = style_ilvl if ilvl is None else ilvl
        if num_id is None or num_id == "0" or num_id not in self._lists:
            return ""
        listed = self._lists[num_id]
        abstract_id = self._abstract_id(listed.abstract)
        levels = {**self._abstract.get(abstract_id, {}), **listed.levels}
        if ilvl is None:
            ilvl = next((n for n, lvl in levels.items() if style_id and lvl.style == style_id), 0)
        ilvl = min(max(ilvl, 0), LEVELS - 1)
        return self._count(num_id, abstract_id, listed, levels, ilvl)

    def _abstract_id(self, abstract_id: str) -> str:
        """Follow a list style link (``w:numStyleLink``) to the definition it stands for."""
        link = self._style_link.get(abstract_id)
        if link is None:
            return abstract_id
        num_id, _ilvl = self._styles.list_of(link)
        target = self._lists.get(num_id or "")
        return target.abstract if target is not None else abstract_id

    def _count(
        self, num_id: str, abstract_id: str, listed: _List, levels: dict[int, Level], ilvl: int
    ) -> str:
        counters = self._counters.setdefault(abstract_id, [None] * LEVELS)
        if num_id not in self._begun:
            self._begun.add(num_id)
            for level_index, start in listed.starts.items():
                if 0 <= level_index < LEVELS:
                    counters[level_index] = start - 1
        level = levels.get(ilvl, Level())
        current = counters[ilvl]
        counters[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, LEVELS):
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart > 0 and ilvl < restart):
                counters[deeper] = None
        # Word puts a tab after the number unless told otherwise; a tab also tells the segmenter
        # that "b." or "iv." before it is a list mark, not a sentence.
        after = "" if level.suffix == "nothing" else "\t"
        if level.fmt == "bullet":
            return BULLET + after
        legal = level.legal

        def number(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            other = levels.get(index, Level())
            value = counters[index]
            fmt = "decimal" if legal and other.fmt != "none" else other.fmt
            return format_number(other.start if value is None else value, fmt)

        label = _PLACEHOLDER.sub(number, level.text).strip()
        return label + after if label else ""
