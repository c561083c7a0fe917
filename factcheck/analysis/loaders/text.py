"""Decoding text: UTF-8 (BOM optional) or UTF-16 with a BOM, and nothing guessed."""

from __future__ import annotations

import codecs

from factcheck.analysis.loaders.base import LoadError

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


def decode_text(data: bytes) -> str:
    """Decode pasted or command-line text: UTF-8 (BOM optional) or UTF-16 with a BOM.

    The BOM is dropped. Empty input gives ``""`` (deciding whether that is acceptable is the
    caller's business). Raises :class:`LoadError` for any other encoding or for binary data.
    """
    return decode(bytes(data), "This input", is_file=False)


def refuse_binary_signature(display: str, data: bytes) -> None:
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


def decode(data: bytes, subject: str, *, is_file: bool, declared: str = "") -> str:
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
