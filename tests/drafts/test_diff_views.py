"""The "what changed" page (``/drafts/<id>/diff/?from=A&to=B``): the sentences added, removed and
edited with the changed words marked, the claims and findings beside them, the unchanged
sentences folded away unless asked for; the links to it; who may see it and what it refuses."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from factcheck.claims.revisions import revision_load
from factcheck.claims.services import claim_mark_sentence
from factcheck.drafts.models import Draft
from factcheck.drafts.services import draft_import
from tests.claims.test_revisions import POWER_V1, POWER_V2, V2, Story, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(newsroom: Any, editor: Any, checker: Any) -> Story:
    story = make_story(newsroom, editor, checker)
    revision_load(draft=story.draft, by=editor, text=V2)
    return story


def url(draft: Draft, query: str = "") -> str:
    return f"/drafts/{draft.pk}/diff/" + (f"?{query}" if query else "")


def body(response: Any) -> str:
    return response.content.decode()


def row(html: str, anchor: str) -> str:
    """The ``<tr>`` of the row with id ``anchor``."""
    found = re.search(rf'<tr id="{anchor}" .*?</tr>', html, re.S)
    assert found, f"no row {anchor}"
    return found.group(0)


def test_the_page_marks_the_changed_words_and_shows_the_claims_beside_them(
    checker_client: Client, story: Story
) -> None:
    response = checker_client.get(url(story.draft))
    assert response.status_code == 200
    html = body(response)
    assert "What changed from revision 1 to revision 2" in html
    assert "Sentences: 2 added, 2 removed, 1 edited, 0 moved." in html
    edited = row(html, "n-5")
    assert 'class="drow drow-edited"' in edited
    assert (
        'About <del><span class="visually-hidden">taken out: </span>300</del> '
        '<ins><span class="visually-hidden">put in: </span>350</ins> '
        "homes lost power during the storm." in edited
    )
    # The changed claim: status, verdict, the wording checked and the wording now.
    assert f'href="/claims/{story.power.pk}/"' in edited
    assert "Verdict proposed" in edited and "Accurate" in edited
    assert "Changed since checked." in edited
    assert f"<del>{POWER_V1}</del>" in edited and f"<ins>{POWER_V2}</ins>" in edited
    added = row(html, "n-1")
    assert "<ins>" in added and "Update: the road is open again" in added
    # Claims set adrift beside their removed sentences.
    mayor = row(html, "o-2")
    assert 'class="drow drow-removed"' in mayor and "Mayor Ines Holt thanked" in mayor
    assert f'href="/claims/{story.mayor.pk}/"' in mayor and "Orphaned" in mayor
    wall = row(html, "o-5")
    assert f'href="/claims/{story.wall.pk}/"' in wall and "Archived" in wall


def test_by_default_only_the_changes_and_a_sentence_either_side(
    checker_client: Client, story: Story
) -> None:
    html = body(checker_client.get(url(story.draft)))
    # Every row of this short story is a change or next to one: nothing folded.
    assert 'id="n-0"' in html and "unchanged sentence" not in html
    assert f'href="{url(story.draft)}?from=1&amp;to=2&amp;show=all"' in html
    same = body(checker_client.get(url(story.draft, "from=2&to=2")))
    assert "The same revision on both sides: nothing changed." in same
    # All six sentences folded into one link to the whole page, where they start.
    assert f'href="{url(story.draft)}?from=2&amp;to=2&amp;show=all#n-0">6 unchanged sentences' in (
        same
    )
    assert '<tr id="n-' not in same
    whole = body(checker_client.get(url(story.draft, "from=2&to=2&show=all")))
    assert whole.count('<tr id="n-') == 6 and "Show only the changes" in whole
    # The reopened claim, kept, stands on its sentence with its approved verdict.
    reopened = row(whole, "n-2")
    assert f'href="/claims/{story.reopened.pk}/"' in reopened and "Approved" in reopened


def test_the_form_chooses_any_two_revisions(
    editor_client: Client, story: Story, editor: Any
) -> None:
    revision_load(draft=story.draft, by=editor, text=V2.replace("350", "400"))
    html = body(editor_client.get(url(story.draft)))
    assert "What changed from revision 2 to revision 3" in html
    assert '<option value="2" selected>2</option>' in html
    assert '<option value="3" selected>3 (latest)</option>' in html
    older = body(editor_client.get(url(story.draft, "from=1&to=3")))
    assert "What changed from revision 1 to revision 3" in older
    assert ">300</del> " in older and ">400</ins> " in older
    # Only "to": from the revision before it; a diff that ends before the latest says where
    # the claims are.
    only_to = body(editor_client.get(url(story.draft, "to=2")))
    assert "What changed from revision 1 to revision 2" in only_to
    assert "claims are shown where they stand now" in only_to


@pytest.mark.parametrize(
    "query", ["from=3", "to=3", "from=0", "to=0", "from=abc", "to=-1", "from=1.5", "to=١"]
)
def test_a_revision_the_draft_does_not_have_is_a_404(
    checker_client: Client, story: Story, query: str
) -> None:
    assert checker_client.get(url(story.draft, query)).status_code == 404


def test_an_empty_number_takes_the_default(checker_client: Client, story: Story) -> None:
    html = body(checker_client.get(url(story.draft, "from=&to=")))
    assert "What changed from revision 1 to revision 2" in html


def test_an_outsider_gets_404_and_a_stranger_logs_in(
    outsider_client: Client, client: Client, story: Story
) -> None:
    assert outsider_client.get(url(story.draft)).status_code == 404
    assert outsider_client.get(url(story.draft, "from=1&to=2")).status_code == 404
    assert client.get(url(story.draft)).status_code == 302
    assert client.get(url(story.draft))["Location"].startswith("/accounts/login/")


def test_the_page_only_reads(editor_client: Client, story: Story) -> None:
    assert editor_client.post(url(story.draft)).status_code == 405
    assert editor_client.put(url(story.draft)).status_code == 405
    # Asked twice, the same page (the CSRF token aside): nothing changed by reading it.
    versions = sorted(story.draft.claims.values_list("pk", "version"))
    first, second = (section(body(editor_client.get(url(story.draft)))) for _ in range(2))
    assert first == second and "drow-edited" in first
    assert sorted(story.draft.claims.values_list("pk", "version")) == versions


def section(html: str) -> str:
    return html[html.index('<section class="diff-page"') : html.index("</section>")]


def test_the_draft_page_and_the_revision_list_link_to_it(
    checker_client: Client, story: Story, draft: Draft
) -> None:
    page = body(checker_client.get(story.draft.get_absolute_url()))
    assert f'<a href="{url(story.draft)}">What changed</a>' in page
    older = body(checker_client.get(f"/drafts/{story.draft.pk}/revisions/1/"))
    assert "What changed</a>" not in older  # revision 1 has nothing before it
    listing = body(checker_client.get(f"/drafts/{story.draft.pk}/revisions/"))
    assert f'href="{url(story.draft)}?from=1&amp;to=2"' in listing
    # A draft with one revision has nothing to compare.
    assert "What changed</a>" not in body(checker_client.get(draft.get_absolute_url()))


def test_the_claim_page_links_a_changed_claim_to_its_sentence_in_the_diff(
    checker_client: Client, story: Story
) -> None:
    html = body(checker_client.get(f"/claims/{story.power.pk}/"))
    assert f'href="{url(story.draft)}?to=2#n-5"' in html
    assert f"<del>{POWER_V1}</del>" in html and f"<ins>{POWER_V2}</ins>" in html
    orphan = body(checker_client.get(f"/claims/{story.mayor.pk}/"))
    assert f'href="{url(story.draft)}?from=1&amp;to=2">What changed after revision 1' in orphan


def test_the_words_of_the_copy_are_escaped(
    editor_client: Client, newsroom: Any, editor: Any
) -> None:
    text = "Results Day\n\nProfits <b>rose</b> by 5% in May.\n\nThe board met.\n"
    draft = draft_import(newsroom=newsroom, by=editor, text=text)
    claim_mark_sentence(sentence=draft.revisions.get().sentences.get(index=1), by=editor)
    revision_load(draft=draft, by=editor, text=text.replace("<b>rose</b>", "<i>fell</i>"))
    html = body(editor_client.get(url(draft)))
    assert "<b>" not in html and "<i>" not in html
    edited = row(html, "n-1")
    # The words as text, struck and put in: the markup in the copy is never markup here.
    assert "&lt;<del>" in edited and "rose</del>" in edited and "fell</ins>" in edited
    assert "Profits &lt;i&gt;fell&lt;/i&gt; by 5% in May." in edited  # the claim beside
