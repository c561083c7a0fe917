"""The Wikipedia backend against recorded MediaWiki answers served on 127.0.0.1: the one request
it makes (search list and search generator with the pages' intros together), the hits it builds,
the language setting, errors, and a whole lookup through Celery."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from factcheck.sources.backends.base import SourceError, TransientError
from factcheck.sources.backends.wikipedia import page_url, parse_snippet, search
from factcheck.sources.models import Evidence, Lookup, Source, SourceSettings
from factcheck.sources.services import lookups_start, query_for, source_settings_for
from factcheck.sources.tasks import lookup_run
from tests.sources.conftest import StubServer

pytestmark = pytest.mark.django_db

QUERY = "Sukhoi Su-25 shot down"
EN = "/en/w/api.php"
# The combined request: the search as a list (snippets) and as the pages' generator (intros).
COMBINED = {"action": "query", "list": "search", "generator": "search", "prop": "extracts|info"}


@pytest.fixture
def wiki(stub_server: StubServer, settings: Any, recorded: Any) -> StubServer:
    """The stub answering English searches with the recorded Su-25 answer."""
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    stub_server.route(EN, json=recorded("wikipedia_search_su25"), match=COMBINED)
    return stub_server


def run(newsroom: Any, query: str = QUERY) -> list[Any]:
    return search(query, newsroom_id=newsroom.pk, claim_id=1)


def test_hits_are_the_search_results_in_rank_order(
    wiki: StubServer, newsroom: Any, recorded: Any
) -> None:
    # The answer lists its pages by page id; the hits follow the search list's order.
    pages = recorded("wikipedia_search_su25")["query"]["pages"]
    assert [p["index"] for p in pages] == [1, 5, 4, 2, 3]
    hits = run(newsroom)
    assert [h.title for h in hits] == [
        "Sukhoi Su-25",
        "2020 Nagorno-Karabakh war",
        "List of aircraft losses in the 2020 Nagorno-Karabakh war",
        "Malaysia Airlines Flight 17",
        "Georgian Air Force",
    ]
    assert [h.score for h in hits] == [1.0, 0.9, 0.8, 0.7, 0.6]
    assert hits[0].url == "https://en.wikipedia.org/wiki/Sukhoi_Su-25"
    assert hits[1].url == "https://en.wikipedia.org/wiki/2020_Nagorno-Karabakh_war"
    assert all(h.publisher == "" and h.rating == "" and h.review_date is None for h in hits)


def test_one_request_searches_and_fetches_the_intros_and_urls_of_the_pages_found(
    wiki: StubServer, newsroom: Any
) -> None:
    hits = run(newsroom)
    assert wiki.count == 1
    [only] = wiki.requests
    assert only.path == EN
    assert only.params == {
        "action": "query",
        "list": "search",
        "srsearch": QUERY,
        "srlimit": "5",
        "srprop": "snippet|titlesnippet",
        "generator": "search",
        "gsrsearch": QUERY,
        "gsrlimit": "5",
        "prop": "extracts|info",
        "exintro": "1",
        "explaintext": "1",
        "exsentences": "3",
        "exlimit": "5",
        "inprop": "url",
        "format": "json",
        "formatversion": "2",
    }
    # The intro and the address came with it: the empty snippet is the list's page's intro.
    assert hits[2].url == (
        "https://en.wikipedia.org/wiki/List_of_aircraft_losses_in_the_2020_Nagorno-Karabakh_war"
    )
    assert hits[2].snippet.startswith("This is a list of aircraft reported lost")


def test_requests_carry_the_descriptive_user_agent(
    wiki: StubServer, newsroom: Any, settings: Any
) -> None:
    run(newsroom)
    assert {r.headers["user-agent"] for r in wiki.requests} == {settings.LOOKUP_USER_AGENT}


def test_snippet_is_plain_text_with_the_search_matches_highlighted(
    wiki: StubServer, newsroom: Any
) -> None:
    hit = run(newsroom)[1]
    assert hit.snippet == (
        "the Armenian Ministry of Defence said a Turkish F-16 had shot down an Armenian Su-25; "
        "Turkey and Azerbaijan denied the claim"
    )
    assert [hit.snippet[s:e] for s, e in hit.highlights] == ["shot", "down", "Su-25"]


def test_html_entities_in_snippets_are_decoded_before_offsets_are_counted(
    wiki: StubServer, newsroom: Any
) -> None:
    first, mh17 = run(newsroom)[0], run(newsroom)[3]
    assert first.snippet.startswith('The Sukhoi Su-25 Grach ("rook"; NATO')
    assert mh17.snippet.endswith("investigators rejected & Ukraine's officials called absurd")
    assert [mh17.snippet[s:e] for s, e in mh17.highlights] == ["Su-25", "shot", "down"]


def test_empty_snippet_falls_back_to_the_intro_with_query_words_highlighted(
    wiki: StubServer, newsroom: Any
) -> None:
    hit = run(newsroom)[2]
    assert hit.snippet.startswith("This is a list of aircraft reported lost during the 2020")
    assert [hit.snippet[s:e] for s, e in hit.highlights] == ["shot", "down"]


def test_parse_snippet_keeps_offsets_right_around_tags_and_white_space() -> None:
    text, spans = parse_snippet(
        '  a&lt;b <span class="searchmatch">Su-25</span><b>!</b> '
        '<span class="searchmatch">&quot;x&quot;</span> '
    )
    assert text == 'a<b Su-25! "x"'
    assert [text[s:e] for s, e in spans] == ["Su-25", '"x"']
    assert parse_snippet("") == ("", [])


def test_page_the_search_lists_but_the_pages_call_missing_is_skipped(
    stub_server: StubServer, settings: Any, recorded: Any, newsroom: Any
) -> None:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    answer = copy.deepcopy(recorded("wikipedia_search_su25"))
    for page in answer["query"]["pages"]:
        if page["title"] == "Sukhoi Su-25":
            page.clear()
            page.update({"ns": 0, "title": "Sukhoi Su-25", "missing": True})
    stub_server.route(EN, json=answer, match=COMBINED)
    hits = run(newsroom)
    assert "Sukhoi Su-25" not in [h.title for h in hits]
    assert len(hits) == 4
    assert hits[0].score == 1.0


def test_page_absent_from_the_pages_gets_its_address_built_from_the_title(
    stub_server: StubServer, settings: Any, recorded: Any, newsroom: Any
) -> None:
    # The list and the generator are two searches; the index may change between them.
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    answer = copy.deepcopy(recorded("wikipedia_search_su25"))
    del answer["query"]["pages"]
    stub_server.route(EN, json=answer, match=COMBINED)
    hits = run(newsroom)
    assert len(hits) == 5
    assert hits[3].url == "https://en.wikipedia.org/wiki/Malaysia_Airlines_Flight_17"
    assert hits[2].snippet == ""  # neither a snippet nor an intro to show
    assert page_url("en", "Côte d'Ivoire") == "https://en.wikipedia.org/wiki/C%C3%B4te_d%27Ivoire"


def test_no_results_means_no_hits_after_one_request(
    stub_server: StubServer, settings: Any, recorded: Any, newsroom: Any
) -> None:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    stub_server.route(EN, json=recorded("wikipedia_search_empty"), match=COMBINED)
    assert run(newsroom, "Xyzzyplugh") == []
    assert stub_server.count == 1


def test_a_long_claim_that_finds_nothing_is_searched_again_by_its_content_words(
    stub_server: StubServer, settings: Any, recorded: Any, newsroom: Any
) -> None:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    claim = "An Armenian Sukhoi Su-25 was shot down on 29 September, the defence ministry said."
    stub_server.route(
        EN, json=recorded("wikipedia_search_empty"), match={**COMBINED, "srsearch": claim}
    )
    stub_server.route(EN, json=recorded("wikipedia_search_su25"), match=COMBINED)
    hits = run(newsroom, claim)
    alternative = (
        "Armenian OR Sukhoi OR Su-25 OR shot OR down OR 29 OR September OR defence OR ministry"
    )
    searched = [(r.params["srsearch"], r.params["gsrsearch"]) for r in stub_server.requests]
    assert searched == [(claim, claim), (alternative, alternative)]
    assert len(hits) == 5
    assert hits[0].url == "https://en.wikipedia.org/wiki/Sukhoi_Su-25"


def test_when_the_second_search_finds_nothing_either_there_are_no_hits(
    stub_server: StubServer, settings: Any, recorded: Any, newsroom: Any
) -> None:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    stub_server.route(EN, json=recorded("wikipedia_search_empty"), match=COMBINED)
    assert run(newsroom, "Qwxz vrmbl grontic") == []
    assert stub_server.count == 2


def test_a_query_longer_than_the_engine_accepts_is_cut_at_a_word(
    wiki: StubServer, newsroom: Any
) -> None:
    run(newsroom, "Sukhoi " * 60)
    sent = wiki.requests[0].params["srsearch"]
    assert wiki.requests[0].params["gsrsearch"] == sent
    assert len(sent) <= 300
    assert sent.split() == ["Sukhoi"] * len(sent.split())


def test_error_answer_is_a_source_error_with_its_explanation(
    stub_server: StubServer, settings: Any, recorded: Any, newsroom: Any
) -> None:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    stub_server.route(EN, json=recorded("wikipedia_error_badvalue"))
    with pytest.raises(SourceError, match=r'Unrecognized value for parameter "list": serch\.'):
        run(newsroom)


def test_busy_wikipedia_answering_maxlag_is_a_transient_error(
    stub_server: StubServer, settings: Any, newsroom: Any
) -> None:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    busy = {"error": {"code": "maxlag", "info": "Waiting for 10.64.16.8: 7 seconds lagged."}}
    stub_server.route(EN, json=busy)
    with pytest.raises(TransientError, match=r"busy: Waiting for 10\.64\.16\.8: 7 seconds lagged"):
        run(newsroom)


def test_answer_of_an_unexpected_shape_is_a_source_error(
    stub_server: StubServer, settings: Any, newsroom: Any
) -> None:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    stub_server.route(EN, json={"query": {"search": "nope"}})
    with pytest.raises(SourceError, match="unexpected shape"):
        run(newsroom)


def test_the_newsrooms_language_picks_the_wikipedia(
    stub_server: StubServer, settings: Any, recorded: Any, newsroom: Any
) -> None:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    SourceSettings.objects.update_or_create(
        newsroom=newsroom, defaults={"wikipedia_language": "de"}
    )
    stub_server.route("/de/w/api.php", json=recorded("wikipedia_search_de_su25"), match=COMBINED)
    [hit] = run(newsroom, "Suchoi Su-25")
    assert {r.path for r in stub_server.requests} == {"/de/w/api.php"}
    assert hit.url == "https://de.wikipedia.org/wiki/Suchoi_Su-25"
    assert [hit.snippet[s:e] for s, e in hit.highlights] == ["Suchoi", "Su-25"]


def test_language_codes_with_a_region_or_variant_are_accepted(
    stub_server: StubServer, settings: Any, recorded: Any, newsroom: Any
) -> None:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    SourceSettings.objects.update_or_create(
        newsroom=newsroom, defaults={"wikipedia_language": "zh-min-nan"}
    )
    stub_server.route("/zh-min-nan/w/api.php", json=recorded("wikipedia_search_empty"))
    assert run(newsroom, "Su-25") == []
    assert stub_server.requests[0].path == "/zh-min-nan/w/api.php"


@pytest.mark.parametrize("code", ["e", "en/../x", "en.evil.org", "en_GB", "1en", "en gb"])
def test_a_bad_language_code_is_refused_before_any_request(
    stub_server: StubServer, settings: Any, newsroom: Any, code: str
) -> None:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    SourceSettings.objects.update_or_create(
        newsroom=newsroom, defaults={"wikipedia_language": code}
    )
    with pytest.raises(SourceError, match="not a Wikipedia language code"):
        run(newsroom)
    assert stub_server.count == 0


def test_a_repeated_search_is_answered_from_the_cache(wiki: StubServer, newsroom: Any) -> None:
    first = run(newsroom)
    second = run(newsroom)
    assert first == second
    assert wiki.count == 1


def test_slow_wikipedia_is_a_transient_error(
    stub_server: StubServer, settings: Any, newsroom: Any
) -> None:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    settings.LOOKUP_TIMEOUT_SECONDS = 1
    stub_server.route(EN, json={}, delay=3)
    with pytest.raises(TransientError, match="timed out after 1 s"):
        run(newsroom)


def test_unavailable_wikipedia_is_a_transient_error(
    stub_server: StubServer, settings: Any, newsroom: Any
) -> None:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    stub_server.route(EN, status=503, body="Wikimedia Error: our servers are busy")
    with pytest.raises(TransientError, match="503"):
        run(newsroom)


def test_forbidden_is_a_source_error(stub_server: StubServer, settings: Any, newsroom: Any) -> None:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    stub_server.route(EN, status=403, body="Please set a user-agent and respect our robot policy")
    with pytest.raises(SourceError, match="403"):
        run(newsroom)


# A whole lookup: lookups_start → (after commit) lookup_run on the eager Celery → evidence.


def start(claim: Any, by: Any, capture: Any) -> Lookup:
    """Start the claim's Wikipedia lookup and run it (tests that expect retries ask for the
    ``eager_retries`` fixture)."""
    with capture(execute=True):
        [lookup] = lookups_start(claims=[claim], by=by, sources=[Source.WIKIPEDIA])
    lookup.refresh_from_db()
    return lookup


def test_lookup_stores_the_hits_as_evidence_of_the_claim(
    wiki: StubServer, su25_claim: Any, checker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    lookup = start(su25_claim, checker, django_capture_on_commit_callbacks)
    assert lookup.status == Lookup.Status.DONE
    assert (lookup.attempts, lookup.result_count, lookup.error) == (1, 5, "")
    assert lookup.finished_at is not None
    assert wiki.requests[0].params["srsearch"] == query_for(su25_claim)
    rows = list(Evidence.objects.filter(claim=su25_claim))  # ordered by score
    assert len(rows) == 5
    top = rows[0]
    assert (top.source, top.lookup_id, top.status) == (Source.WIKIPEDIA, lookup.pk, "new")
    assert top.url == "https://en.wikipedia.org/wiki/Sukhoi_Su-25"
    assert top.title == "Sukhoi Su-25"
    assert top.score == 1.0
    assert [top.snippet[s:e] for s, e in top.highlights] == ["Sukhoi", "Su-25"]
    assert top.retrieved_at is not None
    assert [r.score for r in rows] == [1.0, 0.9, 0.8, 0.7, 0.6]


def test_running_a_lookup_twice_duplicates_no_evidence(
    wiki: StubServer,
    su25_claim: Any,
    checker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core.cache import cache

    lookup = start(su25_claim, checker, django_capture_on_commit_callbacks)
    first = dict(Evidence.objects.values_list("url", "pk"))
    cache.clear()  # the second run asks Wikipedia again
    again = start(su25_claim, checker, django_capture_on_commit_callbacks)
    assert again.pk == lookup.pk
    assert again.status == Lookup.Status.DONE
    assert dict(Evidence.objects.values_list("url", "pk")) == first
    assert wiki.count == 2
    # A duplicate delivery of the finished task does nothing at all.
    lookup_run.apply(args=[lookup.pk])
    assert Evidence.objects.count() == 5
    assert wiki.count == 2


def test_a_redelivered_running_lookup_completes_once(
    wiki: StubServer, su25_claim: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        [lookup] = lookups_start(claims=[su25_claim], by=None, sources=[Source.WIKIPEDIA])
    Lookup.objects.filter(pk=lookup.pk).update(status=Lookup.Status.RUNNING, attempts=1)
    lookup_run.apply(args=[lookup.pk])  # as if the broker redelivered a killed worker's task
    lookup_run.apply(args=[lookup.pk])
    lookup.refresh_from_db()
    assert (lookup.status, lookup.attempts, lookup.result_count) == ("done", 2, 5)
    assert Evidence.objects.filter(claim=su25_claim).count() == 5


def test_wikipedia_always_unavailable_fails_after_the_bounded_attempts(
    stub_server: StubServer,
    settings: Any,
    su25_claim: Any,
    checker: Any,
    django_capture_on_commit_callbacks: Any,
    eager_retries: None,
) -> None:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    settings.LOOKUP_MAX_ATTEMPTS = 3
    stub_server.route(EN, status=503, json={})
    lookup = start(su25_claim, checker, django_capture_on_commit_callbacks)
    assert lookup.status == Lookup.Status.FAILED
    assert lookup.attempts == 3
    assert lookup.error == "Wikipedia: the service answered 503, 3 attempts"
    assert stub_server.count == 3
    assert not Evidence.objects.exists()


def test_wikipedia_timing_out_fails_with_the_timeout_in_the_reason(
    stub_server: StubServer,
    settings: Any,
    su25_claim: Any,
    checker: Any,
    django_capture_on_commit_callbacks: Any,
    eager_retries: None,
) -> None:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    settings.LOOKUP_TIMEOUT_SECONDS = 1
    settings.LOOKUP_MAX_ATTEMPTS = 1
    stub_server.route(EN, json={}, delay=3)
    lookup = start(su25_claim, checker, django_capture_on_commit_callbacks)
    assert lookup.status == Lookup.Status.FAILED
    assert lookup.error.startswith("Wikipedia: timed out after 1 s, 1 attempt")


def test_a_transient_failure_is_retried_and_then_succeeds(
    stub_server: StubServer,
    settings: Any,
    recorded: Any,
    su25_claim: Any,
    checker: Any,
    django_capture_on_commit_callbacks: Any,
    eager_retries: None,
) -> None:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    stub_server.route(EN, status=429, json={}, times=1)
    stub_server.route(EN, json=recorded("wikipedia_search_su25"), match=COMBINED)
    lookup = start(su25_claim, checker, django_capture_on_commit_callbacks)
    assert (lookup.status, lookup.attempts, lookup.error) == ("done", 2, "")
    assert Evidence.objects.filter(claim=su25_claim).count() == 5


def test_refused_request_fails_at_once_without_retrying(
    stub_server: StubServer,
    settings: Any,
    su25_claim: Any,
    checker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    stub_server.route(EN, status=403, json={})
    lookup = start(su25_claim, checker, django_capture_on_commit_callbacks)
    assert lookup.status == Lookup.Status.FAILED
    assert lookup.attempts == 1
    assert lookup.error.startswith("Wikipedia: the service refused the request (403)")
    assert stub_server.count == 1


def test_the_lookup_uses_the_claims_newsroom_language(
    stub_server: StubServer,
    settings: Any,
    recorded: Any,
    su25_claim: Any,
    checker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    row = source_settings_for(su25_claim.draft.newsroom_id)
    row.wikipedia_language = "de"
    row.save()
    stub_server.route("/de/w/api.php", json=recorded("wikipedia_search_de_su25"), match=COMBINED)
    lookup = start(su25_claim, checker, django_capture_on_commit_callbacks)
    assert lookup.status == Lookup.Status.DONE
    assert list(Evidence.objects.values_list("url", flat=True)) == [
        "https://de.wikipedia.org/wiki/Suchoi_Su-25"
    ]
