from __future__ import annotations

from django.apps import AppConfig

from factcheck import events


class SourcesConfig(AppConfig):
    name = "factcheck.sources"
    verbose_name = "Sources"

    def ready(self) -> None:
        # Imported once the models are loaded (Django's rule for ready()): a newly marked claim
        # is looked up when the newsroom asks; claims cannot call up to sources themselves.
        from factcheck.sources.services import on_claims_marked

        events.subscribe(events.ClaimsMarked, on_claims_marked)
