"""Writes for source lookups: starting them (after commit, one per claim, source and query),
running one (idempotent: evidence is unique per claim, source and URL), failing one with its
reason, and attaching or dismissing what was found."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from factcheck import events
from factcheck.claims.models import Claim, EvidenceLink
from factcheck.claims.services import claim_evidence_changed, claim_lock
from factcheck.errors import ConflictError, FactcheckError
from factcheck.history.services import audit_record, changed_fields
from factcheck.newsrooms.access import Capability, require
from factcheck.newsrooms.models import Newsroom
from factcheck.outcome import Done
from factcheck.sources.backends.base import Hit
from factcheck.sources.models import Evidence, Lookup, Source, SourceSettings
from factcheck.sources.selectors import source_settings_for as source_settings_for
from factcheck.text import short

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from factcheck.drafts.models import Draft

L = Lookup.Status
log = logging.getLogger(__name__)


# What a newsroom admin sets on the settings page (and a site admin in the Django admin), with
# the name the history gives each.
SETTINGS_FIELDS = {
    "archive_enabled": "Archive",
    "library_enabled": "Reference library",
    "wikipedia_enabled": "Wikipedia",
    "wikipedia_language": "Wikipedia language",
    "factcheck_enabled": "Fact Check Tools",
    "factcheck_api_key": "API key",
    "factcheck_language": "Fact Check Tools language",
    "factcheck_max_age_days": "Fact Check Tools maximum age (days)",
    "lookup_on_mark": "Look up on marking",
}
SETTINGS_CONFLICT = (
    "Someone saved these settings while you were editing them. Your changes are kept below: "
    "check them against theirs and save again."
)


@transaction.atomic
def source_settings_save(
    *, newsroom: Newsroom, by: User | None, values: Mapping[str, Any], seen: str | None = None
) -> SourceSettings:
    """Save the newsroom's source settings from ``values`` (fields of SETTINGS_FIELDS) and record
    what changed in its history. Newsroom admins and site admins only; ``by`` None is the system.

    ``seen`` is the settings' stamp (:func:`settings_stamp`) as the user loaded them: if someone
    has saved since, and ``values`` would change the settings as they are now, nothing is saved
    and :class:`ConflictError` carries the current settings. Sending the same values twice, or
    values that agree with the other change, is no conflict. The row is locked meanwhile.
    """
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"not source settings: {sorted(unknown)}")
    require(
        by=by,
        newsroom_id=newsroom.pk,
        capability=Capability.MANAGE_MEMBERS,
        message="Only the newsroom's admins change its source settings.",
    )
    source_settings_for(newsroom)  # the row exists: there is something to lock
    current = SourceSettings.objects.select_for_update().get(newsroom=newsroom)
    changes = changed_fields(current, values)
    if not changes:
        return current
    if seen is not None and seen != settings_stamp(current):
        raise ConflictError(SETTINGS_CONFLICT, current=current)
    for name, value in values.items():
        setattr(current, name, value)
    current.save()
    audit_record(
        obj=current,
        action="source_settings_changed",
        actor=by,
        summary=f"Changed the source settings: {settings_summary(changes)}",
        newsroom_id=newsroom.pk,
        draft_id=None,
        changes=_masked(changes),
    )
    return current


def settings_stamp(settings: SourceSettings) -> str:
    """The settings' version as a page shows it: when they were last saved."""
    return settings.updated_at.isoformat() if settings.updated_at else ""


def settings_summary(changes: Mapping[str, tuple[Any, Any]]) -> str:
    """ "Wikipedia on → off; API key replaced": the changes as a newsroom admin reads them. The
    API key itself never appears."""
    parts = []
    for name, (before, after) in _masked(changes).items():
        label = SETTINGS_FIELDS[name]
        if name == "factcheck_api_key":
            parts.append(f"{label} {after}")
            continue
        if isinstance(after, bool):
            before, after = ("on" if before else "off"), ("on" if after else "off")
        parts.append(f"{label} {before or 'any'} → {after or 'any'}")
    return "; ".join(parts)


