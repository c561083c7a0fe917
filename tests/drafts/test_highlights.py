"""The reader's side of the draft page: the highlights they keep (``drafts:highlights``), the
parts as data for the browser, the sentence's own link to its actions, and the reading view."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from factcheck.claims.models import Claim
from factcheck.claims.services import claim_mark, claim_mark_sentence
from factcheck.drafts.models import Draft, ReaderSettings
from factcheck.drafts.selectors import _parts_data, draft_page, reader_highlights
from factcheck.drafts.services import reader_highlights_save

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(draft: Draft) -> str:
    return f"/drafts/{draft.pk}/highlights/"


def unit_html(html: str, index: int) -> str:
    start = html.index(f'<span id="u-{index}"')
    return html[start : html.index("</span>", start) + len("</span>")]


# --- Keeping the choice ---------------------------------------------------------------------


def test_a_reader_sees_claims_and_suggestions_alone_until_they_choose(
    editor_client: Client, editor: Any, draft: Draft
) -> None:
    html = editor_client.get(draft.get_absolute_url()).content.decode()
    assert '<mark class="part' not in html.split('id="draft-text"')[1]
    assert 'data-suggested="1"' in unit_html(html, 1)
    assert re.findall(r'name="show" value="(\w+)"( checked)?', html) == [
        (kind, "") for kind in ReaderSettings.KINDS
    ]
    assert reader_highlights(editor) == frozenset()


def test_plain_post_keeps_the_choice_and_returns_to_the_draft(
    editor_client: Client, editor: Any, draft: Draft
) -> None:
    response = editor_client.post(url(draft), {"show": ["date", "number", "bogus"]})
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url() + "#highlights"
    assert ReaderSettings.objects.get(user=editor).highlights == "number date"  # legend order

    html = editor_client.get(draft.get_absolute_url()).content.decode()
    assert 'name="show" value="number" checked' in html
    assert 'name="show" value="date" checked' in html
    assert 'name="show" value="entity">' in html
    first = unit_html(html, 1)
    assert '<mark class="part part-date" title="date">6 a.m.</mark>' in first
    assert "part-attribution" not in first  # not asked for


def test_htmx_post_answers_with_the_form_and_nothing_else(
    editor_client: Client, editor: Any, draft: Draft
) -> None:
    response = editor_client.post(url(draft), {"show": "quote"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<form id="highlights"') and html.rstrip().endswith("</form>")
    assert 'name="show" value="quote" checked' in html
    assert ReaderSettings.objects.get(user=editor).kinds == {"quote"}


def test_unticking_every_type_clears_the_choice(
    editor_client: Client, editor: Any, draft: Draft
) -> None:
    editor_client.post(url(draft), {"show": ["number"]})
    editor_client.post(url(draft), {})
    assert ReaderSettings.objects.get(user=editor).highlights == ""


def test_the_choice_follows_the_reader_to_every_draft_and_is_theirs_alone(
    editor_client: Client, editor: Any, checker: Any, draft: Draft, newsroom: Any
) -> None:
    from factcheck.drafts.services import draft_import

    other = draft_import(newsroom=newsroom, by=editor, text="Second Story\n\nIt rained 40 mm.\n")
    editor_client.post(url(draft), {"show": "number"})
    html = editor_client.get(other.get_absolute_url()).content.decode()
    assert 'name="show" value="number" checked' in html
    assert reader_highlights(checker) == frozenset()


def test_a_repeated_choice_writes_nothing(editor: Any) -> None:
    first = reader_highlights_save(user=editor, kinds=["number"])
    again = reader_highlights_save(user=editor, kinds=["number"])
    assert first.changed and not again.changed
    changed = reader_highlights_save(user=editor, kinds=["event"])
    assert changed.changed and changed.obj.kinds == {"event"}
    assert ReaderSettings.objects.count() == 1


def test_repeated_posts_are_harmless(editor_client: Client, editor: Any, draft: Draft) -> None:
    for _ in range(2):
        assert editor_client.post(url(draft), {"show": "date"}, **HTMX).status_code == 200
    assert ReaderSettings.objects.get(user=editor).highlights == "date"


def test_a_checker_may_choose_their_highlights(
    checker_client: Client, checker: Any, draft: Draft
) -> None:
    assert checker_client.post(url(draft), {"show": "event"}).status_code == 302
    assert reader_highlights(checker) == {"event"}


def test_highlights_refuse_get(editor_client: Client, draft: Draft) -> None:
    assert editor_client.get(url(draft)).status_code == 405


def test_an_outsider_gets_nothing_and_keeps_nothing(
    outsider: Any, draft: Draft, client_for_outsider: Client
) -> None:
    response = client_for_outsider.post(url(draft), {"show": "number"})
    assert response.status_code == 404
    assert not ReaderSettings.objects.filter(user=outsider).exists()


def test_anonymous_is_sent_to_log_in(client: Client, draft: Draft) -> None:
    response = client.post(url(draft), {"show": "number"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ReaderSettings.objects.exists()


@pytest.fixture
def client_for_outsider(outsider: Any) -> Client:
    from tests.conftest import client_for

    return client_for(outsider)


# --- The parts as data ------------------------------------------------------------------------


def test_parts_data_is_offsets_from_the_unit_start_by_type_letter() -> None:
    text = "xx The 300 homes on Monday."
    parts = [[0, 2, "number"], [3, 5, "unknown"], [7, 16, "number"], [14, 26, "date"]]
    assert _parts_data(3, len(text), parts) == "n4-13 d11-23"
    assert _parts_data(3, 10, [[7, 16, "number"]]) == "n4-7"  # clipped to the unit


def test_parts_data_counts_code_points() -> None:
    text = "🙂 300 homes"
    assert text[2:5] == "300"
    assert _parts_data(0, len(text), [[2, 5, "number"]]) == "n2-5"


def test_every_unit_carries_its_parts_whatever_is_shown(draft: Draft) -> None:
    page = draft_page(draft)
    unit = page.blocks[1].units[0]
    sentence = draft.revisions.get().sentences.get(index=unit.index)
    assert unit.parts and len(unit.parts.split()) == len(sentence.spans)
    assert all(not piece.part for piece in unit.pieces)  # nothing cut in
    shown = draft_page(draft, frozenset({"date"})).blocks[1].units[0]
    assert {piece.part for piece in shown.pieces} == {"", "date"}
    assert shown.parts == unit.parts


# --- Each sentence's own actions, without JavaScript ------------------------------------------


def test_the_sentence_link_opens_the_page_with_its_actions(
    editor_client: Client, draft: Draft
) -> None:
    html = editor_client.get(draft.get_absolute_url()).content.decode()
    assert 'class="unit-actions"' not in html
    opened = editor_client.get(draft.get_absolute_url() + "?at=0").content.decode()
    actions = opened[opened.index('<span class="unit-actions"') :]
    assert actions.startswith('<span class="unit-actions" id="actions" role="group"')
    assert '<button class="mark" name="mark" value="0">Mark as a claim</button>' in actions
    assert opened.index('<span id="u-0"') < opened.index('class="unit-actions"')
    assert opened.index('class="unit-actions"') < opened.index('<span id="u-1"')


def test_the_actions_of_a_claim_unmark_it(editor: Any, editor_client: Client, draft: Draft) -> None:
    claim_mark_sentence(sentence=draft.revisions.get().sentences.get(index=2), by=editor)
    opened = editor_client.get(draft.get_absolute_url() + "?at=2").content.decode()
    assert '<button class="mark" name="unmark" value="2">Unmark</button>' in opened
    assert '<a href="?at=2#u-2">Claim 2: actions</a>' in unit_html(opened, 2)


@pytest.mark.parametrize("at", ["4", "99", "x", "-1", ""])
def test_actions_are_offered_only_for_a_checkable_sentence(
    editor_client: Client, draft: Draft, at: str
) -> None:
    response = editor_client.get(draft.get_absolute_url() + f"?at={at}")
    assert response.status_code == 200
    assert 'class="unit-actions"' not in response.content.decode()


def test_a_checker_has_no_sentence_actions(checker_client: Client, draft: Draft) -> None:
    html = checker_client.get(draft.get_absolute_url() + "?at=1").content.decode()
    assert 'class="unit-actions"' not in html
    assert '<a href="?at=' not in html
    assert 'title="suggested claim"' in unit_html(html, 1)  # not by colour alone


# --- The claims panel -------------------------------------------------------------------------


def test_the_panel_unmarks_a_span_claim_and_leaves_a_sentence_to_its_own_link(
    editor: Any, editor_client: Client, draft: Draft
) -> None:
    revision = draft.revisions.get()
    whole = claim_mark_sentence(sentence=revision.sentences.get(index=2), by=editor)
    at = revision.text.index("6 a.m.")
    span = claim_mark(revision=revision, start=at, end=at + 6, by=editor)
    html = editor_client.get(draft.get_absolute_url()).content.decode()
    panel = html[html.index('<aside id="claims-panel"') :]
    assert f'name="unmark_claim" value="{span.pk}"' in panel
    assert f'name="unmark_claim" value="{whole.pk}"' not in panel
    assert f'data-claim="{whole.pk}"' in panel


# --- The reading view -------------------------------------------------------------------------


def test_reading_view_is_the_copy_with_each_claims_status(
    editor: Any, editor_client: Client, draft: Draft
) -> None:
    claim = claim_mark_sentence(sentence=draft.revisions.get().sentences.get(index=2), by=editor)
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.CHECKING)
    reader_highlights_save(user=editor, kinds=ReaderSettings.KINDS)  # the desk's, not here
    html = editor_client.get(draft.get_absolute_url() + "?view=read").content.decode()
    assert '<mark class="part' not in html
    assert '<div class="draft-layout reading">' in html
    assert '<small class="cs cs-checking">Checking</small>' in unit_html(html, 2)
    assert html.count('class="cs ') == 1
    for absent in ('id="claims-panel"', 'id="unit-toolbar"', 'id="highlights"', '<a href="?at='):
        assert absent not in html
    desk = editor_client.get(draft.get_absolute_url()).content.decode()
    assert 'class="cs ' not in desk  # the margin is the reading view's


def test_reading_view_is_for_members_only(client_for_outsider: Client, draft: Draft) -> None:
    response = client_for_outsider.get(draft.get_absolute_url() + "?view=read")
    assert response.status_code == 404
