"""Checking a .docx package before anything parses it: ZIP structure, every part's CRC,
zip-bomb limits, and XML entity declarations (which Word never writes).

:func:`check_docx_package` hands back the XML parts it has checked (:class:`DocxPackage`), so
that the reader parses exactly the bytes that were checked, unpacked once."""

from __future__ import annotations

import codecs
import io
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

from lxml import etree

from factcheck.analysis.loaders.base import MB, LoadError, format_size
from factcheck.analysis.loaders.text import OLE2_SIGNATURE

# Zip-bomb limits for .docx. A long article with photos is a few MB unpacked; these leave a wide
# margin while keeping the worst case (memory and time) small.
DOCX_MAX_UNPACKED_BYTES = 50 * MB
DOCX_MAX_ENTRIES = 2_000
DOCX_MAX_RATIO = 100
DOCX_RATIO_MIN_BYTES = 1 * MB  # small parts may compress extremely well and harm nobody


def not_docx(display: str, why: str) -> LoadError:
    return LoadError(f"{display} is not a valid .docx file: {why}.")


def _damaged(display: str) -> LoadError:
    return not_docx(
        display,
        "the file is damaged or truncated; upload it again, or open it in Word and save a "
        "fresh copy",
    )


def _bomb(display: str, detail: str) -> LoadError:
    return LoadError(
        f"{display} expands to too much data when unpacked ({detail}) and may be a zip bomb; "
        "refusing it."
    )


