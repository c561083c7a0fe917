"""Every URL of the project, as every role, with GET and POST: roles hold everywhere.

The patterns are read from the resolver (all of them but Django's own admin, checked at the
end), and each must be in EXPECTED, which says what each role gets from it in the demo
newsroom. A new URL fails ``test_every_url_pattern_is_in_the_table`` until its row is written,
so it cannot ship without someone deciding who may use it.

The expected answers come from the product rules, not from what the views happen to return:

- anonymous: a redirect to the login page, from every URL and with every method (the login
  and logout views themselves excepted);
- outsider (an editor of another newsroom): 404 from every URL naming an object of the demo
  newsroom, exactly as for an object that does not exist; 405 only where the method is wrong
  for the URL whatever the object. Pages about the user alone (dashboard, My tasks, the
  notifications, the review queue of their own newsroom) answer them, without a word of the
  demo newsroom's work;
- checker: reads everything, comments, proposes verdicts and moves their own task; 403 from
  approving, sending back, dismissing, restoring, editing a claim's wording, assigning,
  creating, editing and archiving tasks, clearing, editing and archiving drafts, marking
  claims, and the review queue (for those who approve);
- editor and newsroom admin: allowed everywhere in the demo newsroom.

"Allowed" is 200 for a page and 302 for a form that did what it was asked (every POST body
here is a valid one). Each request runs against a freshly built demo newsroom, so an earlier
POST never changes a later answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from factcheck.api.models import ApiToken
from factcheck.api.services import api_token_create
from factcheck.claims.models import Claim, EvidenceLink
from factcheck.claims.revisions import claim_archive, revision_load
from factcheck.claims.services import (
    claim_approve,
    claim_dismiss,
    claim_mark_sentence,
    claim_propose,
)
from factcheck.drafts.models import Draft, ReaderSettings
from factcheck.drafts.services import draft_archive, draft_import
from factcheck.history.models import AuditEntry
from factcheck.insights.models import Finding
from factcheck.insights.services import finding_dismiss
from factcheck.newsrooms.access import invitation_hash
from factcheck.newsrooms.models import Invitation, Membership
from factcheck.notifications.models import Notification
from factcheck.notifications.services import notify
from factcheck.publishing.models import Publication
from factcheck.publishing.selectors import publishing_settings_for
from factcheck.publishing.services import publication_record
from factcheck.reviews.models import Comment, Task
from factcheck.reviews.services import comment_add, task_archive, task_create, task_move
from factcheck.sources.backends.base import Hit
from factcheck.sources.library import document_upload
from factcheck.sources.models import Evidence, Lookup, ReferenceDocument, Source, SourceSettings
from factcheck.sources.services import (
    lookup_begin,
    lookup_fail,
    lookup_store,
    lookups_start,
    source_settings_for,
)
from factcheck.webhooks.models import Delivery, Event, Webhook
from tests.conftest import SAMPLE_TEXT
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "editor", "checker", "newsadmin", "outsider")
METHODS = ("GET", "POST")
# Namespaces left out of the walk: Django's admin has its own staff check (the last test here);
# the old paths only redirect, for everyone (tests/test_legacy_urls.py); the REST API takes
# bearer tokens, not the session, and has its own table (tests/api/test_access_table.py).
SKIPPED_NAMESPACES = {"admin", "legacy", "api"}
# django-allauth's pages (password reset, email, 2FA, single sign-on…) are about the user alone,
# never a newsroom's work: their own table is tests/accounts/test_account_urls.py. Logging in
# and out stay here.
ACCOUNT_PAGES_HERE = {"account_login", "account_logout"}


def _patterns_under(entries: list[Any]) -> Iterator[URLPattern]:
    for entry in entries:
        if isinstance(entry, URLResolver):
            yield from _patterns_under(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            yield entry


def allauth_patterns() -> set[int]:
    """The ids of the patterns include("allauth.urls") brought in."""
    return {
        id(pattern)
        for entry in get_resolver().url_patterns
        if isinstance(entry, URLResolver)
        and getattr(entry.urlconf_name, "__name__", entry.urlconf_name) == "allauth.urls"
        for pattern in _patterns_under(entry.url_patterns)
    }


def is_account_page(name: str, pattern: Any) -> bool:
    return id(pattern) in ALLAUTH_PATTERNS and name not in ACCOUNT_PAGES_HERE


LOGIN = "login"  # 302 to /accounts/login/?next=<this URL>
MISSING_PK = 987_654_321

DEMO_TITLE = "Jets Grounded After Air Show Mix-Up"
DEMO_TEXT = (
    f"{DEMO_TITLE}\n\n"
    "Two F-16 jets flew low over the harbour on Saturday, the organisers said. "
    "About 40,000 people watched the display from the sea wall. "
    "The air force later said the aircraft were F-15s.\n\n"
    "The show returns next summer, the council confirmed.\n"
)
# Words of the demo newsroom's work that must never reach an outsider.
SECRETS = (DEMO_TITLE, "F-16 jets flew low", "40,000 people", "F-16 vs F-15 discrepancy")
FREE_SENTENCE = 4  # "The show returns next summer…": not yet a claim, for the mark endpoint
NEW_TASK_TITLE = "F-16 vs F-15: which jets flew?"
QUIET_TEXT = "Harbour Fete Moves Indoors\n\nThe fete moves into the town hall this year.\n"


@dataclass
class World:
    """The demo newsroom mid-way through its work, and the user playing each role."""

    users: dict[str, Any]
    draft: Draft
    proposed: Claim  # a verdict proposed by the checker, waiting on an editor
    approved: Claim
    unchecked: Claim
    task: Task  # open, assigned to the checker, linking ``proposed`` and ``unchecked``
    comment: Comment
    notifications: dict[str, Notification]  # one for each logged-in role, their own
    extra: dict[str, Any] = field(default_factory=dict)  # what a row's setup adds


@pytest.fixture
def world(
    newsroom: Any, other_newsroom: Any, editor: Any, checker: Any, newsadmin: Any, outsider: Any
) -> World:
    draft = draft_import(newsroom=newsroom, by=editor, text=DEMO_TEXT)
    sentences = {s.index: s for s in draft.revisions.get().sentences.all()}
    proposed, approved, unchecked = (
        claim_mark_sentence(sentence=sentences[i], by=editor) for i in (1, 2, 3)
    )
    proposed = propose(proposed, checker)
    approved = claim_approve(claim=propose(approved, checker), by=editor)
    task = task_create(
        draft=draft,
        by=editor,
        title="F-16 vs F-15 discrepancy",
        description="The draft says F-16; the air force says F-15.",
        claims=[proposed, unchecked],
        assignee=checker,
    )
    comment = comment_add(by=editor, body="@checker the air force statement is out", task=task)
    users = {"editor": editor, "checker": checker, "newsadmin": newsadmin, "outsider": outsider}
    notifications = {
        role: notify(
            users=[user],
            kind=Notification.Kind.MENTIONED,
            message=f"A note for {role}",
            url="/",
            actor=None,
            newsroom_id=(other_newsroom if role == "outsider" else newsroom).pk,
        )[0]
        for role, user in users.items()
    }
    assert task.status == Task.Status.OPEN
    return World(
        users={"anonymous": None, **users},
        draft=draft,
        proposed=proposed,
        approved=approved,
        unchecked=unchecked,
        task=task,
        comment=comment,
        notifications=notifications,
    )


def propose(claim: Claim, checker: Any) -> Claim:
    return claim_propose(
        claim=claim,
        by=checker,
        verdict="inaccurate",
        rationale="The air force's statement names the F-15.",
        links=[("https://example.org/air-force", "The air force's statement")],
    )


# --- What a row needs: the URL's keywords, a valid POST body, and a setup -----------------------

Keywords = Callable[[World], dict[str, Any]]
Body = Callable[[World, str], dict[str, Any]]


def none(w: World) -> dict[str, int]:
    return {}


def the_draft(w: World) -> dict[str, int]:
    return {"pk": w.draft.pk}


def the_task(w: World) -> dict[str, int]:
    return {"pk": w.task.pk}


def proposed_claim(w: World) -> dict[str, int]:
    return {"pk": w.proposed.pk}


def approved_claim(w: World) -> dict[str, int]:
    return {"pk": w.approved.pk}


def unchecked_claim(w: World) -> dict[str, int]:
    return {"pk": w.unchecked.pk}


def quiet_draft(w: World) -> dict[str, int]:
    return {"pk": w.extra["quiet"].pk}


def no_body(w: World, role: str) -> dict[str, Any]:
    return {}


def claim_version(claim: Claim) -> int:
    return Claim.objects.get(pk=claim.pk).version


def fresh(notification: Notification) -> Notification:
    return Notification.objects.get(pk=notification.pk)


def status(claim: Claim) -> str:
    return Claim.objects.get(pk=claim.pk).status


def task(w: World) -> Task:
    return Task.objects.get(pk=w.task.pk)


def task_version(w: World) -> int:
    return Task.objects.get(pk=w.task.pk).version


def archive_draft(w: World) -> None:
    draft_archive(draft=w.draft, by=w.users["editor"])


def dismiss_unchecked(w: World) -> None:
    w.unchecked = claim_dismiss(claim=w.unchecked, by=w.users["editor"]).obj


def archive_task(w: World) -> None:
    w.task = task_archive(task=w.task, by=w.users["editor"])


def add_quiet_draft(w: World) -> None:
    """A draft with no work on it: the one an editor can clear right away."""
    editor = w.users["editor"]
    w.extra["quiet"] = draft_import(newsroom=w.draft.newsroom, by=editor, text=QUIET_TEXT)


def proposal(w: World, role: str) -> dict[str, Any]:
    return {
        "verdict": "inaccurate",
        "rationale": "The air force's statement names the F-15, not the F-16.",
        "url_1": "https://example.org/air-force",
        "note_1": "The air force's statement",
        "version": claim_version(w.unchecked),
    }


def task_fields(w: World) -> dict[str, Any]:
    return {
        "title": NEW_TASK_TITLE,
        "description": "Ask the air force for the flight log.",
        "claims": [w.proposed.pk, w.unchecked.pk],
        "due_at": "",
        "priority": Task.Priority.HIGH,
    }


def the_document(w: World) -> dict[str, int]:
    return {"pk": w.extra["document"].pk}


def add_document(w: World) -> None:
    """A reference document of the demo newsroom."""
    w.extra["document"] = document_upload(
        newsroom=w.draft.newsroom,
        by=w.users["editor"],
        name="air-force.txt",
        data=b"Air force statement\n\nThe aircraft were F-15s.\n",
    )


def document(w: World) -> ReferenceDocument:
    return ReferenceDocument.objects.get(pk=w.extra["document"].pk)


def the_newsroom(w: World) -> dict[str, str]:
    return {"slug": w.draft.newsroom.slug}


def the_lookup(w: World) -> dict[str, int]:
    return {"pk": w.extra["lookup"].pk}


def the_evidence(w: World) -> dict[str, int]:
    return {"pk": w.extra["evidence"].pk}


EVIDENCE_URL = "https://example.org/air-force-statement"


def add_failed_lookup(w: World) -> None:
    """A Wikipedia lookup of the unchecked claim that failed after its attempts."""
    lookup = lookups_start(claims=[w.unchecked], by=None, sources=[Source.WIKIPEDIA])[0]
    lookup_begin(lookup_id=lookup.pk)
    lookup_fail(lookup_id=lookup.pk, reason="Wikipedia: timed out after 10 s, 3 attempts")
    w.extra["lookup"] = lookup


def add_evidence(w: World) -> None:
    """Evidence the archive found for the unchecked claim, not yet attached or dismissed."""
    lookup = lookups_start(claims=[w.unchecked], by=None, sources=[Source.ARCHIVE])[0]
    begun = lookup_begin(lookup_id=lookup.pk)
    assert begun is not None
    hit = Hit(url=EVIDENCE_URL, title="The air force's statement", snippet="F-15s", score=0.9)
    w.extra["lookup"] = lookup_store(lookup=begun, hits=[hit])
    w.extra["evidence"] = Evidence.objects.get(claim=w.unchecked, url=EVIDENCE_URL)


def settings_of(w: World) -> SourceSettings:
    return SourceSettings.objects.get(newsroom=w.draft.newsroom)


def evidence_status(w: World) -> str:
    return Evidence.objects.get(pk=w.extra["evidence"].pk).status


def source_settings_form(w: World, role: str) -> dict[str, Any]:
    """The settings form with Wikipedia in German, as the page showed it."""
    current = source_settings_for(w.draft.newsroom)
    return {
        "archive_enabled": "on",
        "library_enabled": "on",
        "wikipedia_enabled": "on",
        "wikipedia_language": "de",
        "factcheck_language": "en",
        "seen": current.updated_at.isoformat(),
    }


def the_finding(w: World) -> dict[str, int]:
    return {"pk": w.extra["finding"].pk}


def add_finding(w: World) -> None:
    """An open finding of the demo draft: the air show's jets, F-16 in one sentence and F-15s
    in another (planted: the analysis of the short demo text finds none)."""
    revision = w.draft.revisions.get()
    a, b = revision.sentences.get(index=1), revision.sentences.get(index=3)
    w.extra["finding"] = Finding.objects.create(
        draft=w.draft,
        revision=revision,
        kind=Finding.Kind.CONTRADICTION,
        sentence_a=a,
        sentence_b=b,
        summary="F-16 vs F-15",
        what="aircraft model",
    )


def add_dismissed_finding(w: World) -> None:
    add_finding(w)
    w.extra["finding"] = finding_dismiss(finding=w.extra["finding"], by=w.users["editor"]).obj


def finding(w: World) -> Finding:
    return Finding.objects.get(pk=w.extra["finding"].pk)


def finding_version(w: World, role: str) -> dict[str, Any]:
    return {"version": finding(w).version}


def add_quote(w: World) -> None:
    """The free sentence credits a direct quote to the council (as the analysis would)."""
    w.draft.revisions.get().sentences.filter(index=FREE_SENTENCE).update(speaker="the council")


def note_analysis(w: World) -> None:
    w.extra["analysed_at"] = w.draft.revisions.get().analysed_at


# The demo draft's next version: the sentence of the approved claim (40,000 people) rewritten in
# its place, so that the claim is orphaned (a person must decide where it goes).
NEXT_VERSION = DEMO_TEXT.replace(
    "About 40,000 people watched the display from the sea wall.", "Crowds gathered early."
)
ORPHAN_SENTENCE = 2  # "Crowds gathered early." in the new version


def load_next_version(w: World) -> None:
    revision_load(draft=w.draft, by=w.users["editor"], text=NEXT_VERSION)
    assert anchor(w.approved) == Claim.Anchor.ORPHANED


def archive_orphan(w: World) -> None:
    load_next_version(w)
    claim_archive(claim=w.approved, by=w.users["editor"])


def anchor(claim: Claim) -> str:
    return Claim.objects.get(pk=claim.pk).anchor


def first_revision(w: World) -> dict[str, int]:
    return {"pk": w.draft.pk, "number": 1}


STORY_URL = "https://news.example.org/2026/jets-grounded"


def publish_demo(w: World) -> None:
    publication_record(
        draft=w.draft,
        by=w.users["editor"],
        url=STORY_URL,
        published_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
    )


def publication(w: World) -> Publication | None:
    return Publication.objects.filter(draft=w.draft).first()


def publishing_form(w: World, role: str) -> dict[str, Any]:
    """The ClaimReview settings form with "Inaccurate" shown as "Wrong"."""
    current = publishing_settings_for(w.draft.newsroom)
    data: dict[str, Any] = {
        "organization_url": "",
        "worst_rating": 1,
        "best_rating": 5,
        "seen": current.updated_at.isoformat(),
    }
    for verdict in Claim.Verdict.values:
        name, value = current.rating_for(verdict)
        data[f"name_{verdict}"] = "Wrong" if verdict == "inaccurate" else name
        data[f"value_{verdict}"] = "" if value is None else value
    return data


INVITED = "new.person@example.org"
INVITATION_SECRET = "s3cret-of-the-invitation-link-0123456789abc"


def note_membership(w: World) -> None:
    w.extra["membership"] = Membership.objects.get(
        user=w.users["checker"], newsroom=w.draft.newsroom
    )


def the_membership(w: World) -> dict[str, Any]:
    return {"slug": w.draft.newsroom.slug, "pk": w.extra["membership"].pk}


def add_invitation(w: World) -> None:
    """An invitation of the outsider's address as a checker, its email sent (its link's secret
    known here)."""
    w.extra["invitation"] = Invitation.objects.create(
        newsroom=w.draft.newsroom,
        email=w.users["outsider"].email,
        role="checker",
        invited_by=w.users["newsadmin"],
        token_hash=invitation_hash(INVITATION_SECRET),
        sent=1,
        expires_at=timezone.now() + timedelta(days=7),
    )


def the_invitation(w: World) -> dict[str, Any]:
    return {"slug": w.draft.newsroom.slug, "pk": w.extra["invitation"].pk}


def invitation(w: World) -> Invitation:
    return Invitation.objects.get(pk=w.extra["invitation"].pk)


def add_webhook(w: World) -> None:
    """A webhook of the demo newsroom with one failed delivery (saved directly: nothing here
    resolves a name or connects to the address)."""
    hook = Webhook.objects.create(
        newsroom=w.draft.newsroom,
        url=PUBLIC_HOOK_URL,
        secret="whsec_demo",
        events=list(Event.values),
        created_by=w.users["newsadmin"],
    )
    w.extra["webhook"] = hook
    w.extra["delivery"] = Delivery.objects.create(
        webhook=hook,
        event=Event.DRAFT_CLEARED,
        payload={"draft": {"id": w.draft.pk, "title": DEMO_TITLE}},
        occurred_at=hook.created_at,
        status=Delivery.Status.FAILED,
        attempts=1,
        attempt_limit=3,
    )


# A public address, written as one: the webhook checks need no DNS, and no row connects to it
# (POSTs of the demo newsroom run in a transaction that never commits).
PUBLIC_HOOK_URL = "https://93.184.215.14/hooks/factcheck"


def the_webhook(w: World) -> dict[str, int]:
    return {"pk": w.extra["webhook"].pk}


def the_delivery(w: World) -> dict[str, int]:
    return {"pk": w.extra["delivery"].pk}


def add_personal_token(w: World) -> None:
    w.extra["token"] = api_token_create(by=w.users["editor"], name="editor's").token


def add_newsroom_token(w: World) -> None:
    admin = w.users["newsadmin"]
    w.extra["token"] = api_token_create(by=admin, name="CMS", newsroom=w.draft.newsroom).token


def fresh_token(w: World) -> ApiToken:
    return ApiToken.objects.get(pk=w.extra["token"].pk)


@dataclass(frozen=True)
class Row:
    """What each role gets from one URL pattern, in the order of ROLES:
    (anonymous, editor, checker, newsadmin, outsider), for GET and for POST."""

    url: Keywords
    GET: tuple[int | str, ...]
    POST: tuple[int | str, ...]
    body: Body = no_body
    setup: Callable[[World], None] | None = None
    # After an allowed POST (302): whether it did what it asked, so that 302 never hides a
    # refusal shown as a message after a redirect.
    done: Callable[[World, str], bool] | None = None
    # Public by design (the newsroom's ClaimReview feed): an outsider reads it like anyone,
    # so it does not answer as a missing object would.
    public: bool = False


L = LOGIN
EXPECTED: dict[str, Row] = {
    # --- Pages about the user: every logged-in user gets their own. ---------------------------
    #                                     anon editor checker admin outsider
    "dashboard": Row(none, GET=(L, 200, 200, 200, 200), POST=(L, 405, 405, 405, 405)),
    "reviews:my_tasks": Row(none, GET=(L, 200, 200, 200, 200), POST=(L, 405, 405, 405, 405)),
    "notifications:list": Row(none, GET=(L, 200, 200, 200, 200), POST=(L, 405, 405, 405, 405)),
    "notifications:bell": Row(none, GET=(L, 200, 200, 200, 200), POST=(L, 405, 405, 405, 405)),
    # Marks the user's own notification read.
    "notifications:read": Row(
        none,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 302, 302, 302),
        body=lambda w, role: {"id": w.notifications[role].pk} if role != "anonymous" else {},
        done=lambda w, role: fresh(w.notifications[role]).read_at is not None,
    ),
    # The load form lists the newsrooms where the user may load drafts; naming the demo
    # newsroom is refused by the form (400, nothing saved) for a checker, who may load nowhere,
    # and for the outsider, a stranger to it.
    "drafts:new": Row(
        none,
        GET=(L, 200, 200, 200, 200),
        # A checker may load drafts nowhere: 403 before the body is read (factcheck/uploads.py).
        POST=(L, 302, 403, 302, 400),
        body=lambda w, role: {"newsroom": w.draft.newsroom_id, "text": SAMPLE_TEXT},
        done=lambda w, role: Draft.objects.filter(title="Storm Closes Harbour Road").exists(),
    ),
    # The review queue is for those who approve: the outsider approves in their own newsroom
    # and sees its queue (never the demo newsroom's work); a checker approves nowhere: 403.
    "reviews:queue": Row(none, GET=(L, 200, 403, 200, 200), POST=(L, 405, 405, 405, 405)),
    # One row's action names an object of the demo newsroom: approve the proposed verdict.
    "reviews:queue_bulk": Row(
        none,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        body=lambda w, role: {
            "do": "approve",
            "item": f"claim:{w.proposed.pk}:{claim_version(w.proposed)}",
            "back": "",
        },
        done=lambda w, role: status(w.proposed) == Claim.Status.APPROVED,
    ),
    # --- The draft. ------------------------------------------------------------------------------
    "drafts:detail": Row(the_draft, GET=(L, 200, 200, 200, 404), POST=(L, 405, 405, 405, 405)),
    "drafts:export_json": Row(the_draft, GET=(L, 200, 200, 200, 404), POST=(L, 405, 405, 405, 405)),
    # The reader's own highlights, kept from any draft they may read.
    "drafts:highlights": Row(
        the_draft,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 302, 302, 404),
        body=lambda w, role: {"show": "date"},
        done=lambda w, role: ReaderSettings.objects.filter(
            user=w.users[role], highlights="date"
        ).exists(),
    ),
    "drafts:edit": Row(
        the_draft,
        GET=(L, 200, 403, 200, 404),
        POST=(L, 302, 403, 302, 404),
        body=lambda w, role: {
            "title": "Jets Grounded After Air Show Mix-Up (updated)",
            "deadline": "",
            "version": Draft.objects.get(pk=w.draft.pk).version,
        },
        done=lambda w, role: Draft.objects.get(pk=w.draft.pk).title.endswith("(updated)"),
    ),
    "drafts:archive": Row(
        the_draft,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        done=lambda w, role: Draft.objects.get(pk=w.draft.pk).archived_at is not None,
    ),
    "drafts:restore": Row(
        the_draft,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        setup=archive_draft,
        done=lambda w, role: Draft.objects.get(pk=w.draft.pk).archived_at is None,
    ),
    # The mark endpoint: mark a sentence that is not a claim yet.
    "claims:mark": Row(
        the_draft,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        body=lambda w, role: {"mark": FREE_SENTENCE},
        done=lambda w, role: w.draft.claims.filter(sentence__index=FREE_SENTENCE).exists(),
    ),
    "reviews:clearance": Row(the_draft, GET=(L, 200, 200, 200, 404), POST=(L, 405, 405, 405, 405)),
    "reviews:clearance_md": Row(
        the_draft, GET=(L, 200, 200, 200, 404), POST=(L, 405, 405, 405, 405)
    ),
    "reviews:clearance_csv": Row(
        the_draft, GET=(L, 200, 200, 200, 404), POST=(L, 405, 405, 405, 405)
    ),
    "history:draft": Row(the_draft, GET=(L, 200, 200, 200, 404), POST=(L, 405, 405, 405, 405)),
    # Clearing a draft with nothing blocking it.
    "reviews:clear": Row(
        quiet_draft,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        setup=add_quiet_draft,
        done=lambda w, role: Draft.objects.get(pk=w.extra["quiet"].pk).cleared_at is not None,
    ),
    "reviews:task_new": Row(
        the_draft,
        GET=(L, 200, 403, 200, 404),
        POST=(L, 302, 403, 302, 404),
        body=lambda w, role: {**task_fields(w), "assignee": w.users["checker"].pk},
        done=lambda w, role: Task.objects.filter(title=NEW_TASK_TITLE).exists(),
    ),
    # --- Revisions: loading a new version, the list, an older one read-only. ---------------------
    "drafts:revisions": Row(the_draft, GET=(L, 200, 200, 200, 404), POST=(L, 405, 405, 405, 405)),
    "drafts:revision": Row(
        first_revision, GET=(L, 200, 200, 200, 404), POST=(L, 405, 405, 405, 405)
    ),
    "drafts:diff": Row(the_draft, GET=(L, 200, 200, 200, 404), POST=(L, 405, 405, 405, 405)),
    "drafts:revision_new": Row(
        the_draft,
        GET=(L, 200, 403, 200, 404),
        POST=(L, 302, 403, 302, 404),
        body=lambda w, role: {"text": NEXT_VERSION},
        done=lambda w, role: w.draft.revisions.count() == 2,
    ),
    # A claim the next version orphaned: attach it, archive it; an archived one: restore it.
    "claims:attach": Row(
        approved_claim,
        GET=(L, 200, 403, 200, 404),
        POST=(L, 302, 403, 302, 404),
        setup=load_next_version,
        body=lambda w, role: {"sentence": ORPHAN_SENTENCE, "version": claim_version(w.approved)},
        done=lambda w, role: anchor(w.approved) == Claim.Anchor.ANCHORED,
    ),
    "claims:archive": Row(
        approved_claim,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        setup=load_next_version,
        body=lambda w, role: {"version": claim_version(w.approved)},
        done=lambda w, role: anchor(w.approved) == Claim.Anchor.ARCHIVED,
    ),
    "claims:unarchive": Row(
        approved_claim,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        setup=archive_orphan,
        body=lambda w, role: {"version": claim_version(w.approved)},
        done=lambda w, role: anchor(w.approved) == Claim.Anchor.ORPHANED,
    ),
    # --- Claims. -------------------------------------------------------------------------------
    "claims:detail": Row(proposed_claim, GET=(L, 200, 200, 200, 404), POST=(L, 405, 405, 405, 405)),
    "claims:propose": Row(
        unchecked_claim,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 302, 302, 404),
        body=proposal,
        done=lambda w, role: status(w.unchecked) == Claim.Status.PROPOSED,
    ),
    "claims:approve": Row(
        proposed_claim,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        body=lambda w, role: {"version": claim_version(w.proposed)},
        done=lambda w, role: status(w.proposed) == Claim.Status.APPROVED,
    ),
    "claims:send_back": Row(
        proposed_claim,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        body=lambda w, role: {
            "note": "Which statement? Link it.",
            "version": claim_version(w.proposed),
        },
        done=lambda w, role: status(w.proposed) == Claim.Status.CHECKING,
    ),
    # Editing the wording of an approved claim (it goes back for review).
    "claims:edit": Row(
        approved_claim,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        body=lambda w, role: {
            "text": "About 40,000 people watched the display.",
            "verdict": "inaccurate",
            "rationale": "The council counted 25,000.",
            "version": claim_version(w.approved),
        },
        done=lambda w, role: status(w.approved) == Claim.Status.PROPOSED,
    ),
    "claims:dismiss": Row(
        unchecked_claim,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        body=lambda w, role: {"version": claim_version(w.unchecked)},
        done=lambda w, role: status(w.unchecked) == Claim.Status.DISMISSED,
    ),
    "claims:restore": Row(
        unchecked_claim,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        body=lambda w, role: {"version": claim_version(w.unchecked)},
        setup=dismiss_unchecked,
        done=lambda w, role: status(w.unchecked) == Claim.Status.UNCHECKED,
    ),
    "claims:comment": Row(
        proposed_claim,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 302, 302, 404),
        body=lambda w, role: {"body": "@editor the statement is linked."},
        done=lambda w, role: Comment.objects.filter(claim=w.proposed).exists(),
    ),
    # --- Tasks. --------------------------------------------------------------------------------
    "reviews:task": Row(the_task, GET=(L, 200, 200, 200, 404), POST=(L, 405, 405, 405, 405)),
    "reviews:task_edit": Row(
        the_task,
        GET=(L, 200, 403, 200, 404),
        POST=(L, 302, 403, 302, 404),
        body=lambda w, role: {**task_fields(w), "version": task_version(w)},
        done=lambda w, role: Task.objects.filter(title=NEW_TASK_TITLE).exists(),
    ),
    # The checker starts the task assigned to them; editors move anyone's.
    "reviews:task_move": Row(
        the_task,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 302, 302, 404),
        body=lambda w, role: {"to": Task.Status.IN_PROGRESS, "version": task_version(w)},
        done=lambda w, role: task(w).status == Task.Status.IN_PROGRESS,
    ),
    "reviews:task_assign": Row(
        the_task,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        body=lambda w, role: {"assignee": w.users["editor"].pk, "version": task_version(w)},
        done=lambda w, role: task(w).assignee == w.users["editor"],
    ),
    "reviews:task_archive": Row(
        the_task,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        done=lambda w, role: task(w).archived_at is not None,
    ),
    "reviews:task_restore": Row(
        the_task,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        setup=archive_task,
        done=lambda w, role: task(w).archived_at is None,
    ),
    "reviews:task_comment": Row(
        the_task,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 302, 302, 404),
        body=lambda w, role: {"body": "@checker any word from the air force?"},
        done=lambda w, role: w.task.comments.count() == 2,
    ),
    # --- The reference library (factcheck/sources/urls.py). --------------------------------
    "sources:library": Row(
        none,
        GET=(L, 200, 200, 200, 200),
        POST=(L, 302, 403, 302, 404),
        body=lambda w, role: {
            "newsroom": "demo",
            "file": SimpleUploadedFile("notes.txt", b"Notes\n\nThe show returns next summer.\n"),
        },
        done=lambda w, role: ReferenceDocument.objects.filter(filename="notes.txt").exists(),
    ),
    "sources:document": Row(
        the_document, GET=(L, 200, 200, 200, 404), POST=(L, 405, 405, 405, 405), setup=add_document
    ),
    "sources:document_archive": Row(
        the_document,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        setup=add_document,
        done=lambda w, role: document(w).archived_at is not None,
    ),
    # --- Lookups and evidence (factcheck/sources/urls.py). ---------------------------------------
    # Every member sees a claim's lookups panel (htmx polls it; a plain GET is sent on to the
    # claim page's panel); checkers, editors and admins start, retry, attach and dismiss.
    "sources:claim_lookups": Row(
        unchecked_claim,
        GET=(L, 302, 302, 302, 404),
        POST=(L, 302, 302, 302, 404),
        body=lambda w, role: {"source": Source.ARCHIVE},
        done=lambda w, role: Lookup.objects.filter(claim=w.unchecked, source="archive").exists(),
    ),
    "sources:lookup_retry": Row(
        the_lookup,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 302, 302, 404),
        setup=add_failed_lookup,
        done=lambda w, role: Lookup.objects.get(pk=w.extra["lookup"].pk).status == "queued",
    ),
    "sources:evidence_attach": Row(
        the_evidence,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 302, 302, 404),
        setup=add_evidence,
        done=lambda w, role: (
            evidence_status(w) == Evidence.Status.ATTACHED
            and EvidenceLink.objects.filter(claim=w.unchecked, url=EVIDENCE_URL).exists()
        ),
    ),
    "sources:evidence_dismiss": Row(
        the_evidence,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 302, 302, 404),
        setup=add_evidence,
        done=lambda w, role: evidence_status(w) == Evidence.Status.DISMISSED,
    ),
    "sources:draft_lookups": Row(
        the_draft,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 302, 302, 404),
        body=lambda w, role: {"source": Source.ARCHIVE},
        done=lambda w, role: Lookup.objects.filter(claim__draft=w.draft).count() == 3,
    ),
    # --- Claim intelligence (factcheck/insights/urls.py). ------------------------------------
    # Suggested claims: confirming, dismissing and restoring them is marking claims (editors,
    # admins). The free sentence is confirmed as a claim.
    "insights:suggestions": Row(
        the_draft,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        body=lambda w, role: {"confirm": FREE_SENTENCE},
        done=lambda w, role: w.draft.claims.filter(sentence__index=FREE_SENTENCE).exists(),
    ),
    # "Confirm the council said this": a task, which is assigning work (editors, admins).
    "insights:quote_task": Row(
        the_draft,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        setup=add_quote,
        body=lambda w, role: {"unit": FREE_SENTENCE},
        done=lambda w, role: Task.objects.filter(title="Confirm the council said this").exists(),
    ),
    # Every member sees the progress (htmx polls it; a plain GET is sent on to the draft page);
    # running the analysis again is for those who mark claims.
    "insights:analysis": Row(
        the_draft,
        GET=(L, 302, 302, 302, 404),
        POST=(L, 302, 403, 302, 404),
        setup=note_analysis,
        done=lambda w, role: w.draft.revisions.get().analysed_at != w.extra["analysed_at"],
    ),
    # A finding: every member reads it; dismissing, reopening and tasking it is assigning work.
    "insights:finding": Row(
        the_finding, GET=(L, 200, 200, 200, 404), POST=(L, 405, 405, 405, 405), setup=add_finding
    ),
    "insights:finding_dismiss": Row(
        the_finding,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        setup=add_finding,
        body=finding_version,
        done=lambda w, role: finding(w).status == Finding.Status.DISMISSED,
    ),
    "insights:finding_reopen": Row(
        the_finding,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        setup=add_dismissed_finding,
        body=finding_version,
        done=lambda w, role: finding(w).status == Finding.Status.OPEN,
    ),
    "insights:finding_task": Row(
        the_finding,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        setup=add_finding,
        body=finding_version,
        done=lambda w, role: (
            finding(w).status == Finding.Status.TASKED
            and finding(w).task is not None
            and finding(w).task.title == "F-16 vs F-15 discrepancy"  # type: ignore[union-attr]
        ),
    ),
    # --- The newsroom's pages (factcheck/newsrooms/urls.py). ----------------------------------
    # The newsroom itself: every member reads it (its members and their roles).
    "newsrooms:detail": Row(
        the_newsroom, GET=(L, 200, 200, 200, 404), POST=(L, 405, 405, 405, 405)
    ),
    # A newsroom's source settings: its admins only (MANAGE_MEMBERS).
    "newsrooms:sources": Row(
        the_newsroom,
        GET=(L, 403, 403, 200, 404),
        POST=(L, 403, 403, 302, 404),
        body=source_settings_form,
        done=lambda w, role: settings_of(w).wikipedia_language == "de",
    ),
    # The newsroom's suggestion threshold, on its settings page: its admins only.
    # "Require 2FA for members": its admins only (the body leaves it off, as it is).
    "newsrooms:security": Row(
        the_newsroom,
        GET=(L, 403, 403, 200, 404),
        POST=(L, 403, 403, 302, 404),
        body=lambda w, role: {},
    ),
    "newsrooms:suggestions": Row(
        the_newsroom,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 403, 403, 302, 404),
        body=lambda w, role: {"threshold": "0.7"},
        done=lambda w, role: (
            type(w.draft.newsroom).objects.get(pk=w.draft.newsroom_id).suggestion_threshold == 0.7
        ),
    ),
    # --- Publishing (factcheck/publishing/urls.py). -------------------------------------------
    # A draft's publication: every member reads it; editors mark the story published.
    "publishing:draft": Row(
        the_draft,
        GET=(L, 200, 200, 200, 404),
        POST=(L, 302, 403, 302, 404),
        body=lambda w, role: {"url": STORY_URL, "published_at": "2026-03-02T09:30"},
        done=lambda w, role: getattr(publication(w), "url", None) == STORY_URL,
    ),
    "publishing:withdraw": Row(
        the_draft,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 403, 302, 404),
        setup=publish_demo,
        done=lambda w, role: getattr(publication(w), "withdrawn_at", None) is not None,
    ),
    "publishing:draft_claimreview": Row(
        the_draft, GET=(L, 200, 200, 200, 404), POST=(L, 405, 405, 405, 405)
    ),
    # The newsroom's ClaimReview settings: every member reads them, its admins change them.
    "publishing:settings": Row(
        the_newsroom,
        GET=(L, 200, 200, 200, 404),
        POST=(L, 403, 403, 302, 404),
        body=publishing_form,
        done=lambda w, role: (
            publishing_settings_for(w.draft.newsroom).rating_for("inaccurate")[0] == "Wrong"
        ),
    ),
    # The newsroom's public feed: anyone reads it (here empty: nothing is published).
    "publishing:feed": Row(
        the_newsroom,
        GET=(200, 200, 200, 200, 200),
        POST=(405, 405, 405, 405, 405),
        public=True,
    ),
    # --- The newsroom's members (factcheck/newsrooms/member_views.py): its admins only. -------
    "newsrooms:members": Row(
        the_newsroom, GET=(L, 403, 403, 200, 404), POST=(L, 405, 405, 405, 405)
    ),
    "newsrooms:member_invite": Row(
        the_newsroom,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 403, 403, 302, 404),
        body=lambda w, role: {"email": INVITED, "role": "checker"},
        done=lambda w, role: Invitation.objects.filter(email=INVITED).exists(),
    ),
    # The checker's membership: its role changed, or the checker removed.
    "newsrooms:member_role": Row(
        the_membership,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 403, 403, 302, 404),
        setup=note_membership,
        body=lambda w, role: {"role": "editor"},
        done=lambda w, role: Membership.objects.get(pk=w.extra["membership"].pk).role == "editor",
    ),
    "newsrooms:member_remove": Row(
        the_membership,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 403, 403, 302, 404),
        setup=note_membership,
        done=lambda w, role: not Membership.objects.filter(pk=w.extra["membership"].pk).exists(),
    ),
    "newsrooms:invitation_resend": Row(
        the_invitation,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 403, 403, 302, 404),
        setup=add_invitation,
        done=lambda w, role: invitation(w).sends == 2,
    ),
    "newsrooms:invitation_revoke": Row(
        the_invitation,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 403, 403, 302, 404),
        setup=add_invitation,
        done=lambda w, role: invitation(w).revoked_at is not None,
    ),
    # The link of an invitation's email, sent to the outsider's address: theirs alone (the
    # members, whose addresses it was not sent to, get 404, as for a link that does not exist).
    "newsrooms:join": Row(
        lambda w: {"slug": w.draft.newsroom.slug, "token": INVITATION_SECRET},
        GET=(L, 404, 404, 404, 200),
        POST=(L, 404, 404, 404, 302),
        setup=add_invitation,
        done=lambda w, role: Membership.objects.filter(
            user=w.users["outsider"], newsroom=w.draft.newsroom
        ).exists(),
        public=True,  # the outsider is the one invited
    ),
    # --- Webhooks (factcheck/webhooks/urls.py): the newsroom's admins only. ------------------
    "webhooks:list": Row(the_newsroom, GET=(L, 403, 403, 200, 404), POST=(L, 405, 405, 405, 405)),
    "webhooks:create": Row(
        the_newsroom,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 403, 403, 302, 404),
        body=lambda w, role: {"url": PUBLIC_HOOK_URL, "events": ["draft.cleared"]},
        done=lambda w, role: Webhook.objects.filter(url=PUBLIC_HOOK_URL).exists(),
    ),
    "webhooks:detail": Row(
        the_webhook,
        GET=(L, 403, 403, 200, 404),
        POST=(L, 403, 403, 302, 404),
        setup=add_webhook,
        body=lambda w, role: {"events": ["task.assigned"], "active": "on"},
        done=lambda w, role: (
            Webhook.objects.get(pk=w.extra["webhook"].pk).events == ["task.assigned"]
        ),
    ),
    "webhooks:delete": Row(
        the_webhook,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 403, 403, 302, 404),
        setup=add_webhook,
        done=lambda w, role: not Webhook.objects.filter(pk=w.extra["webhook"].pk).exists(),
    ),
    "webhooks:deliveries": Row(
        the_webhook, GET=(L, 403, 403, 200, 404), POST=(L, 405, 405, 405, 405), setup=add_webhook
    ),
    "webhooks:resend": Row(
        the_delivery,
        GET=(L, 405, 405, 405, 405),
        POST=(L, 403, 403, 302, 404),
        setup=add_webhook,
        done=lambda w, role: (
            Delivery.objects.get(pk=w.extra["delivery"].pk).status == Delivery.Status.PENDING
        ),
    ),
    # --- API tokens (factcheck/api/pages.py). --------------------------------------------------
    # The user's own tokens: everyone signed in has a list, and makes one (the answer shows
    # its secret: 200, not a redirect).
    "api_tokens:personal": Row(
        none,
        GET=(L, 200, 200, 200, 200),
        POST=(L, 200, 200, 200, 200),
        body=lambda w, role: {"name": f"{role} script"},
    ),
    # The editor's own token: only its owner revokes it; to anyone else it does not exist.
    "api_tokens:personal_revoke": Row(
        lambda w: {"pk": w.extra["token"].pk},
        GET=(L, 405, 405, 405, 405),
        POST=(L, 302, 404, 404, 404),
        setup=add_personal_token,
        done=lambda w, role: fresh_token(w).revoked_at is not None,
    ),
    # The newsroom's tokens: its admins only (MANAGE_MEMBERS).
    "api_tokens:newsroom": Row(
        the_newsroom,
        GET=(L, 403, 403, 200, 404),
        POST=(L, 403, 403, 200, 404),
        body=lambda w, role: {"name": "CMS"},
    ),
    "api_tokens:newsroom_revoke": Row(
        lambda w: {"slug": w.draft.newsroom.slug, "pk": w.extra["token"].pk},
        GET=(L, 405, 405, 405, 405),
        POST=(L, 403, 403, 302, 404),
        setup=add_newsroom_token,
        done=lambda w, role: fresh_token(w).revoked_at is not None,
    ),
    # --- Logging in and out: the two URLs that are not behind the login. --------------------
    # A logged-in user is sent on from the login page, whatever the method.
    "account_login": Row(
        none,
        GET=(200, 302, 302, 302, 302),
        POST=(302, 302, 302, 302, 302),
        body=lambda w, role: {"login": "editor", "password": PASSWORD},
    ),
    # A GET only asks "Log out?" (a link must not log anyone out; anonymous: sent to the login
    # page); the POST logs out and sends everyone to the login page.
    "account_logout": Row(none, GET=(302, 200, 200, 200, 200), POST=(302, 302, 302, 302, 302)),
    # --- Operations (factcheck/ops). -----------------------------------------------------------
    # The health endpoint: public on purpose (load balancers and monitors log in nowhere), the
    # same answer for everyone and nothing of any newsroom. 503 here, where no Celery worker
    # runs (tests/ops/test_health.py; 200 with a worker: tests/integration/test_worker_health.py).
    "healthz": Row(
        none, GET=(503, 503, 503, 503, 503), POST=(405, 405, 405, 405, 405), public=True
    ),
}


# --- The resolver ----------------------------------------------------------------------------


def _walk(patterns: list[Any], namespace: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    for name, entry, _keywords in walk_keywords(patterns, namespace):
        yield name, entry


def walk_keywords(
    patterns: list[Any], namespace: tuple[str, ...] = (), outer: frozenset[str] = frozenset()
) -> Iterator[tuple[str, Any, frozenset[str]]]:
    """Every URL pattern by its full name, with the keywords its URL takes: its own and those
    of the include()s above it (allauth's provider, say)."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = (*namespace, entry.namespace) if entry.namespace else namespace
            keywords = outer | frozenset(entry.pattern.regex.groupindex)
            yield from walk_keywords(entry.url_patterns, inner, keywords)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespace, entry.name or f"<unnamed {entry.pattern}>"))
            yield name, entry, outer | frozenset(entry.pattern.regex.groupindex)


