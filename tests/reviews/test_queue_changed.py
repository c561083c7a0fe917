"""The review queue and claims a new version changed: an approved claim whose words were edited is
back in the queue (its verdict went back to proposed) with a "Changed since checked" badge and
both wordings; the "Changed since checked" filter; approving it again settles it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from factcheck.claims.models import Claim
from factcheck.claims.revisions import revision_load
from factcheck.reviews.queue import SHOW, QueueFilters
from tests.claims.test_revisions import POWER_V1, POWER_V2, V2, Story, make_story
from tests.reviews.test_queue import BULK, HTMX, URL, body, row_keys

pytestmark = pytest.mark.django_db

BADGE = '<span class="badge changed">Changed since checked</span>'


@pytest.fixture
def story(newsroom: Any, editor: Any, checker: Any) -> Story:
    story = make_story(newsroom, editor, checker)
    revision_load(draft=story.draft, by=editor, text=V2)
    return story


def row_html(html: str, key: str) -> str:
    found = re.search(rf'<tr id="row-{key}".*?</tr>', html, re.S)
    assert found, f"no row {key}"
    return found.group(0)


def test_a_changed_approved_claim_is_back_in_the_queue_with_both_wordings(
    editor_client: Client, story: Story
) -> None:
    power = Claim.objects.get(pk=story.power.pk)
    assert (power.status, power.changed_since_checked) == (Claim.Status.PROPOSED, True)
    response = editor_client.get(URL)
    assert f"claim-{story.power.pk}" in row_keys(response)
    row = row_html(body(response), f"claim-{story.power.pk}")
    assert BADGE in row
    assert f"Checked: <del>{POWER_V1}</del> Now: <ins>{POWER_V2}</ins>" in row
    assert 'value="approve"' in row  # the editor approves the new words from here
    # The orphaned mayor's claim is proposed too, but its words did not change: no badge.
    mayor = row_html(body(response), f"claim-{story.mayor.pk}")
    assert BADGE not in mayor and "<del>" not in mayor


def test_the_changed_since_checked_filter_keeps_only_those_claims(
    editor_client: Client, story: Story
) -> None:
    assert SHOW["changed"] == "Changed since checked"
    everything = row_keys(editor_client.get(URL))
    assert f"claim-{story.mayor.pk}" in everything
    response = editor_client.get(URL, {"show": "changed"})
    assert row_keys(response) == [f"claim-{story.power.pk}"]
    html = body(response)
    assert '<option value="changed" selected>Changed since checked</option>' in html
    assert QueueFilters.from_query({"show": "changed"}).query() == "show=changed"


def test_the_filter_without_a_changed_claim_says_nothing_waits(
    editor_client: Client, draft: Any
) -> None:
    response = editor_client.get(URL, {"show": "changed"})
    assert row_keys(response) == []
    assert "Nothing waits on you" in body(response)


def test_approving_it_again_settles_it_and_drops_the_badge(
    editor_client: Client, story: Story
) -> None:
    power = Claim.objects.get(pk=story.power.pk)
    data = {"do": "approve", "item": f"claim:{power.pk}:{power.version}", "back": "show=changed"}
    response = editor_client.post(BULK, data, **HTMX)
    assert response.status_code == 200
    assert "No longer waits on you" in body(response) and BADGE not in body(response)
    power.refresh_from_db()
    assert power.status == Claim.Status.APPROVED
    assert (power.changed_since_checked, power.checked_text) == (False, "")
    assert row_keys(editor_client.get(URL, {"show": "changed"})) == []


def test_the_wordings_are_escaped(editor_client: Client, story: Story) -> None:
    Claim.objects.filter(pk=story.power.pk).update(checked_text="<b>300</b> homes")
    row = row_html(body(editor_client.get(URL)), f"claim-{story.power.pk}")
    assert "<del>&lt;b&gt;300&lt;/b&gt; homes</del>" in row


def test_the_claim_page_shows_both_wordings_and_where_the_claim_moved(
    checker_client: Client, story: Story
) -> None:
    html = body(checker_client.get(f"/claims/{story.power.pk}/"))
    assert "Changed since checked:" in html
    assert f"<del>{POWER_V1}</del>" in html and f"<ins>{POWER_V2}</ins>" in html
    history = html[html.index('id="claim-history"') :]
    assert "Its words changed in revision 2, sentence 5 (was sentence 4 of revision 1)" in history
    kept = body(checker_client.get(f"/claims/{story.reopened.pk}/"))
    kept_history = kept[kept.index('id="claim-history"') :]
    assert "Kept in revision 2, sentence 2 (was sentence 1 of revision 1)" in kept_history
