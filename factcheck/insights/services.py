"""Writes of the first pass: analysing a revision (scores, types, quotes, findings), and what an
editor does with the results: confirm or dismiss suggested claims, turn a quote or a finding
into a verification task, dismiss or reopen a finding.

The analysis itself is plain Python (:mod:`factcheck.analysis.pipeline`); here it is stored.
Small drafts are analysed while they are imported; large ones in the Celery task
``analysis_run``, which shows its progress on the revision.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from factcheck import events
from factcheck.analysis.pipeline import DraftAnalysis, analyse
from factcheck.claims.models import Claim
from factcheck.claims.revisions import normalised_words
from factcheck.claims.services import UnitsClick, claim_mark_sentence, claims_mark_units
from factcheck.drafts.models import Revision, Sentence
from factcheck.drafts.selectors import suggestion_threshold as suggestion_threshold
from factcheck.errors import FactcheckError
from factcheck.history.services import (
    audit_entry,
    audit_record,
    audit_record_many,
    refuse_stale,
    save_with_history,
)
from factcheck.insights.models import Finding
from factcheck.newsrooms.access import Capability, require
from factcheck.newsrooms.models import Newsroom
from factcheck.outcome import Done
from factcheck.reviews.models import Task
from factcheck.reviews.services import draft_refresh_clearance, task_create
from factcheck.text import short

if TYPE_CHECKING:
    from django.contrib.auth.models import User


A = Revision.Analysis
F = Finding.Status


# --- Running the analysis ---------------------------------------------------------------------


def on_revision_imported(event: events.RevisionImported) -> None:
    revision = event.revision
    if revision.number > 1:
        # A new version of the draft: the open findings of the text it replaces are about words
        # that may be gone, and nobody acted on them (nothing is lost); the analysis of the new
        # text finds them again where they still hold. Decided ones stay, with their history:
        # the new findings take their decisions where both sentences survive (_carried).
        Finding.objects.filter(
            draft_id=revision.draft_id, revision__number__lt=revision.number, status=F.OPEN
        ).delete()
    analysis_start(revision=revision, units=event.units)


def analysis_start(*, revision: Revision, units: int | None = None) -> Revision:
    """Analyse a new revision: at once when it is small (the import waits a fraction of a
    second), else in the background (the page shows the progress). Call inside the import's
    transaction: the task is sent after it commits. ``units``: the revision's unit count, when
    the caller knows it (saves a query)."""
    if units is None:
        units = revision.sentences.count()
    if units <= settings.ANALYSIS_INLINE_MAX_UNITS:
        return revision_analyse(revision=revision)
    Revision.objects.filter(pk=revision.pk).update(
        analysis=A.PENDING, analysis_progress=0, analysis_error=""
    )
    revision.analysis = A.PENDING

    def enqueue() -> None:
        from factcheck.insights.tasks import analysis_run

        analysis_run.delay(revision.pk)

    transaction.on_commit(enqueue)
    return revision


def analysis_begin(*, revision_id: int) -> Revision | None:
    """Mark the revision's analysis running; None when the revision is gone or another worker
    finished it already (a duplicate delivery). A run left "running" by a killed worker is
    let through again: the analysis is idempotent."""
    updated = Revision.objects.filter(
        pk=revision_id, analysis__in=[A.PENDING, A.RUNNING, A.FAILED]
    ).update(analysis=A.RUNNING, analysis_progress=0, analysis_error="")
    if not updated:
        return None
    return Revision.objects.select_related("draft").get(pk=revision_id)


def analysis_fail(*, revision_id: int, reason: str) -> None:
    Revision.objects.filter(pk=revision_id).exclude(analysis=A.DONE).update(
        analysis=A.FAILED, analysis_error=reason[:500]
    )


def analyses_requeue_lost(*, idle_for: timedelta) -> list[int]:
    """Send the task again for analyses whose broker message was lost (see
    ``lookups_requeue_lost``): pending or running, and untouched for ``idle_for``."""
    from factcheck.insights.tasks import analysis_run

    cutoff = timezone.now() - idle_for
    ids = list(
        Revision.objects.filter(
            analysis__in=[A.PENDING, A.RUNNING], created_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        analysis_run.delay(pk)
    return ids


NOT_ENGLISH = (
    "This draft does not look English. The scores, suggestions, quotes and findings work on "
    "English only: mark the claims by hand."
)


def revision_analyse(
    *, revision: Revision, analysis: DraftAnalysis | None = None, report_progress: bool = False
) -> Revision:
    """(Re-)analyse ``revision`` and store the results: every unit's score, types, checkable
    parts and quote speaker, and the findings. Running it again changes nothing that an editor
    decided: a dismissed or tasked finding stays so, dismissed suggestions stay dismissed; open
    findings the analysis no longer makes are removed."""
    sentences = list(revision.sentences.order_by("index"))
    text = revision.text
    if analysis is None:
        progress = None
        if report_progress:

            def progress(done: int) -> None:
                Revision.objects.filter(pk=revision.pk).update(analysis_progress=done)

        analysis = analyse(
            [text[s.start : s.end] for s in sentences],
            [s.kind for s in sentences],
            progress=progress,
        )
    speakers = {quote.unit: quote.speaker for quote in analysis.quotes}
    for sentence, result in zip(sentences, analysis.units, strict=True):
        sentence.score = result.score
        sentence.types = list(result.types)
        sentence.spans = [
            [sentence.start + span.start, sentence.start + span.end, span.type]
            for span in result.spans
        ]
        sentence.speaker = speakers.get(sentence.index, "")[:200]
    with transaction.atomic():
        _update_units(sentences)
        found, carried = _store_findings(revision, sentences, analysis)
        now = timezone.now()
        note = "" if analysis.english else NOT_ENGLISH
        Revision.objects.filter(pk=revision.pk).update(
            analysis=A.DONE,
            analysis_progress=len(sentences),
            analysis_error="",
            analysed_at=now,
            analysis_note=note,
        )
        revision.analysis, revision.analysed_at, revision.analysis_note = A.DONE, now, note
        revision.analysis_progress = len(sentences)
        draft = revision.draft
        audit_record(
            obj=revision,
            action="analysed",
            actor=None,
            summary=(
                f"Analysed revision {revision.number}: {len(analysis.quotes)} quote(s), "
                f"{found} finding(s)"
                + (f", {carried} decided on an earlier version" if carried else "")
            ),
            newsroom_id=draft.newsroom_id,
            draft_id=draft.pk,
        )
        draft_refresh_clearance(draft=draft, by=None)
    return revision


def _update_units(sentences: list[Sentence]) -> None:
    """Write every unit's results with one prepared UPDATE run for all of them: bulk_update's
    CASE expressions cost seconds of CPU for a 600-unit draft."""
    fields = [Sentence._meta.get_field(name) for name in ("score", "types", "spans", "speaker")]
    table = connection.ops.quote_name(Sentence._meta.db_table)
    columns = ", ".join(
        f"{connection.ops.quote_name(str(getattr(f, 'column', f.name)))} = %s" for f in fields
    )
    rows = [
        [
            f.get_db_prep_save(getattr(s, f.name), connection)  # type: ignore[union-attr]
            for f in fields
        ]
        + [s.pk]
        for s in sentences
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {columns} WHERE id = %s", rows)  # noqa: S608


def _store_findings(
    revision: Revision, sentences: list[Sentence], analysis: DraftAnalysis
) -> tuple[int, int]:
    """Upsert the analysis' findings; (how many it found, how many new ones took an earlier
    version's decision)."""
    by_index = {s.index: s for s in sentences}
    decided = _decided_before(revision)
    carried = 0
    existing = {
        (f.kind, f.sentence_a_id, f.sentence_b_id, f.summary): f
        for f in Finding.objects.filter(revision=revision)
    }
    seen: set[tuple[str, int, int, str]] = set()
    new: list[Finding] = []
    rescored: list[Finding] = []
    for item in analysis.findings:
        a, b = by_index[item.a], by_index[item.b]
        summary = item.summary[:300]
        key = (item.kind, a.pk, b.pk, summary)
        if key in seen:
            continue
        seen.add(key)
        confidence = round(item.score, 3)
        if key in existing:
            if existing[key].confidence != confidence:  # a re-trained model weighs it anew
                existing[key].confidence = confidence
                rescored.append(existing[key])
            continue
        status, task_id, decided_by_id = decided.get(
            (item.kind, summary, _words(revision, a), _words(revision, b)), (F.OPEN, None, None)
        )
        carried += status != F.OPEN
        new.append(
            Finding(
                status=status,
                task_id=task_id,
                decided_by_id=decided_by_id,
                draft_id=revision.draft_id,
                revision=revision,
                kind=item.kind,
                sentence_a=a,
                sentence_b=b,
                summary=summary,
                what=item.what[:100],
                confidence=confidence,
                a_start=a.start + item.a_span[0] if item.a_span else None,
                a_end=a.start + item.a_span[1] if item.a_span else None,
                b_start=b.start + item.b_span[0] if item.b_span else None,
                b_end=b.start + item.b_span[1] if item.b_span else None,
            )
        )
    Finding.objects.bulk_create(new)
    events.emit(events.FindingsOpened(findings=tuple(f for f in new if f.status == F.OPEN)))
    Finding.objects.bulk_update(rescored, ["confidence"])
    stale = [f.pk for key, f in existing.items() if key not in seen and f.status == F.OPEN]
    Finding.objects.filter(pk__in=stale).delete()  # nobody acted on them: nothing is lost
    return len(seen), carried


