"""POST /claims/drafts/<id>/mark/: marking and unmarking sentences and spans, htmx or not."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from factcheck.claims.models import Claim
from factcheck.claims.services import claim_mark_sentence
from factcheck.drafts.models import Draft, Sentence
from factcheck.drafts.services import draft_import
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def claims_url(draft: Draft) -> str:
    return f"/claims/drafts/{draft.pk}/mark/"


def unit(draft: Draft, index: int) -> Sentence:
    return draft.revisions.get().sentences.get(index=index)


def unit_containing(draft: Draft, words: str) -> Sentence:
    revision = draft.revisions.get()
    for sentence in revision.sentences.all():
        if words in revision.text[sentence.start : sentence.end]:
            return sentence
    raise AssertionError(f"no unit contains {words!r}")


def body(response: HttpResponse) -> str:
    return response.content.decode()


# The sample draft: 0 headline, 1 and 2 the first paragraph, 3 the quote, 4 and 5 furniture.
POWER = "About 300 homes lost power."


def test_sample_draft_has_the_units_these_tests_rely_on(draft: Draft) -> None:
    revision = draft.revisions.get()
    units = [(s.index, s.kind, revision.text[s.start : s.end]) for s in revision.sentences.all()]
    assert units[2] == (2, Sentence.Kind.SENTENCE, POWER)
    assert units[1][2].endswith("the council said.")
    assert units[4] == (4, Sentence.Kind.BOILERPLATE, "Leave a Reply")


# --- Marking a sentence ------------------------------------------------------------------------


def test_htmx_mark_claims_the_whole_sentence_and_answers_with_fragments(
    editor_client: Client, draft: Draft
) -> None:
    response = editor_client.post(claims_url(draft), {"mark": "2"}, **HTMX)

    assert response.status_code == 200
    claim = Claim.objects.get()
    sentence = unit(draft, 2)
    assert (claim.start, claim.end, claim.text) == (sentence.start, sentence.end, POWER)
    assert claim.sentence == sentence
    assert claim.status == Claim.Status.UNCHECKED
    html = body(response)
    assert '<span id="u-2" class="u u-sentence is-claim"' in html
    unit_tag = html[html.index('<span id="u-2"') :].split(">", 1)[0]
    assert 'hx-swap-oob="true"' in unit_tag
    assert '<a href="?at=2#u-2">Claim 2: actions</a>' in html  # the unit's own link
    assert '<div hx-swap-oob="beforeend:#claims-list">' in html  # its row, for the panel
    assert f'data-claim="{claim.pk}"' in html
    assert f"Marked: “{POWER}”" in html
    assert "claims-changed" in response["HX-Trigger"]


def test_plain_mark_redirects_to_the_sentence_on_the_draft_page(
    editor_client: Client, draft: Draft
) -> None:
    response = editor_client.post(claims_url(draft), {"mark": "2"})
    assert response.status_code == 302
    assert response["Location"] == f"/drafts/{draft.pk}/#u-2"
    assert Claim.objects.get().text == POWER


def test_marking_the_same_sentence_twice_keeps_one_claim(
    editor_client: Client, draft: Draft
) -> None:
    first = editor_client.post(claims_url(draft), {"mark": "2"}, **HTMX)
    second = editor_client.post(claims_url(draft), {"mark": "2"}, **HTMX)
    assert first.status_code == second.status_code == 200
    assert Claim.objects.count() == 1
    assert Claim.objects.get().status == Claim.Status.UNCHECKED
    assert body(second).count('hx-swap-oob="beforeend:#claims-list"') == 1  # draft.js keeps one


def test_newsroom_admin_can_mark(newsadmin: Any, draft: Draft) -> None:
    response = client_for(newsadmin).post(claims_url(draft), {"mark": "2"}, **HTMX)
    assert response.status_code == 200
    assert Claim.objects.get().created_by == newsadmin


def test_mark_of_a_missing_sentence_index_is_not_found(editor_client: Client, draft: Draft) -> None:
    response = editor_client.post(claims_url(draft), {"mark": "999"}, **HTMX)
    assert response.status_code == 404
    assert not Claim.objects.exists()


def test_mark_of_a_boilerplate_unit_is_refused(editor_client: Client, draft: Draft) -> None:
    response = editor_client.post(claims_url(draft), {"mark": "4"}, **HTMX)
    assert response.status_code == 422
    assert "boilerplate" in body(response)
    assert not Claim.objects.exists()


# --- Unmarking ---------------------------------------------------------------------------------


def test_unmark_dismisses_the_claim_but_keeps_the_row(editor_client: Client, draft: Draft) -> None:
    editor_client.post(claims_url(draft), {"mark": "2"}, **HTMX)
    response = editor_client.post(claims_url(draft), {"unmark": "2"}, **HTMX)

    assert response.status_code == 200
    claim = Claim.objects.get()
    assert claim.status == Claim.Status.DISMISSED
    html = body(response)
    assert 'class="u u-sentence"' in html
    assert '<a href="?at=2#u-2">' in html and "Claim 2: actions" not in html
    assert f'<li id="claim-row-{claim.pk}" hx-swap-oob="delete">' in html
    assert f"Unmarked: “{POWER}”" in html
    assert "claims-changed" in response["HX-Trigger"]


def test_marking_again_restores_the_dismissed_claim(editor_client: Client, draft: Draft) -> None:
    editor_client.post(claims_url(draft), {"mark": "2"})
    original = Claim.objects.get()
    editor_client.post(claims_url(draft), {"unmark": "2"})
    response = editor_client.post(claims_url(draft), {"mark": "2"}, **HTMX)
    assert response.status_code == 200
    restored = Claim.objects.get()
    assert restored.pk == original.pk
    assert restored.status == Claim.Status.UNCHECKED


def test_unmarking_twice_is_harmless(editor_client: Client, draft: Draft) -> None:
    editor_client.post(claims_url(draft), {"mark": "2"})
    for _ in range(2):
        response = editor_client.post(claims_url(draft), {"unmark": "2"}, **HTMX)
        assert response.status_code == 200
    assert Claim.objects.get().status == Claim.Status.DISMISSED


def test_unmark_of_a_sentence_never_marked_is_not_found(
    editor_client: Client, draft: Draft
) -> None:
    response = editor_client.post(claims_url(draft), {"unmark": "2"}, **HTMX)
    assert response.status_code == 404
    assert not Claim.objects.exists()


def test_unmark_claim_by_id_dismisses_it(editor_client: Client, editor: Any, draft: Draft) -> None:
    claim = claim_mark_sentence(sentence=unit(draft, 1), by=editor)
    response = editor_client.post(claims_url(draft), {"unmark_claim": str(claim.pk)}, **HTMX)
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.status == Claim.Status.DISMISSED
    assert f'<li id="claim-row-{claim.pk}" hx-swap-oob="delete">' in body(response)


def test_unmark_claim_from_another_draft_is_not_found(
    editor_client: Client, editor: Any, newsroom: Any, draft: Draft
) -> None:
    other = draft_import(newsroom=newsroom, by=editor, text="Other Story\n\nThe bridge fell.")
    foreign = claim_mark_sentence(sentence=unit_containing(other, "bridge"), by=editor)
    response = editor_client.post(claims_url(draft), {"unmark_claim": str(foreign.pk)}, **HTMX)
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Claim.Status.UNCHECKED


def test_unmark_claim_of_another_newsroom_is_not_found(
    editor_client: Client, outsider: Any, other_newsroom: Any, draft: Draft
) -> None:
    theirs = draft_import(newsroom=other_newsroom, by=outsider, text="Their Story\n\nA dam broke.")
    foreign = claim_mark_sentence(sentence=unit_containing(theirs, "dam"), by=outsider)
    response = editor_client.post(claims_url(draft), {"unmark_claim": str(foreign.pk)}, **HTMX)
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Claim.Status.UNCHECKED


# --- Spans -------------------------------------------------------------------------------------


def test_span_inside_a_sentence_is_marked_with_white_space_trimmed(
    editor_client: Client, draft: Draft
) -> None:
    sentence = unit(draft, 2)
    text = draft.revisions.get().text
    start = text.index(" 300 homes ")
    response = editor_client.post(
        claims_url(draft), {"start": str(start), "end": str(start + len(" 300 homes "))}, **HTMX
    )

    assert response.status_code == 200
    claim = Claim.objects.get()
    assert claim.text == "300 homes"
    assert (claim.start, claim.end) == (start + 1, start + 1 + len("300 homes"))
    assert claim.sentence == sentence
    html = body(response)
    assert '<mark class="span-claim">300 homes</mark>' in html
    assert 'hx-swap-oob="true"' in html
    assert "is-claim" not in html.split('<span id="u-2"', 1)[1].split(">", 1)[0]
    assert "claims-changed" in response["HX-Trigger"]


def test_unmarking_a_span_claim_removes_its_highlight(editor_client: Client, draft: Draft) -> None:
    text = draft.revisions.get().text
    start = text.index("300 homes")
    editor_client.post(claims_url(draft), {"start": start, "end": start + 9}, **HTMX)
    claim = Claim.objects.get()
    response = editor_client.post(claims_url(draft), {"unmark_claim": claim.pk}, **HTMX)
    assert response.status_code == 200
    html = body(response)
    assert '<span id="u-2"' in html
    assert "span-claim" not in html
    assert f'<li id="claim-row-{claim.pk}" hx-swap-oob="delete">' in html
    claim.refresh_from_db()
    assert claim.status == Claim.Status.DISMISSED


def test_markup_in_a_marked_sentence_is_escaped_in_every_fragment(
    editor_client: Client, editor: Any, newsroom: Any
) -> None:
    draft = draft_import(
        newsroom=newsroom, by=editor, text="Script Test\n\nThe page ran <script>alert(1)</script>."
    )
    index = unit_containing(draft, "alert").index
    response = editor_client.post(claims_url(draft), {"mark": index}, **HTMX)
    assert response.status_code == 200
    html = body(response)
    assert "<script>" not in html
    # The unit highlights the "1" as a figure: count the text without the highlights' marks.
    text = re.sub(r"</?mark[^>]*>", "", html)
    assert text.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # unit, panel, flash


def test_plain_span_mark_redirects_to_its_sentence(editor_client: Client, draft: Draft) -> None:
    text = draft.revisions.get().text
    start = text.index("300 homes")
    response = editor_client.post(claims_url(draft), {"start": start, "end": start + 9})
    assert response.status_code == 302
    assert response["Location"] == f"/drafts/{draft.pk}/#u-2"


def test_span_across_two_sentences_is_refused_in_the_flash(
    editor_client: Client, draft: Draft
) -> None:
    first, second = unit(draft, 1), unit(draft, 2)
    response = editor_client.post(
        claims_url(draft), {"start": first.start + 4, "end": second.end - 2}, **HTMX
    )
    assert response.status_code == 422
    html = body(response)
    flash = html[html.index('<div id="flash"') :]
    assert 'class="flash flash-error"' in flash
    assert "A claim must lie within one sentence" in flash
    assert "HX-Trigger" not in response
    assert not Claim.objects.exists()


def test_plain_span_across_two_sentences_redirects_and_shows_the_message(
    editor_client: Client, draft: Draft
) -> None:
    first, second = unit(draft, 1), unit(draft, 2)
    url = claims_url(draft)
    response = editor_client.post(url, {"start": first.start + 4, "end": second.end - 2})
    assert response.status_code == 302
    assert response["Location"] == f"/drafts/{draft.pk}/"
    page = editor_client.get(response["Location"])
    assert "A claim must lie within one sentence" in body(page)
    assert not Claim.objects.exists()


def test_span_on_boilerplate_is_refused(editor_client: Client, draft: Draft) -> None:
    furniture = unit(draft, 4)
    response = editor_client.post(
        claims_url(draft), {"start": furniture.start, "end": furniture.start + 5}, **HTMX
    )
    assert response.status_code == 422
    assert "boilerplate" in body(response)
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"start": "abc", "end": "5"},
        {"start": "5", "end": ""},
        {"start": "1e3", "end": "2e3"},
        {"mark": "abc"},
        {"mark": ""},
        {"unmark": "two"},
        {"unmark_claim": "x"},
    ],
    ids=["start-abc", "end-empty", "float", "mark-abc", "mark-empty", "unmark-word", "claim-x"],
)
def test_garbage_values_are_refused_cleanly(
    editor_client: Client, draft: Draft, data: dict[str, str]
) -> None:
    response = editor_client.post(claims_url(draft), data, **HTMX)
    assert response.status_code == 422
    assert "That request named no valid position in the draft." in body(response)
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("start", "end"),
    [(-5, 10), (0, 10**9), (30, 30), (30, 20)],
    ids=["neg", "huge", "empty", "rev"],
)
def test_spans_outside_the_text_are_refused(
    editor_client: Client, draft: Draft, start: int, end: int
) -> None:
    response = editor_client.post(claims_url(draft), {"start": start, "end": end}, **HTMX)
    assert response.status_code == 422
    assert "outside the draft" in body(response)
    assert not Claim.objects.exists()


def test_request_naming_nothing_to_mark_is_a_bad_request(
    editor_client: Client, draft: Draft
) -> None:
    response = editor_client.post(claims_url(draft), {"start": "3"}, **HTMX)
    assert response.status_code == 400
    assert editor_client.post(claims_url(draft), {}, **HTMX).status_code == 400
    assert not Claim.objects.exists()


# --- Method and access -------------------------------------------------------------------------


def test_get_is_not_allowed(editor_client: Client, draft: Draft) -> None:
    assert editor_client.get(claims_url(draft)).status_code == 405


def test_checker_may_not_mark_even_beside_editors_and_admins(
    checker_client: Client, newsadmin: Any, draft: Draft
) -> None:
    response = checker_client.post(claims_url(draft), {"mark": "2"}, **HTMX)
    assert response.status_code == 403
    assert not Claim.objects.exists()


def test_checker_may_not_unmark(checker_client: Client, editor: Any, draft: Draft) -> None:
    claim = claim_mark_sentence(sentence=unit(draft, 2), by=editor)
    response = checker_client.post(claims_url(draft), {"unmark_claim": claim.pk}, **HTMX)
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.status == Claim.Status.UNCHECKED


def test_outsider_gets_not_found_and_no_claim(outsider_client: Client, draft: Draft) -> None:
    for data in ({"mark": "2"}, {"start": "0", "end": "5"}):
        response = outsider_client.post(claims_url(draft), data, **HTMX)
        assert response.status_code == 404
    assert not Claim.objects.exists()


def test_anonymous_is_sent_to_login(client: Client, draft: Draft) -> None:
    response = client.post(claims_url(draft), {"mark": "2"})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={claims_url(draft)}"
    assert not Claim.objects.exists()


def test_missing_draft_is_not_found(editor_client: Client, draft: Draft) -> None:
    response = editor_client.post(f"/claims/drafts/{draft.pk + 1000}/mark/", {"mark": "2"}, **HTMX)
    assert response.status_code == 404


# --- CSRF --------------------------------------------------------------------------------------


def test_post_without_csrf_token_is_forbidden(editor: Any, draft: Draft) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.get(f"/drafts/{draft.pk}/").status_code == 200
    response = client.post(claims_url(draft), {"mark": "2"}, **HTMX)
    assert response.status_code == 403
    assert not Claim.objects.exists()


def test_post_with_the_csrf_cookie_sent_as_header_is_accepted(editor: Any, draft: Draft) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    page = client.get(f"/drafts/{draft.pk}/")
    token = client.cookies["csrftoken"].value
    assert "x-csrftoken" in body(page)
    response = client.post(claims_url(draft), {"mark": "2"}, HTTP_X_CSRFTOKEN=token, **HTMX)
    assert response.status_code == 200
    assert Claim.objects.get().text == POWER
