"""Each event of the desk becomes a delivery for the hooks that subscribe to it, in the
newsroom where it happened, sent after the commit and never for a change rolled back."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from django.db import transaction

from factcheck.analysis import findings as analysis_findings
from factcheck.claims.models import Claim
from factcheck.claims.revisions import revision_load
from factcheck.claims.services import claim_approve, claim_mark_sentence, claim_propose
from factcheck.drafts.models import Draft, Sentence
from factcheck.drafts.services import draft_import
from factcheck.insights import services as insights_services
from factcheck.reviews.services import draft_clear, task_assign, task_create
from factcheck.webhooks.models import Delivery, Event, Webhook
from factcheck.webhooks.services import webhook_update
from tests.conftest import SAMPLE_TEXT
from tests.webhooks.conftest import make_hook
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.django_db

QUIET = "Harbour Fete Moves Indoors\n\nThe fete moves into the town hall this year.\n"


def events_of(hook: Webhook) -> list[str]:
    return list(
        Delivery.objects.filter(webhook=hook).order_by("pk").values_list("event", flat=True)
    )


def payloads(receiver: Receiver, event: str) -> list[dict[str, Any]]:
    bodies = [json.loads(r.body) for r in receiver.received]
    return [b for b in bodies if b["event"] == event]


def first_claim(draft: Draft, by: Any) -> Claim:
    sentence = draft.revisions.get().sentences.filter(kind=Sentence.Kind.SENTENCE).first()
    assert sentence is not None
    return claim_mark_sentence(sentence=sentence, by=by)


@pytest.fixture
def draft_cleared_hook(newsroom: Any, newsadmin: Any, receiver: Receiver) -> Webhook:
    return make_hook(newsroom, newsadmin, receiver.url, [Event.DRAFT_CLEARED])


def test_revision_loaded_on_import_and_on_a_new_version(
    newsroom: Any,
    editor: Any,
    hook: Webhook,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        draft = draft_import(newsroom=newsroom, by=editor, text=QUIET)
        revision_load(draft=draft, by=editor, text=QUIET + "\nIt opens at noon.\n")
    loaded = payloads(receiver, "revision.loaded")
    assert [p["data"]["revision"]["number"] for p in loaded] == [1, 2]
    assert loaded[1]["data"]["revision"]["loaded_by"] == "editor"
    assert all(r.signature_ok for r in receiver.received)


def test_claim_approved_names_the_claim_and_its_verdict(
    draft: Draft, editor: Any, checker: Any, hook: Webhook, receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    claim = first_claim(draft, editor)
    claim = claim_propose(claim=claim, by=checker, verdict="inaccurate", rationale="No <i>way</i>.")
    with django_capture_on_commit_callbacks(execute=True):
        claim_approve(claim=claim, by=editor)
    [approved] = payloads(receiver, "claim.approved")
    assert approved["data"]["claim"] == {
        "id": claim.pk,
        "text": claim.text,
        "verdict": "inaccurate",
        "verdict_label": "Inaccurate",
        "rationale": "No <i>way</i>.",
        "path": f"/claims/{claim.pk}/",
        "url": f"http://127.0.0.1:8000/claims/{claim.pk}/",
    }
    assert approved["data"]["by"] == "editor"
    assert approved["data"]["draft"]["id"] == draft.pk


def test_task_assigned_on_creation_and_on_reassignment(
    draft: Draft, editor: Any, checker: Any, newsadmin: Any, hook: Webhook, receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        task = task_create(draft=draft, by=editor, title="Call the council", assignee=checker)
        task_create(draft=draft, by=editor, title="Nobody's yet")  # unassigned: no event
        task_assign(task=task, by=editor, assignee=newsadmin)
        task_assign(task=task, by=editor, assignee=None)  # unassigned: no event
    assigned = payloads(receiver, "task.assigned")
    assert [p["data"]["task"]["assignee"] for p in assigned] == ["checker", "newsadmin"]
    assert assigned[0]["data"]["task"]["title"] == "Call the council"
    assert assigned[0]["data"]["task"]["id"] == task.pk
    assert assigned[0]["data"]["by"] == "editor"


def test_draft_cleared_then_uncleared(
    newsroom: Any, editor: Any, hook: Webhook, receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    quiet = draft_import(newsroom=newsroom, by=editor, text=QUIET)
    with django_capture_on_commit_callbacks(execute=True):
        draft_clear(draft=quiet, by=editor)
        first_claim(quiet, editor)  # an unchecked claim blocks it again
    [cleared] = payloads(receiver, "draft.cleared")
    [uncleared] = payloads(receiver, "draft.uncleared")
    assert cleared["data"]["draft"]["id"] == quiet.pk
    assert cleared["data"]["cleared_at"].endswith("Z")
    assert cleared["data"]["by"] == "editor"
    assert uncleared["data"]["cleared_at"] is None
    assert uncleared["data"]["reason"]


def test_finding_opened_for_each_new_open_finding(
    newsroom: Any, editor: Any, hook: Webhook, receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    real = insights_services.analyse

    def with_a_finding(*args: Any, **kwargs: Any) -> Any:
        planted = analysis_findings.Finding(
            kind="contradiction", a=1, b=2, summary="F-16 vs F-15", what="aircraft model",
            a_span=None, b_span=None,
        )  # fmt: skip
        return dataclasses.replace(real(*args, **kwargs), findings=[planted])

    monkeypatch.setattr(insights_services, "analyse", with_a_finding)
    with django_capture_on_commit_callbacks(execute=True):
        draft = draft_import(newsroom=newsroom, by=editor, text=SAMPLE_TEXT)
    [opened] = payloads(receiver, "finding.opened")
    finding = draft.findings.get()
    assert opened["data"]["finding"]["id"] == finding.pk
    assert opened["data"]["finding"]["summary"] == "F-16 vs F-15"
    assert opened["data"]["draft"]["id"] == draft.pk
    # Analysing the same revision again finds the same finding: nothing new is opened.
    with django_capture_on_commit_callbacks(execute=True):
        insights_services.revision_analyse(revision=draft.revisions.get())
    assert len(payloads(receiver, "finding.opened")) == 1


def test_only_subscribed_active_hooks_of_the_draft_newsroom_get_deliveries(
    newsroom: Any, other_newsroom: Any, editor: Any, newsadmin: Any, outsider: Any,
    receiver: Receiver, draft_cleared_hook: Webhook, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    from factcheck.newsrooms.models import Membership, Role

    Membership.objects.filter(user=outsider).update(role=Role.ADMIN)
    theirs = make_hook(other_newsroom, outsider, receiver.url)
    paused = make_hook(newsroom, newsadmin, receiver.url)
    webhook_update(webhook=paused, events=paused.events, active=False, by=newsadmin)
    quiet = draft_import(newsroom=newsroom, by=editor, text=QUIET)
    with django_capture_on_commit_callbacks(execute=True):
        draft_clear(draft=quiet, by=editor)
    assert events_of(draft_cleared_hook) == ["draft.cleared"]
    assert events_of(theirs) == []  # another newsroom hears nothing of this one
    assert events_of(paused) == []
    [got] = receiver.received
    assert json.loads(got.body)["newsroom"] == "demo"


def test_nothing_is_sent_before_the_commit(
    newsroom: Any, editor: Any, draft_cleared_hook: Webhook, receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    quiet = draft_import(newsroom=newsroom, by=editor, text=QUIET)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        draft_clear(draft=quiet, by=editor)
        # The delivery is written in the clearance's transaction, not sent yet.
        assert Delivery.objects.get(webhook=draft_cleared_hook).status == Delivery.Status.PENDING
    assert receiver.received == []
    for callback in callbacks:  # the commit
        callback()
    assert len(receiver.received) == 1
    assert Delivery.objects.get().status == Delivery.Status.SUCCEEDED


def test_a_change_rolled_back_leaves_no_delivery_and_sends_nothing(
    newsroom: Any, editor: Any, draft_cleared_hook: Webhook, receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    quiet = draft_import(newsroom=newsroom, by=editor, text=QUIET)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        draft_clear(draft=quiet, by=editor)
        raise RuntimeError("the request failed after clearing")
    assert callbacks == []
    assert not Delivery.objects.exists()
    assert receiver.received == []
    quiet.refresh_from_db()
    assert quiet.cleared_at is None
