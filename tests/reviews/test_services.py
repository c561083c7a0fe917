"""Tasks, the task state machine, claims driving tasks, clearance and comments: services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from factcheck.claims.models import Claim
from factcheck.claims.services import claim_approve, claim_dismiss, claim_edit, claim_mark_sentence
from factcheck.claims.services import claim_propose as propose_service
from factcheck.drafts.models import Sentence
from factcheck.errors import ConflictError, FactcheckError, TransitionError
from factcheck.history.models import AuditEntry
from factcheck.reviews import states
from factcheck.reviews.models import Comment, Task
from factcheck.reviews.selectors import clearance_blockers
from factcheck.reviews.services import (
    comment_add,
    draft_clear,
    task_archive,
    task_assign,
    task_create,
    task_move,
    task_restore,
    task_update,
)

pytestmark = pytest.mark.django_db
T = Task.Status


@pytest.fixture
def claims(draft: Any, editor: Any) -> list[Claim]:
    sentences = draft.revisions.get().sentences.exclude(kind=Sentence.Kind.BOILERPLATE)
    return [claim_mark_sentence(sentence=s, by=editor) for s in sentences.order_by("index")[1:3]]


@pytest.fixture
def task(draft: Any, editor: Any, checker: Any, claims: list[Claim]) -> Task:
    return task_create(
        draft=draft, by=editor, title="F-16 vs F-15 discrepancy", claims=claims, assignee=checker
    )


def propose(claim: Claim, by: Any) -> Claim:
    return propose_service(
        claim=claim, by=by, verdict="inaccurate", rationale="Wire copy says F-16."
    )


def test_creating_a_task_links_claims_defaults_due_and_notifies_the_assignee(
    draft: Any,
    editor: Any,
    checker: Any,
    claims: list[Claim],
    django_capture_on_commit_callbacks: Any,
) -> None:
    draft.deadline = timezone.now() + timedelta(hours=6)
    draft.save()
    with django_capture_on_commit_callbacks(execute=True):
        task = task_create(
            draft=draft, by=editor, title="Check the toll", claims=claims, assignee=checker
        )
    assert task.status == T.OPEN
    assert task.due_at == draft.deadline
    assert set(task.claims.all()) == set(claims)
    note = checker.notifications.get()
    assert note.kind == "assigned" and "Check the toll" in note.message
    assert [m.to for m in mail.outbox] == [[checker.email]]
    assert AuditEntry.objects.filter(
        object_type="task", object_id=task.pk, action="created"
    ).exists()


def test_checkers_and_outsiders_cannot_create_or_assign_tasks(
    draft: Any, checker: Any, outsider: Any, task: Task
) -> None:
    for user in (checker, outsider):
        with pytest.raises(PermissionDenied):
            task_create(draft=draft, by=user, title="x")
        with pytest.raises(PermissionDenied):
            task_assign(task=task, by=user, assignee=user)


def test_a_task_cannot_be_assigned_to_a_non_member(task: Task, editor: Any, outsider: Any) -> None:
    with pytest.raises(FactcheckError, match="not a member"):
        task_assign(task=task, by=editor, assignee=outsider)
    assert Task.objects.get(pk=task.pk).assignee.username == "checker"


def test_a_task_cannot_link_another_drafts_claims(
    newsroom: Any, editor: Any, task: Task, draft: Any
) -> None:
    from factcheck.drafts.services import draft_import

    other = draft_import(newsroom=newsroom, by=editor, text="A second draft. It has claims.")
    sentence = other.revisions.get().sentences.first()
    with pytest.raises(FactcheckError, match="its own draft"):
        task_create(
            draft=draft,
            by=editor,
            title="x",
            claims=[claim_mark_sentence(sentence=sentence, by=editor)],
        )


def test_the_assignee_moves_their_task_and_an_editor_finishes_it(
    task: Task, checker: Any, editor: Any
) -> None:
    task = task_move(task=task, by=checker, to=T.IN_PROGRESS)
    assert set(task.claims.values_list("status", flat=True)) == {Claim.Status.CHECKING}
    task = task_move(task=task, by=checker, to=T.IN_REVIEW)
    with pytest.raises(PermissionDenied):
        task_move(task=task, by=checker, to=T.DONE)
    task = task_move(task=task, by=editor, to=T.DONE)
    task = task_move(task=task, by=editor, to=T.OPEN)  # reopen
    assert task.status == T.OPEN
    moves = AuditEntry.objects.filter(object_type="task", object_id=task.pk, action="status")
    assert moves.count() == 4


def test_a_checker_cannot_move_someone_elses_task(
    draft: Any, editor: Any, checker: Any, newsroom: Any
) -> None:
    from tests.conftest import _member

    other_checker = _member(newsroom, "checker", "checker2")
    task = task_create(draft=draft, by=editor, title="x", assignee=other_checker)
    with pytest.raises(PermissionDenied, match="assignee"):
        task_move(task=task, by=checker, to=T.IN_PROGRESS)


@pytest.mark.parametrize(
    ("start", "target"),
    [(T.OPEN, T.DONE), (T.IN_PROGRESS, T.DONE), (T.DONE, T.IN_REVIEW), (T.DONE, T.IN_PROGRESS)],
)
def test_illegal_task_moves_are_refused_with_a_clear_message(start: str, target: str) -> None:
    with pytest.raises(TransitionError, match="cannot move to"):
        states.check_move(start, target)


def test_an_illegal_move_changes_nothing(task: Task, editor: Any) -> None:
    with pytest.raises(TransitionError):
        task_move(task=task, by=editor, to=T.DONE)
    assert Task.objects.get(pk=task.pk).version == task.version


def test_claims_drive_their_task_to_review_and_to_done_and_the_draft_clears(
    task: Task, claims: list[Claim], checker: Any, editor: Any, draft: Any
) -> None:
    propose(claims[0], checker)
    assert Task.objects.get(pk=task.pk).status == T.OPEN  # one claim still has no verdict
    propose(claims[1], checker)
    assert Task.objects.get(pk=task.pk).status == T.IN_REVIEW
    assert editor.notifications.filter(kind="in_review").exists()
    claim_approve(claim=Claim.objects.get(pk=claims[0].pk), by=editor)
    claim_approve(claim=Claim.objects.get(pk=claims[1].pk), by=editor)
    assert Task.objects.get(pk=task.pk).status == T.DONE
    draft.refresh_from_db()
    assert draft.is_cleared and draft.cleared_by == editor
    assert clearance_blockers(draft) == []


def test_a_new_blocker_withdraws_clearance(
    task: Task, claims: list[Claim], checker: Any, editor: Any, draft: Any
) -> None:
    for claim in claims:
        claim_approve(claim=propose(claim, checker), by=editor)
    draft.refresh_from_db()
    assert draft.is_cleared
    claim = Claim.objects.get(pk=claims[0].pk)
    claim_edit(claim=claim, by=editor, expected_version=claim.version, verdict="misleading")
    draft.refresh_from_db()
    assert not draft.is_cleared
    assert AuditEntry.objects.filter(object_type="draft", action="uncleared").exists()
    assert [b.kind for b in clearance_blockers(draft)] == ["claim"]


def test_blockers_list_unsettled_claims_and_live_unfinished_tasks(
    task: Task, claims: list[Claim], editor: Any, draft: Any
) -> None:
    blockers = clearance_blockers(draft)
    assert [b.kind for b in blockers] == ["claim", "claim", "task"]
    assert blockers[2].url == task.get_absolute_url()
    with pytest.raises(FactcheckError, match="3 blocker"):
        draft_clear(draft=draft, by=editor)
    for claim in claims:
        claim_dismiss(claim=claim, by=editor)
    task_archive(task=task, by=editor)
    assert clearance_blockers(draft) == []
    draft.refresh_from_db()
    assert draft.is_cleared


def test_an_editor_clears_a_draft_with_nothing_to_check_but_a_checker_cannot(
    draft: Any, editor: Any, checker: Any
) -> None:
    with pytest.raises(PermissionDenied):
        draft_clear(draft=draft, by=checker)
    draft = draft_clear(draft=draft, by=editor)
    assert draft.is_cleared
    assert draft_clear(draft=draft, by=editor).cleared_at == draft.cleared_at  # repeat harmless


def test_archive_and_restore_keep_the_task(task: Task, editor: Any) -> None:
    task = task_archive(task=task, by=editor)
    assert task.archived_at is not None and Task.objects.filter(pk=task.pk).exists()
    task = task_restore(task=task, by=editor)
    assert task.archived_at is None
    actions = set(
        AuditEntry.objects.filter(object_id=task.pk, object_type="task").values_list(
            "action", flat=True
        )
    )
    assert {"archived", "restored"} <= actions


def test_editing_a_task_records_before_and_after(
    task: Task, editor: Any, claims: list[Claim]
) -> None:
    due = timezone.now() + timedelta(days=1)
    task = task_update(
        task=task,
        by=editor,
        expected_version=task.version,
        title="F-16 vs F-15: check the wire",
        description="Ask the desk in Yerevan.",
        due_at=due,
        priority=Task.Priority.URGENT,
        claims=claims[:1],
    )
    entry = AuditEntry.objects.filter(object_type="task", object_id=task.pk).first()
    assert entry is not None and entry.action == "edited"
    assert entry.changes["title"] == ["F-16 vs F-15 discrepancy", "F-16 vs F-15: check the wire"]
    assert entry.changes["priority"] == [Task.Priority.NORMAL, Task.Priority.URGENT]
    assert entry.changes["claims"] == [sorted(c.pk for c in claims), [claims[0].pk]]


def test_a_stale_task_edit_is_a_conflict_and_loses_nothing(
    task: Task, editor: Any, checker: Any
) -> None:
    seen = task.version
    task_move(task=task, by=checker, to=T.IN_PROGRESS)
    with pytest.raises(ConflictError, match="checker"):
        task_update(
            task=task,
            by=editor,
            expected_version=seen,
            title="Renamed",
            description="",
            due_at=None,
            priority=Task.Priority.LOW,
        )
    fresh = Task.objects.get(pk=task.pk)
    assert (fresh.title, fresh.status) == ("F-16 vs F-15 discrepancy", T.IN_PROGRESS)


def test_a_comment_mentions_members_only_and_notifies_them(
    task: Task, editor: Any, checker: Any, outsider: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_add(by=editor, body="@checker please look; @outsider @nobody", task=task)
    assert list(comment.mentions.all()) == [checker]
    assert checker.notifications.filter(kind="mentioned").count() == 1
    assert not outsider.notifications.exists()
    assert len(mail.outbox) == 1 and "mentioned you" in mail.outbox[0].subject


def test_comments_on_claims_and_who_may_comment(
    claims: list[Claim], checker: Any, outsider: Any
) -> None:
    comment_add(by=checker, body="Found the wire story.", claim=claims[0])
    assert Comment.objects.get().claim == claims[0]
    with pytest.raises(PermissionDenied):
        comment_add(by=outsider, body="hi", claim=claims[0])
    with pytest.raises(FactcheckError, match="empty"):
        comment_add(by=checker, body="   ", claim=claims[0])
