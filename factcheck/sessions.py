"""The session store: Django's database sessions, with the session read by a query compiled
once (``factcheck.prepared``), since every request of a signed-in user reads it."""

from __future__ import annotations

import logging

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.utils import timezone

from factcheck.prepared import Prepared


def _session(key: str) -> QuerySet[Session]:
    return Session.objects.filter(session_key=key)


_SESSION: Prepared[Session] = Prepared(_session)


class SessionStore(DatabaseSessionStore):
    """Django's database store; only reading a session differs: its row is read by its key
    alone, and one that has expired is treated as Django treats it, as no session."""

    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        try:
            found = _SESSION(key=key) if isinstance(key, str) else []
        except SuspiciousOperation as exc:  # as Django's store does
            logging.getLogger(f"django.security.{type(exc).__name__}").warning(str(exc))
            found = []
        if found and found[0].expire_date > timezone.now():
            return found[0]
        self._session_key = None
        return None
