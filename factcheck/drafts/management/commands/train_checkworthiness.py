"""``manage.py train_checkworthiness --data DIR [--out PATH]``: re-create the check-worthiness
model from the CheckThat! 2024 English files and print its dev and dev-test figures as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from factcheck.analysis import checkworthiness

FILES = {
    "train": "CT24_checkworthy_english_train.tsv",
    "dev": "CT24_checkworthy_english_dev.tsv",
    "dev-test": "CT24_checkworthy_english_dev-test.tsv",
}


class Command(BaseCommand):
    help = "Train the check-worthiness model on DIR's train split, tune on dev, save it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data", required=True, help=f"Folder holding {', '.join(FILES.values())}."
        )
        parser.add_argument(
            "--out",
            default=str(checkworthiness.DEFAULT_PATH),
            help="Where to write the model (default: the committed artefact).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["data"])
        if not folder.is_dir():
            raise CommandError(f"{folder}: no such folder.")
        skipped: list[str] = []

        def note(line: int, problem: str) -> None:
            skipped.append(f"line {line}: {problem}")

        try:
            # The released train file has one row with two rows run together: skip and say so
            # rather than refuse 22,500 good rows. dev and dev-test must be clean.
            train = checkworthiness.read_tsv(folder / FILES["train"], on_malformed=note)
            dev = checkworthiness.read_tsv(folder / FILES["dev"])
            dev_test = checkworthiness.read_tsv(folder / FILES["dev-test"])
        except checkworthiness.TsvError as exc:
            raise CommandError(str(exc)) from exc
        for problem in skipped:
            self.stderr.write(f"{FILES['train']}: skipped {problem}")
        try:
            model = checkworthiness.train(train, dev)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        out = Path(options["out"])
        checkworthiness.save(model, out)
        result = {
            "out": str(out),
            "bytes": out.stat().st_size,
            "train_rows": len(train),
            "skipped_rows": len(skipped),
            "C": model.info.get("C"),
            "threshold": model.threshold,
            "dev": checkworthiness.evaluate(model, dev),
            "dev-test": checkworthiness.evaluate(model, dev_test),
        }
        self.stdout.write(json.dumps(result))
