"""``manage.py seed_demo``: the demo newsrooms, people and draft, left mid-way through its
verification (some verdicts approved, a task in review, an overdue task) so the review queue and
My tasks have something in them on first run. Safe to run again: nothing is duplicated, and work
done on the demo draft since is left alone."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from factcheck.claims.models import Claim
from factcheck.claims.services import claim_approve, claim_mark_sentence, claim_propose
from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.drafts.selectors import latest_revision
from factcheck.drafts.services import draft_import
from factcheck.history.services import audit_record
from factcheck.insights.models import Finding
from factcheck.insights.services import finding_task_create
from factcheck.newsrooms.models import Invitation, Membership, Newsroom, Role
from factcheck.newsrooms.services import invitation_create
from factcheck.reviews.models import Task
from factcheck.reviews.services import task_move
from factcheck.sources.library import document_upload
from factcheck.sources.models import ReferenceDocument

if TYPE_CHECKING:
    from django.contrib.auth.models import User

DEMO_DRAFT = Path(__file__).resolve().parents[2] / "demo" / "meralt-floods.txt"
DEMO_REFERENCE = Path(__file__).resolve().parents[2] / "demo" / "reference"
DEMO_TITLE = "Floodwaters Cut Off Valley Towns as Rescue Effort Widens"
# Sentences the demo editor has already marked, by a phrase they contain.
DEMO_CLAIMS = ("death toll had risen to 41", "S-92 helicopter", "Nearly 30 people", "S-76")
# Claims already checked and approved: phrase, verdict, rationale, evidence (url, note).
DEMO_APPROVED = (
    (
        "212 millimetres of rain",
        Claim.Verdict.ACCURATE,
        "The weather service's 48-hour bulletin to Tuesday 06:00 gives 212 mm at the upper "
        "valley gauge; its October normal is 180 mm.",
        ("https://example.org/lendria-weather/bulletin-48h", "Weather service 48-hour bulletin"),
    ),
    (
        "wettest September on record",
        Claim.Verdict.ACCURATE,
        "The National Climate Office's September summary ranks it first since records began "
        "in 1901; Dr Ruiz is quoted in its press release.",
        ("https://example.org/climate-office/september-summary", "Monthly climate summary"),
    ),
)
# The helicopter task: the checker has proposed verdicts, so it waits in review.
HELICOPTER_TASK = "S-92 vs S-76 discrepancy"
HELICOPTER_VERDICTS = {
    "S-92 helicopter": (
        Claim.Verdict.ACCURATE,
        "The coast guard's flight log lists an S-92 at Tallow Bridge from 05:40 to 06:25 on "
        "Tuesday, lifting 23 people from the school roof.",
        ("https://example.org/coastguard/flight-log-tuesday", "Coast guard flight log"),
    ),
    "S-76": (
        Claim.Verdict.INACCURATE,
        "The same rescue as the S-92 paragraph; the coast guard flies no S-76 in Lendria "
        "(fleet list), so the type is wrong here.",
        ("https://example.org/coastguard/fleet", "Coast guard fleet list"),
    ),
}
# The death-toll task: started, but past its due time.
DEATH_TOLL_TASK = "Death toll: 41 vs nearly 30"

PEOPLE = [
    # username, newsroom slug, role, full name
    ("editor", "demo", Role.EDITOR, "Elena Editor"),
    ("checker", "demo", Role.CHECKER, "Carl Checker"),
    ("newsadmin", "demo", Role.ADMIN, "Nadia Admin"),
    ("outsider", "other", Role.EDITOR, "Otto Outsider"),
]


class Command(BaseCommand):
    help = "Create the demo newsrooms, users and draft (idempotent); print the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with FACTCHECK_ENV=production (it makes a superuser with a known "
            "password).",
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["force"]:
            # The demo cast includes a superuser whose password is in the README.
            raise CommandError(
                "seed_demo makes demo users with a known password (a superuser among them) and "
                "is refused with FACTCHECK_ENV=production. Create real accounts with "
                "`manage.py createsuperuser`; if you really want the demo data on this "
                "server, run `manage.py seed_demo --force` and change every demo password."
            )
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
            _verified_email(user)
            Membership.objects.update_or_create(
                user=user, newsroom=newsrooms[slug], defaults={"role": role}
            )
        admin, _ = User.objects.get_or_create(
            username="siteadmin",
            defaults={"email": "siteadmin@example.org", "is_staff": True, "is_superuser": True},
        )
        admin.set_password(password)
        admin.save(update_fields=["password"])
        _verified_email(admin)

        editor = User.objects.get(username="editor")
        checker = User.objects.get(username="checker")
        _seed_invitation(newsrooms["demo"], by=User.objects.get(username="newsadmin"))
        _seed_library(newsrooms["demo"], editor=editor)
        draft = Draft.objects.filter(newsroom=newsrooms["demo"], title=DEMO_TITLE).first()
        if draft is None:
            draft = draft_import(
                newsroom=newsrooms["demo"],
                by=editor,
                upload=None,
                text=DEMO_DRAFT.read_text(encoding="utf-8"),
                title=DEMO_TITLE,
                source=Revision.Source.CLI,
                deadline=_deadline(),
            )
            revision = draft.revisions.get()
            for sentence in revision.sentences.exclude(kind=Sentence.Kind.BOILERPLATE):
                if any(p in revision.text[sentence.start : sentence.end] for p in DEMO_CLAIMS):
                    claim_mark_sentence(sentence=sentence, by=editor)
        # Tasks are the mark of the workflow having been seeded: a draft seeded before there
        # were tasks gets it once; after that, whatever people did to the draft stays.
        if not Task.objects.filter(draft=draft).exists():
            _seed_workflow(draft, editor=editor, checker=checker)

        self.stdout.write(f"Demo logins (password: {password})")
        for username, slug, role, _ in PEOPLE:
            self.stdout.write(f"  {username:<10} {role.label} in newsroom “{slug}”")
        self.stdout.write("  siteadmin  site admin (Django admin at /admin/)")


# A pending invitation, so the members page (/newsrooms/demo/members/) has one to resend or
# revoke. Its email goes out through the worker (printed by the console email backend).
DEMO_INVITEE = "rosa.reporter@example.org"


def _seed_invitation(newsroom: Newsroom, *, by: User) -> None:
    if not Invitation.objects.filter(newsroom=newsroom, email=DEMO_INVITEE).exists():
        invitation_create(newsroom=newsroom, email=DEMO_INVITEE, role=Role.CHECKER, by=by)


def _deadline() -> datetime:
    """Tomorrow at 18:00 local time: the demo story's publication deadline."""
    tomorrow = timezone.localtime() + timedelta(days=1)
    return tomorrow.replace(hour=18, minute=0, second=0, microsecond=0)


