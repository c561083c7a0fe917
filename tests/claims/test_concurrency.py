"""Two editors marking the same words at the same moment get one claim, not two."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections

from factcheck.claims.models import Claim
from factcheck.claims.services import claim_mark
from factcheck.drafts.models import Sentence
from tests.conftest import client_for, require_postgresql


@pytest.mark.django_db(transaction=True)
def test_simultaneous_marks_of_one_span_make_one_claim(draft: Any, editor: Any) -> None:
    require_postgresql()
    revision = draft.revisions.get()
    sentence = revision.sentences.exclude(kind=Sentence.Kind.BOILERPLATE).order_by("index")[1]
    workers = 8
    barrier = threading.Barrier(workers)
    results: list[int] = []
    errors: list[BaseException] = []

    def mark() -> None:
        try:
            barrier.wait()
            claim = claim_mark(revision=revision, start=sentence.start, end=sentence.end, by=editor)
            results.append(claim.pk)
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=mark) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(results) == workers
    assert len(set(results)) == 1
    assert Claim.objects.filter(revision=revision).count() == 1


@pytest.mark.django_db(transaction=True)
def test_mark_and_unmark_racing_leave_a_consistent_claim(draft: Any, editor: Any) -> None:
    require_postgresql()
    revision = draft.revisions.get()
    sentence = revision.sentences.exclude(kind=Sentence.Kind.BOILERPLATE).order_by("index")[1]
    url = f"/claims/drafts/{draft.pk}/mark/"
    client_for(editor).post(url, {"mark": sentence.index})
    barrier = threading.Barrier(6)
    statuses: list[int] = []

    def act(action: str) -> None:
        client = client_for(editor)
        barrier.wait()
        statuses.append(client.post(url, {action: sentence.index}).status_code)
        connections.close_all()

    threads = [threading.Thread(target=act, args=(a,)) for a in ["mark", "unmark"] * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302] * 6
    claims = Claim.objects.filter(revision=revision)
    assert claims.count() == 1
    assert claims.get().status in {Claim.Status.UNCHECKED, Claim.Status.DISMISSED}
