"""``manage.py backup_checksums``: rows and SHA-256 of every table of the desk, as JSON.

Run it against the live database right before ``pg_dump``, and against the restored one
after ``pg_restore``: the two outputs are equal when the backup is whole (docs/deploy.md).
``--compare FILE`` does the comparison and exits 1 on any difference.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from factcheck.ops.checksums import checksums


class Command(BaseCommand):
    help = "Print rows and SHA-256 checksums of every table (to compare a backup with its source)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default="default", help="The database alias.")
        parser.add_argument(
            "--compare",
            metavar="FILE",
            help="An earlier output of this command: list the tables that differ, exit 1 if any.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        current = checksums(using=options["database"])
        if not options["compare"]:
            self.stdout.write(json.dumps(current, indent=2, sort_keys=True))
            return
        try:
            earlier = json.loads(Path(options["compare"]).read_text(encoding="utf-8"))
            earlier_tables = earlier["tables"]
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Cannot read {options['compare']}: {exc}") from None
        labels = sorted(set(earlier_tables) | set(current["tables"]))
        differ = [
            label for label in labels if earlier_tables.get(label) != current["tables"].get(label)
        ]
        if differ:
            for label in differ:
                self.stderr.write(
                    f"{label}: was {earlier_tables.get(label)}, now {current['tables'].get(label)}"
                )
            raise CommandError(f"{len(differ)} of {len(labels)} tables differ.")
        rows = sum(table["rows"] for table in current["tables"].values())
        self.stdout.write(
            f"All {len(labels)} tables equal ({rows} rows); sha256 {current['sha256']}."
        )
