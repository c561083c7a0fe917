"""Turning an uploaded draft into plain text, or refusing it with a message a person can act on.

``load_file(name, data)`` accepts ``.txt``, ``.md``/``.markdown``, ``.docx`` and
``.html``/``.htm``. Whatever goes wrong, the caller gets either the whole text or a
:class:`LoadError` whose ``str()`` is one plain sentence (or two) fit to show an editor: never a
traceback and never half the text.

* Text formats must be UTF-8 (with or without a BOM) or UTF-16 with a BOM. Legacy encodings are
  not guessed: a wrong guess silently changes quotes and names, which is worse than asking.
* ``.docx`` files are checked before anything parses them: ZIP structure, every part's CRC,
  zip-bomb limits, and XML entity declarations (which Word never writes). Then the text is read
  as a reader sees it: notes after the body, text boxes, tables, list numbers, running headers
  and footers, tracked changes accepted, comments left out; Strict Open XML too. The loader
  marks headings, notes, list items and furniture as regions for the segmenter.
* HTML is reduced to its readable text with the standard library's ``HTMLParser``; markup in the
  text (``&lt;script&gt;``) comes out as literal characters, and the app escapes it on output.

The package: ``text`` (decoding), ``markdown``, ``html``, ``docx_safety`` (the package checks),
``docx_parts`` (parts, relationships, Strict), ``docx_numbering`` (styles and list numbers) and
``docx_text``; this module routes a file to them by its extension.

No Django imports: this package is tested and benchmarked on its own.
"""

from __future__ import annotations

from factcheck.analysis.loaders.base import (
    DEFAULT_MAX_BYTES,
    REGION_FURNITURE,
    REGION_HEADLINE,
    REGION_NOTE,
    REGION_TEXT,
    Loaded,
    LoadError,
    Region,
    basename,
    display_name,
    format_size,
    short_reason,
)
from factcheck.analysis.loaders.docx_safety import (
    DOCX_MAX_ENTRIES,
    DOCX_MAX_RATIO,
    DOCX_MAX_UNPACKED_BYTES,
    DOCX_RATIO_MIN_BYTES,
)
from factcheck.analysis.loaders.docx_text import load_docx
from factcheck.analysis.loaders.html import load_html
from factcheck.analysis.loaders.markdown import markdown_title
from factcheck.analysis.loaders.text import decode, decode_text, refuse_binary_signature

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DOCX_MAX_ENTRIES",
    "DOCX_MAX_RATIO",
    "DOCX_MAX_UNPACKED_BYTES",
    "DOCX_RATIO_MIN_BYTES",
    "REGION_FURNITURE",
    "REGION_HEADLINE",
    "REGION_NOTE",
    "REGION_TEXT",
    "SUPPORTED_EXTENSIONS",
    "LoadError",
    "Loaded",
    "Region",
    "check_size",
    "decode_text",
    "load_file",
]

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


def load_file(name: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded:
    """Return the text of the uploaded file ``name`` whose content is ``data``.

    ``name`` is the file name as uploaded (a path is tolerated; only its last component is used);
    its extension decides the format, and the content must agree with it. Files larger than
    ``max_bytes`` are refused. Raises :class:`LoadError` for anything we cannot read whole.
    """
    display = display_name(name)
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
            return load_docx(display, data)
        return _load_text_format(display, data, kind)
    except LoadError:
        raise
    except Exception as exc:
        # The last line of defence: a bug or an exotic input must still reach the editor as a
        # sentence. The original exception stays chained for the logs.
        raise LoadError(f"{display} could not be read ({short_reason(exc)}).") from exc


def check_size(name: str | None, size: int, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse ``size`` bytes over ``max_bytes``; ``name`` is the file's, or None for pasted text.

    Callers holding an upload on disk call this before reading it into memory.
    """
    if size > max_bytes:
        subject = display_name(name) if name is not None else "The text"
        raise LoadError(
            f"{subject} is {format_size(size, round_up=True)}; "
            f"the limit is {format_size(max_bytes)}."
        )


def _extension(name: str) -> str:
    """The lower-cased extension with its dot (``".docx"``), or ``""`` if there is none."""
    _stem, dot, ext = basename(name).strip().rpartition(".")
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


def _load_text_format(display: str, data: bytes, kind: str) -> Loaded:
    refuse_binary_signature(display, data)
    if kind == "html":
        return load_html(display, data)
    text = decode(data, display, is_file=True)
    if not text.strip():
        raise LoadError(f"{display} is empty.")
    title = markdown_title(text) if kind == "md" else ""
    return Loaded(text=text, title_hint=title, kind=kind)
