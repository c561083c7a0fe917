"""Writes for claims: marking and dismissing, and the verdict workflow (propose, approve, send
back, edit). Every change goes through :func:`_move` or :func:`_save`, which lock the row, check
the version the user saw, check the state machine and the actor's role, bump the version and
write the audit entry, all in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from factcheck import events
from factcheck.bulk import bulk_insert
from factcheck.claims import states
from factcheck.claims.models import Claim, EvidenceLink
from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.errors import FactcheckError, TransitionError
from factcheck.history.models import AuditEntry
from factcheck.history.services import (
    audit_entry,
    audit_record_many,
    changed_fields,
    refuse_stale,
    save_with_history,
)
from factcheck.newsrooms.access import Capability, require
from factcheck.notifications.models import Notification
from factcheck.notifications.services import notify
from factcheck.outcome import Done
from factcheck.prepared import Prepared
from factcheck.text import is_web_link, short

if TYPE_CHECKING:
    from django.contrib.auth.models import User

S = Claim.Status


class ClaimError(FactcheckError):
    """A mark we refuse; ``str(exc)`` is a message fit to show the user."""


@transaction.atomic
def claim_mark(*, revision: Revision, start: int, end: int, by: User | None) -> Claim:
    """Mark ``revision.text[start:end]`` as a claim; white space around the span is dropped.

    The span must lie inside one checkable unit. Marking a span that is already a claim returns
    that claim (restored if it had been dismissed), so a repeated click changes nothing.
    """
    text = revision.text
    if not (0 <= start < end <= len(text)):
        raise ClaimError("That selection is outside the draft's text.")
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        raise ClaimError("Select some words to mark, not just white space.")
    sentence = (
        Sentence.objects.filter(revision=revision, start__lte=start, end__gte=end)
        .order_by("index")
        .first()
    )
    if sentence is None:
        raise ClaimError("A claim must lie within one sentence; select inside a single sentence.")
    sentence.revision = revision
    (claim,), _ = _mark(revision, [(sentence, start, end)], by)
    return claim


def claim_mark_sentence(*, sentence: Sentence, by: User | None) -> Claim:
    """Mark the whole unit (its ``revision`` is read from it, loaded once)."""
    return claim_mark_unit(sentence=sentence, by=by).claim


@dataclass(frozen=True)
class UnitClick:
    """A click on a whole unit: its claim, and every live claim of the unit after the click
    (the unit is drawn again from them: the click reads them once, under its lock)."""

    claim: Claim
    unit_claims: list[Claim]


@transaction.atomic
def claim_mark_unit(*, sentence: Sentence, by: User | None) -> UnitClick:
    """:func:`claim_mark_sentence`, with the unit's live claims."""
    (claim,), every = _mark(sentence.revision, [(sentence, sentence.start, sentence.end)], by)
    return UnitClick(claim, [c for c in every if c.sentence_id == sentence.pk and c.is_active])


@dataclass(frozen=True)
class UnitsClick:
    """A click on many whole units ("Confirm selected"): the claim of each unit, in their
    order, and every live claim of those units after the click (drawn again from them)."""

    claims: list[Claim]
    unit_claims: list[Claim]


def claims_mark_sentences(*, sentences: Sequence[Sentence], by: User | None) -> list[Claim]:
    """Mark whole units of one revision, in their order; as :func:`claim_mark` for each, in a
    constant number of queries however many there are (bulk confirm of suggestions)."""
    return claims_mark_units(sentences=sentences, by=by).claims


@transaction.atomic
def claims_mark_units(*, sentences: Sequence[Sentence], by: User | None) -> UnitsClick:
    """:func:`claims_mark_sentences`, with the units' live claims."""
    if not sentences:
        return UnitsClick([], [])
    revision = sentences[0].revision
    if any(sentence.revision_id != revision.pk for sentence in sentences):
        raise ClaimError("Units of one revision only can be marked together.")
    claims, every = _mark(revision, [(s, s.start, s.end) for s in sentences], by)
    return UnitsClick(claims, [c for c in every if c.is_active])


