"""The authentication backend: allauth's (username or email and password, on Django's
``ModelBackend``), with the request's user read by a query compiled once
(``factcheck.prepared``), since every request reads it."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from factcheck.prepared import Prepared

_USER: Prepared[User] = Prepared(lambda user: get_user_model()._default_manager.filter(pk=user))


class ModelBackend(AuthenticationBackend):
    """allauth's backend (passwords, permissions, inactive users refused), with ``get_user``
    prepared."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None  # a session from elsewhere, or tampered with: nobody
        found = _USER(user=pk)
        if not found:
            return None
        user = found[0]
        return user if self.user_can_authenticate(user) else None