# A finding's key across versions: kind, summary and the words of both sentences.
_Key = tuple[str, str, str, str]


def _decided_before(revision: Revision) -> dict[_Key, tuple[str, int | None, int | None]]:
    """The findings of the draft's earlier versions that an editor settled (dismissed, or
    turned into a task), by kind, summary and the words of both sentences (white space and
    quote marks aside): a new version's finding of the same two unchanged sentences takes the
    decision (status, task, who), so a dismissed finding stays dismissed. The latest decision
    wins. Two queries, none for a first version."""
    if revision.number <= 1:
        return {}
    rows = list(
        Finding.objects.filter(draft_id=revision.draft_id, revision__number__lt=revision.number)
        .exclude(status=F.OPEN)
        .order_by("revision__number", "pk")
        .values_list(
            "kind",
            "summary",
            "status",
            "task_id",
            "decided_by_id",
            "revision_id",
            "sentence_a__start",
            "sentence_a__end",
            "sentence_b__start",
            "sentence_b__end",
        )
    )
    if not rows:
        return {}
    texts = dict(Revision.objects.filter(pk__in={row[5] for row in rows}).values_list("pk", "text"))
    decided: dict[_Key, tuple[str, int | None, int | None]] = {}
    for kind, summary, status, task_id, decided_by_id, revision_id, a0, a1, b0, b1 in rows:
        text = texts[revision_id]
        key = (kind, summary, normalised_words(text[a0:a1]), normalised_words(text[b0:b1]))
        decided[key] = (status, task_id, decided_by_id)
    return decided


