"""Revisions from the browser: loading a new version (paste, upload), the list of revisions, an
older one read-only, the draft page after a load (the latest version, the orphaned / archived
claims panel) and its attach, archive and restore buttons, with and without htmx."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from factcheck.claims.models import Claim
from factcheck.claims.revisions import revision_load
from factcheck.drafts.models import Revision
from tests.claims.test_revisions import POWER_V2, V1, V2, Story, fresh, make_story
from tests.conftest import client_for
from tests.factories import make_docx

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def story(newsroom: Any, editor: Any, checker: Any) -> Story:
    return make_story(newsroom, editor, checker)


@pytest.fixture
def loaded(story: Story, editor: Any) -> Story:
    revision_load(draft=story.draft, by=editor, text=V2)
    return story


def new_url(story: Story) -> str:
    return f"/drafts/{story.draft.pk}/revisions/new/"


def body(response: Any) -> str:
    return response.content.decode()


# --- Loading a new version ------------------------------------------------------------------------


def test_the_draft_page_links_to_load_a_new_version_and_the_revisions(
    editor_client: Client, checker_client: Client, story: Story
) -> None:
    html = body(editor_client.get(story.draft.get_absolute_url()))
    assert f'href="{new_url(story)}"' in html
    assert f'href="/drafts/{story.draft.pk}/revisions/"' in html
    checker_html = body(checker_client.get(story.draft.get_absolute_url()))
    assert f'href="{new_url(story)}"' not in checker_html  # a checker loads nothing
    assert f'href="/drafts/{story.draft.pk}/revisions/"' in checker_html


def test_the_form_shows_paste_upload_and_link(editor_client: Client, story: Story) -> None:
    response = editor_client.get(new_url(story))
    assert response.status_code == 200
    html = body(response)
    assert 'name="text"' in html and 'name="file"' in html and 'name="url"' in html
    assert 'enctype="multipart/form-data"' in html


def test_pasting_a_new_version_loads_it_and_says_what_became_of_the_claims(
    editor_client: Client, story: Story
) -> None:
    response = editor_client.post(new_url(story), {"text": V2}, follow=True)
    assert response.redirect_chain == [(story.draft.get_absolute_url(), 302)]
    html = body(response)
    assert "Revision 2 loaded: 3 kept, 1 changed, 1 removed, 1 orphaned." in html
    assert story.draft.revisions.get(number=2).source == Revision.Source.PASTE
    # The page shows the latest version: its new sentence, the changed claim's new words.
    assert "Update: the road is open again" in html
    assert POWER_V2 in html
    assert "revision 2</a>" in html


def test_uploading_a_docx_loads_it_like_an_import(editor_client: Client, story: Story) -> None:
    paragraphs = [p for p in V2.split("\n\n")[1:] if p.strip()]
    data = make_docx([p.strip() for p in paragraphs], heading="Harbour Road Reopens")
    upload = SimpleUploadedFile("harbour-v2.docx", data)
    response = editor_client.post(new_url(story), {"file": upload})
    assert response.status_code == 302
    revision = story.draft.revisions.get(number=2)
    assert (revision.source, revision.filename) == (Revision.Source.UPLOAD, "harbour-v2.docx")
    assert "Holt praised everyone involved." in revision.text
    assert fresh(story.reopened).revision == revision


def test_bad_input_shows_the_form_again_and_loads_nothing(
    editor_client: Client, story: Story
) -> None:
    empty = editor_client.post(new_url(story), {"text": ""})
    assert empty.status_code == 400
    assert "Paste the draft&#x27;s text, choose a file to upload or give a link" in body(empty)
    upload = SimpleUploadedFile("story.exe", b"MZ\x90\x00")
    refused = editor_client.post(new_url(story), {"file": upload})
    assert refused.status_code == 400
    assert story.draft.revisions.count() == 1


def test_loading_refuses_other_methods(editor_client: Client, story: Story) -> None:
    assert editor_client.put(new_url(story)).status_code == 405


def test_a_checker_may_not_load_a_version(checker_client: Client, story: Story) -> None:
    assert checker_client.get(new_url(story)).status_code == 403
    assert checker_client.post(new_url(story), {"text": V2}).status_code == 403
    assert story.draft.revisions.count() == 1


def test_an_outsider_gets_404(outsider_client: Client, story: Story) -> None:
    assert outsider_client.get(new_url(story)).status_code == 404
    assert outsider_client.post(new_url(story), {"text": V2}).status_code == 404
    assert story.draft.revisions.count() == 1


# --- The revisions ------------------------------------------------------------------------------


def test_the_list_shows_each_revision_who_loaded_it_and_its_counts(
    checker_client: Client, loaded: Story
) -> None:
    response = checker_client.get(f"/drafts/{loaded.draft.pk}/revisions/")
    assert response.status_code == 200
    html = body(response)
    assert 'id="revision-2"' in html and 'id="revision-1"' in html
    assert "3 kept, 1 changed, 1 removed, 1 orphaned" in html
    assert "first version" in html
    assert f'href="/drafts/{loaded.draft.pk}/revisions/1/"' in html
    assert html.count("<td>editor</td>") == 2  # both loaded by the editor
    assert "Load new version" not in html  # a checker


def test_the_list_costs_the_same_for_one_revision_or_many(
    editor_client: Client, loaded: Story, editor: Any
) -> None:
    url = f"/drafts/{loaded.draft.pk}/revisions/"
    with CaptureQueriesContext(connection) as few:
        editor_client.get(url)
    for n in range(3):
        revision_load(draft=loaded.draft, by=editor, text=V2 + f"\nNote {n}.\n")
    with CaptureQueriesContext(connection) as many:
        response = editor_client.get(url)
    assert 'id="revision-5"' in body(response)
    assert len(few) == len(many)


def test_an_older_revision_reads_as_it_was_without_controls(
    editor_client: Client, loaded: Story
) -> None:
    response = editor_client.get(f"/drafts/{loaded.draft.pk}/revisions/1/")
    assert response.status_code == 200
    html = body(response)
    assert "Mayor Ines Holt thanked the crews" in html and "sea wall" in html
    assert "Update: the road is open again" not in html
    assert "an earlier version, read-only" in html
    assert 'name="mark"' not in html and "?at=" not in html and 'data-can-mark="0"' in html
    assert "Load new version" not in html


def test_an_unknown_revision_is_404(editor_client: Client, loaded: Story) -> None:
    assert editor_client.get(f"/drafts/{loaded.draft.pk}/revisions/9/").status_code == 404


@pytest.mark.parametrize("path", ["revisions/", "revisions/1/"])
def test_revision_pages_refuse_post(editor_client: Client, loaded: Story, path: str) -> None:
    assert editor_client.post(f"/drafts/{loaded.draft.pk}/{path}").status_code == 405


@pytest.mark.parametrize("path", ["revisions/", "revisions/1/", "revisions/2/"])
def test_revision_pages_are_404_for_an_outsider(
    outsider_client: Client, loaded: Story, path: str
) -> None:
    response = outsider_client.get(f"/drafts/{loaded.draft.pk}/{path}")
    assert response.status_code == 404
    assert "Harbour" not in body(response)


# --- The draft page after a load ---------------------------------------------------------------


def test_the_page_lists_orphaned_and_archived_claims_apart_from_the_text(
    editor_client: Client, loaded: Story
) -> None:
    html = body(editor_client.get(loaded.draft.get_absolute_url()))
    assert "Orphaned / archived claims" in html
    panel = html[
        html.index('id="adrift-panel"') : html.index("</section>", html.index('id="adrift-panel"'))
    ]
    assert f'id="adrift-{loaded.mayor.pk}"' in panel and f'id="adrift-{loaded.wall.pk}"' in panel
    assert "Orphaned" in panel and "Archived" in panel
    assert "Attach to sentence 3: “Holt praised everyone involved.”" in panel
    assert f'action="/claims/{loaded.mayor.pk}/archive/"' in panel
    assert f'action="/claims/{loaded.wall.pk}/unarchive/"' in panel
    # Not in the text of the latest version, and not in its claims panel.
    text = html[html.index('id="draft-text"') : html.index('id="unit-toolbar"')]
    assert "Mayor Ines Holt" not in text and "sea wall" not in text
    claims_panel = html[html.index('id="claims-panel"') : html.index("</aside>")]
    assert f'data-claim="{loaded.mayor.pk}"' not in claims_panel
    assert f'data-claim="{loaded.reopened.pk}"' in claims_panel


def test_a_checker_sees_the_panel_without_its_buttons(
    checker_client: Client, loaded: Story
) -> None:
    html = body(checker_client.get(loaded.draft.get_absolute_url()))
    assert f'id="adrift-{loaded.mayor.pk}"' in html
    assert f'action="/claims/{loaded.mayor.pk}/archive/"' not in html


def test_a_draft_of_one_revision_has_no_panel(editor_client: Client, story: Story) -> None:
    html = body(editor_client.get(story.draft.get_absolute_url()))
    assert 'id="adrift-panel" class="panel adrift-panel" hidden' in html


def test_the_page_of_a_revised_draft_costs_one_query_more_whatever_its_claims(
    editor_client: Client, story: Story, editor: Any
) -> None:
    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(story.draft.get_absolute_url()).status_code == 200
        return len(queries)

    first = page_queries()
    revision_load(draft=story.draft, by=editor, text=V2)
    second = page_queries()
    revision_load(draft=story.draft, by=editor, text=V1)  # the mayor and the wall back
    third = page_queries()
    assert second == third == first + 1  # the orphaned / archived claims


# --- Attach, archive, restore ------------------------------------------------------------------


def attach(client: Client, claim: Claim, sentence: int, **extra: Any) -> Any:
    version = fresh(claim).version
    return client.post(
        f"/claims/{claim.pk}/attach/", {"sentence": sentence, "version": version}, **extra
    )


def test_attach_without_javascript_redirects_to_the_panel(
    editor_client: Client, loaded: Story
) -> None:
    response = attach(editor_client, loaded.mayor, 3)
    assert response.status_code == 302
    assert response["Location"] == loaded.draft.get_absolute_url() + "#adrift-panel"
    claim = fresh(loaded.mayor)
    assert claim.anchor == Claim.Anchor.ANCHORED and claim.sentence.index == 3
    html = body(editor_client.get(response["Location"]))
    assert "Attached to sentence 3." in html


def test_attach_with_htmx_answers_the_unit_and_the_panels(
    editor_client: Client, loaded: Story
) -> None:
    response = attach(editor_client, loaded.mayor, 3, **HTMX)
    assert response.status_code == 200
    assert "claims-changed" in response["HX-Trigger"]  # the clearance panel follows
    html = body(response)
    assert 'id="u-3"' in html and "is-claim" in html
    assert 'id="adrift-panel"' in html and 'id="claims-panel"' in html
    assert f'id="adrift-{loaded.mayor.pk}"' not in html  # no longer adrift
    assert "Attached to sentence 3." in html


def test_attach_twice_is_harmless(editor_client: Client, loaded: Story) -> None:
    attach(editor_client, loaded.mayor, 3)
    claim = fresh(loaded.mayor)
    response = editor_client.post(
        f"/claims/{claim.pk}/attach/", {"sentence": 3, "version": 1}, **HTMX
    )
    assert response.status_code == 200
    assert "Already on sentence 3." in body(response)
    assert fresh(claim).version == claim.version


def test_attach_with_a_stale_version_is_refused_with_htmx(
    editor_client: Client, loaded: Story
) -> None:
    response = editor_client.post(
        f"/claims/{loaded.mayor.pk}/attach/", {"sentence": 3, "version": 1}, **HTMX
    )
    assert response.status_code == 422
    assert "while you were working on it" in body(response)
    assert fresh(loaded.mayor).anchor == Claim.Anchor.ORPHANED


def test_attach_to_a_missing_sentence_is_refused(editor_client: Client, loaded: Story) -> None:
    response = attach(editor_client, loaded.mayor, 99, **HTMX)
    assert response.status_code == 422
    assert "not in the draft" in body(response)


def test_the_attach_page_lists_the_likely_sentence_first(
    editor_client: Client, loaded: Story
) -> None:
    response = editor_client.get(f"/claims/{loaded.mayor.pk}/attach/")
    assert response.status_code == 200
    html = body(response)
    likely = html.index("Likely sentences")
    assert html.index("Holt praised everyone involved.", likely) < html.index("Every sentence")
    assert 'name="sentence" value="1"' in html  # any unit of the latest version


def test_archive_and_restore_from_the_panel(editor_client: Client, loaded: Story) -> None:
    claim = fresh(loaded.mayor)
    archived = editor_client.post(f"/claims/{claim.pk}/archive/", {"version": claim.version})
    assert archived.status_code == 302
    assert fresh(claim).anchor == Claim.Anchor.ARCHIVED
    claim = fresh(claim)
    restored = editor_client.post(
        f"/claims/{claim.pk}/unarchive/", {"version": claim.version}, **HTMX
    )
    assert restored.status_code == 200
    assert "Restored as an orphan" in body(restored)
    assert fresh(claim).anchor == Claim.Anchor.ORPHANED
    again = editor_client.post(f"/claims/{claim.pk}/unarchive/", {"version": 1}, **HTMX)
    assert again.status_code == 200 and "Not archived: nothing to do." in body(again)


@pytest.mark.parametrize("action", ["attach", "archive", "unarchive"])
def test_the_orphan_actions_are_403_for_a_checker_and_404_for_an_outsider(
    loaded: Story, checker: Any, outsider: Any, action: str
) -> None:
    url = f"/claims/{loaded.mayor.pk}/{action}/"
    data = {"sentence": 3, "version": fresh(loaded.mayor).version}
    assert client_for(checker).post(url, data).status_code == 403
    assert client_for(outsider).post(url, data).status_code == 404
    assert fresh(loaded.mayor).anchor == Claim.Anchor.ORPHANED


@pytest.mark.parametrize("action", ["archive", "unarchive"])
def test_the_orphan_buttons_refuse_get(editor_client: Client, loaded: Story, action: str) -> None:
    assert editor_client.get(f"/claims/{loaded.mayor.pk}/{action}/").status_code == 405


def test_the_claim_page_shows_the_old_and_new_wording(
    checker_client: Client, loaded: Story
) -> None:
    html = body(checker_client.get(f"/claims/{loaded.power.pk}/"))
    assert "Changed since checked" in html
    assert "<del>About 300 homes lost power during the storm.</del>" in html
    assert f"<ins>{POWER_V2}</ins>" in html


def test_the_claim_page_of_an_orphan_says_so(editor_client: Client, loaded: Story) -> None:
    html = body(editor_client.get(f"/claims/{loaded.mayor.pk}/"))
    assert "Orphaned: waiting for an editor." in html
    assert f'href="/claims/{loaded.mayor.pk}/attach/"' in html
