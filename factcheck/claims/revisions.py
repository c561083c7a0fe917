"""Revisions: a new version of a draft, and its claims re-anchored to the new text.

:func:`revision_load` reads the new copy as an import does, stores it as the draft's next
revision and moves each claim of the previous one where :func:`factcheck.analysis.anchor.reanchor`
says it went:

- **kept**: the same words, in the sentence that continues the old one. The claim moves (its
  revision, sentence and span), its status, verdict, evidence, tasks and comments untouched, and
  its version is *not* bumped: a checker's proposal made on the page they opened before the load
  still lands.
- **changed**: its sentence continues but the claim's words were edited. The claim moves with its
  new words; for a claim being checked or with a verdict, ``changed_since_checked`` is set and
  ``checked_text`` keeps the wording the work was about, and a proposed or approved verdict goes
  (back) to review (an unchecked claim's words just follow). The version is bumped: a
  proposal made on the old words is refused as a conflict, with the checker's input kept.
- **removed**: its sentence is gone. The claim is archived (it stays on the sentence of the
  revision it left, visible and restorable), never deleted.
- **orphaned**: a weak or ambiguous match. The claim stays where it was, with the units it
  might belong to, until an editor attaches it (:func:`claim_attach`) or archives it.

A claim keeps its id through all of it. An orphan left from an earlier version is matched again
against each new one (from its own revision's text), only to refresh its likely units: it is
never attached without an editor. Dismissed suggestions carry over to the units whose text is
unchanged; the analysis of the new revision carries dismissed findings over (``insights``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from factcheck import events
from factcheck.analysis.anchor import Placement, reanchor
from factcheck.claims.models import Claim
from factcheck.claims.services import claim_save
from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.drafts.services import (
    DraftInputError,
    DraftText,
    Upload,
    draft_text_read,
    sentences_store,
)
from factcheck.errors import FactcheckError
from factcheck.history.models import AuditEntry
from factcheck.history.services import audit_entry, audit_record_many, refuse_stale
from factcheck.newsrooms.access import Capability, require
from factcheck.outcome import Done
from factcheck.text import short

if TYPE_CHECKING:
    from django.contrib.auth.models import User

S = Claim.Status
# Claims a checker has worked on: their words changing is news to the desk (and to the queue).
CHECKED = (S.CHECKING, S.PROPOSED, S.APPROVED)
A = Claim.Anchor

# Quote marks of every style, as the plain ones: differences of quote style and white space are
# not changes of wording (the anchoring's own rule for "kept").
_QUOTES = str.maketrans(dict.fromkeys("‘’‚‛′", "'") | dict.fromkeys("“”„‟«»″", '"'))


def same_words(a: str, b: str) -> bool:
    """Whether two wordings differ at most in white space and quote-mark style."""
    return normalised_words(a) == normalised_words(b)


def normalised_words(text: str) -> str:
    return " ".join(text.translate(_QUOTES).split())


@dataclass(frozen=True)
class RevisionLoaded:
    """What :func:`revision_load` did: the new revision and the previous revision's claims, by
    where they went (``removed`` ones are archived)."""

    revision: Revision
    kept: tuple[Claim, ...]
    changed: tuple[Claim, ...]
    removed: tuple[Claim, ...]
    orphaned: tuple[Claim, ...]

    def counts(self) -> dict[str, int]:
        return {
            "kept": len(self.kept),
            "changed": len(self.changed),
            "removed": len(self.removed),
            "orphaned": len(self.orphaned),
        }

    @property
    def summary(self) -> str:
        """“41 kept, 2 changed, 1 removed, 0 orphaned”."""
        return ", ".join(f"{n} {outcome}" for outcome, n in self.counts().items())


def revision_load(
    *,
    draft: Draft,
    by: User | None,
    text: str | bytes | None = None,
    file: Upload | bytes | None = None,
    url: str | None = None,
    source: str = Revision.Source.PASTE,
    filename: str = "",
) -> RevisionLoaded:
    """Load a new version of ``draft`` from pasted ``text``, a ``file`` (an :class:`Upload`,
    or its bytes with ``filename``, which tells its type) or the page at ``url`` (with
    ``source=Revision.Source.URL``), every format an import accepts.

    The input is read, normalised and segmented before anything is written (a refused one is a
    DraftInputError, and nothing changes). Then, in one transaction: the draft's claims are
    locked, then the draft (the project's order: claims before their draft, so that a click on
    a claim queues behind the load instead of deadlocking with it), the next revision and its
    units are written, the claims re-anchored and stored, the history written, and what follows
    told: the analysis of the new revision (``RevisionImported``), the tasks and the clearance
    (``ClaimsChanged``, once for all the claims whose state changed). The number of queries
    does not grow with the number of claims. ``by=None`` is the command line."""
    require(
        by=by,
        newsroom_id=draft.newsroom_id,
        capability=Capability.LOAD_DRAFT,
        message=f"Your role in {draft.newsroom} does not allow loading a new version.",
    )
    upload = file if isinstance(file, Upload) or file is None else Upload(filename, file)
    read = draft_text_read(text=text, upload=upload, url=url)
    with transaction.atomic():
        return _load(draft, by, read, source, filename or read.filename)


def _load(
    draft: Draft, by: User | None, read: DraftText, source: str, filename: str
) -> RevisionLoaded:
    # Every claim of the draft, then the draft: whatever a click holds, it took in that order.
    list(
        Claim.objects.select_for_update(of=("self",))
        .filter(draft_id=draft.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    locked = (
        Draft.objects.select_related("newsroom").select_for_update(of=("self",)).get(pk=draft.pk)
    )
    if locked.archived_at is not None:
        raise DraftInputError("This draft is archived: restore it before loading a new version.")
    previous = Revision.objects.filter(draft=locked).order_by("-number").first()
    if previous is None:  # drafts are created with their first revision, in one transaction
        raise Revision.DoesNotExist(f"Draft {locked.pk} has no revision.")
    old_units = list(
        Sentence.objects.filter(revision=previous)
        .order_by("index")
        .values_list("pk", "index", "start", "end", "suggestion_dismissed")
    )
    # Read (and locked) again after the draft's lock: a claim marked just before it is here too.
    claims = list(
        Claim.objects.select_for_update(of=("self",))
        .filter(revision=previous, anchor=A.ANCHORED)
        .order_by("start", "end", "pk")
    )
    orphans = list(
        Claim.objects.filter(draft=locked, anchor=A.ORPHANED)
        .exclude(revision=previous)
        .order_by("pk")
    )

    revision = Revision.objects.create(
        draft=locked,
        number=previous.number + 1,
        text=read.text,
        source=source,
        filename=filename[:255],
        source_url=read.source_url,
        byline=read.byline,
        created_by=by,
    )
    sentences_store(revision=revision, units=read.units)
    new_pks = dict(Sentence.objects.filter(revision=revision).values_list("index", "pk"))
    new_units = [(u.start, u.end) for u in read.units]
    old_index = {pk: index for pk, index, _, _, _ in old_units}

    placements = reanchor(
        previous.text,
        [(start, end) for _, _, start, end, _ in old_units],
        read.text,
        new_units,
        [(c.start, c.end) for c in claims],
    )
    now = timezone.now()
    # What each claim was, for its history entry: _apply changes them in place.
    before = {c.pk: _Before(c.text, c.status, old_index.get(c.sentence_id, -1)) for c in claims}
    moved = _apply(claims, placements, previous, revision, read, new_pks, now)
    _refresh_orphans(orphans, revision, read, new_pks)
    for claim in [*claims, *orphans]:
        claim.draft = locked
    _store(claims + orphans, now)
    _carry_dismissed_suggestions(previous.text, old_units, read, new_pks)
    Draft.objects.filter(pk=locked.pk).update(updated_at=now)

    result = RevisionLoaded(
        revision=revision,
        kept=tuple(c for c in claims if moved[c.pk] == "kept"),
        changed=tuple(c for c in claims if moved[c.pk] == "changed"),
        removed=tuple(c for c in claims if moved[c.pk] == "removed"),
        orphaned=tuple(c for c in claims if moved[c.pk] == "orphaned"),
    )
    who = by.get_username() if by is not None else "the command line"
    entries = [
        audit_entry(
            obj=locked,
            action="revision_loaded",
            actor=by,
            summary=f"Revision {revision.number} loaded by {who}: {result.summary}",
            newsroom_id=locked.newsroom_id,
            draft_id=locked.pk,
            # The counts too, for the list of revisions (drafts.selectors.draft_revisions).
            changes={
                "revision": (previous.number, revision.number),
                **{outcome: (None, n) for outcome, n in result.counts().items()},
            },
        )
    ]
    entries += _claim_entries(result, previous.number, before, new_pks, by)
    audit_record_many(entries)

    # The analysis first (it drops the findings of the text that is gone), then tasks and
    # clearance once, on the claims whose state changed (kept ones changed nothing of theirs).
    revision.draft = locked
    events.emit(events.RevisionImported(revision=revision, units=len(read.units)))
    touched = (*result.changed, *result.removed, *result.orphaned)
    if touched:
        events.emit(events.ClaimsChanged(claims=touched, by=by, locked_draft=locked))
    return result


def _apply(
    claims: Sequence[Claim],
    placements: Sequence[Placement],
    previous: Revision,
    revision: Revision,
    read: DraftText,
    new_pks: dict[int, int],
    now: Any,
) -> dict[int, str]:
    """Set each claim's new fields from its placement (not saved); the outcome of each, by pk.

    Two claims may land on one span (two sentences joined into one): the unique span of a
    revision keeps the first, kept before changed and live before dismissed; the other is an
    orphan with that unit as its likely place, for an editor to settle."""
    outcome: dict[int, str] = {}
    taken: set[tuple[int, int]] = set()
    order = sorted(
        range(len(claims)),
        key=lambda i: (placements[i].outcome != "kept", claims[i].status == S.DISMISSED, i),
    )
    for i in order:
        claim, placement = claims[i], placements[i]
        result = placement.outcome
        candidates = [new_pks[u] for u in placement.candidates if u in new_pks]
        if result in ("kept", "changed"):
            span = _span(placement, read)
            if span is None or span in taken:
                result = "orphaned"
                unit = placement.unit
                candidates = [new_pks[unit]] if unit is not None and unit in new_pks else []
            else:
                taken.add(span)
                assert placement.unit is not None  # _span checked it
                _move(claim, result, previous, revision, new_pks[placement.unit], span, read.text)
        if result == "removed":
            claim.anchor, claim.anchor_candidates = A.ARCHIVED, []
            claim.version += 1
        elif result == "orphaned":
            claim.anchor, claim.anchor_candidates = A.ORPHANED, candidates
            claim.version += 1
        claim.updated_at = now
        outcome[claim.pk] = result
    return outcome


def _span(placement: Placement, read: DraftText) -> tuple[int, int] | None:
    """The placement's span, if it is a real one inside its unit (else None: an orphan)."""
    unit, start, end = placement.unit, placement.start, placement.end
    if unit is None or start is None or end is None or not 0 <= unit < len(read.units):
        return None
    u = read.units[unit]
    if not u.start <= start < end <= u.end:
        return None
    return start, end


