"""``manage.py analyze_draft DRAFT_ID [--json]``: re-runs the first pass and prints the
sentences with scores and types, the quotes and the findings."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from factcheck.analysis import checkworthiness
from factcheck.drafts.models import Draft
from factcheck.drafts.services import draft_import
from factcheck.insights.models import Finding
from factcheck.insights.services import NOT_ENGLISH, finding_dismiss
from tests.analysis.test_language import GERMAN
from tests.insights.test_services import STORY

pytestmark = pytest.mark.django_db


def run(*args: Any) -> str:
    out = io.StringIO()
    call_command("analyze_draft", *[str(a) for a in args], stdout=out)
    return out.getvalue()


@pytest.fixture
def story(newsroom: Any, editor: Any) -> Draft:
    return draft_import(newsroom=newsroom, by=editor, text=STORY, title="Ferry")


def test_json_lists_sentences_quotes_and_findings(story: Draft) -> None:
    result = json.loads(run(story.pk, "--json"))
    assert result["draft"] == story.pk
    threshold = checkworthiness.load().threshold
    assert result["threshold"] == pytest.approx(threshold)
    assert result["note"] == ""
    sentences = result["sentences"]
    assert [s["index"] for s in sentences] == list(range(len(sentences)))
    ferry = next(s for s in sentences if s["text"].startswith("The ferry Marisol"))
    assert ferry["kind"] == "sentence"
    assert 0.0 <= ferry["score"] <= 1.0 and ferry["suggested"] is (ferry["score"] >= threshold)
    assert {"number", "date", "entity"} <= set(ferry["types"])
    furniture = next(s for s in sentences if s["text"] == "Share this article")
    assert furniture["kind"] == "boilerplate" and furniture["suggested"] is False
    assert result["quotes"] == [{"sentence": 2, "speaker": "Ada Brenner"}]
    [finding] = result["findings"]
    assert (finding["kind"], finding["summary"], finding["status"]) == (
        "contradiction",
        "AW-139 vs AW-169",
        "open",
    )


def test_running_it_again_keeps_decisions_and_duplicates_nothing(story: Draft, editor: Any) -> None:
    finding = Finding.objects.get(draft=story)
    finding_dismiss(finding=finding, by=editor, expected_version=finding.version)
    result = json.loads(run(story.pk, "--json"))
    again = json.loads(run(story.pk, "--json"))
    assert result == again
    assert [f["status"] for f in again["findings"]] == ["dismissed"]
    assert Finding.objects.filter(draft=story).count() == 1


def test_the_summary_names_the_counts_and_each_finding(story: Draft) -> None:
    out = run(story.pk)
    first = out.splitlines()[0]
    assert first.startswith(f"Draft {story.pk}: 7 units, ")
    threshold = checkworthiness.load().threshold
    assert f"(threshold {threshold:.2f}), 1 quote, 1 finding" in first
    assert "AW-139 vs AW-169" in out


def test_a_draft_in_another_language_gets_the_note(newsroom: Any, editor: Any) -> None:
    german = draft_import(newsroom=newsroom, by=editor, text=f"Hochwasser\n\n{GERMAN}")
    assert json.loads(run(german.pk, "--json"))["note"] == NOT_ENGLISH
    assert NOT_ENGLISH in run(german.pk)


def test_an_unknown_draft_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match=r"^No draft 999\.$"):
        run(999)
