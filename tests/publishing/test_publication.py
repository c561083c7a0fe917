"""Marking a draft's story published, changing it, withdrawing it: editors, with history; the
address checked; checkers read; outsiders get nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from factcheck.errors import ConflictError
from factcheck.history.models import AuditEntry
from factcheck.publishing.models import Publication
from factcheck.publishing.services import (
    PublishingError,
    publication_record,
    publication_withdraw,
)
from tests.conftest import client_for
from tests.publishing.conftest import PUBLISHED_AT, STORY_URL, Checked, publish

pytestmark = pytest.mark.django_db


def page(draft: Any) -> str:
    return reverse("publishing:draft", kwargs={"pk": draft.pk})


def withdraw_url(draft: Any) -> str:
    return reverse("publishing:withdraw", kwargs={"pk": draft.pk})


def entries(draft: Any) -> list[tuple[str, str]]:
    return list(
        AuditEntry.objects.filter(draft=draft, object_type="publication")
        .order_by("id")
        .values_list("action", "actor__username")
    )


def test_an_editor_marks_the_story_published_from_a_page_linked_from_the_draft(
    checked: Checked, editor: Any
) -> None:
    client = client_for(editor)
    draft_page = client.get(checked.draft.get_absolute_url()).content.decode()
    assert f'href="{page(checked.draft)}"' in draft_page
    form = client.get(page(checked.draft))
    assert "Not published" in form.content.decode()
    assert "Mark the story published" in form.content.decode()

    response = client.post(
        page(checked.draft), {"url": STORY_URL, "published_at": "2026-03-02T09:30"}
    )

    assert response.status_code == 302
    publication = Publication.objects.get(draft=checked.draft)
    assert publication.url == STORY_URL
    assert publication.published_at == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert publication.by == editor and publication.withdrawn_at is None
    assert entries(checked.draft) == [("published", "editor")]
    shown = client.get(page(checked.draft)).content.decode()
    assert "Published at" in shown and "2 approved verdicts" in shown
    # The same again: nothing changes, nothing is recorded.
    client.post(page(checked.draft), {"url": STORY_URL, "published_at": "2026-03-02T09:30"})
    assert entries(checked.draft) == [("published", "editor")]


def test_a_change_and_a_withdrawal_and_a_second_publication_are_each_in_the_history(
    checked: Checked, editor: Any, newsadmin: Any
) -> None:
    client = client_for(editor)
    publication = publish(checked.draft, editor)
    moved = "https://news.example.org/2026/storm-harbour-road-updated"

    changed = client.post(
        page(checked.draft),
        {"url": moved, "published_at": "2026-03-02T09:30", "version": publication.version},
    )
    withdrawn = client.post(withdraw_url(checked.draft), {"version": publication.version + 1})
    again = client.post(withdraw_url(checked.draft))  # withdrawn already: harmless
    republished = client_for(newsadmin).post(
        page(checked.draft), {"url": moved, "published_at": "2026-03-03T08:00", "version": 3}
    )

    assert changed.status_code == withdrawn.status_code == again.status_code == 302
    assert republished.status_code == 302
    current = Publication.objects.get(draft=checked.draft)
    assert current.url == moved and current.withdrawn_at is None and current.version == 4
    assert entries(checked.draft) == [
        ("published", "editor"),
        ("publication_changed", "editor"),
        ("publication_withdrawn", "editor"),
        ("published", "newsadmin"),
    ]
    # The draft's timeline shows them with everything else.
    timeline = client.get(reverse("history:draft", kwargs={"pk": checked.draft.pk}))
    assert "Withdrew the publication" in timeline.content.decode()


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("javascript:alert(document.cookie)", "must start with http:// or https://"),
        ("ftp://news.example.org/story", "must start with http:// or https://"),
        ("news.example.org/story", "must start with http:// or https://"),
        ("https://user:secret@news.example.org/story", "user name or password"),
        ("https://", "must start with http:// or https://"),
    ],
)
def test_only_a_web_address_is_taken(
    checked: Checked, editor: Any, address: str, message: str
) -> None:
    response = client_for(editor).post(
        page(checked.draft), {"url": address, "published_at": "2026-03-02T09:30"}
    )

    assert response.status_code == 422
    assert message in response.content.decode()
    assert address.replace("&", "&amp;") in response.content.decode()  # the input is kept
    assert not Publication.objects.exists()
    with pytest.raises(PublishingError):
        publication_record(draft=checked.draft, by=editor, url=address, published_at=PUBLISHED_AT)


def test_a_date_far_ahead_or_missing_is_refused(checked: Checked, editor: Any) -> None:
    client = client_for(editor)
    ahead = client.post(page(checked.draft), {"url": STORY_URL, "published_at": "2099-01-01T00:00"})
    missing = client.post(page(checked.draft), {"url": STORY_URL, "published_at": ""})

    assert ahead.status_code == missing.status_code == 422
    assert "more than a day ahead" in ahead.content.decode()
    assert not Publication.objects.exists()


def test_a_checker_reads_the_page_and_cannot_publish_or_withdraw(
    checked: Checked, checker: Any, editor: Any
) -> None:
    client = client_for(checker)
    shown = client.get(page(checked.draft))
    posted = client.post(
        page(checked.draft), {"url": STORY_URL, "published_at": "2026-03-02T09:30"}
    )
    publish(checked.draft, editor)
    withdrawn = client.post(withdraw_url(checked.draft))

    assert shown.status_code == 200 and "Mark the story published" not in shown.content.decode()
    assert posted.status_code == withdrawn.status_code == 403
    assert Publication.objects.get(draft=checked.draft).withdrawn_at is None
    with pytest.raises(PermissionDenied):
        publication_withdraw(draft=checked.draft, by=checker)


def test_outsiders_and_anonymous_get_nothing(
    checked: Checked, outsider: Any, editor: Any, client: Any
) -> None:
    publish(checked.draft, editor)
    before = AuditEntry.objects.count()
    stranger = client_for(outsider)
    download = reverse("publishing:draft_claimreview", kwargs={"pk": checked.draft.pk})
    for url in (page(checked.draft), download):
        assert stranger.get(url).status_code == 404
        assert client.get(url).status_code == 302
    for url in (page(checked.draft), withdraw_url(checked.draft)):
        assert (
            stranger.post(
                url, {"url": "https://evil.example/", "published_at": "2026-03-02T09:30"}
            ).status_code
            == 404
        )
    assert AuditEntry.objects.count() == before
    assert Publication.objects.get(draft=checked.draft).url == STORY_URL


def test_a_stale_change_is_a_conflict_that_keeps_the_input(checked: Checked, editor: Any) -> None:
    publication = publish(checked.draft, editor)
    publication_record(
        draft=checked.draft,
        by=editor,
        url=STORY_URL + "?v=2",
        published_at=PUBLISHED_AT,
        expected_version=publication.version,
    )
    mine = STORY_URL + "?v=mine"

    response = client_for(editor).post(
        page(checked.draft),
        {"url": mine, "published_at": "2026-03-02T09:30", "version": publication.version},
    )

    assert response.status_code == 409
    assert "changed this publication" in response.content.decode()
    assert mine in response.content.decode()
    assert Publication.objects.get(draft=checked.draft).url == STORY_URL + "?v=2"
    with pytest.raises(ConflictError):
        publication_withdraw(draft=checked.draft, by=editor, expected_version=1)


def test_members_download_the_drafts_claimreviews(
    checked: Checked, checker: Any, editor: Any
) -> None:
    publish(checked.draft, editor)
    url = reverse("publishing:draft_claimreview", kwargs={"pk": checked.draft.pk})

    response = client_for(checker).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert [r["claimReviewed"] for r in response.json()] == [
        checked.approved.text,
        checked.quote.text,
    ]
    assert client_for(checker).post(url).status_code == 405
