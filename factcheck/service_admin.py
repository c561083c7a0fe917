"""The Django admin's share of "services own writes": model admins whose rows are read-only
(no add, no change form that saves, no delete) and actions that call a service once per
selected object, so the state machines, the role checks and the history hold for the site admin
too (the services let a site admin act in any newsroom, and the history names them)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest

from factcheck.errors import FactcheckError
from factcheck.http import authed_user

M = TypeVar("M", bound=Model)


class ServiceOwned:
    """A model whose rows only services write: the admin shows them (every field read-only, the
    change page a view page) and refuses to add, save or delete them: a POST to a change form
    is a 403. Its actions go through the services (:func:`each`)."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def each(
    model_admin: admin.ModelAdmin[M],
    request: HttpRequest,
    objects: Iterable[M],
    service: Callable[[M, User], object],
    *,
    done: str,
) -> int:
    """Call ``service(obj, by)`` for each object, as the signed-in site admin; a refusal (a
    move the state machine forbids, a role the newsroom does not give) is reported and stops
    no other. ``done``: the message's verb, "Dismissed" → "Dismissed 3 claim(s).". The number
    of objects the service took."""
    by = authed_user(request)
    count = 0
    for obj in objects:
        try:
            service(obj, by)
            count += 1
        except (FactcheckError, PermissionDenied) as exc:
            model_admin.message_user(request, f"“{obj}”: {exc}", messages.WARNING)
    noun = model_admin.model._meta.verbose_name
    model_admin.message_user(request, f"{done} {count} {noun}(s).", messages.SUCCESS)
    return count
