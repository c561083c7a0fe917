"""The analysis task: a thin adapter from a revision id to ``revision_analyse``."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from factcheck.insights.services import (
    analyses_requeue_lost,
    analysis_begin,
    analysis_fail,
    revision_analyse,
)
from factcheck.workers import sweep, when_poisoned


@shared_task(
    acks_late=True,  # idempotent (it rewrites the same rows), so a lost worker's task runs again
    reject_on_worker_lost=True,
    soft_time_limit=300,
    time_limit=360,
)
def analysis_run(revision_id: int) -> None:
    revision = analysis_begin(revision_id=revision_id)
    if revision is None:  # gone, or finished by an earlier delivery
        return
    try:
        revision_analyse(revision=revision, report_progress=True)
    except Exception as exc:
        # A bug or a malformed revision must not leave the analysis "running" for ever.
        analysis_fail(revision_id=revision_id, reason=f"The analysis stopped: {type(exc).__name__}")
        raise


@sweep
def requeue_lost_analyses(idle_for: timedelta) -> None:
    """Send again the analyses whose messages were lost (a worker killed, a Redis restarted)."""
    analyses_requeue_lost(idle_for=idle_for)


@when_poisoned("factcheck.insights.tasks.analysis_run")
def analysis_poisoned(revision_id: int, *, deliveries: int) -> None:
    analysis_fail(
        revision_id=revision_id,
        reason=f"The analysis stopped its worker {deliveries} times; it was not tried again.",
    )
