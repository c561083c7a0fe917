"""Search indexes for the archive and library sources, on PostgreSQL only (SQLite has no
use for them: its fallback scores in Python).

- GIN indexes on ``to_tsvector('english', text)`` of passages and claims: the expression
  ``factcheck.sources.textsearch.EnglishVector`` writes, so full-text matches use them;
- the pg_trgm extension and a GIN trigram index on claims' text, for ``text % query``.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS sources_passage_text_fts ON sources_passage "
    "USING gin (to_tsvector('english'::regconfig, text))",
    "CREATE INDEX IF NOT EXISTS claims_claim_text_fts ON claims_claim "
    "USING gin (to_tsvector('english'::regconfig, text))",
    "CREATE INDEX IF NOT EXISTS claims_claim_text_trgm ON claims_claim "
    "USING gin (text gin_trgm_ops)",
]
# The extension stays: other database objects may have come to rely on it.
BACKWARD = [
    "DROP INDEX IF EXISTS claims_claim_text_trgm",
    "DROP INDEX IF EXISTS claims_claim_text_fts",
    "DROP INDEX IF EXISTS sources_passage_text_fts",
]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0001_initial"),
        ("claims", "0002_evidencelink_claim_proposed_at_claim_proposed_by_and_more"),
    ]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
