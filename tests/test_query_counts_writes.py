"""SQL queries per click on the write paths: mark a sentence, move a task to in progress (with
1 and with 10 claims), propose and approve a verdict. Pinned so an N+1 (one clearance refresh
per claim, say) cannot creep back in."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factcheck.claims.models import Claim
from factcheck.claims.services import claim_mark_sentence, claim_propose
from factcheck.drafts.models import Draft, Sentence
from factcheck.drafts.services import draft_import
from factcheck.reviews import services as reviews_services
from factcheck.reviews.models import Task
from factcheck.reviews.services import task_create
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TEXT = "\n\n".join(
    f"The council said {n * 100 + 7} homes in district {n} lost power on Monday." for n in range(12)
)


@pytest.fixture
def long_draft(newsroom: Any, editor: Any) -> Draft:
    return draft_import(newsroom=newsroom, by=editor, text=TEXT)


def _claims(draft: Draft, editor: Any, n: int) -> list[Claim]:
    sentences = draft.revisions.get().sentences.filter(kind=Sentence.Kind.SENTENCE)
    return [claim_mark_sentence(sentence=s, by=editor) for s in sentences.order_by("index")[:n]]


def _post(client: Any, url: str, data: dict[str, Any], **extra: Any) -> int:
    """The queries of one click (a POST), after checking it succeeded."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, data, **extra)
    assert response.status_code in (200, 302), response.content[:500]
    return len(ctx.captured_queries)


def _task(draft: Draft, editor: Any, checker: Any, n: int) -> Task:
    claims = _claims(draft, editor, n)
    return task_create(draft=draft, by=editor, title="Check", claims=claims, assignee=checker)


def _start(task: Task, checker: Any) -> int:
    """Move the task to in progress, as its assignee clicks Start; the queries it took."""
    url = f"/reviews/tasks/{task.pk}/move/"
    queries = _post(client_for(checker), url, {"to": Task.Status.IN_PROGRESS, "version": 1})
    assert set(task.claims.values_list("status", flat=True)) == {Claim.Status.CHECKING}
    return queries


# Each claim a started task starts costs its own lock, update and history entry (five queries;
# the role, read by the task's access check, is not read again); nothing else may grow with the
# number of claims.
PER_CLAIM = 5


# A click on a unit (issue 12): session, user, the unit with its revision, draft and the role
# (one query); the change: for a mark the unit's claims (locked), one insert, the draft's row
# lock, one history row, the newsroom's lookup setting; for an unmark the unit's claims (locked),
# one update, one history row, its task links, the clearance refresh (the lock, then the
# statuses of the draft's claims: one of them unsettled, so nothing more). The answer (the unit
# and the claim's row, not the panel) is drawn from the unit's claims the change read.
# Savepoints stand where a request has BEGIN and COMMIT.
MARK = 10  # before issue 12: 30 (27 once the newsroom's source settings exist)
UNMARK = 11  # before: 25
# Confirming suggestions: as many queries for fifty as for one (before issue 12: 29 for one, 813
# for 50): session, user, the draft with the role, its latest revision, the units; the change:
# their claims (locked), one insert (factcheck.bulk: one statement on SQLite too), the draft's
# row lock, one statement of history, the newsroom's lookup setting; the answer: the live
# claims' flags on the draft's units (for the suggestions) and the confirmed units' rows. The
# units' claims come from the change, which read them under its lock; the tasks panel is not
# drawn (confirming changes no task). Savepoints stand where a request has BEGIN and COMMIT:
# one pair, as the units of one revision are marked in one transaction, not one inside another.
BULK_CONFIRM = 14  # 20 before the answer took the change's claims and dropped the tasks panel


def _units(draft: Draft) -> list[int]:
    sentences = draft.revisions.get().sentences.filter(kind=Sentence.Kind.SENTENCE)
    return list(sentences.order_by("index").values_list("index", flat=True))


def test_mark_a_sentence(long_draft: Draft, editor: Any) -> None:
    first, second = _units(long_draft)[:2]
    url = f"/claims/drafts/{long_draft.pk}/mark/"
    client = client_for(editor)
    _post(client, url, {"mark": first}, **HTMX)  # the first mark creates the source settings
    assert _post(client, url, {"mark": second}, **HTMX) == MARK


def test_unmark_a_sentence(long_draft: Draft, editor: Any) -> None:
    first, second = _units(long_draft)[:2]
    url = f"/claims/drafts/{long_draft.pk}/mark/"
    client = client_for(editor)
    _post(client, url, {"mark": first}, **HTMX)
    _post(client, url, {"mark": second}, **HTMX)
    assert _post(client, url, {"unmark": second}, **HTMX) == UNMARK


