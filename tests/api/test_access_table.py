"""Every API endpoint × every caller × GET / POST / PATCH: the pages' roles hold in the API.

The callers: no token; personal tokens of the demo newsroom's editor, checker and admin; a
personal token of an editor of another newsroom ("outsider"); a newsroom token of the demo
newsroom (``cms``, an editor there) and one of the other newsroom (``other_cms``). Every pattern
under the ``api`` namespace must have a row here. Each case runs against a fresh demo draft; a
refusal writes nothing, and an outsider's answer is the one for an object that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from factcheck.api.services import api_token_create
from factcheck.claims.models import Claim
from factcheck.claims.services import claim_dismiss, claim_mark_sentence, claim_propose
from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.drafts.services import draft_import
from factcheck.history.models import AuditEntry
from factcheck.insights.models import Finding
from factcheck.insights.services import finding_dismiss
from factcheck.publishing.models import Publication
from factcheck.reviews.models import Comment, Task
from factcheck.sources.models import Evidence, Lookup
from tests.api.conftest import ApiClient, token_for
from tests.api.work import a_claim as work_claim
from tests.api.work import a_finding, a_task, found_evidence
from tests.conftest import SAMPLE_TEXT
from tests.factories import UserFactory
from tests.test_url_access import _walk

pytestmark = pytest.mark.django_db

CALLERS = ("anonymous", "editor", "checker", "newsadmin", "cms", "outsider", "other_cms")
METHODS = ("GET", "POST", "PATCH")
MISSING_PK = 987_654_321
NEW_TEXT = SAMPLE_TEXT.replace("300 homes", "350 homes")


@dataclass(frozen=True)
class Row:
    """What each caller gets, in the order of CALLERS, for each method; the URL's keywords; the
    body of a write."""

    url: Callable[[Draft], dict[str, Any]]
    GET: tuple[int, ...]
    POST: tuple[int, ...]
    PATCH: tuple[int, ...]
    body: Callable[[Draft], dict[str, Any]] = lambda d: {}


def none(draft: Draft) -> dict[str, Any]:
    return {}


def the_draft(draft: Draft) -> dict[str, Any]:
    return {"pk": draft.pk}


#                     anon editor checker admin cms outsider other_cms
READ = (401, 200, 200, 200, 200, 404, 404)
WRONG = (401, 405, 405, 405, 405, 405, 405)
# A write of the editor's (mark, dismiss, approve, clear…): 403 a checker, 404 a stranger.
EDITORS = (401, 200, 403, 200, 200, 404, 404)
PUBLISHED_AT = "2026-03-02T09:30:00+00:00"


def a_claim(draft: Draft, status: str = "unchecked") -> dict[str, Any]:
    """A claim of the draft on "About 300 homes lost power." (unit 2), in ``status``."""
    by = draft.created_by
    claim = claim_mark_sentence(
        sentence=Sentence.objects.get(revision__draft=draft, index=2), by=by
    )
    if status == "proposed":
        claim = claim_propose(claim=claim, by=by, verdict="accurate", rationale="Council data.")
    elif status == "dismissed":
        claim = claim_dismiss(claim=claim, by=by).obj
    return {"pk": claim.pk}


def its_version(draft: Draft, **extra: Any) -> dict[str, Any]:
    return {"version": Claim.objects.get(draft=draft).version, **extra}


# Tasks, findings, lookups and the queue: each URL's object made for the case.


def the_task(draft: Draft) -> dict[str, Any]:
    """An open task assigned to the checker (who may start it: it is theirs)."""
    return {"pk": a_task(draft).pk}


def the_finding(draft: Draft) -> dict[str, Any]:
    return {"pk": a_finding(draft).pk}


def a_dismissed_finding(draft: Draft) -> dict[str, Any]:
    return {"pk": finding_dismiss(finding=a_finding(draft), by=None).obj.pk}


def the_claim(draft: Draft) -> dict[str, Any]:
    return {"pk": work_claim(draft).pk}


def the_lookup(draft: Draft) -> dict[str, Any]:
    found_evidence(work_claim(draft), "https://example.org/a")
    return {"pk": Lookup.objects.get(claim__draft=draft).pk}


def the_evidence(draft: Draft) -> dict[str, Any]:
    return {"pk": found_evidence(work_claim(draft), "https://example.org/a")[0].pk}


def version_of(model: Any) -> Callable[[Draft], dict[str, Any]]:
    return lambda d: {"version": model.objects.get(draft=d).version}


EXPECTED: dict[str, Row] = {
    # The list: everyone's own (an outsider's is empty); a new draft in the demo newsroom:
    # those who may load drafts there, 403 a checker, 404 a stranger to it.
    "api:drafts": Row(
        none,
        GET=(401, 200, 200, 200, 200, 200, 200),
        POST=(401, 201, 403, 201, 201, 404, 404),
        PATCH=WRONG,
        body=lambda d: {"newsroom": d.newsroom.slug, "text": SAMPLE_TEXT},
    ),
    # The draft with claims and clearance; its title and deadline with the version read.
    "api:draft": Row(
        the_draft,
        GET=READ,
        POST=WRONG,
        PATCH=(401, 200, 403, 200, 200, 404, 404),
        body=lambda d: {"version": d.version, "title": "Retitled"},
    ),
    # Its revisions; a new one: those who may load drafts.
    "api:revisions": Row(
        the_draft,
        GET=READ,
        POST=(401, 201, 403, 201, 201, 404, 404),
        PATCH=WRONG,
        body=lambda d: {"text": NEW_TEXT},
    ),
    "api:revision_diff": Row(
        lambda d: {"pk": d.pk, "number": 1}, GET=READ, POST=WRONG, PATCH=WRONG
    ),
    "api:sentences": Row(the_draft, GET=READ, POST=WRONG, PATCH=WRONG),
    # Claims and clearance. The list for members; marking (a unit here) as on the pages, for
    # those who may mark claims: 403 a checker.
    "api:claims": Row(
        the_draft,
        GET=READ,
        POST=(401, 201, 403, 201, 201, 404, 404),
        PATCH=WRONG,
        body=lambda d: {"sentence": 2},
    ),
    "api:claim": Row(a_claim, GET=READ, POST=WRONG, PATCH=WRONG),
    "api:claim_dismiss": Row(a_claim, GET=WRONG, POST=EDITORS, PATCH=WRONG, body=its_version),
    "api:claim_restore": Row(
        lambda d: a_claim(d, "dismissed"), GET=WRONG, POST=EDITORS, PATCH=WRONG, body=its_version
    ),
    # A verdict: checkers propose; editors and admins approve or send back.
    "api:claim_propose": Row(
        a_claim,
        GET=WRONG,
        POST=(401, 200, 200, 200, 200, 404, 404),
        PATCH=WRONG,
        body=lambda d: its_version(d, verdict="misleading", rationale="Only 250 homes."),
    ),
    "api:claim_approve": Row(
        lambda d: a_claim(d, "proposed"), GET=WRONG, POST=EDITORS, PATCH=WRONG, body=its_version
    ),
    "api:claim_send_back": Row(
        lambda d: a_claim(d, "proposed"),
        GET=WRONG,
        POST=EDITORS,
        PATCH=WRONG,
        body=lambda d: its_version(d, note="Ask the utility."),
    ),
    # Clearance: members read it; those who may clear (editors, admins) clear (the fresh draft
    # has nothing to check: clearable).
    "api:clearance": Row(the_draft, GET=READ, POST=EDITORS, PATCH=WRONG),
    "api:report": Row(the_draft, GET=READ, POST=WRONG, PATCH=WRONG),
    # Publishing: members read the publication and the ClaimReview; those who clear (editors,
    # admins, the newsroom's token) mark the story published and withdraw it.
    "api:publication": Row(
        the_draft,
        GET=READ,
        POST=EDITORS,
        PATCH=WRONG,
        body=lambda d: {"url": "https://news.example.org/storm", "published_at": PUBLISHED_AT},
    ),
    "api:publication_withdraw": Row(the_draft, GET=WRONG, POST=EDITORS, PATCH=WRONG),
    "api:claimreview": Row(the_draft, GET=READ, POST=WRONG, PATCH=WRONG),
    # Tasks, findings, lookups and the queue. Tasks: created and assigned by those who assign
    # (403 a checker); moved by an editor or by their assignee (the checker here); comments by
    # every member.
    "api:draft_tasks": Row(
        the_draft,
        GET=READ,
        POST=(401, 201, 403, 201, 201, 404, 404),
        PATCH=WRONG,
        body=lambda d: {"title": "Check the road", "assignee": "checker"},
    ),
    "api:task": Row(the_task, GET=READ, POST=WRONG, PATCH=WRONG),
    "api:task_assign": Row(
        the_task,
        GET=WRONG,
        POST=(401, 200, 403, 200, 200, 404, 404),
        PATCH=WRONG,
        body=lambda d: {"assignee": "editor"},
    ),
    "api:task_move": Row(
        the_task,
        GET=WRONG,
        POST=(401, 200, 200, 200, 200, 404, 404),
        PATCH=WRONG,
        body=lambda d: {"status": "in_progress", **version_of(Task)(d)},
    ),
    "api:task_comments": Row(
        the_task,
        GET=READ,
        POST=(401, 201, 201, 201, 201, 404, 404),
        PATCH=WRONG,
        body=lambda d: {"body": "Called the council, @editor."},
    ),
    # Findings: every member reads; those who assign dismiss, reopen and make tasks.
    "api:draft_findings": Row(the_draft, GET=READ, POST=WRONG, PATCH=WRONG),
    "api:finding": Row(the_finding, GET=READ, POST=WRONG, PATCH=WRONG),
    "api:finding_dismiss": Row(
        the_finding,
        GET=WRONG,
        POST=(401, 200, 403, 200, 200, 404, 404),
        PATCH=WRONG,
        body=version_of(Finding),
    ),
    "api:finding_reopen": Row(
        a_dismissed_finding,
        GET=WRONG,
        POST=(401, 200, 403, 200, 200, 404, 404),
        PATCH=WRONG,
        body=version_of(Finding),
    ),
    "api:finding_task": Row(
        the_finding,
        GET=WRONG,
        POST=(401, 201, 403, 201, 201, 404, 404),
        PATCH=WRONG,
        body=version_of(Finding),
    ),
    # Lookups and evidence: every member reads; those who propose verdicts (checkers too) look
    # up, attach and dismiss.
    "api:claim_lookups": Row(
        the_claim,
        GET=READ,
        POST=(401, 202, 202, 202, 202, 404, 404),
        PATCH=WRONG,
        body=lambda d: {"source": "archive"},
    ),
    "api:claim_evidence": Row(the_claim, GET=READ, POST=WRONG, PATCH=WRONG),
    "api:lookup": Row(the_lookup, GET=READ, POST=WRONG, PATCH=WRONG),
    "api:evidence_attach": Row(
        the_evidence, GET=WRONG, POST=(401, 200, 200, 200, 200, 404, 404), PATCH=WRONG
    ),
    "api:evidence_dismiss": Row(
        the_evidence, GET=WRONG, POST=(401, 200, 200, 200, 200, 404, 404), PATCH=WRONG
    ),
    # The queue: the caller's own, where they approve (an outsider's is their newsroom's, empty
    # of the demo's work); a checker approves nowhere: 403.
    "api:queue": Row(
        none,
        GET=(401, 200, 403, 200, 200, 200, 200),
        POST=WRONG,
        PATCH=WRONG,
    ),
    # The schema and its docs: public (they hold no newsroom's data); read-only.
    "api:schema": Row(none, GET=(200,) * 7, POST=(405,) * 7, PATCH=(405,) * 7),
    "api:docs": Row(none, GET=(200,) * 7, POST=(405,) * 7, PATCH=(405,) * 7),
    "api:redoc": Row(none, GET=(200,) * 7, POST=(405,) * 7, PATCH=(405,) * 7),
    # Any other path: 404 in the API's shape (401 first without a token).
    "api:not_found": Row(
        lambda d: {"rest": "v1/nothing/"},
        GET=(401,) + (404,) * 6,
        POST=(401,) + (404,) * 6,
        PATCH=(401,) + (404,) * 6,
    ),
}


def test_every_api_pattern_is_in_the_table() -> None:
    from django.urls import get_resolver

    names = {name for name, _ in _walk(get_resolver().url_patterns) if name.startswith("api:")}
    assert names == set(EXPECTED)


@pytest.fixture
def callers(
    newsroom: Any, other_newsroom: Any, editor: Any, checker: Any, newsadmin: Any, outsider: Any
) -> dict[str, ApiClient]:
    other_admin = UserFactory(username="otheradmin")
    other_newsroom.memberships.create(user=other_admin, role="admin")
    return {
        "anonymous": ApiClient(),
        "editor": ApiClient(token_for(editor)),
        "checker": ApiClient(token_for(checker)),
        "newsadmin": ApiClient(token_for(newsadmin)),
        "cms": ApiClient(api_token_create(by=newsadmin, name="CMS", newsroom=newsroom).secret),
        "outsider": ApiClient(token_for(outsider)),
        "other_cms": ApiClient(token_for(other_admin, other_newsroom)),
    }


def counts() -> tuple[int, ...]:
    models = (Draft, Revision, Claim, AuditEntry, Task, Comment, Lookup, Finding, Publication)
    return (
        *(m.objects.count() for m in models),
        Evidence.objects.exclude(status=Evidence.Status.NEW).count(),
    )


CASES = [
    pytest.param(name, caller, method, id=f"{name}-{caller}-{method}")
    for name in sorted(EXPECTED)
    for caller in CALLERS
    for method in METHODS
]


@pytest.mark.parametrize(("name", "caller", "method"), CASES)
def test_api_access(
    name: str, caller: str, method: str, callers: dict[str, ApiClient], newsroom: Any, editor: Any
) -> None:
    draft = draft_import(newsroom=newsroom, by=editor, text=SAMPLE_TEXT)
    row = EXPECTED[name]
    expected = getattr(row, method)[CALLERS.index(caller)]
    client = callers[caller]
    keywords = row.url(draft)
    before = counts()

    response = client.call(method.lower(), reverse(name, kwargs=keywords), row.body(draft))

    assert response.status_code == expected, response.content[:300]
    if expected >= 400:
        assert counts() == before, "a refused request wrote rows"
        if name not in ("api:schema", "api:docs", "api:redoc"):
            assert set(response.json()) == {"error"}
    if caller in ("outsider", "other_cms") and "pk" in keywords:
        missing = {**keywords, "pk": MISSING_PK}
        again = client.call(method.lower(), reverse(name, kwargs=missing), row.body(draft))
        assert again.status_code == response.status_code, "an outsider can tell it exists"
        assert SAMPLE_TEXT.split("\n")[0] not in response.content.decode()
