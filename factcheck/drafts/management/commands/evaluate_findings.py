"""``manage.py evaluate_findings DIR [--details]``: recall, false findings per draft and decoys
flagged of the findings on a folder of annotated drafts (``NN-beat.txt`` + ``NN-beat.json``; see
tests/data/findings_eval/README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from factcheck.analysis import findings_eval


class Command(BaseCommand):
    help = "Score the findings against annotated drafts; print the figures as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="A folder of NN-beat.txt drafts with NN-beat.json.")
        parser.add_argument(
            "--details",
            action="store_true",
            help="Also list each draft's misses and false findings.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(f"{folder}: no such folder.")
        try:
            result = findings_eval.score_folder(folder)
        except (FileNotFoundError, ValueError, KeyError) as exc:
            raise CommandError(f"{folder}: {exc}") from exc
        if not options["details"]:
            result.pop("details")
        self.stdout.write(json.dumps(result, indent=1))
