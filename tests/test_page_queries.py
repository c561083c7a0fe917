"""The query counts of the pages that show the lookups panel, the clearance panel and the review
queue's rows, pinned exactly: the views build those parts' data (``sources.panel``,
``reviews.panel``, ``reviews.queue``) and the templates and tags only render it, so a page's
count is the same for a few lookups, claims, tasks or findings and for many."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factcheck.claims.models import Claim
from factcheck.claims.services import claim_mark_sentence
from factcheck.drafts.models import Draft, Sentence
from factcheck.insights.models import Finding
from factcheck.insights.services import finding_task_create
from factcheck.reviews.models import Task
from tests.conftest import client_for
from tests.insights.test_diff import revised_draft
from tests.reviews.test_queue import bulk_claims, bulk_tasks
from tests.reviews.test_queue_findings import plant, token
from tests.sources.test_lookup_views import _fill

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PANEL_HTMX = {**HTMX, "HTTP_HX_TARGET": "clearance-panel"}

# Session, user, the claim with its draft, newsroom, sentence and the user's role; the claim
# page (revision, sentence, evidence links, tasks, comments, history); the lookups panel
# (lookups, evidence, source settings).
CLAIM_PAGE = 12
# Session, user, the claim with its role; lookups, evidence, source settings.
LOOKUPS_PANEL = 6
# Session, user, the reader's highlights, the draft with its newsroom and role; the page
# (revision, units, claims, findings), its tasks; the clearance panel's blockers (claims, tasks,
# findings).
DRAFT_PAGE = 12
# Session, user, the draft with its role; the blockers.
CLEARANCE_PANEL = 6
# The review queue with claims and tasks on the page (see tests/reviews/test_queue.py).
# On PostgreSQL, one statement more: the queue asks for plans of its own (prepared.fresh_plans).
QUEUE = 9 + (connection.vendor == "postgresql")
# Session, user, the draft with its role; the diff's data (insights.diff: the revisions, their
# two texts, their units, the claims, the findings).
DIFF_PAGE = 8
# Session, user, the finding with its role; the refused dismissal (savepoint, the finding
# locked, its draft: 5 with the rollback and release; the role is the one the access check
# read); the finding again with its draft, and its task: the row.
REFUSED_FINDING_ROW = 10


def count(client: Client, url: str, method: str = "get", **extra: Any) -> tuple[int, HttpResponse]:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, **extra)
    return len(queries), response


@pytest.fixture
def claims(draft: Draft, editor: Any) -> list[Claim]:
    sentences = draft.revisions.get().sentences.exclude(kind=Sentence.Kind.BOILERPLATE)
    return [claim_mark_sentence(sentence=s, by=editor) for s in sentences.order_by("index")[1:3]]


@pytest.mark.parametrize("role", ["checker", "editor"])
def test_claim_page_costs_the_same_for_one_lookup_or_many(
    role: str, request: pytest.FixtureRequest, claims: list[Claim]
) -> None:
    client = client_for(request.getfixturevalue(role))
    small, large = claims
    _fill(small, lookups=1, evidence_per_source=1)
    _fill(large, lookups=12, evidence_per_source=15)
    few, few_page = count(client, small.get_absolute_url())
    many, many_page = count(client, large.get_absolute_url())
    assert few_page.status_code == many_page.status_code == 200
    assert many_page.content.decode().count('class="lookup lookup-') == 12
    assert many_page.content.decode().count('class="evidence-item') == 60
    assert few == many == CLAIM_PAGE


def test_lookups_panel_costs_the_same_for_one_lookup_or_many(
    checker_client: Client, claims: list[Claim]
) -> None:
    small, large = claims
    _fill(small, lookups=1, evidence_per_source=1)
    _fill(large, lookups=12, evidence_per_source=15)
    few, _ = count(checker_client, f"/sources/claims/{small.pk}/lookups/", **HTMX)
    many, response = count(checker_client, f"/sources/claims/{large.pk}/lookups/", **HTMX)
    assert response.content.decode().count('class="lookup lookup-') == 12
    assert few == many == LOOKUPS_PANEL


def _blockers(draft: Draft, checker: Any, n: int) -> None:
    """``n`` more open claims, tasks and findings on ``draft``."""
    bulk_claims(draft, n, by=checker)
    bulk_tasks(draft, n, assignee=checker)
    start = Finding.objects.filter(draft=draft).count()
    for i in range(start, start + n):
        plant(draft, f"Holt vs Hold {i}", "name")


@pytest.mark.parametrize("role", ["checker", "editor"])
def test_draft_page_costs_the_same_for_few_blockers_or_many(
    role: str, request: pytest.FixtureRequest, draft: Draft, editor: Any, checker: Any
) -> None:
    client = client_for(request.getfixturevalue(role))
    _blockers(draft, checker, 2)
    few, page = count(client, draft.get_absolute_url())
    assert "Not cleared: 6 blockers remain." in page.content.decode()
    _blockers(draft, checker, 30)
    many, page = count(client, draft.get_absolute_url())
    html = page.content.decode()
    assert "Not cleared: 96 blockers remain." in html and "…and 86 more" in html
    assert "Look up all claims" in html  # checkers and editors may look up
    assert few == many == DRAFT_PAGE


def test_draft_page_of_a_cleared_draft_adds_who_cleared_it(
    editor_client: Client, newsroom: Any, editor: Any
) -> None:
    from factcheck.drafts.services import draft_import

    empty = draft_import(newsroom=newsroom, by=editor, title="Empty", text="Just words.")
    assert editor_client.post(f"/reviews/drafts/{empty.pk}/clear/").status_code == 302
    n, page = count(editor_client, empty.get_absolute_url())
    assert "by editor" in page.content.decode()
    assert n == DRAFT_PAGE + 1  # the user who cleared it, by name


def test_clearance_panel_costs_the_same_for_few_blockers_or_many(
    editor_client: Client, draft: Draft, editor: Any, checker: Any
) -> None:
    url = f"/reviews/drafts/{draft.pk}/clearance/"
    _blockers(draft, checker, 2)
    few, _ = count(editor_client, url, **PANEL_HTMX)
    _blockers(draft, checker, 30)
    many, response = count(editor_client, url, **PANEL_HTMX)
    assert response.content.decode().lstrip().startswith('<section id="clearance-panel"')
    assert few == many == CLEARANCE_PANEL


def test_queue_costs_the_same_for_few_rows_or_many(
    editor_client: Client, draft: Draft, checker: Any
) -> None:
    Draft.objects.filter(pk=draft.pk).update(deadline=timezone.now() + timedelta(hours=2.5))
    bulk_claims(draft, 5, by=checker)
    bulk_tasks(draft, 5, assignee=checker)
    few, _ = count(editor_client, "/reviews/")
    bulk_claims(draft, 95, by=checker)
    bulk_tasks(draft, 95, assignee=checker)
    many, _ = count(editor_client, "/reviews/")
    assert few == many == QUEUE


@pytest.mark.parametrize("show", ["", "?show=all"])
def test_diff_page_costs_the_same_for_a_small_draft_or_a_large_one(
    show: str, checker_client: Client, newsroom: Any, editor: Any
) -> None:
    small, large = (revised_draft(newsroom, editor, n) for n in (6, 240))
    few, page = count(checker_client, f"/drafts/{small.pk}/diff/{show}")
    assert page.content.decode().count('class="drow drow-edited"') == 1
    many, page = count(checker_client, f"/drafts/{large.pk}/diff/{show}")
    html = page.content.decode()
    assert html.count('class="drow drow-edited"') == 79
    # Folded, unit 1 (no change within a sentence of it) hides its finding.
    assert html.count('class="dfinding"') == (48 if show else 47)
    assert few == many == DIFF_PAGE


def test_queue_with_claims_changed_since_checked_costs_the_same(
    editor_client: Client, draft: Draft, checker: Any
) -> None:
    # The badge and the old wording are columns of the claim: no query of their own.
    changed = bulk_claims(draft, 5, by=checker)
    Claim.objects.filter(pk__in=[c.pk for c in changed]).update(
        changed_since_checked=True, checked_text="The old words."
    )
    bulk_tasks(draft, 5, assignee=checker)
    few, page = count(editor_client, "/reviews/")
    assert page.content.decode().count("Changed since checked</span>") == 5
    more = bulk_claims(draft, 95, by=checker)
    Claim.objects.filter(pk__in=[c.pk for c in more]).update(
        changed_since_checked=True, checked_text="The old words."
    )
    many, page = count(editor_client, "/reviews/")
    # A page of 50 rows: the 5 tasks and 45 of the claims.
    assert page.content.decode().count("Changed since checked</span>") == 45
    filtered, page = count(editor_client, "/reviews/?show=changed")
    assert page.content.decode().count("<del>The old words.</del>") == 50
    assert few == many == QUEUE
    assert filtered == QUEUE - 1  # claims alone on the page: no fetch of tasks


def test_a_refused_action_on_a_tasked_finding_answers_its_row_with_the_task(
    editor_client: Client, draft: Draft, editor: Any
) -> None:
    finding = plant(draft)
    task, _ = finding_task_create(finding=finding, by=editor, expected_version=None)
    data = {"do": "finding_dismiss", "item": token(finding), "back": ""}
    n, response = count(editor_client, "/reviews/bulk/", "post", data=data, **HTMX)
    assert response.status_code == 422
    assert f'href="/reviews/tasks/{task.pk}/"' in response.content.decode()
    # The finding's task comes with its row (reviews.queue.finding_row), not from the tag.
    assert n == REFUSED_FINDING_ROW
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.TASKED
    assert Task.objects.count() == 1


# Session, user, the newsroom, the admin's role there; the members with their users (and
# whether each is an API token's account), the open invitations with who sent them, the history.
MEMBERS_PAGE = 7


def test_members_page_costs_the_same_for_5_members_or_50(newsroom: Any, newsadmin: Any) -> None:
    from factcheck.newsrooms.models import Invitation, Role
    from factcheck.newsrooms.services import membership_set_role
    from tests.factories import MembershipFactory

    def grow(to: int) -> None:
        for i in range(newsroom.memberships.count(), to):
            member = MembershipFactory(newsroom=newsroom, role=Role.CHECKER).pk
            if i % 2:  # a history entry and an invitation for every other one
                membership_set_role(
                    membership=newsroom.memberships.get(pk=member), role=Role.EDITOR, by=newsadmin
                )
                Invitation.objects.create(newsroom=newsroom, email=f"p{i}@example.org")

    client = client_for(newsadmin)
    grow(5)
    few, page = count(client, "/newsrooms/demo/members/")
    assert page.content.decode().count('<tr class="member"') == 5
    grow(50)
    many, page = count(client, "/newsrooms/demo/members/")
    html = page.content.decode()
    assert html.count('<tr class="member"') == 50
    assert html.count('<tr class="invitation"') == 25
    assert few == many == MEMBERS_PAGE
