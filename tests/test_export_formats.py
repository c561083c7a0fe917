"""``export_draft --format json|md|csv``: the JSON additions (tasks, verdicts) and the
clearance report as Markdown and CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factcheck.claims.models import Claim
from factcheck.claims.services import claim_approve, claim_mark, claim_mark_sentence, claim_propose
from factcheck.drafts.models import Draft, Sentence
from factcheck.drafts.selectors import draft_export
from factcheck.reviews.reports import CSV_COLUMNS
from factcheck.reviews.services import task_archive, task_create

pytestmark = pytest.mark.django_db


def run(*args: Any) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def units(draft: Draft) -> list[Sentence]:
    revision = draft.revisions.get()
    return list(revision.sentences.exclude(kind=Sentence.Kind.BOILERPLATE).order_by("index"))


@pytest.fixture
def worked(draft: Draft, editor: Any, checker: Any) -> dict[str, Any]:
    first, second = (claim_mark_sentence(sentence=s, by=editor) for s in units(draft)[1:3])
    first = claim_propose(
        claim=first,
        by=checker,
        verdict=Claim.Verdict.MISLEADING,
        rationale="Closed at 7 a.m. per the council.",
        links=[
            ("https://example.org/council", "Council notice"),
            ("https://example.org/photo", ""),
        ],
    )
    first = claim_approve(claim=first, by=editor)
    due = timezone.now() + timedelta(hours=5)
    task = task_create(
        draft=draft,
        by=editor,
        title="Power cut figure",
        claims=[first, second],
        assignee=checker,
        due_at=due,
    )
    old = task_create(draft=draft, by=editor, title="Old idea")
    task_archive(task=old, by=editor)
    return {"first": first, "second": second, "task": task, "old": old, "due": due}


def test_json_adds_tasks_and_verdicts_and_keeps_the_old_fields(
    draft: Draft, worked: dict[str, Any]
) -> None:
    data = json.loads(run("export_draft", str(draft.pk), "--format", "json"))

    assert list(data)[:4] == ["draft", "revision", "sentences", "claims"]
    assert "tasks" in data
    by_id = {c["id"]: c for c in data["claims"]}
    first = by_id[worked["first"].pk]
    assert {"id", "start", "end", "text", "status", "sentence"} <= set(first)
    assert first["status"] == "approved"
    assert first["verdict"] == "misleading"
    assert first["rationale"] == "Closed at 7 a.m. per the council."
    assert first["links"] == [
        {"url": "https://example.org/council", "note": "Council notice"},
        {"url": "https://example.org/photo", "note": ""},
    ]
    assert first["proposed_by"] == "checker"
    assert first["approved_by"] == "editor"
    second = by_id[worked["second"].pk]
    assert (second["verdict"], second["rationale"], second["links"]) == ("", "", [])
    assert second["approved_by"] is None

    tasks = {t["id"]: t for t in data["tasks"]}
    task = tasks[worked["task"].pk]
    assert {"id", "title", "status", "assignee", "due", "claims"} <= set(task)
    assert task["title"] == "Power cut figure"
    assert task["status"] == "open"
    assert task["assignee"] == "checker"
    assert task["due"] == worked["due"].isoformat()
    assert task["claims"] == sorted([worked["first"].pk, worked["second"].pk])
    assert task["archived"] is False
    old = tasks[worked["old"].pk]
    assert (old["assignee"], old["due"], old["claims"], old["archived"]) == (None, None, [], True)


def test_json_of_a_draft_without_work_has_an_empty_task_list(draft: Draft) -> None:
    data = json.loads(run("export_draft", str(draft.pk)))
    assert data["tasks"] == []
    assert data["claims"] == []


def test_export_query_count_is_the_same_for_few_and_many_claims_and_tasks(
    draft: Draft, editor: Any, checker: Any
) -> None:
    def measure() -> int:
        with CaptureQueriesContext(connection) as ctx:
            draft_export(Draft.objects.select_related("newsroom").get(pk=draft.pk))
        return len(ctx) - 1  # the draft itself

    first = claim_mark_sentence(sentence=units(draft)[1], by=editor)
    task_create(draft=draft, by=editor, title="One", claims=[first], assignee=checker)
    few = measure()
    revision = draft.revisions.get()
    sentence = units(draft)[2]
    for start in range(sentence.start, sentence.start + 24, 3):
        claim = claim_mark(revision=revision, start=start, end=start + 2, by=editor)
        claim_propose(
            claim=claim,
            by=checker,
            verdict="accurate",
            rationale="ok",
            links=[("https://example.org/a", ""), ("https://example.org/b", "")],
        )
        task_create(draft=draft, by=editor, title=f"T{start}", claims=[claim, first])
    assert few == measure() <= 9  # + the findings, + the revisions (issue 13)


def test_md_prints_the_clearance_report(draft: Draft, worked: dict[str, Any]) -> None:
    text = run("export_draft", str(draft.pk), "--format", "md")
    assert text.startswith(f"# Clearance report: {draft.title}\n")
    assert "- Status: **Not cleared**: 2 blockers" in text
    assert "## Claims (2)" in text
    assert "- Verdict: Misleading" in text
    assert "- Rationale: Closed at 7 a.m. per the council." in text
    assert "  - <https://example.org/council> — Council notice" in text
    assert "- Approved by editor on " in text
    assert "## Tasks (2)" in text
    assert "Power cut figure" in text and "Open (archived)" in text


def test_csv_prints_one_row_per_claim(draft: Draft, worked: dict[str, Any]) -> None:
    rows = list(csv.reader(io.StringIO(run("export_draft", str(draft.pk), "--format", "csv"))))
    assert rows[0] == CSV_COLUMNS
    assert len(rows) == 1 + Claim.objects.filter(draft=draft).count()
    first = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert first["id"] == str(worked["first"].pk)
    assert first["verdict"] == "misleading"
    assert first["links"] == "https://example.org/council https://example.org/photo"
    assert (first["proposed_by"], first["approved_by"]) == ("checker", "editor")


def test_unknown_format_is_refused(draft: Draft) -> None:
    with pytest.raises(CommandError):
        run("export_draft", str(draft.pk), "--format", "xml")


@pytest.mark.parametrize("fmt", ["json", "md", "csv"])
def test_missing_draft_is_refused_in_every_format(fmt: str) -> None:
    with pytest.raises(CommandError, match="No draft 424242"):
        run("export_draft", "424242", "--format", fmt)
