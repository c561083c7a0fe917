"""Reads for drafts: the dashboard list, the draft page's layout and the export."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)

from factcheck.analysis import checkworthiness
from factcheck.analysis.anchor import quote_selector
from factcheck.claims.models import Claim, EvidenceLink
from factcheck.drafts.access import drafts_for
from factcheck.drafts.models import Draft, ReaderSettings, Revision, Sentence
from factcheck.history.models import AuditEntry
from factcheck.insights.models import Finding
from factcheck.newsrooms.models import Newsroom
from factcheck.reviews.models import Task
from factcheck.sources.models import Evidence

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def dashboard_drafts(user: User | AnonymousUser) -> QuerySet[Draft]:
    """The user's drafts with their newsroom and live claim count, newest first."""
    return (
        drafts_for(user)
        .select_related("newsroom")
        .annotate(
            claim_count=Count("claims", filter=~Q(claims__status=Claim.Status.DISMISSED)),
            revision_number=Subquery(
                Revision.objects.filter(draft=OuterRef("pk"))
                .order_by("-number")
                .values("number")[:1]
            ),
        )
    )


@dataclass(frozen=True)
class RevisionRow:
    """A revision as the draft's list of revisions shows it. ``outcome``: what loading it did
    to the previous revision's claims (kept, changed, removed, orphaned: from its history
    entry), empty for the first."""

    number: int
    loaded_at: datetime
    loaded_by: str | None
    source: str
    filename: str
    units: int
    outcome: dict[str, int]


def draft_revisions(draft: Draft) -> list[RevisionRow]:
    """The draft's revisions, newest first, with who loaded each and when (two queries; their
    texts unread)."""
    outcomes = {
        entry["revision"][1]: {k: v[1] for k, v in entry.items() if k != "revision"}
        for entry in AuditEntry.objects.filter(
            draft=draft, object_type="draft", action="revision_loaded"
        ).values_list("changes", flat=True)
        if isinstance(entry, dict) and "revision" in entry
    }
    rows = (
        Revision.objects.filter(draft=draft)
        .annotate(units=Count("sentences"))
        .order_by("-number")
        .values_list("number", "created_at", "created_by__username", "source", "filename", "units")
    )
    return [
        RevisionRow(number, at, by, source, filename, units, outcomes.get(number, {}))
        for number, at, by, source, filename, units in rows
    ]


def latest_revision(draft: Draft) -> Revision:
    revision = draft.revisions.order_by("-number").first()
    if revision is None:  # drafts are created with their first revision, in one transaction
        raise Revision.DoesNotExist(f"Draft {draft.pk} has no revision.")
    return revision


# The suggestions panel lists this many (the units themselves are marked on the page, and
# "Confirm all" takes every one): a list of hundreds helps nobody and costs the page its speed.
SUGGESTIONS_LISTED = 30
# The findings panel lists this many, the likeliest first; the rest wait in the review queue.
FINDINGS_LISTED = 25


@dataclass
class Piece:
    text: str
    marked: bool = False  # inside a claim's span
    part: str = ""  # the type of the checkable part it is in ("number", "quote"…), if any
    part_id: int = -1  # which part: consecutive pieces of one part share one highlight


@dataclass
class UnitView:
    """A unit as the draft page shows it."""

    index: int
    kind: str
    start: int
    end: int
    gap: str  # the text between the previous unit of the block and this one, as written
    pieces: list[Piece]
    claim: Claim | None = None  # the whole-sentence claim, if marked
    score: float | None = None  # check-worthiness, 0-1 (None until analysed)
    speaker: str = ""  # who the direct quote in it is credited to
    suggested: bool = False  # scores above the threshold, no claim, not dismissed
    suggestion_dismissed: bool = False  # would be suggested, but an editor dismissed it
    parts: str = ""  # every checkable part, compact, for the browser to paint: see _parts_data
    claim_status: str = ""  # the status of its first claim (whole or span), if any

    @property
    def checkable(self) -> bool:
        return self.kind != Sentence.Kind.BOILERPLATE


@dataclass
class BlockView:
    kind: str  # the block's kind when all its units share one, else "sentence"
    units: list[UnitView] = field(default_factory=list)


