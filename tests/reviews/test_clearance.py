"""Clearance: the report (HTML, Markdown, CSV), the clearance panel and clearing a draft."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from factcheck.claims.models import Claim
from factcheck.claims.services import (
    claim_approve,
    claim_dismiss,
    claim_mark,
    claim_mark_sentence,
    claim_propose,
)
from factcheck.drafts.access import get_draft_for_user
from factcheck.drafts.models import Draft, Sentence
from factcheck.drafts.services import draft_import
from factcheck.reviews.models import Task
from factcheck.reviews.panel import clearance_panel
from factcheck.reviews.reports import CSV_COLUMNS, clearance_report, csv_safe, report_markdown
from factcheck.reviews.services import task_create
from tests.conftest import SAMPLE_TEXT, client_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
POWER = "About 300 homes lost power."


def url(draft: Draft, what: str = "clearance/") -> str:
    return f"/reviews/drafts/{draft.pk}/{what}"


def body(response: Any) -> str:
    return response.content.decode()


def units(draft: Draft) -> list[Sentence]:
    revision = draft.revisions.get()
    return list(revision.sentences.exclude(kind=Sentence.Kind.BOILERPLATE).order_by("index"))


@pytest.fixture
def worked(draft: Draft, editor: Any, checker: Any) -> dict[str, Any]:
    """The sample draft part-way: one approved claim with a link, one unchecked claim, one task."""
    approved, open_claim = (claim_mark_sentence(sentence=s, by=editor) for s in units(draft)[1:3])
    approved = claim_propose(
        claim=approved,
        by=checker,
        verdict=Claim.Verdict.INACCURATE,
        rationale="The council's notice says 7 a.m., not 6 a.m.",
        links=[("https://example.org/council/notice", "Council notice")],
    )
    approved = claim_approve(claim=approved, by=editor)
    task = task_create(
        draft=draft, by=editor, title="Power cut figure", claims=[open_claim], assignee=checker
    )
    return {"approved": approved, "open": open_claim, "task": task}


def settle(worked: dict[str, Any], editor: Any, checker: Any) -> None:
    """Finish the remaining work: the open claim approved, its task done by itself."""
    claim = claim_propose(
        claim=worked["open"], by=checker, verdict="accurate", rationale="Grid operator figures."
    )
    claim_approve(claim=claim, by=editor)


# --- The report page ---------------------------------------------------------------------------


def test_report_lists_draft_facts_blockers_claims_and_tasks(
    checker_client: Client, draft: Draft, worked: dict[str, Any]
) -> None:
    response = checker_client.get(url(draft))
    assert response.status_code == 200
    html = body(response)
    assert "Clearance report" in html and draft.title in html
    assert "Demo Newsroom" in html
    assert "Not cleared" in html
    # Blockers, each a link to what to fix.
    assert f'href="/claims/{worked["open"].pk}/"' in html
    assert (
        f'<a href="/reviews/tasks/{worked["task"].pk}/">Task “Power cut figure” is open</a>' in html
    )
    # Every claim with its status, verdict, rationale, evidence and people.
    assert "Inaccurate" in html
    assert "The council&#x27;s notice says 7 a.m., not 6 a.m." in html
    assert 'href="https://example.org/council/notice"' in html and "Council notice" in html
    assert "checker," in html and "editor," in html
    # Every task with status, assignee and due.
    assert "Power cut figure" in html and "<td>checker</td>" in html
    # Printable: downloads and navigation are marked not to print.
    assert 'class="report-actions no-print"' in html
    assert url(draft, "clearance.md") in html and url(draft, "clearance.csv") in html
    # A checker reads the report but is not offered clearing.
    assert "Clear for publication" not in html


def test_report_of_a_cleared_draft_says_when_and_by_whom(
    editor_client: Client, draft: Draft, worked: dict[str, Any], editor: Any, checker: Any
) -> None:
    settle(worked, editor, checker)
    draft.refresh_from_db()
    assert draft.is_cleared
    html = body(editor_client.get(url(draft)))
    assert "Cleared for publication on" in html
    assert "Blockers (0)" in html
    assert "Clear for publication</button>" not in html


def test_report_htmx_answers_with_the_report_fragment(
    checker_client: Client, draft: Draft, worked: dict[str, Any]
) -> None:
    html = body(checker_client.get(url(draft), **HTMX))
    assert html.startswith('<article id="report"')
    assert "<html" not in html


def test_report_htmx_aimed_at_the_panel_answers_with_the_panel(
    editor_client: Client, draft: Draft, worked: dict[str, Any]
) -> None:
    response = editor_client.get(url(draft), HTTP_HX_TARGET="clearance-panel", **HTMX)
    html = body(response).strip()
    assert html.startswith('<section id="clearance-panel"')
    assert "2 blockers remain" in html


def test_report_query_count_is_the_same_for_few_and_many_claims(
    checker_client: Client, draft: Draft, editor: Any, checker: Any, django_assert_max_num_queries
) -> None:
    def measure() -> int:
        with django_assert_max_num_queries(14), CaptureQueriesContext(connection) as ctx:
            assert checker_client.get(url(draft)).status_code == 200
        return len(ctx)

    sentence = units(draft)[1]
    first = claim_mark_sentence(sentence=sentence, by=editor)
    task_create(draft=draft, by=editor, title="One", claims=[first], assignee=checker)
    few = measure()
    revision = draft.revisions.get()
    text = revision.text
    for start in range(sentence.start, sentence.start + 30, 3):  # many span claims
        claim = claim_mark(revision=revision, start=start, end=start + 2, by=editor)
        if text[claim.start : claim.end].strip():
            claim_propose(
                claim=claim,
                by=checker,
                verdict="accurate",
                rationale="ok",
                links=[("https://e.org/x", "")],
            )
    for n in range(8):
        task_create(draft=draft, by=editor, title=f"Task {n}", claims=[first], assignee=checker)
    assert Claim.objects.filter(draft=draft).count() > 8
    assert measure() == few


def test_report_refuses_an_outsider(outsider_client: Client, draft: Draft) -> None:
    for what in ("clearance/", "clearance.md", "clearance.csv", "history/"):
        assert outsider_client.get(url(draft, what)).status_code == 404, what


def test_report_needs_login(client: Client, draft: Draft) -> None:
    history = f"/history/drafts/{draft.pk}/"
    for what in ("clearance/", "clearance.md", "clearance.csv", "clear/", history):
        address = what if what.startswith("/") else url(draft, what)
        response = client.post(address) if what == "clear/" else client.get(address)
        assert response.status_code == 302, what
        assert response["Location"].startswith("/accounts/login/"), what


def test_report_and_downloads_refuse_post(editor_client: Client, draft: Draft) -> None:
    history = f"/history/drafts/{draft.pk}/"
    for what in ("clearance/", "clearance.md", "clearance.csv", history):
        address = what if what.startswith("/") else url(draft, what)
        assert editor_client.post(address).status_code == 405, what


# --- Markdown and CSV --------------------------------------------------------------------------


def test_markdown_download_is_an_attachment_with_the_whole_report(
    checker_client: Client, draft: Draft, worked: dict[str, Any], settings: Any
) -> None:
    settings.SITE_URL = "https://desk.example/"
    response = checker_client.get(url(draft, "clearance.md"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert (
        response["Content-Disposition"] == f'attachment; filename="draft-{draft.pk}-clearance.md"'
    )
    text = body(response)
    assert text.startswith(f"# Clearance report: {draft.title}\n")
    assert "- Newsroom: Demo Newsroom" in text
    assert "- Status: **Not cleared**: 2 blockers" in text
    assert "## Blockers" in text and f"/reviews/tasks/{worked['task'].pk}/)" in text
    approved = worked["approved"]
    assert f"### Claim #{approved.pk}\n\n> {approved.text}\n" in text
    assert f"- Link: https://desk.example/claims/{approved.pk}/ (revision 1)" in text
    assert "- Verdict: Inaccurate" in text
    assert "- Rationale: The council's notice says 7 a.m., not 6 a.m." in text
    assert "- Proposed by checker on " in text and "- Approved by editor on " in text
    assert "  - <https://example.org/council/notice> — Council notice" in text
    assert "| Task | Status | Assignee | Due | Claims |" in text
    assert f"| Open | checker | — | #{worked['open'].pk} |" in text


def test_markdown_escapes_user_text(draft: Draft, editor: Any, checker: Any) -> None:
    claim = claim_mark_sentence(sentence=units(draft)[1], by=editor)
    claim_propose(
        claim=claim,
        by=checker,
        verdict="misleading",
        rationale="See [this](javascript:alert(1)) *now*\n# not a heading | pipe",
    )
    task_create(draft=draft, by=editor, title="A | B [x]", claims=[claim])
    text = report_markdown(clearance_report(draft), site_url="https://desk.example")
    assert (
        "- Rationale: See \\[this\\](javascript:alert(1)) \\*now\\* \\# not a heading \\| pipe"
        in text
    )
    assert "[A \\| B \\[x\\]](https://desk.example/reviews/tasks/" in text


def test_csv_download_has_one_row_per_claim_with_the_documented_columns(
    checker_client: Client, draft: Draft, worked: dict[str, Any]
) -> None:
    response = checker_client.get(url(draft, "clearance.csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == f'attachment; filename="draft-{draft.pk}-clearance.csv"'
    )
    rows = list(csv.reader(io.StringIO(body(response))))
    assert rows[0] == CSV_COLUMNS
    assert rows[0] == [
        "id",
        "start",
        "end",
        "text",
        "status",
        "verdict",
        "rationale",
        "proposed_by",
        "approved_by",
        "links",
    ]
    assert len(rows) == 3
    by_id = {int(row[0]): dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]}
    approved = by_id[worked["approved"].pk]
    assert approved["status"] == "approved"
    assert approved["verdict"] == "inaccurate"
    assert approved["proposed_by"] == "checker"
    assert approved["approved_by"] == "editor"
    assert approved["links"] == "https://example.org/council/notice"
    assert approved["text"] == worked["approved"].text
    assert by_id[worked["open"].pk]["approved_by"] == ""
    assert by_id[worked["open"].pk]["text"] == POWER


def test_csv_defuses_formulas(editor: Any, checker: Any, newsroom: Any) -> None:
    draft = draft_import(
        newsroom=newsroom,
        by=editor,
        text='Formulas\n\n=HYPERLINK("http://evil") says so.\n\n@SUM(A1) too.\n',
    )
    claims = [claim_mark_sentence(sentence=s, by=editor) for s in units(draft)[1:]]
    claim_propose(claim=claims[0], by=checker, verdict="inaccurate", rationale="+1 says so")
    claim_propose(claim=claims[1], by=checker, verdict="accurate", rationale="-2, tab\tok")
    rows = list(csv.reader(io.StringIO(clearance_report_csv(draft))))
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil") says so.' in cells
    assert "'@SUM(A1) too." in cells
    assert "'+1 says so" in cells
    assert "'-2, tab\tok" in cells
    assert not any(cell[:1] in "=+-@" for cell in cells if cell)


def clearance_report_csv(draft: Draft) -> str:
    from factcheck.reviews.reports import report_csv

    return report_csv(clearance_report(draft))


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-5 degrees", "'-5 degrees"),
        ("@user", "'@user"),
        ("\tx", "'\tx"),
        ("plain = fine", "plain = fine"),
        ("", ""),
    ],
)
def test_csv_safe(value: str, safe: str) -> None:
    assert csv_safe(value) == safe


# --- Clearing ----------------------------------------------------------------------------------


@pytest.fixture
def empty_draft(newsroom: Any, editor: Any) -> Draft:
    """A draft with no claims and no tasks: nothing blocks it, but it waits for an editor."""
    return draft_import(newsroom=newsroom, by=editor, text=SAMPLE_TEXT, title="Quiet day")


def test_editor_clears_a_draft_with_no_blockers(
    editor_client: Client, empty_draft: Draft, editor: Any
) -> None:
    response = editor_client.post(url(empty_draft, "clear/"), {"next": url(empty_draft)})
    assert response.status_code == 302
    assert response["Location"] == url(empty_draft)
    empty_draft.refresh_from_db()
    assert empty_draft.cleared_by == editor
    cleared_at = empty_draft.cleared_at
    assert cleared_at is not None
    assert "is cleared for publication" in body(editor_client.get(url(empty_draft)))

    again = editor_client.post(url(empty_draft, "clear/"))  # a repeat changes nothing
    assert again.status_code == 302
    assert again["Location"] == empty_draft.get_absolute_url()
    empty_draft.refresh_from_db()
    assert empty_draft.cleared_at == cleared_at


def test_newsroom_admin_may_clear(newsadmin: Any, empty_draft: Draft) -> None:
    client_for(newsadmin).post(url(empty_draft, "clear/"))
    empty_draft.refresh_from_db()
    assert empty_draft.cleared_by == newsadmin


def test_clear_with_htmx_answers_with_the_cleared_panel(
    editor_client: Client, empty_draft: Draft
) -> None:
    response = editor_client.post(url(empty_draft, "clear/"), **HTMX)
    assert response.status_code == 200
    html = body(response).strip()
    assert html.startswith('<section id="clearance-panel" class="panel clearance-panel is-cleared"')
    assert "Cleared for publication on" in html and "by editor" in html
    assert "draft-cleared" in response["HX-Trigger"]


def test_clear_is_refused_while_blockers_remain(
    editor_client: Client, draft: Draft, worked: dict[str, Any]
) -> None:
    response = editor_client.post(url(draft, "clear/"), **HTMX)
    assert response.status_code == 422
    html = body(response)
    assert "The draft cannot be cleared: 2 blocker(s) remain" in html
    assert f'href="/reviews/tasks/{worked["task"].pk}/"' in html

    plain = editor_client.post(url(draft, "clear/"), {"next": url(draft)}, follow=True)
    assert plain.redirect_chain[-1][0] == url(draft)
    assert "The draft cannot be cleared" in body(plain)
    draft.refresh_from_db()
    assert draft.cleared_at is None


def test_clear_ignores_a_next_address_elsewhere(editor_client: Client, empty_draft: Draft) -> None:
    response = editor_client.post(url(empty_draft, "clear/"), {"next": "https://evil.example/"})
    assert response["Location"] == empty_draft.get_absolute_url()


def test_checker_may_not_clear(checker_client: Client, empty_draft: Draft) -> None:
    assert checker_client.post(url(empty_draft, "clear/")).status_code == 403
    assert checker_client.post(url(empty_draft, "clear/"), **HTMX).status_code == 403
    empty_draft.refresh_from_db()
    assert empty_draft.cleared_at is None


def test_outsider_cannot_clear(outsider_client: Client, empty_draft: Draft) -> None:
    assert outsider_client.post(url(empty_draft, "clear/")).status_code == 404
    empty_draft.refresh_from_db()
    assert empty_draft.cleared_at is None


def test_clear_refuses_get(editor_client: Client, empty_draft: Draft) -> None:
    assert editor_client.get(url(empty_draft, "clear/")).status_code == 405


def test_the_last_blocker_going_clears_the_draft_and_the_report_follows(
    editor_client: Client, draft: Draft, worked: dict[str, Any], editor: Any, checker: Any
) -> None:
    settle(worked, editor, checker)
    worked["task"].refresh_from_db()
    assert worked["task"].status == Task.Status.DONE
    md = body(editor_client.get(url(draft, "clearance.md")))
    assert "- Status: **Cleared for publication** on " in md
    assert "## Blockers\n\nNone." in md


# --- The panel (included on the draft page) ----------------------------------------------------


def panel(draft: Draft, user: Any, *, path: str = "/drafts/1/") -> str:
    request = RequestFactory().get(path)
    request.user = user
    viewed, role = get_draft_for_user(user, draft.pk)
    context = {"draft": viewed, "clearance": clearance_panel(draft=viewed, role=role)}
    return render_to_string("reviews/_clearance_panel.html", context, request)


def test_panel_lists_the_blockers_as_links(
    draft: Draft, worked: dict[str, Any], editor: Any
) -> None:
    html = panel(draft, editor)
    assert "Not cleared: 2 blockers remain." in html
    assert f'<a href="/claims/{worked["open"].pk}/">' in html
    assert (
        f'<a href="/reviews/tasks/{worked["task"].pk}/">Task “Power cut figure” is open</a>' in html
    )
    assert "Clear for publication</button>" not in html
    assert 'aria-live="polite"' in html
    assert f'href="/history/drafts/{draft.pk}/"' in html


def test_panel_offers_clearing_to_an_editor_only(
    empty_draft: Draft, editor: Any, checker: Any
) -> None:
    html = panel(empty_draft, editor, path=f"/drafts/{empty_draft.pk}/")
    assert "Nothing blocks clearance." in html
    assert "Clear for publication</button>" in html
    assert f'hx-post="{url(empty_draft, "clear/")}"' in html
    assert f'name="next" value="/drafts/{empty_draft.pk}/"' in html
    checker_html = panel(empty_draft, checker)
    assert "Clear for publication</button>" not in checker_html
    assert "an editor can clear it" in checker_html


def test_panel_of_a_cleared_draft(empty_draft: Draft, editor: Any, editor_client: Client) -> None:
    editor_client.post(url(empty_draft, "clear/"))
    html = panel(empty_draft, editor)
    assert "Cleared for publication on" in html and "by editor" in html
    assert "Clear for publication</button>" not in html


def test_panel_caps_a_long_list_of_blockers(draft: Draft, editor: Any) -> None:
    revision = draft.revisions.get()
    sentence = units(draft)[1]
    for start in range(sentence.start, sentence.start + 36, 3):
        claim_mark(revision=revision, start=start, end=start + 2, by=editor)
    html = panel(draft, editor)
    assert html.count('class="blocker blocker-claim"') == 10
    assert "more: see the" in html


def test_dismissed_claims_do_not_block(draft: Draft, editor: Any) -> None:
    claim = claim_mark_sentence(sentence=units(draft)[1], by=editor)
    claim_dismiss(claim=claim, by=editor)
    report = clearance_report(draft)
    assert report.blockers == []
    assert [c.status for c in report.claims] == ["dismissed"]
