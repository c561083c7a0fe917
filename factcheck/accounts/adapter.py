"""allauth's adapters for the desk: who may sign up, and where a login goes first."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse

from factcheck.accounts.twofactor import MESSAGE, has_totp

# The hook for invitations: a view that has checked an invitation puts its id in the session
# under this key (and, when the invitation's address is the one signing up, allauth's
# ``account_verified_email`` with it), which opens signup for that session alone.
INVITATION_SESSION_KEY = "factcheck_invitation"


def invited(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(INVITATION_SESSION_KEY))


def needs_two_factor_setup(user: Any) -> bool:
    """A member of a newsroom that requires 2FA, without TOTP (asked once, at login)."""
    from factcheck.newsrooms.models import Newsroom

    return Newsroom.objects.filter(
        memberships__user=user.pk, require_2fa=True
    ).exists() and not has_totp(user)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """A desk is invite-based: signup is open only with OPEN_SIGNUP or for a
        session that carries an invitation."""
        return bool(settings.OPEN_SIGNUP) or invited(request)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """After login, a member of a newsroom that requires 2FA and has none sets it up
        first (the newsroom's pages would send them there anyway)."""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and needs_two_factor_setup(user):
            messages.warning(request, MESSAGE)
            return reverse("mfa_activate_totp")
        return str(super().get_login_redirect_url(request))

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The key of the per-account failed-login limit: the account, however it was named
        (username, address, any casing), so that naming it two ways does not double the
        attempts; what was typed when no account has that name. allauth keys by what was typed
        (this is its hook, also called when a password reset clears the count)."""
        login = str(credentials.get("email", credentials.get("username", ""))).strip()
        pk = (
            get_user_model()
            ._default_manager.filter(
                Q(username__iexact=login)
                | Q(email__iexact=login)
                | Q(emailaddress__email__iexact=login)
            )
            .values_list("pk", flat=True)
            .first()
            if login
            else None
        )
        return f"user:{pk}" if pk is not None else f"login:{login.lower()}"


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        """A first single sign-on creates an account only with OIDC_ALLOW_SIGNUP (or an
        invitation); otherwise SSO logs in accounts that exist already."""
        return bool(settings.OIDC_ALLOW_SIGNUP) or invited(request)