@dataclass
class Suggestion:
    """A suggested (or dismissed) claim as the suggestions panel lists it."""

    index: int
    text: str
    score: float


@dataclass
class FindingsSummary:
    """The draft page's findings panel: the open ones, and how many were settled."""

    open: list[Finding] = field(default_factory=list)
    dismissed: int = 0
    tasked: int = 0

    @property
    def listed(self) -> list[Finding]:
        """The likeliest :data:`FINDINGS_LISTED` open ones: the panel lists no more."""
        return self.open[:FINDINGS_LISTED]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A unit of the latest revision an orphaned claim may belong to."""

    index: int
    text: str


@dataclass
class AdriftClaim:
    """An orphaned or archived claim as the draft page's panel lists it."""

    pk: int
    version: int
    text: str
    status: str
    verdict: str
    anchor: str
    revision: int  # the number of the revision it stays on
    sentence: int  # its unit's index there
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def orphaned(self) -> bool:
        return self.anchor == Claim.Anchor.ORPHANED

    @property
    def status_label(self) -> str:
        return str(Claim.Status(self.status).label)


@dataclass
class DraftPage:
    revision: Revision
    blocks: list[BlockView]
    claims: list[Claim]
    unit_count: int
    boilerplate_count: int
    threshold: float = 1.0
    suggestions: list[Suggestion] = field(default_factory=list)  # the first SUGGESTIONS_LISTED
    suggestion_count: int = 0
    dismissed_suggestions: list[Suggestion] = field(default_factory=list)
    dismissed_count: int = 0
    findings: FindingsSummary = field(default_factory=FindingsSummary)
    # The claims a new version left without a place (orphaned) or whose sentence it removed
    # (archived): listed beside the latest revision, never drawn in its text. Empty when the
    # page shows an older revision (read-only).
    adrift: list[AdriftClaim] = field(default_factory=list)
    latest: bool = True  # the page shows the draft's latest revision (else: read-only)

    @property
    def analysing(self) -> bool:
        return self.revision.analysis in (Revision.Analysis.PENDING, Revision.Analysis.RUNNING)


@dataclass(slots=True)
class _Unit:
    """The columns of a :class:`Sentence` that the page shows: read as rows, not model
    instances (a draft has hundreds of units and instances cost the page its budget)."""

    pk: int
    index: int
    start: int
    end: int
    kind: str
    block: int
    score: float | None
    spans: list[list[Any]]
    speaker: str
    suggestion_dismissed: bool

    @classmethod
    def of(cls, sentence: Sentence) -> _Unit:
        return cls(*(getattr(sentence, name) for name in _UNIT_COLUMNS))


_UNIT_COLUMNS = tuple(f.name for f in fields(_Unit))


def suggestion_threshold(newsroom: Newsroom) -> float:
    """The newsroom's threshold, or the model's own when the newsroom has not set one."""
    if newsroom.suggestion_threshold is not None:
        return newsroom.suggestion_threshold
    return checkworthiness.load().threshold


def reader_highlights(user: User | AnonymousUser) -> frozenset[str]:
    """The part types ``user`` has the draft page highlight (none until they choose)."""
    if not user.is_authenticated:
        return frozenset()
    found = ReaderSettings.objects.filter(user=user).values_list("highlights", flat=True)
    return ReaderSettings(highlights=next(iter(found), "")).kinds