def project_patterns() -> dict[str, frozenset[str]]:
    """Every URL pattern outside the skipped namespaces, by full name, with its keywords."""
    found: dict[str, frozenset[str]] = {}
    for name, pattern, keywords in walk_keywords(get_resolver().url_patterns):
        if (
            name.split(":")[0] in SKIPPED_NAMESPACES
            or is_account_page(name, pattern)
            or pattern.pattern.regex.pattern.startswith(("^static", "^media", "static/", "media/"))
        ):
            continue
        assert name not in found, f"two URL patterns are named {name}"
        found[name] = keywords
    return found


ALLAUTH_PATTERNS = allauth_patterns()
PATTERNS = project_patterns()


def test_every_url_pattern_is_in_the_table() -> None:
    missing = sorted(set(PATTERNS) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(PATTERNS))
    assert not missing, f"URL patterns missing from EXPECTED (say who may use them): {missing}"
    assert not stale, f"EXPECTED rows with no URL pattern (remove them): {stale}"


def test_each_row_gives_its_patterns_keywords_and_an_answer_per_role() -> None:
    # Only the keys matter here, so any object with a pk stands in for the demo newsroom's.
    stand_in = SimpleNamespace(pk=1, newsroom=SimpleNamespace(slug="stand-in"))
    fake: Any = SimpleNamespace(
        draft=stand_in,
        task=stand_in,
        proposed=stand_in,
        approved=stand_in,
        unchecked=stand_in,
        extra={
            "quiet": stand_in,
            "lookup": stand_in,
            "evidence": stand_in,
            "document": stand_in,
            "finding": stand_in,
            "webhook": stand_in,
            "delivery": stand_in,
            "token": stand_in,
            "membership": stand_in,
            "invitation": stand_in,
        },
    )
    wrong = {}
    for name, row in EXPECTED.items():
        assert len(row.GET) == len(row.POST) == len(ROLES), f"{name}: one answer per role"
        if name in PATTERNS and set(row.url(fake)) != PATTERNS[name]:
            wrong[name] = sorted(PATTERNS[name])
    assert not wrong, f"these patterns take other URL keywords: {wrong}"


