"""A newsroom's webhooks, for its admins (others 403, outsiders 404): the list with the form for a
new hook, a hook's page (its secret, events and state; delete), its delivery log with each
attempt, and re-sending a delivery. Plain forms: each POST answers with a redirect, or the page
again with the error (422)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from factcheck.errors import FactcheckError
from factcheck.http import AuthedHttpRequest
from factcheck.newsrooms.access import get_newsroom_for_admin
from factcheck.newsrooms.models import Newsroom
from factcheck.webhooks.access import get_delivery_for_admin, get_webhook_for_admin
from factcheck.webhooks.forms import WebhookCreateForm, WebhookEditForm
from factcheck.webhooks.models import Delivery, DeliveryAttempt, Webhook
from factcheck.webhooks.services import (
    delivery_resend,
    webhook_create,
    webhook_delete,
    webhook_update,
)
from factcheck.webhooks.signing import REPLAY_WINDOW_SECONDS

DELIVERIES_PER_PAGE = 25


@login_required
@require_GET
def webhook_list(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    newsroom, _ = get_newsroom_for_admin(request.user, slug)
    return _list(request, newsroom, WebhookCreateForm())


@login_required
@require_POST
def webhook_new(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    newsroom, _ = get_newsroom_for_admin(request.user, slug)
    form = WebhookCreateForm(request.POST)
    if not form.is_valid():
        return _list(request, newsroom, form, status=422)
    try:
        hook = webhook_create(
            newsroom=newsroom,
            url=form.cleaned_data["url"],
            events=form.cleaned_data["events"],
            by=request.user,
        )
    except FactcheckError as exc:
        form.add_error("url", str(exc))
        return _list(request, newsroom, form, status=422)
    messages.success(request, "Webhook created. Copy its secret into your receiver.")
    return redirect(hook.get_absolute_url())


def _list(
    request: AuthedHttpRequest, newsroom: Newsroom, form: WebhookCreateForm, *, status: int = 200
) -> HttpResponse:
    hooks = Webhook.objects.filter(newsroom=newsroom).annotate(
        failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
        last_delivery=Max("deliveries__created_at"),
    )
    context = {"newsroom": newsroom, "hooks": hooks, "form": form}
    return render(request, "webhooks/list.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def webhook_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    hook = get_webhook_for_admin(request.user, pk)
    if request.method == "GET":
        form = WebhookEditForm(initial={"events": hook.events, "active": hook.active})
        return _detail(request, hook, form)
    form = WebhookEditForm(request.POST)
    if not form.is_valid():
        return _detail(request, hook, form, status=422)
    try:
        webhook_update(
            webhook=hook,
            events=form.cleaned_data["events"],
            active=form.cleaned_data["active"],
            by=request.user,
        )
    except FactcheckError as exc:
        form.add_error(None, str(exc))
        return _detail(request, hook, form, status=422)
    messages.success(request, "Webhook saved.")
    return redirect(hook.get_absolute_url())


def _detail(
    request: AuthedHttpRequest, hook: Webhook, form: WebhookEditForm, *, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {
        "hook": hook,
        "newsroom": hook.newsroom,
        "form": form,
        "window_minutes": REPLAY_WINDOW_SECONDS // 60,
    }
    return render(request, "webhooks/detail.html", context, status=status)


@login_required
@require_POST
def webhook_remove(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    hook = get_webhook_for_admin(request.user, pk)
    webhook_delete(webhook=hook, by=request.user)
    messages.success(request, f"Webhook to {hook.url} deleted.")
    return redirect(reverse("webhooks:list", kwargs={"slug": hook.newsroom.slug}))


@login_required
@require_GET
def webhook_deliveries(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    hook = get_webhook_for_admin(request.user, pk)
    rows = (
        Delivery.objects.filter(webhook=hook)
        .select_related("resent_by")
        .prefetch_related(
            Prefetch("attempt_log", queryset=DeliveryAttempt.objects.order_by("number"))
        )
        .order_by("-created_at", "-pk")
    )
    page = Paginator(rows, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"hook": hook, "newsroom": hook.newsroom, "page": page}
    return render(request, "webhooks/deliveries.html", context)


@login_required
@require_POST
def delivery_resend_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    delivery = get_delivery_for_admin(request.user, pk)
    try:
        delivery_resend(delivery=delivery, by=request.user)
    except FactcheckError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Delivery {delivery.pk} queued to be sent again.")
    url = reverse("webhooks:deliveries", kwargs={"pk": delivery.webhook_id})
    return redirect(f"{url}#d-{delivery.pk}")
