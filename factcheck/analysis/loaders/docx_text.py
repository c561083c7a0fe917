"""Reading the text of a checked .docx as a reader sees it, with its structure as regions.

The document's XML is walked in body order (python-docx's paragraph API skips much of what a
reader sees, so it is not used):

* paragraphs, with the list number Word would show and a tab ("1.", "b)", "•"); tables row by
  row, one block per paragraph of each cell; content controls, hyperlinks and smart tags looked
  through; list items and table cells marked as running text (:data:`REGION_TEXT`), never
  headlines; old form check boxes as ☐ and ☒;
* text boxes (``w:txbxContent``) as blocks after the paragraph that anchors them, read once
  when Word stores a modern shape and its older fallback side by side (``mc:AlternateContent``);
* tracked changes as if accepted: insertions and moves' new places kept, deletions and moves'
  old places dropped, a deleted paragraph mark joining its paragraph to the next; comments,
  field codes and hidden text left out;
* footnote and endnote references as ``[1]``, numbered as Word numbers them (endnotes ``[i]`` by
  Word's default), the notes themselves after the body, each starting with its mark:
  :data:`REGION_NOTE`;
* running headers before the body and footers after the notes, each distinct one once:
  :data:`REGION_FURNITURE`; Word's headings (Title, Heading 1–9): :data:`REGION_HEADLINE`.

Strict Open XML is read like the usual dialect (see :mod:`docx_parts`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from factcheck.analysis.loaders.base import (
    REGION_FURNITURE,
    REGION_HEADLINE,
    REGION_NOTE,
    REGION_TEXT,
    Loaded,
    LoadError,
    Region,
    short_reason,
)
from factcheck.analysis.loaders.docx_numbering import Numbering, Styles, format_number
from factcheck.analysis.loaders.docx_parts import (
    M_NS,
    MC_NS,
    R_NS,
    core_properties,
    parse_part,
    related,
    relationships,
    w,
)
from factcheck.analysis.loaders.docx_safety import DocxPackage, check_docx_package
from factcheck.analysis.normalise import normalise_text

_P, _R, _T = w("p"), w("r"), w("t")
_TBL, _TR, _TC = w("tbl"), w("tr"), w("tc")
_SDT, _SDT_CONTENT = w("sdt"), w("sdtContent")
_P_PR, _P_STYLE, _R_PR = w("pPr"), w("pStyle"), w("rPr")
_DEL, _TR_PR = w("del"), w("trPr")
_TXBX_CONTENT = w("txbxContent")
_CHOICE, _FALLBACK = f"{{{MC_NS}}}Choice", f"{{{MC_NS}}}Fallback"
_ALTERNATE = f"{{{MC_NS}}}AlternateContent"
_MATH = frozenset({f"{{{M_NS}}}oMath", f"{{{M_NS}}}oMathPara"})
_MATH_TEXT = f"{{{M_NS}}}t"
# Looked through as if their children stood in their place. Tracked deletions (w:del) and the
# old places of moves (w:moveFrom) are not: what is read is the document with changes accepted.
_BLOCK_WRAPPERS = frozenset({w("customXml")})
_INLINE_WRAPPERS = frozenset(
    {
        w("hyperlink"),
        w("ins"),
        w("moveTo"),
        w("smartTag"),
        w("customXml"),
        w("fldSimple"),
        w("dir"),
        w("bdo"),
    }
)
_TABS = frozenset({w("tab"), w("ptab")})
_SHAPES = frozenset({w("drawing"), w("pict"), w("object")})
_NOTE_KINDS = ("footnote", "endnote")
# What Word shows when a document does not say (MS-OI29500 2.1.306: endnotes are lowerRoman).
_NOTE_FORMAT = {"footnote": "decimal", "endnote": "lowerRoman"}
_HEADER_TYPES = ("first", "default", "even")
_MAX_TITLE = 300


@dataclass(slots=True)
class _Paragraph:
    text: str  # as the reader sees it: the list label, then the words; "" if no words
    words: str = ""
    label: str = ""  # the list number and the tab after it
    kind: str | None = None  # REGION_HEADLINE (a heading style), REGION_TEXT, or the words decide

    @classmethod
    def of(cls, label: str, words: str, kind: str | None) -> _Paragraph:
        return cls(text=label + words if words.strip() else "", words=words, label=label, kind=kind)


@dataclass
class _Notes:
    """One kind of note: their bodies by id, and the marks given them in order of reference."""

    kind: str
    bodies: dict[str, etree._Element] = field(default_factory=dict)
    fmt: str = "decimal"
    start: int = 1
    marks: dict[str, str] = field(default_factory=dict)  # id → "[1]"; "" for a custom mark
    counted: int = 0

    def reference(self, element: etree._Element) -> str:
        """The mark of a ``w:footnoteReference``/``w:endnoteReference`` in the body."""
        note_id = element.get(w("id")) or ""
        if note_id not in self.bodies:
            return ""
        if element.get(w("customMarkFollows")) in ("1", "true", "on"):
            # The author's own mark ("*") follows as ordinary text; it takes no number.
            self.marks.setdefault(note_id, "")
            return ""
        if note_id not in self.marks:
            self.marks[note_id] = f"[{format_number(self.start + self.counted, self.fmt)}]"
            self.counted += 1
        return self.marks[note_id]


class _Reader:
    def __init__(self, package: DocxPackage) -> None:
        self.package = package
        self.main = package.main
        self.document = parse_part(package, package.main)
        self.styles = Styles(self._related_root("styles"))
        self.numbering = Numbering(self._related_root("numbering"), self.styles)
        self.settings = self._related_root("settings")
        self.notes = {kind: self._notes(kind) for kind in _NOTE_KINDS}
        self.note_mark = ""  # while a note is read: its own mark, for w:footnoteRef
        self.table_depth = 0

    def _related_root(self, name: str) -> etree._Element | None:
        targets = related(self.package, self.main, name)
        return self._part(targets[0]) if targets else None

    def _part(self, name: str) -> etree._Element:
        if name not in self.package.parts:
            raise ValueError(f"it refers to a part that is missing ({name})")
        return parse_part(self.package, name)

    def _notes(self, kind: str) -> _Notes:
        notes = _Notes(kind, fmt=_NOTE_FORMAT[kind])
        root = self._related_root(kind + "s")
        if root is not None:
            for note in root.iter(w(kind)):
                # Separators and continuation notices are Word's furniture, not notes.
                if note.get(w("type")) in (None, "normal"):
                    notes.bodies[note.get(w("id")) or ""] = note
        # The document's note settings, then the last section's, which Word shows.
        body = self.document.find(w("body"))
        last_section = body.find(w("sectPr")) if body is not None else None
        for holder in (self.settings, last_section):
            properties = holder.find(w(kind + "Pr")) if holder is not None else None
            if properties is None:
                continue
            fmt = properties.find(w("numFmt"))
            if fmt is not None and fmt.get(w("val")):
                value = fmt.get(w("val")) or notes.fmt
                notes.fmt = "decimal" if value == "bullet" else value
            start = properties.find(w("numStart"))
            if start is not None and (start.get(w("val")) or "").isdigit():
                notes.start = int(start.get(w("val")) or "1")
        return notes

    # -- blocks --------------------------------------------------------------------------

    def blocks(self, container: etree._Element | None) -> list[_Paragraph]:
        out: list[_Paragraph] = []
        if container is not None:
            self._blocks(container, out)
        return out

    def _blocks(self, container: etree._Element, out: list[_Paragraph]) -> None:
        carried: _Paragraph | None = None  # a paragraph whose mark was deleted
        for child in container:
            tag = child.tag
            if tag == _P:
                paragraph, boxes, joins_next = self._paragraph(child)
                if carried is not None:
                    words = carried.words + paragraph.words
                    paragraph = _Paragraph.of(paragraph.label, words, paragraph.kind)
                    carried = None
                if joins_next:
                    carried = paragraph
                elif paragraph.text.strip():
                    out.append(paragraph)
                out.extend(boxes)  # after the paragraph that anchors them
            elif tag == _TBL:
                self._table(child, out)
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self._blocks(content, out)
            elif tag in _BLOCK_WRAPPERS:
                self._blocks(child, out)
            elif tag == _ALTERNATE:
                branch = _branch(child)
                if branch is not None:
                    self._blocks(branch, out)
        if carried is not None and carried.text.strip():
            out.append(carried)

    def _table(self, table: etree._Element, out: list[_Paragraph]) -> None:
        for row in _children(table, _TR):
            properties = row.find(_TR_PR)
            if properties is not None and properties.find(_DEL) is not None:
                continue  # a row deleted with tracked changes
            # One w:tc per merged cell, so merged text is read once.
            for cell in _children(row, _TC):
                self.table_depth += 1
                try:
                    self._blocks(cell, out)
                finally:
                    self.table_depth -= 1

    def _paragraph(self, paragraph: etree._Element) -> tuple[_Paragraph, list[_Paragraph], bool]:
        """The paragraph, the text boxes it anchors, and whether its mark was deleted with
        tracked changes: then, changes accepted, its words begin the next paragraph, which
        keeps its own mark, style and number."""
        properties = paragraph.find(_P_PR)
        style = None
        if properties is not None:
            style_element = properties.find(_P_STYLE)
            if style_element is not None:
                style = style_element.get(w("val"))
        style = style or self.styles.default
        mark = properties.find(_R_PR) if properties is not None else None
        joins_next = mark is not None and mark.find(_DEL) is not None
        # Counted even for an empty paragraph: Word shows and counts its number.
        label = "" if joins_next else self.numbering.paragraph_label(properties, style)
        parts: list[str] = []
        boxes: list[_Paragraph] = []
        self._inline(paragraph, parts, boxes)
        kind = None
        if self.styles.is_heading(style):
            kind = REGION_HEADLINE
        elif label or self.table_depth:
            kind = REGION_TEXT
        return _Paragraph.of(label, "".join(parts), kind), boxes, joins_next

    # -- inline content ------------------------------------------------------------------

    def _inline(self, parent: etree._Element, parts: list[str], boxes: list[_Paragraph]) -> None:
        for child in parent:
            tag = child.tag
            if tag == _R:
                self._run(child, parts, boxes)
            elif tag in _INLINE_WRAPPERS:
                self._inline(child, parts, boxes)
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self._inline(content, parts, boxes)
            elif tag == _ALTERNATE:
                branch = _branch(child)
                if branch is not None:
                    self._inline(branch, parts, boxes)
            elif tag in _MATH:
                parts.append("".join(t.text or "" for t in child.iter(_MATH_TEXT)))

    def _run(self, run: etree._Element, parts: list[str], boxes: list[_Paragraph]) -> None:
        properties = run.find(_R_PR)
        if properties is not None and _on(properties.find(_VANISH)):
            return  # hidden text: Word neither shows nor prints it
        for child in run:
            tag = child.tag
            if tag == _T:
                parts.append(child.text or "")
            elif tag in _TABS:
                parts.append("\t")
            elif tag == _BR:
                # A page or column break moves the text on without a new line of its own.
                if child.get(w("type")) in (None, "textWrapping"):
                    parts.append("\n")
            elif tag == _CR:
                parts.append("\n")
            elif tag == _NO_BREAK_HYPHEN:
                parts.append("-")
            elif tag == _SYM:
                parts.append(_symbol(child))
            elif tag == _FLD_CHAR:
                parts.append(_check_box(child))
            elif tag in _NOTE_REFERENCES:
                parts.append(self.notes[_NOTE_REFERENCES[tag]].reference(child))
            elif tag in _NOTE_OWN_MARKS:
                parts.append(self.note_mark)
            elif tag in _SHAPES:
                for box in _text_boxes(child):
                    self._blocks(box, boxes)
            elif tag == _ALTERNATE:
                branch = _branch(child)
                if branch is not None:
                    self._run(branch, parts, boxes)
            elif tag == _RUBY:
                base = child.find(_RUBY_BASE)  # the text; the pronunciation guide is not read
                if base is not None:
                    self._inline(base, parts, boxes)

    # -- the parts around the body -------------------------------------------------------

    def note_blocks(self, kind: str) -> list[_Paragraph]:
        """The notes of ``kind`` in the order of their marks, each starting with its mark."""
        notes = self.notes[kind]
        out: list[_Paragraph] = []
        for note_id, mark in notes.marks.items():
            self.note_mark = mark
            paragraphs = self.blocks(notes.bodies[note_id])
            self.note_mark = ""
            if not paragraphs:
                continue
            first = paragraphs[0]
            if mark and not first.text.startswith(mark):
                first.text = f"{mark} {first.text.lstrip()}"
            elif mark and first.text != mark and not first.text[len(mark)].isspace():
                first.text = f"{mark} {first.text[len(mark) :]}"
            out.extend(paragraphs)
        return out

    def header_footer_blocks(self, kind: str) -> list[_Paragraph]:
        """Each distinct running header (``kind="header"``) or footer the sections use, in
        the order of the sections, Word's first-page one before the usual one."""
        targets = {r.id: r.target for r in relationships(self.package, self.main)}
        seen_parts: set[str] = set()
        seen_texts: set[tuple[str, ...]] = set()
        out: list[_Paragraph] = []
        for section in self.document.iter(w("sectPr")):
            if section.getparent() is not None and section.getparent().tag == w("sectPrChange"):
                continue  # the section as it was before a tracked change
            references = {
                ref.get(w("type")) or "default": ref.get(f"{{{R_NS}}}id") or ""
                for ref in section.iter(w(kind + "Reference"))
            }
            for header_type in _HEADER_TYPES:
                target = targets.get(references.get(header_type, ""))
                if target is None or target in seen_parts:
                    continue
                seen_parts.add(target)
                paragraphs = self.blocks(self._part(target))
                texts = tuple(p.text for p in paragraphs)
                if paragraphs and texts not in seen_texts:
                    seen_texts.add(texts)
                    out.extend(paragraphs)
        return out


