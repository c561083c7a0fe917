"""The Google Fact Check Tools backend against recorded ``claims:search`` answers served on
127.0.0.1: the parameters it sends, pagination, the hits it builds, errors, and a whole lookup."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from factcheck.sources.backends.base import SourceError, TransientError
from factcheck.sources.backends.factcheck_tools import search
from factcheck.sources.models import Evidence, Lookup, Source, SourceSettings
from factcheck.sources.services import lookups_start, query_for
from factcheck.sources.tasks import lookup_run
from tests.sources.conftest import StubServer

pytestmark = pytest.mark.django_db

QUERY = "Su-25 shot down"
API = "/v1alpha1/claims:search"
KEY = "AIzaSyTEST-key-0123456789"


@pytest.fixture
def configured(newsroom: Any, stub_server: StubServer, settings: Any) -> SourceSettings:
    settings.FACTCHECK_API_URL = stub_server.url + API
    row, _ = SourceSettings.objects.update_or_create(
        newsroom=newsroom,
        defaults={"factcheck_enabled": True, "factcheck_api_key": KEY, "factcheck_language": "en"},
    )
    return row


@pytest.fixture
def two_pages(configured: SourceSettings, stub_server: StubServer, recorded: Any) -> StubServer:
    # The page-2 route first: routes are tried in order and page 1's matches every request.
    stub_server.route(API, json=recorded("factcheck_su25_page2"), match={"pageToken": "CAo"})
    stub_server.route(API, json=recorded("factcheck_su25_page1"))
    return stub_server


def run(newsroom: Any, query: str = QUERY) -> list[Any]:
    return search(query, newsroom_id=newsroom.pk, claim_id=1)


def test_first_request_sends_query_language_page_size_and_key(
    two_pages: StubServer, newsroom: Any
) -> None:
    run(newsroom)
    first = two_pages.requests[0]
    assert first.path == API
    assert first.params == {"query": QUERY, "languageCode": "en", "pageSize": "10", "key": KEY}


def test_next_page_is_fetched_with_the_page_token(two_pages: StubServer, newsroom: Any) -> None:
    hits = run(newsroom)
    assert two_pages.count == 2
    second = two_pages.requests[1]
    assert second.params == {
        "query": QUERY,
        "languageCode": "en",
        "pageSize": "10",
        "key": KEY,
        "pageToken": "CAo",
    }
    assert len(hits) == 5


def test_every_claim_review_becomes_a_hit(two_pages: StubServer, newsroom: Any) -> None:
    hits = run(newsroom)
    first = hits[0]
    assert first.url == "https://harbourcheck.example/2020/10/turkish-f16-su25-claim"
    assert first.title == "No evidence a Turkish F-16 downed an Armenian Su-25"
    assert first.snippet == (
        "A Turkish F-16 shot down an Armenian Su-25 over Armenian airspace. "
        "— Armenian Ministry of Defence"
    )
    assert [first.snippet[s:e] for s, e in first.highlights] == ["shot", "down"]
    assert first.publisher == "Harbour Check"
    assert first.rating == "Unproven"
    assert first.review_date == date(2020, 10, 2)
    assert [h.publisher for h in hits] == [
        "Harbour Check",
        "FactWatch Caucasus",
        "Harbour Check",
        "caucasusverify.example",  # no publisher name: its site stands in
        "FactWatch Caucasus",
    ]
    assert [h.rating for h in hits] == [
        "Unproven",
        "Misleading",
        "False",
        "Mostly false",
        "Unverified",
    ]
    assert hits[1].review_date == date(2020, 10, 5)


def test_scores_fall_with_the_order_of_the_answer(two_pages: StubServer, newsroom: Any) -> None:
    scores = [h.score for h in run(newsroom)]
    assert scores[0] == 1.0
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores)
    assert scores[-1] > 0


def test_a_review_without_a_title_is_named_by_the_claim(
    two_pages: StubServer, newsroom: Any
) -> None:
    fourth = run(newsroom)[3]
    assert fourth.title == "Armenia lost four Su-25 attack aircraft on the first day of the war."


def test_a_claim_without_claimant_has_just_its_text_as_snippet(
    two_pages: StubServer, newsroom: Any
) -> None:
    last = run(newsroom)[4]
    assert last.snippet == "The Su-25 shot down on 29 September had taken off from Sisian."


def test_missing_or_unreadable_review_dates_are_left_empty(
    two_pages: StubServer, newsroom: Any
) -> None:
    hits = run(newsroom)
    assert hits[3].review_date is None  # "not a date"
    assert hits[4].review_date is None  # absent


def test_at_most_three_pages_are_read(
    configured: SourceSettings, stub_server: StubServer, recorded: Any, newsroom: Any
) -> None:
    page = recorded("factcheck_su25_page1")
    for token, following in [("p2", "p3"), ("p3", "p4"), ("p4", "p5")]:
        stub_server.route(
            API, json={**page, "nextPageToken": following}, match={"pageToken": token}
        )
    stub_server.route(API, json={**page, "nextPageToken": "p2"})
    hits = run(newsroom)
    assert [r.params.get("pageToken") for r in stub_server.requests] == [None, "p2", "p3"]
    assert len(hits) == 3  # the same three reviews on every page: one hit per address


def test_a_repeated_page_token_ends_the_paging(
    configured: SourceSettings, stub_server: StubServer, recorded: Any, newsroom: Any
) -> None:
    stub_server.route(API, json={**recorded("factcheck_su25_page1"), "nextPageToken": "same"})
    run(newsroom)
    assert [r.params.get("pageToken") for r in stub_server.requests] == [None, "same"]


def test_an_empty_answer_means_no_hits(
    configured: SourceSettings, stub_server: StubServer, recorded: Any, newsroom: Any
) -> None:
    stub_server.route(API, json=recorded("factcheck_empty"))
    assert run(newsroom) == []
    assert stub_server.count == 1


def test_max_age_is_sent_when_set_and_language_left_out_when_blank(
    configured: SourceSettings, stub_server: StubServer, recorded: Any, newsroom: Any
) -> None:
    configured.factcheck_language = ""
    configured.factcheck_max_age_days = 365
    configured.save()
    stub_server.route(API, json=recorded("factcheck_empty"))
    run(newsroom)
    assert stub_server.requests[0].params == {
        "query": QUERY,
        "pageSize": "10",
        "key": KEY,
        "maxAgeDays": "365",
    }


def test_other_language_is_passed_on(
    configured: SourceSettings, stub_server: StubServer, recorded: Any, newsroom: Any
) -> None:
    configured.factcheck_language = "de"
    configured.save()
    stub_server.route(API, json=recorded("factcheck_empty"))
    run(newsroom)
    assert stub_server.requests[0].params["languageCode"] == "de"


def test_no_api_key_is_a_source_error_before_any_request(
    configured: SourceSettings, stub_server: StubServer, newsroom: Any
) -> None:
    configured.factcheck_api_key = "  "
    configured.save()
    with pytest.raises(SourceError, match=r"^no API key set for Google Fact Check Tools$"):
        run(newsroom)
    assert stub_server.count == 0


def test_the_descriptive_user_agent_is_sent(
    two_pages: StubServer, newsroom: Any, settings: Any
) -> None:
    run(newsroom)
    assert {r.headers["user-agent"] for r in two_pages.requests} == {settings.LOOKUP_USER_AGENT}


def test_a_repeated_search_is_answered_from_the_cache(two_pages: StubServer, newsroom: Any) -> None:
    assert run(newsroom) == run(newsroom)
    assert two_pages.count == 2


def test_a_rejected_key_is_a_source_error(
    configured: SourceSettings, stub_server: StubServer, recorded: Any, newsroom: Any
) -> None:
    stub_server.route(API, status=400, json=recorded("factcheck_error_key_invalid"))
    with pytest.raises(SourceError, match="400") as caught:
        run(newsroom)
    assert KEY not in str(caught.value)


def test_a_disabled_api_is_a_source_error_about_the_key(
    configured: SourceSettings, stub_server: StubServer, recorded: Any, newsroom: Any
) -> None:
    stub_server.route(API, status=403, json=recorded("factcheck_error_forbidden"))
    with pytest.raises(SourceError, match="API key"):
        run(newsroom)


def test_an_unavailable_service_is_a_transient_error(
    configured: SourceSettings, stub_server: StubServer, newsroom: Any
) -> None:
    stub_server.route(API, status=503, json={"error": {"code": 503, "status": "UNAVAILABLE"}})
    with pytest.raises(TransientError, match="503"):
        run(newsroom)


def test_a_slow_service_is_a_transient_error(
    configured: SourceSettings, stub_server: StubServer, newsroom: Any, settings: Any
) -> None:
    settings.LOOKUP_TIMEOUT_SECONDS = 1
    stub_server.route(API, json={}, delay=3)
    with pytest.raises(TransientError, match="timed out after 1 s"):
        run(newsroom)


def test_a_failing_second_page_fails_the_search(
    configured: SourceSettings, stub_server: StubServer, recorded: Any, newsroom: Any
) -> None:
    stub_server.route(API, status=500, json={}, match={"pageToken": "CAo"})
    stub_server.route(API, json=recorded("factcheck_su25_page1"))
    with pytest.raises(TransientError, match="500"):
        run(newsroom)


def test_an_answer_of_an_unexpected_shape_is_a_source_error(
    configured: SourceSettings, stub_server: StubServer, newsroom: Any
) -> None:
    stub_server.route(API, json={"claims": {"text": "not a list"}})
    with pytest.raises(SourceError, match="unexpected shape"):
        run(newsroom)


def test_reviews_without_an_address_are_left_out(
    configured: SourceSettings, stub_server: StubServer, newsroom: Any
) -> None:
    stub_server.route(
        API,
        json={
            "claims": [
                {
                    "text": "Su-25 shot down",
                    "claimReview": [
                        {"publisher": {"name": "X"}, "textualRating": "False"},
                        {"url": "https://x.example/a", "textualRating": "True"},
                    ],
                }
            ]
        },
    )
    [hit] = run(newsroom)
    assert (hit.url, hit.rating, hit.publisher, hit.title) == (
        "https://x.example/a",
        "True",
        "",
        "Su-25 shot down",
    )


# A whole lookup: lookups_start → (after commit) lookup_run on the eager Celery → evidence.


def start(claim: Any, by: Any, capture: Any) -> Lookup:
    with capture(execute=True):
        [lookup] = lookups_start(claims=[claim], by=by, sources=[Source.FACTCHECK])
    lookup.refresh_from_db()
    return lookup


def test_lookup_stores_each_review_as_evidence(
    two_pages: StubServer, su25_claim: Any, checker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    lookup = start(su25_claim, checker, django_capture_on_commit_callbacks)
    assert (lookup.status, lookup.attempts, lookup.result_count) == ("done", 1, 5)
    assert two_pages.requests[0].params["query"] == query_for(su25_claim)
    rows = list(Evidence.objects.filter(claim=su25_claim))
    assert len(rows) == 5
    top = rows[0]
    assert (top.source, top.lookup_id, top.status) == (Source.FACTCHECK, lookup.pk, "new")
    assert top.url == "https://harbourcheck.example/2020/10/turkish-f16-su25-claim"
    assert top.title == "No evidence a Turkish F-16 downed an Armenian Su-25"
    assert (top.publisher, top.rating, top.review_date) == (
        "Harbour Check",
        "Unproven",
        date(2020, 10, 2),
    )
    assert top.score == 1.0
    assert top.highlights  # the claim's words in the reviewed claim's text
    assert all(isinstance(span, list) and len(span) == 2 for span in top.highlights)
    assert Evidence.objects.get(url__endswith="four-su-25s").review_date is None


def test_running_the_lookup_twice_duplicates_no_evidence(
    two_pages: StubServer, su25_claim: Any, checker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.cache import cache

    lookup = start(su25_claim, checker, django_capture_on_commit_callbacks)
    first = dict(Evidence.objects.values_list("url", "pk"))
    cache.clear()
    again = start(su25_claim, checker, django_capture_on_commit_callbacks)
    assert (again.pk, again.status) == (lookup.pk, "done")
    assert dict(Evidence.objects.values_list("url", "pk")) == first
    assert two_pages.count == 4
    lookup_run.apply(args=[lookup.pk])  # a duplicate delivery of the finished task
    assert Evidence.objects.count() == 5


def test_lookup_without_a_key_fails_with_the_reason(
    configured: SourceSettings, stub_server: StubServer, su25_claim: Any, checker: Any
) -> None:
    # lookups_start won't queue a keyless source; the key was removed after the lookup queued.
    lookup = Lookup.objects.create(
        claim=su25_claim, source=Source.FACTCHECK, query="Su-25", queued_at=timezone.now()
    )
    configured.factcheck_api_key = ""
    configured.save()
    lookup_run.apply(args=[lookup.pk])
    lookup.refresh_from_db()
    assert lookup.status == Lookup.Status.FAILED
    assert lookup.error == "Google Fact Check Tools: no API key set for Google Fact Check Tools"
    assert stub_server.count == 0


def test_the_key_never_shows_in_a_failed_lookups_reason(
    configured: SourceSettings,
    stub_server: StubServer,
    su25_claim: Any,
    checker: Any,
    django_capture_on_commit_callbacks: Any,
    eager_retries: None,
    settings: Any,
) -> None:
    settings.LOOKUP_MAX_ATTEMPTS = 2
    stub_server.route(API, status=503, json={})
    lookup = start(su25_claim, checker, django_capture_on_commit_callbacks)
    assert lookup.status == Lookup.Status.FAILED
    assert lookup.error == "Google Fact Check Tools: the service answered 503, 2 attempts"
    assert KEY not in lookup.error
