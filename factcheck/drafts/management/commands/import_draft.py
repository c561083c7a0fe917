"""``manage.py import_draft PATH --newsroom SLUG [--title T] [--by USERNAME] [--json]``: a new
draft; ``manage.py import_draft PATH --draft ID [--by USERNAME] [--json]``: a new version of
draft ID, its claims re-anchored to the new text (``claims.revisions.revision_load``). PATH is a
file, ``-`` (standard input) or an ``http(s)://`` link, whose page is fetched
(``factcheck.fetch``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from factcheck.claims.revisions import revision_load
from factcheck.drafts.models import Draft, Revision
from factcheck.drafts.services import DraftInputError, Upload, draft_import
from factcheck.newsrooms.models import Newsroom


class Command(BaseCommand):
    help = (
        "Load a draft from a file (.txt, .md, .docx, .html) or a link (https://…) into a "
        "newsroom (--newsroom), or a new version of a draft (--draft)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            help="The file to import; '-' reads text from standard input; an http:// or "
            "https:// link fetches the page.",
        )
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--newsroom", help="A new draft in this newsroom (its slug).")
        where.add_argument("--draft", type=int, help="A new version of this draft (its id).")
        parser.add_argument("--title", default="", help="Title (default: the first line).")
        parser.add_argument("--by", default="", help="Username to import as; must be allowed.")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["by"]:
            user = get_user_model().objects.filter(username=options["by"]).first()
            if user is None:
                raise CommandError(f"No user {options['by']!r}.")
        source = _source(options["path"])
        try:
            if options["draft"] is not None:
                self._revision(options, user, source)
            else:
                self._draft(options, user, source)
        except (DraftInputError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc

    def _draft(self, options: dict[str, Any], user: Any, source: dict[str, Any]) -> None:
        newsroom = Newsroom.objects.filter(slug=options["newsroom"]).first()
        if newsroom is None:
            raise CommandError(f"No newsroom with slug {options['newsroom']!r}.")
        draft = draft_import(newsroom=newsroom, by=user, title=options["title"], **source)
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

    def _revision(self, options: dict[str, Any], user: Any, source: dict[str, Any]) -> None:
        draft = Draft.objects.select_related("newsroom").filter(pk=options["draft"]).first()
        if draft is None:
            raise CommandError(f"No draft {options['draft']}.")
        if options["title"]:
            raise CommandError("--title names a new draft; a new version keeps the draft's title.")
        loaded = revision_load(
            draft=draft,
            by=user,
            text=source.get("text"),
            file=source.get("upload"),
            url=source.get("url"),
            source=source["source"],
        )
        result = {"draft": draft.pk, "revision": loaded.revision.number, **loaded.counts()}
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(
                f"Loaded revision {loaded.revision.number} of draft {draft.pk} "
                f"“{draft.title}”: {loaded.summary}."
            )


def _source(path: str) -> dict[str, Any]:
    """The input as the services take it: ``text`` from standard input, an ``upload`` or a
    ``url``, and the revision's ``source`` (a link is a link however it came)."""
    if path.lower().startswith(("http://", "https://")):
        return {"url": path, "source": Revision.Source.URL}
    if path == "-":
        return {"text": sys.stdin.buffer.read(), "source": Revision.Source.CLI}
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"{path}: no such file.")
    return {"upload": Upload(file.name, file.read_bytes()), "source": Revision.Source.CLI}
