from __future__ import annotations

from django.apps import AppConfig

from factcheck import events


class ReviewsConfig(AppConfig):
    name = "factcheck.reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        # Imported once the models are loaded (Django's rule for ready()): tasks and clearance
        # follow the claims, which cannot call up to reviews themselves.
        from factcheck.reviews.services import on_claims_changed

        events.subscribe(events.ClaimsChanged, on_claims_changed)
