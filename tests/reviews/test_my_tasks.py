"""GET /reviews/my-tasks/: the user's assigned tasks across their newsrooms, soonest due first."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from factcheck.drafts.models import Draft
from factcheck.drafts.services import draft_import
from factcheck.newsrooms.models import Role
from factcheck.reviews.models import Task
from factcheck.reviews.services import task_create
from factcheck.reviews.views.tasks import MY_TASKS_PER_PAGE
from tests.conftest import client_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

URL = "/reviews/my-tasks/"
HTMX = {"HTTP_HX_REQUEST": "true"}
T = Task.Status
# Session, user, the count for the paginator, the page of tasks (with draft and newsroom).
MY_TASKS_MAX_QUERIES = 4


def body(response: HttpResponse) -> str:
    return response.content.decode()


def make(draft: Draft, assignee: Any, title: str, **fields: Any) -> Task:
    task = task_create(draft=draft, by=None, title=title, assignee=assignee)
    if fields:
        Task.objects.filter(pk=task.pk).update(**fields)
        task.refresh_from_db()
    return task


def bulk(draft: Draft, assignee: Any, count: int) -> None:
    now = timezone.now()
    Task.objects.bulk_create(
        Task(
            draft=draft,
            title=f"Bulk {i}",
            assignee=assignee,
            status=[T.OPEN, T.IN_PROGRESS, T.IN_REVIEW][i % 3],
            due_at=None if i % 10 == 0 else now + timedelta(hours=i - count // 2),
            priority=1 + i % 4,
        )
        for i in range(count)
    )


def test_lists_my_open_tasks_soonest_due_first_without_due_time_last(
    checker_client: Client, checker: Any, editor: Any, draft: Draft
) -> None:
    now = timezone.now()
    make(draft, checker, "No due time")
    make(draft, checker, "Later", due_at=now + timedelta(days=2))
    make(draft, checker, "Sooner", due_at=now + timedelta(hours=2))
    make(draft, checker, "Late", due_at=now - timedelta(hours=3))
    make(draft, checker, "Finished", status=T.DONE)
    make(draft, checker, "Put away", archived_at=now)
    make(draft, editor, "Someone else's")

    response = checker_client.get(URL)
    assert response.status_code == 200
    titles = [t.title for t in response.context["page"].object_list]
    assert titles == ["Late", "Sooner", "Later", "No due time"]
    html = body(response)
    assert "Finished" not in html
    assert "Put away" not in html
    assert "Someone else&#x27;s" not in html
    assert "4 tasks" in html


def test_overdue_tasks_are_marked(checker_client: Client, checker: Any, draft: Draft) -> None:
    late = make(draft, checker, "Late", due_at=timezone.now() - timedelta(hours=1))
    make(draft, checker, "On time", due_at=timezone.now() + timedelta(hours=1))
    html = body(checker_client.get(URL))
    rows = html.split('<tr class="task-row')[1:]
    assert len(rows) == 2
    assert rows[0].startswith(" overdue")
    assert '<span class="badge overdue">Overdue</span>' in rows[0]
    assert "Overdue" not in rows[1]
    assert f'<a href="/reviews/tasks/{late.pk}/">Late</a>' in rows[0]
    assert f'<a href="/drafts/{draft.pk}/">{draft.title}</a>' in rows[0]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("", ["Open one", "Working", "Reviewing"]),
        ("open", ["Open one"]),
        ("in_progress", ["Working"]),
        ("in_review", ["Reviewing"]),
        ("done", ["Finished"]),
        ("bogus", ["Open one", "Working", "Reviewing"]),
    ],
)
def test_status_filter(
    checker_client: Client, checker: Any, draft: Draft, status: str, expected: list[str]
) -> None:
    now = timezone.now()
    make(draft, checker, "Open one", due_at=now + timedelta(hours=1))
    make(draft, checker, "Working", status=T.IN_PROGRESS, due_at=now + timedelta(hours=2))
    make(draft, checker, "Reviewing", status=T.IN_REVIEW, due_at=now + timedelta(hours=3))
    make(draft, checker, "Finished", status=T.DONE, due_at=now + timedelta(hours=4))
    response = checker_client.get(URL, {"status": status})
    assert response.status_code == 200
    assert [t.title for t in response.context["page"].object_list] == expected


def test_the_current_filter_is_marked(checker_client: Client) -> None:
    html = body(checker_client.get(URL, {"status": "done"}))
    assert 'href="/reviews/my-tasks/?status=done" hx-get="/reviews/my-tasks/?status=done"' in html
    current = html.split('aria-current="page"')[0].rsplit("<a ", 1)[1]
    assert "status=done" in current


def test_tasks_come_from_every_newsroom_i_belong_to_and_no_other(
    checker: Any, outsider: Any, other_newsroom: Any, draft: Draft
) -> None:
    MembershipFactory(user=checker, newsroom=other_newsroom, role=Role.CHECKER)
    theirs = draft_import(newsroom=other_newsroom, by=outsider, text="Their Story\n\nA dam broke.")
    make(draft, checker, "Here")
    make(theirs, checker, "There")
    html = body(client_for(checker).get(URL))
    assert "Here" in html and "There" in html
    assert "Other Newsroom" in html

    # Leaving a newsroom hides its tasks even if they are still assigned.
    checker.memberships.filter(newsroom=other_newsroom).delete()
    assert "There" not in body(client_for(checker).get(URL))


def test_an_outsider_sees_only_their_own_empty_list(
    outsider_client: Client, checker: Any, draft: Draft
) -> None:
    make(draft, checker, "Secret task")
    response = outsider_client.get(URL)
    assert response.status_code == 200
    assert "Secret task" not in body(response)
    assert "No tasks here." in body(response)


def test_editor_sees_tasks_assigned_to_them(
    editor_client: Client, editor: Any, draft: Draft
) -> None:
    make(draft, editor, "Mine to check")
    assert "Mine to check" in body(editor_client.get(URL))


def test_pages_of_fifty(checker_client: Client, checker: Any, draft: Draft) -> None:
    bulk(draft, checker, 120)
    first = checker_client.get(URL)
    assert len(first.context["page"].object_list) == MY_TASKS_PER_PAGE == 50
    assert "Page 1 of 3" in body(first)
    assert 'href="/reviews/my-tasks/?page=2"' in body(first)
    last = checker_client.get(URL, {"page": 3})
    assert len(last.context["page"].object_list) == 20
    assert checker_client.get(URL, {"page": "zzz"}).status_code == 200  # first page


@pytest.mark.parametrize("count", [10, 1_000])
def test_query_count_is_the_same_for_ten_and_a_thousand_tasks(
    checker_client: Client,
    checker: Any,
    draft: Draft,
    count: int,
    django_assert_max_num_queries: Any,
) -> None:
    bulk(draft, checker, count)
    with django_assert_max_num_queries(MY_TASKS_MAX_QUERIES):
        response = checker_client.get(URL)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count
    with django_assert_max_num_queries(MY_TASKS_MAX_QUERIES):
        assert checker_client.get(URL, {"status": "in_review", "page": 2}).status_code == 200


def test_query_count_does_not_depend_on_the_number_of_tasks(
    checker_client: Client, checker: Any, draft: Draft
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for count in (10, 990):  # 10, then 1,000 in all
        bulk(draft, checker, count)
        with CaptureQueriesContext(connection) as queries:
            assert checker_client.get(URL).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == MY_TASKS_MAX_QUERIES, counts


def test_htmx_answers_with_the_list_only(
    checker_client: Client, checker: Any, draft: Draft
) -> None:
    make(draft, checker, "Mine")
    response = checker_client.get(URL, {"status": "open"}, **HTMX)
    assert response.status_code == 200
    html = body(response)
    assert html.startswith('<section id="my-tasks"')
    assert "<html" not in html
    assert "Mine" in html


def test_repeated_visits_change_nothing(checker_client: Client, checker: Any, draft: Draft) -> None:
    task = make(draft, checker, "Mine")
    for _ in range(2):
        assert checker_client.get(URL).status_code == 200
    assert Task.objects.get().version == task.version


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


def test_post_is_not_allowed(checker_client: Client) -> None:
    assert checker_client.post(URL).status_code == 405
