"""What a service that a repeated click may call returns."""

from __future__ import annotations

from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")


class Done(NamedTuple, Generic[T]):
    """The object, and whether the call changed anything (False: it was already as asked, so
    nothing was written and no version was checked: a double click is never a conflict)."""

    obj: T
    changed: bool
