"""The invitation email: a thin adapter from an invitation id to
``newsrooms.services.invitation_email_send``. Named in full so that it can be routed to the
mail queue (``factcheck.newsrooms.tasks.invitation_email``)."""

from __future__ import annotations

from celery import shared_task

from factcheck.newsrooms.services import invitation_email_send
from factcheck.workers import EMAIL_TASK


@shared_task(name="factcheck.newsrooms.tasks.invitation_email", **EMAIL_TASK)
def invitation_email(invitation_id: int, send: int) -> None:
    """Send email number ``send`` of the invitation (a later resend supersedes it)."""
    invitation_email_send(invitation_id=invitation_id, send=send)
