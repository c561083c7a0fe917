"""Drafts, their revisions (the exact normalised text) and the units segmented from them; each
reader's settings (the highlights they keep)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from factcheck.history.models import Versioned
from factcheck.newsrooms.models import Newsroom


class Draft(Versioned):
    newsroom = models.ForeignKey(Newsroom, on_delete=models.PROTECT, related_name="drafts")
    title = models.CharField(max_length=300)
    deadline = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["newsroom", "-updated_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("drafts:detail", kwargs={"pk": self.pk})

    @property
    def is_cleared(self) -> bool:
        return self.cleared_at is not None


class Revision(models.Model):
    class Source(models.TextChoices):
        PASTE = "paste", "Pasted"
        UPLOAD = "upload", "Uploaded file"
        CLI = "cli", "Command line"
        API = "api", "API"
        URL = "url", "Fetched from a link"

    class Analysis(models.TextChoices):
        PENDING = "pending", "Waiting to be analysed"
        RUNNING = "running", "Being analysed"
        DONE = "done", "Analysed"
        FAILED = "failed", "Analysis failed"

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    text = models.TextField(help_text="The normalised text; sentence offsets index into it.")
    source = models.CharField(max_length=16, choices=Source.choices)
    filename = models.CharField(max_length=255, blank=True)
    source_url = models.URLField(
        max_length=2000, blank=True, help_text="The link the text was fetched from, if any."
    )
    byline = models.CharField(
        max_length=300, blank=True, help_text="The author the source names (a page's byline)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # The first pass (check-worthiness, claim types, quotes, findings): factcheck.insights.
    analysis = models.CharField(max_length=16, choices=Analysis.choices, default=Analysis.PENDING)
    analysis_progress = models.PositiveIntegerField(default=0, help_text="Units scored so far.")
    analysis_error = models.CharField(max_length=500, blank=True)
    analysed_at = models.DateTimeField(null=True, blank=True)
    analysis_note = models.CharField(
        max_length=300, blank=True, help_text="What the reader of the results should know."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="revision_unique_number")
        ]
        ordering = ["draft", "-number"]

    def __str__(self) -> str:
        return f"{self.draft} · revision {self.number}"


class Sentence(models.Model):
    """A unit of a revision: ``revision.text[start:end]`` is its text."""

    class Kind(models.TextChoices):
        SENTENCE = "sentence", "Sentence"
        HEADLINE = "headline", "Headline"
        BOILERPLATE = "boilerplate", "Boilerplate"
        NOTE = "note", "Note"

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="sentences")
    index = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    block = models.PositiveIntegerField(help_text="The paragraph (block) the unit stands in.")
    # Written by the analysis (factcheck.insights.services.revision_analyse).
    score = models.FloatField(null=True, blank=True, help_text="Check-worthiness, 0-1.")
    types = models.JSONField(default=list, blank=True, help_text="Claim types, e.g. number.")
    spans = models.JSONField(
        default=list, blank=True, help_text="Checkable parts: [start, end, type], in the text."
    )
    speaker = models.CharField(max_length=200, blank=True, help_text="Who a direct quote is by.")
    suggestion_dismissed = models.BooleanField(
        default=False, help_text="An editor dismissed the suggestion to check this unit."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["revision", "index"], name="sentence_unique_index"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="sentence_span"
            ),
        ]
        ordering = ["revision", "index"]

    def __str__(self) -> str:
        return f"#{self.index} ({self.kind}) {self.start}–{self.end}"

    @property
    def checkable(self) -> bool:
        return self.kind != self.Kind.BOILERPLATE


class ReaderSettings(models.Model):
    """How one person reads drafts, the same on every device: which kinds of checkable part the
    draft page highlights besides claims and suggestions (shown always)."""

    # The analysis' part types (factcheck.analysis.claimtypes.TYPES), in the legend's order.
    KINDS = ("number", "date", "entity", "quote", "attribution", "comparison", "event")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reader_settings"
    )
    highlights = models.CharField(
        max_length=200, blank=True, help_text="The part types highlighted, space-separated."
    )

    def __str__(self) -> str:
        return f"{self.user} highlights: {self.highlights or 'none'}"

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.highlights.split()) & frozenset(self.KINDS)
