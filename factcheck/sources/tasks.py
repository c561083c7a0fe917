"""The lookup task: a thin adapter from a lookup id to the services and the source backend;
and the reading of a reference library PDF, within time and memory limits."""

from __future__ import annotations

import random

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
from django.conf import settings
from django.db import connection

from factcheck.celery import visibility_timeout
from factcheck.sources.backends import REGISTRY
from factcheck.sources.backends.base import SourceError, TransientError
from factcheck.sources.library import (
    document_parse,
    document_parse_failed,
    documents_requeue_lost,
)
from factcheck.sources.models import Source
from factcheck.sources.services import (
    lookup_begin,
    lookup_fail,
    lookup_requeue,
    lookup_store,
    lookups_requeue_lost,
)


def backoff(retries: int) -> float:
    """Exponential backoff with full jitter, capped: 1 s, 2 s, 4 s… at most 30 s."""
    return random.uniform(0.5, min(30.0, 2.0**retries))  # noqa: S311 - jitter, not security


@shared_task(
    bind=True,
    acks_late=True,  # idempotent (evidence is unique per claim, source, url), so a lost worker's
    reject_on_worker_lost=True,  # task goes back to the queue and runs again
    soft_time_limit=60,
    time_limit=90,
    max_retries=None,  # bounded below by LOOKUP_MAX_ATTEMPTS, counted on the row
)
def lookup_run(self, lookup_id: int) -> None:  # type: ignore[no-untyped-def]
    lookup = lookup_begin(lookup_id=lookup_id)
    if lookup is None:  # gone, or finished by an earlier delivery
        return
    label = Source(lookup.source).label
    _release_connection()
    try:
        hits = REGISTRY[lookup.source](
            lookup.query,
            newsroom_id=lookup.newsroom_id,  # type: ignore[attr-defined]  # annotated by begin
            claim_id=lookup.claim_id,
        )
    except (TransientError, SoftTimeLimitExceeded) as exc:
        if isinstance(exc, SoftTimeLimitExceeded):
            exc = TransientError("took longer than the task's time limit")
        if lookup.attempts >= settings.LOOKUP_MAX_ATTEMPTS:
            attempts = f"{lookup.attempts} attempt{'s' if lookup.attempts != 1 else ''}"
            lookup_fail(lookup_id=lookup.pk, reason=f"{label}: {exc}, {attempts}")
            return
        lookup_requeue(lookup_id=lookup.pk, reason=f"{label}: {exc}; retrying")
        raise self.retry(exc=exc, countdown=backoff(lookup.attempts)) from None
    except SourceError as exc:
        lookup_fail(lookup_id=lookup.pk, reason=f"{label}: {exc}")
        return
    except Exception as exc:
        # A bug or a misconfiguration must not leave the lookup "running" for ever.
        lookup_fail(lookup_id=lookup.pk, reason=f"{label}: unexpected error ({type(exc).__name__})")
        raise
    lookup_store(lookup=lookup, hits=hits)


@shared_task(
    name="factcheck.sources.tasks.parse_library_document",
    acks_late=True,  # idempotent: only a "processing" document is read, and read once
    reject_on_worker_lost=True,
    # Backstops only (they do nothing under the threads pool): the reading runs in a child
    # process that LIBRARY_PDF_TIMEOUT_SECONDS (60 s by default) always cuts off.
    soft_time_limit=300,
    time_limit=330,
)
def parse_library_document(document_id: int) -> None:
    """Read the reference library PDF ``document_id`` (status ``processing``) into text and
    passages, or mark it ``failed`` with why: ``factcheck.sources.library.document_parse``."""
    try:
        document_parse(document_id=document_id)
    except Exception as exc:
        # A bug must not leave the document "processing" for ever.
        reason = f"The PDF could not be read: unexpected error ({type(exc).__name__})."
        document_parse_failed(document_id=document_id, reason=reason)
        raise


def _release_connection() -> None:
    """Give the database connection back (to the pool, on PostgreSQL) while the source answers:
    a lookup waits on the network far longer than it talks to the database, so a worker's
    threads can outnumber its connections. Inside a transaction (a test runs the task eagerly
    in its own) the connection stays."""
    if not connection.in_atomic_block:
        connection.close()


@worker_ready.connect
def requeue_lost_lookups(**kwargs: object) -> None:
    """A worker starting after a crash sends again the lookups whose messages were lost."""
    lookups_requeue_lost(idle_for=visibility_timeout())


@worker_ready.connect
def requeue_lost_documents(**kwargs: object) -> None:
    """A worker starting after a crash sends again the library PDFs whose messages were lost."""
    documents_requeue_lost(idle_for=visibility_timeout())
