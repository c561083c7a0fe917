"""Editing a draft's title and deadline, archiving and restoring it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from factcheck.drafts.models import Draft
from factcheck.history.models import AuditEntry

pytestmark = pytest.mark.django_db


def edit_url(draft: Draft) -> str:
    return f"/drafts/{draft.pk}/edit/"


def test_an_editor_renames_a_draft_and_the_change_is_recorded(
    editor_client: Client, draft: Draft
) -> None:
    response = editor_client.post(
        edit_url(draft),
        {
            "title": "Harbour road  reopens",
            "deadline": "2026-12-01T18:00",
            "version": draft.version,
        },
    )
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    draft.refresh_from_db()
    assert draft.title == "Harbour road reopens" and draft.deadline is not None
    entry = AuditEntry.objects.filter(object_type="draft", action="edited").get()
    assert entry.changes["title"][1] == "Harbour road reopens"
    assert entry.actor.username == "editor"


def test_a_stale_edit_is_a_conflict_that_keeps_the_input_and_shows_theirs(
    editor_client: Client, draft: Draft, newsadmin: Any
) -> None:
    seen = draft.version
    from tests.conftest import client_for

    client_for(newsadmin).post(
        edit_url(draft), {"title": "Their title", "deadline": "", "version": seen}
    )
    response = editor_client.post(
        edit_url(draft), {"title": "My title", "deadline": "", "version": seen}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "newsadmin changed this draft" in page
    assert "Their title" in page and 'value="My title"' in page
    assert Draft.objects.get(pk=draft.pk).title == "Their title"


def test_an_empty_title_is_refused(editor_client: Client, draft: Draft) -> None:
    response = editor_client.post(edit_url(draft), {"title": "   ", "version": draft.version})
    assert response.status_code == 400
    assert Draft.objects.get(pk=draft.pk).title == draft.title


@pytest.mark.parametrize("path", ["edit/", "archive/", "restore/"])
def test_checkers_get_403_outsiders_404_anonymous_login(
    checker_client: Client, outsider_client: Client, client: Client, draft: Draft, path: str
) -> None:
    url = f"/drafts/{draft.pk}/{path}"
    assert checker_client.post(url, {"title": "x", "version": draft.version}).status_code == 403
    assert outsider_client.post(url, {"title": "x", "version": draft.version}).status_code == 404
    assert client.post(url).status_code == 302
    assert Draft.objects.get(pk=draft.pk).title == draft.title
    assert Draft.objects.get(pk=draft.pk).archived_at is None


def test_archive_hides_the_draft_from_the_dashboard_and_restore_brings_it_back(
    editor_client: Client, draft: Draft
) -> None:
    assert editor_client.get(f"/drafts/{draft.pk}/archive/").status_code == 405
    assert editor_client.post(f"/drafts/{draft.pk}/archive/").status_code == 302
    assert editor_client.post(f"/drafts/{draft.pk}/archive/").status_code == 302  # harmless
    link = f'href="{draft.get_absolute_url()}"'
    assert link not in editor_client.get("/").content.decode()
    assert link in editor_client.get("/?archived=1").content.decode()
    assert editor_client.get(draft.get_absolute_url()).status_code == 200  # still readable
    editor_client.post(f"/drafts/{draft.pk}/restore/")
    assert link in editor_client.get("/").content.decode()
    actions = AuditEntry.objects.filter(object_type="draft").values_list("action", flat=True)
    assert sorted(actions) == ["archived", "created", "restored"]