_BR, _CR, _SYM = w("br"), w("cr"), w("sym")
_NO_BREAK_HYPHEN = w("noBreakHyphen")
_RUBY, _RUBY_BASE = w("ruby"), w("rubyBase")
_FLD_CHAR = w("fldChar")
_VANISH = w("vanish")
_NOTE_REFERENCES = {w("footnoteReference"): "footnote", w("endnoteReference"): "endnote"}
_NOTE_OWN_MARKS = frozenset({w("footnoteRef"), w("endnoteRef")})


def _children(parent: etree._Element, wanted: str) -> Iterator[etree._Element]:
    """The ``wanted`` children of ``parent`` in document order, looking through content
    controls and custom XML."""
    for child in parent:
        tag = child.tag
        if tag == wanted:
            yield child
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _children(content, wanted)
        elif tag in _BLOCK_WRAPPERS:
            yield from _children(child, wanted)


def _has_text(element: etree._Element) -> bool:
    return next(element.iter(_T, _TXBX_CONTENT), None) is not None


def _branch(alternate: etree._Element) -> etree._Element | None:
    """The one branch of ``mc:AlternateContent`` to read: the first choice (Word's modern
    markup), unless only the fallback holds text. Reading one avoids reading a text box twice."""
    choice = alternate.find(_CHOICE)
    fallback = alternate.find(_FALLBACK)
    if choice is not None and (fallback is None or _has_text(choice) or not _has_text(fallback)):
        return choice
    return fallback


