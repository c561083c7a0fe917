"""``manage.py export_draft DRAFT_ID --format json``."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from factcheck.drafts.models import Draft
from factcheck.drafts.selectors import draft_export


class Command(BaseCommand):
    help = "Print a draft: its text, units (sentences, headlines, boilerplate) and claims."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("draft_id", type=int)
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        draft = Draft.objects.select_related("newsroom").filter(pk=options["draft_id"]).first()
        if draft is None:
            raise CommandError(f"No draft {options['draft_id']}.")
        self.stdout.write(json.dumps(draft_export(draft), ensure_ascii=False, indent=2))
