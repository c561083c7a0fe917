"""The "what changed" page of a draft: two of its revisions compared sentence by sentence, with
the claims (status, verdict, old and new wording) and the findings beside their sentences.

The rows come from :func:`factcheck.analysis.revdiff.revision_diff` (the alignment the claims
followed when the newer version was loaded, so the page and the claims agree on which sentence
became which). Claims are shown where they stand now (a claim has no copy per revision):

- the claims on the "to" revision's units, beside those units' rows;
- the claims a newer version set adrift (orphaned or archived) that were left on a unit of the
  "from" revision, beside the row of that unit (a removed row, usually).

Findings are per revision: the "to" revision's beside both of their sentences, the "from"
revision's (the decided ones a new version keeps) beside its sentences that were removed.

A fixed number of queries whatever the draft's size (the revisions, their two texts, their
units, the claims, the findings): pinned in tests/insights/test_diff.py. Plain reads; it sits
in the insights layer because it reads findings as well as claims.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from factcheck.analysis.revdiff import Piece, Row, revision_diff
from factcheck.claims.models import Claim
from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.insights.models import Finding

__all__ = ["DiffPage", "DiffRow", "RevisionChoice", "draft_diff"]

# Unchanged sentences shown on each side of a change when the page shows only the changes.
CONTEXT = 1

KIND_LABELS: dict[str, str] = {
    "same": "Unchanged",
    "added": "Added",
    "removed": "Removed",
    "edited": "Edited",
    "moved": "Moved",
}

# The claim columns the page shows: the rest (rationale, who, when) is on the claim's page.
_CLAIM_FIELDS = (
    "pk",
    "draft_id",
    "revision_id",
    "sentence_id",
    "start",
    "end",
    "text",
    "status",
    "verdict",
    "anchor",
    "changed_since_checked",
    "checked_text",
)
_FINDING_FIELDS = (
    "pk",
    "revision_id",
    "kind",
    "summary",
    "what",
    "status",
    "sentence_a_id",
    "sentence_b_id",
)


@dataclass(frozen=True, slots=True)
class RevisionChoice:
    """A revision as the page's "from" and "to" choices name it."""

    number: int
    loaded_at: datetime
    loaded_by: str | None


@dataclass
class DiffRow:
    """One line of the page. ``kind`` is a revdiff row's kind, or ``"gap"`` for a run of
    ``hidden`` unchanged sentences the page leaves out (only the changes are shown).

    ``text`` is the sentence as it reads now (the old one for a removed row); ``pieces`` are the
    words of an edited (or moved and edited) sentence, each ``(op, text)`` with op ``equal``,
    ``delete`` or ``insert``."""

    kind: str
    old: int | None = None
    new: int | None = None
    text: str = ""
    unit_kind: str = Sentence.Kind.SENTENCE
    pieces: tuple[Piece, ...] = ()
    joined: tuple[int, ...] = ()
    claims: list[Claim] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    hidden: int = 0

    @property
    def label(self) -> str:
        if self.kind == "moved" and self.pieces:
            return "Moved and edited"
        return KIND_LABELS.get(self.kind, "")

    @property
    def marked(self) -> list[tuple[str, str, str]]:
        """The pieces as ``(op, words, space)``: the white space after a taken-out or put-in run
        is left outside its mark, so the mark covers the words alone."""
        out: list[tuple[str, str, str]] = []
        for op, text in self.pieces:
            words = text.rstrip() if op != "equal" else text
            out.append((op, words, text[len(words) :]))
        return out

    @property
    def anchor(self) -> str:
        """The row's id on the page: ``n-<unit>`` of the "to" revision, ``o-<unit>`` of the
        "from" one for a removed row."""
        return f"n-{self.new}" if self.new is not None else f"o-{self.old}"

    @property
    def changed(self) -> bool:
        return self.kind not in ("same", "gap")


