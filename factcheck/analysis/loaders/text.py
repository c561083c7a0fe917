"""Decoding text: its declared encoding, or UTF-8, or a detected legacy encoding (see
``charset``); and the binary files that are often mislabelled as text."""

from __future__ import annotations

from factcheck.analysis.loaders.base import LoadError
from factcheck.analysis.loaders.charset import decode_bytes

# Old .doc files and password-protected .docx files (docx_safety names both).
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

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
    (OLE2_SIGNATURE, "an old-format Office file, such as a Word .doc"),
    (b"\x1f\x8b", "a gzip archive"),
)


def decode_text(data: bytes, *, detect: bool = True) -> str:
    """Decode command-line text as a text file is decoded (a BOM, else UTF-8, else a detected
    legacy encoding); ``detect=False`` for pasted text, which is UTF-8 whatever it holds.

    The BOM is dropped. Empty input gives ``""`` (deciding whether that is acceptable is the
    caller's business). Raises :class:`LoadError` for binary data or bytes no encoding reads.
    """
    return decode_bytes(bytes(data), "This input", is_file=False, detect=detect).text


def refuse_binary_signature(display: str, data: bytes) -> None:
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise LoadError(f"{display} looks like a binary file ({what}), not text.")
    if data.startswith(b"{\\rtf"):
        raise LoadError(
            f"{display} is an RTF document, not plain text; save it as .docx or as plain text."
        )


def decode(
    data: bytes, subject: str, *, is_file: bool, charset: str = "", html: bool = False
) -> str:
    """The text of ``data``, its encoding decided as :mod:`.charset` describes (BOM, then the
    server's ``charset``, then what an ``html`` page or an XML declaration says, then UTF-8 or
    detection); the BOM is dropped.

    ``subject`` starts the error messages (``"“draft.txt”"`` or ``"This input"``).
    """
    return decode_bytes(data, subject, is_file=is_file, charset=charset, html=html).text