def _text_boxes(element: etree._Element) -> Iterator[etree._Element]:
    """The outermost ``w:txbxContent`` inside a drawing, each once."""
    for child in element:
        if child.tag == _TXBX_CONTENT:
            yield child
        elif child.tag == _ALTERNATE:
            branch = _branch(child)
            if branch is not None:
                yield from _text_boxes(branch)
        else:
            yield from _text_boxes(child)


def _on(toggle: etree._Element | None) -> bool:
    """Whether an on/off property (``<w:vanish/>``, ``<w:b w:val="0"/>``) is present and on."""
    return toggle is not None and toggle.get(w("val"), "1") not in ("0", "false", "off")


def _check_box(field_char: etree._Element) -> str:
    """☐ or ☒ where a field begins that is an old-style form check box, else ``""``."""
    box = field_char.find(f"{w('ffData')}/{w('checkBox')}")
    if box is None:
        return ""
    state = box.find(w("checked"))
    if state is None:
        state = box.find(w("default"))
    checked = _on(state)
    return "☒" if checked else "☐"


def _symbol(element: etree._Element) -> str:
    """A ``w:sym`` character; symbol fonts' private-use codes have no meaning as text."""
    try:
        code = int(element.get(w("char")) or "", 16)
    except ValueError:
        return ""
    if 0xE000 <= code <= 0xF8FF or not 0 < code < 0x110000:
        return ""
    return chr(code)