def _mark(
    revision: Revision, spans: Sequence[tuple[Sentence, int, int]], by: User | None
) -> tuple[list[Claim], list[Claim]]:
    """Claims for ``spans`` (sentence, start, end) of ``revision``: new ones created, dismissed
    ones restored, live ones returned as they are; and every claim of those sentences, as they
    now are.

    The work is the same for one span or fifty: the existing claims read and locked, the new
    ones inserted and the dismissed ones restored in one statement each, their history in one
    statement, and what follows (tasks, clearance, lookups) told once, with the draft's row,
    which is locked last: every service locks a claim before its draft (clearance comes after
    the change), so two clicks on one claim queue instead of deadlocking. The insert is an
    upsert on the claim's span: a claim made by another click since the read above is taken
    as it is, with no error and no savepoint (a query).
    """
    for sentence, _, _ in spans:
        if not sentence.checkable:
            raise ClaimError("That text is site furniture (boilerplate), which is not checked.")
    sentence_pks = {sentence.pk for sentence, _, _ in spans}
    if len(sentence_pks) == 1:  # a click on a unit: the query every click runs, prepared
        locked = _SENTENCE_CLAIMS_LOCKED(sentence=next(iter(sentence_pks)))
    else:
        locked = list(
            Claim.objects.select_for_update(of=("self",))
            .filter(revision=revision, sentence__in=sentence_pks)
            .order_by("start", "end", "pk")
        )
    existing = {(claim.start, claim.end): claim for claim in locked}
    text = revision.text
    fresh: dict[tuple[int, int], Claim] = {}
    for sentence, start, end in spans:
        if (start, end) not in existing and (start, end) not in fresh:
            fresh[start, end] = Claim(
                draft_id=revision.draft_id,
                revision=revision,
                sentence=sentence,
                start=start,
                end=end,
                text=text[start:end],
                created_by=by,
            )
    created = list(fresh.values())
    bulk_insert(
        Claim,
        created,
        conflict=("revision", "start", "end"),
        update=("text",),  # the same words (the same span of the same text): no change
        key=("start", "end"),  # of one revision
    )
    # The draft's row with its latest revision's number, in the one query that locks it: a mark
    # on a revision a new version replaced meanwhile (claims.revisions) would be lost on it.
    (draft,) = _DRAFT_LOCKED_WITH_LATEST(draft=revision.draft_id)
    if getattr(draft, "latest") != revision.number:  # noqa: B009 (an annotation, not a field)
        raise ClaimError("A new version of this draft was loaded meanwhile: reload the page.")
    restored = [claim for claim in existing.values() if claim.status == S.DISMISSED]
    now = timezone.now()
    if restored:
        _require(by, draft, states.check_move(S.DISMISSED, S.UNCHECKED))
        Claim.objects.filter(pk__in=[c.pk for c in restored]).update(
            status=S.UNCHECKED, version=F("version") + 1, updated_at=now
        )
    entries = []
    for claim in created:
        claim.draft = draft
        entries.append(_entry(claim, "created", by, f"Marked claim “{short(claim.text, 60)}”"))
    for claim in restored:
        claim.draft = draft
        claim.status, claim.version, claim.updated_at = S.UNCHECKED, claim.version + 1, now
        summary = f"Claim “{short(claim.text, 60)}”: Restored claim"
        changes = {"status": (S.DISMISSED, S.UNCHECKED)}
        entries.append(_entry(claim, "status", by, summary, changes))
    audit_record_many(entries)
    _after_change([*created, *restored], by, locked_draft=draft)
    if created:
        events.emit(events.ClaimsMarked(claims=tuple(created), by=by))
    claims = {**existing, **{(c.start, c.end): c for c in created}}
    return [claims[start, end] for _, start, end in spans], list(claims.values())


def claim_unmark_sentence(*, sentence: Sentence, by: User | None) -> Claim:
    """:func:`claim_unmark` for the claim of the whole unit; ``Claim.DoesNotExist`` when the
    unit is not marked."""
    return claim_unmark_unit(sentence=sentence, by=by).claim


@transaction.atomic
def claim_unmark_unit(*, sentence: Sentence, by: User | None) -> UnitClick:
    """:func:`claim_unmark_sentence`, with the unit's live claims: the unit's claims are read
    and locked in one query (a part claim's row too: a click on its unit waits for it)."""
    unit = _SENTENCE_CLAIMS_LOCKED_WITH_DRAFT(sentence=sentence.pk)
    whole = [c for c in unit if (c.start, c.end) == (sentence.start, sentence.end)]
    if not whole:
        raise Claim.DoesNotExist("That unit is not marked.")
    claim = _move(whole[0], S.DISMISSED, by, summary="Dismissed", idempotent=True, locked=True)
    others = [c for c in unit if c is not whole[0] and c.is_active]
    return UnitClick(claim, [*others, claim] if claim.is_active else others)


def claim_unmark(*, claim: Claim, by: User | None) -> Claim:
    """Unmark (dismiss) a claim. The row and its work are kept; marking again restores it.
    Unmarking an unmarked claim changes nothing (checked under the row lock)."""
    return _move(claim, S.DISMISSED, by, summary="Dismissed", idempotent=True)


