"""Writing the audit trail. Every service that changes a draft, claim, task, verdict or
assignment calls :func:`audit_record` inside its own transaction, so the change and its record
commit or roll back together."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from factcheck.history.models import AuditEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import Model


def audit_record(
    *,
    obj: Model,
    action: str,
    actor: User | None,
    summary: str,
    newsroom_id: int,
    draft_id: int | None,
    changes: Mapping[str, tuple[Any, Any]] | None = None,
) -> AuditEntry:
    """Record that ``actor`` did ``action`` to ``obj``; ``changes`` maps field → (before, after)."""
    return AuditEntry.objects.create(
        newsroom_id=newsroom_id,
        draft_id=draft_id,
        object_type=obj._meta.model_name or "",
        object_id=obj.pk,
        action=action,
        summary=summary[:300],
        changes={field: [_plain(b), _plain(a)] for field, (b, a) in (changes or {}).items()},
        actor=actor,
    )


def changed_fields(obj: Model, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The (before, after) pairs of ``values`` that differ from ``obj``'s current fields."""
    return {
        field: (getattr(obj, field), value)
        for field, value in values.items()
        if getattr(obj, field) != value
    }


def _plain(value: Any) -> Any:
    """JSON-safe: datetimes as ISO text, model instances as their string, others as they are."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "_meta"):
        return str(value)
    return value
