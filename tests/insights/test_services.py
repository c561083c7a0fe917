"""The first pass stored: analysis on import (inline or in Celery), suggestions, quotes and
findings into tasks, findings blocking clearance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied

from factcheck.analysis import conflicts
from factcheck.claims.models import Claim
from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.drafts.selectors import draft_export
from factcheck.drafts.services import draft_import
from factcheck.errors import ConflictError, FactcheckError
from factcheck.history.models import AuditEntry
from factcheck.insights import services
from factcheck.insights.models import Finding
from factcheck.insights.services import (
    finding_dismiss,
    finding_reopen,
    finding_task_create,
    quote_task_create,
    revision_analyse,
    suggested_sentences,
    suggestion_threshold,
    suggestions_confirm,
    suggestions_dismiss,
)
from factcheck.insights.tasks import analysis_run
from factcheck.reviews.models import Task
from factcheck.reviews.selectors import clearance_blockers
from tests.factories import make_story

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "factcheck/newsrooms/demo/meralt-floods.txt"

# A small draft of our own: one planted contradiction (the boat), one quote, one furniture line.
STORY = (
    "Ferry Runs Aground Off Kessel Point\n\n"
    "The ferry Marisol ran aground off Kessel Point on Friday with 212 passengers on board, "
    "the coastguard said.\n\n"
    "“The hull is intact and nobody is hurt,” said Ada Brenner, the port's harbour master.\n\n"
    "A coastguard AW-139 helicopter flew the first 40 passengers to the mainland.\n\n"
    "It was a grey morning.\n\n"
    "Later, a coastguard AW-169 helicopter flew the first 40 passengers to the mainland.\n\n"
    "Share this article\n"
)


@pytest.fixture
def story(newsroom: Any, editor: Any) -> Draft:
    return draft_import(newsroom=newsroom, by=editor, text=STORY, title="Ferry")


def units(draft: Draft) -> list[Sentence]:
    return list(draft.revisions.get().sentences.order_by("index"))


def text_of(sentence: Sentence) -> str:
    return sentence.revision.text[sentence.start : sentence.end]


def test_import_analyses_a_small_draft_at_once(story: Draft) -> None:
    revision = story.revisions.get()
    assert revision.analysis == Revision.Analysis.DONE
    assert revision.analysis_progress == revision.sentences.count()
    assert revision.analysed_at is not None
    by_text = {text_of(s): s for s in units(story)}
    boat = by_text["A coastguard AW-139 helicopter flew the first 40 passengers to the mainland."]
    assert "number" in boat.types and 0.5 <= boat.score <= 1
    assert any(t == "number" and text_of(boat) in STORY for _, _, t in boat.spans)
    furniture = by_text["Share this article"]
    assert furniture.kind == Sentence.Kind.BOILERPLATE and furniture.score == 0
    assert furniture.types == [] and furniture.spans == []


def test_checkable_parts_are_offsets_into_the_revision_text(story: Draft) -> None:
    revision = story.revisions.get()
    for sentence in units(story):
        for start, end, kind in sentence.spans:
            assert sentence.start <= start < end <= sentence.end
            assert revision.text[start:end].strip() == revision.text[start:end]
            assert kind in (
                "number",
                "quote",
                "attribution",
                "date",
                "entity",
                "comparison",
                "event",
            )


def test_quote_is_credited_to_its_speaker(story: Draft) -> None:
    quoted = [s for s in units(story) if s.speaker]
    assert [(text_of(s)[:20], s.speaker) for s in quoted] == [
        ("“The hull is intact ", "Ada Brenner")
    ]


def test_the_planted_contradiction_is_a_finding_and_the_export_lists_it(story: Draft) -> None:
    findings = list(Finding.objects.filter(draft=story))
    assert [(f.kind, f.summary) for f in findings] == [("contradiction", "AW-139 vs AW-169")]
    finding = findings[0]
    text = story.revisions.get().text
    assert finding.a_start is not None and finding.b_start is not None
    assert text[finding.a_start : finding.a_end] == "AW-139"
    assert text[finding.b_start : finding.b_end] == "AW-169"
    exported = draft_export(story)
    assert exported["findings"] == [
        {
            "id": finding.pk,
            "kind": "contradiction",
            "sentences": [finding.sentence_a.index, finding.sentence_b.index],
            "summary": "AW-139 vs AW-169",
            "what": finding.what,
            "confidence": finding.confidence,
            "status": "open",
            "task": None,
        }
    ]
    # the pair model's probability, stored as the analysis gave it
    assert conflicts.weights().threshold <= finding.confidence < 1.0
    assert exported["quotes"] == [{"sentence": 2, "speaker": "Ada Brenner"}]
    assert all("score" in s and "types" in s for s in exported["sentences"])


def test_a_re_analysis_keeps_each_finding_and_takes_its_new_confidence(story: Draft) -> None:
    finding = Finding.objects.get(draft=story)
    Finding.objects.filter(pk=finding.pk).update(confidence=0.123)  # as an older model weighed it
    revision_analyse(revision=story.revisions.get())
    again = Finding.objects.get(draft=story)
    assert again.pk == finding.pk and again.confidence == finding.confidence


def test_an_open_finding_blocks_clearance_until_dismissed(story: Draft, editor: Any) -> None:
    finding = Finding.objects.get(draft=story)
    assert [b.kind for b in clearance_blockers(story)] == ["finding"]
    assert clearance_blockers(story)[0].url == f"/insights/findings/{finding.pk}/"
    finding_dismiss(finding=finding, by=editor, expected_version=finding.version)
    assert clearance_blockers(story) == []
    finding.refresh_from_db()
    assert (finding.status, finding.decided_by, finding.version) == ("dismissed", editor, 2)
    finding_reopen(finding=finding, by=editor)
    assert [b.kind for b in clearance_blockers(story)] == ["finding"]


def test_a_finding_becomes_a_task_linked_to_both_claims_once(story: Draft, editor: Any) -> None:
    finding = Finding.objects.get(draft=story)
    task, changed = finding_task_create(finding=finding, by=editor)
    assert changed
    assert task.title == "AW-139 vs AW-169 discrepancy"
    linked = {c.sentence_id for c in task.claims.all()}
    assert linked == {finding.sentence_a_id, finding.sentence_b_id}
    finding.refresh_from_db()
    assert (finding.status, finding.task) == (Finding.Status.TASKED, task)
    assert finding_task_create(finding=finding, by=editor) == (task, False)  # a repeat click
    assert Task.objects.filter(draft=story).count() == 1
    with pytest.raises(FactcheckError, match="task already"):
        finding_dismiss(finding=finding, by=editor)
    # The task and its claims block clearance now, not the finding.
    assert {b.kind for b in clearance_blockers(story)} == {"claim", "task"}


def test_a_repeated_click_changes_nothing_whatever_version_it_saw(
    story: Draft, editor: Any
) -> None:
    finding = Finding.objects.get(draft=story)
    seen = finding.version
    assert finding_reopen(finding=finding, by=editor, expected_version=seen).changed is False
    first = finding_dismiss(finding=finding, by=editor, expected_version=seen)
    assert first.changed
    entries = AuditEntry.objects.count()
    # the second click carries the version the page showed before the first one
    again = finding_dismiss(finding=finding, by=editor, expected_version=seen)
    assert (again.obj.pk, again.obj.version, again.changed) == (finding.pk, seen + 1, False)
    assert AuditEntry.objects.count() == entries


def test_a_stale_version_is_a_conflict(story: Draft, editor: Any) -> None:
    finding = Finding.objects.get(draft=story)
    finding_dismiss(finding=finding, by=editor)
    with pytest.raises(ConflictError):
        finding_reopen(finding=finding, by=editor, expected_version=1)


def test_checkers_cannot_decide_findings_or_suggestions(story: Draft, checker: Any) -> None:
    finding = Finding.objects.get(draft=story)
    with pytest.raises(PermissionDenied):
        finding_dismiss(finding=finding, by=checker)
    with pytest.raises(PermissionDenied):
        finding_task_create(finding=finding, by=checker)
    sentence = units(story)[1]
    with pytest.raises(PermissionDenied):
        suggestions_confirm(sentences=[sentence], by=checker)
    with pytest.raises(PermissionDenied):
        suggestions_dismiss(sentences=[sentence], by=checker)
    with pytest.raises(PermissionDenied):
        quote_task_create(sentence=units(story)[2], by=checker)
    assert not Claim.objects.filter(draft=story).exists()


def test_suggestions_are_worthy_units_not_yet_claims_nor_dismissed(
    story: Draft, editor: Any
) -> None:
    revision = story.revisions.get()
    threshold = suggestion_threshold(story.newsroom)
    suggested = list(suggested_sentences(revision, threshold))
    assert suggested, "the ferry story has units worth checking"
    assert all(s.score >= threshold and s.kind != "boilerplate" for s in suggested)
    assert "It was a grey morning." not in [text_of(s) for s in suggested]
    first, second = suggested[0], suggested[1]
    click = suggestions_confirm(sentences=[first], by=editor)
    assert [c.sentence_id for c in click.claims] == [first.pk]
    assert [c.pk for c in click.unit_claims] == [click.claims[0].pk]  # the unit's live claims
    again = suggestions_confirm(sentences=[first], by=editor)  # harmless repeat
    assert again.claims == click.claims and again.unit_claims == click.unit_claims
    assert suggestions_dismiss(sentences=[second], by=editor) == 1
    assert suggestions_dismiss(sentences=[second], by=editor) == 0
    left = list(suggested_sentences(revision, threshold))
    assert first not in left and second not in left and len(left) == len(suggested) - 2
    assert AuditEntry.objects.filter(action="suggestion_dismissed", draft_id=story.pk).count() == 1
    suggestions_dismiss(sentences=[second], by=editor, dismissed=False)
    assert second in list(suggested_sentences(revision, threshold))


def test_the_newsrooms_threshold_replaces_the_models(story: Draft) -> None:
    revision = story.revisions.get()
    story.newsroom.suggestion_threshold = 1.01
    assert not suggested_sentences(revision, suggestion_threshold(story.newsroom)).exists()
    story.newsroom.suggestion_threshold = 0.0
    everything = suggested_sentences(revision, suggestion_threshold(story.newsroom))
    assert everything.count() == revision.sentences.exclude(kind="boilerplate").count()


def test_a_quote_becomes_a_confirm_task_in_one_call(story: Draft, editor: Any) -> None:
    quoted = next(s for s in units(story) if s.speaker)
    task = quote_task_create(sentence=quoted, by=editor)
    assert task.title == "Confirm Ada Brenner said this"
    assert [c.sentence_id for c in task.claims.all()] == [quoted.pk]
    assert quote_task_create(sentence=quoted, by=editor) == task
    with pytest.raises(FactcheckError, match="no quote"):
        quote_task_create(sentence=units(story)[1], by=editor)


def test_reanalysis_keeps_decisions_and_duplicates_nothing(story: Draft, editor: Any) -> None:
    finding = Finding.objects.get(draft=story)
    finding_dismiss(finding=finding, by=editor)
    revision = story.revisions.get()
    sentence = suggested_sentences(revision, 0.0).first()
    assert sentence is not None
    suggestions_dismiss(sentences=[sentence], by=editor)
    revision_analyse(revision=revision)
    revision_analyse(revision=revision)
    assert list(Finding.objects.filter(draft=story).values_list("pk", "status")) == [
        (finding.pk, "dismissed")
    ]
    sentence.refresh_from_db()
    assert sentence.suggestion_dismissed


def test_a_large_draft_is_analysed_by_the_celery_task(
    newsroom: Any, editor: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ANALYSIS_INLINE_MAX_UNITS = 3
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        draft = draft_import(newsroom=newsroom, by=editor, text=STORY)
    revision = draft.revisions.get()
    assert revision.analysis == Revision.Analysis.PENDING
    assert not revision.sentences.filter(score__isnull=False).exists()
    assert len(callbacks) == 1
    callbacks[0]()  # sends analysis_run, which runs eagerly here
    revision.refresh_from_db()
    assert revision.analysis == Revision.Analysis.DONE
    assert revision.analysis_progress == revision.sentences.count()
    assert Finding.objects.filter(draft=draft).count() == 1
    analysis_run.delay(revision.pk)  # a duplicate delivery: nothing to do, nothing doubled
    assert Finding.objects.filter(draft=draft).count() == 1


def test_a_draft_up_to_the_inline_limit_is_analysed_in_its_import_and_a_larger_one_after(
    newsroom: Any, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    limit = django_settings.ANALYSIS_INLINE_MAX_UNITS  # the default: small, see settings.py
    for size, inline in ((limit, True), (limit + 1, False)):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            draft = draft_import(newsroom=newsroom, by=editor, text=make_story(size))
        revision = draft.revisions.get()
        assert revision.sentences.count() == size
        assert (revision.analysis == Revision.Analysis.DONE) is inline, (size, revision.analysis)
        assert len(callbacks) == (0 if inline else 1)  # the task, sent after the commit


def test_an_analysis_that_breaks_is_marked_failed_with_the_reason(
    story: Draft, monkeypatch: Any
) -> None:
    revision = story.revisions.get()
    Revision.objects.filter(pk=revision.pk).update(analysis=Revision.Analysis.PENDING)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ValueError("broken model")

    monkeypatch.setattr(services, "analyse", broken)
    with pytest.raises(ValueError):
        analysis_run.delay(revision.pk)
    revision.refresh_from_db()
    assert revision.analysis == Revision.Analysis.FAILED
    assert revision.analysis_error == "The analysis stopped: ValueError"


def test_the_demo_draft_has_its_three_planted_findings(newsroom: Any, editor: Any) -> None:
    draft = draft_import(newsroom=newsroom, by=editor, text=DEMO.read_text(encoding="utf-8"))
    summaries = sorted(Finding.objects.filter(draft=draft).values_list("summary", flat=True))
    assert summaries == ["41 vs nearly 30 (death)", "Port Averin vs Port Averine", "S-92 vs S-76"]


def test_bulk_dismissal_costs_the_same_queries_for_two_or_six(newsroom: Any, editor: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    text = "\n\n".join(f"The council said {n + 2} homes lost power on Monday." for n in range(8))
    draft = draft_import(newsroom=newsroom, by=editor, text=text)
    sentences = units(draft)
    for sentence in sentences:
        sentence.revision = draft.revisions.get()  # as the view does: no query per sentence

    def queries(chosen: list[Sentence]) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert suggestions_dismiss(sentences=chosen, by=editor) == len(chosen)
        return len(captured)

    two, six = queries(sentences[:2]), queries(sentences[2:8])
    # The role once, the units locked, changed and their history written: one statement each.
    assert two == six
    assert AuditEntry.objects.filter(action="suggestion_dismissed").count() == 8
    assert Sentence.objects.filter(suggestion_dismissed=True).count() == 8
    assert suggestions_dismiss(sentences=sentences[:3], by=editor) == 0  # a repeat: no change
    assert AuditEntry.objects.filter(action="suggestion_dismissed").count() == 8


def test_a_draft_in_another_language_says_the_analysis_is_english_only(
    newsroom: Any, editor: Any, client: Any
) -> None:
    from tests.analysis.test_language import GERMAN

    german = draft_import(newsroom=newsroom, by=editor, text=f"Hochwasser im Tal\n\n{GERMAN}")
    revision = german.revisions.get()
    assert revision.analysis == Revision.Analysis.DONE
    assert revision.analysis_note == services.NOT_ENGLISH
    assert draft_export(german)["analysis"]["note"] == services.NOT_ENGLISH
    client.force_login(editor)
    html = client.get(german.get_absolute_url()).content.decode()
    assert f'<p class="analysis-note" role="note">{services.NOT_ENGLISH}</p>' in html


def test_an_english_draft_has_no_note(story: Draft, client: Any, editor: Any) -> None:
    revision = story.revisions.get()
    assert revision.analysis_note == ""
    assert draft_export(story)["analysis"]["note"] == ""
    client.force_login(editor)
    assert 'class="analysis-note"' not in client.get(story.get_absolute_url()).content.decode()


def test_an_analysis_that_killed_its_worker_too_often_ends_failed(story: Draft) -> None:
    from factcheck.insights.tasks import analysis_poisoned

    revision = story.revisions.get()
    Revision.objects.filter(pk=revision.pk).update(analysis=Revision.Analysis.RUNNING)
    analysis_poisoned(revision.pk, deliveries=3)
    revision.refresh_from_db()
    assert revision.analysis == Revision.Analysis.FAILED
    assert revision.analysis_error == (
        "The analysis stopped its worker 3 times; it was not tried again."
    )
