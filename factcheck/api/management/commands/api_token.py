"""``manage.py api_token USERNAME --name NAME [--newsroom SLUG] [--expires-days N]``: make an API
token and print its secret, once (only its hash is kept). Without ``--newsroom`` it is
USERNAME's personal token; with it, a newsroom token, which USERNAME must be allowed to make (an
admin of the newsroom)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from factcheck.api.services import TokenInputError, api_token_create
from factcheck.newsrooms.models import Newsroom


class Command(BaseCommand):
    help = "Make an API token (personal, or a newsroom's with --newsroom) and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="Whose token (or who makes the newsroom's).")
        parser.add_argument("--name", required=True, help="What uses it, e.g. 'CMS'.")
        parser.add_argument("--newsroom", default="", help="A newsroom token for this slug.")
        parser.add_argument(
            "--expires-days", type=int, default=None, help="Expire after N days (default: never)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        newsroom = None
        if options["newsroom"]:
            newsroom = Newsroom.objects.filter(slug=options["newsroom"]).first()
            if newsroom is None:
                raise CommandError(f"No newsroom {options['newsroom']!r}.")
        days = options["expires_days"]
        if days is not None and days <= 0:
            raise CommandError("--expires-days must be 1 or more.")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        try:
            created = api_token_create(
                by=user, name=options["name"], newsroom=newsroom, expires_at=expires_at
            )
        except (TokenInputError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        # The secret alone on standard output (for scripts); what it is on standard error.
        token = created.token
        kind = f"newsroom token of {newsroom.slug}" if newsroom else f"personal token of {user}"
        self.stderr.write(f"Made {kind} “{token.name}” ({token.prefix}…). It is shown once:")
        self.stdout.write(created.secret)
