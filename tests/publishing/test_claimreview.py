"""The ClaimReview of each approved verdict: its fields, checked against the schema.org
vocabulary and against what fact-check search tools read."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from factcheck.claims.models import Claim
from factcheck.publishing.claimreview import dumps
from factcheck.publishing.models import DEFAULT_RATINGS
from factcheck.publishing.selectors import draft_claimreviews, newsroom_feed
from factcheck.publishing.services import publishing_settings_save
from tests.conftest import SAMPLE_TEXT
from tests.publishing.conftest import APPROVED_AT, PUBLISHED_AT, STORY_URL, Checked, publish
from tests.publishing.schemaorg import fact_check_problems, vocabulary

pytestmark = pytest.mark.django_db


def test_every_approved_verdict_of_a_published_story_is_a_claimreview(
    checked: Checked, editor: Any
) -> None:
    publish(checked.draft, editor)

    reviews = draft_claimreviews(checked.draft)

    assert [r["claimReviewed"] for r in reviews] == [checked.approved.text, checked.quote.text]
    first, quote = reviews
    assert first == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": checked.approved.text,
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "False",
            "ratingValue": 1,
            "bestRating": 5,
            "worstRating": 1,
        },
        "author": {"@type": "Organization", "name": "Demo Newsroom"},
        "@id": f"{STORY_URL}#claim-{checked.approved.pk}",
        "url": STORY_URL,
        # Approved before the story went out: dated by the publication.
        "datePublished": PUBLISHED_AT.isoformat(),
        "itemReviewed": {
            "@type": "Claim",
            "appearance": {"@type": "CreativeWork", "url": STORY_URL},
            "datePublished": PUBLISHED_AT.isoformat(),
        },
    }
    # The quote's speaker, as the analysis found him, made the claim.
    assert quote["itemReviewed"]["author"] == {"@type": "Person", "name": "Ines Holt"}
    assert quote["reviewRating"]["alternateName"] == "True"
    assert quote["reviewRating"]["ratingValue"] == 5


def test_the_claimreviews_fit_the_schema_org_vocabulary(checked: Checked, editor: Any) -> None:
    publishing_settings_save(
        newsroom=checked.draft.newsroom,
        by=None,
        values={"organization_url": "https://news.example.org/"},
    )
    publish(checked.draft, editor)
    reviews = draft_claimreviews(checked.draft) + newsroom_feed(checked.draft.newsroom)
    assert len(reviews) == 4
    assert reviews[0]["author"]["url"] == "https://news.example.org/"

    for review in reviews:
        assert vocabulary().problems(review) == []
        assert fact_check_problems(review) == []


def test_a_verdict_off_the_scale_carries_its_words_alone_and_still_fits(
    checked: Checked, editor: Any, checker: Any
) -> None:
    from tests.publishing.conftest import verdict

    unverifiable = verdict(checked.proposed, checker, editor, "unverifiable", approve=True)
    publish(checked.draft, editor)

    review = next(
        r for r in draft_claimreviews(checked.draft) if r["claimReviewed"] == unverifiable.text
    )

    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Unproven"}
    assert vocabulary().problems(review) == []
    assert fact_check_problems(review) == []


def test_before_publication_the_download_has_no_address_and_is_dated_by_the_approval(
    checked: Checked,
) -> None:
    reviews = draft_claimreviews(checked.draft)

    assert len(reviews) == 2
    for review in reviews:
        assert "url" not in review and "appearance" not in review["itemReviewed"]
        assert review["datePublished"] == APPROVED_AT.isoformat()
        assert vocabulary().problems(review) == []
        assert fact_check_problems(review, published=False) == []
    # Published, the same reviews are complete; unpublished, they are not yet.
    assert "no url" in fact_check_problems(reviews[0])


def test_a_verdict_approved_after_publication_is_dated_by_its_approval(
    checked: Checked, editor: Any
) -> None:
    publish(checked.draft, editor)
    later = PUBLISHED_AT + timedelta(days=2)
    Claim.objects.filter(pk=checked.quote.pk).update(reviewed_at=later)

    first, quote = draft_claimreviews(checked.draft)

    assert first["datePublished"] == PUBLISHED_AT.isoformat()
    assert quote["datePublished"] == later.isoformat()
    # The claim itself appeared when the story did.
    assert quote["itemReviewed"]["datePublished"] == PUBLISHED_AT.isoformat()


def test_a_speaker_named_as_a_body_is_an_organization(checked: Checked, editor: Any) -> None:
    checked.quote.sentence.__class__.objects.filter(pk=checked.quote.sentence_id).update(
        speaker="the council"
    )
    publish(checked.draft, editor)

    quote = draft_claimreviews(checked.draft)[1]

    assert quote["itemReviewed"]["author"] == {"@type": "Organization", "name": "the council"}
    assert vocabulary().problems(quote) == []


def test_html_in_a_claim_is_text_and_cannot_close_a_script_element(
    newsroom: Any, editor: Any, checker: Any
) -> None:
    from factcheck.claims.services import claim_mark_sentence
    from factcheck.drafts.services import draft_import
    from tests.publishing.conftest import verdict

    text = SAMPLE_TEXT.replace(
        "About 300 homes lost power.", "About 300 homes lost power </script><b>& more</b>."
    )
    draft = draft_import(newsroom=newsroom, by=editor, text=text)
    unit = draft.revisions.get().sentences.get(index=2)
    claim = verdict(
        claim_mark_sentence(sentence=unit, by=editor), checker, editor, "accurate", approve=True
    )

    body = dumps(draft_claimreviews(draft))

    assert "</script>" not in body and "<b>" not in body and "&" not in body
    assert json.loads(body)[0]["claimReviewed"] == claim.text
    assert "</script><b>& more</b>" in claim.text


# --- The checker itself: it finds what is wrong ---------------------------------------------


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda r: r.update({"@type": "FactCheck"}), "is not a schema.org type"),
        (lambda r: r.update({"verdict": "False"}), "not a schema.org property"),
        (lambda r: r["itemReviewed"].update({"claimReviewed": "x"}), "not a property of Claim"),
        (
            lambda r: r["itemReviewed"].update({"appearance": {"@type": "Rating"}}),
            "a Rating where ['CreativeWork'] is expected",
        ),
        (lambda r: r.update({"url": "not a link"}), "is none of ['URL']"),
        (lambda r: r.update({"datePublished": "yesterday"}), "is none of ['Date', 'DateTime']"),
        (lambda r: r["reviewRating"].update({"ratingValue": True}), "is none of"),
    ],
)
def test_the_vocabulary_check_refuses_what_schema_org_does_not_define(
    change: Any, problem: str
) -> None:
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": "The road closed at 6 a.m.",
        "reviewRating": {"@type": "Rating", "alternateName": "False", "ratingValue": 1},
        "url": STORY_URL,
        "datePublished": "2026-03-02",
        "itemReviewed": {"@type": "Claim", "appearance": {"@type": "CreativeWork"}},
    }
    assert vocabulary().problems(review) == []
    change(review)
    found = vocabulary().problems(review)
    assert any(problem in p for p in found), found


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda r: r.pop("claimReviewed"), "no claimReviewed"),
        (lambda r: r["reviewRating"].pop("alternateName"), "no reviewRating with an alternateName"),
        (lambda r: r["reviewRating"].update({"ratingValue": 9}), "ratingValue outside"),
        (lambda r: r.pop("url"), "no url"),
        (lambda r: r["itemReviewed"].pop("appearance"), "no appearance"),
        (lambda r: r.update({"author": {"@type": "Person", "name": "x"}}), "no author"),
    ],
)
def test_the_fact_check_check_finds_missing_fields(
    checked: Checked, editor: Any, change: Any, problem: str
) -> None:
    publish(checked.draft, editor)
    review = draft_claimreviews(checked.draft)[0]
    change(review)
    assert any(problem in p for p in fact_check_problems(review))


def test_every_verdict_has_a_default_rating_on_the_default_scale() -> None:
    assert set(DEFAULT_RATINGS) == set(Claim.Verdict.values)
    values = [r["value"] for r in DEFAULT_RATINGS.values() if r["value"] is not None]
    assert min(values) == 1 and max(values) == 5
