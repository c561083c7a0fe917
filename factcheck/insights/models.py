"""Findings: the draft contradicting itself, or spelling a name two ways.

The analysis (:mod:`factcheck.analysis.findings`) proposes them; an editor dismisses one or turns
it into a verification task linked to the claims of both sentences. An open finding blocks the
draft's clearance.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.history.models import Versioned


class Finding(Versioned):
    class Kind(models.TextChoices):
        CONTRADICTION = "contradiction", "Contradiction"
        NAME_VARIANT = "name_variant", "Name spelled two ways"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DISMISSED = "dismissed", "Dismissed"
        TASKED = "tasked", "Turned into a task"

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="findings")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    sentence_a = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="+")
    sentence_b = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="+")
    summary = models.CharField(max_length=300, help_text="The conflict, e.g. “F-16 vs F-15”.")
    what = models.CharField(max_length=100, blank=True, help_text="e.g. aircraft model.")
    confidence = models.FloatField(
        default=1.0,
        help_text="For a contradiction, the pair model's probability that the two values are "
        "of one thing (docs/findings.md); 1 for a name variant.",
    )
    # The conflicting words in each sentence, offsets in the revision's text (when known).
    a_start = models.PositiveIntegerField(null=True, blank=True)
    a_end = models.PositiveIntegerField(null=True, blank=True)
    b_start = models.PositiveIntegerField(null=True, blank=True)
    b_end = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    task = models.ForeignKey(
        "reviews.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="findings"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # Re-running the analysis finds the same finding again, not a copy of it.
            models.UniqueConstraint(
                fields=["revision", "kind", "sentence_a", "sentence_b", "summary"],
                name="finding_unique_per_revision",
            )
        ]
        indexes = [models.Index(fields=["status", "draft"])]
        ordering = ["revision", "sentence_a__index", "sentence_b__index", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"

    def get_absolute_url(self) -> str:
        return reverse("insights:finding", kwargs={"pk": self.pk})

    @property
    def task_title(self) -> str:
        """The title of the task it becomes: “F-16 vs F-15 discrepancy”."""
        if self.kind == self.Kind.NAME_VARIANT:
            return f"{self.summary}: spelling"[:200]
        return f"{self.summary} discrepancy"[:200]
