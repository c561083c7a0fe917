"""The first pass on the draft page and its endpoints: highlights, scores, suggested claims
(one by one and in bulk), quote tasks, the analysis' progress, findings and their page."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from factcheck.claims.models import Claim
from factcheck.drafts.models import Draft, ReaderSettings, Revision, Sentence
from factcheck.drafts.services import draft_import, reader_highlights_save
from factcheck.insights.models import Finding
from factcheck.insights.services import (
    finding_dismiss,
    suggested_sentences,
    suggestion_threshold,
    suggestions_dismiss,
)
from factcheck.reviews.models import Task
from tests.conftest import client_for
from tests.factories import make_story

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# The sample draft (tests/conftest.py SAMPLE_TEXT): 0 headline, 1-2 the storm, 3 the mayor's
# quote, 4-5 site furniture. 1-3 score above the model's threshold.
SUGGESTED = [1, 2, 3]
QUOTE = 3
# Over the inline limit: analysed by the Celery task after the import.
BIG = make_story(200)


def body(response: HttpResponse) -> str:
    return response.content.decode()


def page_url(draft: Draft) -> str:
    return f"/drafts/{draft.pk}/"


def suggestions_url(draft: Draft) -> str:
    return f"/insights/drafts/{draft.pk}/suggestions/"


def quote_url(draft: Draft) -> str:
    return f"/insights/drafts/{draft.pk}/quote-task/"


def analysis_url(draft: Draft) -> str:
    return f"/insights/drafts/{draft.pk}/analysis/"


def unit_html(html: str, index: int) -> str:
    match = re.search(rf'<span id="u-{index}" [^>]*>.*?</span>', html, re.S)
    assert match, f"unit {index} not rendered"
    return match.group(0)


def suggested_now(draft: Draft) -> list[int]:
    revision = draft.revisions.get()
    threshold = suggestion_threshold(draft.newsroom)
    return list(suggested_sentences(revision, threshold).values_list("index", flat=True))


def sentence(draft: Draft, index: int) -> Sentence:
    return draft.revisions.get().sentences.get(index=index)


def live_claims(draft: Draft) -> list[int]:
    return sorted(
        draft.claims.exclude(status=Claim.Status.DISMISSED).values_list(
            "sentence__index", flat=True
        )
    )


# --- Highlights and scores ---------------------------------------------------------------------


def test_sample_draft_has_the_suggestions_and_quote_these_tests_rely_on(draft: Draft) -> None:
    assert suggested_now(draft) == SUGGESTED
    assert sentence(draft, QUOTE).speaker == "Ines Holt"
    assert draft.revisions.get().analysis == Revision.Analysis.DONE


def show_every_part(user: Any) -> None:
    """The reader switches every part type on (the page shows claims and suggestions alone by
    default; tests/drafts/test_highlights.py holds the choice itself)."""
    reader_highlights_save(user=user, kinds=ReaderSettings.KINDS)


def test_checkable_parts_are_highlighted_with_their_type(
    editor_client: Client, editor: Any, draft: Draft
) -> None:
    show_every_part(editor)
    html = body(editor_client.get(page_url(draft)))
    first = unit_html(html, 1)
    assert '<mark class="part part-date" title="date">6 a.m.</mark>' in first
    assert (
        '<mark class="part part-attribution" title="attribution">the council said</mark>' in first
    )
    assert '<mark class="part part-number" title="number">About 300 homes</mark>' in unit_html(
        html, 2
    )
    assert 'class="legend"' in html  # the colours are explained, and each mark has a title


def test_each_analysed_unit_shows_its_score(editor_client: Client, draft: Draft) -> None:
    html = body(editor_client.get(page_url(draft)))
    score = sentence(draft, 1).score
    # For the toolbar, which shows the score of the sentence in hand.
    assert f'data-score="{score:.2f}"' in unit_html(html, 1)
    assert "data-score" not in unit_html(html, 4)  # site furniture: no score shown


def test_highlights_combine_with_a_claim_span_inside_them(
    editor_client: Client, editor: Any, draft: Draft
) -> None:
    from factcheck.claims.services import claim_mark

    revision = draft.revisions.get()
    at = revision.text.index("300")
    claim_mark(revision=revision, start=at, end=at + 3, by=editor)
    show_every_part(editor)
    inner = unit_html(body(editor_client.get(page_url(draft))), 2)
    assert (
        '<mark class="part part-number" title="number">About <mark class="span-claim">300</mark>'
        " homes</mark>"
    ) in inner


def test_a_claim_span_across_parts_stays_one_mark_and_holds_them(
    editor_client: Client, editor: Any, draft: Draft
) -> None:
    from factcheck.claims.services import claim_mark

    revision = draft.revisions.get()
    words = "6 a.m. on Monday after waves"
    at = revision.text.index(words)
    claim_mark(revision=revision, start=at + 2, end=at + len(words), by=editor)
    show_every_part(editor)
    inner = unit_html(body(editor_client.get(page_url(draft))), 1)
    date = '<mark class="part part-date" title="date">'
    # "6 a.m." is cut where the claim starts; "on Monday" lies wholly inside the claim.
    assert (
        f'{date}6 </mark><mark class="span-claim">{date}a.m.</mark> {date}on Monday</mark>'
        " after waves</mark>"
    ) in inner


def test_markup_in_the_draft_text_is_escaped_inside_highlights(
    editor_client: Client, editor: Any, newsroom: Any
) -> None:
    draft = draft_import(
        newsroom=newsroom,
        by=editor,
        text=(
            "Script Test\n\n"
            "The page ran <script>alert(1)</script> for 300 <b>people</b> on Monday, "
            "the council said.\n\n"
            "“<i>We</i> saw it,” said <img src=x onerror=alert(2)> Holt.\n"
        ),
    )
    show_every_part(editor)
    html = body(editor_client.get(page_url(draft)))
    for raw in ("<script>alert(1)</script>", "<b>people</b>", "<img src=x", "<i>We</i>"):
        assert raw not in html
    units = unit_html(html, 1)
    assert "&lt;script&gt;" in units and "&lt;b&gt;people&lt;/b&gt;" in units
    assert re.search(r'<mark class="part part-\w+" title="\w+">[^<]*&lt;', units) or (
        "&lt;/script&gt;" in units
    )
    for s in draft.revisions.get().sentences.all():
        for _start, _end, kind in s.spans:  # every part is rendered, and rendered escaped
            assert f'class="part part-{kind}"' in unit_html(html, s.index)


# --- Suggested claims ---------------------------------------------------------------------------


def test_suggested_units_are_styled_with_confirm_and_dismiss_for_an_editor(
    editor_client: Client, draft: Draft
) -> None:
    html = body(editor_client.get(page_url(draft)))
    for index in SUGGESTED:
        unit = unit_html(html, index)
        assert 'data-suggested="1"' in unit
        # One quiet link of its own (the page without JavaScript), not buttons after it.
        assert f'<a href="?at={index}#u-{index}">Suggested claim {index}: actions</a>' in unit
        assert "<button" not in unit
    # One toolbar (draft.js moves it to the sentence in hand) confirms and dismisses.
    assert html.count('data-act="dismiss"') == html.count('data-act="confirm"') == 1
    # The sentence's link opens the page at it with the same actions as plain buttons.
    opened = body(editor_client.get(page_url(draft) + "?at=2"))
    actions = opened[opened.index('<span class="unit-actions"') :].split("</span></span>")[0]
    assert f'formaction="{suggestions_url(draft)}">Confirm the suggestion' in actions
    assert 'name="mark" value="2"' in actions and 'name="dismiss" value="2"' in actions
    assert opened.count('class="unit-actions"') == 1
    assert 'data-suggested="1"' not in unit_html(html, 0)  # the headline scores below
    assert re.search(r'id="suggestions-heading">Suggestions <span class="count"[^>]*>3<', html)
    for value in ("confirm", "dismiss", "confirm_all"):
        assert f'name="bulk" value="{value}"' in html


def test_the_page_suggests_exactly_what_the_service_suggests(
    editor_client: Client, editor: Any, draft: Draft
) -> None:
    suggestions_dismiss(sentences=[sentence(draft, 2)], by=editor)
    response = editor_client.get(page_url(draft))
    shown = [s.index for s in response.context["page"].suggestions]
    assert shown == suggested_now(draft) == [1, 3]
    assert [s.index for s in response.context["page"].dismissed_suggestions] == [2]
    assert 'name="restore" value="2"' in body(response)


def test_checker_sees_suggestions_but_no_buttons(checker_client: Client, draft: Draft) -> None:
    html = body(checker_client.get(page_url(draft)))
    assert 'data-suggested="1"' in unit_html(html, 1)
    assert 'title="suggested claim"' in unit_html(html, 1)  # not by colour alone
    assert "button" not in unit_html(html, 1)
    assert 'name="bulk"' not in html


def test_confirm_marks_the_unit_and_redirects_to_it(editor_client: Client, draft: Draft) -> None:
    response = editor_client.post(suggestions_url(draft), {"confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == page_url(draft) + "#u-1"
    assert live_claims(draft) == [1]
    assert suggested_now(draft) == [2, 3]


def test_htmx_confirm_answers_with_the_unit_and_panels_out_of_band(
    editor_client: Client, draft: Draft
) -> None:
    response = editor_client.post(suggestions_url(draft), {"confirm": "2"}, **HTMX)
    assert response.status_code == 200
    html = body(response)
    unit = unit_html(html, 2)
    assert 'hx-swap-oob="true"' in unit and "is-claim" in unit
    assert 'data-suggested="1"' not in unit
    assert '<section id="suggestions-panel"' in html and 'data-count="2"' in html
    assert '<aside id="claims-panel"' not in html  # its new row is added instead
    assert 'hx-swap-oob="beforeend:#claims-list"' in html and 'id="claim-row-' in html
    assert "Marked: “About 300 homes lost power.”" in html
    assert "claims-changed" in json.loads(response["HX-Trigger"])


def test_confirming_twice_keeps_one_claim(editor_client: Client, draft: Draft) -> None:
    for _ in range(2):
        response = editor_client.post(suggestions_url(draft), {"confirm": "1"}, **HTMX)
        assert response.status_code == 200
    assert draft.claims.filter(sentence__index=1).count() == 1


def test_dismiss_then_restore_a_suggestion(editor_client: Client, draft: Draft) -> None:
    response = editor_client.post(suggestions_url(draft), {"dismiss": "3"}, **HTMX)
    assert response.status_code == 200
    assert 'data-suggested="1"' not in unit_html(body(response), 3)
    assert sentence(draft, 3).suggestion_dismissed
    assert suggested_now(draft) == [1, 2]
    assert "Show dismissed (1)" in body(editor_client.get(page_url(draft)))
    again = editor_client.post(suggestions_url(draft), {"dismiss": "3"}, **HTMX)  # harmless
    assert again.status_code == 200

    response = editor_client.post(suggestions_url(draft), {"restore": "3"})
    assert response.status_code == 302
    assert suggested_now(draft) == SUGGESTED


def test_bulk_confirm_and_dismiss_the_ticked_suggestions(
    editor_client: Client, draft: Draft
) -> None:
    response = editor_client.post(
        suggestions_url(draft), {"bulk": "dismiss", "units": ["1", "3"]}, **HTMX
    )
    assert response.status_code == 200
    assert "2 suggestions dismissed." in body(response)
    assert suggested_now(draft) == [2]

    response = editor_client.post(suggestions_url(draft), {"bulk": "confirm", "units": ["2"]})
    assert response.status_code == 302
    assert live_claims(draft) == [2]
    assert suggested_now(draft) == []


def test_confirm_all_marks_every_current_suggestion(editor_client: Client, draft: Draft) -> None:
    response = editor_client.post(suggestions_url(draft), {"bulk": "confirm_all"}, **HTMX)
    assert response.status_code == 200
    assert "3 suggestions confirmed as claims." in body(response)
    assert live_claims(draft) == SUGGESTED
    again = editor_client.post(suggestions_url(draft), {"bulk": "confirm_all"}, **HTMX)
    assert again.status_code == 422  # nothing left: said, not an error page
    assert "Select at least one suggestion first." in body(again)
    assert live_claims(draft) == SUGGESTED


def test_bulk_without_a_selection_is_refused_with_a_message(
    editor_client: Client, draft: Draft
) -> None:
    response = editor_client.post(suggestions_url(draft), {"bulk": "confirm"}, **HTMX)
    assert response.status_code == 422
    assert "Select at least one suggestion first." in body(response)
    plain = editor_client.post(suggestions_url(draft), {"bulk": "confirm"}, follow=True)
    assert "Select at least one suggestion first." in body(plain)
    assert live_claims(draft) == []


def test_suggestions_endpoint_refuses_a_request_that_names_nothing(
    editor_client: Client, draft: Draft
) -> None:
    assert editor_client.post(suggestions_url(draft), {}).status_code == 400
    assert editor_client.post(suggestions_url(draft), {"confirm": "99"}).status_code == 400


@pytest.mark.parametrize("url", [suggestions_url, quote_url])
def test_draft_page_actions_refuse_get(editor_client: Client, draft: Draft, url: Any) -> None:
    assert editor_client.get(url(draft)).status_code == 405


def test_checker_cannot_confirm_or_dismiss(checker_client: Client, draft: Draft) -> None:
    assert checker_client.post(suggestions_url(draft), {"confirm": "1"}).status_code == 403
    assert checker_client.post(suggestions_url(draft), {"dismiss": "1"}).status_code == 403
    assert live_claims(draft) == [] and suggested_now(draft) == SUGGESTED


def test_newsroom_admin_may_confirm(newsadmin: Any, draft: Draft) -> None:
    response = client_for(newsadmin).post(suggestions_url(draft), {"confirm": "1"})
    assert response.status_code == 302
    assert live_claims(draft) == [1]


def test_outsider_gets_404_from_every_draft_page_action(
    outsider_client: Client, draft: Draft
) -> None:
    assert outsider_client.post(suggestions_url(draft), {"confirm": "1"}).status_code == 404
    assert outsider_client.post(quote_url(draft), {"unit": QUOTE}).status_code == 404
    assert outsider_client.post(analysis_url(draft)).status_code == 404
    assert outsider_client.get(analysis_url(draft), **HTMX).status_code == 404
    assert live_claims(draft) == []


# --- Quotes -------------------------------------------------------------------------------------


def test_a_quoted_unit_names_its_speaker_and_offers_the_task(
    editor_client: Client, checker_client: Client, draft: Draft
) -> None:
    unit = unit_html(body(editor_client.get(page_url(draft))), QUOTE)
    assert 'data-q="Ines Holt"' in unit  # the toolbar says "quote: Ines Holt"
    opened = body(editor_client.get(f"{page_url(draft)}?at={QUOTE}"))
    assert "Task: confirm Ines Holt said this</button>" in opened  # the page without JavaScript
    assert 'data-act="quote"' in opened  # the toolbar's
    checker_unit = unit_html(body(checker_client.get(page_url(draft))), QUOTE)
    assert 'data-q="Ines Holt"' in checker_unit
    checker_opened = body(checker_client.get(f"{page_url(draft)}?at={QUOTE}"))
    assert "Task: confirm" not in checker_opened and 'data-act="quote"' not in checker_opened


def test_quote_task_is_one_click_and_a_second_click_finds_the_same_task(
    editor_client: Client, draft: Draft
) -> None:
    response = editor_client.post(quote_url(draft), {"unit": QUOTE})
    assert response.status_code == 302
    task = Task.objects.get(draft=draft, title="Confirm Ines Holt said this")
    assert [c.sentence.index for c in task.claims.all()] == [QUOTE]

    again = editor_client.post(quote_url(draft), {"unit": QUOTE}, **HTMX)
    assert again.status_code == 200
    assert Task.objects.filter(draft=draft, title="Confirm Ines Holt said this").count() == 1
    html = body(again)
    assert f'href="/reviews/tasks/{task.pk}/"' in html  # the flash links to the task
    # Out of band: the page posts with hx-swap="none", so only that reaches the tasks panel.
    panel = html[html.index('<section id="draft-tasks"') :]
    assert 'hx-swap-oob="true"' in panel[: panel.index(">")]
    assert "Confirm Ines Holt said this" in panel
    assert set(json.loads(again["HX-Trigger"])) >= {"claims-changed", "tasks-changed"}


def test_quote_task_of_a_sentence_without_a_quote_is_refused(
    editor_client: Client, draft: Draft
) -> None:
    response = editor_client.post(quote_url(draft), {"unit": "1"}, **HTMX)
    assert response.status_code == 422
    assert "holds no quote" in body(response)
    assert not Task.objects.filter(draft=draft).exists()


def test_checker_cannot_make_a_quote_task(checker_client: Client, draft: Draft) -> None:
    assert checker_client.post(quote_url(draft), {"unit": QUOTE}).status_code == 403
    assert not Task.objects.exists()


# --- The analysis' progress ---------------------------------------------------------------------


def set_analysis(draft: Draft, state: str, **fields: Any) -> Revision:
    Revision.objects.filter(draft=draft).update(analysis=state, **fields)
    return draft.revisions.get()


def test_a_running_analysis_shows_its_progress_and_polls(
    editor_client: Client, draft: Draft
) -> None:
    set_analysis(draft, Revision.Analysis.RUNNING, analysis_progress=2)
    html = body(editor_client.get(page_url(draft)))
    assert "Analysing… <strong>2 of 6 units</strong>" in html
    assert f'hx-get="{analysis_url(draft)}" hx-trigger="every 1s"' in html

    poll = editor_client.get(analysis_url(draft), **HTMX)
    assert poll.status_code == 200
    assert "2 of 6 units" in body(poll) and 'hx-trigger="every 1s"' in body(poll)


def test_a_large_draft_is_readable_and_markable_while_its_analysis_waits(
    editor_client: Client, newsroom: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = editor_client.post("/drafts/new/", {"newsroom": newsroom.pk, "text": BIG})
    assert response.status_code == 302
    draft = Draft.objects.get()
    revision = draft.revisions.get()
    assert revision.analysis == Revision.Analysis.PENDING
    assert len(callbacks) == 1  # the analysis task, sent once the import has committed

    html = body(editor_client.get(page_url(draft)))
    assert "Analysing… <strong>0 of 200 units</strong>" in html
    assert f'hx-get="{analysis_url(draft)}" hx-trigger="every 1s"' in html
    assert "Kitchen 198 in Tallow Bridge served hot soup to 298 people on Tuesday." in html
    assert '<a href="?at=5#u-5">' in html  # the sentence's own way to its actions
    marked = editor_client.post(f"/claims/drafts/{draft.pk}/mark/", {"mark": "5"}, **HTMX)
    assert marked.status_code == 200
    assert draft.claims.get().sentence.index == 5

    callbacks[0]()  # the worker's turn (the task runs eagerly here)
    revision.refresh_from_db()
    assert revision.analysis == Revision.Analysis.DONE
    assert draft.claims.get().sentence.index == 5  # the analysis keeps what the editor did
    assert editor_client.get(analysis_url(draft), **HTMX)["HX-Refresh"] == "true"


def test_a_finished_analysis_stops_polling_and_reloads_the_page(
    editor_client: Client, draft: Draft
) -> None:
    html = body(editor_client.get(page_url(draft)))
    assert 'hx-trigger="every 1s"' not in html
    assert "Re-analyse" in html
    poll = editor_client.get(analysis_url(draft), **HTMX)
    assert poll.status_code == 200 and poll["HX-Refresh"] == "true"


def test_plain_get_of_the_progress_goes_to_the_draft_page(
    checker_client: Client, draft: Draft
) -> None:
    response = checker_client.get(analysis_url(draft))
    assert response.status_code == 302 and response["Location"] == page_url(draft) + "#analysis"


def test_a_failed_analysis_says_why_and_an_editor_runs_it_again(
    editor_client: Client, checker_client: Client, draft: Draft
) -> None:
    set_analysis(draft, Revision.Analysis.FAILED, analysis_error="The analysis stopped: boom")
    html = body(editor_client.get(page_url(draft)))
    assert "The analysis failed: The analysis stopped: boom" in html
    assert "Run the analysis again" in html
    assert "Run the analysis again" not in body(checker_client.get(page_url(draft)))
    assert checker_client.post(analysis_url(draft)).status_code == 403

    response = editor_client.post(analysis_url(draft))
    assert response.status_code == 302
    revision = draft.revisions.get()
    assert revision.analysis == Revision.Analysis.DONE and revision.analysis_error == ""


def test_re_analysing_while_running_is_harmless(editor_client: Client, draft: Draft) -> None:
    set_analysis(draft, Revision.Analysis.RUNNING)
    response = editor_client.post(analysis_url(draft), follow=True)
    assert "The analysis is running already." in body(response)
    assert draft.revisions.get().analysis == Revision.Analysis.RUNNING


def test_re_analyse_keeps_what_editors_decided(
    editor_client: Client, editor: Any, draft: Draft
) -> None:
    suggestions_dismiss(sentences=[sentence(draft, 1)], by=editor)
    for _ in range(2):
        assert editor_client.post(analysis_url(draft)).status_code == 302
    assert suggested_now(draft) == [2, 3]


# --- Findings on the draft page -----------------------------------------------------------------


def test_draft_page_lists_open_findings_and_counts_the_settled(
    editor_client: Client, editor: Any, draft: Draft, finding: Finding
) -> None:
    html = body(editor_client.get(page_url(draft)))
    assert f'<a href="/insights/findings/{finding.pk}/">F-16 vs F-15</a>' in html
    likely = round(finding.confidence * 100)
    assert f">{likely}% likely</span>" in html.split('id="findings-panel"')[1]
    assert re.search(r'id="findings-heading">Findings <span class="count"[^>]*>1<', html)

    finding_dismiss(finding=finding, by=editor)
    html = body(editor_client.get(page_url(draft)))
    assert (
        f'href="/insights/findings/{finding.pk}/"' not in html.split('id="findings-panel"')[1][:800]
    )
    assert "0 turned into tasks · 1 dismissed" in html


# --- The finding page ---------------------------------------------------------------------------


def finding_url(finding: Finding, action: str = "") -> str:
    return f"/insights/findings/{finding.pk}/" + (f"{action}/" if action else "")


def test_finding_page_shows_both_sentences_with_the_conflict_marked(
    checker_client: Client, finding: Finding
) -> None:
    response = checker_client.get(finding_url(finding))
    assert response.status_code == 200
    html = body(response)
    assert "F-16 vs F-15" in html and "aircraft model" in html and "Contradiction" in html
    assert f"{round(finding.confidence * 100)}% that both values are of one thing" in html
    assert '<mark class="conflict-words" title="conflicting words">6 a.m.</mark>' in html
    assert '<mark class="conflict-words" title="conflicting words">300</mark>' in html
    assert "Open" in html
    assert "Create task" not in html and "Dismiss" not in html  # a checker only reads


def test_finding_page_offers_the_editor_its_actions(
    editor_client: Client, finding: Finding, checker: Any
) -> None:
    html = body(editor_client.get(finding_url(finding)))
    assert "Create task “F-16 vs F-15 discrepancy”" in html
    assert f'value="{finding.version}"' in html
    assert f'<option value="{checker.pk}">checker</option>' in html
    assert ">Dismiss</button>" in html


def test_finding_page_escapes_its_words(editor_client: Client, finding: Finding) -> None:
    Finding.objects.filter(pk=finding.pk).update(summary="<script>x()</script> vs F-15")
    html = body(editor_client.get(finding_url(finding)))
    assert "<script>x()</script>" not in html
    assert "&lt;script&gt;x()&lt;/script&gt; vs F-15" in html


def test_finding_page_is_404_for_an_outsider_and_405_for_post(
    outsider_client: Client, editor_client: Client, finding: Finding
) -> None:
    assert outsider_client.get(finding_url(finding)).status_code == 404
    assert editor_client.post(finding_url(finding)).status_code == 405
    for action in ("dismiss", "reopen", "task"):
        assert editor_client.get(finding_url(finding, action)).status_code == 405
        response = outsider_client.post(finding_url(finding, action), {"version": 1})
        assert response.status_code == 404
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.OPEN


def test_dismiss_and_reopen_a_finding(editor_client: Client, finding: Finding) -> None:
    response = editor_client.post(finding_url(finding, "dismiss"), {"version": finding.version})
    assert response.status_code == 302 and response["Location"] == finding_url(finding)
    dismissed = Finding.objects.get(pk=finding.pk)
    assert dismissed.status == Finding.Status.DISMISSED
    # A second click with the page's old version: nothing left to do, no conflict.
    again = editor_client.post(finding_url(finding, "dismiss"), {"version": finding.version})
    assert again.status_code == 302

    response = editor_client.post(
        finding_url(finding, "reopen"), {"version": dismissed.version}, **HTMX
    )
    assert response.status_code == 200
    html = body(response)
    assert '<section id="finding-main"' in html and 'hx-swap-oob="true"' in html
    assert "Reopened" in html
    assert "finding-changed" in json.loads(response["HX-Trigger"])
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.OPEN


def test_a_stale_version_is_a_conflict(
    editor_client: Client, editor: Any, finding: Finding
) -> None:
    old = finding.version
    finding_dismiss(finding=finding, by=editor)
    from factcheck.insights.services import finding_reopen

    finding_reopen(finding=finding, by=editor)
    response = editor_client.post(finding_url(finding, "dismiss"), {"version": old})
    assert response.status_code == 409
    assert "F-16 vs F-15" in body(response)
    htmx = editor_client.post(finding_url(finding, "dismiss"), {"version": old}, **HTMX)
    assert htmx.status_code == 422
    task = editor_client.post(finding_url(finding, "task"), {"version": old})
    assert task.status_code == 409
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.OPEN
    assert not Task.objects.exists()


def test_checker_cannot_act_on_a_finding(checker_client: Client, finding: Finding) -> None:
    for action in ("dismiss", "reopen", "task"):
        response = checker_client.post(finding_url(finding, action), {"version": 1})
        assert response.status_code == 403
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.OPEN


def test_finding_becomes_a_task_linked_to_both_claims(
    editor_client: Client, finding: Finding, checker: Any
) -> None:
    response = editor_client.post(
        finding_url(finding, "task"), {"version": finding.version, "assignee": checker.pk}
    )
    task = Task.objects.get(title="F-16 vs F-15 discrepancy")
    assert response.status_code == 302 and response["Location"] == f"/reviews/tasks/{task.pk}/"
    assert sorted(c.sentence.index for c in task.claims.all()) == [1, 2]
    assert task.assignee == checker
    current = Finding.objects.get(pk=finding.pk)
    assert current.status == Finding.Status.TASKED and current.task == task

    again = editor_client.post(finding_url(finding, "task"), {"version": finding.version})
    assert again.status_code == 302 and again["Location"] == f"/reviews/tasks/{task.pk}/"
    assert Task.objects.count() == 1


def test_htmx_task_updates_the_finding_page_in_place(
    editor_client: Client, finding: Finding
) -> None:
    response = editor_client.post(
        finding_url(finding, "task"), {"version": finding.version}, **HTMX
    )
    assert response.status_code == 200
    task = Task.objects.get(title="F-16 vs F-15 discrepancy")
    html = body(response)
    assert f'href="/reviews/tasks/{task.pk}/">F-16 vs F-15 discrepancy</a>' in html
    assert "Turned into a task" in html and "Create task" not in html
    assert {"finding-changed", "tasks-changed"} <= set(json.loads(response["HX-Trigger"]))


def test_task_for_someone_outside_the_newsroom_is_refused(
    editor_client: Client, finding: Finding, outsider: Any
) -> None:
    response = editor_client.post(
        finding_url(finding, "task"), {"version": finding.version, "assignee": outsider.pk}
    )
    assert response.status_code == 422
    assert not Task.objects.exists()


def test_newsroom_admin_may_task_a_finding(newsadmin: Any, finding: Finding) -> None:
    response = client_for(newsadmin).post(finding_url(finding, "task"), {"version": 1})
    assert response.status_code == 302
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.TASKED


# --- Query counts -------------------------------------------------------------------------------

# tests/drafts/test_views.py pins the draft page; here: it stays flat with findings and quotes.


def test_draft_page_query_count_does_not_grow_with_findings(
    editor_client: Client, draft: Draft, finding: Finding
) -> None:
    from tests.drafts.test_views import DRAFT_PAGE_MAX_QUERIES

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(page_url(draft)).status_code == 200
        return len(queries)

    one = count()
    revision = draft.revisions.get()
    for i in range(20):
        Finding.objects.create(
            draft=draft,
            revision=revision,
            kind=Finding.Kind.NAME_VARIANT,
            sentence_a=finding.sentence_a,
            sentence_b=finding.sentence_b,
            summary=f"Holt vs Hold {i}",
            status=[Finding.Status.OPEN, Finding.Status.DISMISSED][i % 2],
        )
    assert count() == one <= DRAFT_PAGE_MAX_QUERIES


def test_the_panel_lists_the_first_suggestions_and_counts_them_all(
    editor_client: Client, draft: Draft, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factcheck.drafts import selectors

    monkeypatch.setattr(selectors, "SUGGESTIONS_LISTED", 1)
    total = len(suggested_now(draft))
    assert total > 1
    html = body(editor_client.get(page_url(draft)))
    panel = html[
        html.index('id="suggestions-panel"') : html.index(
            "</section>", html.index('id="suggestions-panel"')
        )
    ]
    assert panel.count('<li class="suggestion"') == 1
    assert f"The first 1 of {total} are listed" in panel
    assert f"Confirm all {total}" in panel
    assert f'data-count="{total}"' in panel
