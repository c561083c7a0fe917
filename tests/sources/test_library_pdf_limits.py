"""Library PDFs are read by the worker's task in a child process bounded in memory and time
(factcheck/analysis/pdfread.py): a PDF bomb or a pathological file ends ``failed`` with a clear
message on the document, which stays recorded; a good PDF is read as before."""

from __future__ import annotations

from typing import Any

import pytest

from factcheck.analysis.pdfread import PdfLimits, PdfRefused, read_pdf_bounded
from factcheck.history.models import AuditEntry
from factcheck.sources.library import document_upload
from factcheck.sources.models import ReferenceDocument
from factcheck.sources.tasks import parse_library_document
from tests.sources.pdf_bombs import bomb_pdf
from tests.sources.test_library import SITREP_PAGES, make_pdf

pytestmark = pytest.mark.django_db

# A 72 KB file whose one page inflates to 70 MB of content, which pypdf then copies and walks one
# byte at a time in Python: hundreds of MB and minutes.
BOMB = bomb_pdf(inflated_mb=70, copies=1)
# 21 KB inflating to 20 MB: within the memory, far beyond a second.
SLOW = bomb_pdf(inflated_mb=20, copies=1)


def limits(**kwargs: Any) -> PdfLimits:
    return PdfLimits(max_pages=100, max_chars=1_000_000, **kwargs)


def test_a_good_pdf_is_read_in_the_child() -> None:
    read = read_pdf_bounded("“sitrep.pdf”", make_pdf(SITREP_PAGES, title="Sitrep 7"), limits())
    assert read.title == "Sitrep 7"
    assert "death toll stands at 41" in read.text


def test_a_pdf_bomb_is_stopped_by_the_memory_limit() -> None:
    assert len(BOMB) < 100_000
    with pytest.raises(PdfRefused, match=r"“bomb.pdf” could not be read: .*more than 128 MB"):
        read_pdf_bounded("“bomb.pdf”", BOMB, limits(memory_bytes=128 << 20, timeout=60))


def test_a_slow_pdf_is_stopped_by_the_time_limit() -> None:
    with pytest.raises(PdfRefused, match=r"took longer than 1 seconds \(too slow\)"):
        read_pdf_bounded("“slow.pdf”", SLOW, limits(memory_bytes=1024 << 20, timeout=1))


def test_the_childs_refusal_comes_back_as_its_message() -> None:
    with pytest.raises(PdfRefused, match=r"“x\.pdf” could not be read: it is damaged"):
        read_pdf_bounded("“x.pdf”", b"%PDF-1.4\nnot really", limits())


@pytest.mark.parametrize(
    ("data", "overrides", "message"),
    [
        (BOMB, {"LIBRARY_PDF_MEMORY_MB": 128}, "of memory (too large)"),
        (SLOW, {"LIBRARY_PDF_TIMEOUT_SECONDS": 1}, "(too slow)"),
    ],
    ids=["memory", "time"],
)
def test_the_task_marks_a_hostile_pdf_failed_and_keeps_the_document(
    data: bytes,
    overrides: dict[str, int],
    message: str,
    newsroom: Any,
    editor: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    for name, value in overrides.items():
        setattr(settings, name, value)
    with django_capture_on_commit_callbacks(execute=True) as sent:
        document = document_upload(newsroom=newsroom, by=editor, name="bomb.pdf", data=data)
    assert len(sent) == 1  # the task, run eagerly, as a worker would
    document.refresh_from_db()
    assert document.status == ReferenceDocument.Status.FAILED
    assert document.error.startswith("“bomb.pdf” could not be read: ")
    assert message in document.error
    assert (document.filename, document.pending, document.passages.count()) == ("bomb.pdf", None, 0)
    history = AuditEntry.objects.filter(object_type="referencedocument", object_id=document.pk)
    assert [entry.action for entry in history.order_by("id")] == ["created", "failed"]


def test_the_task_is_harmless_twice_and_for_a_gone_document(
    newsroom: Any, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        document = document_upload(
            newsroom=newsroom, by=editor, name="s.pdf", data=make_pdf(SITREP_PAGES)
        )
    document.refresh_from_db()
    assert document.status == ReferenceDocument.Status.READY
    passages = document.passages.count()
    parse_library_document(document.pk)  # a second delivery
    parse_library_document(10**9)  # a document since deleted
    assert document.passages.count() == passages
    assert AuditEntry.objects.filter(action="read").count() == 1


def test_a_bug_in_reading_ends_failed_not_processing_for_ever(
    newsroom: Any, editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = document_upload(
        newsroom=newsroom, by=editor, name="s.pdf", data=make_pdf(SITREP_PAGES)
    )

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("a bug")

    monkeypatch.setattr("factcheck.sources.library.read_pdf_bounded", broken)
    with pytest.raises(KeyError):
        parse_library_document(document.pk)
    document.refresh_from_db()
    assert document.status == ReferenceDocument.Status.FAILED
    assert "unexpected error (KeyError)" in document.error


def test_the_same_pdf_twice_while_it_is_read_is_one_document(newsroom: Any, editor: Any) -> None:
    data = make_pdf(SITREP_PAGES)
    first = document_upload(newsroom=newsroom, by=editor, name="s.pdf", data=data)
    again = document_upload(newsroom=newsroom, by=editor, name="s.pdf", data=data)
    assert first.pk == again.pk
    assert ReferenceDocument.objects.count() == 1


def test_a_pdf_whose_message_was_lost_is_sent_again_at_worker_start(
    newsroom: Any, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from factcheck.sources.library import documents_requeue_lost

    lost = document_upload(newsroom=newsroom, by=editor, name="s.pdf", data=make_pdf(SITREP_PAGES))
    fresh = document_upload(
        newsroom=newsroom, by=editor, name="t.pdf", data=make_pdf([["Another page."]])
    )
    # No commit in this test: neither message was sent. One was uploaded an hour ago.
    ReferenceDocument.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    assert documents_requeue_lost(idle_for=timedelta(minutes=5)) == [lost.pk]  # read eagerly
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == ReferenceDocument.Status.READY
    assert fresh.status == ReferenceDocument.Status.PROCESSING  # its message may be on its way
