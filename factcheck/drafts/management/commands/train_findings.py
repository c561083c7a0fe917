"""``manage.py train_findings DIR [DIR ...] [--out FILE]``: train the pair model that decides
which candidate pairs of facts are contradictions, on folders of annotated drafts
(``NN-beat.txt`` + ``NN-beat.json``; see tests/data/findings_eval/README.md). The strength and
threshold are chosen by cross-validation over whole drafts; prints what was chosen as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from factcheck.analysis import conflicts, pairtrain


class Command(BaseCommand):
    help = "Train the findings' pair model on annotated drafts; write it; print the choice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folders", nargs="+", help="Folders of NN-beat.txt with NN-beat.json.")
        parser.add_argument(
            "--out",
            default=str(conflicts.PAIR_MODEL),
            help="Where to write the model (default: the shipped file).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folders = [Path(f) for f in options["folders"]]
        for folder in folders:
            if not folder.is_dir():
                raise CommandError(f"{folder}: no such folder.")
        try:
            model = pairtrain.train(folders, Path(options["out"]))
        except (FileNotFoundError, ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(model["info"], indent=1))
