"""Reading the text of a checked .docx: paragraphs in reading order, and its title."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.parts.coreprops import CorePropertiesPart
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.oxml.text.run import CT_R
from docx.text.paragraph import Paragraph
from lxml import etree

from factcheck.analysis.loaders.base import Loaded, LoadError, short_reason
from factcheck.analysis.loaders.docx_safety import check_docx_package, not_docx

_W_P = qn("w:p")
_W_R = qn("w:r")
_W_TBL = qn("w:tbl")
_W_TR = qn("w:tr")
_W_TC = qn("w:tc")
_W_SDT = qn("w:sdt")
_W_SDT_CONTENT = qn("w:sdtContent")
# Containers whose children are read as if they stood in the container's place. python-docx's
# own iteration (iter_inner_content, paragraph.text) skips them, and with them real text:
# content controls (w:sdt, handled apart because of w:sdtPr), custom XML, and within paragraphs
# tracked insertions and moves (w:ins, w:moveTo), hyperlinks, smart tags and simple fields.
# Tracked deletions (w:del, w:moveFrom) are deliberately not read.
_BLOCK_WRAPPERS = frozenset({qn("w:customXml")})
_RUN_WRAPPERS = frozenset(
    {
        qn("w:hyperlink"),
        qn("w:ins"),
        qn("w:moveTo"),
        qn("w:smartTag"),
        qn("w:customXml"),
        qn("w:fldSimple"),
        qn("w:dir"),
        qn("w:bdo"),
    }
)


def _children(
    parent: etree._Element, wanted: frozenset[str], wrappers: frozenset[str]
) -> Iterator[etree._Element]:
    """The ``wanted`` children of ``parent`` in document order, looking through wrappers."""
    for child in parent:
        tag = child.tag
        if tag in wanted:
            yield child
        elif tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                yield from _children(content, wanted, wrappers)
        elif tag in wrappers:
            yield from _children(child, wanted, wrappers)


def _docx_paragraphs(container: etree._Element) -> Iterator[etree._Element]:
    """Every ``w:p`` of a body or cell in reading order, table cells row by row."""
    for block in _children(container, frozenset({_W_P, _W_TBL}), _BLOCK_WRAPPERS):
        if block.tag == _W_P:
            yield block
            continue
        for row in _children(block, frozenset({_W_TR}), _BLOCK_WRAPPERS):
            # One w:tc per merged cell, so merged text is not repeated as python-docx's
            # row.cells would repeat it.
            for cell in _children(row, frozenset({_W_TC}), _BLOCK_WRAPPERS):
                yield from _docx_paragraphs(cell)


def _docx_paragraph_text(paragraph: etree._Element) -> str:
    # CT_R.text renders w:tab, w:br and friends as python-docx's paragraph.text does.
    runs: Iterable[etree._Element] = _children(paragraph, frozenset({_W_R}), _RUN_WRAPPERS)
    return "".join(run.text for run in runs if isinstance(run, CT_R))


def _docx_core_title(document: DocxDocument) -> str:
    # document.core_properties invents the title "Word Document" when the package has no
    # core-properties part, so look for the part itself.
    try:
        part = document.part.package.part_related_by(RELATIONSHIP_TYPE.CORE_PROPERTIES)
    except KeyError:
        return ""
    if not isinstance(part, CorePropertiesPart):
        return ""
    return " ".join((part.core_properties.title or "").split())


def load_docx(display: str, data: bytes) -> Loaded:
    check_docx_package(display, data)
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs: list[str] = []
        heading = ""
        # Resolving a style searches styles.xml; once per style, not per paragraph, keeps a
        # long draft without headings fast.
        style_names: dict[str | None, str] = {}
        for element in _docx_paragraphs(document.element.body):
            text = _docx_paragraph_text(element)
            if not text.strip():
                continue
            paragraphs.append(text)
            if not heading:
                style_id = element.style if isinstance(element, CT_P) else None
                if style_id not in style_names:
                    style = Paragraph(element, document).style
                    style_names[style_id] = (style.name if style is not None else None) or ""
                if style_names[style_id].startswith(("Title", "Heading")):
                    heading = " ".join(text.split())
        title = _docx_core_title(document) or heading
    except Exception as exc:
        if isinstance(exc, ValueError) and "is not a Word file" in str(exc):
            # python-docx refuses other WordprocessingML types by content type.
            raise not_docx(
                display,
                "it is a macro-enabled document or a template rather than a Word document; "
                "save it in Word as a Word Document (.docx)",
            ) from exc
        raise LoadError(
            f"{display} could not be read as a Word document: {short_reason(exc)}."
        ) from exc
    if not paragraphs:
        raise LoadError(f"{display} is empty: it contains no text.")
    return Loaded(text="\n\n".join(paragraphs), title_hint=title, kind="docx")
