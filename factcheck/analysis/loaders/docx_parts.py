"""The parts of a checked .docx: parsed safely, Strict Open XML read as the usual dialect, the
relationships between parts, and the core properties (title, author).

Strict Open XML (ISO/IEC 29500 Strict, Word's "Strict Open XML Document") is the same
WordprocessingML under other namespace names: ``http://purl.oclc.org/ooxml/…`` instead of
``http://schemas.openxmlformats.org/…``. Renaming the two namespaces the reader looks at, once
per part, lets one reader serve both.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from lxml import etree

from factcheck.analysis.loaders.docx_safety import DocxPackage, is_relationship, safe_xml_parser

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
_STRICT_TO_TRANSITIONAL = {
    "http://purl.oclc.org/ooxml/wordprocessingml/main": W_NS,
    "http://purl.oclc.org/ooxml/officeDocument/relationships": R_NS,
    "http://purl.oclc.org/ooxml/officeDocument/math": M_NS,
}
_PACKAGE_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CORE_RELATIONSHIP_SUFFIX = "/metadata/core-properties"
_DC = "{http://purl.org/dc/elements/1.1/}"


def w(name: str) -> str:
    """The Clark name of a WordprocessingML element or attribute: ``w("p")`` → ``{…}p``."""
    return f"{{{W_NS}}}{name}"


def parse_part(package: DocxPackage, name: str) -> etree._Element:
    """Part ``name`` parsed, with Strict namespaces renamed to the usual ones.

    Raises ``KeyError`` when the package has no such part, ``etree.XMLSyntaxError`` when it
    is not well-formed XML.
    """
    root = etree.fromstring(package.parts[name], safe_xml_parser())
    if _namespace(root.tag) in _STRICT_TO_TRANSITIONAL:
        _to_transitional(root)
    return root


def _namespace(tag: object) -> str:
    return tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _to_transitional(root: etree._Element) -> None:
    for element in root.iter(etree.Element):
        namespace = _namespace(element.tag)
        if namespace in _STRICT_TO_TRANSITIONAL:
            local = element.tag[len(namespace) + 2 :]
            element.tag = "{" + _STRICT_TO_TRANSITIONAL[namespace] + "}" + local
        for key in list(element.attrib):
            namespace = _namespace(key)
            if namespace in _STRICT_TO_TRANSITIONAL:
                value = element.attrib.pop(key)
                local = key[len(namespace) + 2 :]
                element.set("{" + _STRICT_TO_TRANSITIONAL[namespace] + "}" + local, value)


@dataclass(frozen=True, slots=True)
class Relationship:
    id: str
    type: str
    target: str  # the ZIP name of the target part (internal targets only)


def relationships(package: DocxPackage, source: str) -> list[Relationship]:
    """The internal relationships of part ``source`` (``""`` for the package itself)."""
    folder, base = posixpath.split(source)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in package.parts:
        return []
    root = etree.fromstring(package.parts[rels_name], safe_xml_parser())
    found = []
    for element in root.iter(_PACKAGE_RELS_NS + "Relationship"):
        target = element.get("Target") or ""
        if element.get("TargetMode") == "External" or not target:
            continue
        if target.startswith("/"):
            resolved = posixpath.normpath(target.lstrip("/"))
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target))
        found.append(Relationship(element.get("Id") or "", element.get("Type") or "", resolved))
    return found


def related(package: DocxPackage, source: str, name: str) -> list[str]:
    """The ZIP names of the parts that part ``source`` relates to as ``name`` (``"styles"``)."""
    return [r.target for r in relationships(package, source) if is_relationship(r.type, name)]


@dataclass(frozen=True, slots=True)
class CoreProperties:
    title: str = ""
    creator: str = ""


def core_properties(package: DocxPackage) -> CoreProperties:
    """The package's title and author, white space collapsed; empty when it names none."""
    for relationship in relationships(package, ""):
        if relationship.type.endswith(_CORE_RELATIONSHIP_SUFFIX):
            if relationship.target not in package.parts:
                return CoreProperties()
            root = etree.fromstring(package.parts[relationship.target], safe_xml_parser())
            return CoreProperties(
                title=_text_of(root.find(_DC + "title")),
                creator=_text_of(root.find(_DC + "creator")),
            )
    return CoreProperties()


def _text_of(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())
