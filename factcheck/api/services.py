"""Writes for API tokens: creating one (its secret returned once, only its hash kept) and
revoking one.

A personal token is its creator's own. A newsroom token is made by one of the newsroom's admins
(MANAGE_MEMBERS) and acts as a service account made for it: a user with no usable password, an
editor (:data:`NEWSROOM_TOKEN_ROLE`) of that newsroom and of no other. Revoking the token takes
that account out of the newsroom and deactivates it; the account itself stays, so the history
still names it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from factcheck.api.models import ApiToken
from factcheck.errors import FactcheckError
from factcheck.history.services import audit_record
from factcheck.newsrooms.access import Capability, require
from factcheck.newsrooms.models import Membership, Newsroom, Role
from factcheck.outcome import Done

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Every secret starts with this, so that a leaked one is recognisable (secret scanners, logs).
SECRET_START = "fct_"  # noqa: S105 (not a secret: what every secret starts with)
# The part of the secret kept in clear: its start and 8 random characters (48 bits), unique.
PREFIX_LENGTH = len(SECRET_START) + 8
NAME_MAX = 100
# What a newsroom token may do in its newsroom: an editor's capabilities (load drafts and
# versions, mark claims, assign, approve, clear), never an admin's (members, settings, tokens).
NEWSROOM_TOKEN_ROLE = Role.EDITOR


class TokenInputError(FactcheckError):
    """A token we refuse to make; ``str(exc)`` says why."""


@dataclass(frozen=True)
class CreatedToken:
    """The new token and its secret: shown once, never stored."""

    token: ApiToken
    secret: str


def key_hash(secret: str) -> str:
    """sha256 of the secret, hex: what is stored and compared."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def api_token_create(
    *,
    by: User,
    name: str,
    newsroom: Newsroom | None = None,
    expires_at: datetime | None = None,
) -> CreatedToken:
    """A personal token of ``by`` or, with ``newsroom``, a newsroom token (``by`` must be one of
    its admins: PermissionDenied otherwise). ``expires_at`` must be in the future."""
    name = " ".join(name.split())
    if not name:
        raise TokenInputError("Give the token a name, to tell it from your others.")
    if len(name) > NAME_MAX:
        raise TokenInputError(f"A token's name has at most {NAME_MAX} characters.")
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenInputError("The expiry must be in the future.")
    if newsroom is not None:
        require(
            by=by,
            newsroom_id=newsroom.pk,
            capability=Capability.MANAGE_MEMBERS,
            message=f"Only the admins of {newsroom} make its API tokens.",
        )
    with transaction.atomic():
        secret, prefix = _new_secret()
        user = by if newsroom is None else _service_account(newsroom, name, prefix)
        token = ApiToken.objects.create(
            name=name,
            newsroom=newsroom,
            user=user,
            created_by=by,
            expires_at=expires_at,
            prefix=prefix,
            key_hash=key_hash(secret),
        )
        if newsroom is not None:
            audit_record(
                obj=token,
                action="created",
                actor=by,
                summary=f"API token “{name}” ({prefix}…) made for the newsroom, as "
                f"{user.get_username()} ({Role(NEWSROOM_TOKEN_ROLE).label})",
                newsroom_id=newsroom.pk,
                draft_id=None,
            )
    return CreatedToken(token, secret)


def api_token_revoke(*, token: ApiToken, by: User) -> Done[ApiToken]:
    """Revoke ``token`` for good (a revoked one is left as it is: a repeated click is harmless).
    A personal token: only its owner; a newsroom token: only the newsroom's admins."""
    if token.newsroom_id is None:
        if token.user_id != by.pk:
            raise PermissionDenied("Only its owner revokes a personal token.")
    else:
        require(
            by=by,
            newsroom_id=token.newsroom_id,
            capability=Capability.MANAGE_MEMBERS,
            message="Only the newsroom's admins revoke its API tokens.",
        )
    with transaction.atomic():
        current = ApiToken.objects.select_for_update().get(pk=token.pk)
        if current.revoked_at is not None:
            return Done(current, False)
        current.revoked_at = timezone.now()
        current.revoked_by = by
        current.save(update_fields=["revoked_at", "revoked_by"])
        if current.newsroom_id is not None:
            # The account was made for this token alone: it leaves the newsroom with it.
            Membership.objects.filter(user_id=current.user_id).delete()
            get_user_model().objects.filter(pk=current.user_id).update(is_active=False)
            audit_record(
                obj=current,
                action="revoked",
                actor=by,
                summary=f"API token “{current.name}” ({current.prefix}…) revoked",
                newsroom_id=current.newsroom_id,
                draft_id=None,
            )
    return Done(current, True)


def api_token_touch(*, token: ApiToken, now: datetime, every_seconds: int) -> None:
    """Record that ``token`` was used ``now``, at most once in ``every_seconds``: a request on a
    token used less than that ago writes nothing (one conditional UPDATE otherwise, which a
    concurrent request's makes harmless)."""
    last = token.last_used_at
    if last is not None and (now - last).total_seconds() < every_seconds:
        return
    ApiToken.objects.filter(pk=token.pk, last_used_at=last).update(last_used_at=now)
    token.last_used_at = now


def _new_secret() -> tuple[str, str]:
    """A secret whose prefix no token has yet (48 random bits: a retry is rare)."""
    while True:
        secret = SECRET_START + secrets.token_urlsafe(32)
        prefix = secret[:PREFIX_LENGTH]
        if not ApiToken.objects.filter(prefix=prefix).exists():
            return secret, prefix


def _service_account(newsroom: Newsroom, name: str, prefix: str) -> User:
    """A user for a newsroom token: no usable password (it cannot sign in to the pages), an
    editor of ``newsroom`` alone. Its username names the newsroom and the token's prefix."""
    model = get_user_model()
    user = model(
        username=f"api.{newsroom.slug}.{prefix[len(SECRET_START) :]}"[:150],
        first_name=name[:150],
        last_name="(API token)",
    )
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, newsroom=newsroom, role=NEWSROOM_TOKEN_ROLE)
    return user
