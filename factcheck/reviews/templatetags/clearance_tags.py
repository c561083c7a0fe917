"""``{% clearance_state draft as clearance %}``: what the clearance panel shows, worked out where
the panel is rendered, so any page holding a ``draft`` can include the panel unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import template
from django.http import HttpRequest

from factcheck.drafts.models import Draft
from factcheck.newsrooms.access import Capability, role_can, role_in
from factcheck.reviews.selectors import Blocker, clearance_blockers

register = template.Library()

SHOWN_BLOCKERS = 10


@dataclass(frozen=True)
class ClearanceState:
    cleared_at: datetime | None
    cleared_by: str
    blockers: list[Blocker]
    can_clear: bool  # the user's role has CLEAR
    back: str  # where a plain (non-htmx) clear should return to

    @property
    def cleared(self) -> bool:
        return self.cleared_at is not None

    @property
    def shown_blockers(self) -> list[Blocker]:
        return self.blockers[:SHOWN_BLOCKERS]

    @property
    def more_blockers(self) -> int:
        return max(0, len(self.blockers) - SHOWN_BLOCKERS)

    @property
    def offer_clear(self) -> bool:
        """The button shows for someone who may clear, when nothing blocks and it isn't yet."""
        return self.can_clear and not self.blockers and not self.cleared


@register.simple_tag(takes_context=True)
def clearance_state(context: template.Context, draft: Draft) -> ClearanceState:
    request: HttpRequest | None = context.get("request")
    user = getattr(request, "user", None)
    # The draft getters annotate the user's role; fall back to asking for it.
    role: Any = getattr(draft, "role", None)
    if role is None and user is not None:
        role = role_in(user, draft.newsroom_id)
    cleared_by = draft.cleared_by.get_username() if draft.cleared_by_id and draft.cleared_by else ""
    return ClearanceState(
        cleared_at=draft.cleared_at,
        cleared_by=cleared_by,
        blockers=clearance_blockers(draft),
        can_clear=role_can(role, Capability.CLEAR),
        back=_back(request, draft),
    )


def _back(request: HttpRequest | None, draft: Draft) -> str:
    if request is None:
        return draft.get_absolute_url()
    htmx = getattr(request, "htmx", None)
    if htmx:
        return htmx.current_url_abs_path or draft.get_absolute_url()
    return request.get_full_path()
