"""The newsroom's public ClaimReview feed, and ``export_draft --format claimreview``."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from factcheck.claims.models import Claim
from factcheck.claims.revisions import revision_load
from factcheck.drafts.services import draft_import
from factcheck.publishing.services import publication_withdraw
from tests.conftest import SAMPLE_TEXT, client_for
from tests.publishing.conftest import STORY_URL, Checked, publish, verdict
from tests.publishing.schemaorg import fact_check_problems, vocabulary

pytestmark = pytest.mark.django_db


def feed_url(newsroom: Any) -> str:
    return reverse("publishing:feed", kwargs={"slug": newsroom.slug})


def feed(client: Any, newsroom: Any) -> list[dict[str, Any]]:
    response = client.get(feed_url(newsroom))
    assert response.status_code == 200
    return json.loads(response.content)


def test_anyone_reads_the_feed_of_published_stories_only(
    checked: Checked, editor: Any, client: Any
) -> None:
    assert feed(client, checked.draft.newsroom) == []  # nothing published yet

    publish(checked.draft, editor)
    reviews = feed(client, checked.draft.newsroom)

    # The approved verdicts, not the proposed one; nothing else of the draft.
    assert [r["claimReviewed"] for r in reviews] == [checked.approved.text, checked.quote.text]
    assert all(r["url"] == STORY_URL for r in reviews)
    body = client.get(feed_url(checked.draft.newsroom)).content.decode()
    assert checked.proposed.text not in body
    assert "Checked it." not in body  # no rationale
    assert checked.draft.title not in body  # no title (the story's own page has it)
    for review in reviews:
        assert vocabulary().problems(review) == []
        assert fact_check_problems(review) == []


def test_a_withdrawn_story_leaves_the_feed(checked: Checked, editor: Any, client: Any) -> None:
    publish(checked.draft, editor)
    publication_withdraw(draft=checked.draft, by=editor)

    assert feed(client, checked.draft.newsroom) == []


def test_only_approved_anchored_verdicts_of_this_newsroom_are_in_it(
    checked: Checked,
    editor: Any,
    checker: Any,
    outsider: Any,
    other_newsroom: Any,
    client: Any,
) -> None:
    publish(checked.draft, editor)
    # An approved verdict whose sentence a new version removed: archived, not in the story.
    removed = "The harbour road closed at 6 a.m. on Monday after waves breached the sea wall, "
    revision_load(
        draft=checked.draft,
        by=editor,
        text=SAMPLE_TEXT.replace(removed + "the council said. ", ""),
    )
    assert Claim.objects.get(pk=checked.approved.pk).anchor == Claim.Anchor.ARCHIVED
    assert Claim.objects.get(pk=checked.approved.pk).status == Claim.Status.APPROVED
    # Another newsroom's published story.
    theirs = draft_import(newsroom=other_newsroom, by=outsider, text=SAMPLE_TEXT)
    theirs_claim = theirs.revisions.get().sentences.get(index=1)
    from factcheck.claims.services import claim_mark_sentence
    from tests.factories import MembershipFactory

    MembershipFactory(user=checker, newsroom=other_newsroom, role="checker")
    verdict(
        claim_mark_sentence(sentence=theirs_claim, by=outsider),
        checker,
        outsider,
        "accurate",
        approve=True,
    )
    publish(theirs, outsider, url="https://other.example.org/story")

    ours = feed(client, checked.draft.newsroom)
    other = feed(client, other_newsroom)

    assert [r["claimReviewed"] for r in ours] == [checked.quote.text]  # the one still there
    assert ours[0]["url"] == STORY_URL
    assert [r["url"] for r in other] == ["https://other.example.org/story"]
    assert other[0]["author"]["name"] == "Other Newsroom"


def test_an_unpublished_draft_with_approved_verdicts_never_reaches_the_feed(
    checked: Checked, editor: Any, client: Any
) -> None:
    """A second draft, fully approved, not published, beside a published one."""
    publish(checked.draft, editor)
    secret = draft_import(
        newsroom=checked.draft.newsroom,
        by=editor,
        text="Budget Leak\n\nThe minister will resign on Friday, aides said.\n",
    )
    from factcheck.claims.services import claim_mark_sentence

    unit = secret.revisions.get().sentences.get(index=1)
    checker = type(editor).objects.get(username="checker")
    verdict(
        claim_mark_sentence(sentence=unit, by=editor), checker, editor, "accurate", approve=True
    )

    body = client.get(feed_url(checked.draft.newsroom)).content.decode()

    assert "minister" not in body and "Budget Leak" not in body
    assert len(json.loads(body)) == 2


def test_the_feed_is_cacheable_public_json_and_answers_not_modified(
    checked: Checked, editor: Any, client: Any
) -> None:
    publish(checked.draft, editor)
    response = client.get(feed_url(checked.draft.newsroom))

    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response and "Cookie" not in response.get("Vary", "")
    again = client.get(feed_url(checked.draft.newsroom), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""
    publication_withdraw(draft=checked.draft, by=editor)
    changed = client.get(feed_url(checked.draft.newsroom), HTTP_IF_NONE_MATCH=response["ETag"])
    assert changed.status_code == 200 and json.loads(changed.content) == []


def test_the_feed_of_no_such_newsroom_is_404_and_it_takes_no_post(client: Any) -> None:
    assert client.get("/newsrooms/no-such-newsroom/claimreview.json").status_code == 404
    assert client.post("/newsrooms/no-such-newsroom/claimreview.json").status_code == 405


def test_the_feed_costs_the_same_queries_for_one_story_or_many(
    checked: Checked, editor: Any, checker: Any, client: Any
) -> None:
    from factcheck.claims.services import claim_mark_sentence

    publish(checked.draft, editor)
    with CaptureQueriesContext(connection) as one:
        client.get(feed_url(checked.draft.newsroom))
    for n in range(5):
        more = draft_import(newsroom=checked.draft.newsroom, by=editor, text=SAMPLE_TEXT)
        unit = more.revisions.get().sentences.get(index=3)
        verdict(
            claim_mark_sentence(sentence=unit, by=editor),
            checker,
            editor,
            "misleading",
            approve=True,
        )
        publish(more, editor, url=f"https://news.example.org/story-{n}")
    with CaptureQueriesContext(connection) as six:
        reviews = feed(client, checked.draft.newsroom)

    assert len(reviews) == 7
    # The newsroom, its settings, the claims with their sentences and publications.
    assert len(one) == len(six) == 3


# --- The command line ------------------------------------------------------------------------


def test_export_draft_prints_the_claimreview_list(checked: Checked, editor: Any) -> None:
    publish(checked.draft, editor)
    out = StringIO()

    call_command("export_draft", str(checked.draft.pk), "--format", "claimreview", stdout=out)

    printed = json.loads(out.getvalue())
    assert [r["claimReviewed"] for r in printed] == [checked.approved.text, checked.quote.text]
    assert all(vocabulary().problems(r) == [] for r in printed)


def test_export_draft_refuses_a_draft_that_does_not_exist() -> None:
    with pytest.raises(CommandError, match="No draft 987654"):
        call_command("export_draft", "987654", "--format", "claimreview", stdout=StringIO())


def test_the_draft_page_keeps_its_link_for_every_member(checked: Checked, checker: Any) -> None:
    page = client_for(checker).get(checked.draft.get_absolute_url()).content.decode()
    assert reverse("publishing:draft", kwargs={"pk": checked.draft.pk}) in page