# --- Asking ------------------------------------------------------------------------------------


def ask(world: World, name: str, role: str, method: str, keywords: dict[str, Any]) -> Any:
    url = reverse(name, kwargs=keywords)
    client = Client()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    if method == "GET":
        return url, client.get(url)
    return url, client.post(url, EXPECTED[name].body(world, role))


def outcome(url: str, response: Any) -> int | str:
    """The status code, or LOGIN for a redirect to the login page that comes back here."""
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith("/accounts/login/?next="):
        return LOGIN if location == f"/accounts/login/?next={quote(url)}" else location
    return response.status_code


def counts() -> tuple[int, ...]:
    models = (Draft, Claim, EvidenceLink, Task, Comment, AuditEntry, Notification, Lookup)
    return tuple(model.objects.count() for model in models)


def body_text(response: Any) -> str:
    content = getattr(response, "content", b"")
    return content.decode(errors="replace") if isinstance(content, bytes) else ""


CASES = [
    pytest.param(name, role, method, id=f"{name}-{role}-{method}")
    for name in sorted(EXPECTED)
    for role in ROLES
    for method in METHODS
]


@pytest.mark.parametrize(("name", "role", "method"), CASES)
def test_url_access(world: World, name: str, role: str, method: str) -> None:
    """One pattern, one role, one method, against a fresh demo newsroom."""
    row = EXPECTED[name]
    if row.setup:
        row.setup(world)
    expected = getattr(row, method)[ROLES.index(role)]
    before = counts()
    keywords = row.url(world)

    url, response = ask(world, name, role, method, keywords)

    got = outcome(url, response)
    mismatches: list[tuple[str, str, str, Any, Any]] = []
    if got != expected:
        mismatches.append((name, role, method, expected, got))
    if method == "POST" and got == expected == 302 and row.done and not row.done(world, role):
        mismatches.append((name, role, method, "302 and done", "302 but not done"))
    # Refused: nothing was written (no claim, task, comment, history entry…).
    if got not in (200, 302) and counts() != before:
        mismatches.append((name, role, method, "nothing written", "rows written"))
    if role == "outsider":
        leaked = [words for words in SECRETS if words in body_text(response)]
        if leaked:
            mismatches.append((name, role, method, "nothing of the demo newsroom", leaked))
        if keywords and not row.public:
            # An object of the demo newsroom answers as one that does not exist.
            missing = {k: "no-such-newsroom" if k == "slug" else MISSING_PK for k in keywords}
            missing_url, missing_response = ask(world, name, role, method, missing)
            as_missing = outcome(missing_url, missing_response)
            if as_missing != got:
                mismatches.append((name, role, method, f"as a missing object: {as_missing}", got))
    assert not mismatches, "\n" + format_mismatches(mismatches)


