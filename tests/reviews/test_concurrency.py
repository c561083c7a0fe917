"""No lost updates: two people changing one claim or task at once, on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from factcheck.claims.models import Claim
from factcheck.claims.services import claim_edit, claim_mark_sentence, claim_propose
from factcheck.drafts.models import Sentence
from factcheck.errors import ConflictError
from factcheck.history.models import AuditEntry
from factcheck.reviews.models import Task
from factcheck.reviews.services import task_create, task_update
from tests.conftest import require_postgresql

pytestmark = pytest.mark.django_db(transaction=True)


def race(*actions: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run the actions at the same moment, each in its own thread and connection."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(action: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results.append(action())
        except BaseException as exc:  # collected for the assertions
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_two_verdicts_proposed_at_once_one_wins_the_other_is_told(
    draft: Any, editor: Any, checker: Any, newsadmin: Any
) -> None:
    require_postgresql()
    sentence = draft.revisions.get().sentences.exclude(kind=Sentence.Kind.BOILERPLATE).first()
    claim = claim_mark_sentence(sentence=sentence, by=editor)
    seen = claim.version

    def by(user: Any, verdict: str) -> Callable[[], Claim]:
        return lambda: claim_propose(
            claim=claim, by=user, verdict=verdict, rationale=f"{user} says", expected_version=seen
        )

    results, errors = race(by(checker, "inaccurate"), by(newsadmin, "accurate"))
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], ConflictError)
    winner = results[0]
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.verdict, fresh.version) == (winner.verdict, seen + 1)
    # The loser's message names the winner and shows the state they left.
    loser_text = str(errors[0])
    assert winner.proposed_by.username in loser_text
    assert errors[0].current.verdict == winner.verdict
    assert AuditEntry.objects.filter(object_type="claim", object_id=claim.pk).count() == 2


def test_two_task_edits_at_once_keep_one_and_refuse_the_other(
    draft: Any, editor: Any, newsadmin: Any
) -> None:
    require_postgresql()
    task = task_create(draft=draft, by=editor, title="Death toll: 100 or nearly 100?")
    seen = task.version

    def rename(user: Any, title: str) -> Callable[[], Task]:
        return lambda: task_update(
            task=task,
            by=user,
            expected_version=seen,
            title=title,
            description="",
            due_at=None,
            priority=Task.Priority.HIGH,
        )

    results, errors = race(rename(editor, "Toll: wire vs explainer"), rename(newsadmin, "Toll"))
    assert len(results) == 1 and [type(e) for e in errors] == [ConflictError]
    assert Task.objects.get(pk=task.pk).title == results[0].title


def test_many_simultaneous_edits_of_one_claim_serialise_without_loss(
    draft: Any, editor: Any
) -> None:
    require_postgresql()
    sentence = draft.revisions.get().sentences.exclude(kind=Sentence.Kind.BOILERPLATE).first()
    claim = claim_mark_sentence(sentence=sentence, by=editor)
    # No expected version: each edit applies on top of the last, under the row lock.
    _, errors = race(
        *[
            (
                lambda n=n: claim_edit(
                    claim=claim, by=editor, expected_version=None, rationale=f"r{n}"
                )
            )
            for n in range(6)
        ]
    )
    assert errors == []
    assert Claim.objects.get(pk=claim.pk).version == claim.version + 6
    assert AuditEntry.objects.filter(object_type="claim", action="edited").count() == 6


def test_two_people_posting_the_claim_form_at_once_one_is_told_and_keeps_their_input(
    draft: Any, editor: Any, checker: Any, newsadmin: Any
) -> None:
    """The same race through real requests: two browsers post the verdict form at once."""
    require_postgresql()
    from tests.conftest import client_for

    sentence = draft.revisions.get().sentences.exclude(kind=Sentence.Kind.BOILERPLATE).first()
    claim = claim_mark_sentence(sentence=sentence, by=editor)
    url = f"/claims/{claim.pk}/propose/"
    forms = {
        checker: {"verdict": "inaccurate", "rationale": "Wire says F-16", "version": claim.version},
        newsadmin: {
            "verdict": "accurate",
            "rationale": "Ministry says F-15",
            "version": claim.version,
        },
    }
    clients = {user: client_for(user) for user in forms}

    def post(user: Any) -> Callable[[], tuple[Any, Any]]:
        return lambda: (user, clients[user].post(url, forms[user]))

    results, errors = race(post(checker), post(newsadmin))
    assert errors == []
    statuses = sorted(response.status_code for _, response in results)
    assert statuses == [302, 409]
    loser, response = next((u, r) for u, r in results if r.status_code == 409)
    page = response.content.decode()
    assert "changed this claim while you were working on it" in page
    assert forms[loser]["rationale"] in page  # what they typed is still in the form
    fresh = Claim.objects.get(pk=claim.pk)
    winner = next(u for u, r in results if r.status_code == 302)
    assert fresh.rationale == forms[winner]["rationale"] and fresh.version == claim.version + 1
