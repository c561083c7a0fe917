"""The audit trail: who changed what, when, from what to what."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Versioned(models.Model):
    """A row edited by several people: each change bumps ``version``, and a save made against an
    older version is refused (``history.services.lock_for_change``)."""

    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change.")

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One change to one object. Written by services, never edited or deleted."""

    newsroom = models.ForeignKey(
        "newsrooms.Newsroom", on_delete=models.PROTECT, related_name="audit_entries"
    )
    draft = models.ForeignKey(
        "drafts.Draft",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    object_type = models.CharField(max_length=32)  # "draft", "claim", "task", "comment", …
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=48)  # "created", "status", "assigned", "edited", …
    summary = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)  # {field: [before, after]}
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["draft", "-created_at"]),
            models.Index(fields=["object_type", "object_id", "-created_at"]),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor or 'system'}: {self.summary}"
