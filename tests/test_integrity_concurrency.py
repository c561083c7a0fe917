"""No lost updates under real concurrency, on PostgreSQL (issue 16): 200 pairs of people changing
the same thing at the same moment, each person on their own database connection; and many
clicks at once on "make a task from this finding" give one task.

In each pair both sides first read the version they edit from (two people with the same page
open), wait for each other, then send their change at the same moment. Each change either lands
or is refused with a conflict; afterwards the rows and the history tell the same story, change
by change.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from factcheck.claims.models import Claim
from factcheck.claims.services import (
    claim_approve,
    claim_edit,
    claim_mark_sentence,
    claim_propose,
)
from factcheck.drafts.models import Draft, Sentence
from factcheck.drafts.services import draft_import
from factcheck.errors import ConflictError
from factcheck.history.models import AuditEntry
from factcheck.insights.models import Finding
from factcheck.reviews.models import Task
from factcheck.reviews.services import task_create, task_move
from factcheck.sources.models import Evidence
from factcheck.sources.services import evidence_attach
from tests.conftest import client_for, require_postgresql

pytestmark = pytest.mark.django_db(transaction=True)
S, T = Claim.Status, Task.Status

LANDED, CONFLICT = "landed", "conflict"
# A side of a pair: given the round's number, read what it edits from (as a page does) and
# return the change it will send.
Side = Callable[[int], Callable[[], object]]


@dataclass
class Round:
    kind: str
    a: str = ""
    b: str = ""


def run_pairs(kinds: list[str], sides: dict[str, tuple[Side, Side]]) -> list[Round]:
    """Two threads, each on its own connection for the whole run, play every round together:
    both read, wait for each other, then send their change at once. An outcome is LANDED or
    CONFLICT; anything else fails the test."""
    rounds = [Round(kind) for kind in kinds]
    read, go = threading.Barrier(2), threading.Barrier(2)
    errors: list[BaseException] = []

    def play(side: int) -> None:
        try:
            for n, pair in enumerate(rounds):
                read.wait(timeout=30)  # the last round is over for both
                change = sides[pair.kind][side](n)
                go.wait(timeout=30)
                try:
                    change()
                    outcome = LANDED
                except ConflictError:
                    outcome = CONFLICT
                setattr(pair, "ab"[side], outcome)
        except BaseException as exc:  # collected for the assertions
            errors.append(exc)
            read.abort()
            go.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=play, args=(side,)) for side in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return rounds


def _history(obj: Any) -> list[AuditEntry]:
    noun = obj._meta.model_name
    return list(AuditEntry.objects.filter(object_type=noun, object_id=obj.pk).order_by("id"))


def test_200_pairs_of_simultaneous_edits_lose_no_update(
    draft: Draft, editor: Any, checker: Any, newsadmin: Any
) -> None:
    require_postgresql()
    units = draft.revisions.get().sentences.exclude(kind=Sentence.Kind.BOILERPLATE)
    edited, approved, tasked = (
        claim_mark_sentence(sentence=s, by=editor) for s in units.order_by("index")[:3]
    )
    approved = claim_propose(claim=approved, by=checker, verdict="accurate", rationale="Notice.")
    task = task_create(draft=draft, by=editor, title="Times", claims=[tasked], assignee=checker)
    # Evidence found for the approved claim, one piece a round.
    evidence = [
        Evidence.objects.create(
            claim=approved,
            source="wikipedia",
            url=f"https://example.org/{n}",
            title=f"Report {n}",
            retrieved_at=timezone.now(),
        )
        for n in range(200)
    ]
    start = {x: _history(x)[-1].pk for x in (edited, approved, task)}

    def edit(user: Any) -> Side:
        def read(n: int) -> Callable[[], object]:
            seen = Claim.objects.get(pk=edited.pk).version
            text = f"Round {n}: {user.username}'s wording"
            return lambda: claim_edit(claim=edited, by=user, expected_version=seen, text=text)

        return read

    def move(user: Any) -> Side:
        def read(n: int) -> Callable[[], object]:
            current = Task.objects.get(pk=task.pk)
            to = T.OPEN if current.status == T.IN_PROGRESS else T.IN_PROGRESS
            return lambda: task_move(task=task, by=user, to=to, expected_version=current.version)

        return read

    def approve(n: int) -> Callable[[], object]:
        seen = Claim.objects.get(pk=approved.pk).version
        return lambda: claim_approve(claim=approved, by=editor, expected_version=seen)

    def attach(n: int) -> Callable[[], object]:
        return lambda: evidence_attach(evidence=evidence[n], by=checker)

    kinds = ["edit", "move", "evidence"] * 66 + ["edit", "move"]
    began, cpu = time.perf_counter(), time.process_time()
    rounds = run_pairs(
        kinds,
        {
            "edit": (edit(editor), edit(newsadmin)),
            "move": (move(checker), move(editor)),
            "evidence": (approve, attach),
        },
    )

    print(
        f"200 pairs in {time.perf_counter() - began:.1f} s "
        f"({time.process_time() - cpu:.1f} s of this process' CPU)"
    )
    assert len(rounds) == 200
    # Two edits from one version: exactly one lands, the other is told.
    for pair in rounds:
        if pair.kind in ("edit", "move"):
            assert sorted([pair.a, pair.b]) == [CONFLICT, LANDED], pair
        else:  # an attach needs no version: it lands; an approval lands only if it came first
            assert pair.b == LANDED, pair
    landed = {kind: sum(LANDED in (p.a, p.b) for p in rounds if p.kind == kind) for kind in kinds}
    approvals = sum(p.a == LANDED for p in rounds if p.kind == "evidence")
    conflicts = sum((p.a, p.b).count(CONFLICT) for p in rounds)
    print(f"landed {landed}, approvals before the evidence {approvals}, conflicts {conflicts}")

    # The claim's wording is the last winner's, and its history holds every winner, in order.
    winners = [
        f"Round {n}: {(editor if p.a == LANDED else newsadmin).username}'s wording"
        for n, p in enumerate(rounds)
        if p.kind == "edit"
    ]
    final = Claim.objects.get(pk=edited.pk)
    entries = [e for e in _history(edited) if e.pk > start[edited]]
    assert [e.changes["text"][1] for e in entries] == winners
    assert final.text == winners[-1]
    assert final.version == edited.version + landed["edit"] == edited.version + 67

    # The task moved once a round; its history names each move and who made it.
    final_task = Task.objects.get(pk=task.pk)
    moves = [e for e in _history(task) if e.pk > start[task]]
    assert len(moves) == landed["move"] == 67
    assert final_task.version == task.version + 67
    statuses = [e.changes["status"] for e in moves]
    assert [after for _, after in statuses] == [T.IN_PROGRESS, T.OPEN] * 33 + [T.IN_PROGRESS]
    assert final_task.status == T.IN_PROGRESS

    # Approval raced with new evidence: whichever came first, the claim never stays approved on
    # evidence its approver did not see; every change is one version and one history entry.
    final_claim = Claim.objects.get(pk=approved.pk)
    assert final_claim.status == S.PROPOSED
    changes = [e for e in _history(approved) if e.pk > start[approved]]
    assert len(changes) == 66 + approvals
    assert final_claim.version == approved.version + 66 + approvals
    assert Evidence.objects.filter(claim=approved, status="attached").count() == 66
    assert final_claim.links.count() == 66


def test_many_simultaneous_clicks_make_one_task_from_a_finding(newsroom: Any, editor: Any) -> None:
    require_postgresql()
    draft = draft_import(
        newsroom=newsroom,
        by=editor,
        text=(
            "Rescue\n\nA coastguard AW-139 helicopter flew the first 40 passengers out.\n\n"
            "It was a grey morning.\n\n"
            "Later, a coastguard AW-169 helicopter flew the first 40 passengers out.\n"
        ),
    )
    finding = Finding.objects.get(draft=draft)
    url = f"/insights/findings/{finding.pk}/task/"
    clicks = 12
    clients = [client_for(editor) for _ in range(clicks)]
    barrier = threading.Barrier(clicks)
    codes: list[int] = []
    errors: list[BaseException] = []

    def click(client: Any) -> None:
        try:
            barrier.wait(timeout=30)
            codes.append(client.post(url, {"version": finding.version}).status_code)
        except BaseException as exc:  # collected for the assertions
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert codes == [302] * clicks  # each click sees the task: the first made it
    (task,) = Task.objects.filter(draft=draft)
    finding.refresh_from_db()
    assert (finding.status, finding.task_id) == (Finding.Status.TASKED, task.pk)
    assert AuditEntry.objects.filter(object_type="task", action="created").count() == 1
    assert len([e for e in _history(finding) if e.action == "tasked"]) == 1