def draft_page(
    draft: Draft, highlights: frozenset[str] = frozenset(), revision: Revision | None = None
) -> DraftPage:
    """Everything the draft page renders, in a fixed number of queries. The parts of the types
    in ``highlights`` are cut into the units' text; every part of every type is also in
    ``UnitView.parts``, for the browser to paint when the reader switches a type on.

    The draft's latest revision, with the claims a new version set adrift; or ``revision``, an
    older one, as it was read (its own claims are those that stayed on it: the others moved on
    with the text)."""
    latest = revision is None
    if revision is None:
        revision = latest_revision(draft)
    sentences = [_Unit(*row) for row in revision.sentences.values_list(*_UNIT_COLUMNS)]
    claims, by_sentence = _claims_by_sentence(revision)
    threshold = suggestion_threshold(draft.newsroom)

    text = revision.text
    blocks: list[BlockView] = []
    previous_end = 0
    current_block = -1
    for sentence in sentences:
        if sentence.block != current_block:
            blocks.append(BlockView(kind=sentence.kind))
            current_block = sentence.block
            gap = ""
        else:
            gap = text[previous_end : sentence.start]
        block = blocks[-1]
        if block.kind != sentence.kind:
            block.kind = Sentence.Kind.SENTENCE
        unit = _unit_view(
            text, sentence, gap, by_sentence.get(sentence.pk, []), threshold, highlights
        )
        block.units.append(unit)
        previous_end = sentence.end
    units = [unit for block in blocks for unit in block.units]
    suggested = [u for u in units if u.suggested]
    dismissed = [u for u in units if u.suggestion_dismissed]
    return DraftPage(
        revision=revision,
        blocks=blocks,
        claims=claims,
        unit_count=len(sentences),
        boilerplate_count=sum(1 for s in sentences if s.kind == Sentence.Kind.BOILERPLATE),
        threshold=threshold,
        suggestions=[_suggestion(text, u) for u in suggested[:SUGGESTIONS_LISTED]],
        suggestion_count=len(suggested),
        dismissed_suggestions=[_suggestion(text, u) for u in dismissed[:SUGGESTIONS_LISTED]],
        dismissed_count=len(dismissed),
        findings=draft_findings(revision),
        # Only a new version sets claims adrift: a draft of one revision has none to read.
        adrift=(
            adrift_claims(draft, text, {u.pk: (u.index, u.start, u.end) for u in sentences})
            if latest and revision.number > 1
            else []
        ),
        latest=latest,
    )


def adrift_claims(
    draft: Draft, text: str, units: Mapping[int, tuple[int, int, int]]
) -> list[AdriftClaim]:
    """The draft's orphaned and archived claims, orphans first, each orphan with its likely
    units among ``units`` (the latest revision's, whose ``text`` it is: pk → index, start,
    end): one query."""
    rows = list(
        Claim.objects.filter(draft=draft)
        .exclude(anchor=Claim.Anchor.ANCHORED)
        .order_by("-anchor", "revision__number", "start", "pk")  # "orphaned" > "archived"
        .values_list(
            "pk",
            "version",
            "text",
            "status",
            "verdict",
            "anchor",
            "revision__number",
            "sentence__index",
            "anchor_candidates",
        )
    )
    claims = []
    for row in rows:
        claim = AdriftClaim(*row[:8])
        for pk in row[8] or []:
            if pk in units:
                index, start, end = units[pk]
                claim.candidates.append(Candidate(index, text[start:end]))
        claims.append(claim)
    return claims


def draft_adrift(draft: Draft) -> list[AdriftClaim]:
    """:func:`adrift_claims` alone, for the panel's answer to an action (three queries)."""
    revision = latest_revision(draft)
    units = {
        pk: (index, start, end)
        for pk, index, start, end in revision.sentences.values_list("pk", "index", "start", "end")
    }
    return adrift_claims(draft, revision.text, units)


@dataclass(frozen=True, slots=True)
class UnitChoice:
    """A unit of the latest revision an orphan may be attached to."""

    pk: int
    index: int
    text: str


def unit_choices(draft: Draft) -> tuple[Revision, list[UnitChoice]]:
    """The latest revision and its checkable units, in order (two queries)."""
    revision = latest_revision(draft)
    rows = (
        revision.sentences.exclude(kind=Sentence.Kind.BOILERPLATE)
        .order_by("index")
        .values_list("pk", "index", "start", "end")
    )
    text = revision.text
    return revision, [UnitChoice(pk, index, text[start:end]) for pk, index, start, end in rows]


def _claims_by_sentence(revision: Revision) -> tuple[list[Claim], dict[int, list[Claim]]]:
    """The revision's live claims (:func:`active_claims`), and the same grouped by sentence."""
    claims = active_claims(revision)
    by_sentence: dict[int, list[Claim]] = {}
    for claim in claims:
        by_sentence.setdefault(claim.sentence_id, []).append(claim)
    return claims, by_sentence


