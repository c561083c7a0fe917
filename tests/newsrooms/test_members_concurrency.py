"""Concurrent member changes never leave a newsroom without an admin, on PostgreSQL: its two
admins demoting or removing each other (or themselves) at the same moment, round after round.
The figures of docs/reliability.md ("Newsroom members") come from here (``-s`` prints them)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from factcheck.errors import FactcheckError
from factcheck.history.models import AuditEntry
from factcheck.newsrooms.models import Membership, Role
from factcheck.newsrooms.services import membership_remove, membership_set_role
from tests.conftest import require_postgresql
from tests.factories import MembershipFactory, NewsroomFactory, UserFactory
from tests.reviews.test_concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 25


def demote(mine: Membership, by: Any) -> Callable[[], Any]:
    return lambda: membership_set_role(membership=mine, role=Role.EDITOR, by=by)


def remove(mine: Membership, by: Any) -> Callable[[], Any]:
    return lambda: membership_remove(membership=mine, by=by)


MOVES = {
    "demote each other": lambda a, b, ma, mb: (demote(mb, a), demote(ma, b)),
    "remove each other": lambda a, b, ma, mb: (remove(mb, a), remove(ma, b)),
    "both step down": lambda a, b, ma, mb: (demote(ma, a), demote(mb, b)),
    "both leave": lambda a, b, ma, mb: (remove(ma, a), remove(mb, b)),
    "one demotes, one leaves": lambda a, b, ma, mb: (demote(mb, a), remove(ma, a)),
}


@pytest.mark.parametrize("move", sorted(MOVES))
def test_two_admins_at_once_leave_one_admin(move: str) -> None:
    require_postgresql()
    took: list[float] = []
    refused = {"last admin": 0, "no longer admin": 0}
    for i in range(ROUNDS):
        newsroom = NewsroomFactory(slug=f"race-{i}")
        a, b = UserFactory(username=f"a{i}"), UserFactory(username=f"b{i}")
        ma = MembershipFactory(user=a, newsroom=newsroom, role=Role.ADMIN)
        mb = MembershipFactory(user=b, newsroom=newsroom, role=Role.ADMIN)
        started = time.perf_counter()
        results, errors = race(*MOVES[move](a, b, ma, mb))
        took.append(time.perf_counter() - started)

        assert len(results) == 1 and len(errors) == 1, (move, i, errors)
        # The loser is refused: as the last admin, or, when the winner took their admin
        # rights away, as no admin any more (read again under the lock).
        error = errors[0]
        if isinstance(error, PermissionDenied):
            refused["no longer admin"] += 1
        else:
            assert isinstance(error, FactcheckError) and "last admin" in str(error), error
            refused["last admin"] += 1
        admins = Membership.objects.filter(newsroom=newsroom, role=Role.ADMIN).count()
        assert admins == 1
        # One change, one history entry; the refused one wrote nothing.
        assert AuditEntry.objects.filter(newsroom=newsroom).count() == 1
    took.sort()
    # The figures for docs/reliability.md ("Newsroom members") (with -s).
    print(
        f"\n{move}: {ROUNDS} rounds, 0 newsrooms left without an admin; refused {refused}; "
        f"pair p50 {took[len(took) // 2] * 1000:.1f} ms, max {took[-1] * 1000:.1f} ms"
    )
