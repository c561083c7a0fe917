"""Writes for a newsroom's members: invitations (made, emailed, resent, revoked, accepted), a
member's role, and removing a member.

Every change locks the newsroom's row first, then the rows it changes: one newsroom's member
changes run one at a time, so the admins counted after the lock are the admins the change
leaves behind. Two admins demoting (or removing) each other at once cannot leave the newsroom
with none: the second waits for the first, then counts. Whether the actor may manage members is
read again under the lock, so an admin demoted a moment before changes nothing more. Each change
writes one history entry in its transaction; the invitation's email leaves after the commit
(``factcheck.newsrooms.tasks.invitation_email``).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from factcheck.api.models import ApiToken
from factcheck.errors import FactcheckError
from factcheck.history.services import audit_record
from factcheck.newsrooms.access import (
    Capability,
    email_matches,
    invitation_hash,
    is_site_admin,
    role_can,
)
from factcheck.newsrooms.models import Invitation, Membership, Newsroom, Role
from factcheck.outcome import Done

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ADMINS_ONLY = "Only the newsroom's admins manage its members."
# The link's secret: 256 bits, URL-safe (43 characters).
SECRET_BYTES = 32


class InvitationRefused(FactcheckError):
    """An invitation link that cannot be accepted (expired, revoked, used, not this user's);
    ``str(exc)`` says why and what to do."""


def member_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


# --- Locks and rules ---------------------------------------------------------------------------


def _lock(newsroom_id: int, by: User | None) -> Newsroom:
    """The newsroom's row, locked for the rest of the transaction; PermissionDenied unless
    ``by`` may manage its members, read under the lock (``by=None``: the system)."""
    newsroom = Newsroom.objects.select_for_update().get(pk=newsroom_id)
    if by is not None and not is_site_admin(by):
        role = (
            Membership.objects.filter(newsroom_id=newsroom_id, user=by)
            .values_list("role", flat=True)
            .first()
        )
        if not role_can(role, Capability.MANAGE_MEMBERS):
            raise PermissionDenied(ADMINS_ONLY)
    return newsroom


def _keep_an_admin(membership: Membership, by: User | None, newsroom: Newsroom) -> None:
    """Refuse a change that would take the newsroom's last admin away (called under the lock,
    when ``membership`` is an admin's and would stop being one)."""
    others = (
        Membership.objects.filter(newsroom_id=newsroom.pk, role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )
    if others:
        return
    if by is not None and membership.user_id == by.pk:
        raise FactcheckError(
            f"You are the last admin of {newsroom}: make another member admin first, "
            "so that someone can still manage its members."
        )
    raise FactcheckError(
        f"{member_name(membership.user)} is the last admin of {newsroom}: make another member "
        "admin first."
    )


def _refuse_token_account(membership: Membership) -> None:
    """A newsroom API token's account is managed with its token, never on the members page."""
    if ApiToken.objects.filter(user_id=membership.user_id, newsroom__isnull=False).exists():
        raise FactcheckError(
            "This member is the account of one of the newsroom's API tokens: revoke the token "
            "on the API tokens page instead."
        )


def _address(email: str) -> str:
    address = email.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise FactcheckError(f"“{email.strip()}” is not an email address.") from None
    return address


def _role(role: str) -> Role:
    if role not in Role.values:
        raise FactcheckError(f"Unknown role “{role}”: choose one of the list.")
    return Role(role)


# --- Invitations -------------------------------------------------------------------------------


@transaction.atomic
def invitation_create(*, newsroom: Newsroom, email: str, role: str, by: User | None) -> Invitation:
    """Invite ``email`` to ``newsroom`` as ``role``; the email (with a fresh link) leaves after
    the commit. Refused when the address is already a member's or already has an open
    invitation (resend that one)."""
    address, chosen = _address(email), _role(role)
    _lock(newsroom.pk, by)
    member = (
        Membership.objects.filter(newsroom=newsroom, user__email__iexact=address)
        .select_related("user")
        .first()
    )
    if member is not None:
        raise FactcheckError(
            f"{address} is already a member of {newsroom} ({member_name(member.user)}, "
            f"{member.get_role_display()}): change their role instead."
        )
    open_one = Invitation.objects.filter(
        newsroom=newsroom, email=address, accepted_at__isnull=True, revoked_at__isnull=True
    ).first()
    if open_one is not None:
        raise FactcheckError(
            f"{address} was already invited on {open_one.created_at:%d %b %Y}: resend or revoke "
            "that invitation."
        )
    invitation = Invitation.objects.create(
        newsroom=newsroom, email=address, role=chosen, invited_by=by, sends=1
    )
    audit_record(
        obj=invitation,
        action="invited",
        actor=by,
        summary=f"{address} invited as {chosen.label}",
        newsroom_id=newsroom.pk,
        draft_id=None,
        changes={"email": (None, address), "role": (None, str(chosen))},
    )
    _email_after_commit(invitation)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User | None) -> Invitation:
    """Email a pending (or expired) invitation again, with a new link: the old one stops
    working at once, the new one works for ``INVITATION_DAYS`` from its email."""
    _lock(invitation.newsroom_id, by)
    current = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if current.revoked_at is not None:
        raise FactcheckError(f"The invitation of {current.email} was revoked: invite them again.")
    if current.accepted_at is not None:
        raise FactcheckError(f"{current.email} has already accepted this invitation.")
    current.sends += 1
    current.token_hash = ""  # the link of the last email stops working now
    current.save(update_fields=["sends", "token_hash"])
    audit_record(
        obj=current,
        action="resent",
        actor=by,
        summary=f"Invitation of {current.email} sent again (the earlier link no longer works)",
        newsroom_id=current.newsroom_id,
        draft_id=None,
    )
    _email_after_commit(current)
    return current


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User | None) -> Done[Invitation]:
    """Withdraw a pending invitation: its link then says so. A revoked one is left as it is."""
    _lock(invitation.newsroom_id, by)
    current = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if current.revoked_at is not None:
        return Done(current, False)
    if current.accepted_at is not None:
        raise FactcheckError(
            f"{current.email} has already accepted this invitation: remove the member instead."
        )
    current.revoked_at, current.revoked_by = timezone.now(), by
    current.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        obj=current,
        action="revoked",
        actor=by,
        summary=f"Invitation of {current.email} revoked",
        newsroom_id=current.newsroom_id,
        draft_id=None,
        changes={"status": ("pending", "revoked")},
    )
    return Done(current, True)


