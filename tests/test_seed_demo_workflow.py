"""``seed_demo`` leaves the demo draft mid-way through verification, and only once."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from factcheck.claims.models import Claim, EvidenceLink
from factcheck.claims.services import claim_mark_sentence
from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.drafts.services import draft_import
from factcheck.history.models import AuditEntry
from factcheck.newsrooms.management.commands.seed_demo import (
    DEATH_TOLL_TASK,
    DEMO_CLAIMS,
    DEMO_DRAFT,
    DEMO_TITLE,
    HELICOPTER_TASK,
)
from factcheck.newsrooms.models import Newsroom
from factcheck.notifications.models import Notification
from factcheck.reviews.models import Comment, Task
from factcheck.reviews.services import task_move

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "tide-gauge-harbour-71")


def seed() -> Draft:
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    return Draft.objects.get(title=DEMO_TITLE)


def snapshot() -> dict[str, Any]:
    return {
        "drafts": Draft.objects.count(),
        "claims": sorted(Claim.objects.values_list("pk", "status", "verdict", "version")),
        "links": EvidenceLink.objects.count(),
        "tasks": sorted(Task.objects.values_list("pk", "status", "assignee_id", "version")),
        "task_claims": Task.claims.through.objects.count(),
        "comments": Comment.objects.count(),
        "audit": AuditEntry.objects.count(),
        "notifications": Notification.objects.count(),
        "deadline": Draft.objects.values_list("deadline", flat=True).get(),
    }


def test_seed_demo_leaves_the_draft_mid_way() -> None:
    draft = seed()

    assert draft.deadline is not None
    assert draft.cleared_at is None
    approved = list(draft.claims.filter(status=Claim.Status.APPROVED).prefetch_related("links"))
    assert len(approved) >= 2
    for claim in approved:
        assert claim.verdict and claim.rationale
        assert claim.links.count() >= 1
        assert claim.proposed_by.username == "checker"  # type: ignore[union-attr]
        assert claim.reviewed_by.username == "editor"  # type: ignore[union-attr]

    helicopter = Task.objects.get(draft=draft, title=HELICOPTER_TASK)
    assert helicopter.status == Task.Status.IN_REVIEW
    assert helicopter.assignee.username == "checker"  # type: ignore[union-attr]
    linked = [c.text for c in helicopter.claims.all()]
    assert len(linked) == 2
    assert any("S-92" in text for text in linked) and any("S-76" in text for text in linked)
    assert set(helicopter.claims.values_list("status", flat=True)) == {Claim.Status.PROPOSED}

    toll = Task.objects.get(draft=draft, title=DEATH_TOLL_TASK)
    assert toll.is_overdue
    assert toll.due_at is not None and toll.due_at < timezone.now()
    assert toll.status in (Task.Status.OPEN, Task.Status.IN_PROGRESS)
    assert toll.assignee.username == "checker"  # type: ignore[union-attr]
    assert {c.text for c in toll.claims.all()} == {
        c.text for c in draft.claims.all() if "41" in c.text or "Nearly 30" in c.text
    }

    # The original demo claims are all still there, plus the approved ones.
    for phrase in DEMO_CLAIMS:
        assert draft.claims.filter(text__contains=phrase).exists(), phrase


def test_seed_demo_goes_through_the_services_so_history_and_notifications_exist() -> None:
    draft = seed()
    audit = AuditEntry.objects.filter(draft=draft)
    assert audit.filter(object_type="task", action="created").count() == 2
    assert audit.filter(object_type="claim", actor__username="checker").exists()
    assert audit.filter(summary__startswith="Claim").filter(summary__contains="Approved").exists()
    kinds = set(Notification.objects.values_list("user__username", "kind"))
    assert ("checker", Notification.Kind.ASSIGNED) in kinds
    assert ("checker", Notification.Kind.APPROVED) in kinds
    assert ("editor", Notification.Kind.IN_REVIEW) in kinds


def test_seed_demo_gives_the_queue_and_my_tasks_something_on_first_run() -> None:
    draft = seed()
    assert draft.claims.filter(status=Claim.Status.PROPOSED).exists()
    assert Task.objects.filter(status=Task.Status.IN_REVIEW).exists()
    assert Task.objects.filter(assignee__username="checker").exclude(status="done").count() == 2


def test_seed_demo_twice_duplicates_nothing() -> None:
    seed()
    first = snapshot()
    seed()
    assert snapshot() == first


def test_seed_demo_leaves_work_done_since_alone() -> None:
    draft = seed()
    toll = Task.objects.get(draft=draft, title=DEATH_TOLL_TASK)
    task_move(task=toll, by=None, to=Task.Status.IN_REVIEW)
    before = snapshot()
    seed()
    assert snapshot() == before
    toll.refresh_from_db()
    assert toll.status == Task.Status.IN_REVIEW


def test_a_demo_draft_seeded_before_tasks_existed_gets_the_workflow_once() -> None:
    # What an earlier seed_demo left: the draft and its marked claims, no deadline, no tasks.
    seed()
    Task.claims.through.objects.all().delete()
    Task.objects.all().delete()
    AuditEntry.objects.all().delete()
    Notification.objects.all().delete()
    EvidenceLink.objects.all().delete()
    Claim.objects.all().delete()
    Draft.objects.all().delete()
    demo = Newsroom.objects.get(slug="demo")
    draft = draft_import(
        newsroom=demo,
        by=None,
        text=DEMO_DRAFT.read_text(encoding="utf-8"),
        title=DEMO_TITLE,
        source=Revision.Source.CLI,
    )
    revision = draft.revisions.get()
    for sentence in revision.sentences.exclude(kind=Sentence.Kind.BOILERPLATE):
        if any(p in revision.text[sentence.start : sentence.end] for p in DEMO_CLAIMS):
            claim_mark_sentence(sentence=sentence, by=None)
    assert draft.deadline is None

    draft = seed()
    assert draft.deadline is not None
    assert AuditEntry.objects.filter(draft=draft, summary="Set the deadline").count() == 1
    assert Task.objects.filter(draft=draft).count() == 2
    first = snapshot()
    seed()
    assert snapshot() == first


def test_the_demo_drafts_findings_two_are_its_tasks_and_one_is_left_open() -> None:
    from factcheck.insights.models import Finding

    draft = seed()
    findings = {f.summary: f for f in Finding.objects.filter(draft=draft).select_related("task")}
    assert set(findings) == {
        "S-92 vs S-76",
        "41 vs nearly 30 (death)",
        "Port Averin vs Port Averine",
    }
    assert findings["S-92 vs S-76"].task.title == HELICOPTER_TASK  # type: ignore[union-attr]
    assert findings["41 vs nearly 30 (death)"].task.title == DEATH_TOLL_TASK  # type: ignore[union-attr]
    assert findings["Port Averin vs Port Averine"].status == Finding.Status.OPEN
    for finding in findings.values():
        if finding.task is not None:
            linked = {c.sentence_id for c in finding.task.claims.all()}
            assert linked == {finding.sentence_a_id, finding.sentence_b_id}
