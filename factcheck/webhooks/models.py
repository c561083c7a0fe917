"""Webhooks: a newsroom's outside systems (its CMS) told when something happens on the desk.

A :class:`Webhook` is a target URL, a secret that signs every delivery and the events it wants.
Each event a hook subscribes to becomes one :class:`Delivery` (the payload is fixed when the event
happens); every POST of it is a :class:`DeliveryAttempt`, which the delivery log lists.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from factcheck.newsrooms.models import Newsroom


class Event(models.TextChoices):
    DRAFT_CLEARED = "draft.cleared", "A draft is cleared for publication"
    DRAFT_UNCLEARED = "draft.uncleared", "A draft loses its clearance"
    CLAIM_APPROVED = "claim.approved", "A claim's verdict is approved"
    TASK_ASSIGNED = "task.assigned", "A task is assigned"
    REVISION_LOADED = "revision.loaded", "A draft or a new version of it is loaded"
    FINDING_OPENED = "finding.opened", "The analysis opens a finding"


class Webhook(models.Model):
    newsroom = models.ForeignKey(Newsroom, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=2000, help_text="Where the desk POSTs each event (https).")
    # Kept in clear: HMAC needs it to sign every delivery. Shown to the newsroom's admins only.
    secret = models.CharField(max_length=100)
    events = models.JSONField(default=list, help_text="The Event values this hook receives.")
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["newsroom", "pk"]
        indexes = [models.Index(fields=["newsroom", "active"])]

    def __str__(self) -> str:
        return f"{self.newsroom.slug}: {self.url}"

    def get_absolute_url(self) -> str:
        return reverse("webhooks:detail", kwargs={"pk": self.pk})

    def event_labels(self) -> list[str]:
        return [event for event in Event.values if event in self.events]


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"  # an attempt under way (a worker holds it)
        RETRYING = "retrying", "Retrying"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=32, choices=Event.choices)
    payload = models.JSONField(help_text="The event's data, fixed when it happened.")
    occurred_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0, help_text="POSTs made, in all.")
    attempt_limit = models.PositiveIntegerField(
        help_text="No retry past this many attempts (a re-send allows a new round)."
    )
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    resent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["webhook", "-created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.event} #{self.pk} ({self.status})"


class DeliveryAttempt(models.Model):
    """One POST of a delivery: what the receiver answered, or why there was no answer."""

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded", "Succeeded"
        RETRY = "retry", "Failed, will retry"
        FAILED = "failed", "Failed"

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="attempt_unique_number")
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of delivery {self.delivery_id}: {self.outcome}"
