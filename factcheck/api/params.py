"""Query-string filters of the API's lists, checked: a value the list does not know is a 400
naming the parameter, never silently ignored."""

from __future__ import annotations

from collections.abc import Iterable

from rest_framework import exceptions


def flag(raw: str | None, name: str) -> bool | None:
    """``true`` / ``false`` (or 1/0, yes/no); None when absent."""
    if raw is None or raw == "":
        return None
    lowered = raw.lower()
    if lowered in {"1", "true", "yes"}:
        return True
    if lowered in {"0", "false", "no"}:
        return False
    raise exceptions.ValidationError({name: [f"Use true or false, not {raw!r}."]})


def choice(raw: str | None, choices: Iterable[str], name: str) -> str:
    """One of ``choices``; "" when absent."""
    if raw is None or raw == "":
        return ""
    allowed = [c for c in choices if c]
    if raw not in allowed:
        raise exceptions.ValidationError({name: [f"Use one of: {', '.join(allowed)}."]})
    return raw


def number(raw: str | None, name: str) -> int | None:
    """A positive whole number; None when absent."""
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
        raise exceptions.ValidationError({name: ["A whole number (1, 2, …)."]})
    return int(raw)