def format_mismatches(rows: list[tuple[str, str, str, Any, Any]]) -> str:
    lines = [f"{'pattern':24} {'role':10} {'method':6} {'expected':30} got"]
    lines += [f"{p:24} {r:10} {m:6} {e!s:30} {g}" for p, r, m, e, g in rows]
    return "\n".join(lines)


# --- Django's admin ------------------------------------------------------------------------------

ADMIN_KEYWORDS = {"app_label": "claims", "object_id": "1", "content_type_id": "1", "id": "1"}


def admin_urls() -> list[tuple[str, str]]:
    """A URL for each admin pattern: named ones reversed; the unnamed ones (each model's
    ``<object_id>/`` redirect and the catch-all) by example."""
    _prefix, resolver = get_resolver().namespace_dict["admin"]
    urls = []
    for name, pattern in _walk(resolver.url_patterns, ("admin",)):
        if pattern.name:
            keywords = {k: ADMIN_KEYWORDS[k] for k in pattern.pattern.regex.groupindex}
            urls.append((name, reverse(name, kwargs=keywords)))
    for model in admin.site._registry:
        meta = model._meta
        urls.append((f"{meta.label} object", f"/admin/{meta.app_label}/{meta.model_name}/1/"))
    urls.append(("catch-all", "/admin/no-such-page/"))
    return urls