def _move(
    claim: Claim,
    outcome: str,
    previous: Revision,
    revision: Revision,
    sentence_id: int,
    span: tuple[int, int],
    text: str,
) -> None:
    old_words = previous.text[claim.start : claim.end]
    new_words = text[span[0] : span[1]]
    # The wording follows the text unless an editor rewrote it (claim_edit): then it is theirs.
    follows = claim.text == old_words
    claim.revision, claim.sentence_id = revision, sentence_id
    claim.start, claim.end = span
    claim.anchor, claim.anchor_candidates = A.ANCHORED, []
    if outcome == "kept":
        if follows:
            claim.text = new_words  # the same words; white space or quote marks may differ
        return
    if claim.status in CHECKED:
        # The wording the verdict was about: the first one changed, until a verdict is approved
        # on the new words. An unchecked claim has no verdict to lose: its words just follow.
        claim.checked_text = claim.checked_text if claim.changed_since_checked else claim.text
        claim.changed_since_checked = True
        if claim.status in (S.APPROVED, S.PROPOSED):
            claim.status = S.PROPOSED
    claim.text = new_words
    claim.version += 1


def _refresh_orphans(
    orphans: Sequence[Claim], revision: Revision, read: DraftText, new_pks: dict[int, int]
) -> None:
    """Match orphans of earlier versions against the new one from their own revision's text,
    only to renew their likely units (two queries whatever their number)."""
    if not orphans:
        return
    revision_ids = {c.revision_id for c in orphans}
    texts = dict(Revision.objects.filter(pk__in=revision_ids).values_list("pk", "text"))
    units: dict[int, list[tuple[int, int]]] = {}
    for revision_id, start, end in (
        Sentence.objects.filter(revision_id__in=revision_ids)
        .order_by("revision_id", "index")
        .values_list("revision_id", "start", "end")
    ):
        units.setdefault(revision_id, []).append((start, end))
    new_units = [(u.start, u.end) for u in read.units]
    for revision_id in revision_ids:
        group = [c for c in orphans if c.revision_id == revision_id]
        placements = reanchor(
            texts[revision_id],
            units.get(revision_id, []),
            read.text,
            new_units,
            [(c.start, c.end) for c in group],
        )
        for claim, placement in zip(group, placements, strict=True):
            claim.anchor_candidates = _candidates(placement, new_pks)


