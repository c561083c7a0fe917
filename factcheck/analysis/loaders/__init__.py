"""Turning an uploaded draft (or a fetched page) into plain text, or refusing it with a message a
person can act on.

``load_file(name, data)`` accepts ``.txt``, ``.md``/``.markdown``, ``.docx`` and
``.html``/``.htm``; ``load_content`` reads what a server sent for a link, by its media type.
Whatever goes wrong, the caller gets either the whole text or a :class:`LoadError` whose
``str()`` is one plain sentence (or two) fit to show an editor: never a traceback and never half
the text.

* Text formats are decoded in the encoding they declare (a BOM, the server's charset, an HTML
  ``<meta>``, an XML declaration), else as UTF-8, else in the legacy encoding charset-normalizer
  detects among the common ones; bytes no encoding reads, or too few to tell two readings
  apart, are refused with the byte and what was tried (``charset``).
* ``.docx`` files are checked before anything parses them: ZIP structure, every part's CRC,
  zip-bomb limits, and XML entity declarations (which Word never writes). Then the text is read
  as a reader sees it: notes after the body, text boxes, tables, list numbers, running headers
  and footers, tracked changes accepted, comments left out; Strict Open XML too. The loader
  marks headings, notes, list items and furniture as regions for the segmenter.
* Markdown front matter (YAML ``---`` or TOML ``+++``) gives the title and byline and is left
  out of the text; front matter that does not parse stays in the text, word for word.
* HTML: a news page becomes its article (``webpage``: trafilatura finds it; headings and the
  site furniture kept greyed are marked as regions); any other page, its whole readable text
  (the standard library's ``HTMLParser``). Markup in the text (``&lt;script&gt;``) comes out as
  literal characters, and the app escapes it on output.

The package: ``charset`` (which encoding), ``text`` (decoding), ``markdown``, ``html``,
``webpage`` (a page's article), ``docx_safety`` (the package checks), ``docx_parts`` (parts,
relationships, Strict), ``docx_numbering`` (styles and list numbers) and ``docx_text``; this
module routes a file to them by its extension, and what a server sent by its media type.

No Django imports: this package is tested and benchmarked on its own.
"""

from __future__ import annotations

import codecs
import re

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
from factcheck.analysis.loaders.markdown import load_markdown
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
    "load_content",
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


def load_file(
    name: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, charset: str = ""
) -> Loaded:
    """Return the text of the uploaded file ``name`` whose content is ``data``.

    ``name`` is the file name as uploaded (a path is tolerated; only its last component is used);
    its extension decides the format, and the content must agree with it. Files larger than
    ``max_bytes`` are refused. ``charset`` is the encoding a server declared for it, if any.
    Raises :class:`LoadError` for anything we cannot read whole.
    """
    display = display_name(name)
    extension = _extension(name)
    kind = _KIND_BY_EXTENSION.get(extension)
    if kind is None:
        raise LoadError(_unsupported_message(display, extension))
    return _load_kind(display, data, kind, charset=charset, max_bytes=max_bytes)


# What a server may send for a link, and the format each is read as.
_KIND_BY_MEDIA_TYPE = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "txt",
    "text/markdown": "md",
    "text/x-markdown": "md",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
# Types that say nothing about the content: the link's extension, or the content, decides.
_OPAQUE_MEDIA_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
_NOT_TEXT_MEDIA = (
    ("application/pdf", "a PDF document"),
    ("image/", "an image"),
    ("audio/", "a sound file"),
    ("video/", "a video"),
    ("font/", "a font"),
    ("application/zip", "a ZIP archive"),
    ("application/msword", "an old-format Word .doc file"),
)
_HTML_START = re.compile(
    rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S
)


def load_content(
    display: str,
    data: bytes,
    *,
    media_type: str,
    charset: str = "",
    name: str = "",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Loaded:
    """The text of what a server sent for a link, read by its ``media_type`` (``"text/html"``,
    lower-case, without parameters) and the ``charset`` it declared.

    ``display`` names the link in messages (already quoted, like :func:`display_name`'s);
    ``name`` is the last segment of the link's path, whose extension decides when the type says
    nothing (``application/octet-stream``, or no type). PDFs, images and other types that are
    not a page or text are refused, saying what they are.
    """
    kind = _KIND_BY_MEDIA_TYPE.get(media_type)
    if kind is None and media_type in _OPAQUE_MEDIA_TYPES:
        kind = _KIND_BY_EXTENSION.get(_extension(name))
        if kind is None and _HTML_START.match(bytes(data[:1024]).removeprefix(codecs.BOM_UTF8)):
            kind = "html"
    if kind is None:
        what = next((w for prefix, w in _NOT_TEXT_MEDIA if media_type.startswith(prefix)), "")
        shown = "".join(ch for ch in media_type if ch.isprintable())[:60] or "no type"
        if what:
            raise LoadError(f"{display} is {what} ({shown}), not a web page or text.")
        raise LoadError(
            f"{display} is of a type that is not a web page or text ({shown}); "
            "link to a web page, or to a .txt, .md or .docx file."
        )
    return _load_kind(display, data, kind, charset=charset, max_bytes=max_bytes)


def _load_kind(display: str, data: bytes, kind: str, *, charset: str, max_bytes: int) -> Loaded:
    data = bytes(data)
    if len(data) > max_bytes:
        raise LoadError(
            f"{display} is {format_size(len(data), round_up=True)}; "
            f"the limit is {format_size(max_bytes)}."
        )
    if not data.strip():
        raise LoadError(f"{display} is empty.")
    try:
        if kind == "docx":
            return load_docx(display, data)
        return _load_text_format(display, data, kind, charset)
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


def _load_text_format(display: str, data: bytes, kind: str, charset: str) -> Loaded:
    refuse_binary_signature(display, data)
    if kind == "html":
        return load_html(display, data, charset=charset)
    text = decode(data, display, is_file=True, charset=charset)
    if not text.strip():
        raise LoadError(f"{display} is empty.")
    if kind != "md":
        return Loaded(text=text, title_hint="", kind=kind)
    loaded = load_markdown(text)
    if not loaded.text.strip():
        raise LoadError(f"{display} holds only front matter (its header), and no text to check.")
    return loaded
