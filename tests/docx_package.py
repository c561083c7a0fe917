"""Word packages built from WordprocessingML written for the tests: a body, and the parts
(notes, numbering, styles, headers…) a test needs, in the usual dialect or in Strict."""

from __future__ import annotations

import io
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
V = "urn:schemas-microsoft-com:vml"
STRICT_W = "http://purl.oclc.org/ooxml/wordprocessingml/main"
STRICT_R = "http://purl.oclc.org/ooxml/officeDocument/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships/"
NAMESPACES = f'xmlns:w="{W}" xmlns:r="{R}" xmlns:mc="{MC}" xmlns:wps="{WPS}" xmlns:v="{V}"'
CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"
CONTENT_TYPES = {
    "styles": f"{CT}.styles+xml",
    "numbering": f"{CT}.numbering+xml",
    "footnotes": f"{CT}.footnotes+xml",
    "endnotes": f"{CT}.endnotes+xml",
    "settings": f"{CT}.settings+xml",
    "header": f"{CT}.header+xml",
    "footer": f"{CT}.footer+xml",
    "comments": f"{CT}.comments+xml",
}


def p(*runs: str, props: str = "") -> str:
    """A paragraph of runs; a plain string is a run of that text, markup passes as is."""
    inner = "".join(
        r if r.startswith("<") else f'<w:r><w:t xml:space="preserve">{r}</w:t></w:r>' for r in runs
    )
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{inner}</w:p>"


def package(
    body: str,
    *,
    parts: dict[str, tuple[str, str]] | None = None,
    rel_ids: dict[str, str] | None = None,
    core: str = "",
    strict: bool = False,
) -> bytes:
    """A .docx whose body is ``body``; ``parts`` maps a part name under word/ to (relationship
    name, XML body inside its root element); ``rel_ids`` gives a part a fixed relationship id."""
    w_ns, r_ns, rel = (STRICT_W, STRICT_R, STRICT_REL) if strict else (W, R, REL)
    namespaces = NAMESPACES.replace(W, w_ns).replace(R, r_ns)
    roots = {
        "styles": "styles",
        "numbering": "numbering",
        "footnotes": "footnotes",
        "endnotes": "endnotes",
        "settings": "settings",
        "header": "hdr",
        "footer": "ftr",
        "comments": "comments",
    }
    entries: dict[str, str] = {}
    overrides = [f'<Override PartName="/word/document.xml" ContentType="{CT}.document.main+xml"/>']
    relationships = []
    for number, (name, (kind, xml)) in enumerate((parts or {}).items()):
        rel_id = (rel_ids or {}).get(name, f"rIdPart{number}")
        entries[f"word/{name}"] = f"<w:{roots[kind]} {namespaces}>{xml}</w:{roots[kind]}>"
        overrides.append(f'<Override PartName="/word/{name}" ContentType="{CONTENT_TYPES[kind]}"/>')
        relationships.append(f'<Relationship Id="{rel_id}" Type="{rel}{kind}" Target="{name}"/>')
    package_rels = [
        f'<Relationship Id="rId1" Type="{rel}officeDocument" Target="word/document.xml"/>'
    ]
    if core:
        entries["docProps/core.xml"] = (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"{core}</cp:coreProperties>"
        )
        overrides.append(
            '<Override PartName="/docProps/core.xml" ContentType="application/'
            'vnd.openxmlformats-package.core-properties+xml"/>'
        )
        package_rels.append(
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        )
    pkg = "http://schemas.openxmlformats.org/package/2006"
    entries["[Content_Types].xml"] = (
        f'<Types xmlns="{pkg}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f"{''.join(overrides)}</Types>"
    )
    entries["_rels/.rels"] = (
        f'<Relationships xmlns="{pkg}/relationships">{"".join(package_rels)}</Relationships>'
    )
    entries["word/_rels/document.xml.rels"] = (
        f'<Relationships xmlns="{pkg}/relationships">{"".join(relationships)}</Relationships>'
    )
    entries["word/document.xml"] = f"<w:document {namespaces}><w:body>{body}</w:body></w:document>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in entries.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + xml)
    return buffer.getvalue()


def note(kind: str, note_id: str, *paragraphs: str) -> str:
    return f'<w:{kind} w:id="{note_id}">{"".join(paragraphs)}</w:{kind}>'


SEPARATORS = (
    '<w:{k} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{k}>'
    '<w:{k} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
    "</w:r></w:p></w:{k}>"
)


def ref(kind: str, note_id: str, custom: bool = False) -> str:
    follows = ' w:customMarkFollows="1"' if custom else ""
    return f'<w:r><w:{kind}Reference w:id="{note_id}"{follows}/></w:r>'