# Names that Word, templates and libraries put in a file's author field: not a byline.
_NOT_A_NAME = frozenset(
    {
        "microsoft office user",
        "windows user",
        "utilisateur windows",
        "office user",
        "apache poi",
        "python-docx",
        "your name",
        "your user name",
        "user name",
        "unknown author",
        "unbekannter autor",
        "auteur inconnu",
    }
)


def _byline(creator: str) -> str:
    """The core properties' author when it reads as a person's name, else ``""``.

    The author field names who created the file: for a stringer's copy, the stringer. It is
    also often a machine's placeholder or a template's maker, so only a name of two to five
    words, letters and name punctuation only, starting with a capital, is taken.
    """
    name = " ".join(creator.split())
    words = name.split(" ")
    if not 2 <= len(words) <= 5 or name.casefold() in _NOT_A_NAME:
        return ""
    if not all(ch.isalpha() or ch in " .-'’" for ch in name):
        return ""
    if not (words[0][0].isupper() and words[-1][0].isupper()):
        return ""
    return name


@dataclass
class _Text:
    """The text being assembled, and its regions."""

    pieces: list[str] = field(default_factory=list)
    length: int = 0
    regions: list[Region] = field(default_factory=list)

    def add(self, paragraphs: list[_Paragraph], kind: str | None) -> None:
        section_start: int | None = None
        for paragraph in paragraphs:
            text = paragraph.text
            if not (text.isascii() and "\r" not in text):  # else it is normalised already
                text = normalise_text(text)
            if not text.strip():
                continue
            if self.pieces:
                self.pieces.append("\n\n")
                self.length += 2
            start = self.length
            self.pieces.append(text)
            self.length += len(text)
            if section_start is None:
                section_start = start
            if kind is None and paragraph.kind is not None:
                self.regions.append(Region(start, self.length, paragraph.kind))
        if kind is not None and section_start is not None:
            self.regions.append(Region(section_start, self.length, kind))


