"""Writing the audit trail. Every service that changes a draft, claim, task, verdict or
assignment calls :func:`audit_record` inside its own transaction, so the change and its record
commit or roll back together."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, QuerySet

from factcheck.bulk import bulk_insert
from factcheck.errors import ConflictError
from factcheck.history.models import AuditEntry, Versioned

if TYPE_CHECKING:
    from django.contrib.auth.models import User

M = TypeVar("M", bound=Versioned)


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
    entry = audit_entry(
        obj=obj,
        action=action,
        actor=actor,
        summary=summary,
        newsroom_id=newsroom_id,
        draft_id=draft_id,
        changes=changes,
    )
    entry.save(force_insert=True)
    return entry


def audit_entry(
    *,
    obj: Model,
    action: str,
    actor: User | None,
    summary: str,
    newsroom_id: int,
    draft_id: int | None,
    changes: Mapping[str, tuple[Any, Any]] | None = None,
) -> AuditEntry:
    """The entry :func:`audit_record` writes, not saved yet: a service that changes many rows in
    one click writes their entries with :func:`audit_record_many`, in one statement."""
    return AuditEntry(
        newsroom_id=newsroom_id,
        draft_id=draft_id,
        object_type=obj._meta.model_name or "",
        object_id=obj.pk,
        action=action,
        summary=summary[:300],
        changes={field: [_plain(b), _plain(a)] for field, (b, a) in (changes or {}).items()},
        actor=actor,
    )


def audit_record_many(entries: list[AuditEntry]) -> None:
    """Write the entries of :func:`audit_entry` in one statement whatever their number
    (:func:`factcheck.bulk.bulk_insert`): a service that writes one entry per claim of a draft
    costs no more queries for more claims. The entries get no primary key back."""
    bulk_insert(AuditEntry, entries)


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


def lock_for_change(
    queryset: QuerySet[M], pk: int, *, expected_version: int | None, now: Callable[[M], str]
) -> M:
    """The row, locked for the rest of the transaction (``select_for_update``), refused by
    :func:`refuse_stale` when it moved on since ``expected_version``. Used by every service that
    edits a versioned object."""
    return refuse_stale(queryset.select_for_update().get(pk=pk), expected_version, now)


def refuse_stale(current: M, expected_version: int | None, now: Callable[[M], str]) -> M:
    """``current`` (a locked row) unless it has moved on since ``expected_version`` (the version
    the user saw): then ConflictError naming who changed it and, through ``now``, what it is
    now. No update is ever lost silently. A service that first looks for a repeated click (the
    row already as asked: nothing to do, nothing to refuse) locks the row itself, then calls this.
    """
    if expected_version is not None and current.version != expected_version:
        noun = current._meta.model_name or "item"
        last = (
            AuditEntry.objects.filter(object_type=noun, object_id=current.pk)
            .select_related("actor")
            .first()
        )
        who = str(last.actor) if last and last.actor else "someone else"
        raise ConflictError(
            f"{who} changed this {noun} while you were working on it (now: {now(current)}). "
            "Your input is kept below: review it against theirs and send it again.",
            current=current,
            changed_by=who,
        )
    return current


def save_with_history(
    obj: M,
    *,
    by: User | None,
    values: Mapping[str, Any],
    changes: Mapping[str, tuple[Any, Any]],
    action: str,
    summary: str,
    newsroom_id: int,
    draft_id: int | None,
) -> M:
    """Apply ``values``, bump the version, save those fields and record the change."""
    for field, value in values.items():
        setattr(obj, field, value)
    obj.version += 1
    obj.save(update_fields=[*values, "version", "updated_at"])
    audit_record(
        obj=obj,
        action=action,
        actor=by,
        summary=summary,
        newsroom_id=newsroom_id,
        draft_id=draft_id,
        changes=changes,
    )
    return obj
