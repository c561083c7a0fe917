"""factcheck.bulk: many rows in one statement, an upsert that gives each object its row's key,
and SQLite's statements held under the library's limit of parameters."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factcheck import bulk
from factcheck.bulk import bulk_insert
from factcheck.claims.models import Claim
from factcheck.drafts.models import Draft
from factcheck.history.models import AuditEntry

pytestmark = pytest.mark.django_db


def _entries(draft: Draft, n: int) -> list[AuditEntry]:
    return [
        AuditEntry(
            newsroom_id=draft.newsroom_id,
            draft_id=draft.pk,
            object_type="draft",
            object_id=draft.pk,
            action="note",
            summary=f"Entry {i}",
            changes={"n": [i, i + 1]},
        )
        for i in range(n)
    ]


def test_rows_are_written_in_one_statement_with_their_defaults(draft: Draft) -> None:
    before = AuditEntry.objects.count()
    with CaptureQueriesContext(connection) as captured:
        bulk_insert(AuditEntry, _entries(draft, 40))
    assert len(captured) == 1
    written = AuditEntry.objects.filter(action="note").order_by("pk")
    assert AuditEntry.objects.count() == before + 40
    assert [e.summary for e in written][:3] == ["Entry 0", "Entry 1", "Entry 2"]
    assert written[5].changes == {"n": [5, 6]}  # JSON as the field stores it
    assert all(e.created_at is not None for e in written)  # auto_now_add, as a save sets it


def test_nothing_to_write_is_no_query() -> None:
    with CaptureQueriesContext(connection) as captured:
        bulk_insert(AuditEntry, [])
    assert len(captured) == 0


def test_an_upsert_gives_each_object_its_rows_key(draft: Draft, editor: Any) -> None:
    revision = draft.revisions.get()
    sentence = revision.sentences.order_by("index").first()
    assert sentence is not None

    def claim(end: int, **fields: Any) -> Claim:
        span = {"start": sentence.start, "end": end, "text": revision.text[sentence.start : end]}
        return Claim(draft=draft, revision=revision, sentence=sentence, **span, **fields)

    there = claim(sentence.end, status=Claim.Status.CHECKING)
    there.save()
    same, new = claim(sentence.end, created_by=editor), claim(sentence.start + 3, created_by=editor)
    bulk_insert(
        Claim,
        [new, same],
        conflict=("revision", "start", "end"),
        update=("text",),
        key=("start", "end"),
    )
    assert same.pk == there.pk and not same._state.adding
    assert new.pk not in (None, there.pk)
    there.refresh_from_db()
    assert there.status == Claim.Status.CHECKING  # the row met is kept as it was
    assert Claim.objects.filter(draft=draft).count() == 2


def test_an_upsert_names_both_sides() -> None:
    with pytest.raises(ValueError, match="both"):
        bulk_insert(AuditEntry, [AuditEntry()], conflict=("object_id",))


def test_statements_stay_under_the_parameter_limit(
    draft: Draft, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A few rows go as one VALUES row each, as many a statement as the limit of parameters
    allows (forced to four rows here); on PostgreSQL more than ten go as one array a column,
    one statement whatever the limit."""
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        assert bulk._parameter_limit() == limit
    else:
        assert bulk._parameter_limit() == 65_535
    columns = len([f for f in AuditEntry._meta.concrete_fields if not f.primary_key])
    monkeypatch.setattr(bulk, "_parameter_limit", lambda: columns * 4)
    with CaptureQueriesContext(connection) as few:
        bulk_insert(AuditEntry, _entries(draft, 10))
    assert len(few) == 3
    with CaptureQueriesContext(connection) as many:
        bulk_insert(AuditEntry, _entries(draft, 40))
    assert len(many) == (10 if connection.vendor == "sqlite" else 1)
    assert AuditEntry.objects.filter(action="note").count() == 50
