"""Publishing through the API (issue 15): a CMS marks the story published with its public
address, and its approved verdicts join the newsroom's public ClaimReview feed; it reads the
draft's ClaimReview; it withdraws the publication. The same services and rules as the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from factcheck.claims.services import claim_approve, claim_mark_sentence, claim_propose
from factcheck.drafts.models import Draft
from factcheck.history.models import AuditEntry
from factcheck.publishing.models import Publication
from tests.api.conftest import ApiClient, assert_error

pytestmark = pytest.mark.django_db

STORY = "https://news.example.org/2026/storm"
WHEN = "2026-03-02T09:30:00+00:00"


def publication_url(draft: Draft) -> str:
    return f"/api/v1/drafts/{draft.pk}/publication/"


def approved(draft: Draft, editor: Any, checker: Any) -> Any:
    """The sample's "About 300 homes lost power." (unit 2), approved as accurate."""
    claim = claim_mark_sentence(sentence=draft.revisions.get().sentences.get(index=2), by=editor)
    claim = claim_propose(claim=claim, by=checker, verdict="accurate", rationale="The utility.")
    return claim_approve(claim=claim, by=editor)


def feed(draft: Draft) -> list[dict[str, Any]]:
    response = Client().get(f"/newsrooms/{draft.newsroom.slug}/claimreview.json")
    assert response.status_code == 200
    body = response.json()
    return body if isinstance(body, list) else body.get("itemListElement", body)


def test_a_cms_publishes_the_story_and_its_verdicts_join_the_feed(
    editor_api: ApiClient, draft: Draft, editor: Any, checker: Any
) -> None:
    claim = approved(draft, editor, checker)
    assert editor_api.get(publication_url(draft)).json()["published"] is False
    assert "About 300 homes lost power." not in str(feed(draft))

    response = editor_api.post(publication_url(draft), {"url": STORY, "published_at": WHEN})
    assert response.status_code == 200, response.content
    shown = response.json()
    assert shown["published"] is True and shown["url"] == STORY and shown["version"] >= 1
    assert Publication.objects.get(draft=draft).url == STORY
    assert AuditEntry.objects.filter(draft=draft, action="published").exists()

    reviews = editor_api.get(f"/api/v1/drafts/{draft.pk}/claimreview/").json()
    assert [r["claimReviewed"] for r in reviews] == [claim.text]
    assert reviews[0]["@type"] == "ClaimReview" and reviews[0]["url"] == STORY
    assert "About 300 homes lost power." in str(feed(draft))


def test_a_stale_change_is_409_and_a_bad_address_400(editor_api: ApiClient, draft: Draft) -> None:
    first = editor_api.post(publication_url(draft), {"url": STORY, "published_at": WHEN}).json()
    moved = editor_api.post(
        publication_url(draft),
        {"url": STORY + "-updated", "published_at": WHEN, "version": first["version"]},
    )
    assert moved.status_code == 200 and moved.json()["version"] == first["version"] + 1
    stale = editor_api.post(
        publication_url(draft),
        {"url": STORY + "-again", "published_at": WHEN, "version": first["version"]},
    )
    assert assert_error(stale, 409, "conflict")["current_version"] == first["version"] + 1
    for url in ("javascript:alert(1)", "ftp://news.example.org/x", "https://me:pw@example.org/"):
        bad = editor_api.post(publication_url(draft), {"url": url, "published_at": WHEN})
        assert_error(bad, 400, "invalid")
    assert Publication.objects.get(draft=draft).url == STORY + "-updated"


def test_withdrawing_takes_the_verdicts_out_of_the_feed(
    editor_api: ApiClient, draft: Draft, editor: Any, checker: Any
) -> None:
    approved(draft, editor, checker)
    shown = editor_api.post(publication_url(draft), {"url": STORY, "published_at": WHEN}).json()
    assert "About 300 homes lost power." in str(feed(draft))
    withdrawn = editor_api.post(
        f"/api/v1/drafts/{draft.pk}/publication/withdraw/", {"version": shown["version"]}
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["published"] is False and withdrawn.json()["withdrawn_at"]
    assert "About 300 homes lost power." not in str(feed(draft))


def test_a_checker_reads_but_cannot_publish(checker_api: ApiClient, draft: Draft) -> None:
    assert checker_api.get(publication_url(draft)).status_code == 200
    refused = checker_api.post(publication_url(draft), {"url": STORY, "published_at": WHEN})
    assert_error(refused, 403, "permission_denied")
    assert not Publication.objects.exists()
