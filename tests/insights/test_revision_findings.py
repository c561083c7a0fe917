"""Findings across versions: a new version's analysis finds them again; a decision on one (a
dismissal, a task) stays where both its sentences are unchanged; the open findings of the text
a version replaced no longer block clearance."""

from __future__ import annotations

from typing import Any

import pytest

from factcheck.claims.revisions import revision_load
from factcheck.drafts.models import Draft
from factcheck.drafts.services import draft_import
from factcheck.history.models import AuditEntry
from factcheck.insights.models import Finding
from factcheck.insights.services import finding_dismiss, finding_task_create
from factcheck.reviews.selectors import clearance_blockers
from tests.insights.test_services import STORY

pytestmark = pytest.mark.django_db

HELICOPTER = "AW-139 vs AW-169"


@pytest.fixture
def story(newsroom: Any, editor: Any) -> Draft:
    return draft_import(newsroom=newsroom, by=editor, text=STORY, title="Ferry")


def the_finding(draft: Draft, number: int) -> Finding:
    return Finding.objects.get(draft=draft, revision__number=number, summary=HELICOPTER)


def test_the_story_has_the_planted_contradiction(story: Draft) -> None:
    assert the_finding(story, 1).status == Finding.Status.OPEN


def test_a_dismissed_finding_stays_dismissed_where_both_sentences_survive(
    story: Draft, editor: Any
) -> None:
    finding_dismiss(finding=the_finding(story, 1), by=editor)
    # Another sentence edited, both of the finding's untouched (one moved down by an insert).
    edited = STORY.replace("It was a grey morning.", "It was a wet, grey morning.").replace(
        "Later, a coastguard", "\n\nRescue crews waited on the quay.\n\nLater, a coastguard"
    )
    revision_load(draft=story, by=editor, text=edited)

    again = the_finding(story, 2)
    assert again.status == Finding.Status.DISMISSED
    assert again.decided_by == editor
    assert again.pk != the_finding(story, 1).pk  # found anew on the new text
    assert not [b for b in clearance_blockers(story) if b.kind == "finding"]
    analysed = AuditEntry.objects.filter(draft=story, action="analysed").first()
    assert analysed.summary.endswith(", 1 decided on an earlier version")


def test_a_finding_whose_sentence_changed_is_open_again(story: Draft, editor: Any) -> None:
    finding_dismiss(finding=the_finding(story, 1), by=editor)
    edited = STORY.replace(
        "flew the first 40 passengers to the mainland.\n\nShare",
        "flew the first 40 passengers to the island.\n\nShare",
    )
    revision_load(draft=story, by=editor, text=edited)
    found = Finding.objects.filter(draft=story, revision__number=2, kind=Finding.Kind.CONTRADICTION)
    assert found.exists()
    assert {f.status for f in found} == {Finding.Status.OPEN}


def test_a_tasked_finding_keeps_its_task(story: Draft, editor: Any) -> None:
    task, _ = finding_task_create(finding=the_finding(story, 1), by=editor)
    revision_load(draft=story, by=editor, text=STORY.replace("grey morning", "wet morning"))
    again = the_finding(story, 2)
    assert (again.status, again.task_id) == (Finding.Status.TASKED, task.pk)


def test_the_open_findings_of_the_replaced_text_are_dropped(story: Draft, editor: Any) -> None:
    old = the_finding(story, 1)
    edited = STORY.replace("A coastguard AW-139 helicopter", "A coastguard AW-169 helicopter")
    revision_load(draft=story, by=editor, text=edited)
    assert not Finding.objects.filter(pk=old.pk).exists()  # nobody acted on it
    assert not Finding.objects.filter(draft=story, summary=HELICOPTER).exists()
    assert not [b for b in clearance_blockers(story) if b.kind == "finding"]
