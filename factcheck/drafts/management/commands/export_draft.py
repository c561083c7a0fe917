"""``manage.py export_draft DRAFT_ID [--format json|md|csv|claimreview]``.

A command is how a program reaches the desk (the top layer of the import contracts), so it
may print what a higher app builds: the clearance report (reviews), the ClaimReviews
(publishing). The drafts app's own modules below it import neither."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from factcheck.drafts.models import Draft
from factcheck.drafts.selectors import draft_export
from factcheck.publishing.claimreview import dumps
from factcheck.publishing.selectors import draft_claimreviews
from factcheck.reviews.reports import clearance_report, report_csv, report_markdown


class Command(BaseCommand):
    help = (
        "Print a draft. json: its text, units, claims (with verdicts) and tasks; "
        "md or csv: its clearance report; claimreview: the schema.org ClaimReview JSON-LD of "
        "its approved verdicts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("draft_id", type=int)
        parser.add_argument(
            "--format", choices=["json", "md", "csv", "claimreview"], default="json"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        draft = Draft.objects.select_related("newsroom").filter(pk=options["draft_id"]).first()
        if draft is None:
            raise CommandError(f"No draft {options['draft_id']}.")
        if options["format"] == "md":
            self.stdout.write(report_markdown(clearance_report(draft)), ending="")
        elif options["format"] == "claimreview":
            self.stdout.write(dumps(draft_claimreviews(draft)))
        elif options["format"] == "csv":
            self.stdout.write(report_csv(clearance_report(draft)), ending="")
        else:
            self.stdout.write(json.dumps(draft_export(draft), ensure_ascii=False, indent=2))