def load_docx(display: str, data: bytes) -> Loaded:
    package = check_docx_package(display, data)
    try:
        reader = _Reader(package)
        body = reader.blocks(reader.document.find(w("body")))
        notes = [block for kind in _NOTE_KINDS for block in reader.note_blocks(kind)]
        headers = reader.header_footer_blocks("header")
        footers = reader.header_footer_blocks("footer")
        core = core_properties(package)
    except Exception as exc:
        raise LoadError(
            f"{display} could not be read as a Word document: {short_reason(exc)}."
        ) from exc
    if not any(p.text.strip() for p in [*headers, *body, *notes, *footers]):
        raise LoadError(f"{display} is empty: it contains no text.")
    text = _Text()
    text.add(headers, REGION_FURNITURE)
    text.add(body, None)
    text.add(notes, REGION_NOTE)
    text.add(footers, REGION_FURNITURE)
    heading = next(
        (" ".join(p.words.split()) for p in body if p.kind == REGION_HEADLINE and p.words.strip()),
        "",
    )
    title = core.title or heading
    if len(title) > _MAX_TITLE:
        title = title[: _MAX_TITLE - 1].rstrip() + "…"
    return Loaded(
        text="".join(text.pieces),
        title_hint=title,
        kind="docx",
        byline=_byline(core.creator),
        regions=tuple(text.regions),
    )