@transaction.atomic
def claim_dismiss(
    *, claim: Claim, by: User | None, expected_version: int | None = None
) -> Done[Claim]:
    """Dismiss a claim (kept, restorable); one dismissed already is left as it is."""
    current = _locked(claim, None)
    if current.status == S.DISMISSED:
        _require(by, current, Capability.MARK_CLAIMS)
        return Done(current, False)
    _refuse_stale(current, expected_version)
    return Done(_move(current, S.DISMISSED, by, summary="Dismissed", locked=True), True)


@transaction.atomic
def claim_restore(
    *, claim: Claim, by: User | None, expected_version: int | None = None
) -> Done[Claim]:
    """Bring a dismissed claim back as unchecked; one that is not dismissed is left as it is."""
    current = _locked(claim, None)
    if current.status != S.DISMISSED:
        _require(by, current, Capability.MARK_CLAIMS)
        return Done(current, False)
    _refuse_stale(current, expected_version)
    return Done(_move(current, S.UNCHECKED, by, summary="Restored", locked=True), True)


def claim_start(*, claim: Claim, by: User | None, expected_version: int | None = None) -> Claim:
    return _move(
        claim, S.CHECKING, by, expected_version=expected_version, summary="Started checking"
    )


@transaction.atomic
def claims_start(*, claims: Iterable[Claim], by: User | None) -> list[Claim]:
    """Start checking each claim (a task was started); what follows claim changes (tasks,
    clearance) runs once for them all, not once per claim."""
    started = [_move(c, S.CHECKING, by, summary="Started checking", react=False) for c in claims]
    _after_change(started, by)
    return started


def claim_propose(
    *,
    claim: Claim,
    by: User | None,
    verdict: str,
    rationale: str,
    links: Iterable[tuple[str, str]] = (),
    expected_version: int | None = None,
) -> Claim:
    """Propose ``verdict`` with a ``rationale`` and evidence ``links`` (url, note)."""
    if verdict not in Claim.Verdict.values:
        raise FactcheckError(f"“{verdict}” is not a verdict; choose one of the listed verdicts.")
    if not rationale.strip():
        raise FactcheckError("Give a rationale: say what the verdict rests on.")
    links = list(links)
    for url, _note in links:
        if not is_web_link(url):
            raise FactcheckError(f"“{short(url, 60)}” is not a web address: links are http(s).")
    now = timezone.now()
    claim = _move(
        claim,
        S.PROPOSED,
        by,
        expected_version=expected_version,
        summary=f"Proposed verdict: {Claim.Verdict(verdict).label}",
        values={
            "verdict": verdict,
            "rationale": rationale.strip(),
            "proposed_by": by,
            "proposed_at": now,
            "review_note": "",
        },
    )
    for url, note in links:
        EvidenceLink.objects.get_or_create(
            claim=claim, url=url, defaults={"note": note[:500], "added_by": by}
        )
    return claim


def claim_approve(*, claim: Claim, by: User | None, expected_version: int | None = None) -> Claim:
    verdict = Claim.Verdict(claim.verdict).label if claim.verdict else "no verdict"
    claim = _move(
        claim,
        S.APPROVED,
        by,
        expected_version=expected_version,
        summary=f"Approved verdict: {verdict}",
        # Approved on the words the copy has now: no longer "changed since checked".
        values={
            "reviewed_by": by,
            "reviewed_at": timezone.now(),
            "changed_since_checked": False,
            "checked_text": "",
        },
        # In the approval's transaction: the webhooks' deliveries commit with it.
        after=lambda approved: events.emit(events.ClaimApproved(claim=approved, by=by)),
    )
    _notify(claim, by, Notification.Kind.APPROVED, f"Your verdict was approved: {verdict}")
    return claim


def claim_send_back(
    *, claim: Claim, by: User | None, note: str = "", expected_version: int | None = None
) -> Claim:
    claim = _move(
        claim,
        S.CHECKING,
        by,
        expected_version=expected_version,
        only_from=S.PROPOSED,  # "start checking" is the same move, from unchecked
        summary="Sent back" + (f": {short(note, 60)}" if note.strip() else ""),
        values={"reviewed_by": by, "reviewed_at": timezone.now(), "review_note": note.strip()},
    )
    reason = f": {short(note, 60)}" if note.strip() else ""
    _notify(claim, by, Notification.Kind.SENT_BACK, f"Your verdict was sent back{reason}")
    return claim