def _masked(changes: Mapping[str, tuple[Any, Any]]) -> dict[str, tuple[Any, Any]]:
    """``changes`` with the API key's values replaced by whether one was set: a secret must not
    reach the history, where every member with access to it could read it."""
    masked = dict(changes)
    if "factcheck_api_key" in masked:
        before, after = masked["factcheck_api_key"]
        masked["factcheck_api_key"] = (
            "set" if before else "not set",
            ("replaced" if before else "set") if after else "removed",
        )
    return masked


def query_for(claim: Claim) -> str:
    """The search query for a claim: its wording, quotes and extra space removed."""
    text = re.sub(r"[“”‘’\"']", " ", claim.text)
    return " ".join(text.split())[:500]


def lookups_start(
    *, claims: Iterable[Claim], by: User | None, sources: Iterable[str] | None = None
) -> list[Lookup]:
    """Queue lookups of ``claims`` in ``sources`` (default: the newsroom's enabled ones).

    A lookup already done or failed for the same claim, source and query is queued again (the
    retry button); one still queued or running is left alone. The Celery tasks are sent after
    the transaction commits, so a worker never looks for a row that isn't there yet.
    """
    claims = [c for c in claims if c.status != Claim.Status.DISMISSED]
    started: list[Lookup] = []
    with transaction.atomic():
        for claim in claims:
            newsroom_id = claim.draft.newsroom_id
            require(
                by=by,
                newsroom_id=newsroom_id,
                capability=Capability.PROPOSE_VERDICT,
                message="Your role in this newsroom does not allow lookups.",
            )
            enabled = source_settings_for(newsroom_id).enabled()
            wanted = [s for s in (sources or enabled) if s in enabled]
            if not enabled:
                raise FactcheckError("No source is enabled for this newsroom.")
            if sources and not wanted:
                raise FactcheckError(
                    "None of those sources is enabled for this newsroom; "
                    f"enabled: {', '.join(Source(s).label for s in enabled) or 'none'}."
                )
            for source in wanted:
                lookup, created = Lookup.objects.get_or_create(
                    claim=claim,
                    source=source,
                    query=query_for(claim),
                    defaults={"queued_at": timezone.now(), "requested_by": by},
                )
                if not created:
                    requeued = Lookup.objects.filter(
                        pk=lookup.pk, status__in=[L.DONE, L.FAILED]
                    ).update(
                        status=L.QUEUED,
                        attempts=0,
                        error="",
                        queued_at=timezone.now(),
                        started_at=None,
                        finished_at=None,
                        requested_by=by,
                    )
                    if not requeued:
                        continue  # still queued or running: one is enough
                started.append(lookup)
        ids = [lookup.pk for lookup in started]

        transaction.on_commit(lambda: _enqueue(ids))
    return started


def _enqueue(ids: list[int]) -> None:
    """Send the lookups' tasks. A broker away (a Redis restart) loses no lookup and fails no
    request: the rows are queued, and the workers' sweep sends them again."""
    from factcheck.sources.tasks import lookup_run

    for n, pk in enumerate(ids):
        try:
            lookup_run.delay(pk)
        except OperationalError:
            log.warning("the broker is away: %d lookups wait for the sweep", len(ids) - n)
            return


def lookups_start_for_draft(
    *, draft: Draft, by: User | None, sources: Iterable[str] | None = None
) -> list[Lookup]:
    claims = draft.claims.exclude(status=Claim.Status.DISMISSED).select_related("draft")
    return lookups_start(claims=claims, by=by, sources=sources)


def on_claims_marked(event: events.ClaimsMarked) -> None:
    lookups_start_if_automatic(claims=event.claims, by=event.by)


def lookups_start_if_automatic(*, claims: Sequence[Claim], by: User | None) -> list[Lookup]:
    """The newsroom's "look up every newly marked claim" setting; ``claims``: of one draft
    (one click marks them: a bulk confirm reads the setting once)."""
    if not claims or not source_settings_for(claims[0].draft.newsroom_id).lookup_on_mark:
        return []
    return lookups_start(claims=list(claims), by=by)