@dataclass
class DiffPage:
    draft: Draft
    old: RevisionChoice
    new: RevisionChoice
    latest: int  # the latest revision's number
    revisions: list[RevisionChoice]  # newest first
    rows: list[DiffRow]
    show_all: bool
    counts: dict[str, int]  # rows by kind: added, removed, edited, moved, same

    @property
    def query(self) -> str:
        """The two revisions as the page's query string."""
        return f"from={self.old.number}&to={self.new.number}"

    @property
    def same_revision(self) -> bool:
        return self.old.number == self.new.number

    @property
    def changes(self) -> int:
        return sum(n for kind, n in self.counts.items() if kind != "same")

    @property
    def summary(self) -> str:
        """“2 added, 1 removed, 1 edited, 0 moved”."""
        kinds = ("added", "removed", "edited", "moved")
        return ", ".join(f"{self.counts.get(k, 0)} {k}" for k in kinds)


def draft_diff(
    draft: Draft,
    *,
    old_number: int | None = None,
    new_number: int | None = None,
    show_all: bool = False,
    context: int = CONTEXT,
) -> DiffPage:
    """The page comparing revision ``old_number`` of ``draft`` with ``new_number``.

    By default ``new_number`` is the latest revision and ``old_number`` the one before
    ``new_number`` (itself, for a draft's first). Both may be any revision of the draft, in
    either order, or the same one. A number the draft has no revision of raises
    :class:`Revision.DoesNotExist`. ``show_all=False`` keeps the changed rows with ``context``
    unchanged sentences around each; the rest are folded into ``gap`` rows. Five queries."""
    choices = _revisions(draft)
    by_number = {choice.number: choice for choice in choices}
    latest = choices[0].number  # a draft is created with its first revision
    new = new_number if new_number is not None else latest
    old = old_number if old_number is not None else (new - 1 if new > 1 else new)
    if old not in by_number or new not in by_number:
        raise Revision.DoesNotExist(f"Draft {draft.pk} has no revision {old} or {new}.")

    texts = {
        number: (pk, text)
        for pk, number, text in Revision.objects.filter(
            draft=draft, number__in={old, new}
        ).values_list("pk", "number", "text")
    }
    old_pk, old_text = texts[old]
    new_pk, new_text = texts[new]
    units: dict[int, list[tuple[int, int, int, str]]] = {old_pk: [], new_pk: []}
    for revision_id, pk, start, end, kind in (
        Sentence.objects.filter(revision_id__in={old_pk, new_pk})
        .order_by("revision_id", "index")
        .values_list("revision_id", "pk", "start", "end", "kind")
    ):
        units[revision_id].append((pk, start, end, kind))
    old_units, new_units = units[old_pk], units[new_pk]

    rows = _rows(old_text, old_units, new_text, new_units)
    _place_claims(rows, draft, old_pk, old_units, new_pk, new_units)
    _place_findings(rows, old_pk, old_units, new_pk, new_units)
    counts = {kind: 0 for kind in KIND_LABELS}
    for row in rows:
        counts[row.kind] += 1
    return DiffPage(
        draft=draft,
        old=by_number[old],
        new=by_number[new],
        latest=latest,
        revisions=choices,
        rows=rows if show_all else _fold(rows, context),
        show_all=show_all,
        counts=counts,
    )


def _revisions(draft: Draft) -> list[RevisionChoice]:
    """Every revision of the draft, newest first, without its text (one query)."""
    return [
        RevisionChoice(number, at, by)
        for number, at, by in Revision.objects.filter(draft=draft)
        .order_by("-number")
        .values_list("number", "created_at", "created_by__username")
    ]


