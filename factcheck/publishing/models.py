"""What publishing keeps: each newsroom's ClaimReview settings (its verdicts as ratings, its
public address) and the publication of a draft (where and when the story went out)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from factcheck.claims.models import Claim
from factcheck.drafts.models import Draft
from factcheck.history.models import Versioned
from factcheck.newsrooms.models import Newsroom

V = Claim.Verdict

# The rating each verdict gets until the newsroom's admins say otherwise: on a 1–5 scale from
# false to true, the scale most fact-checkers who publish numbers use. Unverifiable and opinion
# are not points on a truth scale: they carry their words alone (no ratingValue), which search
# engines accept (they show alternateName, never the number).
DEFAULT_BEST = 5
DEFAULT_WORST = 1
DEFAULT_RATINGS: dict[str, dict[str, Any]] = {
    V.ACCURATE: {"name": "True", "value": 5},
    V.MISLEADING: {"name": "Misleading", "value": 3},
    V.INACCURATE: {"name": "False", "value": 1},
    V.UNVERIFIABLE: {"name": "Unproven", "value": None},
    V.NOT_CHECKABLE: {"name": "Opinion", "value": None},
}


class PublishingSettings(models.Model):
    """A newsroom's ClaimReview settings; created with the defaults on first use."""

    newsroom = models.OneToOneField(
        Newsroom, on_delete=models.CASCADE, related_name="publishing_settings"
    )
    organization_url = models.URLField(
        max_length=500,
        blank=True,
        help_text="The newsroom's website: the author of its fact checks.",
    )
    best_rating = models.IntegerField(default=DEFAULT_BEST)
    worst_rating = models.IntegerField(default=DEFAULT_WORST)
    # {verdict: {"name": text shown, "value": int on the scale or None}}; a verdict missing
    # here (one added to Claim.Verdict later) takes its default.
    ratings = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "publishing settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(best_rating__gt=models.F("worst_rating")),
                name="publishing_scale_best_above_worst",
            )
        ]

    def __str__(self) -> str:
        return f"Publishing of {self.newsroom}"

    def rating_for(self, verdict: str) -> tuple[str, int | None]:
        """The text and the value (None: words alone) a verdict is published with."""
        default = DEFAULT_RATINGS.get(verdict, {"name": verdict.title(), "value": None})
        rating = {**default, **(self.ratings or {}).get(verdict, {})}
        value = rating.get("value")
        return str(rating["name"]), int(value) if value is not None else None


class Publication(Versioned):
    """A draft's story as published: its public address and date. Withdrawn, it stays (the
    history keeps what was public when) but leaves the feed."""

    draft = models.OneToOneField(Draft, on_delete=models.CASCADE, related_name="publication")
    url = models.URLField(max_length=2000, help_text="The published story's public address.")
    published_at = models.DateTimeField(help_text="When the story went out.")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"{self.draft} at {self.url}"

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None
