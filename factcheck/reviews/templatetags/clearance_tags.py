"""``{% clearance_back draft %}``: where a plain (non-htmx) "Clear for publication" returns to,
read from the request. What the panel shows comes from ``factcheck.reviews.panel``."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

from factcheck.drafts.models import Draft

register = template.Library()


@register.simple_tag(takes_context=True)
def clearance_back(context: template.Context, draft: Draft) -> str:
    request: HttpRequest | None = context.get("request")
    if request is None:
        return draft.get_absolute_url()
    htmx = getattr(request, "htmx", None)
    if htmx:
        return htmx.current_url_abs_path or draft.get_absolute_url()
    return request.get_full_path()