# Parts that tell us what an Office-like ZIP really is, when it is not a Word document.
_OTHER_PACKAGES = (
    ("xl/workbook.xml", "it looks like an Excel workbook"),
    ("ppt/presentation.xml", "it looks like a PowerPoint presentation"),
    ("content.xml", "it looks like an OpenDocument (.odt) file; save it as .docx"),
)
_SAFE_XML_ENCODING = re.compile(
    r"utf-?8|utf-?16(?:-?[lb]e)?|(?:us-)?ascii|iso-?8859-\d{1,2}|latin-?1|(?:windows-|cp)125\d",
    re.I,
)
_XML_ENCODING_DECLARATION = re.compile(r"""\A\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")


# The relationship types of the two dialects of Office Open XML: the usual ("Transitional")
# one, and ISO Strict, which Word writes when asked for "Strict Open XML Document".
REL_TRANSITIONAL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
REL_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships/"
_CONTENT_TYPE_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Other WordprocessingML packages: macro-enabled documents and templates of either kind.
_CONTENT_TYPES_OTHER_WORD = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.document.macroenabled.main+xml",
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml",
)


def is_relationship(type_uri: str | None, name: str) -> bool:
    """Whether ``type_uri`` is the relationship ``name`` (``"footnotes"``…) in either dialect."""
    return type_uri in (REL_TRANSITIONAL + name, REL_STRICT + name)


@dataclass(frozen=True, slots=True)
class DocxPackage:
    """The XML parts of a checked package, by ZIP name, and the name of its main part."""

    parts: dict[str, bytes]
    main: str


def check_docx_package(display: str, data: bytes) -> DocxPackage:
    """Refuse anything that is not a sound, modest Word package, before anything parses it.

    The ZIP's own size fields are not trusted, and nothing is handed to lxml before this check
    has made sure that it is small, intact and free of XML entity tricks. Returns the checked
    XML parts: the reader parses those bytes, not a second unpacking of the ZIP.
    """
    if data.startswith(OLE2_SIGNATURE):
        # Old .doc files and password-protected .docx files are both OLE2 containers.
        raise not_docx(
            display,
            "it looks like an old-format .doc file or a password-protected document; "
            "open it in Word and save it as .docx without a password",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:
        # A ZIP starts with "PK"; anything else was never a Word document.
        if data.startswith(b"PK"):
            raise _damaged(display) from None
        raise not_docx(display, "it is not a Word document") from None

    with archive:
        infos = archive.infolist()
        _refuse_zip_bomb(display, infos)
        names = {info.filename for info in infos}
        if "word/document.xml" not in names:
            for marker, what in _OTHER_PACKAGES:
                if marker in names:
                    raise not_docx(display, what)
            if "_rels/.rels" not in names:
                raise not_docx(display, "it is not a Word document")
        if "[Content_Types].xml" not in names:
            raise not_docx(display, "it is not a Word document")

        # [Content_Types].xml first: it says which other parts are XML that will be parsed.
        content_types_xml = _read_part(display, data, archive.getinfo("[Content_Types].xml"))
        _refuse_unsafe_xml(display, content_types_xml)
        defaults, overrides = _content_types(display, content_types_xml)

        parts: dict[str, bytes] = {}
        for info in infos:
            if info.is_dir():
                continue
            # Reading every part checks its CRC and that it unpacks to exactly its stated size.
            content = _read_part(display, data, info)
            lower = info.filename.lower()
            extension = posixpath.splitext(lower)[1].lstrip(".")
            content_type = overrides.get(lower, defaults.get(extension, "")).lower()
            # Entity tricks matter wherever lxml parses: every .xml/.rels part, and any part the
            # content types declare as XML under another name. Images (SVG) are never parsed.
            is_xml = content_type.endswith("xml") and not content_type.startswith("image/")
            if lower.endswith((".xml", ".rels")) or is_xml:
                _refuse_unsafe_xml(display, content)
                if not content_type.startswith("image/"):
                    parts[info.filename] = content

    # Some editors name the main part differently (word/document2.xml, say); the package
    # relationships say where it is.
    main = _main_document_target(display, parts.get("_rels/.rels", b""))
    if not main and "word/document.xml" in parts:
        main = "word/document.xml"
    if main not in parts:
        raise not_docx(display, "it is not a Word document")
    extension = posixpath.splitext(main.lower())[1].lstrip(".")
    content_type = overrides.get(main.lower(), defaults.get(extension, "")).lower()
    if content_type in _CONTENT_TYPES_OTHER_WORD:
        raise not_docx(
            display,
            "it is a macro-enabled document or a template rather than a Word document; "
            "save it in Word as a Word Document (.docx)",
        )
    if not content_type.startswith(_CONTENT_TYPE_DOCUMENT):
        raise not_docx(display, "it is not a Word document")
    return DocxPackage(parts=parts, main=main)


def _refuse_zip_bomb(display: str, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse on the sizes the ZIP declares; :func:`_read_part` holds each part to them."""
    if len(infos) > DOCX_MAX_ENTRIES:
        raise _bomb(display, f"it holds {len(infos):,} files; the limit is {DOCX_MAX_ENTRIES:,}")
    total = sum(info.file_size for info in infos)
    if total > DOCX_MAX_UNPACKED_BYTES:
        raise _bomb(
            display,
            f"{format_size(total, round_up=True)}; "
            f"the limit is {format_size(DOCX_MAX_UNPACKED_BYTES)}",
        )
    for info in infos:
        if info.file_size <= DOCX_RATIO_MIN_BYTES:
            continue
        if info.compress_size == 0 or info.file_size / info.compress_size > DOCX_MAX_RATIO:
            raise _bomb(display, f"one part is compressed more than {DOCX_MAX_RATIO} to 1")


_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, 22 bytes we skip, name and extra lengths


def _read_part(display: str, data: bytes, info: zipfile.ZipInfo) -> bytes:
    """Unpack one ZIP entry ourselves, holding it to its declared size and CRC.

    zipfile would stop at the declared size too, but only after inflating a whole read's worth
    of data, which a forged size field turns into gigabytes. Here the inflater is capped at the
    declared size plus one byte, so a lie is caught at no cost.
    """
    if info.flag_bits & 0x1:
        raise not_docx(
            display, "parts of it are encrypted; remove the password in Word and save it again"
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        # Word only writes stored and deflated parts; bzip2/LZMA inflate without a cap.
        raise not_docx(display, "it uses a compression method Word never writes")
    offset = info.header_offset
    header = data[offset : offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        raise _damaged(display)
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    if signature != b"PK\x03\x04":
        raise _damaged(display)
    start = offset + _LOCAL_HEADER.size + name_length + extra_length
    raw = data[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        raise _damaged(display)
    if info.compress_type == zipfile.ZIP_STORED:
        content = raw
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            content = inflater.decompress(raw, info.file_size + 1)
        except zlib.error:
            raise _damaged(display) from None
        if len(content) > info.file_size:
            raise _bomb(display, "a part holds more data than its header admits")
        if not inflater.eof:
            raise _damaged(display)
    if len(content) != info.file_size or zlib.crc32(content) != info.CRC:
        raise _damaged(display)
    return content


def _xml_as_text(raw: bytes) -> str:
    """XML bytes as text good enough to search for markup, whatever the (sane) encoding."""
    for prefix, codec, skip in (
        (codecs.BOM_UTF32_LE, "utf-32-le", 4),
        (codecs.BOM_UTF32_BE, "utf-32-be", 4),
        (codecs.BOM_UTF16_LE, "utf-16-le", 2),
        (codecs.BOM_UTF16_BE, "utf-16-be", 2),
        (codecs.BOM_UTF8, "latin-1", 3),
        # Without a BOM, XML parsers recognise UTF-16/32 by the zero bytes around the first "<".
        (b"\x00\x00\x00<", "utf-32-be", 0),
        (b"<\x00\x00\x00", "utf-32-le", 0),
        (b"\x00<", "utf-16-be", 0),
        (b"<\x00", "utf-16-le", 0),
    ):
        if raw.startswith(prefix):
            return raw[skip:].decode(codec, "replace")
    # Latin-1 maps bytes to characters one to one, so ASCII markup in any ASCII-compatible
    # encoding (UTF-8 included) is found as is.
    return raw.decode("latin-1")


def _refuse_unsafe_xml(display: str, raw: bytes) -> None:
    """Refuse DTDs and entity declarations, and encodings that would hide them from this check."""
    text = _xml_as_text(raw)
    lowered = text.lower()
    if "<!doctype" in lowered or "<!entity" in lowered:
        raise LoadError(
            f"{display} contains XML entity declarations, which Word never writes; "
            "refusing it for safety."
        )
    stripped = text.lstrip(" \t\r\n")
    declaration = _XML_ENCODING_DECLARATION.match(stripped)
    encoding = declaration.group(1).strip() if declaration else ""
    # Markup that does not start with "<" here is in an encoding such as EBCDIC or UTF-7, in
    # which a DOCTYPE would be invisible to the search above.
    if (stripped and not stripped.startswith("<")) or (
        encoding and not _SAFE_XML_ENCODING.fullmatch(encoding)
    ):
        shown = "".join(ch for ch in encoding[:20] if ch.isprintable()) or "unrecognised"
        raise LoadError(
            f"{display} contains XML in an encoding Word never writes ({shown}); "
            "refusing it for safety."
        )


def safe_xml_parser() -> etree.XMLParser:
    """A parser for parts this module has checked: no entities, no DTD, no network, and lxml's
    size limits on. A new one each time: lxml parsers must not be shared between threads."""
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)


def _local_name(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _content_types(display: str, raw: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """``[Content_Types].xml`` as (content type by extension, content type by part name).

    Only called once :func:`_refuse_unsafe_xml` has passed the bytes, and parsed with
    :func:`safe_xml_parser` all the same.
    """
    try:
        root = etree.fromstring(raw, safe_xml_parser())
    except etree.XMLSyntaxError:
        raise _damaged(display) from None
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for element in root:
        kind = _local_name(element.tag)  # "" for comments and processing instructions
        content_type = element.get("ContentType") or ""
        if kind == "Default":
            defaults[(element.get("Extension") or "").lower()] = content_type
        elif kind == "Override":
            overrides[(element.get("PartName") or "").lstrip("/").lower()] = content_type
    return defaults, overrides


def _main_document_target(display: str, package_rels: bytes) -> str:
    """The ZIP name of the main document part according to ``_rels/.rels``, or ``""``."""
    if not package_rels:
        return ""
    try:
        root = etree.fromstring(package_rels, safe_xml_parser())
    except etree.XMLSyntaxError:
        raise _damaged(display) from None
    for relationship in root:
        if (
            is_relationship(relationship.get("Type"), "officeDocument")
            and relationship.get("TargetMode") != "External"
        ):
            return posixpath.normpath((relationship.get("Target") or "").lstrip("/"))
    return ""
