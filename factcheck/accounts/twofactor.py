"""The "require 2FA for members" rule of a newsroom: a member without an active TOTP
authenticator is refused anything of that newsroom until they set one up.

The newsroom access layer (``factcheck.newsrooms.access``) asks :func:`ensure_two_factor` when
the row it read says the newsroom requires it, so newsrooms without the rule pay no query;
``factcheck.accounts.middleware`` turns the refusal into a redirect to the set-up page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

MESSAGE = (
    "This newsroom requires two-factor authentication. Set up an authenticator app to continue."
)

# Whether the user has TOTP, read once per user object (a request's user is loaded afresh).
_HAS_TOTP = "_factcheck_has_totp"


class TwoFactorRequired(PermissionDenied):
    """A member of a newsroom that requires 2FA, without it. A PermissionDenied, so that anything
    that does not know about it still refuses (403, the API's 403); the middleware redirects
    a page's request to the set-up page instead."""

    def __init__(self, message: str = MESSAGE) -> None:
        super().__init__(message)


def has_totp(user: User | AnonymousUser) -> bool:
    """Whether ``user`` has an active TOTP authenticator (one query, then remembered)."""
    if not user.is_authenticated:
        return False
    known = getattr(user, _HAS_TOTP, None)
    if known is None:
        known = Authenticator.objects.filter(user=user.pk, type=Authenticator.Type.TOTP).exists()
        setattr(user, _HAS_TOTP, known)
    return bool(known)


def exempt_from_two_factor(user: User) -> None:
    """Treat this user object (one request's) as having 2FA: a newsroom token's service
    account, vouched for by the admin who made the token."""
    setattr(user, _HAS_TOTP, True)


def ensure_two_factor(user: User | AnonymousUser) -> None:
    """TwoFactorRequired unless ``user`` has an active TOTP authenticator."""
    if not has_totp(user):
        raise TwoFactorRequired()


def newsroom_allowed_q(user_pk: int, prefix: str = "") -> Q:
    """A filter on newsrooms (or on rows through ``prefix``, ``"newsroom__"``): those that do
    not require 2FA, or all when the user has TOTP. A subquery, so no query of its own."""
    totp = Authenticator.objects.filter(user=user_pk, type=Authenticator.Type.TOTP)
    return Q(**{f"{prefix}require_2fa": False}) | Q(Exists(totp))
