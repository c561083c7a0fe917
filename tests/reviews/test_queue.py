"""The review queue: GET /reviews/ (what waits on an editor) and POST /reviews/bulk/ (the row and
bulk actions), with and without htmx."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
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
from factcheck.notifications.models import Notification
from factcheck.reviews.models import Task
from factcheck.reviews.queue import PER_PAGE, QueueFilters, parse_token
from factcheck.reviews.services import task_create, task_move
from tests.conftest import SAMPLE_TEXT, client_for
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/reviews/"
BULK = "/reviews/bulk/"
HTMX = {"HTTP_HX_REQUEST": "true"}
S = Claim.Status
T = Task.Status

# The most queries the queue page may take: session, user, the newsrooms where the user
# approves, the drafts and the members the filters offer, the count, the page's slice of the
# UNION, the page's claims, the page's tasks.
# On PostgreSQL, one statement more: the queue's own plans (prepared.fresh_plans).
QUEUE_QUERIES = 9 + (connection.vendor == "postgresql")


def body(response: HttpResponse) -> str:
    return response.content.decode()


def row_keys(response: HttpResponse) -> list[str]:
    return re.findall(r'<tr id="row-([a-z]+-\d+)"', body(response))


def sentences(draft: Draft) -> list[Sentence]:
    return list(
        draft.revisions.get().sentences.filter(kind=Sentence.Kind.SENTENCE).order_by("index")
    )


def proposed(draft: Draft, editor: Any, checker: Any, index: int = 0) -> Claim:
    claim = claim_mark_sentence(sentence=sentences(draft)[index], by=editor)
    return claim_propose(
        claim=claim, by=checker, verdict=Claim.Verdict.INACCURATE, rationale="The record says so."
    )


def in_review(draft: Draft, editor: Any, checker: Any, title: str = "Check the figures") -> Task:
    task = task_create(draft=draft, by=editor, title=title, assignee=checker)
    return task_move(task=task, by=checker, to=T.IN_REVIEW)


def overdue(draft: Draft, editor: Any, checker: Any | None = None, title: str = "Late") -> Task:
    due = timezone.now() - timedelta(hours=3)
    return task_create(draft=draft, by=editor, title=title, assignee=checker, due_at=due)


def bulk_claims(draft: Draft, count: int, *, by: Any, status: str = S.PROPOSED) -> list[Claim]:
    """``count`` claims on ``draft`` by bulk_create: distinct spans inside its first sentence."""
    revision = draft.revisions.get()
    sentence = sentences(draft)[0]
    taken = set(Claim.objects.filter(revision=revision).values_list("start", "end"))
    spans = (
        (start, end)
        for start in range(sentence.start, sentence.end)
        for end in range(start + 1, sentence.end + 1)
        if (start, end) not in taken
    )
    now = timezone.now()
    claims = []
    for _, (start, end) in zip(range(count), spans, strict=False):
        claims.append(
            Claim(
                draft=draft,
                revision=revision,
                sentence=sentence,
                start=start,
                end=end,
                text=revision.text[start:end],
                status=status,
                verdict=Claim.Verdict.ACCURATE,
                rationale="Checked.",
                proposed_by=by,
                proposed_at=now,
            )
        )
    assert len(claims) == count
    return Claim.objects.bulk_create(claims)


def bulk_tasks(draft: Draft, count: int, *, assignee: Any, status: str = T.IN_REVIEW) -> None:
    """``count`` tasks by bulk_create, due an hour apart from now on."""
    now = timezone.now()
    Task.objects.bulk_create(
        Task(
            draft=draft,
            title=f"Task {i}",
            status=status,
            assignee=assignee,
            priority=i % 4 + 1,
            due_at=now + timedelta(hours=i),
        )
        for i in range(count)
    )


@pytest.fixture
def other_draft(other_newsroom: Any, outsider: Any) -> Draft:
    return draft_import(newsroom=other_newsroom, by=outsider, text=SAMPLE_TEXT)


@pytest.fixture
def other_checker(other_newsroom: Any) -> Any:
    user = UserFactory(username="other-checker")
    MembershipFactory(user=user, newsroom=other_newsroom, role="checker")
    return user


# --- Who may see the queue ---------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client: Client) -> None:
    for response in (client.get(URL), client.post(BULK, {"bulk": "approve"})):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_checker_gets_403_nothing_waits_on_them(checker_client: Client) -> None:
    assert checker_client.get(URL).status_code == 403
    assert checker_client.get(URL, **HTMX).status_code == 403
    assert checker_client.post(BULK, {"bulk": "approve", "items": ["claim:1:1"]}).status_code == 403


def test_wrong_methods_are_405(editor_client: Client) -> None:
    assert editor_client.post(URL).status_code == 405
    assert editor_client.get(BULK).status_code == 405


def test_newsroom_admin_sees_the_queue(
    newsadmin: Any, draft: Draft, editor: Any, checker: Any
) -> None:
    claim = proposed(draft, editor, checker)
    response = client_for(newsadmin).get(URL)
    assert response.status_code == 200
    assert row_keys(response) == [f"claim-{claim.pk}"]


# --- What is in it -----------------------------------------------------------------------------


def test_editor_sees_proposed_verdicts_tasks_in_review_and_overdue_tasks(
    editor_client: Client, draft: Draft, editor: Any, checker: Any
) -> None:
    claim = proposed(draft, editor, checker, 0)
    claim_mark_sentence(sentence=sentences(draft)[1], by=editor)  # unchecked: not waiting
    review = in_review(draft, editor, checker)
    late = overdue(draft, editor, checker)
    task_create(draft=draft, by=editor, title="Not due yet", due_at=timezone.now() + timedelta(1))
    done_late = overdue(draft, editor, title="Done, though late")
    Task.objects.filter(pk=done_late.pk).update(status=T.DONE)
    archived = overdue(draft, editor, title="Archived")
    Task.objects.filter(pk=archived.pk).update(archived_at=timezone.now())

    response = editor_client.get(URL)

    assert response.status_code == 200
    assert set(row_keys(response)) == {f"claim-{claim.pk}", f"task-{review.pk}", f"task-{late.pk}"}
    page = body(response)
    assert "Inaccurate" in page and "proposed by</span> checker" in page
    assert "Overdue" in page and "Task in review" in page
    assert 'data-key="a"' in page and "Keys:" in page  # actions and the documented keys
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_markup_in_a_rows_words_is_escaped(
    editor_client: Client, newsroom: Any, editor: Any, checker: Any
) -> None:
    draft = draft_import(
        newsroom=newsroom,
        by=editor,
        title="<img src=x onerror=alert(1)>",
        text="Script Test\n\nThe page ran <script>alert(1)</script> for 300 people.\n",
    )
    claim = proposed(draft, editor, checker, 0)
    late = overdue(draft, editor, checker, title='<b>Late</b> "now"')
    html = body(editor_client.get(URL))
    for raw in ("<img src=x", "<script>alert(1)</script>", "<b>Late</b>"):
        assert raw not in html
    assert f'id="text-claim-{claim.pk}"' in html
    assert "The page ran &lt;script&gt;alert(1)&lt;/script&gt; for 300 people.</a>" in html
    assert "&lt;img src=x onerror=alert(1)&gt;</a>" in html  # the draft's title
    assert 'aria-label="Select: &lt;b&gt;Late&lt;/b&gt; &quot;now&quot;"' in html
    assert f'id="row-task-{late.pk}"' in html


def test_outsiders_rows_never_appear(
    editor_client: Client,
    outsider_client: Client,
    draft: Draft,
    editor: Any,
    checker: Any,
    other_draft: Draft,
    outsider: Any,
    other_checker: Any,
) -> None:
    mine = proposed(draft, editor, checker)
    theirs = proposed(other_draft, outsider, other_checker)
    their_task = in_review(other_draft, outsider, other_checker, title="Their secret task")

    response = editor_client.get(URL)
    assert row_keys(response) == [f"claim-{mine.pk}"]
    assert "Their secret task" not in body(response)
    assert "other-checker" not in body(response)  # nor their members in the filters
    # Filtering on the other newsroom's draft shows nothing rather than their rows.
    assert row_keys(editor_client.get(URL, {"draft": other_draft.pk})) == []

    theirs_page = outsider_client.get(URL)
    assert set(row_keys(theirs_page)) == {f"claim-{theirs.pk}", f"task-{their_task.pk}"}


def test_archived_drafts_work_waits_on_nobody(
    editor_client: Client, draft: Draft, editor: Any, checker: Any
) -> None:
    proposed(draft, editor, checker)
    Draft.objects.filter(pk=draft.pk).update(archived_at=timezone.now())
    assert row_keys(editor_client.get(URL)) == []
    assert "Nothing waits on you" in body(editor_client.get(URL))


def test_query_count_is_the_same_for_10_and_1000_rows(
    editor_client: Client,
    draft: Draft,
    editor: Any,
    checker: Any,
    django_assert_max_num_queries: Any,
) -> None:
    def measure() -> tuple[int, int]:
        with (
            CaptureQueriesContext(connection) as queries,
            django_assert_max_num_queries(QUEUE_QUERIES),
        ):
            response = editor_client.get(URL)
        assert response.status_code == 200
        return len(queries), len(row_keys(response))

    # Claims are due at their draft's deadline, between the tasks' due times: by due time, the
    # first page mixes both kinds of row, so each kind's fetch runs in both measurements.
    Draft.objects.filter(pk=draft.pk).update(deadline=timezone.now() + timedelta(hours=2.5))
    bulk_claims(draft, 5, by=checker)
    bulk_tasks(draft, 5, assignee=checker)
    small, shown = measure()
    assert shown == 10

    bulk_claims(draft, 495, by=checker)
    bulk_tasks(draft, 495, assignee=checker)
    large, shown = measure()
    assert shown == PER_PAGE
    assert "1000 waiting" in body(editor_client.get(URL))
    assert {k.split("-")[0] for k in row_keys(editor_client.get(URL))} == {"claim", "task"}
    assert small == large
    # A filtered, sorted page deep in the list (rows 501-550: the last claims, then tasks) costs
    # the same.
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(URL, {"sort": "draft", "who": checker.pk, "page": 11})
    assert {k.split("-")[0] for k in row_keys(response)} == {"claim", "task"}
    assert len(queries) == large


# --- Filters, sorting, pages -------------------------------------------------------------------


def test_filters_by_kind_draft_and_who(
    editor_client: Client, draft: Draft, editor: Any, checker: Any, newsroom: Any
) -> None:
    claim = proposed(draft, editor, checker)
    review = in_review(draft, editor, checker)
    late = overdue(draft, editor)  # unassigned
    second = draft_import(newsroom=newsroom, by=editor, text=SAMPLE_TEXT, title="Second draft")
    elsewhere = in_review(second, editor, checker, title="On the second draft")

    def keys(**query: Any) -> set[str]:
        return set(row_keys(editor_client.get(URL, query)))

    assert keys(show="verdicts") == {f"claim-{claim.pk}"}
    assert keys(show="review") == {f"task-{review.pk}", f"task-{elsewhere.pk}"}
    assert keys(show="overdue") == {f"task-{late.pk}"}
    assert keys(draft=second.pk) == {f"task-{elsewhere.pk}"}
    assert keys(who=checker.pk) == {
        f"claim-{claim.pk}",
        f"task-{review.pk}",
        f"task-{elsewhere.pk}",
    }
    assert keys(who="none") == {f"task-{late.pk}"}
    assert keys(who=checker.pk, show="verdicts", draft=draft.pk) == {f"claim-{claim.pk}"}
    # Nonsense values fall back to the defaults instead of failing.
    assert len(keys(show="bogus", draft="x", who="y", due="z", sort="q", page="-3")) == 4


def test_due_windows_use_the_task_due_time_and_the_claims_draft_deadline(
    editor_client: Client,
    draft: Draft,
    editor: Any,
    checker: Any,
    newsroom: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Noon today, so that "later today" exists whenever the test runs.
    now = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: now)
    claim = proposed(draft, editor, checker)  # the draft has no deadline
    late = overdue(draft, editor, checker)
    this_week = in_review(draft, editor, checker, title="Due within the week")
    Task.objects.filter(pk=this_week.pk).update(due_at=now + timedelta(days=3))
    today = in_review(draft, editor, checker, title="Due later today")
    Task.objects.filter(pk=today.pk).update(due_at=now + timedelta(hours=5))
    deadline_draft = draft_import(
        newsroom=newsroom, by=editor, text=SAMPLE_TEXT, deadline=now - timedelta(hours=1)
    )
    late_claim = proposed(deadline_draft, editor, checker)

    def keys(due: str) -> set[str]:
        return set(row_keys(editor_client.get(URL, {"due": due})))

    assert keys("overdue") == {f"task-{late.pk}", f"claim-{late_claim.pk}"}
    assert keys("today") == {f"task-{today.pk}"}
    assert keys("week") == {f"task-{today.pk}", f"task-{this_week.pk}"}
    assert keys("none") == {f"claim-{claim.pk}"}
    page = body(editor_client.get(URL, {"due": "overdue"}))
    assert page.count('class="badge overdue"') == 2


def test_sorting(editor_client: Client, draft: Draft, editor: Any, checker: Any) -> None:
    now = timezone.now()
    claim = proposed(draft, editor, checker)  # no due time, no priority
    first = in_review(draft, editor, checker, title="Urgent but later")
    second = in_review(draft, editor, checker, title="Low and soon")
    Task.objects.filter(pk=first.pk).update(
        priority=Task.Priority.URGENT, due_at=now + timedelta(days=2), updated_at=now
    )
    Task.objects.filter(pk=second.pk).update(
        priority=Task.Priority.LOW,
        due_at=now + timedelta(days=1),
        updated_at=now - timedelta(days=5),
    )
    Claim.objects.filter(pk=claim.pk).update(proposed_at=now - timedelta(days=1))
    c, t1, t2 = f"claim-{claim.pk}", f"task-{first.pk}", f"task-{second.pk}"

    def order(sort: str) -> list[str]:
        return row_keys(editor_client.get(URL, {"sort": sort}))

    assert order("due") == [t2, t1, c]  # soonest first, no due time last
    assert order("priority") == [t1, t2, c]
    assert order("waiting") == [t2, c, t1]
    assert order("recent") == [t1, c, t2]


def test_pages_keep_the_filters(
    editor_client: Client, draft: Draft, editor: Any, checker: Any
) -> None:
    bulk_claims(draft, PER_PAGE + 7, by=checker)
    first = editor_client.get(URL, {"show": "verdicts", "sort": "waiting"})
    assert len(row_keys(first)) == PER_PAGE
    assert "?show=verdicts&amp;sort=waiting&amp;page=2" in body(first)
    assert 'aria-current="page">1<' in body(first)
    second = editor_client.get(URL, {"show": "verdicts", "sort": "waiting", "page": 2})
    assert len(row_keys(second)) == 7
    assert not set(row_keys(first)) & set(row_keys(second))
    # The rows' forms carry the filters back.
    assert 'name="back" value="show=verdicts&amp;sort=waiting&amp;page=2"' in body(second)
    # Without filters, page 1's link is the bare queue URL; far pages are elided.
    bulk_claims(draft, 10 * PER_PAGE, by=checker)  # 557 rows: 12 pages
    plain = body(editor_client.get(URL, {"page": 6}))
    assert (
        '<a href="/reviews/" hx-get="/reviews/" ' in plain and 'href="/reviews/?page=12"' in plain
    )
    assert 'aria-current="page">6<' in plain and plain.count('<span class="gap">…</span>') == 2
    assert 'href="/reviews/?page=5" ' in plain and 'href="/reviews/?page=7" ' in plain
    # A page past the end shows the last page.
    assert row_keys(editor_client.get(URL, {"page": 99})) == row_keys(
        editor_client.get(URL, {"page": 12})
    )


def test_htmx_get_answers_with_the_list_only(
    editor_client: Client, draft: Draft, editor: Any, checker: Any
) -> None:
    claim = proposed(draft, editor, checker)
    response = editor_client.get(URL, {"show": "verdicts"}, **HTMX)
    assert response.status_code == 200
    page = body(response)
    assert page.lstrip().startswith('<div id="queue-list"')
    assert "<html" not in page and 'id="queue-filters"' not in page
    assert row_keys(response) == [f"claim-{claim.pk}"]
    # Back/forward asks for the whole page again.
    restore = editor_client.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in body(restore)


def test_filter_form_works_without_javascript(editor_client: Client) -> None:
    page = body(editor_client.get(URL, {"show": "review", "sort": "priority"}))
    form = page.split('id="queue-filters"')[1].split("</form>")[0]
    assert 'method="get" action="/reviews/"' in form and 'hx-push-url="true"' in form
    assert '<option value="review" selected>' in form
    assert '<option value="priority" selected>' in form
    assert 'type="submit"' in form


# --- One row's actions -------------------------------------------------------------------------


def act(client: Client, obj: Claim | Task, do: str, **extra: Any) -> HttpResponse:
    kind = "claim" if isinstance(obj, Claim) else "task"
    headers = HTMX if extra.pop("htmx", False) else {}
    data = {"do": do, "item": f"{kind}:{obj.pk}:{obj.version}", "back": "show=verdicts&page=1"}
    data.update(extra)
    return client.post(BULK, data, **headers)


def test_approve_without_javascript_redirects_back_to_the_filtered_page(
    editor_client: Client, draft: Draft, editor: Any, checker: Any
) -> None:
    claim = proposed(draft, editor, checker)
    response = act(editor_client, claim, "approve")
    assert response.status_code == 302
    assert response["Location"] == "/reviews/?show=verdicts&page=1"
    claim.refresh_from_db()
    assert claim.status == S.APPROVED and claim.reviewed_by == editor
    assert AuditEntry.objects.filter(object_type="claim", object_id=claim.pk).exists()
    assert Notification.objects.filter(user=checker, kind=Notification.Kind.APPROVED).exists()
    followed = editor_client.get(response["Location"])
    assert "Approved the verdict on" in body(followed)
    assert row_keys(followed) == []


def test_htmx_approve_rerenders_the_row_in_its_new_state(
    editor_client: Client, draft: Draft, editor: Any, checker: Any
) -> None:
    claim = proposed(draft, editor, checker)
    response = editor_client.post(
        BULK, {"do": "approve", "item": f"claim:{claim.pk}:{claim.version}"}, **HTMX
    )
    assert response.status_code == 200
    page = body(response)
    assert page.startswith(f'<tr id="row-claim-{claim.pk}"')
    assert "is-settled" in page and "Approved" in page
    assert 'data-key="a"' not in page and 'name="items"' not in page  # nothing left to do
    assert '<template><div id="queue-flash"' in page and 'hx-swap-oob="true"' in page
    assert "queue-changed" in json.loads(response["HX-Trigger"])


def test_a_row_action_updates_the_waiting_count_in_place(
    editor_client: Client, draft: Draft, editor: Any, checker: Any
) -> None:
    first, second = proposed(draft, editor, checker), proposed(draft, editor, checker, index=2)
    in_review(draft, editor, checker)
    assert '<span id="queue-waiting">3 waiting</span>' in body(editor_client.get(URL))
    response = act(editor_client, first, "approve", htmx=True, back="")
    assert response.status_code == 200
    assert '<template><span id="queue-waiting" hx-swap-oob="true">2 waiting</span></template>' in (
        body(response)
    )
    # The count follows the page's filters: no verdict is left, the task still waits.
    response = act(editor_client, second, "approve", htmx=True, back="show=verdicts")
    assert 'hx-swap-oob="true">0 waiting</span>' in body(response)
    assert '<span id="queue-waiting">1 waiting</span>' in body(editor_client.get(URL))


def test_repeating_an_approval_is_refused_without_harm(
    editor_client: Client, draft: Draft, editor: Any, checker: Any
) -> None:
    claim = proposed(draft, editor, checker)
    data = {"do": "approve", "item": f"claim:{claim.pk}"}  # no version: a plain repeat
    assert editor_client.post(BULK, data, **HTMX).status_code == 200
    again = editor_client.post(BULK, data, **HTMX)
    assert again.status_code == 422
    assert "cannot become approved" in body(again) and "flash-error" in body(again)
    claim.refresh_from_db()
    assert claim.status == S.APPROVED and claim.version == 3  # proposed at 2, approved once


def test_stale_version_is_a_conflict_and_keeps_the_note(
    editor_client: Client, draft: Draft, editor: Any, checker: Any
) -> None:
    claim = proposed(draft, editor, checker)
    seen = claim.version
    claim_propose(claim=claim, by=checker, verdict=Claim.Verdict.MISLEADING, rationale="Revised.")
    data = {"do": "send_back", "item": f"claim:{claim.pk}:{seen}", "note": "Cite the report"}

    plain = editor_client.post(BULK, data)
    assert plain.status_code == 409
    assert "changed this claim" in body(plain)
    assert 'value="Cite the report"' in body(plain)
    assert "Misleading" in body(plain)  # the other change is shown

    htmx = editor_client.post(BULK, data, **HTMX)
    assert htmx.status_code == 422  # htmx swaps 422, not 409
    assert "changed this claim" in body(htmx) and 'value="Cite the report"' in body(htmx)
    claim.refresh_from_db()
    assert claim.status == S.PROPOSED and claim.verdict == Claim.Verdict.MISLEADING


def test_send_back_with_a_note(
    editor_client: Client, draft: Draft, editor: Any, checker: Any
) -> None:
    claim = proposed(draft, editor, checker)
    response = act(editor_client, claim, "send_back", note="Which census?", htmx=True)
    assert response.status_code == 200
    assert "Checking" in body(response) and "Note: Which census?" in body(response)
    claim.refresh_from_db()
    assert claim.status == S.CHECKING and claim.review_note == "Which census?"
    assert Notification.objects.filter(user=checker, kind=Notification.Kind.SENT_BACK).exists()


def test_task_in_review_marked_done_or_sent_back(
    editor_client: Client, draft: Draft, editor: Any, checker: Any
) -> None:
    first = in_review(draft, editor, checker, title="First")
    second = in_review(draft, editor, checker, title="Second")

    done = act(editor_client, first, "done", htmx=True)
    assert done.status_code == 200 and "Done" in body(done) and "is-settled" in body(done)
    back = act(editor_client, second, "task_send_back", note="More sources")
    assert back.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == T.DONE and second.status == T.IN_PROGRESS
    assert AuditEntry.objects.filter(summary__contains="More sources").exists()


def test_overdue_task_not_in_review_has_no_done_button(
    editor_client: Client, draft: Draft, editor: Any, checker: Any
) -> None:
    late = overdue(draft, editor, checker)
    page = body(editor_client.get(URL))
    assert f'href="/reviews/tasks/{late.pk}/">Open task</a>' in page
    response = act(editor_client, late, "done", htmx=True)
    assert response.status_code == 422
    assert "cannot move to done" in body(response)
    late.refresh_from_db()
    assert late.status == T.OPEN


def test_wrong_action_for_the_kind_is_refused(
    editor_client: Client, draft: Draft, editor: Any, checker: Any
) -> None:
    claim = proposed(draft, editor, checker)
    task = in_review(draft, editor, checker)
    assert act(editor_client, claim, "done", htmx=True).status_code == 422
    assert act(editor_client, task, "approve", htmx=True).status_code == 422
    bad = editor_client.post(BULK, {"do": "explode", "item": f"claim:{claim.pk}"})
    assert bad.status_code == 400
    assert editor_client.post(BULK, {"do": "approve", "item": "claim:x"}).status_code == 400


def test_row_actions_respect_roles(
    checker_client: Client,
    outsider_client: Client,
    draft: Draft,
    editor: Any,
    checker: Any,
) -> None:
    claim = proposed(draft, editor, checker)
    task = in_review(draft, editor, checker)
    assert act(outsider_client, claim, "approve").status_code == 404
    assert act(outsider_client, task, "done").status_code == 404
    assert act(checker_client, claim, "approve").status_code == 403
    assert act(checker_client, task, "done").status_code == 403
    claim.refresh_from_db()
    task.refresh_from_db()
    assert claim.status == S.PROPOSED and task.status == T.IN_REVIEW


def test_back_keeps_only_the_filters(
    editor_client: Client, draft: Draft, editor: Any, checker: Any
) -> None:
    claim = proposed(draft, editor, checker)
    response = editor_client.post(
        BULK,
        {"do": "approve", "item": f"claim:{claim.pk}", "back": "due=week&next=//evil.example"},
    )
    assert response["Location"] == "/reviews/?due=week"


# --- Bulk --------------------------------------------------------------------------------------


def test_bulk_approve_reports_what_succeeded_and_what_was_refused(
    editor_client: Client,
    draft: Draft,
    editor: Any,
    checker: Any,
    other_draft: Draft,
    outsider: Any,
    other_checker: Any,
) -> None:
    a, b, stale = bulk_claims(draft, 3, by=checker)
    task = in_review(draft, editor, checker)
    theirs = proposed(other_draft, outsider, other_checker)
    Claim.objects.filter(pk=stale.pk).update(version=stale.version + 1)
    items = [
        f"claim:{a.pk}:{a.version}",
        f"claim:{b.pk}:{b.version}",
        f"claim:{stale.pk}:{stale.version}",
        f"task:{task.pk}:{task.version}",
        f"claim:{theirs.pk}:{theirs.version}",
        "nonsense",
    ]

    response = editor_client.post(
        BULK, {"bulk": "approve", "items": items, "back": "show=verdicts"}, **HTMX
    )

    assert response.status_code == 200
    page = body(response)
    assert page.lstrip().startswith('<div id="queue-list"')
    assert "Approved 2 verdicts. Refused 4:" in page
    assert "changed this claim while you were working on it" in page
    assert "mark tasks done one by one" in page
    assert page.count("not found among the items waiting on you") == 2
    assert "queue-changed" in json.loads(response["HX-Trigger"])
    statuses = dict(Claim.objects.values_list("pk", "status"))
    assert statuses[a.pk] == statuses[b.pk] == S.APPROVED
    assert statuses[stale.pk] == S.PROPOSED and statuses[theirs.pk] == S.PROPOSED
    assert row_keys(response) == [f"claim-{stale.pk}"]  # the list, re-read with its filters


def test_bulk_approve_without_javascript(
    editor_client: Client, draft: Draft, editor: Any, checker: Any
) -> None:
    claim = proposed(draft, editor, checker)
    response = editor_client.post(
        BULK, {"bulk": "approve", "items": [f"claim:{claim.pk}:{claim.version}"], "back": "page=1"}
    )
    assert response.status_code == 302 and response["Location"] == "/reviews/?page=1"
    assert "Approved 1 verdict." in body(editor_client.get(URL))
    # Repeating it approves nothing more and says why.
    again = editor_client.post(BULK, {"bulk": "approve", "items": [f"claim:{claim.pk}"]}, **HTMX)
    assert again.status_code == 422 and "Approved 0 verdicts. Refused 1" in body(again)


def test_bulk_assign_tasks(
    editor_client: Client, draft: Draft, editor: Any, checker: Any, outsider: Any
) -> None:
    late = overdue(draft, editor)
    review = in_review(draft, editor, checker)
    claim = proposed(draft, editor, checker)
    items = [f"task:{late.pk}:{late.version}", f"task:{review.pk}", f"claim:{claim.pk}"]

    response = editor_client.post(
        BULK, {"bulk": "assign", "items": items, "assignee": str(checker.pk)}, **HTMX
    )

    assert response.status_code == 200
    assert "Assigned 2 tasks. Refused 1:" in body(response)
    assert "only tasks are assigned" in body(response)
    late.refresh_from_db()
    assert late.assignee == checker
    assert Notification.objects.filter(user=checker, kind=Notification.Kind.ASSIGNED).exists()
    # An outsider cannot be chosen; nothing is assigned to them.
    refused = editor_client.post(
        BULK, {"bulk": "assign", "items": items, "assignee": str(outsider.pk)}, **HTMX
    )
    assert refused.status_code == 422 and "Choose the member" in body(refused)
    # Without JavaScript: a redirect and a message.
    plain = editor_client.post(
        BULK, {"bulk": "assign", "items": [f"task:{late.pk}"], "assignee": str(editor.pk)}
    )
    assert plain.status_code == 302
    late.refresh_from_db()
    assert late.assignee == editor


def test_bulk_with_nothing_selected_or_no_action(editor_client: Client) -> None:
    nothing = editor_client.post(BULK, {"bulk": "approve"}, **HTMX)
    assert nothing.status_code == 422 and "Select at least one row" in body(nothing)
    no_action = editor_client.post(BULK, {"items": ["claim:1:1"]}, **HTMX)
    assert no_action.status_code == 422 and "Choose an action" in body(no_action)
    plain = editor_client.post(BULK, {"bulk": "approve"})
    assert plain.status_code == 302


def test_checker_cannot_bulk_act_in_a_newsroom_where_they_only_check(
    draft: Draft, editor: Any, checker: Any, other_newsroom: Any
) -> None:
    # Editor elsewhere, checker here: the queue shows only the other newsroom's work, and
    # naming this newsroom's claim changes nothing.
    MembershipFactory(user=checker, newsroom=other_newsroom, role="editor")
    claim = proposed(draft, editor, checker)
    client = client_for(checker)
    assert row_keys(client.get(URL)) == []
    response = client.post(BULK, {"bulk": "approve", "items": [f"claim:{claim.pk}"]}, **HTMX)
    assert "not found among the items waiting on you" in body(response)
    claim.refresh_from_db()
    assert claim.status == S.PROPOSED


# --- The selector's small parts ----------------------------------------------------------------


def test_parse_token() -> None:
    assert parse_token("claim:12:3") == ("claim", 12, 3)
    assert parse_token("task:4") == ("task", 4, None)
    assert parse_token("finding:1:1") == ("finding", 1, 1)
    for bad in ("", "claim", "note:1:1", "claim:x:1", "claim:1:y", "claim:1:2:3"):
        assert parse_token(bad) is None


def test_filters_query_string_drops_defaults() -> None:
    filters = QueueFilters.from_query({"show": "review", "who": "none", "sort": "due"})
    assert filters.query() == "who=none&show=review"
    assert filters.query(page=2) == "who=none&show=review&page=2"
