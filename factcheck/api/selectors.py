"""Reads for the API, through the same access rules as the pages (``drafts.access``): a draft
of a newsroom the caller does not belong to is 404. A newsroom token is held to its newsroom on
top of that (its account belongs to no other, but a site admin could add it to one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import F, Prefetch, QuerySet, Value
from django.db.models.functions import Substr
from django.http import Http404

from factcheck.api.models import ApiToken
from factcheck.claims.models import Claim, EvidenceLink
from factcheck.drafts.access import get_draft_for_user
from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.drafts.selectors import dashboard_drafts
from factcheck.newsrooms.access import Capability
from factcheck.reviews.panel import ClearanceState, clearance_panel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def api_drafts(
    user: User | AnonymousUser,
    token: ApiToken | None,
    *,
    newsroom: str = "",
    archived: bool = False,
    cleared: bool | None = None,
) -> QuerySet[Draft]:
    """The caller's drafts, newest change first: live ones (``archived``: archived ones), of
    one newsroom by its slug, cleared or not. One query for a page, one for the count."""
    drafts = dashboard_drafts(user).filter(archived_at__isnull=not archived)
    if token is not None and token.newsroom_id is not None:
        drafts = drafts.filter(newsroom_id=token.newsroom_id)
    if newsroom:
        drafts = drafts.filter(newsroom__slug=newsroom)
    if cleared is not None:
        drafts = drafts.filter(cleared_at__isnull=not cleared)
    return drafts.order_by("-updated_at", "-pk")


def api_draft(
    user: User | AnonymousUser,
    token: ApiToken | None,
    pk: int,
    capability: Capability = Capability.VIEW,
) -> tuple[Draft, str]:
    """The draft and the caller's role (404 for an outsider, 403 for a role without
    ``capability``: ``drafts.access``)."""
    scope = token.newsroom_id if token is not None else None
    if scope is not None and not Draft.objects.filter(pk=pk, newsroom_id=scope).exists():
        raise Http404("No such draft.")
    return get_draft_for_user(user, pk, capability)


@dataclass(frozen=True)
class DraftDetail:
    """The stable contract's draft: the draft, its latest revision, its claims, its clearance."""

    draft: Draft
    revision: Revision
    claims: list[Claim]
    clearance: ClearanceState

    @property
    def archived(self) -> bool:
        return self.draft.archived_at is not None


def draft_detail(draft: Draft, role: str) -> DraftDetail:
    """Everything the draft's answer holds, in a fixed number of queries whatever the number of
    claims: the revision, the claims with their links, the blockers (three), who cleared it."""
    revision = Revision.objects.filter(draft=draft).defer("text").order_by("-number").first()
    if revision is None:  # drafts are created with their first revision, in one transaction
        raise Revision.DoesNotExist(f"Draft {draft.pk} has no revision.")
    claims = list(
        Claim.objects.filter(draft=draft)
        .select_related("revision", "sentence")
        .defer("revision__text")
        .prefetch_related(Prefetch("links", queryset=EvidenceLink.objects.order_by("pk")))
        .order_by("-revision__number", "start", "end", "pk")
    )
    return DraftDetail(draft, revision, claims, clearance_panel(draft=draft, role=role))


def revision_of(draft: Draft, number: int | None) -> Revision:
    """Revision ``number`` of the draft (its latest for None), without its text; 404 if none."""
    revisions = Revision.objects.filter(draft=draft).defer("text")
    revision = (
        revisions.filter(number=number).first()
        if number is not None
        else revisions.order_by("-number").first()
    )
    if revision is None:
        raise Http404("No such revision of this draft.")
    return revision


def revision_sentences(revision: Revision) -> QuerySet[Sentence]:
    """The revision's units in order, each with its text cut out by the database (the revision's
    text is never loaded whole)."""
    return (
        Sentence.objects.filter(revision=revision)
        .annotate(
            unit_text=Substr(F("revision__text"), F("start") + Value(1), F("end") - F("start"))
        )
        .order_by("index")
    )
