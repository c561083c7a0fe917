"""Task views: creating a task from the draft page, the task page, moves, assignment, editing,
archiving and comments, with and without htmx."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factcheck.claims.models import Claim
from factcheck.claims.services import claim_mark_sentence, claim_propose
from factcheck.drafts.models import Draft, Sentence
from factcheck.drafts.services import draft_import
from factcheck.history.models import AuditEntry
from factcheck.newsrooms.models import Role
from factcheck.notifications.models import Notification
from factcheck.reviews.models import Comment, Task
from factcheck.reviews.services import task_create, task_move, task_update
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
T = Task.Status
TITLE = "F-16 vs F-15 discrepancy"


@pytest.fixture
def claims(draft: Draft, editor: Any) -> list[Claim]:
    sentences = draft.revisions.get().sentences.exclude(kind=Sentence.Kind.BOILERPLATE)
    return [claim_mark_sentence(sentence=s, by=editor) for s in sentences.order_by("index")[1:4]]


@pytest.fixture
def task(draft: Draft, editor: Any, checker: Any, claims: list[Claim]) -> Task:
    return task_create(
        draft=draft,
        by=editor,
        title=TITLE,
        description="The draft says F-16; the ministry's release says F-15.",
        claims=claims[:2],
        assignee=checker,
    )


@pytest.fixture
def other_checker(newsroom: Any) -> Any:
    user = UserFactory(username="checker2")
    MembershipFactory(user=user, newsroom=newsroom, role=Role.CHECKER)
    return user


def body(response: HttpResponse) -> str:
    return response.content.decode()


def new_url(draft: Draft) -> str:
    return f"/reviews/drafts/{draft.pk}/tasks/new/"


def url(task: Task, action: str = "") -> str:
    return f"/reviews/tasks/{task.pk}/" + (f"{action}/" if action else "")


def fresh(task: Task) -> Task:
    return Task.objects.get(pk=task.pk)


# --- Creating a task ---------------------------------------------------------------------------


def test_editor_creates_a_task_from_two_claims(
    editor_client: Client, draft: Draft, claims: list[Claim], checker: Any
) -> None:
    due = timezone.localtime() + timedelta(days=1)
    response = editor_client.post(
        new_url(draft),
        {
            "title": TITLE,
            "description": "Which aircraft?",
            "claims": [claims[0].pk, claims[1].pk],
            "assignee": checker.pk,
            "due_at": due.strftime("%Y-%m-%dT%H:%M"),
            "priority": Task.Priority.HIGH,
        },
    )
    task = Task.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reviews/tasks/{task.pk}/"
    assert (task.title, task.assignee, task.priority) == (TITLE, checker, Task.Priority.HIGH)
    assert task.due_at is not None
    assert task.due_at.strftime("%Y-%m-%d %H:%M") == due.strftime("%Y-%m-%d %H:%M")
    assert set(task.claims.all()) == {claims[0], claims[1]}
    assert Notification.objects.get(user=checker).kind == Notification.Kind.ASSIGNED
    assert AuditEntry.objects.filter(object_type="task", object_id=task.pk).exists()
    assert f"Created task “{TITLE}”" in body(editor_client.get(response["Location"]))


def test_empty_due_time_takes_the_drafts_deadline(
    editor_client: Client, draft: Draft, claims: list[Claim]
) -> None:
    draft.deadline = timezone.now() + timedelta(hours=5)
    draft.save(update_fields=["deadline"])
    form = body(editor_client.get(new_url(draft)))
    assert "Leave empty to use the draft&#x27;s deadline (" in form
    response = editor_client.post(new_url(draft), {"title": TITLE, "priority": 2, "due_at": ""})
    assert response.status_code == 302
    assert Task.objects.get().due_at == draft.deadline


@pytest.mark.parametrize("style", ["comma", "repeated"])
def test_new_task_form_preselects_the_claims_named_in_the_query(
    editor_client: Client, draft: Draft, claims: list[Claim], style: str
) -> None:
    picked = [claims[0].pk, claims[2].pk]
    query = (
        f"claims={picked[0]},{picked[1]}"
        if style == "comma"
        else f"claims={picked[0]}&claims={picked[1]}"
    )
    html = body(editor_client.get(f"{new_url(draft)}?{query}"))
    for claim in claims:
        tag = html[html.index(f'value="{claim.pk}" id="id_claims_') :].split(">", 1)[0]
        assert ("checked" in tag) == (claim.pk in picked), (claim.pk, tag)


def test_new_task_form_lists_only_this_drafts_claims_and_checkers_first(
    editor_client: Client,
    editor: Any,
    checker: Any,
    newsadmin: Any,
    newsroom: Any,
    draft: Draft,
    claims: list[Claim],
) -> None:
    other = draft_import(newsroom=newsroom, by=editor, text="Other Story\n\nThe bridge fell.")
    foreign = claim_mark_sentence(sentence=other.revisions.get().sentences.last(), by=editor)
    html = body(editor_client.get(f"{new_url(draft)}?claims={foreign.pk}"))
    assert f'value="{foreign.pk}"' not in html.split('name="assignee"')[0]
    assert "The bridge fell." not in html
    options = html.split('name="assignee"', 1)[1].split("</select>", 1)[0]
    assert options.index("checker (Fact-checker)") < options.index("editor (Editor)")
    assert "newsadmin (Newsroom admin)" in options


def test_assignee_choices_carry_the_role_in_this_newsroom_once(
    editor_client: Client, checker: Any, other_newsroom: Any, draft: Draft
) -> None:
    MembershipFactory(user=checker, newsroom=other_newsroom, role=Role.EDITOR)
    html = body(editor_client.get(new_url(draft)))
    options = html.split('name="assignee"', 1)[1].split("</select>", 1)[0]
    assert options.count(f'value="{checker.pk}"') == 1
    assert "checker (Fact-checker)" in options


def test_a_claim_of_another_draft_cannot_be_linked(
    editor_client: Client, editor: Any, newsroom: Any, draft: Draft
) -> None:
    other = draft_import(newsroom=newsroom, by=editor, text="Other Story\n\nThe bridge fell.")
    foreign = claim_mark_sentence(sentence=other.revisions.get().sentences.last(), by=editor)
    response = editor_client.post(
        new_url(draft), {"title": TITLE, "priority": 2, "claims": [foreign.pk]}
    )
    assert response.status_code == 422
    assert "Only live claims of this draft can be linked." in body(response)
    assert not Task.objects.exists()


def test_an_outsider_cannot_be_assigned(editor_client: Client, draft: Draft, outsider: Any) -> None:
    response = editor_client.post(
        new_url(draft), {"title": TITLE, "priority": 2, "assignee": outsider.pk}
    )
    assert response.status_code == 422
    assert "Choose a member of this newsroom." in body(response)
    assert not Task.objects.exists()


def test_a_task_needs_a_title_and_the_input_is_kept(
    editor_client: Client, draft: Draft, claims: list[Claim]
) -> None:
    response = editor_client.post(
        new_url(draft),
        {"title": "", "description": "Keep me", "priority": 2, "claims": [claims[1].pk]},
    )
    assert response.status_code == 422
    html = body(response)
    assert "This field is required." in html
    assert "Keep me</textarea>" in html
    tag = html[html.index(f'value="{claims[1].pk}" id="id_claims_') :].split(">", 1)[0]
    assert "checked" in tag
    assert not Task.objects.exists()


def test_newsroom_admin_can_create_a_task(newsadmin: Any, draft: Draft) -> None:
    response = client_for(newsadmin).post(new_url(draft), {"title": TITLE, "priority": 2})
    assert response.status_code == 302
    assert Task.objects.get().created_by == newsadmin


def test_checker_may_not_create_tasks(checker_client: Client, draft: Draft) -> None:
    assert checker_client.get(new_url(draft)).status_code == 403
    response = checker_client.post(new_url(draft), {"title": TITLE, "priority": 2})
    assert response.status_code == 403
    assert not Task.objects.exists()


def test_outsider_gets_not_found_on_new_task(outsider_client: Client, draft: Draft) -> None:
    assert outsider_client.get(new_url(draft)).status_code == 404
    assert outsider_client.post(new_url(draft), {"title": TITLE}).status_code == 404
    assert not Task.objects.exists()


def test_anonymous_is_sent_to_login_from_new_task(client: Client, draft: Draft) -> None:
    response = client.get(new_url(draft))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={new_url(draft)}"


def test_new_task_refuses_other_methods(editor_client: Client, draft: Draft) -> None:
    assert editor_client.put(new_url(draft)).status_code == 405
    assert editor_client.delete(new_url(draft)).status_code == 405


def test_opening_the_new_task_form_twice_creates_nothing(
    editor_client: Client, draft: Draft
) -> None:
    for _ in range(2):
        assert editor_client.get(new_url(draft)).status_code == 200
    assert not Task.objects.exists()


def test_htmx_new_task_redirects_the_client_or_answers_the_form_with_422(
    editor_client: Client, draft: Draft
) -> None:
    refused = editor_client.post(new_url(draft), {"title": "", "priority": 2}, **HTMX)
    assert refused.status_code == 422
    assert body(refused).startswith('<form id="task-form"')
    assert "<html" not in body(refused)

    created = editor_client.post(new_url(draft), {"title": TITLE, "priority": 2}, **HTMX)
    assert created.status_code == 200
    assert created["HX-Redirect"] == f"/reviews/tasks/{Task.objects.get().pk}/"


# --- The draft page: selecting claims, the task list -------------------------------------------


def test_draft_page_offers_claim_checkboxes_in_a_get_form_to_new_task(
    editor_client: Client, draft: Draft, claims: list[Claim]
) -> None:
    html = body(editor_client.get(f"/drafts/{draft.pk}/"))
    assert f'<form id="new-task" class="new-task" method="get" action="{new_url(draft)}">' in html
    for claim in claims:
        assert f'name="claims" value="{claim.pk}" form="new-task"' in html
        assert f'<a href="/claims/{claim.pk}/">' in html
    assert f'href="/history/drafts/{draft.pk}/"' in html
    assert f'href="/reviews/drafts/{draft.pk}/clearance/"' in html


def test_draft_page_lists_the_drafts_live_tasks(
    editor_client: Client, editor: Any, draft: Draft, task: Task
) -> None:
    archived = task_create(draft=draft, by=editor, title="Archived one")
    archived.archived_at = timezone.now()
    archived.save(update_fields=["archived_at"])
    html = body(editor_client.get(f"/drafts/{draft.pk}/"))
    panel = html[html.index('id="draft-tasks"') :]
    assert f'<a href="/reviews/tasks/{task.pk}/">{TITLE}</a>' in panel
    assert "checker · 2 claims" in panel
    assert "Archived one" not in panel


def test_draft_page_offers_no_task_controls_to_a_checker(
    checker_client: Client, draft: Draft, claims: list[Claim]
) -> None:
    html = body(checker_client.get(f"/drafts/{draft.pk}/"))
    assert 'form="new-task"' not in html
    assert 'id="new-task"' not in html


def test_marking_answers_with_a_panel_that_keeps_the_checkboxes(
    editor_client: Client, draft: Draft
) -> None:
    response = editor_client.post(f"/claims/drafts/{draft.pk}/mark/", {"mark": "2"}, **HTMX)
    assert response.status_code == 200
    claim = Claim.objects.get()
    assert f'name="claims" value="{claim.pk}" form="new-task"' in body(response)


# --- The task page -----------------------------------------------------------------------------


def test_task_page_shows_the_task_its_claims_and_history(
    editor_client: Client, checker: Any, task: Task, claims: list[Claim]
) -> None:
    claim_propose(
        claim=claims[0], by=checker, verdict="inaccurate", rationale="Ministry release says F-15."
    )
    html = body(editor_client.get(url(task)))
    assert f"<h1>{TITLE}</h1>" in html
    assert "The draft says F-16; the ministry&#x27;s release says F-15." in html
    assert '<dd class="assignee">checker</dd>' in html
    assert "Normal" in html
    for claim in claims[:2]:
        assert f'<a href="/claims/{claim.pk}/">' in html
    assert f'<a href="/claims/{claims[2].pk}/">' not in html
    assert "Verdict proposed" in html
    assert "Inaccurate" in html
    assert f"Created task “{TITLE}”" in html
    assert '<span class="before">—</span> → <span class="after">Open</span>' in html


def test_overdue_task_is_marked(editor_client: Client, task: Task) -> None:
    Task.objects.filter(pk=task.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert '<span class="badge overdue">Overdue</span>' in body(editor_client.get(url(task)))


def test_editor_sees_every_move_and_the_assign_edit_archive_controls(
    editor_client: Client, task: Task
) -> None:
    html = body(editor_client.get(url(task)))
    assert 'name="to" value="in_progress"' in html
    assert 'name="to" value="in_review"' in html
    assert 'name="to" value="done"' not in html  # not a move out of "open"
    assert f'action="/reviews/tasks/{task.pk}/assign/"' in html
    assert f'href="/reviews/tasks/{task.pk}/edit/"' in html
    assert f'action="/reviews/tasks/{task.pk}/archive/"' in html


def test_the_assignee_sees_their_moves_but_no_editor_controls(
    checker_client: Client, task: Task
) -> None:
    html = body(checker_client.get(url(task)))
    assert 'name="to" value="in_progress"' in html
    assert f'action="/reviews/tasks/{task.pk}/assign/"' not in html
    assert f'href="/reviews/tasks/{task.pk}/edit/"' not in html
    assert f'action="/reviews/tasks/{task.pk}/archive/"' not in html
    assert f'action="/reviews/tasks/{task.pk}/comments/"' in html


def test_another_checker_sees_no_moves(other_checker: Any, task: Task) -> None:
    response = client_for(other_checker).get(url(task))
    assert response.status_code == 200
    assert 'name="to"' not in body(response)


def test_checker_sees_no_finish_button_on_a_task_in_review(
    checker_client: Client, checker: Any, task: Task
) -> None:
    task_move(task=task, by=checker, to=T.IN_REVIEW)
    html = body(checker_client.get(url(task)))
    assert 'name="to" value="done"' not in html
    assert 'name="to"' not in html


def test_task_page_is_not_found_for_an_outsider(outsider_client: Client, task: Task) -> None:
    response = outsider_client.get(url(task))
    assert response.status_code == 404
    assert TITLE not in body(response)


def test_task_page_sends_anonymous_users_to_login(client: Client, task: Task) -> None:
    response = client.get(url(task))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_task_page_refuses_post(editor_client: Client, task: Task) -> None:
    assert editor_client.post(url(task)).status_code == 405


def test_htmx_task_page_answers_with_the_state_block(editor_client: Client, task: Task) -> None:
    response = editor_client.get(url(task), **HTMX)
    assert response.status_code == 200
    assert body(response).startswith('<section id="task-main"')


def test_task_page_queries_do_not_grow_with_comments_claims_or_history(
    editor_client: Client, editor: Any, checker: Any, draft: Draft, task: Task
) -> None:
    from factcheck.reviews.services import comment_add

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(url(task)).status_code == 200
        return len(queries)

    comment_add(by=editor, body="@checker look", task=task)
    small = count()
    revision = draft.revisions.get()
    more = [claim_mark_sentence(sentence=s, by=editor) for s in revision.sentences.all()[:4]]
    for i in range(15):
        comment_add(by=checker if i % 2 else editor, body=f"note {i} @editor", task=task)
    task_update(
        task=task,
        by=editor,
        expected_version=None,
        title=TITLE,
        description="more",
        due_at=None,
        priority=3,
        claims=more,
    )
    assert count() == small


# --- Moving a task -----------------------------------------------------------------------------


def test_the_assignee_starts_their_task(checker_client: Client, task: Task) -> None:
    response = checker_client.post(url(task, "move"), {"to": T.IN_PROGRESS, "version": 1})
    assert response.status_code == 302
    assert response["Location"] == url(task)
    task = fresh(task)
    assert task.status == T.IN_PROGRESS
    assert set(task.claims.values_list("status", flat=True)) == {Claim.Status.CHECKING}
    assert "Moved to In progress." in body(checker_client.get(url(task)))


def test_another_checker_may_not_move_the_task(other_checker: Any, task: Task) -> None:
    response = client_for(other_checker).post(
        url(task, "move"), {"to": T.IN_PROGRESS, "version": 1}
    )
    assert response.status_code == 403
    assert fresh(task).status == T.OPEN


def test_editor_moves_anyones_task(editor_client: Client, task: Task) -> None:
    response = editor_client.post(url(task, "move"), {"to": T.IN_REVIEW, "version": 1})
    assert response.status_code == 302
    assert fresh(task).status == T.IN_REVIEW


def test_checker_may_not_finish_even_their_own_task(
    checker_client: Client, checker: Any, task: Task
) -> None:
    task = task_move(task=task, by=checker, to=T.IN_REVIEW)
    response = checker_client.post(url(task, "move"), {"to": T.DONE, "version": task.version})
    assert response.status_code == 403
    assert fresh(task).status == T.IN_REVIEW


def test_editor_sends_a_task_back_with_a_note(
    editor_client: Client, checker: Any, task: Task
) -> None:
    task = task_move(task=task, by=checker, to=T.IN_REVIEW)
    assert 'id="move-note"' in body(editor_client.get(url(task)))
    response = editor_client.post(
        url(task, "move"),
        {"to": T.IN_PROGRESS, "version": task.version, "note": "Find the release"},
    )
    assert response.status_code == 302
    assert fresh(task).status == T.IN_PROGRESS
    entry = AuditEntry.objects.filter(object_type="task", object_id=task.pk).first()
    assert entry is not None and entry.summary.endswith(": Find the release")
    assert Notification.objects.filter(user=checker, kind=Notification.Kind.SENT_BACK).exists()


def test_an_illegal_move_is_refused_with_the_state_machines_message(
    editor_client: Client, task: Task
) -> None:
    response = editor_client.post(url(task, "move"), {"to": T.DONE, "version": 1})
    assert response.status_code == 422
    html = body(response)
    assert "A task that is open cannot move to done; it can move to: in progress, in review." in (
        html
    )
    assert "<html" in html  # the whole page again, without JavaScript
    assert fresh(task).status == T.OPEN


def test_htmx_illegal_move_answers_422_with_the_message_in_the_flash(
    editor_client: Client, task: Task
) -> None:
    response = editor_client.post(url(task, "move"), {"to": T.DONE, "version": 1}, **HTMX)
    assert response.status_code == 422
    html = body(response)
    assert html.startswith('<div id="task-flash"')
    assert 'hx-swap-oob="innerHTML"' in html
    assert "cannot move to done" in html
    assert "HX-Trigger" not in response


def test_an_unknown_status_is_refused(editor_client: Client, task: Task) -> None:
    response = editor_client.post(url(task, "move"), {"to": "finished", "version": 1})
    assert response.status_code == 422
    assert "That is not a task status." in body(response)


def test_a_move_without_the_version_is_refused(editor_client: Client, task: Task) -> None:
    response = editor_client.post(url(task, "move"), {"to": T.IN_PROGRESS}, **HTMX)
    assert response.status_code == 422
    assert "This page is out of date" in body(response)
    assert fresh(task).status == T.OPEN


def test_htmx_move_answers_with_the_changed_blocks_and_an_event(
    checker_client: Client, task: Task
) -> None:
    response = checker_client.post(url(task, "move"), {"to": T.IN_PROGRESS, "version": 1}, **HTMX)
    assert response.status_code == 200
    assert "task-changed" in response["HX-Trigger"]
    html = body(response)
    for block in ("task-flash", "task-main", "task-claims", "task-history"):
        assert f'id="{block}"' in html
    assert html.count('hx-swap-oob="true"') == 3
    assert "Moved to In progress." in html
    assert '<input type="hidden" name="version" value="2">' in html
    assert "Checking" in html  # the claims went to checking with the task


def test_a_stale_move_conflicts_naming_who_changed_it_and_changes_nothing(
    editor_client: Client, checker_client: Client, task: Task
) -> None:
    started = checker_client.post(url(task, "move"), {"to": T.IN_PROGRESS, "version": 1})
    assert started.status_code == 302
    response = editor_client.post(url(task, "move"), {"to": T.IN_REVIEW, "version": 1})
    assert response.status_code == 409
    html = body(response)
    assert "checker changed this task while you were working on it (now: In progress" in html
    assert fresh(task).status == T.IN_PROGRESS

    htmx = editor_client.post(url(task, "move"), {"to": T.IN_REVIEW, "version": 1}, **HTMX)
    assert htmx.status_code == 422
    assert "checker changed this task" in body(htmx)
    assert '<input type="hidden" name="version" value="2">' in body(htmx)  # ready to retry


def test_repeating_a_move_is_harmless(checker_client: Client, task: Task) -> None:
    first = checker_client.post(url(task, "move"), {"to": T.IN_PROGRESS, "version": 1})
    second = checker_client.post(url(task, "move"), {"to": T.IN_PROGRESS, "version": 1})
    assert (first.status_code, second.status_code) == (302, 409)
    task = fresh(task)
    assert (task.status, task.version) == (T.IN_PROGRESS, 2)
    assert AuditEntry.objects.filter(object_type="task", action="status").count() == 1


def test_move_refuses_get_outsiders_and_anonymous(
    editor_client: Client, outsider_client: Client, client: Client, task: Task
) -> None:
    assert editor_client.get(url(task, "move")).status_code == 405
    assert (
        outsider_client.post(url(task, "move"), {"to": T.IN_PROGRESS, "version": 1}).status_code
        == 404
    )
    anonymous = client.post(url(task, "move"), {"to": T.IN_PROGRESS, "version": 1})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    assert fresh(task).status == T.OPEN


# --- Assigning ---------------------------------------------------------------------------------


def test_editor_reassigns_and_the_new_assignee_is_notified(
    editor_client: Client, task: Task, other_checker: Any
) -> None:
    response = editor_client.post(url(task, "assign"), {"assignee": other_checker.pk, "version": 1})
    assert response.status_code == 302
    assert fresh(task).assignee == other_checker
    assert Notification.objects.filter(user=other_checker, kind="assigned").exists()


def test_assignment_email_goes_out_after_commit(
    editor_client: Client,
    task: Task,
    other_checker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(url(task, "assign"), {"assignee": other_checker.pk, "version": 1})
    assert [m.to for m in mail.outbox] == [[other_checker.email]]


def test_editor_unassigns_with_htmx(editor_client: Client, task: Task) -> None:
    response = editor_client.post(url(task, "assign"), {"assignee": "", "version": 1}, **HTMX)
    assert response.status_code == 200
    assert "task-changed" in response["HX-Trigger"]
    assert "Unassigned." in body(response)
    assert "nobody yet" in body(response)
    assert fresh(task).assignee is None


def test_checker_may_not_assign(checker_client: Client, checker: Any, task: Task) -> None:
    response = checker_client.post(url(task, "assign"), {"assignee": "", "version": 1})
    assert response.status_code == 403
    assert fresh(task).assignee == checker


def test_assigning_a_non_member_is_refused(
    editor_client: Client, checker: Any, outsider: Any, task: Task
) -> None:
    response = editor_client.post(url(task, "assign"), {"assignee": outsider.pk, "version": 1})
    assert response.status_code == 422
    assert "Choose a member of this newsroom." in body(response)
    assert fresh(task).assignee == checker


def test_a_stale_assignment_conflicts_and_keeps_the_choice(
    editor_client: Client, checker: Any, task: Task, other_checker: Any, newsadmin: Any
) -> None:
    task_move(task=task, by=checker, to=T.IN_PROGRESS)
    response = editor_client.post(url(task, "assign"), {"assignee": other_checker.pk, "version": 1})
    assert response.status_code == 409
    html = body(response)
    assert "checker changed this task" in html
    assert f'<option value="{other_checker.pk}" selected>' in html
    assert fresh(task).assignee == checker


def test_repeating_an_assignment_is_harmless(
    editor_client: Client, task: Task, other_checker: Any
) -> None:
    editor_client.post(url(task, "assign"), {"assignee": other_checker.pk, "version": 1})
    again = editor_client.post(url(task, "assign"), {"assignee": other_checker.pk, "version": 2})
    assert again.status_code == 302
    assert fresh(task).version == 2
    assert Notification.objects.filter(user=other_checker).count() == 1


def test_assign_refuses_get_outsiders_and_anonymous(
    editor_client: Client, outsider_client: Client, client: Client, task: Task
) -> None:
    assert editor_client.get(url(task, "assign")).status_code == 405
    assert outsider_client.post(url(task, "assign"), {"version": 1}).status_code == 404
    assert client.post(url(task, "assign"), {"version": 1}).status_code == 302


# --- Editing -----------------------------------------------------------------------------------


def edit_data(task: Task, claims: list[Claim], **changes: Any) -> dict[str, Any]:
    return {
        "title": task.title,
        "description": task.description,
        "claims": [c.pk for c in claims],
        "due_at": "",
        "priority": task.priority,
        "version": task.version,
        **changes,
    }


def test_edit_form_shows_the_current_values(editor_client: Client, task: Task) -> None:
    html = body(editor_client.get(url(task, "edit")))
    assert f'value="{TITLE}"' in html
    assert '<input type="hidden" name="version" value="1"' in html
    assert html.count(" checked>") == 2


def test_editor_edits_a_task(editor_client: Client, task: Task, claims: list[Claim]) -> None:
    response = editor_client.post(
        url(task, "edit"), edit_data(task, claims, title="F-16 or F-15?", priority=4)
    )
    assert response.status_code == 302
    task = fresh(task)
    assert (task.title, task.priority, task.claims.count()) == ("F-16 or F-15?", 4, 3)
    entry = AuditEntry.objects.filter(object_type="task", action="edited").get()
    assert entry.changes["title"] == [TITLE, "F-16 or F-15?"]


def test_a_stale_edit_conflicts_keeps_the_input_and_shows_the_current_task(
    editor_client: Client, editor: Any, task: Task, claims: list[Claim], newsadmin: Any
) -> None:
    task_update(
        task=task,
        by=newsadmin,
        expected_version=1,
        title="Admin's title",
        description="",
        due_at=None,
        priority=1,
    )
    mine = edit_data(task, claims[:1], title="My title", description="My words", version=1)
    response = editor_client.post(url(task, "edit"), mine)
    assert response.status_code == 409
    html = body(response)
    assert "newsadmin changed this task while you were working on it" in html
    assert 'value="My title"' in html
    assert "My words</textarea>" in html
    assert "The task as it is now" in html
    assert "Admin&#x27;s title" in html
    assert '<input type="hidden" name="version" value="2"' in html
    assert fresh(task).title == "Admin's title"

    again = editor_client.post(url(task, "edit"), {**mine, "version": 2})
    assert again.status_code == 302
    assert fresh(task).title == "My title"


def test_htmx_conflicting_edit_answers_422_with_the_form(
    editor_client: Client, newsadmin: Any, task: Task, claims: list[Claim]
) -> None:
    task_update(
        task=task,
        by=newsadmin,
        expected_version=1,
        title="X",
        description="",
        due_at=None,
        priority=1,
    )
    response = editor_client.post(url(task, "edit"), edit_data(task, claims, version=1), **HTMX)
    assert response.status_code == 422
    assert body(response).startswith('<form id="task-form"')
    assert "newsadmin changed this task" in body(response)


def test_htmx_edit_redirects_the_client(
    editor_client: Client, task: Task, claims: list[Claim]
) -> None:
    response = editor_client.post(url(task, "edit"), edit_data(task, claims), **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == url(task)


def test_saving_an_unchanged_edit_twice_is_harmless(
    editor_client: Client, task: Task, claims: list[Claim]
) -> None:
    data = edit_data(task, claims[:2])
    for _ in range(2):
        assert editor_client.post(url(task, "edit"), data).status_code == 302
    assert fresh(task).version == 1
    assert not AuditEntry.objects.filter(action="edited").exists()


def test_checker_may_not_edit(checker_client: Client, task: Task, claims: list[Claim]) -> None:
    assert checker_client.get(url(task, "edit")).status_code == 403
    response = checker_client.post(url(task, "edit"), edit_data(task, claims, title="Mine"))
    assert response.status_code == 403
    assert fresh(task).title == TITLE


def test_edit_refuses_outsiders_anonymous_and_other_methods(
    editor_client: Client, outsider_client: Client, client: Client, task: Task
) -> None:
    assert outsider_client.get(url(task, "edit")).status_code == 404
    assert client.get(url(task, "edit")).status_code == 302
    assert editor_client.put(url(task, "edit")).status_code == 405


# --- Archiving ---------------------------------------------------------------------------------


def test_editor_archives_and_restores_a_task(editor_client: Client, task: Task) -> None:
    for _ in range(2):  # the second archive is harmless
        assert editor_client.post(url(task, "archive")).status_code == 302
    assert fresh(task).archived_at is not None
    assert AuditEntry.objects.filter(object_type="task", action="archived").count() == 1
    html = body(editor_client.get(url(task)))
    assert "Archived on" in html
    assert f'action="/reviews/tasks/{task.pk}/restore/"' in html
    assert 'name="to"' not in html

    response = editor_client.post(url(task, "restore"), **HTMX)
    assert response.status_code == 200
    assert "task-changed" in response["HX-Trigger"]
    assert fresh(task).archived_at is None


def test_checker_may_not_archive_or_restore(checker_client: Client, task: Task) -> None:
    assert checker_client.post(url(task, "archive")).status_code == 403
    assert checker_client.post(url(task, "restore")).status_code == 403
    assert fresh(task).archived_at is None


def test_archive_refuses_get_outsiders_and_anonymous(
    editor_client: Client, outsider_client: Client, client: Client, task: Task
) -> None:
    for action in ("archive", "restore"):
        assert editor_client.get(url(task, action)).status_code == 405
        assert outsider_client.post(url(task, action)).status_code == 404
        assert client.post(url(task, action)).status_code == 302
    assert fresh(task).archived_at is None


# --- Comments ----------------------------------------------------------------------------------


def test_comment_with_a_mention_notifies_and_is_highlighted(
    editor_client: Client,
    checker: Any,
    task: Task,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            url(task, "comments"), {"body": "@checker the ministry says <F-15>, see page 2"}
        )
    assert response.status_code == 302
    assert response["Location"] == url(task) + "#comments"
    comment = Comment.objects.get()
    assert list(comment.mentions.all()) == [checker]
    assert Notification.objects.filter(user=checker, kind="mentioned").exists()
    assert any(m.to == [checker.email] and "mentioned" in m.subject + m.body for m in mail.outbox)
    html = body(editor_client.get(url(task)))
    assert '<mark class="mention">@checker</mark> the ministry says &lt;F-15&gt;' in html


def test_checker_comments_with_htmx(checker_client: Client, task: Task) -> None:
    response = checker_client.post(url(task, "comments"), {"body": "On it, @nobody"}, **HTMX)
    assert response.status_code == 200
    assert "task-changed" in response["HX-Trigger"]
    html = body(response)
    assert 'id="task-comments"' in html
    assert "On it, @nobody" in html  # not a member: left as text
    assert 'class="mention"' not in html
    assert "Comment added." in html


def test_an_empty_comment_is_refused(editor_client: Client, task: Task) -> None:
    plain = editor_client.post(url(task, "comments"), {"body": "   "})
    assert plain.status_code == 422
    assert "The comment is empty." in body(plain)
    htmx = editor_client.post(url(task, "comments"), {"body": ""}, **HTMX)
    assert htmx.status_code == 422
    assert "The comment is empty." in body(htmx)
    assert not Comment.objects.exists()


def test_comment_refuses_get_outsiders_and_anonymous(
    editor_client: Client, outsider_client: Client, client: Client, task: Task
) -> None:
    assert editor_client.get(url(task, "comments")).status_code == 405
    assert outsider_client.post(url(task, "comments"), {"body": "hi"}).status_code == 404
    assert client.post(url(task, "comments"), {"body": "hi"}).status_code == 302
    assert not Comment.objects.exists()
