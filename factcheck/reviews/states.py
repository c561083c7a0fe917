"""The task state machine: the one table of allowed moves and who may make them.

open → in progress → in review → done, and reopen. A checker moves only tasks assigned to them
(capability WORK_TASKS); editors move any task (ASSIGN); finishing, sending back and reopening
need APPROVE.
"""

from __future__ import annotations

from factcheck.errors import TransitionError
from factcheck.newsrooms.access import Capability, role_can
from factcheck.reviews.models import Task

T = Task.Status

# (from, to) → (the capability the move needs, what the move is called on a button)
MOVES: dict[tuple[str, str], tuple[Capability, str]] = {
    (T.OPEN, T.IN_PROGRESS): (Capability.WORK_TASKS, "Start"),
    (T.OPEN, T.IN_REVIEW): (Capability.WORK_TASKS, "Submit for review"),
    (T.IN_PROGRESS, T.OPEN): (Capability.WORK_TASKS, "Stop"),
    (T.IN_PROGRESS, T.IN_REVIEW): (Capability.WORK_TASKS, "Submit for review"),
    (T.IN_REVIEW, T.DONE): (Capability.APPROVE, "Mark done"),
    (T.IN_REVIEW, T.IN_PROGRESS): (Capability.APPROVE, "Send back"),
    (T.DONE, T.OPEN): (Capability.APPROVE, "Reopen"),
}


def check_move(current: str, target: str) -> Capability:
    """The capability the move needs; TransitionError when the move is not allowed at all."""
    try:
        return MOVES[(current, target)][0]
    except KeyError:
        if current not in T.values or target not in T.values:
            raise TransitionError(f"“{target}” is not a status.") from None
        allowed = sorted(T(t).label.lower() for (f, t) in MOVES if f == current)
        raise TransitionError(
            f"A task that is {T(current).label.lower()} cannot move to "
            f"{T(target).label.lower()}; it can move to: {', '.join(allowed)}."
        ) from None


def moves_from(current: str) -> list[tuple[str, Capability, str]]:
    """(target, capability, label) for each move out of ``current``."""
    return [(t, cap, label) for (f, t), (cap, label) in MOVES.items() if f == current]


def mover_refusal(*, role: str | None, capability: Capability, assignee: bool) -> str | None:
    """Why a member with ``role`` may not make a move that needs ``capability``; None when they
    may. Checkers move only their own tasks (``assignee``); editors (ASSIGN) move anyone's."""
    if capability == Capability.WORK_TASKS and role_can(role, Capability.ASSIGN):
        return None
    if not role_can(role, capability):
        return "Your role in this newsroom does not allow that."
    if capability == Capability.WORK_TASKS and not assignee:
        return "Only the task's assignee (or an editor) can move it."
    return None
