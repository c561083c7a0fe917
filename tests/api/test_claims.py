"""The claim and clearance endpoints: mark (a unit, a span), dismiss and restore, propose,
approve, send back, with the pages' versions (a stale one is 409) and roles; clearance refused
while something blocks, then given; the clearance report as JSON."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factcheck.api.services import api_token_create
from factcheck.claims.models import Claim, EvidenceLink
from factcheck.claims.services import claim_mark_sentence, claim_propose
from factcheck.drafts.models import Draft, Sentence
from factcheck.drafts.services import draft_import
from factcheck.history.models import AuditEntry
from factcheck.notifications.models import Notification
from factcheck.reviews.services import task_create
from tests.api.conftest import ApiClient, assert_error, token_for
from tests.conftest import SAMPLE_TEXT

pytestmark = pytest.mark.django_db

API = "/api/v1"
# SAMPLE_TEXT's units: 0 the headline, 1 "The harbour road closed …", 2 "About 300 homes lost
# power.", 3 the mayor's quote, 4 and 5 site furniture.
HOMES = "About 300 homes lost power."


def _claims(draft: Draft) -> str:
    return f"{API}/drafts/{draft.pk}/claims/"


def _claim(claim: Claim | int, action: str = "") -> str:
    pk = claim if isinstance(claim, int) else claim.pk
    return f"{API}/claims/{pk}/" + (f"{action}/" if action else "")


def _unit(draft: Draft, index: int) -> Sentence:
    return Sentence.objects.get(revision__draft=draft, index=index)


def _marked(draft: Draft, editor: Any, index: int = 2) -> Claim:
    return claim_mark_sentence(sentence=_unit(draft, index), by=editor)


def _proposed(draft: Draft, editor: Any, index: int = 2) -> Claim:
    claim = _marked(draft, editor, index)
    return claim_propose(claim=claim, by=editor, verdict="accurate", rationale="Council figures.")


# --- Mark -------------------------------------------------------------------------------------


def test_mark_a_whole_unit_then_again(editor_api: ApiClient, draft: Draft, editor: Any) -> None:
    response = editor_api.post(_claims(draft), {"sentence": 2})
    assert response.status_code == 201, response.content
    body = response.json()
    claim = Claim.objects.get(pk=body["id"])
    assert response["Location"].endswith(_claim(claim))
    unit = _unit(draft, 2)
    assert (claim.start, claim.end, claim.text) == (unit.start, unit.end, HOMES)
    assert claim.created_by == editor and claim.draft == draft
    assert body["text"] == HOMES and body["status"] == "unchecked" and body["sentence"] == 2
    assert body["draft"] == draft.pk and body["version"] == claim.version
    assert AuditEntry.objects.filter(object_type="claim", object_id=claim.pk).count() == 1

    # Marking it again is the same claim (200, nothing written), as a second click on the page.
    again = editor_api.post(_claims(draft), {"sentence": 2})
    assert again.status_code == 200 and again.json()["id"] == claim.pk
    assert Claim.objects.count() == 1


def test_mark_a_span_trimmed_to_its_words(editor_api: ApiClient, draft: Draft) -> None:
    unit = _unit(draft, 2)
    start = unit.start + len("About ")  # "300 homes", with a space either side
    response = editor_api.post(
        _claims(draft), {"start": start - 1, "end": start + len("300 homes") + 1}
    )
    assert response.status_code == 201, response.content
    claim = Claim.objects.get(pk=response.json()["id"])
    assert claim.text == "300 homes" and (claim.start, claim.end) == (start, start + 9)
    assert response.json()["sentence"] == 2


def test_marking_a_dismissed_claim_restores_it(
    editor_api: ApiClient, draft: Draft, editor: Any
) -> None:
    claim = _marked(draft, editor)
    editor_api.post(_claim(claim, "dismiss"), {"version": claim.version})
    response = editor_api.post(_claims(draft), {"sentence": 2})
    assert response.status_code == 200 and response.json()["status"] == "unchecked"
    assert Claim.objects.get().pk == claim.pk


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, ""),
        ({"sentence": 2, "start": 0, "end": 5}, ""),
        ({"start": 3}, "end"),
        ({"sentence": "two"}, "sentence"),
        ({"sentence": 2**40}, "sentence"),  # no unit's index: a 400, not an overflow (500)
        ({"sentence": 99}, "sentence"),
        ({"start": -1, "end": 4}, "start"),
    ],
)
def test_what_to_mark_is_checked(
    editor_api: ApiClient, draft: Draft, payload: dict[str, Any], field: str
) -> None:
    error = assert_error(editor_api.post(_claims(draft), payload), 400, "invalid")
    if field:
        assert field in error["fields"]
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("boilerplate", "boilerplate"),
        ("two units", "within one sentence"),
        ("outside", "outside the draft"),
        ("space", "white space"),
    ],
)
def test_marks_the_service_refuses_are_400_with_its_message(
    editor_api: ApiClient, draft: Draft, where: str, message: str
) -> None:
    one, two = _unit(draft, 1), _unit(draft, 2)
    payload = {
        "boilerplate": {"sentence": Sentence.objects.filter(kind="boilerplate").first().index},  # type: ignore[union-attr]
        "two units": {"start": one.start, "end": two.end},
        "outside": {"start": 0, "end": 10_000},
        "space": {"start": one.end, "end": two.start},
    }[where]
    error = assert_error(editor_api.post(_claims(draft), payload), 400, "invalid")
    assert message in error["message"]
    assert not Claim.objects.exists()


def test_a_checker_cannot_mark_dismiss_approve_or_clear(
    checker_api: ApiClient, draft: Draft, editor: Any
) -> None:
    claim = _proposed(draft, editor)
    before = AuditEntry.objects.count()
    assert_error(checker_api.post(_claims(draft), {"sentence": 1}), 403, "permission_denied")
    for action in ("dismiss", "restore", "approve", "send-back"):
        response = checker_api.post(_claim(claim, action), {"version": claim.version})
        assert_error(response, 403, "permission_denied")
    assert_error(checker_api.post(f"{API}/drafts/{draft.pk}/clearance/"), 403, "permission_denied")
    assert AuditEntry.objects.count() == before
    assert checker_api.get(_claim(claim)).status_code == 200


# --- The list and one claim -------------------------------------------------------------------


def test_the_list_is_in_text_order_paginated_and_filtered_by_status(
    editor_api: ApiClient, draft: Draft, editor: Any
) -> None:
    first, second, third = (_marked(draft, editor, i) for i in (3, 1, 2))
    links = [("https://example.org/b", "Second"), ("https://example.org/a", "First")]
    claim_propose(claim=third, by=editor, verdict="misleading", rationale="Only 250.", links=links)
    body = editor_api.get(_claims(draft)).json()
    assert body["count"] == 3
    assert [c["id"] for c in body["results"]] == [second.pk, third.pk, first.pk]
    assert [c["links"] for c in body["results"]] == [
        [],
        [
            {"url": "https://example.org/b", "note": "Second"},
            {"url": "https://example.org/a", "note": "First"},
        ],
        [],
    ]
    # The same shape as the draft's own claims.
    detail = editor_api.get(f"{API}/drafts/{draft.pk}/").json()["claims"]
    assert body["results"] == detail

    page = editor_api.get(_claims(draft) + "?limit=2&offset=2").json()
    assert [c["id"] for c in page["results"]] == [first.pk] and page["previous"]

    proposed = editor_api.get(_claims(draft) + "?status=proposed").json()
    assert [c["id"] for c in proposed["results"]] == [third.pk]
    assert proposed["results"][0]["verdict"] == "misleading"
    both = editor_api.get(_claims(draft) + "?status=proposed,unchecked").json()
    assert both["count"] == 3
    error = assert_error(editor_api.get(_claims(draft) + "?status=maybe"), 400, "invalid")
    assert "status" in error["fields"]


def test_one_claim_with_its_verdict_and_evidence(
    checker_api: ApiClient, draft: Draft, editor: Any, checker: Any
) -> None:
    claim = _marked(draft, editor)
    claim_propose(
        claim=claim,
        by=checker,
        verdict="inaccurate",
        rationale="The utility says 250.",
        links=[("https://example.org/outages", "Outage map")],
    )
    body = checker_api.get(_claim(claim)).json()
    assert body["status"] == "proposed" and body["verdict"] == "inaccurate"
    assert body["rationale"] == "The utility says 250." and body["proposed_by"] == "checker"
    assert body["links"] == [{"url": "https://example.org/outages", "note": "Outage map"}]
    assert body["reviewed_by"] == "" and body["review_note"] == ""
    assert_error(checker_api.get(_claim(987_654)), 404, "not_found")


# --- The verdict workflow ---------------------------------------------------------------------


def test_propose_approve_as_the_pages_do(
    checker_api: ApiClient, editor_api: ApiClient, draft: Draft, editor: Any, checker: Any
) -> None:
    claim = _marked(draft, editor)
    response = checker_api.post(
        _claim(claim, "propose"),
        {
            "verdict": "accurate",
            "rationale": "  The council's statement says so.  ",
            "links": [{"url": "https://example.org/council", "note": "Statement"}],
            "version": claim.version,
        },
    )
    assert response.status_code == 200, response.content
    proposed = response.json()
    assert proposed["status"] == "proposed" and proposed["verdict"] == "accurate"
    assert proposed["rationale"] == "The council's statement says so."
    assert proposed["proposed_by"] == "checker" and proposed["version"] == claim.version + 1
    assert EvidenceLink.objects.get(claim=claim).added_by == checker

    approved = editor_api.post(_claim(claim, "approve"), {"version": proposed["version"]})
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved" and approved.json()["reviewed_by"] == "editor"
    assert Notification.objects.filter(user=checker, kind=Notification.Kind.APPROVED).exists()


def test_send_back_with_a_note(
    editor_api: ApiClient, draft: Draft, editor: Any, checker: Any
) -> None:
    claim = _marked(draft, editor)
    claim = claim_propose(claim=claim, by=checker, verdict="accurate", rationale="Says so.")
    response = editor_api.post(
        _claim(claim, "send-back"), {"version": claim.version, "note": "Ask the utility."}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "checking" and body["review_note"] == "Ask the utility."
    assert Notification.objects.filter(user=checker, kind=Notification.Kind.SENT_BACK).exists()


def test_propose_input_is_checked(checker_api: ApiClient, draft: Draft, editor: Any) -> None:
    claim = _marked(draft, editor)
    url = _claim(claim, "propose")
    for payload, field in (
        ({"verdict": "true", "rationale": "x", "version": 1}, "verdict"),
        ({"verdict": "accurate", "version": 1}, "rationale"),
        ({"verdict": "accurate", "rationale": "x"}, "version"),
        (
            {"verdict": "accurate", "rationale": "x", "version": 1, "links": [{"url": "ftp://x"}]},
            "links.0.url",  # a nested field's path, dotted: every value is a list of messages
        ),
    ):
        error = assert_error(checker_api.post(url, payload), 400, "invalid")
        assert field in error["fields"], (payload, error)
        assert all(
            isinstance(m, list) and all(isinstance(t, str) for t in m)
            for m in error["fields"].values()
        )
    blank = {"verdict": "accurate", "rationale": "   ", "version": claim.version}
    assert_error(checker_api.post(url, blank), 400, "invalid")
    claim.refresh_from_db()
    assert claim.status == "unchecked" and claim.verdict == ""


def test_a_stale_version_is_409_and_changes_nothing(
    editor_api: ApiClient, draft: Draft, editor: Any
) -> None:
    claim = _proposed(draft, editor)
    seen = claim.version - 1  # the version before the proposal
    before = AuditEntry.objects.count()
    for action, extra in (
        ("approve", {}),
        ("send-back", {"note": "No."}),
        ("propose", {"verdict": "misleading", "rationale": "Mine."}),
        ("dismiss", {}),
    ):
        response = editor_api.post(_claim(claim, action), {"version": seen, **extra})
        error = assert_error(response, 409, "conflict")
        assert error["current_version"] == claim.version
        assert "changed this claim" in error["message"]
    claim.refresh_from_db()
    assert claim.status == "proposed" and claim.verdict == "accurate"
    assert AuditEntry.objects.count() == before


def test_an_illegal_move_is_409_invalid_state(
    editor_api: ApiClient, draft: Draft, editor: Any
) -> None:
    claim = _marked(draft, editor)
    approve = editor_api.post(_claim(claim, "approve"), {"version": claim.version})
    assert (
        "unchecked cannot become approved" in assert_error(approve, 409, "invalid_state")["message"]
    )
    # Sending back is for proposals only (the service refuses it, under the claim's lock).
    back = editor_api.post(_claim(claim, "send-back"), {"version": claim.version})
    message = assert_error(back, 409, "invalid_state")["message"]
    assert "Sent back is only for a claim that is verdict proposed" in message
    claim.refresh_from_db()
    assert claim.status == "unchecked"


def test_dismiss_and_restore(editor_api: ApiClient, draft: Draft, editor: Any) -> None:
    claim = _marked(draft, editor)
    dismissed = editor_api.post(_claim(claim, "dismiss"), {"version": claim.version}).json()
    assert dismissed["status"] == "dismissed" and dismissed["version"] == claim.version + 1
    # A repeated dismiss (whatever version it carries) leaves it as it is: no conflict.
    again = editor_api.post(_claim(claim, "dismiss"), {"version": claim.version})
    assert again.status_code == 200 and again.json()["version"] == dismissed["version"]
    listed = editor_api.get(_claims(draft) + "?status=dismissed").json()
    assert [c["id"] for c in listed["results"]] == [claim.pk]

    restored = editor_api.post(_claim(claim, "restore"), {"version": dismissed["version"]})
    assert restored.status_code == 200 and restored.json()["status"] == "unchecked"
    assert_error(editor_api.post(_claim(claim, "restore"), {}), 400, "invalid")


# --- Clearance and the report -----------------------------------------------------------------


def test_clearance_refused_with_its_blockers_then_given(
    editor_api: ApiClient, draft: Draft, editor: Any, checker: Any
) -> None:
    clearance = f"{API}/drafts/{draft.pk}/clearance/"
    claim = _marked(draft, editor)
    state = editor_api.get(clearance).json()
    assert state["cleared"] is False and state["can_clear"] is True
    assert [(b["kind"], b["id"]) for b in state["blockers"]] == [("claim", claim.pk)]

    error = assert_error(editor_api.post(clearance), 409, "invalid_state")
    assert "cannot be cleared" in error["message"]
    assert [(b["kind"], b["id"], b["status"]) for b in error["blockers"]] == [
        ("claim", claim.pk, "unchecked")
    ]
    draft.refresh_from_db()
    assert draft.cleared_at is None

    claim = claim_propose(claim=claim, by=checker, verdict="accurate", rationale="Says so.")
    editor_api.post(_claim(claim, "approve"), {"version": claim.version})
    draft.refresh_from_db()  # the last blocker gone, a draft with work clears by itself
    assert draft.cleared_at is not None
    cleared = editor_api.post(clearance)  # clearing a cleared draft: as it is
    assert cleared.status_code == 200, cleared.content
    body = cleared.json()
    assert body["cleared"] is True and body["blockers"] == [] and body["cleared_by"] == "editor"


def test_an_editor_clears_a_draft_with_nothing_to_check(
    editor_api: ApiClient, checker_api: ApiClient, draft: Draft
) -> None:
    clearance = f"{API}/drafts/{draft.pk}/clearance/"
    assert checker_api.get(clearance).json()["can_clear"] is False
    response = editor_api.post(clearance)
    assert response.status_code == 200, response.content
    assert response.json()["cleared"] is True and response.json()["cleared_by"] == "editor"
    draft.refresh_from_db()
    assert draft.cleared_at is not None
    assert AuditEntry.objects.filter(action="cleared", draft_id=draft.pk).count() == 1


def test_the_report_as_json(
    checker_api: ApiClient, draft: Draft, editor: Any, checker: Any, newsroom: Any
) -> None:
    claim = _marked(draft, editor)
    claim = claim_propose(
        claim=claim,
        by=checker,
        verdict="inaccurate",
        rationale="The utility says <b>250</b>.",
        links=[("https://example.org/outages", "Map")],
    )
    other = _marked(draft, editor, 1)
    task = task_create(draft=draft, by=editor, title="Call the utility", claims=[claim])
    body = checker_api.get(f"{API}/drafts/{draft.pk}/report/").json()
    assert body["draft"] == draft.pk and body["title"] == draft.title
    assert body["newsroom"] == "Demo Newsroom" and body["revision"] == 1
    assert body["cleared"] is False and body["cleared_by"] == ""
    rows = {row["id"]: row for row in body["claims"]}
    assert set(rows) == {claim.pk, other.pk}
    row = rows[claim.pk]
    assert row["status"] == "proposed" and row["verdict_label"] == "Inaccurate"
    assert row["rationale"] == "The utility says <b>250</b>."  # data, as written
    assert row["proposed_by"] == "checker" and row["approved_by"] == ""
    assert row["links"] == [{"url": "https://example.org/outages", "note": "Map"}]
    assert row["path"] == f"/claims/{claim.pk}/"
    [shown] = body["tasks"]
    assert shown["id"] == task.pk and shown["claims"] == [claim.pk]
    kinds = {(b["kind"], b["id"]) for b in body["blockers"]}
    assert {("claim", claim.pk), ("claim", other.pk)} <= kinds
    assert all(b["path"].startswith("/") for b in body["blockers"])


# --- Who: a newsroom token, outsiders ---------------------------------------------------------


def test_a_newsroom_token_works_the_claims_as_an_editor(
    newsadmin: Any, newsroom: Any, draft: Draft, checker: Any
) -> None:
    cms = ApiClient(api_token_create(by=newsadmin, name="CMS", newsroom=newsroom).secret)
    created = cms.post(_claims(draft), {"sentence": 2})
    assert created.status_code == 201
    claim = Claim.objects.get(pk=created.json()["id"])
    assert claim.created_by is not None and claim.created_by.username.startswith("api.demo.")
    claim = claim_propose(claim=claim, by=checker, verdict="accurate", rationale="Says so.")
    assert cms.post(_claim(claim, "approve"), {"version": claim.version}).status_code == 200


def test_a_newsroom_token_stays_in_its_newsroom(
    newsroom: Any, other_newsroom: Any, newsadmin: Any, outsider: Any, draft: Draft, editor: Any
) -> None:
    created = api_token_create(by=newsadmin, name="CMS", newsroom=newsroom)
    theirs = draft_import(newsroom=other_newsroom, by=outsider, text=SAMPLE_TEXT)
    their_claim = _marked(theirs, outsider)
    other_newsroom.memberships.create(user=created.token.user, role="editor")  # a site admin
    client = ApiClient(created.secret)
    assert_error(client.get(_claim(their_claim)), 404, "not_found")
    assert_error(client.get(_claims(theirs)), 404, "not_found")
    assert_error(client.post(_claim(their_claim, "dismiss"), {"version": 1}), 404, "not_found")


def test_an_outsider_gets_404_from_every_claim_endpoint(
    outsider_api: ApiClient, anonymous_api: ApiClient, draft: Draft, editor: Any
) -> None:
    claim = _proposed(draft, editor)
    urls = [
        ("get", _claims(draft)),
        ("post", _claims(draft)),
        ("get", _claim(claim)),
        *(("post", _claim(claim, a)) for a in ("dismiss", "restore", "propose", "approve")),
        ("post", _claim(claim, "send-back")),
        ("get", f"{API}/drafts/{draft.pk}/clearance/"),
        ("post", f"{API}/drafts/{draft.pk}/clearance/"),
        ("get", f"{API}/drafts/{draft.pk}/report/"),
    ]
    payload = {"sentence": 1, "version": claim.version, "verdict": "accurate", "rationale": "x"}
    for method, url in urls:
        assert_error(outsider_api.call(method, url, payload), 404, "not_found")
        assert_error(anonymous_api.call(method, url, payload), 401, "not_authenticated")
    claim.refresh_from_db()
    assert claim.status == "proposed" and Claim.objects.count() == 1


# --- Cost ---------------------------------------------------------------------------------------

# The token; the draft with the caller's role; the page of claims (with revision and unit); their
# links; the count.
CLAIM_LIST = 5


def test_the_claim_list_costs_the_same_for_few_claims_or_many(newsroom: Any, editor: Any) -> None:
    warm = ApiClient(token_for(editor))
    text = "Council Report\n\n" + " ".join(f"The council spent {n} euros." for n in range(60))
    draft = draft_import(newsroom=newsroom, by=editor, text=text)
    units = list(Sentence.objects.filter(revision__draft=draft).order_by("index"))
    warm.get(_claims(draft))  # records the token's use: not counted below
    claim_mark_sentence(sentence=units[1], by=editor)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = warm.get(url)
        assert response.status_code == 200, response.content
        return len(queries)

    few = count(_claims(draft))
    for unit in units[2:]:
        claim_mark_sentence(sentence=unit, by=editor)
    assert few == count(_claims(draft)) == count(_claims(draft) + "?limit=500") == CLAIM_LIST
    assert few == count(_claims(draft) + "?status=unchecked")
    assert warm.get(_claims(draft) + "?limit=500").json()["count"] == len(units) - 1
