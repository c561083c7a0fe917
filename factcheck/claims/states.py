"""The claim state machine: the one table of allowed moves and who may make them.

unchecked → checking → proposed → approved, with send-back (proposed → checking), re-review
(approved → proposed, when an approved claim's wording or verdict is edited), dismissal from any
live state and restoring a dismissed claim.
"""

from __future__ import annotations

from factcheck.claims.models import Claim
from factcheck.errors import TransitionError
from factcheck.newsrooms.access import Capability

S = Claim.Status

# (from, to) → the capability the move needs.
MOVES: dict[tuple[str, str], Capability] = {
    (S.UNCHECKED, S.CHECKING): Capability.PROPOSE_VERDICT,
    (S.UNCHECKED, S.PROPOSED): Capability.PROPOSE_VERDICT,
    (S.CHECKING, S.UNCHECKED): Capability.PROPOSE_VERDICT,
    (S.CHECKING, S.PROPOSED): Capability.PROPOSE_VERDICT,
    (S.PROPOSED, S.PROPOSED): Capability.PROPOSE_VERDICT,  # a revised proposal
    (S.PROPOSED, S.APPROVED): Capability.APPROVE,
    (S.PROPOSED, S.CHECKING): Capability.APPROVE,  # sent back
    (S.APPROVED, S.PROPOSED): Capability.PROPOSE_VERDICT,  # edited after approval: re-review
    (S.UNCHECKED, S.DISMISSED): Capability.MARK_CLAIMS,
    (S.CHECKING, S.DISMISSED): Capability.MARK_CLAIMS,
    (S.PROPOSED, S.DISMISSED): Capability.MARK_CLAIMS,
    (S.APPROVED, S.DISMISSED): Capability.MARK_CLAIMS,
    (S.DISMISSED, S.UNCHECKED): Capability.MARK_CLAIMS,
}


def check_move(current: str, target: str) -> Capability:
    """The capability the move needs; TransitionError when the move is not allowed at all."""
    try:
        return MOVES[(current, target)]
    except KeyError:
        if current not in S.values or target not in S.values:
            raise TransitionError(f"“{target}” is not a status.") from None
        allowed = sorted(S(t).label.lower() for (f, t) in MOVES if f == current)
        raise TransitionError(
            f"A claim that is {S(current).label.lower()} cannot become "
            f"{S(target).label.lower()}; it can become: {', '.join(allowed) or 'nothing'}."
        ) from None