def _words(revision: Revision, sentence: Sentence) -> str:
    return normalised_words(revision.text[sentence.start : sentence.end])


# --- Suggested claims -------------------------------------------------------------------------


def suggested_sentences(revision: Revision, threshold: float) -> QuerySet[Sentence]:
    """Units that score at least ``threshold``, are not claims yet and were not dismissed."""
    live_claim = Claim.objects.filter(sentence=OuterRef("pk")).exclude(
        status=Claim.Status.DISMISSED
    )
    return (
        revision.sentences.filter(score__gte=threshold, suggestion_dismissed=False)
        .exclude(kind=Sentence.Kind.BOILERPLATE)
        .exclude(Exists(live_claim))
        .order_by("index")
    )


def suggestions_confirm(*, sentences: Sequence[Sentence], by: User | None) -> UnitsClick:
    """Mark each suggested unit as a claim (a repeat confirms nothing twice): the claim of each,
    in their order, and every live claim of those units. The units of a revision in one go, so
    that fifty cost the queries of one (one lock, one insert, one statement of history,
    clearance and lookups told once). Units of several revisions are marked in one
    transaction; those of one (the page's click) in claims_mark_units' own, with no savepoint
    inside another."""
    _require_each_newsroom(by, sentences)
    by_revision: dict[int, list[Sentence]] = {}
    for sentence in sentences:
        by_revision.setdefault(sentence.revision_id, []).append(sentence)
    with transaction.atomic() if len(by_revision) > 1 else nullcontext():
        clicks = [claims_mark_units(sentences=group, by=by) for group in by_revision.values()]
    claims = {claim.sentence_id: claim for click in clicks for claim in click.claims}
    return UnitsClick(
        [claims[sentence.pk] for sentence in sentences],
        [claim for click in clicks for claim in click.unit_claims],
    )


