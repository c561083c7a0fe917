"""Open findings in the review queue: rows of kind "finding", the "Open findings" filter, and
the row's actions (make a task, dismiss), with and without htmx."""

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

from factcheck.drafts.models import Draft
from factcheck.insights.models import Finding
from factcheck.reviews.models import Task
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/reviews/"
BULK = "/reviews/bulk/"
HTMX = {"HTTP_HX_REQUEST": "true"}
# tests/reviews/test_queue.py pins 9 for claims and tasks; a page with findings on it costs one
# more query: the page's findings.
# On PostgreSQL, one statement more: the queue's own plans (prepared.fresh_plans).
QUEUE_QUERIES_WITH_FINDINGS = 10 + (connection.vendor == "postgresql")


def body(response: HttpResponse) -> str:
    return response.content.decode()


def row_keys(response: HttpResponse) -> list[str]:
    return re.findall(r'<tr id="row-([a-z]+-\d+)"', body(response))


def plant(draft: Draft, summary: str = "F-16 vs F-15", what: str = "aircraft model") -> Finding:
    revision = draft.revisions.get()
    return Finding.objects.create(
        draft=draft,
        revision=revision,
        kind=Finding.Kind.CONTRADICTION,
        sentence_a=revision.sentences.get(index=1),
        sentence_b=revision.sentences.get(index=2),
        summary=summary,
        what=what,
    )


def token(finding: Finding) -> str:
    return f"finding:{finding.pk}:{Finding.objects.get(pk=finding.pk).version}"


def test_open_findings_are_rows_of_the_queue(editor_client: Client, draft: Draft) -> None:
    deadline = timezone.now() + timedelta(hours=5)
    Draft.objects.filter(pk=draft.pk).update(deadline=deadline)
    finding = plant(draft)
    response = editor_client.get(URL)
    assert row_keys(response) == [f"finding-{finding.pk}"]
    html = body(response)
    assert '<span class="kind kind-finding">Finding</span>' in html
    assert "F-16 vs F-15 — aircraft model" in html
    assert f'href="/insights/findings/{finding.pk}/"' in html
    assert f'datetime="{timezone.localtime(deadline).isoformat()}' in html  # due: the deadline
    assert 'value="finding_task"' in html and 'value="finding_dismiss"' in html
    assert f'id="sel-finding-{finding.pk}"' not in html  # no bulk action takes findings


def test_settled_findings_and_archived_drafts_wait_on_nobody(
    editor_client: Client, editor: Any, draft: Draft
) -> None:
    from factcheck.insights.services import finding_dismiss

    finding_dismiss(finding=plant(draft, "A vs B"), by=editor)
    archived = plant(draft, "C vs D")
    assert row_keys(editor_client.get(URL)) == [f"finding-{archived.pk}"]
    Draft.objects.filter(pk=draft.pk).update(archived_at=timezone.now())
    assert row_keys(editor_client.get(URL)) == []


def test_the_show_filter_offers_open_findings(
    editor_client: Client, editor: Any, checker: Any, draft: Draft
) -> None:
    finding = plant(draft)
    task = Task.objects.create(draft=draft, title="Late", due_at=timezone.now() - timedelta(1))
    html = body(editor_client.get(URL))
    assert '<option value="findings">Open findings</option>' in html
    assert set(row_keys(editor_client.get(URL))) == {f"finding-{finding.pk}", f"task-{task.pk}"}
    assert row_keys(editor_client.get(URL, {"show": "findings"})) == [f"finding-{finding.pk}"]
    assert row_keys(editor_client.get(URL, {"show": "overdue"})) == [f"task-{task.pk}"]
    assert row_keys(editor_client.get(URL, {"show": "verdicts"})) == []
    # Findings wait on nobody in particular: kept for "nobody", dropped for a named member.
    assert f"finding-{finding.pk}" in row_keys(editor_client.get(URL, {"who": "none"}))
    assert row_keys(editor_client.get(URL, {"who": checker.pk, "show": "findings"})) == []


def test_make_task_from_the_queue_in_place(editor_client: Client, draft: Draft) -> None:
    finding = plant(draft)
    response = editor_client.post(
        BULK, {"do": "finding_task", "item": token(finding), "back": ""}, **HTMX
    )
    assert response.status_code == 200
    task = Task.objects.get(title="F-16 vs F-15 discrepancy")
    html = body(response)
    assert html.startswith(f'<tr id="row-finding-{finding.pk}"')
    assert f'href="/reviews/tasks/{task.pk}/"' in html and "is-settled" in html
    assert "queue-changed" in json.loads(response["HX-Trigger"])
    assert sorted(c.sentence.index for c in task.claims.all()) == [1, 2]

    again = editor_client.post(BULK, {"do": "finding_task", "item": token(finding), "back": ""})
    assert again.status_code == 302  # a repeat: the same task, nothing new
    assert Task.objects.filter(title="F-16 vs F-15 discrepancy").count() == 1


def test_dismiss_from_the_queue(editor_client: Client, draft: Draft) -> None:
    finding = plant(draft)
    stale = token(finding)
    response = editor_client.post(BULK, {"do": "finding_dismiss", "item": stale, "back": ""})
    assert response.status_code == 302
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.DISMISSED
    assert row_keys(editor_client.get(URL)) == []
    again = editor_client.post(BULK, {"do": "finding_dismiss", "item": stale, "back": ""}, **HTMX)
    assert again.status_code == 200 and "dismissed already" in body(again)


def test_a_changed_finding_is_a_conflict_in_the_queue(
    editor_client: Client, editor: Any, draft: Draft
) -> None:
    from factcheck.insights.services import finding_dismiss, finding_reopen

    finding = plant(draft)
    stale = token(finding)
    finding_reopen(finding=finding_dismiss(finding=finding, by=editor).obj, by=editor)
    response = editor_client.post(BULK, {"do": "finding_task", "item": stale, "back": ""}, **HTMX)
    assert response.status_code == 422
    assert not Task.objects.exists()
    plain = editor_client.post(BULK, {"do": "finding_dismiss", "item": stale, "back": ""})
    assert plain.status_code == 409
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.OPEN


def test_checker_and_outsider_cannot_act_on_a_finding(
    checker: Any, outsider: Any, draft: Draft
) -> None:
    finding = plant(draft)
    body_ = {"do": "finding_dismiss", "item": token(finding), "back": ""}
    assert client_for(checker).post(BULK, body_).status_code == 403
    assert client_for(outsider).post(BULK, body_).status_code == 404
    assert client_for(outsider).get(URL).status_code == 200
    assert f"finding-{finding.pk}" not in row_keys(client_for(outsider).get(URL))
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.OPEN


def test_queue_with_findings_costs_one_more_query_whatever_their_number(
    editor_client: Client, editor: Any, checker: Any, draft: Draft
) -> None:
    from factcheck.claims.services import claim_mark_sentence, claim_propose

    claim = claim_mark_sentence(sentence=draft.revisions.get().sentences.get(index=3), by=editor)
    claim_propose(claim=claim, by=checker, verdict="inaccurate", rationale="The record says so.")
    Task.objects.create(draft=draft, title="Late", due_at=timezone.now() - timedelta(1))

    def measure() -> tuple[int, set[str]]:
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(URL)
        assert response.status_code == 200
        return len(queries), {k.split("-")[0] for k in row_keys(response)}

    plant(draft)
    few, kinds = measure()
    assert kinds == {"claim", "task", "finding"}
    for i in range(30):
        plant(draft, f"Holt vs Hold {i}", "name")
    many, _ = measure()
    assert few == many == QUEUE_QUERIES_WITH_FINDINGS
