"""Reads for publishing: a newsroom's settings, and the ClaimReviews of a draft (for its
members) or of a newsroom's published stories (its public feed).

Which verdicts are published: the claims of the draft that are approved, carry a verdict and
stand in the text (``anchor`` anchored: an archived claim's sentence is gone from the story, an
orphaned one waits for an editor to say where it is). Nothing else of a draft ever reaches
ClaimReview; the feed holds only drafts with a live (not withdrawn) publication.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from factcheck.claims.models import Claim
from factcheck.drafts.models import Draft
from factcheck.history.models import AuditEntry
from factcheck.newsrooms.models import Newsroom
from factcheck.publishing.claimreview import Rating, Review, claim_review
from factcheck.publishing.models import Publication, PublishingSettings

JsonLd = dict[str, object]

SETTINGS_HISTORY_SIZE = 10


def publishing_settings_for(newsroom: Newsroom, *, create: bool = True) -> PublishingSettings:
    """The newsroom's publishing settings, created with the defaults on first use; with
    ``create=False`` (the public feed: a GET writes nothing) the defaults unsaved."""
    found = PublishingSettings.objects.filter(newsroom=newsroom).first()
    if found is not None:
        found.newsroom = newsroom  # known: the reviews name it without another query
        return found
    if not create:
        return PublishingSettings(newsroom=newsroom)
    return PublishingSettings.objects.get_or_create(newsroom=newsroom)[0]


def live_publication(draft: Draft) -> Publication | None:
    """The draft's publication, unless there is none or it was withdrawn."""
    return Publication.objects.filter(draft=draft, withdrawn_at=None).first()


def published_claims(drafts: QuerySet[Draft] | Iterable[Draft]) -> QuerySet[Claim]:
    """The claims of ``drafts`` that ClaimReview publishes, in the drafts' text order, each
    with its sentence (the speaker)."""
    return (
        Claim.objects.filter(
            draft__in=drafts, status=Claim.Status.APPROVED, anchor=Claim.Anchor.ANCHORED
        )
        .exclude(verdict="")
        .select_related("sentence")
        .order_by("draft_id", "start", "end", "pk")
    )


def draft_claimreviews(draft: Draft) -> list[JsonLd]:
    """A ClaimReview for every published verdict of ``draft`` (see the module's docstring),
    whether or not the story is published: before it is, they have no url and no appearance.
    Three queries: the settings, the publication, the claims."""
    settings = publishing_settings_for(draft.newsroom, create=False)
    publication = live_publication(draft)
    return [
        claim_review(_review(claim, settings, publication)) for claim in published_claims([draft])
    ]


def newsroom_feed(newsroom: Newsroom) -> list[JsonLd]:
    """The newsroom's public feed: the ClaimReviews of its published (and not withdrawn)
    stories, the latest publication first. Two queries, whatever the number of stories."""
    settings = publishing_settings_for(newsroom, create=False)
    claims = (
        published_claims(Draft.objects.filter(newsroom=newsroom))
        # A live publication: one exists (published_at is never empty) and is not withdrawn.
        .filter(
            draft__publication__published_at__isnull=False,
            draft__publication__withdrawn_at__isnull=True,
        )
        .select_related("draft__publication")
        .order_by("-draft__publication__published_at", "-draft_id", "start", "end", "pk")
    )
    return [claim_review(_review(claim, settings, claim.draft.publication)) for claim in claims]


def settings_changes(newsroom: Newsroom) -> list[AuditEntry]:
    """The latest changes to the newsroom's publishing settings, newest first (one query)."""
    return list(
        AuditEntry.objects.filter(newsroom=newsroom, object_type="publishingsettings")
        .select_related("actor")
        .order_by("-created_at", "-id")[:SETTINGS_HISTORY_SIZE]
    )


def _review(claim: Claim, settings: PublishingSettings, publication: Publication | None) -> Review:
    name, value = settings.rating_for(claim.verdict)
    return Review(
        claim_id=claim.pk,
        claim_text=claim.text,
        rating=Rating(
            name=name, value=value, best=settings.best_rating, worst=settings.worst_rating
        ),
        approved_at=claim.reviewed_at,
        speaker=claim.sentence.speaker,
        story_url=publication.url if publication else None,
        published_at=publication.published_at if publication else None,
        organization=settings.newsroom.name,
        organization_url=settings.organization_url,
    )
