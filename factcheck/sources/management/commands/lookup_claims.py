"""``manage.py lookup_claims DRAFT_ID [--source NAME] [--wait] [--timeout SECONDS]``.

Queues lookups of every live (not dismissed) claim of the draft in the newsroom's enabled
sources, or in ``--source`` alone, and prints ``{"lookups": N, "queued": N}``: the lookups this
run covers, those it queued and those already queued or running (a repeated run adds none).
With ``--wait`` it watches the database until each of them is done or failed and prints
``{"lookups": N, "done": D, "failed": F, "evidence": E}``, E being the evidence they hold; if
``--timeout`` passes first it prints the same line and exits with an error.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from factcheck.claims.models import Claim
from factcheck.drafts.models import Draft
from factcheck.errors import FactcheckError
from factcheck.sources.models import Evidence, Lookup, Source
from factcheck.sources.services import lookups_start_for_draft, source_settings_for

POLL_SECONDS = 0.25
L = Lookup.Status


class Command(BaseCommand):
    help = "Look up every claim of a draft in the newsroom's sources (or one of them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("draft_id", type=int)
        parser.add_argument(
            "--source", choices=Source.values, help="Only this source (it must be enabled)."
        )
        parser.add_argument(
            "--wait", action="store_true", help="Wait until every lookup is done or failed."
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=600.0,
            help="With --wait: give up after this many seconds (default 600).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        draft = Draft.objects.filter(pk=options["draft_id"]).first()
        if draft is None:
            raise CommandError(f"No draft {options['draft_id']}.")
        if options["timeout"] <= 0:
            raise CommandError("--timeout must be a positive number of seconds.")
        source = options["source"]
        sources = [source] if source else source_settings_for(draft.newsroom_id).enabled()
        if not sources:
            raise CommandError("No source is enabled for this draft's newsroom.")
        # Lookups already on their way are part of this run: the service leaves them be.
        in_flight = set(
            Lookup.objects.filter(
                claim__draft=draft, source__in=sources, status__in=[L.QUEUED, L.RUNNING]
            )
            .exclude(claim__status=Claim.Status.DISMISSED)
            .values_list("pk", flat=True)
        )
        try:
            started = lookups_start_for_draft(
                draft=draft, by=None, sources=[source] if source else None
            )
        except FactcheckError as exc:
            raise CommandError(str(exc)) from None
        ids = in_flight | {lookup.pk for lookup in started}
        if not options["wait"]:
            self._print({"lookups": len(ids), "queued": len(ids)})
            return
        deadline = time.monotonic() + options["timeout"]
        while True:
            statuses = list(Lookup.objects.filter(pk__in=ids).values_list("status", flat=True))
            finished = all(status in (L.DONE, L.FAILED) for status in statuses)
            if finished or time.monotonic() >= deadline:
                break
            time.sleep(POLL_SECONDS)
        self._print(
            {
                "lookups": len(ids),
                "done": statuses.count(L.DONE),
                "failed": statuses.count(L.FAILED),
                "evidence": Evidence.objects.filter(lookup_id__in=ids).count(),
            }
        )
        if not finished:
            waiting = len(ids) - statuses.count(L.DONE) - statuses.count(L.FAILED)
            raise CommandError(
                f"Timed out after {options['timeout']:g} s: {waiting} lookup(s) still queued or "
                "running; they go on in the workers."
            )

    def _print(self, summary: dict[str, int]) -> None:
        self.stdout.write(json.dumps(summary))
