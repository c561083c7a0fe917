"""The notification list, the bell in the top bar, and marking notifications read.

A user sees only their own notifications, and only those of newsrooms they still belong to: a
notification about a newsroom they have left would link to pages that now answer 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from factcheck.htmx import Part, htmx_answer
from factcheck.http import AuthedHttpRequest, HtmxHttpRequest
from factcheck.notifications.models import Notification
from factcheck.notifications.services import notifications_mark_read

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

PAGE_SIZE = 25
LIST = "notifications/list.html"


@login_required
@require_GET
@vary_on_headers("HX-Request")
def notification_list(request: AuthedHttpRequest) -> HttpResponse:
    """The user's notifications, newest first, unread ones highlighted."""
    context = {
        "page": _page(request.user, request.GET.get("page")),
        "unread": _unread(request.user),
    }
    template = f"{LIST}#notifications" if request.htmx else LIST
    return render(request, template, context)


def bell(request: HtmxHttpRequest) -> HttpResponse:
    """The bell's link with the unread count: what the top bar polls every 30 seconds."""
    # Login first, then the method, as every other view (login_required outside require_GET).
    if not request.user.is_authenticated:
        if request.htmx:
            # Logged out in another tab or the session expired: never swap the login page into
            # the top bar. 286 tells htmx to stop polling; the plain link stays.
            return render(request, "notifications/_bell.html#bell-link", {}, status=286)
        return redirect_to_login(request.get_full_path())
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return render(request, "notifications/_bell.html#bell-link", {"unread": _unread(request.user)})


@login_required
@require_POST
def mark_read(request: AuthedHttpRequest) -> HttpResponse:
    """Mark one notification read (``id``), or all the user's unread ones (no ``id``)."""
    user = request.user
    raw = request.POST.get("id", "").strip()
    if not raw:
        count = notifications_mark_read(user=user)
        notice = f"Marked {count} notification{'' if count == 1 else 's'} read."

        def all_parts() -> list[Part]:
            context = {
                "page": _page(user, request.POST.get("page")),
                "unread": 0,
                "notice": notice,
                "oob": True,
            }
            return [(f"{LIST}#notifications", context), (f"{LIST}#flash", context)]

        return htmx_answer(
            request,
            redirect_to=reverse("notifications:list"),
            parts=all_parts,
            notice=notice,
            events=["notifications-read"],
        )

    # Someone else's id, or one of a newsroom the user has left: 404, as for any object the
    # user may not see.
    notification = get_object_or_404(_visible(user), pk=int(raw) if raw.isdigit() else 0)
    notifications_mark_read(user=user, ids=[notification.pk])
    notification.refresh_from_db(fields=["read_at"])

    def parts() -> list[Part]:
        # The item swaps in place; the flash line and the unread count go out of band.
        context = {
            "n": notification,
            "notice": "Marked read.",
            "unread": _unread(user),
            "oob": True,
            "unread_oob": True,
        }
        return [(f"{LIST}#{name}", context) for name in ("item", "flash", "unread")]

    return htmx_answer(
        request,
        redirect_to=reverse("notifications:list"),
        parts=parts,
        notice="Marked read.",
        events=["notifications-read"],
    )


def _visible(user: User | AnonymousUser) -> QuerySet[Notification]:
    """The user's own notifications in newsrooms they still belong to."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user, newsroom__memberships__user=user)


def _unread(user: User | AnonymousUser) -> int:
    """One query, whatever the number of notifications."""
    return _visible(user).filter(read_at__isnull=True).count()


def _page(user: User | AnonymousUser, number: str | None) -> Page[Notification]:
    rows = _visible(user).select_related("newsroom", "actor").order_by("-created_at", "-id")
    return Paginator(rows, PAGE_SIZE).get_page(number)