def _verified_email(user: User) -> None:
    """The demo user's address, verified, so that they log in at once (the desk asks every
    other user to confirm their address first: docs/accounts.md)."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def _seed_workflow(draft: Draft, *, editor: User, checker: User) -> None:
    """Take the demo draft mid-way through verification, through the services (so the history,
    notifications and task states are what real use would have left)."""
    if draft.deadline is None:
        # There is no draft-editing service yet; record the change as one would.
        deadline = _deadline()
        Draft.objects.filter(pk=draft.pk).update(deadline=deadline, version=draft.version + 1)
        audit_record(
            obj=draft,
            action="edited",
            actor=editor,
            summary="Set the deadline",
            newsroom_id=draft.newsroom_id,
            draft_id=draft.pk,
            changes={"deadline": (None, deadline)},
        )
        draft.refresh_from_db()
    revision = latest_revision(draft)

    def claim(phrase: str) -> Claim:
        sentence = next(
            s
            for s in revision.sentences.exclude(kind=Sentence.Kind.BOILERPLATE)
            if phrase in revision.text[s.start : s.end]
        )
        return claim_mark_sentence(sentence=sentence, by=editor)

    # Two claims checked without a task, their verdicts approved.
    for phrase, verdict, rationale, link in DEMO_APPROVED:
        checked = claim_propose(
            claim=claim(phrase), by=checker, verdict=verdict, rationale=rationale, links=[link]
        )
        claim_approve(claim=checked, by=editor)

    # The helicopter contradiction, found by the analysis: both verdicts proposed, so the task
    # is in review.
    helicopter, _ = finding_task_create(
        finding=_finding(draft, "S-92 vs S-76"),
        by=editor,
        title=HELICOPTER_TASK,
        description=(
            "The school-roof rescue at Tallow Bridge appears twice: once by an S-92, once by an "
            "S-76. Which type flew, and do both paragraphs describe the same rescue?"
        ),
        assignee=checker,
        priority=Task.Priority.HIGH,
    )
    task_move(task=helicopter, by=checker, to=Task.Status.IN_PROGRESS)
    for phrase, (verdict, rationale, link) in HELICOPTER_VERDICTS.items():
        claim_propose(
            claim=claim(phrase), by=checker, verdict=verdict, rationale=rationale, links=[link]
        )

    # The death toll: 41 in one paragraph, "nearly 30" in another; started, and overdue.
    toll, _ = finding_task_create(
        finding=_finding(draft, "41 vs nearly 30 (death)"),
        by=editor,
        title=DEATH_TOLL_TASK,
        description=(
            "Officials' toll is 41; a later paragraph says nearly 30 have died. Check the "
            "latest civil protection figure and the date each number refers to."
        ),
        assignee=checker,
        due_at=(timezone.now() - timedelta(hours=3)).replace(second=0, microsecond=0),
        priority=Task.Priority.URGENT,
    )
    task_move(task=toll, by=checker, to=Task.Status.IN_PROGRESS)


def _finding(draft: Draft, summary: str) -> Finding:
    """A finding the analysis of the demo draft makes (tests hold it to that)."""
    return Finding.objects.get(draft=draft, summary=summary)


def _seed_library(newsroom: Newsroom, *, editor: Any) -> None:
    """The demo newsroom's reference documents (demo/reference/), so lookups find something
    offline. A document already there under its file name is left alone, archived or not."""
    for path in sorted(DEMO_REFERENCE.glob("*.txt")):
        if ReferenceDocument.objects.filter(newsroom=newsroom, filename=path.name).exists():
            continue
        document_upload(newsroom=newsroom, by=editor, name=path.name, data=path.read_bytes())
