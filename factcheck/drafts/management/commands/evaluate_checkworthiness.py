"""``manage.py evaluate_checkworthiness PATH.tsv [--model PATH]``: precision, recall and F1 of the
check-worthiness model's ``Yes`` class on a labelled file, at the model's shipped threshold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from factcheck.analysis import checkworthiness


class Command(BaseCommand):
    help = 'Print {"n", "precision", "recall", "f1"} of the check-worthiness model on a TSV file.'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Tab-separated: Sentence_id, Text, class_label (Yes/No).")
        parser.add_argument(
            "--model", default=None, help="A model folder (default: the committed model)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rows = checkworthiness.read_tsv(Path(options["path"]))
        except checkworthiness.TsvError as exc:
            raise CommandError(str(exc)) from exc
        if not rows:
            raise CommandError(f"{options['path']}: no rows to evaluate.")
        model_path = Path(options["model"]) if options["model"] else None
        try:
            model = checkworthiness.load(model_path)
        except (OSError, ValueError, checkworthiness.ModelError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(checkworthiness.evaluate(model, rows)))