def draft_panels(
    draft: Draft,
    indexes: Iterable[int] = (),
    *,
    all_claims: bool = True,
    revision: Revision | None = None,
    unit_claims: list[Claim] | None = None,
) -> DraftPage:
    """The draft page's side panels (suggestions, claims) and the units ``indexes`` alone, in
    ``blocks[0]``: what the answer to a click that changed those units re-renders. The same
    rules as :func:`draft_page`, in a fixed number of queries, without building the text of
    the units not asked for (their rows are read light: no highlights). No findings.

    Without ``all_claims``, ``claims`` holds only the live claims of the units ``indexes``
    (an answer that adds their rows to the claims panel instead of drawing it again: a long
    draft has hundreds), and the suggestions are told by each unit's row, which says whether it
    has a live claim. ``revision``: the draft's latest, when the caller has read it already;
    ``unit_claims``: the live claims of the units ``indexes``, when the click that changed them
    read them already, under its lock (then they are not read again)."""
    revision = revision or latest_revision(draft)
    wanted = set(indexes)
    units_in_order = revision.sentences.order_by("index")
    light = ("pk", "index", "start", "end", "kind", "score", "suggestion_dismissed")
    rows: Iterable[tuple[Any, ...]]  # the light columns, then: has a live claim
    if all_claims:
        claims, by_sentence = _claims_by_sentence(revision)
        rows = ((*row, row[0] in by_sentence) for row in units_in_order.values_list(*light))
    else:
        if unit_claims is None:
            claims = active_claims(revision, indexes=wanted)
        else:  # their ``whole`` is set below, from their units' rows
            claims = sorted(unit_claims, key=lambda c: (c.start, c.end))
        by_sentence = {}
        for claim in claims:
            by_sentence.setdefault(claim.sentence_id, []).append(claim)
        live = Claim.objects.filter(sentence=OuterRef("pk")).exclude(status=Claim.Status.DISMISSED)
        rows = units_in_order.annotate(claimed=Exists(live)).values_list(*light, "claimed")
    threshold = suggestion_threshold(draft.newsroom)
    text = revision.text
    suggested: list[Suggestion] = []
    dismissed: list[Suggestion] = []
    unit_count = boilerplate_count = 0
    for _, index, start, end, kind, score, was_dismissed, claimed in rows:
        unit_count += 1
        if kind == Sentence.Kind.BOILERPLATE:
            boilerplate_count += 1
        elif score is not None and score >= threshold and not claimed:
            # The rule of _unit_view's ``suggested`` and ``suggestion_dismissed``.
            shown = Suggestion(index, text[start:end], score)
            (dismissed if was_dismissed else suggested).append(shown)
    units: list[UnitView] = []
    if wanted:
        asked = revision.sentences.filter(index__in=wanted).order_by("index")
        for row in asked.values_list(*_UNIT_COLUMNS):
            unit = _Unit(*row)
            if unit_claims is not None:
                for claim in by_sentence.get(unit.pk, []):
                    claim.whole = (claim.start, claim.end) == (unit.start, unit.end)  # type: ignore[attr-defined]
            units.append(_unit_view(text, unit, "", by_sentence.get(unit.pk, []), threshold))
    return DraftPage(
        revision=revision,
        blocks=[BlockView(kind=Sentence.Kind.SENTENCE, units=units)],
        claims=claims,
        unit_count=unit_count,
        boilerplate_count=boilerplate_count,
        threshold=threshold,
        suggestions=suggested[:SUGGESTIONS_LISTED],
        suggestion_count=len(suggested),
        dismissed_suggestions=dismissed[:SUGGESTIONS_LISTED],
        dismissed_count=len(dismissed),
    )


def draft_findings(revision: Revision) -> FindingsSummary:
    """The revision's open findings, the likeliest first, with their counts of settled ones (one
    query)."""
    summary = FindingsSummary()
    # The columns the panel shows: a draft may hold hundreds of findings (their dates unread).
    shown = ("pk", "kind", "status", "summary", "what", "confidence")
    for finding in (
        Finding.objects.filter(revision=revision)
        .only(*shown)
        .order_by("-confidence", "sentence_a__index", "sentence_b__index", "pk")
    ):
        if finding.status == Finding.Status.OPEN:
            summary.open.append(finding)
        elif finding.status == Finding.Status.DISMISSED:
            summary.dismissed += 1
        else:
            summary.tasked += 1
    return summary


