"""``manage.py train_checkworthiness --data DIR [--out DIR] [--workers N] [--stop-at N]``:
re-create the check-worthiness model from the CheckThat! 2024 English files.

Needs ``requirements/train.txt`` (torch, transformers, onnx, the base model). Pools train and
dev, cross-validates to choose how long to train and the threshold, trains the final model,
exports it as int8 ONNX and prints the manifest's figures as JSON. dev-test is not read: score
it once, at the end, with ``evaluate_checkworthiness``. About an hour on a 2-core machine.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from factcheck.analysis import checkworthiness, cwtrain

FILES = {
    "train": "CT24_checkworthy_english_train.tsv",
    "dev": "CT24_checkworthy_english_dev.tsv",
}


class Command(BaseCommand):
    help = "Fine-tune the check-worthiness encoder on DIR's train + dev (cross-validated)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data", required=True, help=f"Folder holding {', '.join(FILES.values())}."
        )
        parser.add_argument(
            "--out",
            default=str(checkworthiness.DEFAULT_DIR),
            help="Folder to write the model into (default: the committed model).",
        )
        parser.add_argument(
            "--workers", type=int, default=2, help="Folds trained at once (default 2)."
        )
        parser.add_argument(
            "--stop-at",
            type=int,
            default=None,
            help="Skip the cross-validation: stop at this checkpoint, keep --out's threshold.",
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
            # rather than refuse 22,500 good rows. dev must be clean.
            rows = checkworthiness.read_tsv(folder / FILES["train"], on_malformed=note)
            rows += checkworthiness.read_tsv(folder / FILES["dev"])
        except checkworthiness.TsvError as exc:
            raise CommandError(str(exc)) from exc
        for problem in skipped:
            self.stderr.write(f"{FILES['train']}: skipped {problem}")
        try:
            import torch  # noqa: F401  (requirements/train.txt: training only)
            import transformers  # noqa: F401
        except ImportError as exc:
            raise CommandError(
                f"Training needs requirements/train.txt ({exc}): "
                ".venv/bin/pip install -r requirements/train.txt"
            ) from exc
        out = Path(options["out"])
        try:
            manifest = cwtrain.train(
                rows,
                out,
                workers=options["workers"],
                stop_at=options["stop_at"],
                log=self.stderr.write,
            )
        except (RuntimeError, ValueError, checkworthiness.ModelError) as exc:
            raise CommandError(str(exc)) from exc
        cv = manifest.get("cross_validation") or {}
        self.stdout.write(
            json.dumps(
                {
                    "out": str(out),
                    "bytes": sum(p.stat().st_size for p in out.iterdir() if p.is_file()),
                    "rows": len(rows),
                    "skipped_rows": len(skipped),
                    "threshold": manifest["threshold"],
                    "stopped_after_epochs": manifest["training"]["stopped_after_epochs"],
                    "cv": cv.get("chosen"),
                    "sha256": manifest["sha256"],
                }
            )
        )
