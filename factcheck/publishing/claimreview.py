"""Building schema.org ClaimReview JSON-LD from plain data: no queries here.

One ClaimReview per approved verdict (https://schema.org/ClaimReview), with the fields search
engines' fact-check features read (Google: claimReviewed, reviewRating with alternateName, url;
author, datePublished, itemReviewed recommended): the review is the newsroom's (an
Organization), its rating comes from the newsroom's mapping of verdicts to ratings, and the
item reviewed is the Claim as it appeared in the published story, with who made it where the
draft says (a direct quote's speaker).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

CONTEXT = "https://schema.org"


@dataclass(frozen=True)
class Rating:
    """A verdict as published: its words, and its value on the scale (None: words alone)."""

    name: str
    value: int | None
    best: int
    worst: int


@dataclass(frozen=True)
class Review:
    """What one ClaimReview says. ``story_url`` and ``published_at`` are None while the story
    is not published (a member's download before publication): the review then has no url and
    no appearance, and is dated by the verdict's approval."""

    claim_id: int
    claim_text: str
    rating: Rating
    approved_at: datetime | None
    speaker: str
    story_url: str | None
    published_at: datetime | None
    organization: str
    organization_url: str


def claim_review(review: Review) -> dict[str, Any]:
    """The ClaimReview of one approved verdict, as a JSON-LD object."""
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": review.rating.name}
    if review.rating.value is not None:
        rating.update(
            ratingValue=review.rating.value,
            bestRating=review.rating.best,
            worstRating=review.rating.worst,
        )
    author: dict[str, Any] = {"@type": "Organization", "name": review.organization}
    if review.organization_url:
        author["url"] = review.organization_url
    claim: dict[str, Any] = {"@type": "Claim"}
    if review.speaker:
        claim["author"] = {"@type": _speaker_type(review.speaker), "name": review.speaker}
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "claimReviewed": review.claim_text,
        "reviewRating": rating,
        "author": author,
    }
    if review.story_url:
        # The story is the page the review lives on: its address, and the id of this review in
        # it (a fragment per claim, so that each review has its own identifier).
        data["@id"] = f"{review.story_url.split('#')[0]}#claim-{review.claim_id}"
        data["url"] = review.story_url
        claim["appearance"] = {"@type": "CreativeWork", "url": review.story_url}
    if review.published_at is not None:
        claim["datePublished"] = review.published_at.isoformat()
    dates = [d for d in (review.approved_at, review.published_at) if d is not None]
    if dates:
        # Not before the story went out, nor before the verdict was approved (a verdict
        # approved after publication, a correction, is dated by its approval).
        data["datePublished"] = max(dates).isoformat()
    data["itemReviewed"] = claim
    return data


def _speaker_type(speaker: str) -> str:
    """Who made a claim: a person, unless the draft names a body ("the council said")."""
    return "Organization" if speaker.lower().startswith("the ") else "Person"


def dumps(reviews: list[dict[str, Any]]) -> str:
    """The reviews as JSON text that is safe inside a page's
    ``<script type="application/ld+json">`` as well as served alone: ``<``, ``>`` and ``&``
    are written as ``\\u003c``… (the same JSON), so no claim text can close the script."""
    text = json.dumps(reviews, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