def _email_after_commit(invitation: Invitation) -> None:
    from factcheck.newsrooms.tasks import invitation_email

    pk, send = invitation.pk, invitation.sends
    transaction.on_commit(lambda: invitation_email.delay(pk, send))


def invitation_email_send(*, invitation_id: int, send: int) -> bool:
    """Email the invitation's email number ``send``, once, with a new link: its secret is made
    here and only its hash stored, with the expiry counted from now. Nothing is sent when the
    invitation is gone, accepted or revoked, when a later resend superseded this email, or when
    this email went already (a redelivered task). Returns whether this call sent it."""
    now = timezone.now()
    secret = secrets.token_urlsafe(SECRET_BYTES)
    hashed = invitation_hash(secret)
    with transaction.atomic():
        current = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("newsroom", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
        if current is None or current.revoked_at is not None or current.accepted_at is not None:
            return False
        if current.sends != send or current.sent >= send:
            return False
        current.token_hash, current.sent, current.sent_at = hashed, send, now
        current.expires_at = now + timedelta(days=settings.INVITATION_DAYS)
        current.save(update_fields=["token_hash", "sent", "sent_at", "expires_at"])
    newsroom, inviter = current.newsroom, current.invited_by
    link = settings.SITE_URL.rstrip("/") + reverse(
        "newsrooms:join", kwargs={"slug": newsroom.slug, "token": secret}
    )
    who = member_name(inviter) if inviter is not None else "An admin"
    try:
        send_mail(
            # One line, whatever the names hold (a header cannot carry a line break).
            subject=" ".join(f"[factcheck] {who} invited you to {newsroom.name}".split()),
            message=(
                f"{who} invited you to join {newsroom.name} on factcheck as "
                f"{current.get_role_display()}.\n\n"
                f"Accept: {link}\n\n"
                f"Sign in (or create your account) with this address, {current.email}, first. "
                f"The link works once, until {current.expires_at:%d %b %Y %H:%M} UTC. If you did "
                "not expect this invitation, ignore this email.\n"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[current.email],
        )
    except Exception:
        # Unclaim, so the task's retry sends it again (with another secret: this one never left).
        Invitation.objects.filter(pk=invitation_id, token_hash=hashed).update(
            # An empty hash marks a spent link (bandit reads it as a password).
            token_hash="",  # nosec B106
            sent=send - 1,
        )
        raise
    return True


REPLACED = "This link was replaced by a newer email: use the link of the latest invitation."


def invitation_refusal(invitation: Invitation, user: User, *, now: datetime) -> str:
    """Why ``user`` cannot accept ``invitation`` now ("" when they can): the invitation page
    says it before the click, :func:`invitation_accept` again under the lock."""
    newsroom = invitation.newsroom
    status = invitation.status_at(now)
    if status == Invitation.Status.ACCEPTED:
        if invitation.accepted_by_id == user.pk:
            return f"You accepted this invitation on {invitation.accepted_at:%d %b %Y}."
        return "This invitation has already been used. Ask an admin of the newsroom for a new one."
    if status == Invitation.Status.REVOKED:
        return (
            f"This invitation to {newsroom} was withdrawn by its admins. Ask them if you think "
            "this is a mistake."
        )
    if not invitation.token_hash:
        return REPLACED
    if status == Invitation.Status.EXPIRED:
        return (
            f"This invitation expired on {invitation.expires_at:%d %b %Y %H:%M} UTC. Ask an admin "
            f"of {newsroom} to send it again."
        )
    if not email_matches(user, invitation.email):
        return (
            "This invitation was sent to another email address than your account's: sign in "
            "with the account of that address."
        )
    return ""


@transaction.atomic
def invitation_accept(*, invitation: Invitation, by: User) -> Done[Membership]:
    """``by`` accepts the invitation: a membership in its role (a member already keeps their
    role). InvitationRefused, saying why, for a link that was replaced, revoked, used or has
    expired, or that was sent to another address than ``by``'s. Accepting one's own accepted
    invitation again changes nothing."""
    newsroom = Newsroom.objects.select_for_update().get(pk=invitation.newsroom_id)
    current = Invitation.objects.select_for_update().get(pk=invitation.pk)
    current.newsroom = newsroom
    now = timezone.now()
    if current.status_at(now) == Invitation.Status.ACCEPTED and current.accepted_by_id == by.pk:
        mine = Membership.objects.filter(newsroom=newsroom, user=by).first()
        if mine is not None:
            return Done(mine, False)
    if current.token_hash != invitation.token_hash:
        raise InvitationRefused(REPLACED)
    refusal = invitation_refusal(current, by, now=now)
    if refusal:
        raise InvitationRefused(refusal)
    membership = Membership.objects.filter(newsroom=newsroom, user=by).first()
    joined = membership is None
    if membership is None:
        membership = Membership.objects.create(newsroom=newsroom, user=by, role=current.role)
    current.accepted_at, current.accepted_by = now, by
    current.save(update_fields=["accepted_at", "accepted_by"])
    role = Role(membership.role).label
    audit_record(
        obj=current,
        action="accepted",
        actor=by,
        summary=(
            f"{by.get_username()} joined as {role} (invitation of {current.email})"
            if joined
            else f"{by.get_username()} accepted the invitation of {current.email}; already "
            f"a member, still {role}"
        ),
        newsroom_id=newsroom.pk,
        draft_id=None,
        changes={"member": (None, by.get_username()), "role": (None, membership.role)}
        if joined
        else {},
    )
    return Done(membership, True)


# --- Members -----------------------------------------------------------------------------------


def role_change_refusal(membership: Membership, role: str | None) -> str:
    """Why ``membership`` may not become ``role`` (``None``: be removed) — it is the last admin's,
    or an API token's account — or "". A form's early answer (the Django admin's); the services
    ask again under the newsroom's lock."""
    if membership.pk is None or membership.role == role:
        return ""
    if ApiToken.objects.filter(user_id=membership.user_id, newsroom__isnull=False).exists():
        return "This member is the account of an API token: revoke the token instead."
    if membership.role == Role.ADMIN and role != Role.ADMIN:
        others = Membership.objects.filter(newsroom_id=membership.newsroom_id, role=Role.ADMIN)
        if not others.exclude(pk=membership.pk).exists():
            return "The newsroom's last admin: make another member admin first."
    return ""


@transaction.atomic
def newsroom_create(*, name: str, slug: str, by: User | None) -> Newsroom:
    """A new newsroom (the Django admin's way: a site admin opens one, then gives it its first
    admin with :func:`membership_add`), in its own history."""
    newsroom = Newsroom.objects.create(name=name.strip(), slug=slug)
    audit_record(
        obj=newsroom,
        action="created",
        actor=by,
        summary=f"Newsroom {newsroom.name} opened",
        newsroom_id=newsroom.pk,
        draft_id=None,
        changes={"name": (None, newsroom.name), "slug": (None, newsroom.slug)},
    )
    return newsroom


@transaction.atomic
def newsroom_rename(*, newsroom: Newsroom, name: str, by: User | None) -> Done[Newsroom]:
    """Give the newsroom a new name (its slug, in every link and feed, stays), under its row's
    lock and in its history; the same name changes nothing."""
    current = _lock(newsroom.pk, by)
    name = name.strip()
    if not name:
        raise FactcheckError("A newsroom needs a name.")
    if name == current.name:
        return Done(current, False)
    before, current.name = current.name, name
    current.save(update_fields=["name"])
    audit_record(
        obj=current,
        action="renamed",
        actor=by,
        summary=f"Newsroom renamed from {before} to {name}",
        newsroom_id=current.pk,
        draft_id=None,
        changes={"name": (before, name)},
    )
    return Done(current, True)


@transaction.atomic
def membership_add(*, newsroom: Newsroom, user: User, role: str, by: User | None) -> Membership:
    """Make ``user`` a member in ``role`` directly, without an invitation: the Django admin's
    way in (a site admin gives a new newsroom its first admin). Refused for a member already."""
    chosen = _role(role)
    _lock(newsroom.pk, by)
    if Membership.objects.filter(newsroom=newsroom, user=user).exists():
        raise FactcheckError(f"{member_name(user)} is already a member of {newsroom}.")
    membership = Membership.objects.create(newsroom=newsroom, user=user, role=chosen)
    audit_record(
        obj=membership,
        action="added",
        actor=by,
        summary=f"{member_name(user)} added as {chosen.label}",
        newsroom_id=newsroom.pk,
        draft_id=None,
        changes={"member": (None, user.get_username()), "role": (None, str(chosen))},
    )
    return membership


def _membership_locked(pk: int) -> Membership | None:
    """The membership with its user, locked after its newsroom's row (None: removed meanwhile)."""
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk=pk)
        .first()
    )


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, by: User | None) -> Done[Membership]:
    """Give the member ``role``. Refused when it would leave the newsroom without an admin, and
    for an API token's account. The same role again changes nothing."""
    chosen = _role(role)
    newsroom = _lock(membership.newsroom_id, by)
    current = _membership_locked(membership.pk)
    if current is None:
        raise FactcheckError("This person is no longer a member: nothing was changed.")
    if current.role == chosen:
        return Done(current, False)
    _refuse_token_account(current)
    if current.role == Role.ADMIN:
        _keep_an_admin(current, by, newsroom)
    before = Role(current.role)
    current.role = chosen
    current.save(update_fields=["role"])
    audit_record(
        obj=current,
        action="role",
        actor=by,
        summary=f"{member_name(current.user)}: {before.label} → {chosen.label}",
        newsroom_id=newsroom.pk,
        draft_id=None,
        changes={"role": (str(before), str(chosen))},
    )
    return Done(current, True)


@transaction.atomic
def membership_remove(*, membership: Membership, by: User | None) -> Done[Membership]:
    """Take the member out of the newsroom: from their next request, everything of it is 404 to
    them (pages, exports, their personal API tokens). Refused for its last admin and for an API
    token's account; one removed meanwhile is left as it is."""
    newsroom = _lock(membership.newsroom_id, by)
    current = _membership_locked(membership.pk)
    if current is None:
        return Done(membership, False)
    _refuse_token_account(current)
    if current.role == Role.ADMIN:
        _keep_an_admin(current, by, newsroom)
    name = member_name(current.user)
    left = by is not None and current.user_id == by.pk
    audit_record(
        obj=current,
        action="removed",
        actor=by,
        summary=f"{name} left the newsroom" if left else f"{name} removed from the newsroom",
        newsroom_id=newsroom.pk,
        draft_id=None,
        changes={"member": (current.user.get_username(), None), "role": (current.role, None)},
    )
    current.delete()
    return Done(current, True)
