"""The reference library: reading an uploaded document into text, cutting it into passages,
and the services that add a document to a newsroom's library or archive it.

``.txt``, ``.md``, ``.html`` and ``.docx`` are read by :func:`factcheck.analysis.loaders.
load_file` (encodings, zip bombs, XML entities); ``.pdf`` by pypdf, refused when it is too
large, damaged, password-protected, longer than MAX_PDF_PAGES pages or without text. A refused
file raises LibraryInputError with a message fit to show the editor, before anything is written.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pypdf
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from factcheck.analysis.loaders import LoadError, check_size, load_file
from factcheck.analysis.normalise import normalise_text, strip_span, title_from_text
from factcheck.errors import FactcheckError
from factcheck.history.services import audit_record
from factcheck.newsrooms.access import Capability, require
from factcheck.newsrooms.models import Newsroom
from factcheck.sources.models import Passage, ReferenceDocument

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024  # reports and transcripts run larger than drafts
MAX_PDF_PAGES = 2_000
MAX_CHARS = 5_000_000  # the text of about 2,000 dense pages
SUPPORTED_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf")
PASSAGE_MAX_CHARS = 1_000
PASSAGE_MAX_PARAGRAPHS = 3
TITLE_MAX = 300


class LibraryInputError(FactcheckError):
    """A document we refuse; ``str(exc)`` is a message fit to show the user."""


@dataclass(frozen=True)
class ReadDocument:
    text: str  # normalised: \n line endings, NFC
    title_hint: str
    kind: str  # txt, md, html, docx, pdf


# --- Reading ------------------------------------------------------------------------------------


def read_document(name: str, data: bytes, *, max_bytes: int | None = None) -> ReadDocument:
    """The text of the uploaded file ``name``; LoadError when it cannot be read whole. Files
    over ``max_bytes`` (default MAX_BYTES) are refused."""
    max_bytes = max_bytes or MAX_BYTES
    if _extension(name) == ".pdf":
        check_size(name, len(data), max_bytes=max_bytes)
        text, title = _read_pdf(_display(name), bytes(data))
        kind = "pdf"
    else:
        loaded = load_file(name, data, max_bytes=max_bytes)
        text, title, kind = loaded.text, loaded.title_hint, loaded.kind
    text = normalise_text(text)
    if len(text) > MAX_CHARS:
        raise LoadError(
            f"{_display(name)} holds {len(text):,} characters of text; the limit is "
            f"{MAX_CHARS:,}. Split it into smaller documents."
        )
    if not text.strip():
        raise LoadError(f"{_display(name)} holds no text.")
    return ReadDocument(text=text, title_hint=title.strip(), kind=kind)


def _read_pdf(display: str, data: bytes) -> tuple[str, str]:
    if b"%PDF-" not in data[:1024]:
        raise LoadError(f"{display} is not a PDF document (it lacks the PDF header).")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _unlock(display, reader)
        pages = len(reader.pages)
    except LoadError:
        raise
    except Exception as exc:
        logger.info("Refused a damaged PDF %s: %r", display, exc)
        raise LoadError(
            f"{display} could not be read: it is damaged or not a valid PDF ({_reason(exc)})."
        ) from exc
    if pages > MAX_PDF_PAGES:
        raise LoadError(
            f"{display} has {pages:,} pages; the limit is {MAX_PDF_PAGES:,}. "
            "Split it into smaller documents."
        )
    texts: list[str] = []
    total = 0
    for number in range(1, pages + 1):
        try:
            page_text = reader.pages[number - 1].extract_text() or ""
        except Exception as exc:
            raise LoadError(
                f"The text of page {number} of {display} could not be read ({_reason(exc)})."
            ) from exc
        page_text = _printable(page_text).strip()
        total += len(page_text)
        if total > MAX_CHARS:
            raise LoadError(
                f"{display} holds more than {MAX_CHARS:,} characters of text. "
                "Split it into smaller documents."
            )
        if page_text:
            texts.append(page_text)
    if not texts:
        raise LoadError(
            f"{display} has no text layer: its pages are probably scanned images. "
            "Run it through OCR and upload the result."
        )
    return "\n\n".join(texts), _pdf_title(reader)


def _unlock(display: str, reader: pypdf.PdfReader) -> None:
    """Many PDFs are encrypted only to restrict printing or copying: they open without a
    password, and so can we. A password to open it is where we stop."""
    save_copy = (
        "Save an unprotected copy (in your PDF reader: print to PDF, or remove the security) "
        "and upload that."
    )
    try:
        opened = reader.decrypt("")
    except Exception as exc:  # e.g. AES, which needs the optional cryptography package
        raise LoadError(
            f"{display} is encrypted in a way that cannot be opened here ({_reason(exc)}). "
            + save_copy
        ) from exc
    if not opened:
        raise LoadError(f"{display} is protected by a password. {save_copy}")


def _pdf_title(reader: pypdf.PdfReader) -> str:
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:
        return ""
    return _printable(str(title or "")).strip()


def _printable(text: str) -> str:
    """Text without control characters (PDFs hold NULs, which PostgreSQL refuses), keeping
    line breaks and tabs."""
    return "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")
    )


def _reason(exc: BaseException) -> str:
    """One bounded line about ``exc`` (a KeyError's key without its quotes)."""
    single = len(exc.args) == 1 and isinstance(exc.args[0], str)
    text = " ".join((exc.args[0] if single else str(exc)).split()) or type(exc).__name__
    return text[:159] + "…" if len(text) > 160 else text.rstrip(".")


def _extension(name: str) -> str:
    base = re.split(r"[\\/]", name)[-1].strip()
    _stem, dot, ext = base.rpartition(".")
    return "." + ext.lower() if dot and ext else ""


def _display(name: str) -> str:
    base = "".join(ch for ch in re.split(r"[\\/]", name)[-1] if ch.isprintable()).strip()
    if not base:
        return "The file"
    return f"“{base[:79] + '…' if len(base) > 80 else base}”"


# --- Passages -----------------------------------------------------------------------------------

_PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*")  # a run of non-blank lines
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*\s")


def split_passages(
    text: str, *, max_chars: int = PASSAGE_MAX_CHARS, max_paragraphs: int = PASSAGE_MAX_PARAGRAPHS
) -> list[tuple[int, int]]:
    """``[start, end)`` of each passage of ``text``: one to ``max_paragraphs`` paragraphs of at
    most ``max_chars`` characters together, without the white space around them. A paragraph
    longer than ``max_chars`` is cut at a line break, else a sentence's end, else a space."""
    passages: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    count = 0
    for start, end in _pieces(text, max_chars):
        if current and end - current[0] <= max_chars and count < max_paragraphs:
            current = (current[0], end)
            count += 1
            continue
        if current:
            passages.append(current)
        current, count = (start, end), 1
    if current:
        passages.append(current)
    return passages


def _pieces(text: str, max_chars: int) -> list[tuple[int, int]]:
    pieces = []
    for match in _PARAGRAPH.finditer(text):
        start, end = strip_span(text, match.start(), match.end())
        while end - start > max_chars:
            cut = _cut(text, start, start + max_chars, max_chars)
            piece_start, piece_end = strip_span(text, start, cut)
            if piece_end > piece_start:
                pieces.append((piece_start, piece_end))
            start, end = strip_span(text, cut, end)
        if end > start:
            pieces.append((start, end))
    return pieces


def _cut(text: str, start: int, limit: int, max_chars: int) -> int:
    """Where to cut ``text[start:]`` at or before ``limit``."""
    newline = text.rfind("\n", start + max_chars // 2, limit)
    if newline != -1:
        return newline
    ends = [m.end() for m in _SENTENCE_END.finditer(text, start + max_chars // 3, limit + 1)]
    if ends:
        return min(ends[-1], limit)
    space = text.rfind(" ", start + max_chars // 3, limit)
    return space if space != -1 else limit


# --- Services ------------------------------------------------------------------------------


def document_url(document: ReferenceDocument) -> str:
    return reverse("sources:document", kwargs={"pk": document.pk})


def upload_check_size(name: str, size: int) -> None:
    """Refuse an upload over the limit before it is read into memory."""
    try:
        check_size(name, size, max_bytes=MAX_BYTES)
    except LoadError as exc:
        raise LibraryInputError(str(exc)) from exc


def document_upload(
    *, newsroom: Newsroom, by: User | None, name: str, data: bytes, title: str = ""
) -> ReferenceDocument:
    """Add the file ``name`` (content ``data``) to ``newsroom``'s library, cut into passages.

    The file is read and cut before anything is written, and the document and its passages are
    written in one transaction: a refused file leaves nothing behind. Uploading the same file
    (name and text) again returns the document already there. ``title`` defaults to the
    file's own title, else its first line. ``by=None`` is the command line acting without a
    user; otherwise ``by`` must be allowed to load drafts in ``newsroom`` (editors and admins).
    """
    _require(by, newsroom.pk, newsroom)
    try:
        read = read_document(name, data)
    except LoadError as exc:
        raise LibraryInputError(str(exc)) from exc
    spans = split_passages(read.text)
    chosen = (
        " ".join(title.split())
        or " ".join(read.title_hint.split())
        or title_from_text(read.text, max_length=TITLE_MAX)
        or re.split(r"[\\/]", name)[-1]
    )
    filename = re.split(r"[\\/]", name)[-1][:255]
    with transaction.atomic():
        # The same file sent twice (a double click, a re-run seed) is the same document.
        same = ReferenceDocument.objects.filter(
            newsroom=newsroom, archived_at__isnull=True, filename=filename, text=read.text
        ).first()
        if same is not None:
            return same
        document = ReferenceDocument.objects.create(
            newsroom=newsroom,
            title=_clip(chosen),
            filename=filename,
            kind=read.kind,
            text=read.text,
            uploaded_by=by,
        )
        Passage.objects.bulk_create(
            Passage(document=document, index=i, start=s, end=e, text=read.text[s:e])
            for i, (s, e) in enumerate(spans)
        )
        audit_record(
            obj=document,
            action="created",
            actor=by,
            summary=f"Added “{document.title}” to the reference library ({len(spans)} passages)",
            newsroom_id=newsroom.pk,
            draft_id=None,
        )
    return document


def document_archive(*, document: ReferenceDocument, by: User | None) -> ReferenceDocument:
    """Take a document out of the library's searches; it stays readable where evidence links to
    it. Archiving an archived document changes nothing."""
    with transaction.atomic():
        current = ReferenceDocument.objects.select_for_update().get(pk=document.pk)
        _require(by, current.newsroom_id)
        if current.archived_at is None:
            current.archived_at = timezone.now()
            current.save(update_fields=["archived_at"])
            audit_record(
                obj=current,
                action="archived",
                actor=by,
                summary=f"Archived “{current.title}” in the reference library",
                newsroom_id=current.newsroom_id,
                draft_id=None,
                changes={"archived_at": (None, current.archived_at)},
            )
    return current


def _require(by: User | None, newsroom_id: int, newsroom: Newsroom | None = None) -> None:
    where = f"{newsroom}'s" if newsroom is not None else "this newsroom's"
    message = f"Your role does not allow changing {where} reference library."
    require(by=by, newsroom_id=newsroom_id, capability=Capability.LOAD_DRAFT, message=message)


def _clip(title: str) -> str:
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1].rstrip() + "…"
