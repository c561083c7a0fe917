"""Small text helpers any layer may import (views, services, selectors, tasks)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.forms import BaseForm


def short(text: str, length: int = 80) -> str:
    """``text`` cut to at most ``length`` characters, an ellipsis marking the cut."""
    return text if len(text) <= length else text[: length - 1] + "…"


def first_error(form: BaseForm) -> str:
    """The form's first error message, to show as the flash line."""
    return next((str(e) for errors in form.errors.values() for e in errors), "Check the form.")


WEB_LINK = re.compile(r"https?://[^\s/?#]", re.IGNORECASE)


def is_web_link(url: str) -> bool:
    """An http(s) address: the only links a user writes that the desk renders as ``href``, so
    that no ``javascript:`` or ``data:`` URL becomes a link that runs a script."""
    return bool(WEB_LINK.match(url))