def lookup_begin(*, lookup_id: int) -> Lookup | None:
    """Mark the lookup running and count the attempt; None when it is gone or already finished
    (a duplicate delivery of the task). A lookup left running by a killed worker is picked up
    again: the broker redelivers its task and this lets it through."""
    updated = Lookup.objects.filter(pk=lookup_id, status__in=[L.QUEUED, L.RUNNING]).update(
        status=L.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not updated:
        return None
    # Only what running it needs, and the newsroom as a column: no claim and draft objects to
    # build (a worker does this for every lookup, holding the GIL).
    return (
        Lookup.objects.only("claim_id", "source", "query", "status", "attempts")
        .annotate(newsroom_id=F("claim__draft__newsroom_id"))
        .get(pk=lookup_id)
    )


def lookups_requeue_lost(*, idle_for: timedelta) -> list[int]:
    """Send the task again for lookups whose message the broker lost; their ids.

    Redis hands a message to a worker (BRPOP) before the worker records it as unacknowledged,
    so a worker killed in between loses it for good and the lookup would stay queued forever.
    The row is the record: a lookup queued and untouched for ``idle_for`` (the broker's
    visibility timeout, after which Redis itself would have redelivered a message a worker
    held), or running past the task's hard time limit as well, is enqueued again. A duplicate
    delivery is harmless: the task is idempotent."""
    from factcheck.sources.tasks import lookup_run

    now = timezone.now()
    cutoff = now - idle_for
    hard_limit = timedelta(seconds=lookup_run.time_limit or 0)
    untouched = Q(started_at__isnull=True) | Q(started_at__lt=cutoff)
    stale = Lookup.objects.filter(
        (Q(status=L.QUEUED, queued_at__lt=cutoff) & untouched)
        | Q(status=L.RUNNING, started_at__lt=cutoff - hard_limit)
    )
    with transaction.atomic():
        ids = list(stale.select_for_update(skip_locked=True).values_list("pk", flat=True))
        Lookup.objects.filter(pk__in=ids).update(queued_at=now)

        def enqueue() -> None:
            for pk in ids:
                lookup_run.delay(pk)

        transaction.on_commit(enqueue)
    return ids


def lookup_store(*, lookup: Lookup, hits: Iterable[object]) -> Lookup:
    """Store what a source found as evidence and mark the lookup done. Running it again with
    the same hits updates the same rows (one upsert on the unique claim, source and URL):
    nothing is duplicated, and a checker's attach or dismiss is kept."""
    now = timezone.now()
    rows: dict[str, Evidence] = {}
    for hit in hits:
        assert isinstance(hit, Hit)
        url = hit.url[:2000]
        rows.setdefault(  # one row per URL: an upsert may not touch a row twice
            url,
            Evidence(
                claim_id=lookup.claim_id,
                source=lookup.source,
                url=url,
                lookup=lookup,
                title=hit.title[:500],
                snippet=hit.snippet,
                highlights=[list(span) for span in hit.highlights],
                score=hit.score,
                publisher=hit.publisher[:200],
                rating=hit.rating[:200],
                review_date=hit.review_date,
                retrieved_at=now,
            ),
        )
    with transaction.atomic():
        Evidence.objects.bulk_create(
            rows.values(),
            update_conflicts=True,
            unique_fields=["claim", "source", "url"],
            update_fields=[
                "lookup",
                "title",
                "snippet",
                "highlights",
                "score",
                "publisher",
                "rating",
                "review_date",
                "retrieved_at",
            ],
        )
        Lookup.objects.filter(pk=lookup.pk).update(
            status=L.DONE, result_count=len(rows), error="", finished_at=now
        )
    lookup.status, lookup.result_count, lookup.error = L.DONE, len(rows), ""
    lookup.finished_at = now
    return lookup


def lookup_fail(*, lookup_id: int, reason: str) -> None:
    """The lookup failed for good; ``reason`` says why, e.g. "Wikipedia: timed out after 10 s,
    3 attempts"."""
    Lookup.objects.filter(pk=lookup_id).exclude(status=L.DONE).update(
        status=L.FAILED, error=reason[:500], finished_at=timezone.now()
    )


def lookup_requeue(*, lookup_id: int, reason: str) -> None:
    """Back to queued while the task waits to retry; the reason shows meanwhile."""
    Lookup.objects.filter(pk=lookup_id, status=L.RUNNING).update(
        status=L.QUEUED, error=reason[:500]
    )


@transaction.atomic
def evidence_attach(*, evidence: Evidence, by: User | None) -> Done[Evidence]:
    """Attach evidence to the claim's verdict: it becomes one of the verdict's evidence links.
    Evidence attached already is left as it is.

    The claim is locked first (every change to a claim's evidence queues on its row), its
    version bumped and the change written to its history; a new link under an approved verdict
    sends the claim back to review and refreshes the draft's clearance
    (``claims.services.claim_evidence_changed``)."""
    url = evidence.url
    if url.startswith("/") and not url.startswith("//"):
        url = settings.SITE_URL.rstrip("/") + url  # archive and library hits are pages here
    claim = claim_lock(claim_id=evidence.claim_id)
    _require(by, claim)
    if not re.match(r"https?://", url, re.IGNORECASE):
        # Whatever an outside service returned, only web links become verdict links.
        raise FactcheckError("Only http(s) links can be attached to a verdict.")
    # Under the claim's lock: the status read here is the one the change starts from.
    attached = (
        Evidence.objects.filter(pk=evidence.pk)
        .exclude(status=Evidence.Status.ATTACHED)
        .update(status=Evidence.Status.ATTACHED)
    )
    if not attached:
        evidence.status = Evidence.Status.ATTACHED
        return Done(evidence, False)
    before = evidence.status
    _, created = EvidenceLink.objects.get_or_create(
        claim_id=evidence.claim_id,
        url=url,
        defaults={
            "note": f"{evidence.get_source_display()}: {evidence.title}"[:500],
            "added_by": by,
        },
    )
    claim_evidence_changed(
        claim=claim,
        by=by,
        action="evidence_attached",
        summary=f"Attached evidence “{short(evidence.title, 60)}”",
        changes={
            "evidence": ("", url),
            "evidence_status": (before, Evidence.Status.ATTACHED),
        },
        verdict_links_changed=created,
    )
    evidence.status = Evidence.Status.ATTACHED
    evidence.claim = claim
    return Done(evidence, True)


@transaction.atomic
def evidence_dismiss(*, evidence: Evidence, by: User | None) -> Done[Evidence]:
    """Dismiss evidence (kept, attachable later); dismissed already is left as it is. The
    claim is locked, its version bumped and the dismissal written to its history; its verdict's
    links do not change (attached evidence cannot be dismissed), so its status stays."""
    claim = claim_lock(claim_id=evidence.claim_id)
    _require(by, claim)
    dismissed = Evidence.objects.filter(pk=evidence.pk, status=Evidence.Status.NEW).update(
        status=Evidence.Status.DISMISSED
    )
    if not dismissed:
        now = Evidence.objects.values_list("status", flat=True).get(pk=evidence.pk)
        if now == Evidence.Status.ATTACHED:
            raise FactcheckError(
                "This evidence is attached to the verdict; it cannot be dismissed."
            )
        evidence.status = now
        return Done(evidence, False)
    claim_evidence_changed(
        claim=claim,
        by=by,
        action="evidence_dismissed",
        summary=f"Dismissed evidence “{short(evidence.title, 60)}”",
        changes={"evidence_status": (Evidence.Status.NEW, Evidence.Status.DISMISSED)},
        verdict_links_changed=False,
    )
    evidence.status = Evidence.Status.DISMISSED
    evidence.claim = claim
    return Done(evidence, True)


def _require(by: User | None, claim: Claim) -> None:
    require(by=by, newsroom_id=claim.draft.newsroom_id, capability=Capability.PROPOSE_VERDICT)