def test_admin_sends_anonymous_users_and_newsroom_members_to_the_admin_login(world: World) -> None:
    """Newsroom roles are no admin rights: every admin URL sends them (and anonymous users) to
    the admin's login; its logout sends a non-staff user back to the admin index."""
    mismatches = []
    for name, url in admin_urls():
        if name == "admin:login":
            continue
        for role in ROLES:
            for method in METHODS:
                client = Client()
                if world.users[role] is not None:
                    client.force_login(world.users[role])
                response = client.get(url) if method == "GET" else client.post(url, {})
                location = response.get("Location", "")
                wanted = "/admin/" if name == "admin:logout" else "/admin/login/?next="
                ok = response.status_code == 302 and (
                    location == wanted if name == "admin:logout" else location.startswith(wanted)
                )
                if not ok:
                    got = f"{response.status_code} {location}".strip()
                    mismatches.append((name, role, method, f"302 {wanted}", got))
    assert len(admin_urls()) > 20  # the walk found the admin's URLs
    assert not mismatches, "\n" + format_mismatches(mismatches)


def test_outsider_sees_nothing_of_the_demo_newsroom_in_their_own_queue(world: World) -> None:
    """The one list page an outsider shares with the demo newsroom's editors."""
    client = Client()
    client.force_login(world.users["outsider"])
    html = client.get(reverse("reviews:queue")).content.decode()
    assert "Nothing waits on you" in html
    assert not [words for words in SECRETS if words in html]
    assert not re.search(rf"claim:{world.proposed.pk}:\d", html)


