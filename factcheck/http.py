"""Request types for view signatures, so that ``request.htmx`` and ``request.user`` type-check.

``HtmxHttpRequest`` is the one django-htmx documents (its middleware sets ``htmx``);
``AuthedHttpRequest`` is for views behind ``@login_required``, where ``user`` is a ``User``.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthedHttpRequest(HtmxHttpRequest):
    user: User
