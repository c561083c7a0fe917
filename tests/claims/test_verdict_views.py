"""The claim page and the verdict workflow: propose, approve, send back, edit, dismiss, restore,
comment; with and without htmx, and the tasks and the draft following along."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import Client

from factcheck.claims.models import Claim, EvidenceLink
from factcheck.claims.services import claim_approve, claim_mark_sentence, claim_propose
from factcheck.drafts.models import Draft, Sentence
from factcheck.history.models import AuditEntry
from factcheck.newsrooms.models import Role
from factcheck.notifications.models import Notification
from factcheck.reviews.models import Comment, Task
from factcheck.reviews.services import task_create
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
S = Claim.Status
RATIONALE = "The ministry's release names the F-15, not the F-16."
SOURCE = "https://example.org/ministry-release"


@pytest.fixture
def claims(draft: Draft, editor: Any) -> list[Claim]:
    sentences = draft.revisions.get().sentences.exclude(kind=Sentence.Kind.BOILERPLATE)
    return [claim_mark_sentence(sentence=s, by=editor) for s in sentences.order_by("index")[1:4]]


@pytest.fixture
def claim(claims: list[Claim]) -> Claim:
    return claims[1]  # "About 300 homes lost power."


@pytest.fixture
def task(draft: Draft, editor: Any, checker: Any, claims: list[Claim]) -> Task:
    return task_create(
        draft=draft, by=editor, title="F-16 vs F-15", claims=claims[:2], assignee=checker
    )


def body(response: HttpResponse) -> str:
    return response.content.decode()


def url(claim: Claim, action: str = "") -> str:
    return f"/claims/{claim.pk}/" + (f"{action}/" if action else "")


def fresh(claim: Claim) -> Claim:
    return Claim.objects.get(pk=claim.pk)


def proposal(claim: Claim, **changes: Any) -> dict[str, Any]:
    return {
        "verdict": "inaccurate",
        "rationale": RATIONALE,
        "url_1": SOURCE,
        "note_1": "the release",
        "url_2": "",
        "note_2": "",
        "url_3": "https://example.org/photo",
        "note_3": "",
        "version": claim.version,
        **changes,
    }


def proposed(claim: Claim, by: Any) -> Claim:
    return claim_propose(
        claim=claim, by=by, verdict="inaccurate", rationale=RATIONALE, links=[(SOURCE, "release")]
    )


# --- The claim page ----------------------------------------------------------------------------


def test_claim_page_shows_wording_context_verdict_evidence_tasks_comments_history(
    checker_client: Client, checker: Any, claim: Claim, task: Task
) -> None:
    claim = proposed(claim, checker)
    from factcheck.reviews.services import comment_add

    comment_add(by=checker, body="Checked with @editor", claim=claim)
    html = body(checker_client.get(url(claim)))
    assert '<blockquote class="wording">About 300 homes lost power.</blockquote>' in html
    assert '<mark class="span-claim">About 300 homes lost power.</mark>' in html
    assert "the council said.</span>" in html  # the sentence before, in context
    assert "Verdict proposed" in html
    assert '<span class="verdict verdict-inaccurate">Inaccurate</span>' in html
    assert "The ministry&#x27;s release names the F-15" in html
    assert f'<a href="{SOURCE}"' in html and "— release" in html
    assert f'<a href="/reviews/tasks/{task.pk}/">F-16 vs F-15</a>' in html
    assert '<mark class="mention">@editor</mark>' in html
    assert "Proposed verdict: Inaccurate" in html
    assert (
        '<span class="before">Unchecked</span> → <span class="after">Verdict proposed</span>'
        in (html)
    )


def test_checker_sees_the_propose_form_but_no_editor_actions(
    checker_client: Client, checker: Any, claim: Claim
) -> None:
    html = body(checker_client.get(url(claim)))
    assert f'action="/claims/{claim.pk}/propose/"' in html
    assert html.count('name="url_') == 3
    for action in ("approve", "send-back", "edit", "dismiss", "restore"):
        assert f'action="/claims/{claim.pk}/{action}/"' not in html
    proposed(claim, checker)
    html = body(checker_client.get(url(claim)))
    assert f'action="/claims/{claim.pk}/approve/"' not in html
    assert f'action="/claims/{claim.pk}/send-back/"' not in html


def test_editor_sees_review_actions_on_a_proposed_claim(
    editor_client: Client, checker: Any, claim: Claim
) -> None:
    proposed(claim, checker)
    html = body(editor_client.get(url(claim)))
    for action in ("approve", "send-back", "edit", "dismiss", "propose"):
        assert f'action="/claims/{claim.pk}/{action}/"' in html


def test_claim_page_is_not_found_for_an_outsider(outsider_client: Client, claim: Claim) -> None:
    response = outsider_client.get(url(claim))
    assert response.status_code == 404
    assert "300 homes" not in body(response)


def test_claim_page_of_a_missing_claim_is_not_found(editor_client: Client, claim: Claim) -> None:
    assert editor_client.get(f"/claims/{claim.pk + 1000}/").status_code == 404


def test_claim_page_sends_anonymous_users_to_login(client: Client, claim: Claim) -> None:
    response = client.get(url(claim))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url(claim)}"


def test_claim_page_refuses_post(editor_client: Client, claim: Claim) -> None:
    assert editor_client.post(url(claim)).status_code == 405


def test_htmx_claim_page_answers_with_the_verdict_block(
    editor_client: Client, claim: Claim
) -> None:
    response = editor_client.get(url(claim), **HTMX)
    assert response.status_code == 200
    assert body(response).startswith('<section id="claim-main"')


# --- Proposing a verdict -----------------------------------------------------------------------


def test_checker_proposes_a_verdict_with_evidence_links(
    checker_client: Client, checker: Any, claim: Claim
) -> None:
    response = checker_client.post(url(claim, "propose"), proposal(claim))
    assert response.status_code == 302
    assert response["Location"] == url(claim)
    claim = fresh(claim)
    assert (claim.status, claim.verdict, claim.rationale) == (S.PROPOSED, "inaccurate", RATIONALE)
    assert claim.proposed_by == checker
    links = list(EvidenceLink.objects.filter(claim=claim).values_list("url", "note"))
    assert links == [(SOURCE, "the release"), ("https://example.org/photo", "")]
    assert "Proposed “Inaccurate”; an editor reviews it." in body(checker_client.get(url(claim)))


def test_htmx_proposal_answers_with_the_changed_blocks_and_an_event(
    checker_client: Client, claim: Claim
) -> None:
    response = checker_client.post(url(claim, "propose"), proposal(claim), **HTMX)
    assert response.status_code == 200
    assert "claim-changed" in response["HX-Trigger"]
    html = body(response)
    for block in ("claim-flash", "claim-main", "claim-tasks", "claim-history"):
        assert f'id="{block}"' in html
    assert "Verdict proposed" in html
    assert 'name="version" value="2"' in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"url_1": "not a url"}, "Link 1 is not a web address"),
        ({"url_3": "javascript:alert(1)"}, "Link 3 is not a web address"),
        ({"url_1": "ftp://example.org/file"}, "Link 1 is not a web address"),
        ({"url_1": "", "note_1": "a note alone"}, "Link 1 has a note but no URL"),
        ({"verdict": ""}, "Choose a verdict."),
        ({"verdict": "maybe"}, "Select a valid choice."),
        ({"rationale": "  "}, "Give a rationale"),
    ],
    ids=["garbage", "javascript", "ftp", "note-only", "no-verdict", "bad-verdict", "no-rationale"],
)
def test_bad_proposals_are_refused_with_a_message_and_the_input_kept(
    checker_client: Client, claim: Claim, changes: dict[str, str], message: str
) -> None:
    response = checker_client.post(url(claim, "propose"), proposal(claim, **changes))
    assert response.status_code == 422
    html = body(response)
    assert message in html
    assert "The ministry&#x27;s release names the F-15" in html or changes.get("rationale")
    claim = fresh(claim)
    assert (claim.status, claim.verdict) == (S.UNCHECKED, "")
    assert not EvidenceLink.objects.exists()


def test_htmx_bad_proposal_answers_422_with_the_message(
    checker_client: Client, claim: Claim
) -> None:
    response = checker_client.post(
        url(claim, "propose"), proposal(claim, url_2="nope", note_2="x"), **HTMX
    )
    assert response.status_code == 422
    html = body(response)
    assert html.startswith('<div id="claim-flash"')
    assert "Link 2 is not a web address" in html
    assert 'value="nope"' in html  # the input is kept
    assert "HX-Trigger" not in response


def test_a_stale_proposal_conflicts_keeps_the_input_and_overwrites_nothing(
    checker_client: Client, editor: Any, claim: Claim
) -> None:
    from factcheck.claims.services import claim_edit

    claim_edit(claim=claim, by=editor, expected_version=1, text="About 300 homes lost power")
    response = checker_client.post(
        url(claim, "propose"), proposal(claim, rationale="My careful reasoning", version=1)
    )
    assert response.status_code == 409
    html = body(response)
    assert "editor changed this claim while you were working on it (now: Unchecked)" in html
    assert "My careful reasoning</textarea>" in html
    assert f'value="{SOURCE}"' in html
    assert 'name="version" value="2" id="propose_version"' in html
    claim = fresh(claim)
    assert (claim.status, claim.rationale) == (S.UNCHECKED, "")
    assert not EvidenceLink.objects.exists()

    htmx = checker_client.post(url(claim, "propose"), proposal(claim, version=1), **HTMX)
    assert htmx.status_code == 422
    assert "editor changed this claim" in body(htmx)


def test_repeating_a_proposal_is_harmless(checker_client: Client, claim: Claim) -> None:
    data = proposal(claim)
    first = checker_client.post(url(claim, "propose"), data)
    second = checker_client.post(url(claim, "propose"), data)
    assert (first.status_code, second.status_code) == (302, 409)
    assert fresh(claim).version == 2
    assert EvidenceLink.objects.count() == 2


def test_newsroom_admin_and_editor_may_propose(
    editor_client: Client, newsadmin: Any, claims: list[Claim]
) -> None:
    assert editor_client.post(url(claims[0], "propose"), proposal(claims[0])).status_code == 302
    admin = client_for(newsadmin)
    assert admin.post(url(claims[1], "propose"), proposal(claims[1])).status_code == 302


def test_proposing_on_a_dismissed_claim_is_refused_by_the_state_machine(
    checker_client: Client, editor: Any, claim: Claim
) -> None:
    from factcheck.claims.services import claim_dismiss

    claim = claim_dismiss(claim=claim, by=editor).obj
    assert f'action="/claims/{claim.pk}/propose/"' not in body(checker_client.get(url(claim)))
    response = checker_client.post(url(claim, "propose"), proposal(claim))
    assert response.status_code == 422
    assert "A claim that is dismissed cannot become verdict proposed" in body(response)
    assert fresh(claim).status == S.DISMISSED


def test_a_new_proposal_on_an_approved_claim_goes_back_for_review(
    checker_client: Client, checker: Any, editor: Any, claim: Claim
) -> None:
    claim = claim_approve(claim=proposed(claim, checker), by=editor)
    assert "it goes back for review" in body(checker_client.get(url(claim)))
    response = checker_client.post(url(claim, "propose"), proposal(claim, verdict="misleading"))
    assert response.status_code == 302
    claim = fresh(claim)
    assert (claim.status, claim.verdict) == (S.PROPOSED, "misleading")


def test_proposals_on_all_of_a_tasks_claims_put_it_in_review(
    checker_client: Client, claims: list[Claim], task: Task
) -> None:
    for claim in claims[:2]:
        assert checker_client.post(url(claim, "propose"), proposal(claim)).status_code == 302
    assert Task.objects.get(pk=task.pk).status == Task.Status.IN_REVIEW


# --- Approving and sending back ----------------------------------------------------------------


def test_editor_approves_and_the_proposer_is_told(
    editor_client: Client,
    checker: Any,
    claim: Claim,
    django_capture_on_commit_callbacks: Any,
) -> None:
    claim = proposed(claim, checker)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url(claim, "approve"), {"version": claim.version})
    assert response.status_code == 302
    assert fresh(claim).status == S.APPROVED
    assert Notification.objects.filter(user=checker, kind="approved").exists()
    assert [m.to for m in mail.outbox] == [[checker.email]]
    assert "Approved: Inaccurate." in body(editor_client.get(url(claim)))


def test_approvals_finish_the_task_and_clear_the_draft(
    editor_client: Client, checker: Any, editor: Any, draft: Draft, claims: list[Claim], task: Task
) -> None:
    claim_approve(claim=proposed(claims[2], checker), by=editor)  # outside the task
    for claim in claims[:2]:
        proposed(claim, checker)
    assert Task.objects.get(pk=task.pk).status == Task.Status.IN_REVIEW
    for claim in claims[:2]:
        response = editor_client.post(url(claim, "approve"), {"version": fresh(claim).version})
        assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).status == Task.Status.DONE
    draft.refresh_from_db()
    assert draft.cleared_at is not None


def test_htmx_approve_answers_with_fragments_and_an_event(
    editor_client: Client, checker: Any, claim: Claim
) -> None:
    claim = proposed(claim, checker)
    response = editor_client.post(url(claim, "approve"), {"version": claim.version}, **HTMX)
    assert response.status_code == 200
    assert "claim-changed" in response["HX-Trigger"]
    assert "Approved" in body(response)


def test_checker_may_not_approve_or_send_back(
    checker_client: Client, checker: Any, claim: Claim
) -> None:
    claim = proposed(claim, checker)
    assert checker_client.post(url(claim, "approve"), {"version": claim.version}).status_code == 403
    response = checker_client.post(url(claim, "send-back"), {"version": claim.version})
    assert response.status_code == 403
    assert fresh(claim).status == S.PROPOSED


def test_approving_an_unproposed_claim_is_refused(editor_client: Client, claim: Claim) -> None:
    response = editor_client.post(url(claim, "approve"), {"version": 1})
    assert response.status_code == 422
    assert "A claim that is unchecked cannot become approved" in body(response)
    htmx = editor_client.post(url(claim, "approve"), {"version": 1}, **HTMX)
    assert htmx.status_code == 422
    assert "cannot become approved" in body(htmx)
    assert fresh(claim).status == S.UNCHECKED


def test_repeating_an_approval_is_harmless(
    editor_client: Client, checker: Any, claim: Claim
) -> None:
    claim = proposed(claim, checker)
    data = {"version": claim.version}
    first = editor_client.post(url(claim, "approve"), data)
    second = editor_client.post(url(claim, "approve"), data)
    assert (first.status_code, second.status_code) == (302, 409)
    assert "editor changed this claim" in body(second)
    assert fresh(claim).status == S.APPROVED
    assert Notification.objects.filter(user=checker, kind="approved").count() == 1


def test_a_stale_approval_conflicts(editor_client: Client, checker: Any, claim: Claim) -> None:
    stale = proposed(claim, checker).version
    claim_propose(claim=claim, by=checker, verdict="misleading", rationale="Rethought it.")
    response = editor_client.post(url(claim, "approve"), {"version": stale})
    assert response.status_code == 409
    assert "checker changed this claim" in body(response)
    assert "Verdict proposed, Misleading" in body(response)
    assert fresh(claim).status == S.PROPOSED


def test_editor_sends_a_verdict_back_with_a_note(
    editor_client: Client, checker: Any, claim: Claim
) -> None:
    claim = proposed(claim, checker)
    response = editor_client.post(
        url(claim, "send-back"), {"version": claim.version, "note": "Find a second source"}
    )
    assert response.status_code == 302
    claim = fresh(claim)
    assert (claim.status, claim.review_note) == (S.CHECKING, "Find a second source")
    assert Notification.objects.filter(user=checker, kind="sent_back").exists()
    assert "Find a second source" in body(editor_client.get(url(claim)))


def test_a_stale_send_back_keeps_the_note(
    editor_client: Client, checker: Any, claim: Claim
) -> None:
    stale = proposed(claim, checker).version
    claim_propose(claim=claim, by=checker, verdict="misleading", rationale="Rethought it.")
    response = editor_client.post(
        url(claim, "send-back"), {"version": stale, "note": "My note"}, **HTMX
    )
    assert response.status_code == 422
    assert "My note</textarea>" in body(response)
    assert fresh(claim).status == S.PROPOSED


# --- Editing -----------------------------------------------------------------------------------


def edit(claim: Claim, **changes: Any) -> dict[str, Any]:
    return {
        "text": claim.text,
        "verdict": claim.verdict,
        "rationale": claim.rationale,
        "version": claim.version,
        **changes,
    }


def test_editing_an_approved_claims_wording_sends_it_back_for_review(
    editor_client: Client, checker: Any, editor: Any, claim: Claim
) -> None:
    claim = claim_approve(claim=proposed(claim, checker), by=editor)
    response = editor_client.post(url(claim, "edit"), edit(claim, text="About 3,000 homes"))
    assert response.status_code == 302
    claim = fresh(claim)
    assert (claim.text, claim.status) == ("About 3,000 homes", S.PROPOSED)
    page = body(editor_client.get(url(claim)))
    assert "The claim had been approved, so it goes back for review." in page


def test_editor_edits_an_unchecked_claim_in_place_with_htmx(
    editor_client: Client, claim: Claim
) -> None:
    response = editor_client.post(url(claim, "edit"), edit(claim, text="300 homes"), **HTMX)
    assert response.status_code == 200
    assert "claim-changed" in response["HX-Trigger"]
    assert '<blockquote class="wording">300 homes</blockquote>' in body(response)
    assert fresh(claim).status == S.UNCHECKED


def test_empty_wording_is_refused(editor_client: Client, claim: Claim) -> None:
    response = editor_client.post(url(claim, "edit"), edit(claim, text="  "))
    assert response.status_code == 422
    assert "A claim&#x27;s wording cannot be empty." in body(response)
    assert fresh(claim).text == "About 300 homes lost power."


def test_a_stale_edit_conflicts_and_keeps_the_wording_typed(
    editor_client: Client, newsadmin: Any, claim: Claim
) -> None:
    from factcheck.claims.services import claim_edit

    claim_edit(claim=claim, by=newsadmin, expected_version=1, text="Admin wording")
    response = editor_client.post(url(claim, "edit"), edit(claim, text="My wording", version=1))
    assert response.status_code == 409
    html = body(response)
    assert "newsadmin changed this claim" in html
    assert "My wording</textarea>" in html
    assert '<blockquote class="wording">Admin wording</blockquote>' in html
    assert 'name="version" value="2" id="edit_version"' in html
    assert fresh(claim).text == "Admin wording"


def test_saving_an_unchanged_claim_twice_is_harmless(editor_client: Client, claim: Claim) -> None:
    data = edit(claim)
    for _ in range(2):
        assert editor_client.post(url(claim, "edit"), data).status_code == 302
    assert fresh(claim).version == 1


def test_checker_may_not_edit(checker_client: Client, claim: Claim) -> None:
    response = checker_client.post(url(claim, "edit"), edit(claim, text="Mine"))
    assert response.status_code == 403
    assert fresh(claim).text == "About 300 homes lost power."


# --- Dismissing and restoring ------------------------------------------------------------------


def test_editor_dismisses_and_restores_a_claim(editor_client: Client, claim: Claim) -> None:
    for _ in range(2):  # the repeat is harmless
        response = editor_client.post(url(claim, "dismiss"), {"version": fresh(claim).version})
        assert response.status_code == 302
    assert fresh(claim).status == S.DISMISSED
    assert (
        AuditEntry.objects.filter(object_type="claim", summary__endswith="Dismissed").count() == 1
    )
    assert f'action="/claims/{claim.pk}/restore/"' in body(editor_client.get(url(claim)))

    response = editor_client.post(url(claim, "restore"), {"version": fresh(claim).version}, **HTMX)
    assert response.status_code == 200
    assert "claim-changed" in response["HX-Trigger"]
    assert fresh(claim).status == S.UNCHECKED
    again = editor_client.post(url(claim, "restore"), {"version": fresh(claim).version})
    assert again.status_code == 302
    assert fresh(claim).status == S.UNCHECKED


def test_a_stale_dismissal_conflicts(editor_client: Client, checker: Any, claim: Claim) -> None:
    proposed(claim, checker)
    response = editor_client.post(url(claim, "dismiss"), {"version": 1})
    assert response.status_code == 409
    assert fresh(claim).status == S.PROPOSED


def test_checker_may_not_dismiss_or_restore(checker_client: Client, claim: Claim) -> None:
    assert checker_client.post(url(claim, "dismiss"), {"version": 1}).status_code == 403
    assert checker_client.post(url(claim, "restore"), {"version": 1}).status_code == 403
    assert fresh(claim).status == S.UNCHECKED


# --- Comments ----------------------------------------------------------------------------------


def test_checker_comments_on_a_claim_mentioning_an_editor(
    checker_client: Client, editor: Any, claim: Claim
) -> None:
    response = checker_client.post(url(claim, "comments"), {"body": "@editor see the release"})
    assert response.status_code == 302
    assert response["Location"] == url(claim) + "#comments"
    assert Comment.objects.get().claim == claim
    assert Notification.objects.filter(user=editor, kind="mentioned").exists()
    html = body(checker_client.get(url(claim)))
    assert '<mark class="mention">@editor</mark> see the release' in html


def test_htmx_comment_and_an_empty_one(editor_client: Client, claim: Claim) -> None:
    ok = editor_client.post(url(claim, "comments"), {"body": "Looks right"}, **HTMX)
    assert ok.status_code == 200
    assert 'id="claim-comments"' in body(ok)
    assert "Looks right" in body(ok)
    empty = editor_client.post(url(claim, "comments"), {"body": " "}, **HTMX)
    assert empty.status_code == 422
    assert "The comment is empty." in body(empty)
    assert Comment.objects.count() == 1


# --- Method and access on every action ---------------------------------------------------------

ACTIONS = ["propose", "approve", "send-back", "edit", "dismiss", "restore", "comments"]


@pytest.mark.parametrize("action", ACTIONS)
def test_actions_refuse_get(editor_client: Client, claim: Claim, action: str) -> None:
    assert editor_client.get(url(claim, action)).status_code == 405


@pytest.mark.parametrize("action", ACTIONS)
def test_actions_are_not_found_for_an_outsider(
    outsider_client: Client, claim: Claim, action: str
) -> None:
    data = {**proposal(claim), "body": "hi", "text": "x"}
    assert outsider_client.post(url(claim, action), data).status_code == 404
    assert fresh(claim).version == 1
    assert not Comment.objects.exists()


@pytest.mark.parametrize("action", ACTIONS)
def test_actions_send_anonymous_users_to_login(client: Client, claim: Claim, action: str) -> None:
    response = client.post(url(claim, action), {"version": 1})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_member_of_two_newsrooms_sees_only_claims_where_they_belong(
    outsider: Any, other_newsroom: Any, newsroom: Any, claim: Claim
) -> None:
    both = UserFactory(username="both")
    MembershipFactory(user=both, newsroom=other_newsroom, role=Role.EDITOR)
    assert client_for(both).get(url(claim)).status_code == 404
    MembershipFactory(user=both, newsroom=newsroom, role=Role.CHECKER)
    assert client_for(both).get(url(claim)).status_code == 200
    assert client_for(both).post(url(claim, "dismiss"), {"version": 1}).status_code == 403
