"""Claims: spans of a revision an editor has marked for checking, with their verdicts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.history.models import Versioned


class Claim(Versioned):
    class Status(models.TextChoices):
        UNCHECKED = "unchecked", "Unchecked"
        CHECKING = "checking", "Checking"
        PROPOSED = "proposed", "Verdict proposed"
        APPROVED = "approved", "Approved"
        DISMISSED = "dismissed", "Dismissed"

    class Verdict(models.TextChoices):
        ACCURATE = "accurate", "Accurate"
        INACCURATE = "inaccurate", "Inaccurate"
        MISLEADING = "misleading", "Misleading"
        UNVERIFIABLE = "unverifiable", "Unverifiable"
        NOT_CHECKABLE = "not_checkable", "Not checkable (opinion)"

    class Anchor(models.TextChoices):
        """Where the claim stands in the draft's text (factcheck.claims.revisions)."""

        ANCHORED = "anchored", "In the text"
        # A new version matched it weakly or ambiguously: an editor attaches it or archives it.
        ORPHANED = "orphaned", "Orphaned: waiting for an editor"
        # Its sentence is gone from a new version: kept, visible and restorable, never deleted.
        ARCHIVED = "archived", "Archived: its sentence is gone"

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="claims")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="claims")
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="claims")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField(help_text="The claim's wording; at first revision.text[start:end].")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UNCHECKED)
    verdict = models.CharField(max_length=16, choices=Verdict.choices, blank=True)
    rationale = models.TextField(blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True, help_text="Why the verdict was sent back.")
    # Revisions (factcheck.claims.revisions): an anchored claim points at a unit of its draft's
    # latest revision; an orphaned or archived one stays on the unit of the revision it left.
    anchor = models.CharField(max_length=16, choices=Anchor.choices, default=Anchor.ANCHORED)
    anchor_candidates = models.JSONField(
        default=list,
        blank=True,
        help_text="An orphan's likely units (Sentence ids, best first) in a new revision.",
    )
    changed_since_checked = models.BooleanField(
        default=False, help_text="A new version changed the words since the verdict was given."
    )
    checked_text = models.TextField(
        blank=True, help_text="The wording the verdict was about, when a new version changed it."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # Marking the same span twice (a double click, two editors at once) finds the
            # existing claim instead of making a second one.
            models.UniqueConstraint(fields=["revision", "start", "end"], name="claim_unique_span"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="claim_span"
            ),
        ]
        ordering = ["revision", "start", "end"]
        indexes = [
            models.Index(fields=["draft", "status"]),
            models.Index(fields=["status", "proposed_at"]),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("claims:detail", kwargs={"pk": self.pk})

    # Django's own get_FOO_display rebuilds a dict of every choice on each call; the draft page
    # and the answer to each mark call these for each of a draft's hundreds of claims.
    def get_status_display(self) -> str:  # type: ignore[no-redef]
        return str(_STATUS_LABELS.get(self.status, self.status))

    def get_verdict_display(self) -> str:  # type: ignore[no-redef]
        return str(_VERDICT_LABELS.get(self.verdict, self.verdict))

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.DISMISSED

    @property
    def whole_sentence(self) -> bool:
        return self.start == self.sentence.start and self.end == self.sentence.end

    @property
    def is_anchored(self) -> bool:
        return self.anchor == self.Anchor.ANCHORED

    @property
    def settled(self) -> bool:
        """Approved or dismissed: no longer blocks clearance."""
        return self.status in (self.Status.APPROVED, self.Status.DISMISSED)


_STATUS_LABELS = dict(Claim.Status.choices)
_VERDICT_LABELS = dict(Claim.Verdict.choices)


class EvidenceLink(models.Model):
    """A source a verdict rests on: a URL and what it shows."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(max_length=2000)
    note = models.CharField(max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "url"], name="evidence_link_unique_url")
        ]

    def __str__(self) -> str:
        return self.url
