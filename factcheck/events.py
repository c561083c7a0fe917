"""A tiny in-process event registry: how a lower layer says what happened without calling up.

A service of a lower app (claims, drafts) emits an event; the apps above it (reviews, insights,
sources) subscribe handlers in their ``AppConfig.ready()``. Handlers run synchronously, at once,
inside the emitter's transaction: what they write (a task moved on, the clearance refreshed, a
small draft analysed) commits or rolls back with the change that caused it, as when the lower
service called them directly. Anything slow or outside the database (Celery, email) is the
handler's to send with ``transaction.on_commit``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from factcheck.claims.models import Claim
    from factcheck.drafts.models import Draft, Revision
    from factcheck.insights.models import Finding
    from factcheck.reviews.models import Task


@dataclass(frozen=True)
class ClaimsChanged:
    """Claims of one draft changed status or content: tasks may move, clearance may change.
    ``locked_draft``: their draft, when the emitter holds its row lock and read it under the
    lock (marking does), so that a handler can decide from it without reading it again."""

    claims: tuple[Claim, ...]
    by: User | None
    locked_draft: Draft | None = None


@dataclass(frozen=True)
class ClaimsMarked:
    """Spans were newly marked as claims, one or many in one click (not restored: that is a
    ``ClaimsChanged``)."""

    claims: tuple[Claim, ...]
    by: User | None


@dataclass(frozen=True)
class RevisionImported:
    """A revision and its ``units`` sentences were written: it can be analysed."""

    revision: Revision
    units: int


@dataclass(frozen=True)
class ClaimApproved:
    """An editor approved a claim's verdict (``claim.draft`` is loaded)."""

    claim: Claim
    by: User | None


@dataclass(frozen=True)
class TaskAssigned:
    """A task was given to ``task.assignee`` (on creation or later; ``task.draft`` is loaded)."""

    task: Task
    by: User | None


@dataclass(frozen=True)
class DraftClearanceChanged:
    """A draft was cleared for publication, or lost its clearance (``why``: the first blocker)."""

    draft: Draft
    by: User | None
    cleared: bool
    why: str = ""


@dataclass(frozen=True)
class FindingsOpened:
    """The analysis stored new open findings of one revision (each with its primary key)."""

    findings: tuple[Finding, ...]


E = TypeVar("E")
_handlers: dict[type, list[Callable[[Any], None]]] = {}


def subscribe(event_type: type[E], handler: Callable[[E], None]) -> None:
    """Call ``handler`` for every ``event_type`` emitted; subscribing twice is harmless."""
    handlers = _handlers.setdefault(event_type, [])
    if handler not in handlers:
        handlers.append(handler)


def emit(event: object) -> None:
    for handler in _handlers.get(type(event), ()):
        handler(event)
