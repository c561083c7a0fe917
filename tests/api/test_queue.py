"""The review queue endpoint: what waits on an editor (proposed verdicts, tasks in review or
overdue, open findings), with the page's filters and sorts, paginated, in a fixed number of
queries; a newsroom token sees its newsroom's alone, a checker has no queue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factcheck.api.services import api_token_create
from factcheck.claims.models import Claim
from factcheck.claims.services import claim_propose
from factcheck.drafts.models import Draft
from factcheck.drafts.services import draft_import
from factcheck.insights.models import Finding
from factcheck.newsrooms.models import Role
from factcheck.reviews.models import Task
from factcheck.reviews.services import task_move
from tests.api.conftest import ApiClient, assert_error, token_for
from tests.api.work import a_claim, a_finding, a_task
from tests.conftest import SAMPLE_TEXT
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

QUEUE = "/api/v1/queue/"


def proposed(draft: Draft, checker: Any, which: int = 1) -> Claim:
    return claim_propose(
        claim=a_claim(draft, which),
        by=checker,
        verdict=Claim.Verdict.INACCURATE,
        rationale="The council said Tuesday.",
    )


def in_review(draft: Draft) -> Task:
    return task_move(task=a_task(draft), by=None, to=Task.Status.IN_REVIEW)


def overdue(draft: Draft, title: str = "Late") -> Task:
    task = a_task(draft, assignee="editor", title=title)
    Task.objects.filter(pk=task.pk).update(due_at=timezone.now() - timedelta(hours=1))
    return task


@pytest.fixture
def waiting(draft: Draft, checker: Any, editor: Any) -> dict[str, Any]:
    """One of each: a proposed verdict, a task in review, an overdue task, an open finding."""
    return {
        "claim": proposed(draft, checker),
        "review": in_review(draft),
        "late": overdue(draft),
        "finding": a_finding(draft),
    }


def keys(body: dict[str, Any]) -> list[tuple[str, int]]:
    return [(row["kind"], row["id"]) for row in body["results"]]


def test_the_editor_sees_everything_waiting_with_the_pages_columns(
    editor_api: ApiClient, draft: Draft, waiting: dict[str, Any]
) -> None:
    body = editor_api.get(QUEUE).json()
    assert body["count"] == 4
    # Due soonest first: the overdue task; then by priority and waiting time.
    assert keys(body)[0] == ("task", waiting["late"].pk)
    assert set(keys(body)) == {
        ("claim", waiting["claim"].pk),
        ("task", waiting["review"].pk),
        ("task", waiting["late"].pk),
        ("finding", waiting["finding"].pk),
    }
    rows = {(row["kind"], row["id"]): row for row in body["results"]}
    claim = rows[("claim", waiting["claim"].pk)]
    assert claim["who"] == "checker" and claim["verdict"] == "inaccurate"
    assert claim["version"] == waiting["claim"].version and claim["priority"] is None
    assert claim["draft"] == {"id": draft.pk, "title": draft.title}
    assert claim["text"] == waiting["claim"].text
    late = rows[("task", waiting["late"].pk)]
    assert late["overdue"] is True and late["priority"] == "normal" and late["who"] == "editor"
    review = rows[("task", waiting["review"].pk)]
    assert review["status"] == "in_review" and review["overdue"] is False
    finding = rows[("finding", waiting["finding"].pk)]
    assert finding["text"] == "Monday vs Wednesday — day" and finding["task"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?show=verdicts", ["claim"]),
        ("?show=review", ["review"]),
        ("?show=overdue", ["late"]),
        ("?show=findings", ["finding"]),
        ("?who=checker", ["claim", "review"]),
        ("?who=editor", ["late"]),
        ("?who=none", ["finding"]),
        ("?due=overdue&show=overdue", ["late"]),
    ],
)
def test_the_pages_filters(
    editor_api: ApiClient, waiting: dict[str, Any], query: str, expected: list[str]
) -> None:
    body = editor_api.get(QUEUE + query).json()
    wanted = {(type(waiting[k]).__name__.lower(), waiting[k].pk) for k in expected}
    assert set(keys(body)) == wanted and body["count"] == len(expected)


def test_the_draft_filter_and_the_sorts(
    editor_api: ApiClient, draft: Draft, waiting: dict[str, Any], newsroom: Any, editor: Any
) -> None:
    other = draft_import(newsroom=newsroom, by=editor, text=SAMPLE_TEXT)
    late = overdue(other, title="Other late")
    assert keys(editor_api.get(QUEUE + f"?draft={other.pk}").json()) == [("task", late.pk)]
    assert editor_api.get(QUEUE + f"?draft={draft.pk}").json()["count"] == 4
    recent = editor_api.get(QUEUE + "?sort=recent").json()
    since = [row["since"] for row in recent["results"]]
    assert since == sorted(since, reverse=True)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?show=everything", "show"),
        ("?due=soon", "due"),
        ("?sort=random", "sort"),
        ("?draft=first", "draft"),
        ("?who=outsider", "who"),
    ],
)
def test_an_unknown_filter_value_is_400(
    editor_api: ApiClient, outsider: Any, query: str, field: str
) -> None:
    error = assert_error(editor_api.get(QUEUE + query), 400, "invalid")
    assert list(error["fields"]) == [field]


def test_paginated_with_the_total(editor_api: ApiClient, waiting: dict[str, Any]) -> None:
    everything = keys(editor_api.get(QUEUE).json())
    first = editor_api.get(QUEUE + "?limit=3").json()
    second = editor_api.get(QUEUE + "?limit=3&offset=3").json()
    assert first["count"] == second["count"] == 4
    assert keys(first) + keys(second) == everything
    assert first["next"].endswith("limit=3&offset=3") and second["next"] is None


def test_a_checker_has_no_queue(checker_api: ApiClient, waiting: dict[str, Any]) -> None:
    error = assert_error(checker_api.get(QUEUE), 403, "permission_denied")
    assert "nothing waits on your approval" in error["message"]


def test_an_outsider_sees_only_their_own_newsroom(
    outsider_api: ApiClient, waiting: dict[str, Any], other_newsroom: Any, outsider: Any
) -> None:
    body = outsider_api.get(QUEUE).json()
    assert body["count"] == 0 and body["results"] == []
    theirs = draft_import(newsroom=other_newsroom, by=outsider, text=SAMPLE_TEXT)
    finding = a_finding(theirs)
    assert keys(outsider_api.get(QUEUE).json()) == [("finding", finding.pk)]


def test_a_newsroom_token_sees_its_newsroom_alone(
    waiting: dict[str, Any], newsroom: Any, other_newsroom: Any, newsadmin: Any, outsider: Any
) -> None:
    theirs = a_finding(draft_import(newsroom=other_newsroom, by=outsider, text=SAMPLE_TEXT))
    made = api_token_create(by=newsadmin, name="CMS", newsroom=newsroom)
    # Even if a site admin made the token's account a member elsewhere.
    MembershipFactory(user=made.token.user, newsroom=other_newsroom, role=Role.EDITOR)
    body = ApiClient(made.secret).get(QUEUE).json()
    assert body["count"] == 4 and ("finding", theirs.pk) not in keys(body)
    outside = ApiClient(made.secret).get(f"/api/v1/findings/{theirs.pk}/")
    assert_error(outside, 404, "not_found")
    # A personal token of the same account sees both newsrooms, as the page would.
    mine = ApiClient(token_for(made.token.user)).get(QUEUE).json()
    assert mine["count"] == 5


def test_the_queue_costs_the_same_for_few_rows_or_many(
    editor: Any, checker: Any, draft: Draft, newsroom: Any
) -> None:
    client = ApiClient(token_for(editor))
    client.get(QUEUE)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE).status_code == 200
        return len(queries)

    proposed(draft, checker)
    in_review(draft)
    a_finding(draft)
    few = count()
    for n in range(4):
        more = draft_import(newsroom=newsroom, by=editor, text=SAMPLE_TEXT)
        proposed(more, checker)
        overdue(more, title=f"Late {n}")
        a_finding(more, summary=f"{n} vs {n + 1}")
    assert Finding.objects.count() == 5
    # The token; the newsrooms where the editor approves; their drafts (the scope); the count;
    # the page; one fetch for each kind on it. On PostgreSQL the count and the page are planned
    # for their own values: one SET LOCAL more (factcheck.prepared.fresh_plans).
    assert few == count() == 8 + (connection.vendor == "postgresql")


def test_a_bad_page_is_refused_and_the_callers_transaction_lives_on(editor_api: Any) -> None:
    # On PostgreSQL the queue runs in fresh_plans(): a refusal raised inside it must not end the
    # transaction a caller holds (this test's, here).
    for query in ("offset=null&offset=null", "limit=0", "offset=-1"):
        response = editor_api.get(f"/api/v1/queue/?{query}")
        assert response.status_code == 400, query
        assert not connection.needs_rollback
    assert editor_api.get("/api/v1/queue/").status_code == 200
