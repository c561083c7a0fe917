"""Recognising site furniture pasted along with an article: comment forms, share prompts,
subscription pleas, newsletter and messenger invitations, copyright lines.

Each block (paragraph) is scored in the spirit of jusText: *strong* phrases are furniture on
their own ("Leave a Reply", "Your email address will not be published"); *weak* phrases
(journalism, readers paying, advertising revenue) are only furniture next to other furniture, so
an article *about* journalism is left alone, and only at the head or foot of the text, where
pages put their furniture. A block with no cue at all that stands between two furniture blocks is
furniture too: that is how a plea's body text reads at the foot of a page.
"""

from __future__ import annotations

import re

_STRONG = re.compile(
    r"""
    ^leave\s+a\s+(?:reply|comment)\b
    | ^(?:post\s+a\s+)?comments?\s*:?$
    | your\s+email\s+address\s+will\s+not\s+be\s+published
    | required\s+fields\s+are\s+marked
    | save\s+my\s+name,\s+email
    | \b(?:join|follow)\s+(?:us|our)\b.{0,40}\b(?:whatsapp|telegram|facebook|twitter|instagram
        |youtube|tiktok|channel|group|newsletter)\b
    | \b(?:whatsapp|telegram)\s+(?:group|channel)\b.{0,30}\bjoin\b
    | ^(?:subscribe|sign\s+up)\b.{0,60}\b(?:newsletter|updates|now|today|free)\b
    | \bsubscribe\s+to\s+(?:our|the)\s+(?:newsletter|channel)\b
    | ^share\s+(?:this|on)\b | ^share\s*:?$ | ^(?:tweet|email|print)\s+this\b
    | \bclick\s+here\s+to\b
    | \ball\s+rights\s+reserved\b | ^©|^copyright\s+(?:©\s*)?\d{4}
    | ^(?:related|recommended|trending|popular)\s+(?:articles?|posts?|stories|news)\s*:?$
    | ^(?:read\s+(?:more|also|next)|see\s+also)\s*:
    | ^advertisement$
    | \bwe\s+use\s+cookies\b | ^cookie\s+policy\b
    | ^tags?\s*:
    | ^(?:previous|next)\s+(?:article|post|story)\b | ^post\s+navigation$
    | \bbe\s+part\s+of\s+quality\s+journalism\b
    | \bsupport\s+(?:our|independent|quality)\s+journalism\b
    | \b(?:donate|contribute)\s+(?:now|today)\b
    """,
    re.IGNORECASE | re.VERBOSE,
)

_WEAK = re.compile(
    r"""
    \bjournalism\b | \breporters\s+and\s+editors\b | \badvertising\s+revenues?\b
    | \bpaying\b | \bsubscri(?:be|ption|bers?)\b | \bdonat(?:e|ion)s?\b | \bnewsletter\b
    | \bsupport\s+us\b | \bpaywall\b | \breaders?\b.{0,40}\bthan\s+ever\b
    | \b(?:email|website|name)\s*\*
    """,
    re.IGNORECASE | re.VERBOSE,
)

_NONE, _WEAK_CUE, _STRONG_CUE = 0, 1, 2


def find(blocks: list[list[str]]) -> set[tuple[int, int]]:
    """Return ``(block, unit)`` positions of furniture, given each block's unit texts."""
    cues = [_cue(units) for units in blocks]
    furniture = [cue == _STRONG_CUE for cue in cues]

    changed = True
    while changed:
        changed = False
        for index, cue in enumerate(cues):
            if furniture[index]:
                continue
            before = index > 0 and furniture[index - 1]
            after = index + 1 < len(cues) and furniture[index + 1]
            # Weak cues count only where furniture lives: the head and foot of a page, with no
            # plain article block between them and the edge. Mid-article, "subscribers" next to
            # an "Advertisement" line is business news.
            edge = all(furniture[:index]) or all(cues[index + 1 :])
            if (cue == _WEAK_CUE and edge and (before or after)) or (before and after):
                furniture[index] = True
                changed = True

    found = {(b, u) for b, units in enumerate(blocks) if furniture[b] for u in range(len(units))}
    # A long article paragraph may end with a single prompt ("Click here to subscribe."):
    # only that unit is furniture.
    for b, units in enumerate(blocks):
        if not furniture[b]:
            found.update((b, u) for u, unit in enumerate(units) if _STRONG.search(unit.strip()))
    return found


def is_furniture_line(text: str) -> bool:
    """Whether ``text`` alone is site furniture ("Comments", "Share this", "Related
    stories:"), by the strong cues :func:`find` starts from."""
    return bool(_STRONG.search(text.strip()))


def _cue(units: list[str]) -> int:
    if not units:
        return _NONE
    strong = sum(1 for unit in units if _STRONG.search(unit.strip()))
    if strong and strong * 2 >= len(units):
        return _STRONG_CUE
    if strong or any(_WEAK.search(unit) for unit in units):
        return _WEAK_CUE
    return _NONE