# --- Rules the table's one body per URL cannot show -------------------------------------------


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("own task: start it", 302),
        ("someone else's task", 403),
        ("own task in review: mark it done", 403),
    ],
)
def test_a_checker_moves_only_their_own_task_and_never_finishes_one(
    world: World, case: str, expected: int
) -> None:
    task = world.task
    if case == "someone else's task":
        task = task_create(draft=world.draft, by=world.users["editor"], title="Not theirs")
    to = Task.Status.IN_PROGRESS
    if case.startswith("own task in review"):
        task = task_move(task=task, by=world.users["checker"], to=Task.Status.IN_REVIEW)
        to = Task.Status.DONE
    before = task.status
    client = Client()
    client.force_login(world.users["checker"])

    response = client.post(
        reverse("reviews:task_move", kwargs={"pk": task.pk}), {"to": to, "version": task.version}
    )

    assert response.status_code == expected
    moved = Task.objects.get(pk=task.pk).status
    assert moved == (to if expected == 302 else before)


@pytest.mark.parametrize("role", ["checker", "outsider"])
def test_bulk_approve_of_the_demo_verdict_is_refused_to_checker_and_outsider(
    world: World, role: str
) -> None:
    client = Client()
    client.force_login(world.users[role])
    item = f"claim:{world.proposed.pk}:{world.proposed.version}"

    response = client.post(reverse("reviews:queue_bulk"), {"bulk": "approve", "items": [item]})

    # The checker approves nowhere (403); the outsider's queue does not hold the demo verdict,
    # so it is refused like any item they cannot see, and says nothing about it.
    assert response.status_code == (403 if role == "checker" else 302)
    assert status(world.proposed) == Claim.Status.PROPOSED
    assert not [words for words in SECRETS if words in body_text(response)]
