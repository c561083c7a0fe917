"""The draft's history timeline: every change, newest first, with who, what and before → after."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from factcheck.claims.services import claim_mark_sentence, claim_propose
from factcheck.drafts.models import Draft, Sentence
from factcheck.drafts.services import draft_import
from factcheck.history.models import AuditEntry
from factcheck.history.selectors import draft_timeline, entry_url, timeline_page
from factcheck.history.services import audit_record
from factcheck.reviews.services import comment_add, task_assign, task_create
from tests.conftest import SAMPLE_TEXT

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def history(draft: Draft) -> str:
    return f"/history/drafts/{draft.pk}/"


def body(response: Any) -> str:
    return response.content.decode()


def first_unit(draft: Draft) -> Sentence:
    revision = draft.revisions.get()
    return revision.sentences.exclude(kind=Sentence.Kind.BOILERPLATE).order_by("index")[1]


@pytest.fixture
def worked(draft: Draft, editor: Any, checker: Any, newsadmin: Any) -> dict[str, Any]:
    claim = claim_mark_sentence(sentence=first_unit(draft), by=editor)
    task = task_create(draft=draft, by=editor, title="Sea wall breach", claims=[claim])
    task = task_assign(task=task, by=editor, assignee=checker)
    claim = claim_propose(claim=claim, by=checker, verdict="accurate", rationale="Council notice.")
    comment_add(by=newsadmin, body="@checker thanks", task=task)
    return {"claim": claim, "task": task}


def test_timeline_shows_every_change_newest_first_with_who_and_before_after(
    checker_client: Client, draft: Draft, worked: dict[str, Any]
) -> None:
    response = checker_client.get(history(draft))
    assert response.status_code == 200
    html = body(response)
    entries = list(AuditEntry.objects.filter(draft=draft).order_by("-created_at", "-id"))
    assert len(entries) >= 5
    positions = [html.index(e.summary) for e in entries[:3]]
    assert positions == sorted(positions)
    assert "Commented on task “Sea wall breach”" in html
    assert '<span class="who">newsadmin</span>' in html
    assert '<span class="who">checker</span>' in html
    # before → after of the assignment, and links to the objects changed.
    assert '<span class="change-field">assignee</span>: <del>—</del> → <ins>checker</ins>' in html
    assert f'href="/reviews/tasks/{worked["task"].pk}/"' in html
    assert f'href="/claims/{worked["claim"].pk}/"' in html


def test_timeline_leaves_out_other_drafts(
    editor_client: Client, draft: Draft, worked: dict[str, Any], newsroom: Any, editor: Any
) -> None:
    other = draft_import(newsroom=newsroom, by=editor, text=SAMPLE_TEXT, title="Another")
    claim_mark_sentence(sentence=first_unit(other), by=editor)
    html = body(editor_client.get(history(draft)))
    assert html.count('<li class="entry') == AuditEntry.objects.filter(draft=draft).count()
    assert "Another" not in html


def test_timeline_filters_by_kind(
    checker_client: Client, draft: Draft, worked: dict[str, Any]
) -> None:
    html = body(checker_client.get(history(draft), {"kind": "task"}))
    tasks = AuditEntry.objects.filter(draft=draft, object_type="task").count()
    assert html.count('<li class="entry entry-task">') == tasks > 0
    assert 'class="entry entry-claim"' not in html
    assert 'href="?kind=task" aria-current="true"' in html
    everything = body(checker_client.get(history(draft), {"kind": "bogus"}))
    assert everything.count('<li class="entry') == AuditEntry.objects.filter(draft=draft).count()


def test_timeline_is_paginated_and_htmx_gets_the_fragment(
    checker_client: Client, draft: Draft, editor: Any
) -> None:
    for n in range(55):
        audit_record(
            obj=draft,
            action="edited",
            actor=editor,
            summary=f"Edit number {n}",
            newsroom_id=draft.newsroom_id,
            draft_id=draft.pk,
        )
    first = body(checker_client.get(history(draft)))
    assert first.count('<li class="entry') == 50
    assert "Edit number 54" in first and "Edit number 4<" not in first
    assert "Page 1 of 2" in first
    response = checker_client.get(history(draft), {"page": 2}, **HTMX)
    html = body(response)
    assert html.startswith('<section id="timeline"')
    assert "<html" not in html
    # 55 edits + the draft's own "created" entry + its first revision's "analysed" one
    assert html.count('<li class="entry') == 7
    assert 'hx-push-url="true"' in html and 'href="?page=1"' in html


def test_timeline_query_count_is_the_same_for_few_and_many_entries(
    checker_client: Client, draft: Draft, editor: Any, django_assert_max_num_queries
) -> None:
    def measure() -> int:
        with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as ctx:
            assert checker_client.get(history(draft)).status_code == 200
        return len(ctx)

    audit_record(
        obj=draft,
        action="edited",
        actor=editor,
        summary="One",
        newsroom_id=draft.newsroom_id,
        draft_id=draft.pk,
    )
    few = measure()
    AuditEntry.objects.bulk_create(
        AuditEntry(
            newsroom_id=draft.newsroom_id,
            draft=draft,
            object_type="draft",
            object_id=draft.pk,
            action="edited",
            summary=f"Edit {n}",
            changes={"title": [f"T{n}", f"T{n + 1}"]},
            actor=editor,
        )
        for n in range(1000)
    )
    assert measure() == few


def test_timeline_refuses_an_outsider(outsider_client: Client, draft: Draft) -> None:
    assert outsider_client.get(history(draft)).status_code == 404
    assert outsider_client.get(history(draft), **HTMX).status_code == 404


def test_timeline_needs_login(client: Client, draft: Draft) -> None:
    response = client.get(history(draft))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_timeline_refuses_post(editor_client: Client, draft: Draft) -> None:
    assert editor_client.post(history(draft)).status_code == 405


def test_timeline_of_a_missing_draft_is_404(editor_client: Client) -> None:
    assert editor_client.get("/history/drafts/424242/").status_code == 404


def test_selector_orders_newest_first_and_links_objects(
    draft: Draft, worked: dict[str, Any]
) -> None:
    entries = list(draft_timeline(draft))
    keys = [(e.created_at, e.pk) for e in entries]
    assert keys == sorted(keys, reverse=True)
    page = timeline_page(draft, number=1, per_page=3)
    assert len(page.object_list) == 3
    comment = AuditEntry.objects.get(draft=draft, object_type="comment")
    assert entry_url(comment) == ""
    draft_entry = AuditEntry(object_type="draft", object_id=draft.pk)
    assert entry_url(draft_entry) == f"/drafts/{draft.pk}/"