def _candidates(placement: Placement, new_pks: dict[int, int]) -> list[int]:
    """The sentence ids an orphan may belong to, best first: the unit a match names, else the
    candidates of an ambiguous one."""
    if placement.outcome in ("kept", "changed") and placement.unit is not None:
        units: Iterable[int] = [placement.unit]
    else:
        units = placement.candidates
    return [new_pks[u] for u in units if u in new_pks]


# The columns re-anchoring writes, for every claim it touches.
_WRITTEN = (
    "revision",
    "sentence",
    "start",
    "end",
    "text",
    "status",
    "anchor",
    "anchor_candidates",
    "changed_since_checked",
    "checked_text",
    "version",
    "updated_at",
)


def _store(claims: Sequence[Claim], now: Any) -> None:
    """Write the claims' :data:`_WRITTEN` columns in one statement whatever their number: on
    PostgreSQL one ``UPDATE … FROM unnest(…)`` of one array per column (one round trip); else
    one prepared UPDATE that ``executemany`` runs for each claim (SQLite does that in C).
    ``bulk_update`` builds a CASE per column and splits into batches on SQLite, which would make
    the load's queries grow with the draft's claims."""
    if not claims:
        return
    fields = [f for f in Claim._meta.concrete_fields if f.name in _WRITTEN]
    quote = connection.ops.quote_name
    table = quote(Claim._meta.db_table)
    for claim in claims:
        claim.updated_at = now
    values = [
        [f.get_db_prep_save(getattr(claim, f.attname), connection) for f in fields]
        for claim in claims
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            pk = Claim._meta.pk
            assert pk is not None
            arrays = ", ".join(f"CAST(%s AS {f.db_type(connection)}[])" for f in [pk, *fields])
            names = ", ".join(f"c{i}" for i in range(len(fields) + 1))
            sets = ", ".join(f"{quote(f.column)} = u.c{i}" for i, f in enumerate(fields, 1))
            columns = [[claim.pk for claim in claims]]
            columns += [[row[i] for row in values] for i in range(len(fields))]
            cursor.execute(
                f"UPDATE {table} SET {sets} FROM unnest({arrays}) AS u({names}) "  # noqa: S608
                f"WHERE {table}.{quote(pk.column)} = u.c0",
                columns,
            )
        else:
            sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
            cursor.executemany(
                f"UPDATE {table} SET {sets} WHERE id = %s",  # noqa: S608
                [[*row, claim.pk] for row, claim in zip(values, claims, strict=True)],
            )


def _carry_dismissed_suggestions(
    old_text: str,
    old_units: Sequence[tuple[int, int, int, int, bool]],
    read: DraftText,
    new_pks: dict[int, int],
) -> None:
    """A suggestion an editor dismissed stays dismissed in the new version where its sentence
    is unchanged (the same words, white space and quote marks aside)."""
    dismissed = {
        normalised_words(old_text[start:end])
        for _, _, start, end, was_dismissed in old_units
        if was_dismissed
    }
    if not dismissed:
        return
    rows = [
        [True, new_pks[u.index]]
        for u in read.units
        if normalised_words(read.text[u.start : u.end]) in dismissed
    ]
    if not rows:
        return
    table = connection.ops.quote_name(Sentence._meta.db_table)
    column = connection.ops.quote_name("suggestion_dismissed")
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE id = %s", rows)  # noqa: S608


@dataclass(frozen=True, slots=True)
class _Before:
    """A claim as it was in the previous revision."""

    text: str
    status: str
    index: int  # its sentence's


def _claim_entries(
    result: RevisionLoaded,
    previous: int,
    before: dict[int, _Before],
    new_pks: dict[int, int],
    by: User | None,
) -> list[AuditEntry]:
    """One history entry per claim of the previous revision (number ``previous``), saying
    where it went."""
    n = result.revision.number
    new_index = {pk: index for index, pk in new_pks.items()}
    entries = []

    def entry(claim: Claim, action: str, what: str, changes: dict[str, Any]) -> AuditEntry:
        return audit_entry(
            obj=claim,
            action=action,
            actor=by,
            summary=f"Claim “{short(before[claim.pk].text, 60)}”: {what}",
            newsroom_id=claim.draft.newsroom_id,
            draft_id=claim.draft_id,
            changes={"revision": (previous, n), **changes},
        )

    def was(claim: Claim) -> str:
        return f"sentence {before[claim.pk].index} of revision {previous}"

    def now(claim: Claim) -> str:
        return f"sentence {new_index.get(claim.sentence_id, '?')}"

    for claim in result.kept:
        entries.append(
            entry(claim, "moved", f"Kept in revision {n}, {now(claim)} (was {was(claim)})", {})
        )
    for claim in result.changed:
        old = before[claim.pk]
        what = f"Its words changed in revision {n}, {now(claim)} (was {was(claim)})"
        changes: dict[str, Any] = {"text": (old.text, claim.text)}
        if old.status in (S.APPROVED, S.PROPOSED):
            what += "; the verdict goes back to review"
            changes["status"] = (old.status, claim.status)
        entries.append(entry(claim, "changed", what, changes))
    for claim in result.removed:
        what = f"Archived: its sentence ({was(claim)}) is gone from revision {n}"
        entries.append(entry(claim, "archived", what, {"anchor": (A.ANCHORED, A.ARCHIVED)}))
    for claim in result.orphaned:
        likely = [new_index[pk] for pk in claim.anchor_candidates if pk in new_index]
        hint = f" (likely sentence {', '.join(map(str, likely))})" if likely else ""
        what = (
            f"Orphaned in revision {n}: no sure match{hint}; it stays on {was(claim)} until an "
            "editor attaches or archives it"
        )
        entries.append(entry(claim, "orphaned", what, {"anchor": (A.ANCHORED, A.ORPHANED)}))
    return entries


# --- An editor's hand on orphans and archived claims --------------------------------------------


@transaction.atomic
def claim_attach(
    *, claim: Claim, sentence: Sentence, by: User | None, expected_version: int | None = None
) -> Done[Claim]:
    """Attach an orphaned or archived claim to ``sentence``, a unit of its draft's latest
    revision: the claim becomes that whole unit. Where the words differ from the claim's, it is
    changed since checked, as a changed claim of a new version is. A claim already on that unit
    is returned unchanged (a repeated click)."""
    current = _locked(claim)
    _require(by, current)
    latest = (
        Revision.objects.filter(draft_id=current.draft_id)
        .order_by("-number")
        .only("pk", "number", "text")
        .first()
    )
    if latest is None or sentence.revision_id != latest.pk:
        raise FactcheckError("Attach the claim to a sentence of the draft's latest version.")
    if current.anchor == A.ANCHORED:
        if current.sentence_id == sentence.pk:
            return Done(current, False)
        raise FactcheckError("This claim is in the text already; only orphans are attached.")
    _refuse_stale(current, expected_version)
    if sentence.kind == Sentence.Kind.BOILERPLATE:
        raise FactcheckError("That text is site furniture (boilerplate), which is not checked.")
    clash = (
        Claim.objects.filter(revision=latest, start=sentence.start, end=sentence.end)
        .only("pk", "text")
        .first()
    )
    if clash is not None:
        raise FactcheckError(
            f"Sentence {sentence.index} is already the claim “{short(clash.text, 60)}”: archive "
            "this one, or attach it to another sentence."
        )
    words = latest.text[sentence.start : sentence.end]
    values: dict[str, Any] = {
        "revision": latest,
        "sentence": sentence,
        "start": sentence.start,
        "end": sentence.end,
        "anchor": A.ANCHORED,
        "anchor_candidates": [],
    }
    changes: dict[str, tuple[Any, Any]] = {
        "anchor": (current.anchor, A.ANCHORED),
        "revision": (current.revision.number, latest.number),
        "sentence": (current.sentence.index, sentence.index),
    }
    what = f"Attached by hand to sentence {sentence.index} of revision {latest.number}"
    if not same_words(words, current.text):
        values["text"] = words
        changes["text"] = (current.text, words)
        if current.status in CHECKED:
            values["changed_since_checked"] = True
            values["checked_text"] = (
                current.checked_text if current.changed_since_checked else current.text
            )
            if current.status in (S.APPROVED, S.PROPOSED):
                values["status"] = S.PROPOSED
                changes["status"] = (current.status, S.PROPOSED)
                what += "; its words differ, so the verdict goes back to review"
    attached = claim_save(current, by, values, changes, action="attached", summary=what)
    return Done(attached, True)


@transaction.atomic
def claim_archive(
    *, claim: Claim, by: User | None, expected_version: int | None = None
) -> Done[Claim]:
    """Archive an orphan: its place is gone for good. Kept, visible and restorable; it no longer
    blocks clearance. One archived already is left as it is."""
    current = _locked(claim)
    _require(by, current)
    if current.anchor == A.ARCHIVED:
        return Done(current, False)
    if current.anchor != A.ORPHANED:
        raise FactcheckError(
            "Only a claim that lost its place in the text is archived; dismiss this one instead."
        )
    _refuse_stale(current, expected_version)
    changes = {"anchor": (current.anchor, A.ARCHIVED)}
    values = {"anchor": A.ARCHIVED, "anchor_candidates": []}
    return Done(
        claim_save(current, by, values, changes, action="archived", summary="Archived by hand"),
        True,
    )


@transaction.atomic
def claim_unarchive(
    *, claim: Claim, by: User | None, expected_version: int | None = None
) -> Done[Claim]:
    """Bring an archived claim back as an orphan, its likely units in the latest version found
    again, for an editor to attach. One that is not archived is left as it is."""
    current = _locked(claim)
    _require(by, current)
    if current.anchor != A.ARCHIVED:
        return Done(current, False)
    _refuse_stale(current, expected_version)
    values = {"anchor": A.ORPHANED, "anchor_candidates": _likely_units(current)}
    changes = {"anchor": (current.anchor, A.ORPHANED)}
    what = "Restored from the archive; an orphan until an editor attaches it"
    return Done(claim_save(current, by, values, changes, action="unarchived", summary=what), True)


def _likely_units(claim: Claim) -> list[int]:
    """The units of the latest revision ``claim`` may belong to (sentence ids, best first)."""
    latest = Revision.objects.filter(draft_id=claim.draft_id).order_by("-number").first()
    if latest is None:
        return []
    own = Revision.objects.only("text").get(pk=claim.revision_id)
    units: dict[int, list[tuple[int, int, int]]] = {}
    for revision_id, pk, start, end in (
        Sentence.objects.filter(revision_id__in=[own.pk, latest.pk])
        .order_by("revision_id", "index")
        .values_list("revision_id", "pk", "start", "end")
    ):
        units.setdefault(revision_id, []).append((pk, start, end))
    new = units.get(latest.pk, [])
    (placement,) = reanchor(
        own.text,
        [(start, end) for _, start, end in units.get(own.pk, [])],
        latest.text,
        [(start, end) for _, start, end in new],
        [(claim.start, claim.end)],
    )
    return _candidates(placement, {i: pk for i, (pk, _, _) in enumerate(new)})


def _locked(claim: Claim) -> Claim:
    """The claim's row, locked (its draft, revision number and sentence read with it, not
    locked: a draft is locked after its claims)."""
    return (
        Claim.objects.select_related("draft", "revision", "sentence")
        .defer("revision__text")  # megabytes, and only the number is shown
        .select_for_update(of=("self",))
        .get(pk=claim.pk)
    )


def _refuse_stale(claim: Claim, expected_version: int | None) -> None:
    refuse_stale(claim, expected_version, lambda c: c.get_anchor_display().lower())


def _require(by: User | None, claim: Claim) -> None:
    require(by=by, newsroom_id=claim.draft.newsroom_id, capability=Capability.MARK_CLAIMS)