def test_mark_and_unmark_cost_the_same_on_a_long_draft(newsroom: Any, editor: Any) -> None:
    """The count does not grow with the draft's units or claims."""
    text = "\n\n".join(f"The council said {n * 100 + 7} homes lost power." for n in range(70))
    draft = draft_import(newsroom=newsroom, by=editor, text=text)
    units = _units(draft)
    for index in units[:40]:
        claim_mark_sentence(sentence=draft.revisions.get().sentences.get(index=index), by=editor)
    url = f"/claims/drafts/{draft.pk}/mark/"
    client = client_for(editor)
    assert _post(client, url, {"mark": units[50]}, **HTMX) == MARK
    assert _post(client, url, {"unmark": units[50]}, **HTMX) == UNMARK


@pytest.mark.parametrize("n", [1, 50])
def test_bulk_confirm(newsroom: Any, editor: Any, n: int) -> None:
    text = "\n\n".join(f"The council said {n * 100 + 7} homes lost power." for n in range(70))
    draft = draft_import(newsroom=newsroom, by=editor, text=text)
    units = _units(draft)
    url = f"/insights/drafts/{draft.pk}/suggestions/"
    client = client_for(editor)
    _post(client, url, {"confirm": units[-1]}, **HTMX)  # the source settings, once
    assert _post(client, url, {"bulk": "confirm", "units": units[:n]}, **HTMX) == BULK_CONFIRM
    assert draft.claims.count() == n + 1


# Before issue 12: 27 and 81 (the clearance refresh listed every blocker under the lock; it now
# reads whether any is left, with the lock, in one query).
@pytest.mark.parametrize(("n", "queries"), [(1, 23), (10, 23 + 9 * PER_CLAIM)])
def test_task_move_to_in_progress(
    long_draft: Draft, editor: Any, checker: Any, n: int, queries: int
) -> None:
    assert _start(_task(long_draft, editor, checker, n), checker) == queries  # before: 30, 156


@pytest.mark.parametrize("n", [1, 10])
def test_task_move_refreshes_clearance_once_whatever_the_claims(
    long_draft: Draft, editor: Any, checker: Any, monkeypatch: pytest.MonkeyPatch, n: int
) -> None:
    task = _task(long_draft, editor, checker, n)
    refreshes: list[int] = []
    real = reviews_services._refresh_clearance

    def counted(draft: Draft, by: Any) -> Draft:
        refreshes.append(draft.pk)
        return real(draft, by)

    monkeypatch.setattr(reviews_services, "_refresh_clearance", counted)
    _start(task, checker)
    assert refreshes == [long_draft.pk]  # before: n + 1


def test_propose(long_draft: Draft, editor: Any, checker: Any) -> None:
    (claim,) = _claims(long_draft, editor, 1)
    data = {"verdict": "inaccurate", "rationale": "The release says otherwise.", "version": 1}
    for i in (1, 2, 3):
        data |= {f"url_{i}": "", f"note_{i}": ""}
    data["url_1"] = "https://example.org/release"
    assert _post(client_for(checker), f"/claims/{claim.pk}/propose/", data, **HTMX) == 23  # 27


def test_approve(long_draft: Draft, editor: Any, checker: Any) -> None:
    (claim,) = _claims(long_draft, editor, 1)
    claim = claim_propose(claim=claim, by=checker, verdict="inaccurate", rationale="Says so.")
    url = f"/claims/{claim.pk}/approve/"
    # 27 before issue 12, then 23; 25 since the clearance refresh reads the draft's state in
    # small queries that stop at the first blocker (the click that approves the last claim reads
    # its claims', its tasks' and its findings' state: three where one large query stood). 26
    # since the webhooks: the newsroom's hooks for claim.approved (one query, none found here).
    assert _post(client_for(editor), url, {"version": claim.version}, **HTMX) == 26


# --- Evidence: attach, dismiss (issue 16) --------------------------------------------------------


def _evidence(claim: Claim, n: int) -> list[Any]:
    from django.utils import timezone

    from factcheck.sources.models import Evidence

    return [
        Evidence.objects.create(
            claim=claim,
            source="wikipedia",
            url=f"https://example.org/{i}",
            title=f"Report {i}",
            retrieved_at=timezone.now(),
        )
        for i in range(n)
    ]


# Attach and dismiss (issue 16): 15 and 11 before they locked the claim, bumped its version and
# wrote its history (the lock, the version, the entry: three more; the evidence no longer read
# again after the change: one fewer). The same for a claim with many pieces of evidence.
ATTACH, DISMISS = 17, 13


@pytest.mark.parametrize("n", [2, 30])
def test_attach_and_dismiss_evidence(long_draft: Draft, editor: Any, checker: Any, n: int) -> None:
    (claim,) = _claims(long_draft, editor, 1)
    first, second, *_ = _evidence(claim, n)
    client = client_for(checker)
    attach = _post(client, f"/sources/evidence/{first.pk}/attach/", {}, **HTMX)
    dismiss = _post(client, f"/sources/evidence/{second.pk}/dismiss/", {}, **HTMX)
    assert (attach, dismiss) == (ATTACH, DISMISS)
