"""``manage.py analyze_draft DRAFT_ID [--json]``: re-run the first pass on a draft's latest
revision and print what it found."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from factcheck.drafts.models import Draft
from factcheck.drafts.selectors import draft_export, latest_revision
from factcheck.insights.services import revision_analyse, suggestion_threshold


class Command(BaseCommand):
    help = (
        "Re-analyse a draft (check-worthiness, claim types, quotes, findings) and print the "
        "units with scores and types, the quotes and the findings."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("draft_id", type=int)
        parser.add_argument("--json", action="store_true", help="Print JSON (else a summary).")

    def handle(self, *args: Any, **options: Any) -> None:
        draft = Draft.objects.select_related("newsroom").filter(pk=options["draft_id"]).first()
        if draft is None:
            raise CommandError(f"No draft {options['draft_id']}.")
        revision_analyse(revision=latest_revision(draft))
        exported = draft_export(draft)
        threshold = suggestion_threshold(draft.newsroom)
        result = {
            "draft": draft.pk,
            "threshold": threshold,
            "note": exported["analysis"]["note"],
            "sentences": [
                {
                    "index": s["index"],
                    "kind": s["kind"],
                    "text": s["text"],
                    "score": s["score"],
                    "types": s["types"],
                    "suggested": s["kind"] != "boilerplate" and (s["score"] or 0) >= threshold,
                }
                for s in exported["sentences"]
            ],
            "quotes": exported["quotes"],
            "findings": exported["findings"],
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        suggested = sum(1 for s in result["sentences"] if s["suggested"])
        self.stdout.write(
            f"Draft {draft.pk}: {len(result['sentences'])} units, {suggested} worth checking "
            f"(threshold {threshold:.2f}), {_count(len(result['quotes']), 'quote')}, "
            f"{_count(len(result['findings']), 'finding')}"
        )
        if result["note"]:
            self.stdout.write(result["note"])
        for finding in result["findings"]:
            a, b = finding["sentences"]
            self.stdout.write(f"  {finding['kind']}: {finding['summary']} (units {a} and {b})")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