def _suggestion(text: str, unit: UnitView) -> Suggestion:
    return Suggestion(unit.index, text[unit.start : unit.end], unit.score or 0.0)


# What the draft page, its units and its claims panel read of a claim: a long draft has hundreds
# of claims, built again for the answer to every mark; the other columns (dates, who, rationale,
# review note) would cost each answer a third of its time and are not shown.
SHOWN_CLAIM_FIELDS = (
    "id",
    "version",
    "draft_id",
    "revision_id",
    "sentence_id",
    "start",
    "end",
    "text",
    "status",
    "verdict",
)


def active_claims(revision: Revision, *, indexes: Iterable[int] | None = None) -> list[Claim]:
    """The revision's claims that are not unmarked (of the units ``indexes`` alone, if given),
    in text order, with the columns the page shows (:data:`SHOWN_CLAIM_FIELDS`; their
    sentences are not loaded: the page and the claims panel need only ``sentence_id``), each
    with ``whole``: it spans its whole sentence (whose own button unmarks it, so the panel
    need not)."""
    whole = Q(start=F("sentence__start"), end=F("sentence__end"))
    claims = Claim.objects.filter(revision=revision)
    if indexes is not None:
        claims = claims.filter(sentence__index__in=set(indexes))
    return list(
        claims.exclude(status=Claim.Status.DISMISSED)
        .annotate(whole=ExpressionWrapper(whole, output_field=BooleanField()))
        .order_by("start", "end")
        .only(*SHOWN_CLAIM_FIELDS)
    )


def latest_sentence(draft: Draft, index: int) -> Sentence | None:
    """Unit ``index`` of the draft's latest revision, that revision loaded with it (and its
    draft set to ``draft``): one query, for the clicks on a unit."""
    latest = Revision.objects.filter(draft=draft).order_by("-number").values("pk")[:1]
    sentence = (
        Sentence.objects.select_related("revision")
        .filter(revision=Subquery(latest), index=index)
        .first()
    )
    if sentence is not None:
        sentence.revision.draft = draft
    return sentence


def unit_view(
    sentence: Sentence, threshold: float | None = None, claims: list[Claim] | None = None
) -> UnitView:
    """One unit, for re-rendering it alone after a change (gap left empty). Without
    ``threshold``, the newsroom's is read (the sentence's revision and draft are loaded);
    ``claims``: the revision's live claims when the caller has them (else its own are read). Its
    parts are left to the browser to paint (``UnitView.parts``): the reader's choice of
    highlights is the page's, not the action's."""
    if threshold is None:
        threshold = suggestion_threshold(sentence.revision.draft.newsroom)
    if claims is None:
        claims = list(
            Claim.objects.filter(sentence=sentence).exclude(status=Claim.Status.DISMISSED)
        )
    else:
        claims = [claim for claim in claims if claim.sentence_id == sentence.pk]
    return _unit_view(sentence.revision.text, _Unit.of(sentence), "", claims, threshold)


def _unit_view(
    text: str,
    sentence: _Unit,
    gap: str,
    claims: list[Claim],
    threshold: float,
    highlights: frozenset[str] = frozenset(),
) -> UnitView:
    whole = next((c for c in claims if c.start == sentence.start and c.end == sentence.end), None)
    spans = [(c.start, c.end) for c in claims if c is not whole]
    # The same rule as insights.services.suggested_sentences, on rows already loaded.
    checkable = sentence.kind != Sentence.Kind.BOILERPLATE
    all_parts = sentence.spans or []
    shown = [part for part in all_parts if part[2] in highlights] if highlights else []
    above = (
        checkable and sentence.score is not None and sentence.score >= threshold
    ) and not claims
    return UnitView(
        index=sentence.index,
        kind=sentence.kind,
        start=sentence.start,
        end=sentence.end,
        gap=gap,
        pieces=_pieces(text, sentence.start, sentence.end, spans, shown),
        claim=whole,
        score=sentence.score,
        speaker=sentence.speaker,
        suggested=above and not sentence.suggestion_dismissed,
        suggestion_dismissed=above and sentence.suggestion_dismissed,
        parts=_parts_data(sentence.start, sentence.end, all_parts),
        claim_status=claims[0].status if claims else "",
    )


