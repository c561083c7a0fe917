"""Source lookups: per-newsroom source settings, lookups (one per claim, source and query),
the evidence they found, and the newsroom's reference library."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from factcheck.claims.models import Claim
from factcheck.newsrooms.models import Newsroom


class Source(models.TextChoices):
    ARCHIVE = "archive", "Newsroom archive"
    LIBRARY = "library", "Reference library"
    WIKIPEDIA = "wikipedia", "Wikipedia"
    FACTCHECK = "factcheck", "Google Fact Check Tools"


class SourceSettings(models.Model):
    """Which sources a newsroom uses and how; created with defaults on first use."""

    newsroom = models.OneToOneField(
        Newsroom, on_delete=models.CASCADE, related_name="source_settings"
    )
    archive_enabled = models.BooleanField(default=True)
    library_enabled = models.BooleanField(default=True)
    wikipedia_enabled = models.BooleanField(default=True)
    wikipedia_language = models.CharField(max_length=12, default="en")
    factcheck_enabled = models.BooleanField(default=False)
    factcheck_api_key = models.CharField(max_length=200, blank=True)
    factcheck_language = models.CharField(max_length=12, default="en", blank=True)
    factcheck_max_age_days = models.PositiveIntegerField(null=True, blank=True)
    lookup_on_mark = models.BooleanField(
        default=False, help_text="Look every newly marked claim up in the enabled sources."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "source settings"

    def __str__(self) -> str:
        return f"Sources of {self.newsroom}"

    def enabled(self) -> list[str]:
        flags = {
            Source.ARCHIVE: self.archive_enabled,
            Source.LIBRARY: self.library_enabled,
            Source.WIKIPEDIA: self.wikipedia_enabled,
            Source.FACTCHECK: self.factcheck_enabled and bool(self.factcheck_api_key),
        }
        return [source for source, on in flags.items() if on]


class Lookup(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lookups")
    source = models.CharField(max_length=16, choices=Source.choices)
    query = models.CharField(max_length=500)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    result_count = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "source", "query"], name="lookup_unique_claim_source_query"
            )
        ]
        indexes = [models.Index(fields=["status", "queued_at"])]
        ordering = ["claim", "source"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} for claim {self.claim_id}: {self.status}"

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class Evidence(models.Model):
    """Something a lookup found: one per claim, source and URL, however often it is found."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        ATTACHED = "attached", "Attached to the verdict"
        DISMISSED = "dismissed", "Dismissed"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    lookup = models.ForeignKey(
        Lookup, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence"
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    url = models.CharField(max_length=2000)
    title = models.CharField(max_length=500)
    snippet = models.TextField(blank=True)
    highlights = models.JSONField(default=list, blank=True, help_text="[start, end] in snippet")
    score = models.FloatField(default=0)
    publisher = models.CharField(max_length=200, blank=True)
    rating = models.CharField(max_length=200, blank=True, help_text="A fact-check's verdict")
    review_date = models.DateField(null=True, blank=True)
    retrieved_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "source", "url"], name="evidence_unique_claim_source_url"
            )
        ]
        ordering = ["claim", "-score", "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title


class ReferenceDocument(models.Model):
    """A document the newsroom uploaded to search: wire copy, reports, transcripts.

    A PDF is read by a worker within time and memory limits (``factcheck.sources.tasks.
    parse_library_document``): until then it is ``processing``, with the file in ``pending``;
    then ``ready`` with its text and passages, or ``failed`` with the reason in ``error``.
    Other files are read in the request and are ``ready`` at once."""

    class Status(models.TextChoices):
        PROCESSING = "processing", "Being read"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be read"

    newsroom = models.ForeignKey(Newsroom, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(max_length=300)
    filename = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=8)  # txt, md, html, docx, pdf
    text = models.TextField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.READY)
    error = models.CharField(max_length=500, blank=True)
    checksum = models.CharField(max_length=64, blank=True, help_text="sha256 of the file")
    pending = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title or self.filename


class Passage(models.Model):
    """A searchable piece of a reference document: ``document.text[start:end]``."""

    document = models.ForeignKey(
        ReferenceDocument, on_delete=models.CASCADE, related_name="passages"
    )
    index = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "index"], name="passage_unique_index")
        ]
        ordering = ["document", "index"]

    def __str__(self) -> str:
        return self.text[:80]