def _rows(
    old_text: str,
    old_units: Sequence[tuple[int, int, int, str]],
    new_text: str,
    new_units: Sequence[tuple[int, int, int, str]],
) -> list[DiffRow]:
    if old_text == new_text and [u[1:3] for u in old_units] == [u[1:3] for u in new_units]:
        # One revision with itself (or an identical copy): every sentence unchanged.
        diff = [Row("same", i, i) for i in range(len(new_units))]
    else:
        diff = revision_diff(
            old_text,
            [(start, end) for _, start, end, _ in old_units],
            new_text,
            [(start, end) for _, start, end, _ in new_units],
        )
    rows = []
    for row in diff:
        if row.new is not None:
            _, start, end, kind = new_units[row.new]
            text = new_text[start:end]
        else:
            assert row.old is not None  # a row is a unit of one side or the other
            _, start, end, kind = old_units[row.old]
            text = old_text[start:end]
        rows.append(
            DiffRow(
                kind=row.kind,
                old=row.old,
                new=row.new,
                text=text,
                unit_kind=kind,
                pieces=row.pieces,
                joined=row.joined,
            )
        )
    return rows


def _place_claims(
    rows: list[DiffRow],
    draft: Draft,
    old_pk: int,
    old_units: Sequence[tuple[int, int, int, str]],
    new_pk: int,
    new_units: Sequence[tuple[int, int, int, str]],
) -> None:
    """The live claims of the "to" revision beside its units; those a newer version set adrift
    from the "from" revision beside the row holding their old unit (one query)."""
    new_row = {row.new: row for row in rows if row.new is not None}
    old_row: dict[int, DiffRow] = {}
    for row in rows:
        for i in (row.old, *row.joined):
            if i is not None:
                old_row.setdefault(i, row)
    new_index = {pk: i for i, (pk, *_) in enumerate(new_units)}
    old_index = {pk: i for i, (pk, *_) in enumerate(old_units)}
    where = Q(revision_id=new_pk)
    if old_pk != new_pk:
        where |= Q(revision_id=old_pk) & ~Q(anchor=Claim.Anchor.ANCHORED)
    claims = (
        Claim.objects.filter(where, draft=draft)
        .exclude(status=Claim.Status.DISMISSED)
        .order_by("start", "end", "pk")
        .only(*_CLAIM_FIELDS)
    )
    for claim in claims:
        if claim.revision_id == new_pk:
            beside = new_row.get(new_index.get(claim.sentence_id, -1))
        else:
            beside = old_row.get(old_index.get(claim.sentence_id, -1))
        if beside is not None:
            beside.claims.append(claim)


def _place_findings(
    rows: list[DiffRow],
    old_pk: int,
    old_units: Sequence[tuple[int, int, int, str]],
    new_pk: int,
    new_units: Sequence[tuple[int, int, int, str]],
) -> None:
    """The "to" revision's findings beside both their sentences; the "from" revision's beside
    its sentences that are gone (one query)."""
    rows_of: dict[int, DiffRow] = {}  # sentence id -> row
    for row in rows:
        if row.new is not None:
            rows_of[new_units[row.new][0]] = row
        elif old_pk != new_pk and row.old is not None:
            rows_of[old_units[row.old][0]] = row
    findings = (
        Finding.objects.filter(revision_id__in={old_pk, new_pk})
        .order_by("pk")
        .only(*_FINDING_FIELDS)
    )
    for finding in findings:
        shown: set[int] = set()
        for sentence_id in (finding.sentence_a_id, finding.sentence_b_id):
            beside = rows_of.get(sentence_id)
            if beside is not None and id(beside) not in shown:
                shown.add(id(beside))
                beside.findings.append(finding)


def _fold(rows: list[DiffRow], context: int) -> list[DiffRow]:
    """The changed rows and ``context`` rows either side of each; each run of the others as one
    ``gap`` row counting them. A row with a claim set adrift is always shown."""
    keep = [False] * len(rows)
    for i, row in enumerate(rows):
        if row.changed or any(not c.is_anchored for c in row.claims):
            for j in range(max(0, i - context), min(len(rows), i + context + 1)):
                keep[j] = True
    folded: list[DiffRow] = []
    for row, kept in zip(rows, keep, strict=True):
        if kept:
            folded.append(row)
        elif folded and folded[-1].kind == "gap":
            folded[-1].hidden += 1
        else:
            # Where the run starts, for a link to it on the whole page.
            folded.append(DiffRow(kind="gap", old=row.old, new=row.new, hidden=1))
    return folded
