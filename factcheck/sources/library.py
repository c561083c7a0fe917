"""The reference library: reading an uploaded document into text, cutting it into passages,
and the services that add a document to a newsroom's library or archive it.

``.txt``, ``.md``, ``.html`` and ``.docx`` are read by :func:`factcheck.analysis.loaders.
load_file` (encodings, zip bombs, XML entities); ``.pdf`` by pypdf, refused when it is too
large, damaged, password-protected, longer than MAX_PDF_PAGES pages or without text. A refused
file raises LibraryInputError with a message fit to show the editor, before anything is written.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from factcheck.analysis.loaders import LoadError, check_size, load_file
from factcheck.analysis.normalise import normalise_text, strip_span, title_from_text
from factcheck.analysis.pdfread import (
    PdfLimits,
    PdfRefused,
    check_header,
    read_pdf,
    read_pdf_bounded,
)
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
    return _finish(name, text, title, kind)


def _finish(name: str, text: str, title: str, kind: str) -> ReadDocument:
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
    """In this process, unbounded: for the command line and the tests. Uploads are read by the
    worker within limits (:func:`document_parse`)."""
    try:
        return read_pdf(display, data, max_pages=MAX_PDF_PAGES, max_chars=MAX_CHARS)
    except PdfRefused as exc:
        raise LoadError(str(exc)) from exc


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
    written in one transaction: a refused file leaves nothing behind. A PDF is only checked
    here (size, header) and recorded ``processing``: a worker reads it within time and memory
    limits (:func:`document_parse`) once the transaction commits. Uploading the same file
    (name and text) again returns the document already there. ``title`` defaults to the
    file's own title, else its first line. ``by=None`` is the command line acting without a
    user; otherwise ``by`` must be allowed to load drafts in ``newsroom`` (editors and admins).
    """
    _require(by, newsroom.pk, newsroom)
    if _extension(name) == ".pdf":
        return _pdf_receive(newsroom=newsroom, by=by, name=name, data=data, title=title)
    try:
        read = read_document(name, data)
    except LoadError as exc:
        raise LibraryInputError(str(exc)) from exc
    spans = split_passages(read.text)
    chosen = _title(title, read, name)
    filename = _filename(name)
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


def _title(given: str, read: ReadDocument, name: str) -> str:
    return (
        " ".join(given.split())
        or " ".join(read.title_hint.split())
        or title_from_text(read.text, max_length=TITLE_MAX)
        or _filename(name)
    )


def _filename(name: str) -> str:
    return re.split(r"[\\/]", name)[-1][:255]


def _pdf_receive(
    *, newsroom: Newsroom, by: User | None, name: str, data: bytes, title: str
) -> ReferenceDocument:
    """Record the PDF ``processing`` and have a worker read it. The same file sent again (a
    double click) while its first copy is being read or is ready is that first copy."""
    try:
        check_size(name, len(data), max_bytes=MAX_BYTES)
        check_header(_display(name), data)
    except (LoadError, PdfRefused) as exc:
        raise LibraryInputError(str(exc)) from exc
    filename = _filename(name)
    checksum = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        same = (
            ReferenceDocument.objects.filter(
                newsroom=newsroom, archived_at__isnull=True, filename=filename, checksum=checksum
            )
            .exclude(status=ReferenceDocument.Status.FAILED)
            .defer("pending", "text")
            .first()
        )
        if same is not None:
            return same
        document = ReferenceDocument.objects.create(
            newsroom=newsroom,
            title=_clip(" ".join(title.split())),  # empty: the PDF's own, once read
            filename=filename,
            kind="pdf",
            text="",
            uploaded_by=by,
            status=ReferenceDocument.Status.PROCESSING,
            checksum=checksum,
            pending=data,
        )
        audit_record(
            obj=document,
            action="created",
            actor=by,
            summary=f"Added “{document}” to the reference library (to be read)",
            newsroom_id=newsroom.pk,
            draft_id=None,
        )
        pk = document.pk
        transaction.on_commit(lambda: _parse_later(pk))
    document.pending = None  # the caller has the file; the row keeps it until it is read
    return document


def _parse_later(document_id: int) -> None:
    from factcheck.sources.tasks import parse_library_document

    parse_library_document.delay(document_id)


