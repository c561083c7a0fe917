"""The lookups panel's data, worked out where the panel is rendered, so any page holding a
``claim`` (the claim page, the panel's own polling view) includes the panel unchanged:

- ``{% lookups_panel claim as panel %}``: the claim's lookups, its evidence grouped by source,
  the enabled sources and what the user may do, in a fixed number of queries;
- ``{% lookups_allowed draft as allowed %}``: whether the user may start lookups there;
- ``{{ text|marked:spans }}``: the snippet, escaped, with ``<mark>`` around the ``[start, end]``
  spans; ``{{ url|safe_href }}``: the URL when it is safe to link to, else "".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString

from factcheck.claims.models import Claim
from factcheck.drafts.models import Draft
from factcheck.newsrooms.access import Capability, role_can, role_in
from factcheck.sources.models import Evidence, Lookup, Source, SourceSettings
from factcheck.sources.services import query_for

register = template.Library()

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


def panel_for(claim: Claim, role: str | None) -> LookupsPanel:
    """Everything the panel shows, in three queries whatever the number of lookups and evidence
    (``claim`` comes from ``get_claim_for_user``, with its draft and newsroom)."""
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
    return LookupsPanel(
        claim=claim,
        lookups=[
            LookupRow(x, earlier_wording=x.query != query, max_attempts=_max_attempts())
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


def _max_attempts() -> int:
    return int(settings.LOOKUP_MAX_ATTEMPTS)


def _role(context: template.Context, obj: Any, newsroom_id: int) -> str | None:
    """The role the getters annotated on ``obj``, or the user's role asked afresh."""
    role: str | None = getattr(obj, "role", None)
    if role is None:
        user = getattr(context.get("request"), "user", None)
        if user is not None:
            role = role_in(user, newsroom_id)
    return role


@register.simple_tag(takes_context=True)
def lookups_panel(context: template.Context, claim: Claim) -> LookupsPanel:
    return panel_for(claim, _role(context, claim, claim.draft.newsroom_id))


@register.simple_tag(takes_context=True)
def lookups_allowed(context: template.Context, draft: Draft) -> bool:
    return role_can(_role(context, draft, draft.newsroom_id), Capability.PROPOSE_VERDICT)


@register.filter
def marked(text: str, spans: Any) -> SafeString:
    """``text`` escaped, with ``<mark>`` around each ``[start, end]`` span. Spans that are
    malformed or outside the text are ignored; overlapping ones are merged."""
    text = str(text)
    out = SafeString()
    position = 0
    for start, end in _clean_spans(spans, len(text)):
        out += escape(text[position:start])
        out += SafeString("<mark>") + escape(text[start:end]) + SafeString("</mark>")
        position = end
    return out + escape(text[position:])


def _clean_spans(spans: Any, length: int) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    for span in spans if isinstance(spans, Iterable) and not isinstance(spans, str) else []:
        if (
            isinstance(span, (list, tuple))
            and len(span) == 2
            and all(type(n) is int for n in span)  # not bool, not str
            and 0 <= span[0] < span[1] <= length
        ):
            pairs.append((span[0], span[1]))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(pairs):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@register.filter
def safe_href(url: str) -> str:
    """``url`` when it is an http(s) address or a path on this site; "" otherwise, so that a
    ``javascript:`` or ``data:`` URL from an outside source never becomes a link."""
    url = str(url).strip()
    if url.startswith("/") and not url.startswith(("//", "/\\")):
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme in ("http", "https") and parts.netloc else ""
