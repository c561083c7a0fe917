"""Turning an uploaded draft into plain text, or refusing it with a message a person can act on.

``load_file(name, data)`` accepts ``.txt``, ``.md``/``.markdown``, ``.docx`` and
``.html``/``.htm``. Whatever goes wrong, the caller gets either the whole text or a
:class:`LoadError` whose ``str()`` is one plain sentence (or two) fit to show an editor: never a
traceback and never half the text.

* Text formats must be UTF-8 (with or without a BOM) or UTF-16 with a BOM. Legacy encodings are
  not guessed: a wrong guess silently changes quotes and names, which is worse than asking.
* ``.docx`` files are checked before python-docx parses them: ZIP structure, every part's CRC,
  zip-bomb limits, and XML entity declarations (which Word never writes).
* HTML is reduced to its readable text with the standard library's ``HTMLParser``; markup in the
  text (``&lt;script&gt;``) comes out as literal characters, and the app escapes it on output.

No Django imports: this module is tested and benchmarked on its own.
"""

from __future__ import annotations

import codecs
import io
import math
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.parts.coreprops import CorePropertiesPart
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.oxml.text.run import CT_R
from docx.text.paragraph import Paragraph
from lxml import etree

__all__ = ["SUPPORTED_EXTENSIONS", "LoadError", "Loaded", "decode_text", "load_file"]


class LoadError(Exception):
    """A file we refuse; str(exc) is a message fit to show the user."""


@dataclass(frozen=True, slots=True)
class Loaded:
    """The text of an accepted file.

    ``text`` is plain text, not yet normalised beyond what the format needs (the caller normalises
    line endings and applies NFC). ``title_hint`` is a title found in the file, or ``""``.
    ``kind`` is ``"txt"``, ``"md"``, ``"docx"`` or ``"html"``.
    """

    text: str
    title_hint: str
    kind: str


SUPPORTED_EXTENSIONS: tuple[str, ...] = (".txt", ".md", ".markdown", ".docx", ".html", ".htm")

_KIND_BY_EXTENSION = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
}
_UPLOAD_HINT = "upload .txt, .md, .docx or .html"

_MB = 1024 * 1024
DEFAULT_MAX_BYTES = 5 * _MB

# Zip-bomb limits for .docx. A long article with photos is a few MB unpacked; these leave a wide
# margin while keeping the worst case (memory and time) small.
DOCX_MAX_UNPACKED_BYTES = 50 * _MB
DOCX_MAX_ENTRIES = 2_000
DOCX_MAX_RATIO = 100
DOCX_RATIO_MIN_BYTES = 1 * _MB  # small parts may compress extremely well and harm nobody