@transaction.atomic
def suggestions_dismiss(
    *, sentences: Sequence[Sentence], by: User | None, dismissed: bool = True
) -> int:
    """Dismiss (or, with ``dismissed=False``, bring back) suggestions; how many changed. However
    many units: the ones to change read and locked in one query, changed in one, their history
    written in one (a unit already as asked is left as it is, with no history)."""
    _require_each_newsroom(by, sentences)
    if not sentences:
        return 0
    to_change = set(
        Sentence.objects.select_for_update()
        .filter(pk__in=[s.pk for s in sentences], suggestion_dismissed=not dismissed)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not to_change:
        return 0
    Sentence.objects.filter(pk__in=to_change).update(suggestion_dismissed=dismissed)
    verb = "Dismissed" if dismissed else "Restored"
    entries = []
    for sentence in sentences:
        if sentence.pk not in to_change:
            continue
        to_change.discard(sentence.pk)  # a unit given twice is changed once
        sentence.suggestion_dismissed = dismissed
        draft = sentence.revision.draft
        text = sentence.revision.text[sentence.start : sentence.end]
        entries.append(
            audit_entry(
                obj=sentence,
                action="suggestion_dismissed" if dismissed else "suggestion_restored",
                actor=by,
                summary=f"{verb} the suggestion “{short(text, 60)}”",
                newsroom_id=draft.newsroom_id,
                draft_id=draft.pk,
                changes={"suggestion_dismissed": (not dismissed, dismissed)},
            )
        )
    audit_record_many(entries)
    return len(entries)


# --- Quotes and findings into tasks -----------------------------------------------------------


@transaction.atomic
def quote_task_create(*, sentence: Sentence, by: User | None) -> Task:
    """“Confirm Kamo said this”: the quote's unit becomes a claim (if it isn't one) and a task
    linked to it. A second click returns the same live task."""
    if not sentence.speaker:
        raise FactcheckError("This sentence holds no quote credited to anyone.")
    draft = sentence.revision.draft
    require(by=by, newsroom_id=draft.newsroom_id, capability=Capability.ASSIGN)
    claim = claim_mark_sentence(sentence=sentence, by=by)
    title = f"Confirm {sentence.speaker} said this"[:200]
    existing = Task.objects.filter(
        draft=draft, title=title, claims=claim, archived_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    quote = sentence.revision.text[sentence.start : sentence.end]
    return task_create(
        draft=draft,
        by=by,
        title=title,
        description=f"Check with the source that {sentence.speaker} said: {quote}",
        claims=[claim],
    )


@transaction.atomic
def finding_task_create(
    *,
    finding: Finding,
    by: User | None,
    assignee: User | None = None,
    expected_version: int | None = None,
    title: str = "",
    description: str = "",
    **task_fields: Any,
) -> Done[Task]:
    """Turn a finding into a verification task titled after it (“F-16 vs F-15 discrepancy”),
    linked to the claims of both sentences (marked when they aren't claims yet). ``title`` and
    ``description`` replace the ones made from the finding; ``task_fields`` (``due_at``,
    ``priority``) go to ``task_create``. A finding that is a task already gives that task,
    unchanged, whatever version the user saw."""
    current = _locked(finding)
    require(by=by, newsroom_id=current.draft.newsroom_id, capability=Capability.ASSIGN)
    if current.status == F.TASKED and current.task is not None:
        return Done(current.task, False)
    _refuse_stale(current, expected_version)
    text = current.revision.text
    a, b = current.sentence_a, current.sentence_b
    claims = [claim_mark_sentence(sentence=s, by=by) for s in (a, b)]
    task = task_create(
        draft=current.draft,
        by=by,
        title=title or current.task_title,
        description=description
        or (
            f"{current.get_kind_display()} ({current.what or 'the same thing'}): "
            f"“{text[a.start : a.end]}” vs “{text[b.start : b.end]}”"
        ),
        claims=claims,
        assignee=assignee,
        **task_fields,
    )
    _change(current, by, {"status": F.TASKED, "task": task, "decided_by": by}, "tasked", "Task")
    return Done(task, True)


@transaction.atomic
def finding_dismiss(
    *, finding: Finding, by: User | None, expected_version: int | None = None
) -> Done[Finding]:
    """Dismiss a finding (it no longer blocks clearance); one dismissed already is left as it is."""
    current = _locked(finding)
    require(by=by, newsroom_id=current.draft.newsroom_id, capability=Capability.ASSIGN)
    if current.status == F.DISMISSED:
        return Done(current, False)
    _refuse_stale(current, expected_version)
    if current.status == F.TASKED:
        raise FactcheckError("This finding is a task already; settle it through the task.")
    dismissed = _change(
        current, by, {"status": F.DISMISSED, "decided_by": by}, "dismissed", "Dismissed"
    )
    return Done(dismissed, True)


@transaction.atomic
def finding_reopen(
    *, finding: Finding, by: User | None, expected_version: int | None = None
) -> Done[Finding]:
    """Reopen a dismissed finding; one that is not dismissed is left as it is."""
    current = _locked(finding)
    require(by=by, newsroom_id=current.draft.newsroom_id, capability=Capability.ASSIGN)
    if current.status != F.DISMISSED:
        return Done(current, False)
    _refuse_stale(current, expected_version)
    reopened = _change(current, by, {"status": F.OPEN, "decided_by": None}, "reopened", "Reopened")
    return Done(reopened, True)


def _change(
    finding: Finding, by: User | None, values: dict[str, Any], action: str, verb: str
) -> Finding:
    changes = {
        k: (getattr(finding, k), v) for k, v in values.items() if k in ("status", "decided_by")
    }
    saved = save_with_history(
        finding,
        by=by,
        values=values,
        changes={k: (str(old), str(new)) for k, (old, new) in changes.items()},
        action=action,
        summary=f"{verb} finding “{finding.summary}”",
        newsroom_id=finding.draft.newsroom_id,
        draft_id=finding.draft_id,
    )
    draft_refresh_clearance(draft=finding.draft, by=by)
    return saved


def _locked(finding: Finding) -> Finding:
    # Only the finding's row is locked: FOR UPDATE may not take the nullable side of an outer
    # join (the task) on PostgreSQL, and the draft is locked by its own services.
    return Finding.objects.select_for_update().get(pk=finding.pk)


def _refuse_stale(finding: Finding, expected_version: int | None) -> None:
    refuse_stale(finding, expected_version, lambda f: f.get_status_display().lower())


def _require_each_newsroom(by: User | None, sentences: Sequence[Sentence]) -> None:
    """MARK_CLAIMS in every newsroom the sentences belong to: one check per newsroom, not one
    query per sentence ("Confirm all" sends hundreds)."""
    for newsroom_id in {sentence.revision.draft.newsroom_id for sentence in sentences}:
        require(by=by, newsroom_id=newsroom_id, capability=Capability.MARK_CLAIMS)


# --- The newsroom's threshold -----------------------------------------------------------------


@transaction.atomic
def newsroom_set_threshold(
    *, newsroom: Newsroom, by: User | None, threshold: float | None
) -> Newsroom:
    """Set the score from which units are suggested as claims (None: the model's own). Newsroom
    admins only; a value outside 0..1 is refused."""
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise FactcheckError("The threshold is a score between 0 and 1.")
    require(by=by, newsroom_id=newsroom.pk, capability=Capability.MANAGE_MEMBERS)
    current = Newsroom.objects.select_for_update().get(pk=newsroom.pk)
    before = current.suggestion_threshold
    newsroom.suggestion_threshold = threshold
    if before == threshold:
        return newsroom
    Newsroom.objects.filter(pk=newsroom.pk).update(suggestion_threshold=threshold)
    shown = "the model's default" if threshold is None else f"{threshold:g}"
    audit_record(
        obj=newsroom,
        action="suggestion_threshold_set",
        actor=by,
        summary=f"Set the suggestion threshold to {shown}",
        newsroom_id=newsroom.pk,
        draft_id=None,
        changes={"suggestion_threshold": (before, threshold)},
    )
    return newsroom
