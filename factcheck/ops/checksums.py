"""Checksums of the desk's data, to prove a backup restored what was dumped.

For each model of the project's apps (and Django's users, groups and sessions-free auth
tables), the number of rows and a SHA-256 over every row's every column, rows in primary-key
order. Two databases with equal checksums hold the same texts, verdicts, history and reference
library, to the byte. ``manage.py backup_checksums`` prints them as JSON; docs/deploy.md runs it
before a dump and after a restore and compares the two.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.apps import apps
from django.db import models

# Django's own apps whose rows are the desk's data (accounts); sessions and admin log are
# left out: a session is worth nothing after a restore, and the admin log is not our history.
EXTRA_APPS = ("auth",)
# Whose models to checksum: every app under factcheck/, plus the above.
PREFIX = "factcheck."
# Named in the summary, as the issue asks: the texts, the verdicts and the history.
HEADLINE = {
    "texts": ("drafts.Revision", "drafts.Sentence", "sources.ReferenceDocument"),
    "verdicts": ("claims.Claim", "claims.EvidenceLink"),
    "history": ("history.AuditEntry",),
}
CHUNK = 2000


def _models() -> list[type[models.Model]]:
    chosen = [
        model
        for config in apps.get_app_configs()
        if config.name.startswith(PREFIX) or config.label in EXTRA_APPS
        for model in config.get_models()
        if not model._meta.proxy and model._meta.managed
    ]
    return sorted(chosen, key=lambda m: m._meta.label)


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)  # datetimes, decimals, UUIDs: their canonical text


def table_checksum(model: type[models.Model], using: str = "default") -> dict[str, Any]:
    columns = [field.attname for field in model._meta.concrete_fields]
    digest = hashlib.sha256()
    count = 0
    rows = model._base_manager.using(using).order_by("pk").values_list(*columns)
    for row in rows.iterator(chunk_size=CHUNK):
        line = json.dumps([_encode(v) for v in row], sort_keys=True, ensure_ascii=False)
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
        count += 1
    return {"rows": count, "sha256": digest.hexdigest()}


def checksums(using: str = "default") -> dict[str, Any]:
    """Every table's rows and SHA-256, the headline groups, and one SHA-256 over them all."""
    tables = {model._meta.label: table_checksum(model, using) for model in _models()}
    headline = {
        group: {label: tables[label] for label in labels if label in tables}
        for group, labels in HEADLINE.items()
    }
    overall = hashlib.sha256(json.dumps(tables, sort_keys=True).encode("utf-8")).hexdigest()
    return {"sha256": overall, "headline": headline, "tables": tables}
