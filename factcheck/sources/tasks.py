"""The lookup task: a thin adapter from a lookup id to the services and the source backend;
and the reading of a reference library PDF, within time and memory limits."""

from __future__ import annotations

import random
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings
from django.db import connection

from factcheck.sources.backends import REGISTRY
from factcheck.sources.backends.base import SourceError, TransientError, deadline, time_left
from factcheck.sources.library import (
    document_parse,
    document_parse_failed,
    documents_requeue_lost,
)
from factcheck.sources.models import Lookup, Source
from factcheck.sources.services import (
    lookup_begin,
    lookup_fail,
    lookup_requeue,
    lookup_store,
    lookups_requeue_lost,
)
from factcheck.workers import sweep, when_poisoned


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
        # The lookup's own time limit, which fires whatever the pool: every request and wait
        # of the backend counts against it, and it is checked again once the backend is done.
        with deadline(settings.LOOKUP_DEADLINE_SECONDS):
            hits = REGISTRY[lookup.source](
                lookup.query,
                newsroom_id=lookup.newsroom_id,  # type: ignore[attr-defined]  # by begin
                claim_id=lookup.claim_id,
            )
            time_left()
    except (TransientError, SoftTimeLimitExceeded, TimeLimitExceeded) as exc:
        if not isinstance(exc, TransientError):
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
    # Backstops only (factcheck.workers enforces them under any pool): the reading runs in a
    # child process that LIBRARY_PDF_TIMEOUT_SECONDS (60 s by default) always cuts off first.
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


@sweep
def requeue_lost_lookups(idle_for: timedelta) -> None:
    """Send again the lookups whose messages were lost (a worker killed, a Redis restarted)."""
    lookups_requeue_lost(idle_for=idle_for)


@when_poisoned("factcheck.sources.tasks.lookup_run")
def lookup_poisoned(lookup_id: int, *, deliveries: int) -> None:
    """The lookup killed its worker ``deliveries`` times: it ends failed, saying so."""
    source = Lookup.objects.filter(pk=lookup_id).values_list("source", flat=True).first()
    label = Source(source).label if source else "Lookup"
    lookup_fail(
        lookup_id=lookup_id,
        reason=f"{label}: the worker stopped while looking this up, {deliveries} times; "
        "not tried again",
    )


@sweep
def requeue_lost_documents(idle_for: timedelta) -> None:
    """Send again the library PDFs whose messages were lost (a worker killed, a Redis
    restarted)."""
    documents_requeue_lost(idle_for=idle_for)


@when_poisoned("factcheck.sources.tasks.parse_library_document")
def document_poisoned(document_id: int, *, deliveries: int) -> None:
    """Reading the PDF killed its worker ``deliveries`` times: the document ends failed."""
    document_parse_failed(
        document_id=document_id,
        reason=f"The PDF could not be read: the worker stopped while reading it, {deliveries} "
        "times; not tried again.",
    )
