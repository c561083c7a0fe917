from __future__ import annotations

from django.apps import AppConfig

from factcheck import events


class InsightsConfig(AppConfig):
    name = "factcheck.insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        # Imported once the models are loaded (Django's rule for ready()): a new revision is
        # analysed, which the drafts app cannot ask for itself (insights builds on drafts).
        from factcheck.insights.services import on_revision_imported

        events.subscribe(events.RevisionImported, on_revision_imported)