def load_file(name: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded:
    """Return the text of the uploaded file ``name`` whose content is ``data``.

    ``name`` is the file name as uploaded (a path is tolerated; only its last component is used);
    its extension decides the format, and the content must agree with it. Files larger than
    ``max_bytes`` are refused. Raises :class:`LoadError` for anything we cannot read whole.
    """
    display = _display_name(name)
    extension = _extension(name)
    kind = _KIND_BY_EXTENSION.get(extension)
    if kind is None:
        raise LoadError(_unsupported_message(display, extension))
    data = bytes(data)
    check_size(name, len(data), max_bytes=max_bytes)
    if not data.strip():
        raise LoadError(f"{display} is empty.")
    try:
        if kind == "docx":
            return _load_docx(display, data)
        return _load_text_format(display, data, kind)
    except LoadError:
        raise
    except Exception as exc:
        # The last line of defence: a bug or an exotic input must still reach the editor as a
        # sentence. The original exception stays chained for the logs.
        raise LoadError(f"{display} could not be read ({_short_reason(exc)}).") from exc


def check_size(name: str | None, size: int, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse ``size`` bytes over ``max_bytes``; ``name`` is the file's, or None for pasted text.

    Callers holding an upload on disk call this before reading it into memory.
    """
    if size > max_bytes:
        subject = _display_name(name) if name is not None else "The text"
        raise LoadError(
            f"{subject} is {_format_size(size, round_up=True)}; "
            f"the limit is {_format_size(max_bytes)}."
        )


def decode_text(data: bytes) -> str:
    """Decode pasted or command-line text: UTF-8 (BOM optional) or UTF-16 with a BOM.

    The BOM is dropped. Empty input gives ``""`` (deciding whether that is acceptable is the
    caller's business). Raises :class:`LoadError` for any other encoding or for binary data.
    """
    return _decode(bytes(data), "This input", is_file=False)


# --------------------------------------------------------------------------------------------
# Names, sizes and messages


def _basename(name: str) -> str:
    # Some browsers and clients send a full path ("C:\\Users\\...\\draft.docx").
    return re.split(r"[\\/]", name)[-1]


def _display_name(name: str) -> str:
    """The file name as it appears in messages: quoted, printable, and not absurdly long."""
    base = "".join(ch for ch in _basename(name) if ch.isprintable()).strip()
    if not base:
        return "The file"
    if len(base) > 80:
        base = base[:79] + "…"
    return f"“{base}”"


def _extension(name: str) -> str:
    """The lower-cased extension with its dot (``".docx"``), or ``""`` if there is none."""
    _stem, dot, ext = _basename(name).strip().rpartition(".")
    if not dot or not ext:
        return ""
    return "." + ext.lower()


def _unsupported_message(display: str, extension: str) -> str:
    if not extension:
        return f"{display} has no file extension, so its type is unknown; {_UPLOAD_HINT}."
    shown = "".join(ch for ch in extension if ch.isprintable())
    if len(shown) > 20:
        shown = shown[:19] + "…"
    if extension == ".doc":
        return (
            f"{display} is a .doc file (the old Word format); save it as .docx in Word, "
            f"or {_UPLOAD_HINT}."
        )
    return f"{display} is a {shown} file; {_UPLOAD_HINT}."


def _format_size(size: int, *, round_up: bool = False) -> str:
    """``7549747`` → ``"7.2 MB"``; ``5242880`` → ``"5 MB"``.

    With ``round_up`` the figure is rounded up, so a file just over the limit never reads as
    being exactly at it ("5.1 MB; the limit is 5 MB", not "5 MB; the limit is 5 MB").
    """
    if size < 1024:
        return "1 byte" if size == 1 else f"{size:,} bytes"
    value, unit = (size / _MB, "MB") if size >= _MB else (size / 1024, "KB")
    value = math.ceil(value * 10) / 10 if round_up else round(value, 1)
    return f"{value:,.1f}".removesuffix(".0") + f" {unit}"


def _short_reason(exc: BaseException) -> str:
    """A one-line, bounded description of an exception, for the end of a message."""
    # str(KeyError("x")) is "'x'", with quotes; the argument itself reads better.
    single = len(exc.args) == 1 and isinstance(exc.args[0], str)
    text = exc.args[0] if single else str(exc)
    lines = text.strip().splitlines()
    text = " ".join(lines[0].split()) if lines else ""
    if not text:
        return f"unexpected {type(exc).__name__}"
    if len(text) > 160:
        text = text[:159] + "…"
    return text.rstrip(".")


# --------------------------------------------------------------------------------------------
# Text decoding

# Signatures of files that are often renamed or exported by mistake. Checked on .txt, .md and
# .html, where decoding them would give an unhelpful "not UTF-8 at offset 10" message.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive, perhaps a .docx file with the wrong extension"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-format Office file, such as a Word .doc"),
    (b"\x1f\x8b", "a gzip archive"),
)
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _refuse_binary_signature(display: str, data: bytes) -> None:
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise LoadError(f"{display} looks like a binary file ({what}), not text.")
    if data.startswith(b"{\\rtf"):
        raise LoadError(
            f"{display} is an RTF document, not plain text; save it as .docx or as plain text."
        )


def _binary_message(subject: str, *, is_file: bool) -> str:
    noun = "a binary file" if is_file else "binary data"
    return f"{subject} looks like {noun}, not text (it contains NUL bytes)."


def _decode(data: bytes, subject: str, *, is_file: bool, declared: str = "") -> str:
    """Decode UTF-8 (BOM optional) or BOM-marked UTF-16, dropping the BOM.

    ``subject`` starts the error messages (``"“draft.txt”"`` or ``"This input"``); ``declared``
    is a charset the file claims, mentioned when it is not UTF-8.
    """
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        # Checked before UTF-16: the UTF-32 LE BOM begins with the UTF-16 LE one.
        raise LoadError(
            f"{subject} is UTF-32 text, which is not supported; save it as UTF-8 and try again."
        )
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise LoadError(
                    f"{subject} is marked as UTF-16 text but is damaged at byte offset "
                    f"{exc.start + len(bom)}; save it as UTF-8 and try again."
                ) from None
            break
    else:
        skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
        body = data[skip:]
        # NUL is valid UTF-8 but never appears in text; without this check most binary files
        # would get the less helpful "not UTF-8" message below.
        if b"\x00" in body:
            raise LoadError(_binary_message(subject, is_file=is_file))
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LoadError(
                _not_utf8_message(subject, data, exc.start + skip, declared=declared)
            ) from None
    if "\x00" in text:
        raise LoadError(_binary_message(subject, is_file=is_file))
    return text


def _not_utf8_message(subject: str, data: bytes, offset: int, *, declared: str = "") -> str:
    line = data.count(b"\n", 0, offset) + 1
    claim = f" (it declares the character set {declared}, but only UTF-8 is accepted)"
    return (
        f"{subject} is not UTF-8 text{claim if declared else ''}: byte 0x{data[offset]:02X} "
        f"at offset {offset} (line {line}) is not valid UTF-8. It was probably saved in an older "
        "encoding such as Windows-1252 or Latin-1; save it as UTF-8 and try again."
    )


def _load_text_format(display: str, data: bytes, kind: str) -> Loaded:
    _refuse_binary_signature(display, data)
    if kind == "html":
        return _load_html(display, data)
    text = _decode(data, display, is_file=True)
    if not text.strip():
        raise LoadError(f"{display} is empty.")
    title = _markdown_title(text) if kind == "md" else ""
    return Loaded(text=text, title_hint=title, kind=kind)


# --------------------------------------------------------------------------------------------
# Markdown

_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_FRONT_MATTER_KEY = re.compile(r"^[A-Za-z0-9_-]+[ \t]*:")


def _markdown_title(text: str) -> str:
    """The text of the first ATX heading (``# Title``), outside code fences and front matter."""
    lines = text.splitlines()
    start = 0
    # YAML front matter (Jekyll, Hugo) may hold "# comments" that are not headings.
    if len(lines) > 1 and lines[0].strip() == "---" and _FRONT_MATTER_KEY.match(lines[1]):
        for index in range(1, len(lines)):
            if lines[index].strip() in ("---", "..."):
                start = index + 1
                break
    fence: str | None = None  # the opening fence while inside a fenced code block
    for line in lines[start:]:
        fence_match = _FENCE.match(line)
        if fence is not None:
            # A fence closes with the same character, at least as long, and nothing after it.
            if (
                fence_match
                and fence_match.group(1)[0] == fence[0]
                and len(fence_match.group(1)) >= len(fence)
                and not line[fence_match.end() :].strip()
            ):
                fence = None
            continue
        if fence_match:
            fence = fence_match.group(1)
            continue
        heading = _ATX_HEADING.match(line)
        if heading and heading.group(1) and heading.group(1).strip():
            return heading.group(1).strip()
    return ""


# --------------------------------------------------------------------------------------------
# HTML

_META_CHARSET = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})", re.I)
_UTF8_NAMES = frozenset({"utf-8", "utf8", "unicode-1-1-utf-8"})

# Elements whose content is never shown as text.
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe"})
# What may appear inside <head>; any other start tag closes it, as in browsers.
_HEAD_TAGS = frozenset({"meta", "link", "base", "title"})
# Elements that end a paragraph (on their start and on their end).
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd",
        "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend",
        "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
        "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
# HTML white space; \s would also swallow no-break spaces, which are the writer's.
_HTML_SPACE_RUN = re.compile(r"[ \t\n\r\f]+")
_HTML_SPACE = " \t\n\r\f"


def _collapse(text: str) -> str:
    return _HTML_SPACE_RUN.sub(" ", text).strip(" ")


class _HTMLTextExtractor(HTMLParser):
    """Collects the readable text of an HTML document as a list of paragraphs.

    Inline white space collapses to one space; each block element ends a paragraph; ``<pre>``
    keeps its lines. The first ``<title>`` and the first ``<h1>`` are kept as title candidates.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.title = ""
        self.first_h1 = ""
        self._inline: list[str] = []
        self._pre: list[str] = []
        self._pre_depth = 0
        self._skip_depth: dict[str, int] = {}
        self._in_head = False
        self._title_parts: list[str] | None = None
        self._h1_parts: list[str] | None = None
        self._h1_depth = 0

    # -- parser callbacks (tag names arrive lower-cased) --

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth[tag] = self._skip_depth.get(tag, 0) + 1
            return
        if self._skipping:
            return
        if tag == "head":
            self._in_head = True
            return
        if tag == "title":
            self._title_parts = []
            return
        if self._in_head:
            if tag in _HEAD_TAGS:
                return
            self._in_head = False
        if self._title_parts is not None and tag in _BLOCK_TAGS:
            # An unclosed <title> must not swallow the article.
            self._end_title()
        if tag == "h1":
            self._h1_depth += 1
            if self._h1_depth == 1 and not self.first_h1:
                self._h1_parts = []
        if tag == "pre":
            if self._pre_depth == 0:
                self._end_paragraph()
            self._pre_depth += 1
        elif self._pre_depth:
            if tag == "br":
                self._pre.append("\n")
        elif tag in _BLOCK_TAGS:
            self._end_paragraph()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            if self._skip_depth.get(tag):
                self._skip_depth[tag] -= 1
            return
        if self._skipping:
            return
        if tag == "head":
            self._in_head = False
            return
        if tag == "title":
            self._end_title()
            return
        if tag == "h1" and self._h1_depth:
            self._h1_depth -= 1
            if self._h1_depth == 0 and self._h1_parts is not None:
                self.first_h1 = _collapse("".join(self._h1_parts))
                self._h1_parts = None
        if tag == "pre":
            if self._pre_depth:
                self._pre_depth -= 1
                if self._pre_depth == 0:
                    self._end_pre()
        elif not self._pre_depth and tag in _BLOCK_TAGS:
            self._end_paragraph()

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._title_parts is not None:
            self._title_parts.append(data)
            return
        if self._in_head:
            if not data.strip(_HTML_SPACE):
                return
            # Text in <head> makes browsers start the body; it is the writer's text.
            self._in_head = False
        if self._h1_parts is not None:
            self._h1_parts.append(data)
        (self._pre if self._pre_depth else self._inline).append(data)

    # -- helpers --

    @property
    def _skipping(self) -> bool:
        return any(self._skip_depth.values())

    def _end_title(self) -> None:
        if self._title_parts is not None and not self.title:
            self.title = _collapse("".join(self._title_parts))
        self._title_parts = None

    def _end_paragraph(self) -> None:
        if not self._inline:
            return
        text = _collapse("".join(self._inline))
        self._inline = []
        if text.strip():  # a paragraph of no-break spaces (<p>&nbsp;</p>) is empty too
            self.paragraphs.append(text)

    def _end_pre(self) -> None:
        text = "".join(self._pre)
        self._pre = []
        # As in browsers, a newline straight after <pre> is not content.
        text = text.removeprefix("\n")
        lines = [line.rstrip() for line in text.split("\n")]
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        if lines:
            self.paragraphs.append("\n".join(lines))

    def finish(self) -> str:
        """Flush everything still open and return the paragraphs joined by blank lines."""
        self.close()
        if self._pre:
            self._end_pre()
        self._end_paragraph()
        self._end_title()
        if self._h1_parts is not None:
            self.first_h1 = _collapse("".join(self._h1_parts))
        return "\n\n".join(self.paragraphs)


def _html_declared_charset(data: bytes) -> str:
    """The charset named by a ``<meta>`` in the first 4 KB, lower-cased, or ``""``."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else ""


def _load_html(display: str, data: bytes) -> Loaded:
    # (The UTF-32 LE BOM starts with the UTF-16 LE one; _decode refuses UTF-32 either way.)
    has_bom = data.startswith(
        (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)
    )
    declared = "" if has_bom else _html_declared_charset(data)
    # A BOM wins over <meta>. A <meta> that says UTF-16 in a file without a BOM is readable as
    # ASCII, so it is not UTF-16: browsers then use UTF-8, and so do we. Any other declared
    # charset is only mentioned if the bytes turn out not to be UTF-8 (pure ASCII is fine).
    if declared in _UTF8_NAMES or declared.startswith("utf-16"):
        declared = ""
    text = _decode(data, display, is_file=True, declared=declared)
    # The HTML parsing rules turn CR LF and lone CR into LF before anything else.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    extractor = _HTMLTextExtractor()
    try:
        extractor.feed(text)
        body = extractor.finish()
    except Exception as exc:
        raise LoadError(f"{display} could not be read as HTML ({_short_reason(exc)}).") from exc
    if not body.strip():
        raise LoadError(f"{display} is empty: it has no readable text.")
    return Loaded(text=body, title_hint=extractor.title or extractor.first_h1, kind="html")


# --------------------------------------------------------------------------------------------
# .docx: checking the package


def _not_docx(display: str, why: str) -> LoadError:
    return LoadError(f"{display} is not a valid .docx file: {why}.")


def _damaged(display: str) -> LoadError:
    return _not_docx(
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


def _check_docx_package(display: str, data: bytes) -> None:
    """Refuse anything that is not a sound, modest Word package, before python-docx parses it.

    python-docx trusts the ZIP's own size fields and hands parts to lxml; this check makes sure
    that what it will unpack is small, intact and free of XML entity tricks.
    """
    if data.startswith(_OLE2_SIGNATURE):
        # Old .doc files and password-protected .docx files are both OLE2 containers.
        raise _not_docx(
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
        raise _not_docx(display, "it is not a Word document") from None

    with archive:
        infos = archive.infolist()
        _refuse_zip_bomb(display, infos)
        names = {info.filename for info in infos}
        if "word/document.xml" not in names:
            for marker, what in _OTHER_PACKAGES:
                if marker in names:
                    raise _not_docx(display, what)
            if "_rels/.rels" not in names:
                raise _not_docx(display, "it is not a Word document")
        if "[Content_Types].xml" not in names:
            raise _not_docx(display, "it is not a Word document")

        # [Content_Types].xml first: it says which other parts are XML that will be parsed.
        content_types_xml = _read_part(display, data, archive.getinfo("[Content_Types].xml"))
        _refuse_unsafe_xml(display, content_types_xml)
        defaults, overrides = _content_types(display, content_types_xml)

        package_rels = b""
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
            if info.filename == "_rels/.rels":
                package_rels = content

        if "word/document.xml" not in names:
            # Some editors name the main part differently (word/document2.xml, say); the
            # package relationships say where it is, and that is what python-docx follows.
            target = _main_document_target(display, package_rels)
            if target not in names:
                raise _not_docx(display, "it is not a Word document")


def _refuse_zip_bomb(display: str, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse on the sizes the ZIP declares; :func:`_read_part` holds each part to them."""
    if len(infos) > DOCX_MAX_ENTRIES:
        raise _bomb(display, f"it holds {len(infos):,} files; the limit is {DOCX_MAX_ENTRIES:,}")
    total = sum(info.file_size for info in infos)
    if total > DOCX_MAX_UNPACKED_BYTES:
        raise _bomb(
            display,
            f"{_format_size(total, round_up=True)}; "
            f"the limit is {_format_size(DOCX_MAX_UNPACKED_BYTES)}",
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
        raise _not_docx(
            display, "parts of it are encrypted; remove the password in Word and save it again"
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        # Word only writes stored and deflated parts; bzip2/LZMA inflate without a cap.
        raise _not_docx(display, "it uses a compression method Word never writes")
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


# For the two parts read here before python-docx: no entities, no DTD, no network, size limits on.
_SAFE_XML_PARSER = etree.XMLParser(
    resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False
)


def _local_name(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _content_types(display: str, raw: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """``[Content_Types].xml`` as (content type by extension, content type by part name).

    Only called once :func:`_refuse_unsafe_xml` has passed the bytes, and parsed with
    :data:`_SAFE_XML_PARSER` all the same.
    """
    try:
        root = etree.fromstring(raw, _SAFE_XML_PARSER)
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
        root = etree.fromstring(package_rels, _SAFE_XML_PARSER)
    except etree.XMLSyntaxError:
        raise _damaged(display) from None
    for relationship in root:
        if (
            relationship.get("Type") == RELATIONSHIP_TYPE.OFFICE_DOCUMENT
            and relationship.get("TargetMode") != "External"
        ):
            return posixpath.normpath((relationship.get("Target") or "").lstrip("/"))
    return ""


# --------------------------------------------------------------------------------------------
# .docx: reading the text

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


def _load_docx(display: str, data: bytes) -> Loaded:
    _check_docx_package(display, data)
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
            raise _not_docx(
                display,
                "it is a macro-enabled document or a template rather than a Word document; "
                "save it in Word as a Word Document (.docx)",
            ) from exc
        raise LoadError(
            f"{display} could not be read as a Word document: {_short_reason(exc)}."
        ) from exc
    if not paragraphs:
        raise LoadError(f"{display} is empty: it contains no text.")
    return Loaded(text="\n\n".join(paragraphs), title_hint=title, kind="docx")