def claim_edit(
    *,
    claim: Claim,
    by: User | None,
    expected_version: int | None,
    text: str | None = None,
    verdict: str | None = None,
    rationale: str | None = None,
) -> Claim:
    """Edit a claim's wording, verdict or rationale. An approved claim goes back for review."""
    values: dict[str, Any] = {}
    if text is not None:
        if not text.strip():
            raise FactcheckError("A claim's wording cannot be empty.")
        values["text"] = text.strip()
    if verdict is not None:
        if verdict and verdict not in Claim.Verdict.values:
            raise FactcheckError(f"“{verdict}” is not a verdict.")
        values["verdict"] = verdict
    if rationale is not None:
        values["rationale"] = rationale.strip()
    with transaction.atomic():
        current = _locked(claim, expected_version)
        needed = Capability.MARK_CLAIMS if "text" in values else Capability.PROPOSE_VERDICT
        _require(by, current, needed)
        changes = changed_fields(current, values)
        if not changes:
            return current
        if current.status == S.APPROVED:
            return _move(
                current,
                S.PROPOSED,
                by,
                summary="Edited after approval; back for review",
                values=values,
                locked=True,
            )
        return claim_save(current, by, values, changes, action="edited", summary="Edited claim")


def claims_approve_bulk(
    *, claims: Sequence[Claim], by: User | None, versions: Mapping[int, int] | None = None
) -> tuple[list[Claim], list[tuple[Claim, str]]]:
    """Approve each claim on its own: one refusal (not proposed any more, or changed since the
    version in ``versions`` the user saw) stops no other."""
    approved: list[Claim] = []
    refused: list[tuple[Claim, str]] = []
    for claim in claims:
        seen = (versions or {}).get(claim.pk)
        try:
            approved.append(claim_approve(claim=claim, by=by, expected_version=seen))
        except (FactcheckError, PermissionDenied) as exc:
            refused.append((claim, str(exc)))
    return approved, refused


