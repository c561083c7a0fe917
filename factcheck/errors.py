"""Errors the services raise for the user to read. ``str(exc)`` is always a sentence fit to show."""

from __future__ import annotations

from typing import Any


class FactcheckError(ValueError):
    """Input or an action we refuse, with a message for the user."""


class TransitionError(FactcheckError):
    """A status change the state machine does not allow from the current state."""


class ConflictError(FactcheckError):
    """Someone else changed the object since the user loaded it.

    ``current`` is the object as it is now, so the page can show the other change; nothing the
    user sent is lost: the view shows it again beside the current state.
    """

    def __init__(self, message: str, *, current: Any, changed_by: str = "") -> None:
        super().__init__(message)
        self.current = current
        self.changed_by = changed_by
