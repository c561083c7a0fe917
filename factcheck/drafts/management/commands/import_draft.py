"""``manage.py import_draft PATH --newsroom SLUG [--title T] [--by USERNAME] [--json]``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from factcheck.drafts.models import Revision
from factcheck.drafts.services import DraftInputError, Upload, draft_import
from factcheck.newsrooms.models import Newsroom


class Command(BaseCommand):
    help = "Load a draft from a file (.txt, .md, .docx, .html) into a newsroom."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The file to import; '-' reads text from standard input.")
        parser.add_argument("--newsroom", required=True, help="The newsroom's slug.")
        parser.add_argument("--title", default="", help="Title (default: the first line).")
        parser.add_argument("--by", default="", help="Username to import as; must be allowed.")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        newsroom = Newsroom.objects.filter(slug=options["newsroom"]).first()
        if newsroom is None:
            raise CommandError(f"No newsroom with slug {options['newsroom']!r}.")
        user = None
        if options["by"]:
            user = get_user_model().objects.filter(username=options["by"]).first()
            if user is None:
                raise CommandError(f"No user {options['by']!r}.")
        path = options["path"]
        try:
            if path == "-":
                import sys

                source: dict[str, Any] = {"text": sys.stdin.buffer.read()}
            else:
                file = Path(path)
                if not file.is_file():
                    raise CommandError(f"{path}: no such file.")
                source = {"upload": Upload(file.name, file.read_bytes())}
            draft = draft_import(
                newsroom=newsroom,
                by=user,
                title=options["title"],
                source=Revision.Source.CLI,
                **source,
            )
        except (DraftInputError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        revision = draft.revisions.get(number=1)
        result = {
            "draft": draft.pk,
            "revision": revision.number,
            "sentences": revision.sentences.count(),
            "claims": draft.claims.count(),
        }
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(
                f"Imported draft {draft.pk} “{draft.title}”: revision {revision.number}, "
                f"{result['sentences']} units."
            )
