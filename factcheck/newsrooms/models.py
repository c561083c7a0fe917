"""Newsrooms, the unit of privacy, and who belongs to them in which role."""

from __future__ import annotations

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