def claim_lock(*, claim_id: int) -> Claim:
    """The claim's row, locked for the caller's transaction, with its draft (read, not locked:
    a draft is locked after its claims). For a service of a higher layer that changes what hangs
    off a claim (its evidence) and ends in :func:`claim_evidence_changed`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_lock() holds a row lock: call it inside a transaction.")
    return _locked(Claim(pk=claim_id), None)


def claim_evidence_changed(
    *,
    claim: Claim,
    by: User | None,
    action: str,
    summary: str,
    changes: dict[str, tuple[Any, Any]],
    verdict_links_changed: bool,
) -> Claim:
    """Record a change to the evidence of ``claim`` (locked by :func:`claim_lock` in this
    transaction): the version bumped, one history entry with ``changes``.

    When the verdict's evidence links changed (``verdict_links_changed``) an approved claim goes
    back to review, as an edit after approval does (``states``: approved → proposed): its tasks
    follow and the draft's clearance is refreshed (a cleared draft loses it, with its event).
    Otherwise the status stays and nothing above the claim is told: no task or clearance depends
    on evidence that backs no verdict."""
    _require(by, claim, Capability.PROPOSE_VERDICT)
    if verdict_links_changed and claim.status == S.APPROVED:
        values: dict[str, Any] = {"status": S.PROPOSED}
        _require(by, claim, states.check_move(claim.status, S.PROPOSED))
        moved = {**changed_fields(claim, values), **changes}
        return claim_save(
            claim,
            by,
            values,
            moved,
            action="status",
            summary=f"{summary}; approved verdict back for review",
        )
    return claim_save(claim, by, {}, changes, action=action, summary=summary, react=False)


# --- The one path every change takes -----------------------------------------------------------


def _move(
    claim: Claim,
    target: str,
    by: User | None,
    *,
    summary: str,
    expected_version: int | None = None,
    values: dict[str, Any] | None = None,
    locked: bool = False,
    idempotent: bool = False,
    react: bool = True,
    after: Callable[[Claim], None] | None = None,
    only_from: str | None = None,
) -> Claim:
    """Move ``claim`` to ``target``; ``after`` runs with the moved claim inside the move's
    transaction. ``only_from``: the one status the move is made from, checked under the lock
    (sending back takes a proposal to "checking", which "start checking" does from unchecked)."""
    # A caller that locked the row holds the transaction: no savepoint of our own (a query).
    with transaction.atomic(savepoint=not locked):
        current = claim if locked else _locked(claim, expected_version)
        if idempotent and current.status == target:
            return current  # someone (or a double click) got there first: nothing to do
        needed = states.check_move(current.status, target)
        _require(by, current, needed)
        if only_from is not None and current.status != only_from:
            raise TransitionError(
                f"{summary.split(':')[0]} is only for a claim that is "
                f"{S(only_from).label.lower()}; this one is "
                f"{current.get_status_display().lower()}."
            )
        values = {**(values or {}), "status": target}
        changes = changed_fields(current, values)
        claim = claim_save(
            current, by, values, changes, action="status", summary=summary, react=react
        )
        if after is not None:
            after(claim)
    return claim


def claim_save(
    claim: Claim,
    by: User | None,
    values: dict[str, Any],
    changes: dict[str, tuple[Any, Any]],
    *,
    action: str,
    summary: str,
    react: bool = True,
) -> Claim:
    """Write ``values`` to a claim locked by the caller, with its history entry (``summary``
    after the claim's words), and tell what follows (tasks, clearance) unless ``react`` is off:
    the one write every claim change ends in."""
    claim = save_with_history(
        claim,
        by=by,
        values=values,
        changes=changes,
        action=action,
        summary=f"Claim “{short(claim.text, 60)}”: {summary}",
        newsroom_id=claim.draft.newsroom_id,
        draft_id=claim.draft_id,
    )
    if react:
        _after_change([claim], by)
    return claim


def _locked(claim: Claim, expected_version: int | None) -> Claim:
    """The claim's row, locked for this transaction; ConflictError if it moved on meanwhile.
    Its draft is read, not locked: a draft is locked after its claims (see :func:`_mark`)."""
    found = _CLAIM_LOCKED_WITH_DRAFT(claim=claim.pk)
    if not found:
        raise Claim.DoesNotExist(f"Claim {claim.pk} does not exist.")
    return refuse_stale(found[0], expected_version, _now)


# The queries every click on a claim or a unit runs, compiled once (factcheck.prepared). No
# ordering: the models' default ones join other tables, and a row lock waited on would then be
# checked again against those tables' old rows (a claim a new version moved would be lost).
_SENTENCE_CLAIMS_LOCKED = Prepared(
    lambda sentence: (
        Claim.objects.select_for_update(of=("self",))
        .filter(sentence=sentence)
        .order_by("start", "end", "pk")
    )
)
_SENTENCE_CLAIMS_LOCKED_WITH_DRAFT = Prepared(
    lambda sentence: (
        Claim.objects.select_related("draft")
        .select_for_update(of=("self",))
        .filter(sentence=sentence)
        .order_by("start", "end", "pk")
    )
)
_CLAIM_LOCKED_WITH_DRAFT = Prepared(
    lambda claim: (
        Claim.objects.select_related("draft")
        .select_for_update(of=("self",))
        .filter(pk=claim)
        .order_by()
    )
)
_DRAFT_LOCKED_WITH_LATEST = Prepared(
    lambda draft: (
        Draft.objects.select_for_update()
        .annotate(
            latest=Subquery(
                Revision.objects.filter(draft=OuterRef("pk"))
                .order_by("-number")
                .values("number")[:1]
            )
        )
        .filter(pk=draft)
        .order_by()
    )
)


def _refuse_stale(claim: Claim, expected_version: int | None) -> None:
    refuse_stale(claim, expected_version, _now)


def _now(claim: Claim) -> str:
    """What a claim is now, as a conflict's message says it."""
    verdict = f", {claim.get_verdict_display()}" if claim.verdict else ""
    return claim.get_status_display() + verdict


def _require(by: User | None, of: Claim | Draft, capability: Capability) -> None:
    draft = of if isinstance(of, Draft) else of.draft
    require(by=by, newsroom_id=draft.newsroom_id, capability=capability)


def _entry(
    claim: Claim,
    action: str,
    by: User | None,
    summary: str,
    changes: dict[str, tuple[Any, Any]] | None = None,
) -> AuditEntry:
    return audit_entry(
        obj=claim,
        action=action,
        actor=by,
        summary=summary,
        newsroom_id=claim.draft.newsroom_id,
        draft_id=claim.draft_id,
        changes=changes,
    )


def _after_change(
    claims: list[Claim], by: User | None, *, locked_draft: Draft | None = None
) -> None:
    # Reviews (tasks, clearance) react one layer up, inside this transaction.
    if claims:
        events.emit(events.ClaimsChanged(claims=tuple(claims), by=by, locked_draft=locked_draft))


def _notify(claim: Claim, by: User | None, kind: str, what: str) -> None:
    notify(
        users=[claim.proposed_by],
        kind=kind,
        message=f"{what} (claim “{short(claim.text, 50)}”)",
        url=claim.get_absolute_url(),
        actor=by,
        newsroom_id=claim.draft.newsroom_id,
        draft_id=claim.draft_id,
    )
