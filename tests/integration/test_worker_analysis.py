"""A large draft is analysed by a real ``celery worker`` process (PostgreSQL + Redis) after its
import commits, with the progress on the revision; a worker killed mid-analysis loses nothing:
the next worker finishes it and no finding is doubled."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from factcheck.analysis.findings import find_findings
from factcheck.drafts.models import Revision
from factcheck.drafts.services import draft_import
from factcheck.insights.models import Finding
from tests.integration.conftest import VISIBILITY_TIMEOUT, Worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

DEMO = Path(__file__).resolve().parents[2] / "factcheck/newsrooms/demo/meralt-floods.txt"


def big_draft(newsroom: Any, editor: Any, copies: int) -> Revision:
    """The demo draft several times over: hundreds of units, the same planted findings."""
    text = "\n\n".join([DEMO.read_text(encoding="utf-8")] * copies)
    draft = draft_import(newsroom=newsroom, by=editor, text=text, title="Floods, long")
    return draft.revisions.get()


def analysed(revision: Revision) -> bool:
    revision.refresh_from_db()
    return revision.analysis == Revision.Analysis.DONE


def test_a_large_draft_is_analysed_by_the_worker_after_the_import(
    start_worker: Callable[..., Worker], newsroom: Any, editor: Any, settings: Any
) -> None:
    settings.ANALYSIS_INLINE_MAX_UNITS = 50
    start_worker(concurrency=2)
    revision = big_draft(newsroom, editor, copies=10)
    units = revision.sentences.count()
    assert units > 250
    wait_for(lambda: analysed(revision), timeout=60, what="the analysis", state=lambda: revision)
    assert revision.analysis_progress == units
    assert not revision.sentences.filter(score__isnull=True).exists()
    summaries = set(Finding.objects.filter(revision=revision).values_list("summary", flat=True))
    # What the first pass finds in these units, stored by the worker. (Ten copies of the demo
    # name each model code ten times: both are then real, so "S-92 vs S-76" is not raised.)
    units = list(revision.sentences.order_by("index"))
    texts = [revision.text[u.start : u.end] for u in units]
    kinds = [u.kind for u in units]
    assert summaries == {f.summary for f in find_findings(texts, kinds)}
    assert {"41 vs nearly 30 (death)", "Port Averin vs Port Averine"} <= summaries


def test_a_worker_killed_mid_analysis_loses_nothing(
    start_worker: Callable[..., Worker], newsroom: Any, editor: Any, settings: Any
) -> None:
    settings.ANALYSIS_INLINE_MAX_UNITS = 50
    first = start_worker(concurrency=1)
    revision = big_draft(newsroom, editor, copies=40)  # a second or two of work
    wait_for(
        lambda: Revision.objects.filter(pk=revision.pk, analysis="running").exists(),
        timeout=30,
        interval=0.02,
        what="the analysis to start",
    )
    first.kill()
    revision.refresh_from_db()
    assert revision.analysis == Revision.Analysis.RUNNING
    # The killed worker never acknowledged the task (acks_late): Redis gives it back once the
    # visibility timeout has passed, when the next worker starts.
    time.sleep(VISIBILITY_TIMEOUT + 1)
    start_worker(concurrency=1)
    wait_for(lambda: analysed(revision), timeout=90, what="the analysis after the kill")
    keys = list(
        Finding.objects.filter(revision=revision).values_list(
            "kind", "sentence_a", "sentence_b", "summary"
        )
    )
    assert keys and len(keys) == len(set(keys))
