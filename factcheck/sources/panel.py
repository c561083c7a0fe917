"""The lookups panel's data (``sources/_lookups_panel.html``), built by the views that show the
panel (the claim page, the panel's own polling and action answers) and passed to the template
as ``lookups_panel``: the template only renders it."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from factcheck.claims.models import Claim
from factcheck.newsrooms.access import Capability, role_can
from factcheck.sources.models import Evidence, Lookup, Source, SourceSettings
from factcheck.sources.services import query_for

SOURCE_ORDER = {source: i for i, source in enumerate(Source.values)}
L = Lookup.Status


@dataclass(frozen=True)
class LookupRow:
    lookup: Lookup
    earlier_wording: bool  # looked up under a wording the claim no longer has
    max_attempts: int

    @property
    def label(self) -> str:
        return Source(self.lookup.source).label

    @property
    def state_text(self) -> str:
        """ "Queued", "Running (attempt 2 of 3)", "Done (4 results)", "Failed"."""
        lookup = self.lookup
        if lookup.status == L.RUNNING and lookup.attempts > 1:
            return f"Running (attempt {lookup.attempts} of {self.max_attempts})"
        if lookup.status == L.DONE:
            n = lookup.result_count
            return f"Done ({n} result{'' if n == 1 else 's'})" if n else "Done (nothing found)"
        return lookup.get_status_display()

    @property
    def reason(self) -> str:
        """Why it failed, or why it waits to retry: "Wikipedia: timed out after 10 s, …"."""
        return self.lookup.error if self.lookup.status in (L.FAILED, L.QUEUED) else ""


@dataclass(frozen=True)
class EvidenceGroup:
    source: str
    label: str
    items: list[Evidence]  # new and attached, best first
    dismissed: list[Evidence]


@dataclass(frozen=True)
class LookupsPanel:
    claim: Claim
    lookups: list[LookupRow]
    groups: list[EvidenceGroup]
    enabled: list[tuple[str, str]]  # (source, label) the newsroom has switched on
    can_look_up: bool  # start, retry, attach, dismiss: PROPOSE_VERDICT
    can_manage: bool  # the newsroom's source settings: MANAGE_MEMBERS
    newsroom_slug: str

    @property
    def can_start(self) -> bool:
        """Start or retry lookups: a dismissed claim is not looked up."""
        return self.can_look_up and self.claim.status != Claim.Status.DISMISSED

    @property
    def active(self) -> bool:
        """Some lookup is queued or running: the panel polls until none is."""
        return any(row.lookup.active for row in self.lookups)

    @property
    def finished(self) -> int:
        return sum(1 for row in self.lookups if not row.lookup.active)

    @property
    def evidence_count(self) -> int:
        return sum(len(group.items) for group in self.groups)

    @property
    def enabled_labels(self) -> str:
        return ", ".join(label for _source, label in self.enabled)


def lookups_panel(*, claim: Claim, role: str | None) -> LookupsPanel:
    """Everything the panel shows, in three queries whatever the number of lookups and evidence.

    ``claim`` comes from ``get_claim_for_user`` (with its draft and newsroom), ``role`` is the
    user's role there, as the getter found it: what the user may do is worked out from it, with
    no query."""
    query = query_for(claim)
    lookups = sorted(
        Lookup.objects.filter(claim=claim),
        key=lambda x: (SOURCE_ORDER.get(x.source, 99), x.query != query, -x.queued_at.timestamp()),
    )
    by_source: dict[str, list[Evidence]] = {}
    for item in Evidence.objects.filter(claim=claim).order_by("-score", "id"):
        by_source.setdefault(item.source, []).append(item)
    newsroom_id = claim.draft.newsroom_id
    source_settings = SourceSettings.objects.filter(newsroom_id=newsroom_id).first()
    if source_settings is None:  # never saved: the defaults, without writing on a read
        source_settings = SourceSettings(newsroom_id=newsroom_id)
    max_attempts = int(settings.LOOKUP_MAX_ATTEMPTS)
    return LookupsPanel(
        claim=claim,
        lookups=[
            LookupRow(x, earlier_wording=x.query != query, max_attempts=max_attempts)
            for x in lookups
        ],
        groups=[
            EvidenceGroup(
                source=source,
                label=Source(source).label,
                items=[e for e in items if e.status != Evidence.Status.DISMISSED],
                dismissed=[e for e in items if e.status == Evidence.Status.DISMISSED],
            )
            for source, items in sorted(
                by_source.items(), key=lambda pair: SOURCE_ORDER.get(pair[0], 99)
            )
        ],
        enabled=[(s, Source(s).label) for s in source_settings.enabled()],
        can_look_up=role_can(role, Capability.PROPOSE_VERDICT),
        can_manage=role_can(role, Capability.MANAGE_MEMBERS),
        newsroom_slug=claim.draft.newsroom.slug,
    )
