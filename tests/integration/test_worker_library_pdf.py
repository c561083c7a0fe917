"""Library PDFs are read by a real ``celery worker`` process (PostgreSQL + Redis) after the upload
commits: a good PDF ends ``ready`` with its passages; a PDF bomb ends ``failed`` with the memory
limit's message, and the worker lives on to read the next."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from factcheck.sources.library import document_upload
from factcheck.sources.models import ReferenceDocument
from tests.integration.conftest import Worker, wait_for
from tests.sources.pdf_bombs import bomb_pdf
from tests.sources.test_library import SITREP_PAGES, make_pdf

pytestmark = pytest.mark.django_db(transaction=True)


def _status(pk: int) -> str:
    return str(ReferenceDocument.objects.values_list("status", flat=True).get(pk=pk))


def test_the_worker_reads_library_pdfs_within_their_limits(
    start_worker: Callable[..., Worker], newsroom: Any, editor: Any
) -> None:
    worker = start_worker(
        concurrency=2, LIBRARY_PDF_MEMORY_MB="128", LIBRARY_PDF_TIMEOUT_SECONDS="20"
    )
    bomb = document_upload(
        newsroom=newsroom, by=editor, name="bomb.pdf", data=bomb_pdf(inflated_mb=70, copies=1)
    )
    good = document_upload(newsroom=newsroom, by=editor, name="s.pdf", data=make_pdf(SITREP_PAGES))
    for document in (bomb, good):
        wait_for(
            lambda pk=document.pk: _status(pk) != ReferenceDocument.Status.PROCESSING,
            timeout=60,
            what=f"the worker to read {document.filename}",
            state=worker.tail,
        )
    bomb.refresh_from_db()
    good.refresh_from_db()
    assert bomb.status == ReferenceDocument.Status.FAILED
    assert "needed more than 128 MB of memory (too large)" in bomb.error
    assert good.status == ReferenceDocument.Status.READY
    assert good.passages.exists() and good.pending is None
    assert worker.process.poll() is None  # the child died, not the worker
