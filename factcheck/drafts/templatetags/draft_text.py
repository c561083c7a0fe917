"""The draft text's markup, built in Python.

A draft page holds hundreds of units; rendering each through template tags cost more than the
60 ms page budget (see bench/), so the unit's HTML is built here, once, for both the full page
and the htmx fragment that replaces one unit.
"""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from factcheck.drafts.selectors import UnitView

register = template.Library()


@register.simple_tag
def unit_html(unit: UnitView, can_mark: bool, oob: bool = False) -> SafeString:
    """``<span id="u-N" …>text<button …></button></span>`` for one unit."""
    classes = f"u u-{unit.kind}" + (" is-claim" if unit.claim else "")
    attrs = (
        f'id="u-{unit.index}" class="{classes}" data-i="{unit.index}" '
        f'data-start="{unit.start}" data-end="{unit.end}"'
    )
    if unit.checkable:
        attrs += ' tabindex="-1"'
    if oob:
        attrs += ' hx-swap-oob="true"'
    text = "".join(
        f'<mark class="span-claim">{escape(p.text)}</mark>' if p.marked else escape(p.text)
        for p in unit.pieces
    )
    button = ""
    if unit.checkable and can_mark:
        if unit.claim:
            button = (
                f'<button class="mark" name="unmark" value="{unit.index}" aria-pressed="true" '
                f'aria-label="Unmark sentence {unit.index}">✓</button>'
            )
        else:
            button = (
                f'<button class="mark" name="mark" value="{unit.index}" aria-pressed="false" '
                f'aria-label="Mark sentence {unit.index} as a claim">+</button>'
            )
    return mark_safe(f"<span {attrs}>{text}{button}</span>")  # noqa: S308 - every part escaped above
