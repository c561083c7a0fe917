"""Request types for view signatures, so that ``request.htmx`` and ``request.user`` type-check.

``HtmxHttpRequest`` is the one django-htmx documents (its middleware sets ``htmx``);
``AuthedHttpRequest`` is for views behind ``@login_required``, where ``user`` is a ``User``.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthedHttpRequest(HtmxHttpRequest):
    user: User


def authed_user(request: HttpRequest) -> User:
    """The signed-in user of a request that has passed a login check (the Django admin's
    actions and forms, whose signatures Django fixes as ``HttpRequest``)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user
