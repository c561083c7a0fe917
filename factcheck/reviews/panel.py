"""The clearance panel's data (``reviews/_clearance_panel.html``), built by the views that show
the panel (the draft page, the panel's own refresh, clearing) and passed to the template as
``clearance``: the template only renders it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from factcheck.drafts.models import Draft
from factcheck.newsrooms.access import Capability, role_can
from factcheck.reviews.selectors import Blocker, clearance_blockers

SHOWN_BLOCKERS = 10


@dataclass(frozen=True)
class ClearanceState:
    cleared_at: datetime | None
    cleared_by: str
    blockers: list[Blocker]
    can_clear: bool  # the user's role has CLEAR

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


def clearance_panel(*, draft: Draft, role: str | None) -> ClearanceState:
    """What the panel shows: the blockers (three queries, whatever their number) and, for a
    cleared draft, who cleared it (one more, unless the draft has its ``cleared_by`` loaded).
    ``role`` is the user's role in the draft's newsroom, as the draft getter found it."""
    cleared_by = draft.cleared_by.get_username() if draft.cleared_by_id and draft.cleared_by else ""
    return ClearanceState(
        cleared_at=draft.cleared_at,
        cleared_by=cleared_by,
        blockers=clearance_blockers(draft),
        can_clear=role_can(role, Capability.CLEAR),
    )
