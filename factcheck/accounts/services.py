"""Writes about accounts that a newsroom owns: its "require 2FA for members" switch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from factcheck.accounts.twofactor import has_totp
from factcheck.errors import FactcheckError
from factcheck.history.services import audit_record
from factcheck.newsrooms.access import Capability, require
from factcheck.newsrooms.models import Newsroom

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def newsroom_require_2fa_set(*, newsroom: Newsroom, by: User | None, required: bool) -> Newsroom:
    """Switch "require 2FA for members" on or off: the newsroom's admins only, each change in
    its history. An admin turns it on only with an authenticator of their own (else the switch
    would lock them out of the page they are on). Setting it as it is writes nothing."""
    require(
        by=by,
        newsroom_id=newsroom.pk,
        capability=Capability.MANAGE_MEMBERS,
        message="Only the newsroom's admins change its security settings.",
    )
    if required and by is not None and not has_totp(by):
        raise FactcheckError(
            "Set up two-factor authentication for yourself first, then require it of members."
        )
    current = Newsroom.objects.select_for_update().get(pk=newsroom.pk)
    newsroom.require_2fa = required
    if current.require_2fa == required:
        return newsroom
    Newsroom.objects.filter(pk=newsroom.pk).update(require_2fa=required)
    audit_record(
        obj=newsroom,
        action="require_2fa_set",
        actor=by,
        summary=(
            "Required two-factor authentication of members"
            if required
            else "Stopped requiring two-factor authentication of members"
        ),
        newsroom_id=newsroom.pk,
        draft_id=None,
        changes={"require_2fa": (current.require_2fa, required)},
    )
    return newsroom
