"""API tokens: a person's own, or a newsroom's (for its CMS). Only a hash of the secret is kept.

A personal token acts as its owner, through the same access rules as the pages. A newsroom token
acts as a service account made for it: a user who cannot log in and is an editor of that newsroom
only (``factcheck.api.services``), so every access rule and service holds for it unchanged, and
the history names the token's account.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models

from factcheck.newsrooms.models import Newsroom


class ApiToken(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    name = models.CharField(max_length=100)
    # Personal: the owner; newsroom token: the newsroom (then ``user`` is its service account).
    newsroom = models.ForeignKey(
        Newsroom, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text="Who the token acts as: its owner, or a newsroom token's service account.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    prefix = models.CharField(max_length=16, unique=True, help_text="Shown in lists; not secret.")
    key_hash = models.CharField(max_length=64, help_text="sha256 of the secret, hex.")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_newsroom_token(self) -> bool:
        return self.newsroom_id is not None

    def status_at(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at is not None and self.expires_at <= now:
            return self.Status.EXPIRED
        return self.Status.ACTIVE