def documents_requeue_lost(*, idle_for: timedelta) -> list[int]:
    """Send the reading task again for PDFs still ``processing`` well after their upload (the
    broker lost the message: Redis restarted, a worker died between taking it and recording
    it); their ids. Past ``idle_for`` (the broker's visibility timeout) plus the task's hard
    time limit, no delivery can still be at work on it. A duplicate is harmless: only a
    ``processing`` document is read, once."""
    from factcheck.sources.tasks import parse_library_document

    hard_limit = timedelta(seconds=parse_library_document.time_limit or 0)
    cutoff = timezone.now() - idle_for - hard_limit
    ids = list(
        ReferenceDocument.objects.filter(
            status=ReferenceDocument.Status.PROCESSING, created_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        parse_library_document.delay(pk)
    return ids


def pdf_limits() -> PdfLimits:
    """How long and how much memory reading one PDF may take (settings LIBRARY_PDF_*)."""
    return PdfLimits(
        max_pages=MAX_PDF_PAGES,
        max_chars=MAX_CHARS,
        memory_bytes=settings.LIBRARY_PDF_MEMORY_MB * 1024 * 1024,
        timeout=settings.LIBRARY_PDF_TIMEOUT_SECONDS,
    )


def document_parse(*, document_id: int) -> ReferenceDocument | None:
    """Read the ``processing`` PDF ``document_id`` in a child process within
    :func:`pdf_limits`: ``ready`` with its text and passages, or ``failed`` with a message fit
    to show the editor (the document stays, so nothing is lost). None when the document is gone
    or was read already (a second delivery of the task)."""
    row = (
        ReferenceDocument.objects.filter(pk=document_id, status=ReferenceDocument.Status.PROCESSING)
        .values_list("filename", "pending")
        .first()
    )
    if row is None:
        return None
    filename, pending = row
    try:
        if pending is None:
            raise LoadError(f"{_display(filename)} was lost before it could be read.")
        bounded = read_pdf_bounded(_display(filename), bytes(pending), pdf_limits())
        read = _finish(filename, bounded.text, bounded.title, "pdf")
    except (LoadError, PdfRefused) as exc:
        logger.info("Library PDF %s not read: %s", document_id, exc)
        return document_parse_failed(document_id=document_id, reason=str(exc))
    spans = split_passages(read.text)
    with transaction.atomic():
        current = _processing_locked(document_id)
        if current is None:
            return None
        current.title = _clip(_title(current.title, read, filename))
        current.text = read.text
        current.status = ReferenceDocument.Status.READY
        current.error = ""
        current.pending = None
        current.save(update_fields=["title", "text", "status", "error", "pending"])
        Passage.objects.bulk_create(
            Passage(document=current, index=i, start=s, end=e, text=read.text[s:e])
            for i, (s, e) in enumerate(spans)
        )
        audit_record(
            obj=current,
            action="read",
            actor=None,
            summary=f"Read “{current.title}” into the reference library ({len(spans)} passages)",
            newsroom_id=current.newsroom_id,
            draft_id=None,
            changes={"status": (ReferenceDocument.Status.PROCESSING, current.status)},
        )
    return current


def _processing_locked(document_id: int) -> ReferenceDocument | None:
    """The document, locked, while it is still ``processing`` (else None: another delivery
    finished it); without its pending file, which the caller no longer needs."""
    return (
        ReferenceDocument.objects.select_for_update()
        .defer("pending")
        .filter(pk=document_id, status=ReferenceDocument.Status.PROCESSING)
        .first()
    )


def document_parse_failed(*, document_id: int, reason: str) -> ReferenceDocument | None:
    """The ``processing`` document could not be read: ``failed`` with ``reason``, the file
    dropped (an editor uploads a better copy)."""
    with transaction.atomic():
        current = _processing_locked(document_id)
        if current is None:
            return None
        current.status = ReferenceDocument.Status.FAILED
        current.error = reason[:500]
        current.pending = None
        current.save(update_fields=["status", "error", "pending"])
        audit_record(
            obj=current,
            action="failed",
            actor=None,
            summary=f"Could not read “{current}”: {current.error}",
            newsroom_id=current.newsroom_id,
            draft_id=None,
            changes={"status": (ReferenceDocument.Status.PROCESSING, current.status)},
        )
    return current


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
