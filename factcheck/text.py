"""Small text helpers any layer may import (views, services, selectors, tasks)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.forms import BaseForm


def short(text: str, length: int = 80) -> str:
    """``text`` cut to at most ``length`` characters, an ellipsis marking the cut."""
    return text if len(text) <= length else text[: length - 1] + "…"


def first_error(form: BaseForm) -> str:
    """The form's first error message, to show as the flash line."""
    return next((str(e) for errors in form.errors.values() for e in errors), "Check the form.")