# One letter a part type in ``UnitView.parts`` (static/js/draft.js reads the same table).
PART_LETTERS = {
    "number": "n",
    "date": "d",
    "entity": "e",
    "quote": "q",
    "attribution": "a",
    "comparison": "c",
    "event": "v",
}


def _parts_data(start: int, end: int, parts: list[list[Any]]) -> str:
    """The unit's parts as ``"n4-9 d12-20"``: the type's letter, then the part's start and end
    in code points from the unit's start (``a-b`` of ``text[start:end]``), clipped to the unit,
    in the order the analysis stored them. About 8 bytes a part where a ``mark`` costs 40; built
    for every unit of every page, hence plain loops."""
    out = []
    letters = PART_LETTERS
    for a, b, kind in parts:
        letter = letters.get(kind)
        if letter is None:
            continue
        left = (a if a > start else start) - start
        right = (b if b < end else end) - start
        if left < right:
            out.append(f"{letter}{left}-{right}")
    return " ".join(out)


def _pieces(
    text: str,
    start: int,
    end: int,
    spans: list[tuple[int, int]],
    parts: list[list[Any]] | None = None,
) -> list[Piece]:
    """Cut ``text[start:end]`` at the edges of claim spans and of checkable parts (both absolute
    offsets into ``text``). A piece is ``marked`` when a claim span covers it, and carries the
    type of the narrowest part covering it (the analysis makes parts that do not overlap)."""
    inside = [
        (max(start, int(a)), min(end, int(b)), str(t))
        for a, b, t in (parts or [])
        if int(a) < end and int(b) > start and int(a) < int(b)
    ]
    if not spans and not inside:
        return [Piece(text[start:end])]
    if not spans and (pieces := _apart(text, start, end, inside)) is not None:
        return pieces
    edges = {start, end}
    edges.update(p for span in spans for p in span if start <= p <= end)
    edges.update(p for a, b, _ in inside for p in (a, b))
    pieces = []
    for left, right in pairwise(sorted(edges)):
        marked = any(s <= left and right <= e for s, e in spans)
        covering = [(b - a, i, t) for i, (a, b, t) in enumerate(inside) if a <= left and right <= b]
        _, part_id, part = min(covering) if covering else (0, -1, "")
        pieces.append(Piece(text[left:right], marked, part, part_id))
    return pieces


def _apart(
    text: str, start: int, end: int, parts: list[tuple[int, int, str]]
) -> list[Piece] | None:
    """:func:`_pieces` without claim spans, for parts that do not overlap (what the analysis
    makes): each part one piece, the text between them one piece each. None if parts overlap."""
    pieces = []
    at = start
    for part_id in sorted(range(len(parts)), key=lambda i: parts[i][0]):
        a, b, part = parts[part_id]
        if a < at:
            return None
        if a > at:
            pieces.append(Piece(text[at:a]))
        pieces.append(Piece(text[a:b], False, part, part_id))
        at = b
    if at < end:
        pieces.append(Piece(text[at:end]))
    return pieces


