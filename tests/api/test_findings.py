"""The finding endpoints: a draft's findings, one finding, and the finding page's actions
(dismiss, reopen, turn into a task) with its versions and roles."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factcheck.claims.models import Claim
from factcheck.claims.revisions import revision_load
from factcheck.drafts.models import Draft
from factcheck.insights.models import Finding
from factcheck.insights.services import finding_dismiss
from factcheck.reviews.models import Task
from tests.api.conftest import ApiClient, assert_error, token_for
from tests.api.work import a_finding, units
from tests.conftest import SAMPLE_TEXT

pytestmark = pytest.mark.django_db


def findings_url(draft: Draft) -> str:
    return f"/api/v1/drafts/{draft.pk}/findings/"


def finding_url(finding: Finding | int, rest: str = "") -> str:
    pk = finding if isinstance(finding, int) else finding.pk
    return f"/api/v1/findings/{pk}/{rest}"


def test_a_finding_shows_both_sentences_and_the_conflicting_words(
    checker_api: ApiClient, draft: Draft
) -> None:
    finding = a_finding(draft)
    first, second = units(draft)[:2]
    text = first.revision.text
    body = checker_api.get(finding_url(finding)).json()
    assert body == checker_api.get(findings_url(draft)).json()["results"][0]
    assert (body["id"], body["version"], body["draft"], body["revision"]) == (
        finding.pk,
        finding.version,
        draft.pk,
        1,
    )
    assert (body["kind"], body["status"], body["summary"], body["what"]) == (
        "contradiction",
        "open",
        "Monday vs Wednesday",
        "day",
    )
    assert body["a"] == {
        "sentence": first.index,
        "text": text[first.start : first.end],
        "words": "Monday",
        "start": finding.a_start,
        "end": finding.a_end,
    }
    assert body["b"] == {
        "sentence": second.index,
        "text": text[second.start : second.end],
        "words": None,
        "start": None,
        "end": None,
    }
    assert body["task"] is None and body["decided_by"] is None
    assert body["task_title"] == "Monday vs Wednesday discrepancy"


def test_the_list_filters_by_status_and_revision(
    editor_api: ApiClient, draft: Draft, editor: Any
) -> None:
    a_finding(draft)
    finding_dismiss(finding=a_finding(draft, summary="Ines vs Inez"), by=editor)
    # A new version: the old text's open finding goes (the analysis finds it again where it
    # still holds), the dismissed one stays with its decision.
    revision_load(draft=draft, by=editor, text=SAMPLE_TEXT.replace("300", "350"))
    new = a_finding(draft)  # on revision 2
    listed = editor_api.get(findings_url(draft)).json()
    assert listed["count"] == 2
    assert listed["results"][0]["id"] == new.pk and listed["results"][0]["revision"] == 2
    opened = editor_api.get(findings_url(draft) + "?status=open").json()
    assert [f["id"] for f in opened["results"]] == [new.pk]
    first = editor_api.get(findings_url(draft) + "?revision=1&status=dismissed").json()
    assert [f["summary"] for f in first["results"]] == ["Ines vs Inez"]
    for query in ("?status=closed", "?revision=first"):
        assert_error(editor_api.get(findings_url(draft) + query), 400, "invalid")


def test_the_list_costs_the_same_for_few_findings_or_many(editor: Any, draft: Draft) -> None:
    client = ApiClient(token_for(editor))
    client.get(findings_url(draft))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(findings_url(draft)).status_code == 200
        return len(queries)

    a_finding(draft)
    few = count()
    for n in range(6):
        finding_dismiss(finding=a_finding(draft, summary=f"{n} vs {n + 1}"), by=editor)
    # The token; the draft with its role; the count; the page (sentences cut out in SQL).
    assert few == count() == 4


def test_an_editor_dismisses_and_reopens_and_a_repeat_is_harmless(
    editor_api: ApiClient, draft: Draft, editor: Any
) -> None:
    finding = a_finding(draft)
    seen = finding.version
    dismissed = editor_api.post(finding_url(finding, "dismiss/"), {"version": seen})
    assert dismissed.status_code == 200, dismissed.content
    assert dismissed.json()["status"] == "dismissed" and dismissed.json()["decided_by"] == "editor"
    finding.refresh_from_db()
    assert finding.status == Finding.Status.DISMISSED and finding.version > seen

    again = editor_api.post(finding_url(finding, "dismiss/"), {"version": seen})
    assert again.status_code == 200 and again.json()["version"] == finding.version

    reopened = editor_api.post(finding_url(finding, "reopen/"), {"version": finding.version})
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    assert reopened.json()["decided_by"] is None


def test_a_stale_dismiss_is_409(editor_api: ApiClient, draft: Draft, editor: Any) -> None:
    finding = a_finding(draft)
    seen = finding.version
    finding_dismiss(finding=finding, by=editor)
    editor_api.post(finding_url(finding, "reopen/"), {"version": seen + 1})
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN
    error = assert_error(
        editor_api.post(finding_url(finding, "dismiss/"), {"version": seen}), 409, "conflict"
    )
    assert error["current_version"] == finding.version
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN


def test_the_finding_becomes_a_task_once(editor_api: ApiClient, draft: Draft, checker: Any) -> None:
    finding = a_finding(draft)
    response = editor_api.post(
        finding_url(finding, "task/"), {"version": finding.version, "assignee": "checker"}
    )
    assert response.status_code == 201, response.content
    task = Task.objects.get()
    body = response.json()
    assert response["Location"].endswith(f"/api/v1/tasks/{task.pk}/")
    assert body["id"] == task.pk and body["title"] == "Monday vs Wednesday discrepancy"
    assert body["assignee"] == "checker" and task.assignee == checker
    # Linked to the claims of both sentences, marked for it.
    first, second = units(draft)[:2]
    claims = Claim.objects.filter(sentence__in=[first, second])
    assert sorted(body["claims"]) == sorted(c.pk for c in claims) and len(body["claims"]) == 2
    finding.refresh_from_db()
    assert finding.status == Finding.Status.TASKED and finding.task == task

    again = editor_api.post(finding_url(finding, "task/"), {"version": 1})
    assert again.status_code == 200 and again.json()["id"] == task.pk
    assert Task.objects.count() == 1
    shown = editor_api.get(finding_url(finding)).json()
    assert shown["status"] == "tasked" and shown["task"] == task.pk

    # A finding that is a task is settled through the task.
    error = assert_error(
        editor_api.post(finding_url(finding, "dismiss/"), {"version": finding.version}),
        400,
        "invalid",
    )
    assert error["message"] == "This finding is a task already; settle it through the task."


def test_a_checker_reads_findings_but_does_not_act_on_them(
    checker_api: ApiClient, draft: Draft
) -> None:
    finding = a_finding(draft)
    assert checker_api.get(finding_url(finding)).status_code == 200
    for action in ("dismiss/", "reopen/", "task/"):
        response = checker_api.post(finding_url(finding, action), {"version": finding.version})
        assert_error(response, 403, "permission_denied")
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN and not Task.objects.exists()


def test_actions_need_the_version(editor_api: ApiClient, draft: Draft) -> None:
    finding = a_finding(draft)
    for action in ("dismiss/", "reopen/", "task/"):
        error = assert_error(editor_api.post(finding_url(finding, action), {}), 400, "invalid")
        assert list(error["fields"]) == ["version"]
    error = assert_error(
        editor_api.post(finding_url(finding, "task/"), {"version": 1, "assignee": "ghost"}),
        400,
        "invalid",
    )
    assert list(error["fields"]) == ["assignee"]
    assert not Task.objects.exists()


def test_an_outsider_learns_nothing(outsider_api: ApiClient, draft: Draft) -> None:
    finding = a_finding(draft)
    response = outsider_api.get(finding_url(finding))
    assert_error(response, 404, "not_found")
    assert "Monday" not in response.content.decode()
    assert_error(outsider_api.get(findings_url(draft)), 404, "not_found")
    dismiss = outsider_api.post(finding_url(finding, "dismiss/"), {"version": finding.version})
    assert_error(dismiss, 404, "not_found")
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN
