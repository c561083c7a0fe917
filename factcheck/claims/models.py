"""Claims: spans of a revision an editor has marked for checking."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from factcheck.drafts.models import Draft, Revision, Sentence


class Claim(models.Model):
    class Status(models.TextChoices):
        UNCHECKED = "unchecked", "Unchecked"
        DISMISSED = "dismissed", "Dismissed"

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="claims")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="claims")
    sentence = models.ForeignKey(Sentence, on_delete=models.CASCADE, related_name="claims")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField(help_text="The span's text when marked: revision.text[start:end].")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UNCHECKED)
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
        indexes = [models.Index(fields=["draft", "status"])]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.DISMISSED

    @property
    def whole_sentence(self) -> bool:
        return self.start == self.sentence.start and self.end == self.sentence.end
