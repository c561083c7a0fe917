"""The task endpoints: a draft's tasks (list, create as the page's task form), a task, assign,
move along the state machine (a stale version 409 ``conflict``, an illegal move 409
``invalid_state``), and comments; with the pages' roles."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factcheck.api.services import api_token_create
from factcheck.claims.models import Claim
from factcheck.claims.services import claim_dismiss
from factcheck.drafts.models import Draft
from factcheck.drafts.services import draft_import
from factcheck.history.models import AuditEntry
from factcheck.notifications.models import Notification
from factcheck.reviews.models import Comment, Task
from factcheck.reviews.services import task_archive, task_move
from tests.api.conftest import ApiClient, assert_error, token_for
from tests.api.work import a_claim, a_task
from tests.conftest import SAMPLE_TEXT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cast(editor: Any, checker: Any) -> None:
    """The tasks here are assigned to the checker or the editor by name."""


def tasks_url(draft: Draft | int) -> str:
    pk = draft if isinstance(draft, int) else draft.pk
    return f"/api/v1/drafts/{pk}/tasks/"


def task_url(task: Task | int, rest: str = "") -> str:
    pk = task if isinstance(task, int) else task.pk
    return f"/api/v1/tasks/{pk}/{rest}"


# --- Create -------------------------------------------------------------------------------------


def test_an_editor_creates_a_task_as_the_page_does(
    editor_api: ApiClient, draft: Draft, editor: Any, checker: Any
) -> None:
    claims = [a_claim(draft, 0), a_claim(draft, 1)]
    due = timezone.now() + timedelta(hours=3)
    response = editor_api.post(
        tasks_url(draft),
        {
            "title": "  Road closure time  ",
            "description": "Call the council.",
            "claims": [c.pk for c in claims],
            "assignee": "checker",
            "due_at": due.isoformat(),
            "priority": "high",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    task = Task.objects.get()
    assert response["Location"].endswith(task_url(task))
    assert (task.title, task.description, task.assignee, task.created_by) == (
        "Road closure time",
        "Call the council.",
        checker,
        editor,
    )
    assert task.priority == Task.Priority.HIGH and task.due_at == due
    assert body["id"] == task.pk and body["status"] == "open" and body["priority"] == "high"
    assert body["assignee"] == "checker" and body["created_by"] == "editor"
    assert sorted(body["claims"]) == sorted(c.pk for c in claims)
    assert body["moves"] == [
        {"status": "in_progress", "label": "Start"},
        {"status": "in_review", "label": "Submit for review"},
    ]
    # The service's side effects: the assignee told, the history written.
    assert Notification.objects.filter(user=checker, kind=Notification.Kind.ASSIGNED).exists()
    assert AuditEntry.objects.filter(object_type="task", object_id=task.pk).exists()


def test_the_due_time_defaults_to_the_drafts_deadline(editor_api: ApiClient, draft: Draft) -> None:
    draft.deadline = timezone.now() + timedelta(days=1)
    draft.save()
    response = editor_api.post(tasks_url(draft), {"title": "Check"})
    assert response.status_code == 201, response.content
    task = Task.objects.get()
    assert task.due_at == draft.deadline and task.assignee is None
    assert response.json()["priority"] == "normal" and response.json()["claims"] == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Check", "priority": "whenever"}, "priority"),
        ({"title": "Check", "due_at": "tomorrow"}, "due_at"),
        ({"title": "Check", "claims": ["one"]}, "claims.0"),  # the first item of the list
        # An id no database column holds: a 400 on it, not an overflow in the query (500).
        ({"title": "Check", "claims": [15955, 73018477466706606292992]}, "claims.1"),
        ({"title": "Check", "assignee": "nobody-here"}, "assignee"),
        ({"title": "Check", "assignee": "outsider"}, "assignee"),
    ],
)
def test_bad_input_is_400_on_its_field_and_creates_nothing(
    editor_api: ApiClient, draft: Draft, outsider: Any, payload: dict[str, Any], field: str
) -> None:
    error = assert_error(editor_api.post(tasks_url(draft), payload), 400, "invalid")
    assert list(error["fields"]) == [field]
    assert not Task.objects.exists()


def test_only_live_claims_of_the_draft_can_be_linked(
    editor_api: ApiClient, draft: Draft, newsroom: Any, editor: Any
) -> None:
    other = draft_import(newsroom=newsroom, by=editor, text=SAMPLE_TEXT)
    dismissed = claim_dismiss(claim=a_claim(draft, 1), by=editor).obj
    for claims in ([a_claim(other).pk], [dismissed.pk], [987654]):
        error = assert_error(
            editor_api.post(tasks_url(draft), {"title": "Check", "claims": claims}), 400, "invalid"
        )
        assert error["fields"] == {"claims": ["Only live claims of this draft can be linked."]}
    assert not Task.objects.exists()


def test_a_checker_cannot_create_tasks(checker_api: ApiClient, draft: Draft) -> None:
    assert_error(checker_api.post(tasks_url(draft), {"title": "Check"}), 403, "permission_denied")
    assert not Task.objects.exists()


def test_a_newsroom_token_creates_tasks_as_its_account(
    draft: Draft, newsroom: Any, newsadmin: Any
) -> None:
    made = api_token_create(by=newsadmin, name="CMS", newsroom=newsroom)
    cms = ApiClient(made.secret)
    response = cms.post(tasks_url(draft), {"title": "From the CMS", "assignee": "newsadmin"})
    assert response.status_code == 201, response.content
    task = Task.objects.get()
    assert task.created_by == made.token.user and task.assignee == newsadmin


def test_another_newsrooms_token_cannot_tell_the_draft_exists(
    draft: Draft, outsider: Any, other_newsroom: Any
) -> None:
    outsider_api = ApiClient(token_for(outsider))
    assert_error(outsider_api.get(tasks_url(draft)), 404, "not_found")
    assert_error(outsider_api.post(tasks_url(draft), {"title": "x"}), 404, "not_found")
    assert not Task.objects.exists()


# --- List and read ------------------------------------------------------------------------------


def test_the_list_holds_the_drafts_live_tasks_soonest_due_first(
    checker_api: ApiClient, draft: Draft, editor: Any
) -> None:
    later = a_task(draft, title="Later")
    sooner = a_task(draft, title="Sooner")
    Task.objects.filter(pk=later.pk).update(due_at=timezone.now() + timedelta(days=2))
    Task.objects.filter(pk=sooner.pk).update(due_at=timezone.now() + timedelta(days=1))
    archived = task_archive(task=a_task(draft, title="Gone"), by=editor)

    body = checker_api.get(tasks_url(draft)).json()
    assert body["count"] == 2
    assert [t["title"] for t in body["results"]] == ["Sooner", "Later"]
    first = body["results"][0]
    assert first["assignee"] == "checker" and first["claims"] == [a_claim(draft).pk]
    assert first["archived"] is False and "moves" not in first

    archived_only = checker_api.get(tasks_url(draft) + "?archived=true").json()
    assert [t["id"] for t in archived_only["results"]] == [archived.pk]
    task_move(task=sooner, by=None, to=Task.Status.IN_PROGRESS)
    started = checker_api.get(tasks_url(draft) + "?status=in_progress").json()
    assert [t["id"] for t in started["results"]] == [sooner.pk]
    paged = checker_api.get(tasks_url(draft) + "?limit=1&offset=1").json()
    assert paged["count"] == 2 and [t["id"] for t in paged["results"]] == [later.pk]


@pytest.mark.parametrize("query", ["?status=finished", "?archived=maybe"])
def test_an_unknown_filter_value_is_400(editor_api: ApiClient, draft: Draft, query: str) -> None:
    error = assert_error(editor_api.get(tasks_url(draft) + query), 400, "invalid")
    assert list(error["fields"]) == [query[1:].split("=")[0]]


def test_the_list_costs_the_same_for_few_tasks_or_many(editor: Any, draft: Draft) -> None:
    client = ApiClient(token_for(editor))
    client.get(tasks_url(draft))  # records the token's use: not counted below

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(tasks_url(draft)).status_code == 200
        return len(queries)

    a_task(draft)
    few = count()
    for n in range(8):
        a_task(draft, title=f"Task {n}", assignee="editor" if n % 2 else "checker")
    # The token; the draft with its role; the count; the page; its claims' ids.
    assert few == count() == 5


def test_the_moves_offered_are_the_callers(
    draft: Draft, checker_api: ApiClient, editor_api: ApiClient, newsroom: Any
) -> None:
    mine = a_task(draft, assignee="checker")
    theirs = a_task(draft, assignee="editor", title="Theirs")
    assert [m["status"] for m in checker_api.get(task_url(mine)).json()["moves"]] == [
        "in_progress",
        "in_review",
    ]
    assert checker_api.get(task_url(theirs)).json()["moves"] == []  # not the checker's
    assert len(editor_api.get(task_url(theirs)).json()["moves"]) == 2
    task_move(task=mine, by=None, to=Task.Status.IN_REVIEW)
    # In review: only those who approve may finish it or send it back.
    assert checker_api.get(task_url(mine)).json()["moves"] == []
    assert [m["label"] for m in editor_api.get(task_url(mine)).json()["moves"]] == [
        "Mark done",
        "Send back",
    ]


# --- Assign -------------------------------------------------------------------------------------


def test_an_editor_assigns_and_unassigns(
    editor_api: ApiClient, draft: Draft, editor: Any, checker: Any
) -> None:
    task = a_task(draft, assignee=None)
    response = editor_api.post(task_url(task, "assign/"), {"assignee": "checker"})
    assert response.status_code == 200, response.content
    assert response.json()["assignee"] == "checker"
    task.refresh_from_db()
    assert task.assignee == checker and response.json()["version"] == task.version
    assert Notification.objects.filter(user=checker, kind=Notification.Kind.ASSIGNED).exists()

    again = editor_api.post(task_url(task, "assign/"), {"assignee": "checker"})
    assert again.status_code == 200 and again.json()["version"] == task.version  # harmless

    nobody = editor_api.post(task_url(task, "assign/"), {"assignee": None, "version": task.version})
    assert nobody.status_code == 200 and nobody.json()["assignee"] is None


def test_assigning_with_a_stale_version_is_409_and_changes_nothing(
    editor_api: ApiClient, draft: Draft, checker: Any
) -> None:
    task = a_task(draft, assignee=None)
    seen = task.version
    task_move(task=task, by=None, to=Task.Status.IN_PROGRESS)  # someone else moved it
    error = assert_error(
        editor_api.post(task_url(task, "assign/"), {"assignee": "checker", "version": seen}),
        409,
        "conflict",
    )
    task.refresh_from_db()
    assert error["current_version"] == task.version and task.assignee is None


def test_a_checker_cannot_assign(checker_api: ApiClient, draft: Draft) -> None:
    task = a_task(draft, assignee=None)
    response = checker_api.post(task_url(task, "assign/"), {"assignee": "checker"})
    assert_error(response, 403, "permission_denied")
    task.refresh_from_db()
    assert task.assignee is None


def test_the_assignee_must_be_a_member(editor_api: ApiClient, draft: Draft, outsider: Any) -> None:
    task = a_task(draft)
    error = assert_error(
        editor_api.post(task_url(task, "assign/"), {"assignee": "outsider"}), 400, "invalid"
    )
    assert error["fields"] == {"assignee": ["Choose a member of this newsroom."]}
    assert_error(editor_api.post(task_url(task, "assign/"), {}), 400, "invalid")


# --- Move ---------------------------------------------------------------------------------------


def test_the_assignee_starts_the_task_and_its_claims_are_being_checked(
    checker_api: ApiClient, draft: Draft
) -> None:
    task = a_task(draft, assignee="checker")
    response = checker_api.post(
        task_url(task, "move/"), {"status": "in_progress", "version": task.version}
    )
    assert response.status_code == 200, response.content
    task.refresh_from_db()
    assert task.status == Task.Status.IN_PROGRESS and response.json()["status"] == "in_progress"
    assert response.json()["version"] == task.version
    assert a_claim(draft).status == Claim.Status.CHECKING
    assert [m["status"] for m in response.json()["moves"]] == ["open", "in_review"]


def test_a_stale_move_is_409_conflict_with_the_current_version(
    checker_api: ApiClient, draft: Draft
) -> None:
    task = a_task(draft, assignee="checker")
    seen = task.version
    first = checker_api.post(task_url(task, "move/"), {"status": "in_progress", "version": seen})
    assert first.status_code == 200
    # The same request again (a double click, or another client that read the same version).
    error = assert_error(
        checker_api.post(task_url(task, "move/"), {"status": "in_review", "version": seen}),
        409,
        "conflict",
    )
    task.refresh_from_db()
    assert error["current_version"] == task.version
    assert task.status == Task.Status.IN_PROGRESS


def test_an_illegal_move_says_which_moves_there_are(editor_api: ApiClient, draft: Draft) -> None:
    task = a_task(draft)
    error = assert_error(
        editor_api.post(task_url(task, "move/"), {"status": "done", "version": task.version}),
        409,
        "invalid_state",
    )
    assert error["message"] == (
        "A task that is open cannot move to done; it can move to: in progress, in review."
    )
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"status": "finished", "version": 1}, "status"), ({"status": "in_progress"}, "version")],
)
def test_a_move_without_a_status_or_version_is_400(
    editor_api: ApiClient, draft: Draft, payload: dict[str, Any], field: str
) -> None:
    task = a_task(draft)
    error = assert_error(editor_api.post(task_url(task, "move/"), payload), 400, "invalid")
    assert list(error["fields"]) == [field]


def test_a_checker_moves_only_their_own_tasks_and_does_not_approve(
    checker_api: ApiClient, editor_api: ApiClient, draft: Draft
) -> None:
    theirs = a_task(draft, assignee="editor")
    response = checker_api.post(
        task_url(theirs, "move/"), {"status": "in_progress", "version": theirs.version}
    )
    error = assert_error(response, 403, "permission_denied")
    assert error["message"] == "Only the task's assignee (or an editor) can move it."

    mine = a_task(draft, assignee="checker", title="Mine")
    mine = task_move(task=mine, by=None, to=Task.Status.IN_REVIEW)
    done = {"status": "done", "version": mine.version}
    assert_error(checker_api.post(task_url(mine, "move/"), done), 403, "permission_denied")
    assert editor_api.post(task_url(mine, "move/"), done).json()["status"] == "done"
    mine.refresh_from_db()
    reopen = {"status": "open", "version": mine.version, "note": "The toll changed."}
    reopened = editor_api.post(task_url(mine, "move/"), reopen)
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    entry = AuditEntry.objects.filter(object_type="task", object_id=mine.pk).first()
    assert entry is not None and entry.summary.endswith(": The toll changed.")


# --- Comments -----------------------------------------------------------------------------------


def test_every_member_comments_and_mentions_notify(
    checker_api: ApiClient, draft: Draft, editor: Any
) -> None:
    task = a_task(draft)
    body = "Called the council, @editor: <b>6 a.m.</b> confirmed. @nobody"
    response = checker_api.post(task_url(task, "comments/"), {"body": body})
    assert response.status_code == 201, response.content
    created = response.json()
    comment = Comment.objects.get()
    assert created["id"] == comment.pk and created["author"] == "checker"
    assert created["body"] == body  # as written: JSON, the reader escapes where it shows it
    assert created["mentions"] == ["editor"]
    assert Notification.objects.filter(user=editor, kind=Notification.Kind.MENTIONED).exists()

    listed = checker_api.get(task_url(task, "comments/")).json()
    assert listed["count"] == 1 and listed["results"] == [created]


def test_an_empty_comment_is_400(editor_api: ApiClient, draft: Draft) -> None:
    task = a_task(draft)
    for payload in ({}, {"body": ""}, {"body": "x" * 5001}):
        error = assert_error(editor_api.post(task_url(task, "comments/"), payload), 400, "invalid")
        assert list(error["fields"]) == ["body"]
    assert not Comment.objects.exists()


def test_an_outsider_reads_no_comment(outsider_api: ApiClient, draft: Draft, editor: Any) -> None:
    task = a_task(draft)
    ApiClient(token_for(editor)).post(task_url(task, "comments/"), {"body": "Secret source."})
    response = outsider_api.get(task_url(task, "comments/"))
    assert_error(response, 404, "not_found")
    assert "Secret source" not in response.content.decode()


def test_the_schema_documents_the_conflicts_and_the_accepted_lookup(
    anonymous_api: ApiClient,
) -> None:
    paths = anonymous_api.get("/api/schema/?format=json").json()["paths"]
    move = paths["/api/v1/tasks/{id}/move/"]["post"]
    assert {"200", "400", "401", "403", "404", "409", "429"} <= set(move["responses"])
    assert {"201", "403"} <= set(paths["/api/v1/drafts/{id}/tasks/"]["post"]["responses"])
    assert "202" in paths["/api/v1/claims/{id}/lookups/"]["post"]["responses"]
    assert "409" in paths["/api/v1/findings/{id}/dismiss/"]["post"]["responses"]
