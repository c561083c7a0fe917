from __future__ import annotations

from django.apps import AppConfig

from factcheck import events


class WebhooksConfig(AppConfig):
    name = "factcheck.webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        # Imported once the models are loaded (Django's rule for ready()). The webhooks sit on
        # top of every app: they hear what the lower ones emit and never call into them.
        from factcheck.webhooks import services

        events.subscribe(events.DraftClearanceChanged, services.on_clearance_changed)
        events.subscribe(events.ClaimApproved, services.on_claim_approved)
        events.subscribe(events.TaskAssigned, services.on_task_assigned)
        events.subscribe(events.RevisionImported, services.on_revision_imported)
        events.subscribe(events.FindingsOpened, services.on_findings_opened)
