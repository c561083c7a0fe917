"""``Authorization: Bearer <token>`` for the API.

The token is found by its prefix (the clear part, unique) and its secret checked by comparing
sha256 hashes in constant time. A revoked or expired token, or one whose user is inactive, is
refused (401). ``last_used_at`` is written at most once a minute per token, not on every request.
"""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from factcheck.accounts.twofactor import exempt_from_two_factor
from factcheck.api.models import ApiToken
from factcheck.api.services import PREFIX_LENGTH, SECRET_START, api_token_touch, key_hash

KEYWORD = b"bearer"


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD:
            return None  # no credentials: the permission check answers 401
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Give the token as “Authorization: Bearer <token>”, with no spaces in it."
            )
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("That token is not valid.") from None
        return authenticate_secret(secret)

    def authenticate_header(self, request: Request) -> str:
        # A 401 (not a 403) for a request without a valid token, telling the scheme to use.
        return 'Bearer realm="api"'


def authenticate_secret(secret: str) -> tuple[User, ApiToken]:
    """The user and token of ``secret``, or AuthenticationFailed (one query; a second, at most
    once a minute, to record the use)."""
    invalid = exceptions.AuthenticationFailed("That token is not valid.")
    if not secret.startswith(SECRET_START) or len(secret) < PREFIX_LENGTH + 8:
        raise invalid
    token = ApiToken.objects.select_related("user").filter(prefix=secret[:PREFIX_LENGTH]).first()
    # Hash whatever came, so that a wrong prefix and a wrong secret take the same time.
    given = key_hash(secret)
    if token is None or not hmac.compare_digest(given, token.key_hash):
        raise invalid
    now = timezone.now()
    status = token.status_at(now)
    if status == ApiToken.Status.REVOKED:
        raise exceptions.AuthenticationFailed("That token was revoked.")
    if status == ApiToken.Status.EXPIRED:
        raise exceptions.AuthenticationFailed("That token has expired.")
    if not token.user.is_active:
        raise exceptions.AuthenticationFailed("The token's user is inactive.")
    api_token_touch(token=token, now=now, every_seconds=settings.API_TOKEN_TOUCH_SECONDS)
    if token.newsroom_id is not None:
        # A newsroom token's service account has no phone: the newsroom's admin who made the
        # token stands for it. A personal token is its owner, held to the newsroom's 2FA rule.
        exempt_from_two_factor(token.user)
    return token.user, token


def request_token(request: Any) -> ApiToken | None:
    """The API token a request was authenticated with, if any."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None
