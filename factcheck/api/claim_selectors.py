"""Reads for the API's claim and clearance endpoints, through the pages' access rules
(``claims.access``, ``drafts.access``): a claim of a newsroom the caller does not belong to is
404; a newsroom token is held to its newsroom on top of that, as ``api.selectors`` does for
drafts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from factcheck.api.models import ApiToken
from factcheck.claims.access import get_claim_for_user
from factcheck.claims.models import Claim, EvidenceLink
from factcheck.drafts.models import Draft
from factcheck.newsrooms.access import Capability

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def api_claim(
    user: User | AnonymousUser,
    token: ApiToken | None,
    pk: int,
    capability: Capability = Capability.VIEW,
) -> tuple[Claim, str]:
    """The claim (with its draft, newsroom and sentence) and the caller's role: 404 for an
    outsider or another newsroom's token, 403 for a role without ``capability``."""
    scope = token.newsroom_id if token is not None else None
    if scope is not None and not Claim.objects.filter(pk=pk, draft__newsroom_id=scope).exists():
        raise Http404("No such claim.")
    return get_claim_for_user(user, pk, capability)


def _claims() -> QuerySet[Claim]:
    """Claims with what the API shows of each, in a fixed number of queries however many: the
    revision (without its text, which can be megabytes) and the unit in the row, the evidence
    links in one more query."""
    return (
        Claim.objects.select_related("revision", "sentence")
        .defer("revision__text")
        .prefetch_related(Prefetch("links", queryset=EvidenceLink.objects.order_by("pk")))
    )


# The columns a claim's row in a list shows (``serializers.ClaimSerializer``): a list of
# hundreds then builds small objects, not whole units (with their JSON) and whole revisions.
LISTED = (
    "version",
    "text",
    "status",
    "verdict",
    "rationale",
    "anchor",
    "start",
    "end",
    "changed_since_checked",
    "proposed_at",
    "reviewed_at",
    "revision__number",
    "sentence__index",
)


def draft_claims(draft: Draft, *, statuses: list[str] | None = None) -> QuerySet[Claim]:
    """The draft's claims in the order of the draft's answer (latest revision first, then by
    place in the text), only those of ``statuses`` when given."""
    claims = Claim.objects.select_related("revision", "sentence").filter(draft=draft).only(*LISTED)
    if statuses:
        claims = claims.filter(status__in=statuses)
    return claims.order_by("-revision__number", "start", "end", "pk")


def with_links(claims: list[Claim]) -> list[Claim]:
    """``claims``, each with its evidence links as ``link_rows`` (``url``, ``note``), read in one
    query. Django's prefetch would do the same in the same queries, but its per-object work
    was a third of a 500-claim page's time, with no link at all."""
    rows: dict[int, list[dict[str, str]]] = {claim.pk: [] for claim in claims}
    links = (
        EvidenceLink.objects.filter(claim_id__in=list(rows))
        .order_by("pk")
        .values_list("claim_id", "url", "note")
    )
    for claim_id, url, note in links:
        rows[claim_id].append({"url": url, "note": note})
    for claim in claims:
        claim.link_rows = rows[claim.pk]  # type: ignore[attr-defined]
    return claims


def claim_detail(pk: int) -> Claim:
    """One claim as its endpoint shows it: with who proposed and reviewed it (one query, and
    one for its links). Called after the access rule let the caller see it."""
    return _claims().select_related("proposed_by", "reviewed_by").get(pk=pk)
