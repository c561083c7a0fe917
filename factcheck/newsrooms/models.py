"""Newsrooms, the unit of privacy, and who belongs to them in which role."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Role(models.TextChoices):
    EDITOR = "editor", "Editor"
    CHECKER = "checker", "Fact-checker"
    ADMIN = "admin", "Newsroom admin"


class Newsroom(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    suggestion_threshold = models.FloatField(
        null=True,
        blank=True,
        help_text="Units scoring this or more are suggested as claims; empty: the model's.",
    )
    require_2fa = models.BooleanField(
        "require 2FA for members",
        default=False,
        help_text="Members without an authenticator app are sent to set one up first.",
    )
    members: models.ManyToManyField[User, Membership] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="newsrooms"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    newsroom = models.ForeignKey(Newsroom, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CHECKER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "newsroom"], name="membership_unique_user")
        ]
        ordering = ["newsroom__name", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} · {self.newsroom} ({self.get_role_display()})"


class Invitation(models.Model):
    """An admin's invitation of an email address to the newsroom in a role.

    The link's secret is made by the task that emails it (``newsrooms.services.
    invitation_email_send``) and only its sha256 is kept: each email (the first and every
    resend) carries a new secret, so an older link stops working, and the secret never passes
    through the broker or the database in clear. Pending until accepted, revoked or past
    ``expires_at`` (set when the email goes out).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        EXPIRED = "expired", "Expired"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"

    newsroom = models.ForeignKey(Newsroom, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(help_text="Lower case: compared with the accepting user's.")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CHECKER)
    token_hash = models.CharField(
        max_length=64, blank=True, help_text="sha256 of the link's secret, hex; empty until sent."
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Emails asked for (the invitation and each resend) and emails the task has claimed: the
    # task sends number ``sends`` once, whatever the redeliveries.
    sends = models.PositiveIntegerField(default=1)
    sent = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open invitation per address and newsroom (expired ones count: resend them).
            models.UniqueConstraint(
                fields=["newsroom", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
            models.UniqueConstraint(
                fields=["token_hash"],
                # An empty hash: a spent link (bandit B106).
                condition=~models.Q(token_hash=""),  # nosec B106
                name="invitation_unique_token",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.newsroom} ({self.get_role_display()})"

    def status_at(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.expires_at is not None and self.expires_at <= now:
            return self.Status.EXPIRED
        return self.Status.PENDING