def draft_export(draft: Draft) -> dict[str, Any]:
    """The draft as plain data: the stable shape ``export_draft --format json`` prints."""
    revision = latest_revision(draft)
    text = revision.text
    sentences = list(revision.sentences.all())
    findings = (
        Finding.objects.filter(revision=revision)
        .select_related("sentence_a", "sentence_b")
        .order_by("sentence_a__index", "sentence_b__index", "pk")
    )
    # Every claim of the draft, with the same id whatever revision it is on: those of the latest
    # first, then the ones a new version left on an older one (orphaned, archived).
    claims = list(
        Claim.objects.filter(draft=draft)
        .select_related("sentence", "proposed_by", "reviewed_by")
        .prefetch_related(
            Prefetch("links", queryset=EvidenceLink.objects.order_by("pk")),
            Prefetch("evidence", queryset=Evidence.objects.order_by("source", "-score", "pk")),
        )
        .order_by("-revision__number", "start", "end", "pk")
    )
    revisions = list(
        Revision.objects.filter(draft=draft)
        .order_by("number")
        .values_list("pk", "number", "created_at", "created_by__username")
    )
    numbers = {pk: number for pk, number, _, _ in revisions}
    # The texts of the older revisions that still hold a claim (each read once).
    texts = {revision.pk: text}
    older = {c.revision_id for c in claims} - texts.keys()
    if older:
        texts.update(Revision.objects.filter(pk__in=older).values_list("pk", "text"))
    tasks = (
        Task.objects.filter(draft=draft)
        .select_related("assignee")
        .prefetch_related(Prefetch("claims", queryset=Claim.objects.only("pk").order_by("pk")))
        .order_by("pk")
    )
    return {
        "draft": {
            "id": draft.pk,
            "title": draft.title,
            "newsroom": draft.newsroom.slug,
            "created_at": draft.created_at.isoformat(),
            "updated_at": draft.updated_at.isoformat(),
            "deadline": draft.deadline.isoformat() if draft.deadline else None,
            "cleared_at": _iso(draft.cleared_at),
        },
        "revision": {
            "number": revision.number,
            "text": text,
            "source": revision.source,
            "filename": revision.filename,
            "created_at": revision.created_at.isoformat(),
        },
        "sentences": [
            {
                "index": s.index,
                "start": s.start,
                "end": s.end,
                "text": text[s.start : s.end],
                "kind": s.kind,
                "block": s.block,
                "score": s.score,
                "types": s.types,
                "spans": [{"start": a, "end": b, "type": t} for a, b, t in s.spans],
            }
            for s in sentences
        ],
        "claims": [
            {
                "id": c.pk,
                "start": c.start,
                "end": c.end,
                "text": c.text,
                "status": c.status,
                "sentence": c.sentence.index,
                "revision": numbers[c.revision_id],
                "anchor": {
                    **quote_selector(texts[c.revision_id], c.start, c.end),
                    "state": c.anchor,
                },
                "changed_since_checked": c.changed_since_checked,
                "checked_text": c.checked_text,
                "verdict": c.verdict,
                "rationale": c.rationale,
                "links": [{"url": link.url, "note": link.note} for link in c.links.all()],
                "proposed_by": _username(c.proposed_by),
                "proposed_at": _iso(c.proposed_at),
                "approved_by": (
                    _username(c.reviewed_by) if c.status == Claim.Status.APPROVED else None
                ),
                "approved_at": (_iso(c.reviewed_at) if c.status == Claim.Status.APPROVED else None),
                "evidence": [_evidence(e) for e in c.evidence.all()],
            }
            for c in claims
        ],
        "tasks": [
            {
                "id": t.pk,
                "title": t.title,
                "status": t.status,
                "assignee": _username(t.assignee),
                "due": _iso(t.due_at),
                "claims": [c.pk for c in t.claims.all()],
                "priority": t.priority,
                "archived": t.archived_at is not None,
            }
            for t in tasks
        ],
        "analysis": {
            "status": revision.analysis,
            "analysed_at": _iso(revision.analysed_at),
            "error": revision.analysis_error,
            "note": revision.analysis_note,
        },
        "quotes": [{"sentence": s.index, "speaker": s.speaker} for s in sentences if s.speaker],
        "findings": [
            {
                "id": f.pk,
                "kind": f.kind,
                "sentences": [f.sentence_a.index, f.sentence_b.index],
                "summary": f.summary,
                "what": f.what,
                "confidence": f.confidence,
                "status": f.status,
                "task": f.task_id,
            }
            for f in findings
        ],
        # Added by revisions (issue 13): every version, oldest first.
        "revisions": [
            {"number": number, "loaded_at": at.isoformat(), "loaded_by": by}
            for _, number, at, by in revisions
        ],
    }


def _username(user: User | None) -> str | None:
    return user.get_username() if user is not None else None


def _evidence(evidence: Evidence) -> dict[str, Any]:
    """One piece of evidence a lookup found for a claim, as ``draft_export`` shows it."""
    return {
        "source": evidence.source,
        "url": evidence.url,
        "title": evidence.title,
        "snippet": evidence.snippet,
        "score": evidence.score,
        "status": evidence.status,
        "retrieved_at": evidence.retrieved_at.isoformat(),
        "publisher": evidence.publisher,
        "rating": evidence.rating,
        "review_date": evidence.review_date.isoformat() if evidence.review_date else None,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
