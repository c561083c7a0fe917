"""The backup drill of docs/deploy.md, on PostgreSQL: make a desk's worth of work, take the
checksums, ``pg_dump -Fc``, ``pg_restore`` into a new database, and the checksums of the restored
database equal the originals: every table's rows, and its texts, verdicts and history to the
byte. A change to one verdict after the restore is caught, so equal really means equal.

The reference library's documents are rows (``sources.ReferenceDocument.text`` and its
passages): there are no uploaded files on disk to back up besides the database.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from factcheck.claims.models import Claim
from factcheck.drafts.services import draft_import
from factcheck.history.models import AuditEntry
from factcheck.ops.checksums import checksums
from factcheck.sources.library import document_upload
from factcheck.sources.models import ReferenceDocument
from tests.conftest import missing_locally, require_postgresql
from tests.integration.conftest import database_url

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
UNICODE_DRAFT = (
    "Überschwemmung in Ålesund: «Le niveau a monté» 🌊\n\n"
    "The river rose 2.4 m in 6 h, the agency said — a record since 1911.\n"
)


def postgres_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        missing_locally(
            f"{name} is not installed (postgresql-client)",
            in_ci=f"{name} is missing: CI installs PostgreSQL with its client tools",
        )
    return str(found)


def pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PGHOST=str(settings_dict.get("HOST") or "127.0.0.1"),
        PGPORT=str(settings_dict.get("PORT") or "5432"),
        PGUSER=str(settings_dict.get("USER") or "postgres"),
    )
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return env


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - PostgreSQL's tools and our manage.py, our arguments
        list(args), env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def restore_database() -> Iterator[str]:
    """The name of a new, empty database to restore into; dropped afterwards."""
    require_postgresql()
    env = pg_env(connection.settings_dict)
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    created = run(postgres_tool("createdb"), name, env=env)
    assert created.returncode == 0, created.stderr
    try:
        yield name
    finally:
        run(postgres_tool("dropdb"), "--if-exists", "--force", name, env=env)


def make_a_desk_s_work(newsroom: Any, editor: Any) -> None:
    call_command("seed_demo", stdout=io.StringIO())  # verdicts, tasks, history, library
    draft_import(newsroom=newsroom, by=editor, text=UNICODE_DRAFT)
    document_upload(
        newsroom=newsroom,
        by=editor,
        name="gauge-log.txt",
        data="Gauge 7 read 4.12 m at 06:00 — «highest since 1911».\n".encode(),
    )


def test_backup_restore_drill_gives_equal_checksums(
    newsroom: Any, editor: Any, restore_database: str, tmp_path: Path
) -> None:
    make_a_desk_s_work(newsroom, editor)
    before = checksums()
    (tmp_path / "before.json").write_text(json.dumps(before), encoding="utf-8")
    env = pg_env(connection.settings_dict)
    dump = tmp_path / "factcheck.dump"

    started = time.monotonic()
    dumped = run(
        postgres_tool("pg_dump"),
        "--format=custom",
        "--no-owner",
        f"--file={dump}",
        connection.settings_dict["NAME"],
        env=env,
    )
    dump_seconds = time.monotonic() - started
    started = time.monotonic()
    restored = run(
        postgres_tool("pg_restore"),
        "--no-owner",
        "--exit-on-error",
        f"--dbname={restore_database}",
        str(dump),
        env=env,
    )
    restore_seconds = time.monotonic() - started
    restored_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DATABASE_URL": database_url({**connection.settings_dict, "NAME": restore_database}),
    }
    compared = run(
        sys.executable,
        str(ROOT / "manage.py"),
        "backup_checksums",
        "--compare",
        str(tmp_path / "before.json"),
        env=restored_env,
    )
    after = run(sys.executable, str(ROOT / "manage.py"), "backup_checksums", env=restored_env)

    assert dumped.returncode == 0, dumped.stderr
    assert restored.returncode == 0, restored.stderr
    assert compared.returncode == 0, compared.stderr
    assert "tables equal" in compared.stdout
    assert json.loads(after.stdout) == before
    headline = before["headline"]
    assert headline["texts"]["drafts.Revision"]["rows"] >= 2
    assert (
        headline["texts"]["sources.ReferenceDocument"]["rows"] == ReferenceDocument.objects.count()
    )
    assert headline["verdicts"]["claims.Claim"]["rows"] == Claim.objects.count()
    assert Claim.objects.exclude(verdict="").exists()
    assert headline["history"]["history.AuditEntry"]["rows"] == AuditEntry.objects.count() > 10
    print(
        f"\nbackup drill: {sum(t['rows'] for t in before['tables'].values())} rows in "
        f"{len(before['tables'])} tables; dump {dump.stat().st_size} bytes in "
        f"{dump_seconds:.2f} s; restore {restore_seconds:.2f} s"
    )

    # One verdict changed in the restored copy: the comparison names the table and fails.
    tampered = run(
        postgres_tool("psql"),
        "--dbname",
        restore_database,
        "-c",
        "UPDATE claims_claim SET rationale = rationale || '.' WHERE id = "
        "(SELECT min(id) FROM claims_claim WHERE verdict <> '')",
        env=env,
    )
    caught = run(
        sys.executable,
        str(ROOT / "manage.py"),
        "backup_checksums",
        "--compare",
        str(tmp_path / "before.json"),
        env=restored_env,
    )
    assert tampered.returncode == 0, tampered.stderr
    assert caught.returncode == 1
    assert "claims.Claim: was" in caught.stderr
    assert "1 of" in caught.stderr


def test_checksums_change_with_any_text_and_not_with_reading(newsroom: Any, editor: Any) -> None:
    """The checksum is over every column: reading leaves it alone; one character changes it."""
    document_upload(newsroom=newsroom, by=editor, name="log.txt", data=b"Gauge 7: 4.12 m.\n")
    first = checksums()
    again = checksums()
    document = ReferenceDocument.objects.order_by("pk").first()
    assert document is not None
    ReferenceDocument.objects.filter(pk=document.pk).update(text=document.text + " ")
    changed = checksums()

    assert again == first
    label = "sources.ReferenceDocument"
    assert changed["tables"][label]["sha256"] != first["tables"][label]["sha256"]
    assert changed["tables"][label]["rows"] == first["tables"][label]["rows"]
    assert changed["sha256"] != first["sha256"]
