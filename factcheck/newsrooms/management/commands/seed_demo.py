"""``manage.py seed_demo``: the demo newsrooms, people and draft. Safe to run again."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from factcheck.claims.services import claim_mark_sentence
from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.drafts.services import draft_import
from factcheck.newsrooms.models import Membership, Newsroom, Role

DEMO_DRAFT = Path(__file__).resolve().parents[2] / "demo" / "meralt-floods.txt"
DEMO_TITLE = "Floodwaters Cut Off Valley Towns as Rescue Effort Widens"
# Sentences the demo editor has already marked, by a phrase they contain.
DEMO_CLAIMS = ("death toll had risen to 41", "S-92 helicopter", "Nearly 30 people", "S-76")

PEOPLE = [
    # username, newsroom slug, role, full name
    ("editor", "demo", Role.EDITOR, "Elena Editor"),
    ("checker", "demo", Role.CHECKER, "Carl Checker"),
    ("newsadmin", "demo", Role.ADMIN, "Nadia Admin"),
    ("outsider", "other", Role.EDITOR, "Otto Outsider"),
]


class Command(BaseCommand):
    help = "Create the demo newsrooms, users and draft (idempotent); print the logins."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("DEMO_PASSWORD", "factcheck-demo")
        newsrooms = {
            "demo": Newsroom.objects.get_or_create(slug="demo", defaults={"name": "Demo Newsroom"})[
                0
            ],
            "other": Newsroom.objects.get_or_create(
                slug="other", defaults={"name": "Other Newsroom"}
            )[0],
        }
        User = get_user_model()
        for username, slug, role, name in PEOPLE:
            first, last = name.split(" ", 1)
            user, _ = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                },
            )
            user.set_password(password)
            user.save(update_fields=["password"])
            Membership.objects.update_or_create(
                user=user, newsroom=newsrooms[slug], defaults={"role": role}
            )
        admin, _ = User.objects.get_or_create(
            username="siteadmin",
            defaults={"email": "siteadmin@example.org", "is_staff": True, "is_superuser": True},
        )
        admin.set_password(password)
        admin.save(update_fields=["password"])

        if not Draft.objects.filter(newsroom=newsrooms["demo"], title=DEMO_TITLE).exists():
            editor = User.objects.get(username="editor")
            draft = draft_import(
                newsroom=newsrooms["demo"],
                by=editor,
                upload=None,
                text=DEMO_DRAFT.read_text(encoding="utf-8"),
                title=DEMO_TITLE,
                source=Revision.Source.CLI,
            )
            revision = draft.revisions.get()
            for sentence in revision.sentences.exclude(kind=Sentence.Kind.BOILERPLATE):
                if any(p in revision.text[sentence.start : sentence.end] for p in DEMO_CLAIMS):
                    claim_mark_sentence(sentence=sentence, by=editor)

        self.stdout.write(f"Demo logins (password: {password})")
        for username, slug, role, _ in PEOPLE:
            self.stdout.write(f"  {username:<10} {role.label} in newsroom “{slug}”")
        self.stdout.write("  siteadmin  site admin (Django admin at /admin/)")
