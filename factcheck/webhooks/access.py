"""The access rule for webhooks and their deliveries: the newsroom admin's rule
(``factcheck.newsrooms.access.get_newsroom_for_admin``): 404 unless the user belongs to the hook's
newsroom, so an outsider cannot learn it exists; 403 for a member who is not its admin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from factcheck.newsrooms.access import Capability, get_for_member
from factcheck.webhooks.models import Delivery, Webhook

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def get_webhook_for_admin(user: User | AnonymousUser, pk: int) -> Webhook:
    hook, _ = get_for_member(
        Webhook.objects.select_related("newsroom"),
        pk,
        user,
        Capability.MANAGE_MEMBERS,
        newsroom_path="newsroom",
    )
    return hook


def get_delivery_for_admin(user: User | AnonymousUser, pk: int) -> Delivery:
    delivery, _ = get_for_member(
        Delivery.objects.select_related("webhook__newsroom"),
        pk,
        user,
        Capability.MANAGE_MEMBERS,
        newsroom_path="webhook__newsroom",
    )
    return delivery
