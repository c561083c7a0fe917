"""In-app notifications; each may also go out by email (a Celery task sends it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "Task assigned"
        MENTIONED = "mentioned", "Mentioned"
        IN_REVIEW = "in_review", "Task in review"
        APPROVED = "approved", "Verdict approved"
        SENT_BACK = "sent_back", "Sent back"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    newsroom = models.ForeignKey(
        "newsrooms.Newsroom", on_delete=models.CASCADE, related_name="notifications"
    )
    draft = models.ForeignKey(
        "drafts.Draft", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.message
