"""The lookups panel and its actions: starting lookups for a claim or a whole draft, watching
them run (the panel polls while any is queued or running), retrying a failed one, attaching
evidence to the verdict or dismissing it; with and without htmx, for every role."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from factcheck.claims.access import get_claim_for_user
from factcheck.claims.models import Claim, EvidenceLink
from factcheck.claims.services import claim_dismiss, claim_edit, claim_mark_sentence
from factcheck.drafts.models import Draft, Sentence
from factcheck.newsrooms.access import Capability, role_can, role_in
from factcheck.sources.backends.base import Hit
from factcheck.sources.models import Evidence, Lookup, Source, SourceSettings
from factcheck.sources.panel import lookups_panel
from factcheck.sources.services import (
    lookup_begin,
    lookup_fail,
    lookup_store,
    lookups_start,
    query_for,
    source_settings_for,
)
from factcheck.sources.templatetags.lookups_tags import marked, safe_href
from tests.conftest import client_for
from tests.sources.conftest import StubServer

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
EN = "/en/w/api.php"
SEARCH = {"action": "query", "list": "search"}
POLLING = 'hx-trigger="every 1s"'


@pytest.fixture
def claims(draft: Draft, editor: Any) -> list[Claim]:
    sentences = draft.revisions.get().sentences.exclude(kind=Sentence.Kind.BOILERPLATE)
    return [claim_mark_sentence(sentence=s, by=editor) for s in sentences.order_by("index")[1:3]]


@pytest.fixture
def claim(claims: list[Claim]) -> Claim:
    return claims[0]


@pytest.fixture
def wiki(stub_server: StubServer, settings: Any, recorded: Any) -> StubServer:
    """Wikipedia answering with the recorded Su-25 search, on 127.0.0.1."""
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    stub_server.route(EN, json=recorded("wikipedia_search_su25"), match=SEARCH)
    return stub_server


@pytest.fixture
def broken_wiki(stub_server: StubServer, settings: Any) -> StubServer:
    """Wikipedia answering 503 to everything: a transient error, every time."""
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    stub_server.route(EN, status=503, json={"error": "down"})
    return stub_server


def panel_url(claim: Claim) -> str:
    return reverse("sources:claim_lookups", kwargs={"pk": claim.pk})


def body(response: HttpResponse) -> str:
    return response.content.decode()


def events(response: HttpResponse) -> list[str]:
    return list(json.loads(response["HX-Trigger"]))


def found(claim: Claim, source: str, *hits: Hit) -> Lookup:
    """A finished lookup of ``claim`` in ``source`` that found ``hits`` (through the services,
    without running a backend)."""
    lookup = lookups_start(claims=[claim], by=None, sources=[source])[0]
    begun = lookup_begin(lookup_id=lookup.pk)
    assert begun is not None
    return lookup_store(lookup=begun, hits=hits)


def hit(n: int, **fields: Any) -> Hit:
    values: dict[str, Any] = {
        "url": f"https://example.org/{n}",
        "title": f"Report {n}",
        "snippet": "The harbour road closed on Monday.",
        "highlights": [(4, 16)],
        "score": 1 - n / 100,
        **fields,
    }
    return Hit(**values)


def only(newsroom: Any, *sources: str) -> None:
    """Enable just ``sources`` in the newsroom."""
    SourceSettings.objects.filter(pk=source_settings_for(newsroom).pk).update(
        archive_enabled=Source.ARCHIVE in sources,
        library_enabled=Source.LIBRARY in sources,
        wikipedia_enabled=Source.WIKIPEDIA in sources,
        factcheck_enabled=Source.FACTCHECK in sources,
        factcheck_api_key="test-key" if Source.FACTCHECK in sources else "",
    )


# --- The panel ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["checker", "editor", "newsadmin"])
def test_every_member_sees_the_panel_with_the_enabled_sources(
    role: str, request: pytest.FixtureRequest, claim: Claim
) -> None:
    client = client_for(request.getfixturevalue(role))
    response = client.get(panel_url(claim), **HTMX)
    html = body(response)
    assert response.status_code == 200
    assert html.startswith('<div id="lookups-body"')
    assert "Not looked up yet." in html
    assert POLLING not in html  # nothing running: no polling
    assert "All enabled sources (Newsroom archive, Reference library, Wikipedia)" in html
    assert '<option value="factcheck">' not in html  # not enabled by default
    assert ">Look up sources</button>" in html
    assert ("Source settings" in html) is (role == "newsadmin")


def test_panel_without_htmx_is_the_claim_pages_panel(checker_client: Client, claim: Claim) -> None:
    response = checker_client.get(panel_url(claim))
    assert response.status_code == 302
    assert response["Location"] == f"/claims/{claim.pk}/#lookups"


def test_the_panel_included_in_a_page_has_its_heading_flash_and_body(
    checker: Any, claim: Claim
) -> None:
    request = RequestFactory().get(f"/claims/{claim.pk}/")
    request.user = checker
    page_claim, role = get_claim_for_user(checker, claim.pk)
    template = engines["django"].from_string('{% include "sources/_lookups_panel.html" %}')
    panel = lookups_panel(claim=page_claim, role=role)
    html = template.render({"claim": page_claim, "lookups_panel": panel}, request)
    assert '<section id="lookups" class="lookups-panel" aria-labelledby="lookups-heading">' in html
    assert '<div id="lookups-flash" class="flash" role="status" aria-live="polite">' in html
    assert '<div id="lookups-body"' in html
    assert "hx-swap-oob" not in html


@pytest.mark.parametrize(
    ("role", "shown"), [("checker", True), ("newsadmin", True), ("outsider", False)]
)
def test_the_draft_pages_look_up_all_button_shows_to_those_who_may_look_up(
    role: str, shown: bool, request: pytest.FixtureRequest, draft: Draft
) -> None:
    web = RequestFactory().get(draft.get_absolute_url())
    web.user = request.getfixturevalue(role)
    template = engines["django"].from_string(
        '{% include "sources/_lookups_panel.html#draft-lookups" %}'
    )
    # What the draft page's view passes: the role the draft getter finds, none for an outsider.
    can_look_up = role_can(role_in(web.user, draft.newsroom_id), Capability.PROPOSE_VERDICT)
    html = template.render({"draft": draft, "can_look_up": can_look_up}, web)
    assert (f'hx-post="/sources/drafts/{draft.pk}/lookups/"' in html) is shown
    assert ("Look up all claims" in html) is shown


# --- Starting lookups --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["checker", "editor", "newsadmin"])
def test_a_member_who_proposes_verdicts_starts_lookups_and_watches_them_finish(
    role: str,
    request: pytest.FixtureRequest,
    su25_claim: Claim,
    wiki: StubServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(request.getfixturevalue(role))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(panel_url(su25_claim), {"source": ""}, **HTMX)
        started = body(response)

    # The answer, sent before the workers ran: every lookup queued, the panel polling.
    assert response.status_code == 200
    assert events(response) == ["lookups-changed"]
    assert started.count('<span class="state lookup-state lookup-state-queued">Queued</span>') == 3
    assert POLLING in started
    assert f'hx-get="{panel_url(su25_claim)}"' in started
    assert 'hx-swap-oob="innerHTML"' in started
    assert "Looking it up in Newsroom archive, Reference library, Wikipedia" in started

    # The next poll: all done, Wikipedia's evidence listed, the polling stopped.
    html = body(client.get(panel_url(su25_claim), **HTMX))
    assert POLLING not in html
    assert "3 of 3 lookups finished" in html
    assert "Done (5 results)" in html
    assert html.count("Done (nothing found)") == 2  # no archive or library yet
    assert Evidence.objects.filter(claim=su25_claim, source=Source.WIKIPEDIA).count() == 5
    assert (
        '<a href="https://en.wikipedia.org/wiki/Sukhoi_Su-25" rel="noopener noreferrer" '
        'target="_blank">Sukhoi Su-25</a>'
    ) in html
    assert '<h4 id="evidence-wikipedia-heading">Wikipedia <span class="count">5</span></h4>' in html
    assert "<mark>" in html
    assert html.count(">Attach to verdict</button>") == 5


def test_starting_in_one_source_looks_up_only_there(
    checker_client: Client,
    su25_claim: Claim,
    wiki: StubServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = checker_client.post(panel_url(su25_claim), {"source": "wikipedia"}, **HTMX)
    assert response.status_code == 200
    assert "Looking it up in Wikipedia;" in body(response)
    assert list(Lookup.objects.values_list("source", "status")) == [("wikipedia", "done")]
    assert wiki.requests[0].headers["user-agent"].startswith("factcheck/")


def test_starting_again_while_queued_adds_nothing(
    checker_client: Client, claim: Claim, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        checker_client.post(panel_url(claim), {"source": "archive"}, **HTMX)
        again = checker_client.post(panel_url(claim), {"source": "archive"}, **HTMX)
    assert again.status_code == 200
    assert "Already being looked up there" in body(again)
    assert Lookup.objects.filter(claim=claim).count() == 1
    assert len(callbacks) == 2  # one enqueue per request; the second sends no lookup
    assert POLLING in body(again)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"source": "altavista"}, "“altavista” is not a source."),
        ({"source": "factcheck"}, "None of those sources is enabled for this newsroom"),
    ],
)
def test_an_unknown_or_disabled_source_is_refused_with_the_reason(
    checker_client: Client, claim: Claim, data: dict[str, str], message: str
) -> None:
    response = checker_client.post(panel_url(claim), data, **HTMX)
    assert response.status_code == 422
    assert message in body(response)
    assert '<p class="flash-error">' in body(response)
    assert not Lookup.objects.exists()


def test_with_no_source_enabled_the_panel_says_so_and_starting_is_refused(
    checker_client: Client, newsadmin: Any, claim: Claim, newsroom: Any
) -> None:
    only(newsroom)
    html = body(checker_client.get(panel_url(claim), **HTMX))
    assert "No source is enabled for this newsroom. A newsroom admin can turn them on." in html
    assert "Look up sources" not in html
    admin_html = body(client_for(newsadmin).get(panel_url(claim), **HTMX))
    assert f'<a href="/newsrooms/{newsroom.slug}/sources/">Turn sources on</a>' in admin_html
    response = checker_client.post(panel_url(claim), {}, **HTMX)
    assert response.status_code == 422
    assert "No source is enabled for this newsroom" in body(response)
    assert not Lookup.objects.exists()


def test_a_dismissed_claim_is_not_looked_up(
    checker_client: Client, editor: Any, claim: Claim
) -> None:
    claim_dismiss(claim=claim, by=editor)
    response = checker_client.post(panel_url(claim), {}, **HTMX)
    assert response.status_code == 422
    assert "This claim is dismissed: restore it to look it up." in body(response)
    assert not Lookup.objects.exists()
    html = body(checker_client.get(panel_url(claim), **HTMX))
    assert '<p class="empty">This claim is dismissed: restore it to look it up.</p>' in html
    assert "Look up sources" not in html


def test_without_javascript_starting_redirects_to_the_panel_with_a_message(
    checker_client: Client, claim: Claim, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = checker_client.post(panel_url(claim), {"source": "library"})
    assert response.status_code == 302
    assert response["Location"] == f"/claims/{claim.pk}/#lookups"
    page = checker_client.get(response["Location"])
    assert "Looking it up in Reference library" in body(page)
    refused = checker_client.post(panel_url(claim), {"source": "factcheck"}, follow=True)
    assert "None of those sources is enabled" in body(refused)


# --- Failures and retries ----------------------------------------------------------------------


def test_a_source_that_keeps_failing_shows_the_reason_and_a_retry_button(
    checker_client: Client,
    su25_claim: Claim,
    broken_wiki: StubServer,
    eager_retries: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        checker_client.post(panel_url(su25_claim), {"source": "wikipedia"}, **HTMX)
    lookup = Lookup.objects.get()
    assert lookup.status == Lookup.Status.FAILED
    html = body(checker_client.get(panel_url(su25_claim), **HTMX))
    assert '<span class="state lookup-state lookup-state-failed">Failed</span>' in html
    assert '<span class="lookup-reason">Wikipedia: the service answered 503, 3 attempts</span>' in (
        html
    )
    retry = reverse("sources:lookup_retry", kwargs={"pk": lookup.pk})
    assert f'hx-post="{retry}"' in html
    assert f'aria-labelledby="retry-{lookup.pk} lookup-{lookup.pk}-source"' in html
    assert POLLING not in html


def test_a_timed_out_source_says_so_and_retry_runs_it_again(
    checker_client: Client,
    su25_claim: Claim,
    stub_server: StubServer,
    settings: Any,
    recorded: Any,
    eager_retries: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    settings.LOOKUP_TIMEOUT_SECONDS = 0.2
    stub_server.route(EN, json={}, delay=1, times=3)
    with django_capture_on_commit_callbacks(execute=True):
        checker_client.post(panel_url(su25_claim), {"source": "wikipedia"}, **HTMX)
    lookup = Lookup.objects.get()
    html = body(checker_client.get(panel_url(su25_claim), **HTMX))
    assert "Wikipedia: timed out after 0.2 s, 3 attempts" in html

    # The source is back: Retry queues the same lookup again, and it finds the evidence.
    stub_server.route(EN, json=recorded("wikipedia_search_su25"), match=SEARCH)
    retry = reverse("sources:lookup_retry", kwargs={"pk": lookup.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = checker_client.post(retry, **HTMX)
    assert response.status_code == 200
    assert "Looking it up in Wikipedia;" in body(response)
    assert list(Lookup.objects.values_list("pk", "status")) == [(lookup.pk, "done")]
    assert "Done (5 results)" in body(checker_client.get(panel_url(su25_claim), **HTMX))


def test_retrying_a_lookup_still_running_is_harmless(
    checker_client: Client, claim: Claim, django_capture_on_commit_callbacks: Any
) -> None:
    lookup = lookups_start(claims=[claim], by=None, sources=[Source.ARCHIVE])[0]
    lookup_begin(lookup_id=lookup.pk)
    retry = reverse("sources:lookup_retry", kwargs={"pk": lookup.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = checker_client.post(retry, **HTMX)
    assert response.status_code == 200
    assert "Already being looked up there" in body(response)
    assert Lookup.objects.get().status == Lookup.Status.RUNNING


def test_retry_without_javascript_redirects_to_the_panel(
    checker_client: Client, claim: Claim, django_capture_on_commit_callbacks: Any
) -> None:
    lookup = lookups_start(claims=[claim], by=None, sources=[Source.WIKIPEDIA])[0]
    lookup_begin(lookup_id=lookup.pk)
    lookup_fail(lookup_id=lookup.pk, reason="Wikipedia: timed out after 10 s, 3 attempts")
    response = checker_client.post(reverse("sources:lookup_retry", kwargs={"pk": lookup.pk}))
    assert response.status_code == 302
    assert response["Location"] == f"/claims/{claim.pk}/#lookups"
    assert Lookup.objects.get().status == Lookup.Status.QUEUED


def test_a_lookup_of_an_earlier_wording_is_labelled_so(
    checker_client: Client, editor: Any, claim: Claim
) -> None:
    found(claim, Source.ARCHIVE)
    current = Claim.objects.get(pk=claim.pk)
    claim_edit(
        claim=current,
        by=editor,
        text="About 300 homes lost power",
        expected_version=current.version,
    )
    html = body(checker_client.get(panel_url(claim), **HTMX))
    assert "(for an earlier wording of the claim)" in html


def test_a_queued_lookup_waiting_to_retry_shows_why(checker_client: Client, claim: Claim) -> None:
    lookup = lookups_start(claims=[claim], by=None, sources=[Source.WIKIPEDIA])[0]
    Lookup.objects.filter(pk=lookup.pk).update(
        attempts=1, error="Wikipedia: the service answered 503; retrying"
    )
    html = body(checker_client.get(panel_url(claim), **HTMX))
    assert (
        '<span class="lookup-reason">Wikipedia: the service answered 503; retrying</span>' in html
    )
    assert POLLING in html


# --- Evidence: attach, dismiss ----------------------------------------------------------------


def test_attaching_evidence_makes_it_a_link_of_the_verdict(
    checker_client: Client, checker: Any, claim: Claim
) -> None:
    found(claim, Source.WIKIPEDIA, hit(1), hit(2))
    evidence = Evidence.objects.get(url="https://example.org/1")
    url = reverse("sources:evidence_attach", kwargs={"pk": evidence.pk})

    response = checker_client.post(url, **HTMX)

    html = body(response)
    assert response.status_code == 200
    assert events(response) == ["evidence-changed", "claim-version"]
    assert "Attached to the verdict: “Report 1”." in html
    assert '<span class="badge attached">Attached to the verdict</span>' in html
    assert Evidence.objects.get(pk=evidence.pk).status == Evidence.Status.ATTACHED
    link = EvidenceLink.objects.get(claim=claim)
    assert (link.url, link.note, link.added_by) == (
        "https://example.org/1",
        "Wikipedia: Report 1",
        checker,
    )
    # Attached: no second Attach button for it, no Dismiss either.
    assert html.count(">Attach to verdict</button>") == 1
    assert html.count(">Dismiss</button>") == 1

    again = checker_client.post(url, **HTMX)
    assert again.status_code == 200
    assert "Already attached to the verdict." in body(again)
    assert EvidenceLink.objects.filter(claim=claim).count() == 1


def test_dismissing_evidence_files_it_under_dismissed_where_it_can_still_be_attached(
    checker_client: Client, claim: Claim
) -> None:
    found(claim, Source.LIBRARY, hit(1), hit(2))
    evidence = Evidence.objects.get(url="https://example.org/2")
    url = reverse("sources:evidence_dismiss", kwargs={"pk": evidence.pk})

    response = checker_client.post(url, **HTMX)

    html = body(response)
    assert response.status_code == 200
    assert events(response) == ["evidence-changed", "claim-version"]
    assert "Dismissed: “Report 2”." in html
    assert Evidence.objects.get(pk=evidence.pk).status == Evidence.Status.DISMISSED
    assert "<summary>Dismissed (1)</summary>" in html
    assert '<span class="count">1</span></h4>' in html  # one left in the library's list
    assert 'Evidence found <span class="count">1</span>' in html
    dismissed = html.split("<summary>Dismissed (1)</summary>")[1]
    assert "Report 2" in dismissed and ">Attach to verdict</button>" in dismissed
    assert ">Dismiss</button>" not in dismissed

    again = checker_client.post(url, **HTMX)
    assert again.status_code == 200
    assert "Already dismissed." in body(again)
    assert not EvidenceLink.objects.exists()


def test_without_javascript_attach_and_dismiss_redirect_to_the_panel(
    checker_client: Client, claim: Claim
) -> None:
    found(claim, Source.WIKIPEDIA, hit(1), hit(2))
    first, second = Evidence.objects.order_by("url")
    for action, evidence in (("attach", first), ("dismiss", second)):
        response = checker_client.post(
            reverse(f"sources:evidence_{action}", kwargs={"pk": evidence.pk})
        )
        assert response.status_code == 302
        assert response["Location"] == f"/claims/{claim.pk}/#lookups"
    statuses = dict(Evidence.objects.values_list("url", "status"))
    assert statuses == {"https://example.org/1": "attached", "https://example.org/2": "dismissed"}


def test_evidence_shows_publisher_rating_review_date_score_and_retrieval(
    checker_client: Client, claim: Claim
) -> None:
    import datetime

    found(
        claim,
        Source.WIKIPEDIA,
        hit(1, publisher="Full Fact", rating="False", review_date=datetime.date(2020, 10, 3)),
    )
    html = body(checker_client.get(panel_url(claim), **HTMX))
    assert '<span class="publisher">Full Fact</span>' in html
    assert 'rating: <strong class="rating">False</strong>' in html
    assert 'reviewed <time datetime="2020-10-03">3 Oct 2020</time>' in html
    assert "score 0.99" in html
    assert "retrieved <time datetime=" in html
    assert '<p class="snippet">The <mark>harbour road</mark> closed on Monday.</p>' in html


def test_snippets_are_escaped_and_only_safe_urls_become_links(
    checker_client: Client, claim: Claim
) -> None:
    found(
        claim,
        Source.WIKIPEDIA,
        hit(
            1,
            url="javascript:alert(1)",
            title="<b>Bold</b>",
            snippet="<script>x</script> road",
            highlights=[(19, 23)],
        ),
    )
    html = body(checker_client.get(panel_url(claim), **HTMX))
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt; <mark>road</mark>" in html
    assert 'href="javascript:' not in html
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html


def test_marked_escapes_the_text_and_merges_or_ignores_bad_spans() -> None:
    assert marked("a <b> c", [[2, 5]]) == "a <mark>&lt;b&gt;</mark> c"
    assert marked("harbour road", [[0, 4], [2, 7], [8, 12]]) == (
        "<mark>harbour</mark> <mark>road</mark>"
    )
    assert marked("road", [[0, 99], [3, 2], ["0", "2"], [True, 2], "xy", None]) == "road"
    assert marked("road", None) == "road"
    assert marked("<i>", []) == "&lt;i&gt;"


@pytest.mark.parametrize(
    ("url", "href"),
    [
        ("https://en.wikipedia.org/wiki/X", "https://en.wikipedia.org/wiki/X"),
        ("http://example.org/", "http://example.org/"),
        ("/claims/3/", "/claims/3/"),
        ("//evil.example/", ""),
        ("/\\evil.example/", ""),
        ("javascript:alert(1)", ""),
        (" JavaScript:alert(1)", ""),
        ("data:text/html,x", ""),
        ("https:///nohost", ""),
    ],
)
def test_safe_href_keeps_web_and_site_urls_only(url: str, href: str) -> None:
    assert safe_href(url) == href


# --- Who may do what ---------------------------------------------------------------------------

Action = Callable[[Claim], tuple[str, str]]


def _evidence_url(action: str) -> Action:
    def url(claim: Claim) -> tuple[str, str]:
        found(claim, Source.ARCHIVE, hit(1))
        return "POST", reverse(
            f"sources:evidence_{action}", kwargs={"pk": Evidence.objects.get().pk}
        )

    return url


def _retry_url(claim: Claim) -> tuple[str, str]:
    lookup = found(claim, Source.ARCHIVE)
    return "POST", reverse("sources:lookup_retry", kwargs={"pk": lookup.pk})


ACTIONS: dict[str, Action] = {
    "panel": lambda claim: ("GET", panel_url(claim)),
    "start": lambda claim: ("POST", panel_url(claim)),
    "retry": _retry_url,
    "attach": _evidence_url("attach"),
    "dismiss": _evidence_url("dismiss"),
    "draft": lambda claim: (
        "POST",
        reverse("sources:draft_lookups", kwargs={"pk": claim.draft_id}),
    ),
}


@pytest.mark.parametrize("action", ACTIONS)
def test_an_outsider_gets_404_as_for_something_that_does_not_exist(
    action: str, outsider_client: Client, claim: Claim
) -> None:
    method, url = ACTIONS[action](claim)
    before = (Lookup.objects.count(), EvidenceLink.objects.count(), list(Evidence.objects.values()))
    send = outsider_client.get if method == "GET" else outsider_client.post
    response = send(url, **HTMX)
    assert response.status_code == 404
    missing = send(url.replace(f"/{url.split('/')[2]}/", "/987654321/"), **HTMX)
    assert missing.status_code == 404
    assert before == (
        Lookup.objects.count(),
        EvidenceLink.objects.count(),
        list(Evidence.objects.values()),
    )
    assert "harbour" not in body(response).lower()


@pytest.mark.parametrize("action", ACTIONS)
def test_anonymous_users_are_sent_to_log_in(action: str, client: Client, claim: Claim) -> None:
    method, url = ACTIONS[action](claim)
    response = client.get(url) if method == "GET" else client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("action", ACTIONS)
def test_the_wrong_method_is_refused(action: str, checker_client: Client, claim: Claim) -> None:
    _method, url = ACTIONS[action](claim)
    # The panel's URL takes GET and POST; the others POST only.
    wrong = checker_client.put(url) if action in ("panel", "start") else checker_client.get(url)
    assert wrong.status_code == 405


# --- The whole draft ---------------------------------------------------------------------------


def test_looking_up_a_whole_draft_queues_every_live_claim_and_says_so(
    checker_client: Client,
    editor: Any,
    draft: Draft,
    claims: list[Claim],
    django_capture_on_commit_callbacks: Any,
) -> None:
    dismissed = claim_mark_sentence(
        sentence=draft.revisions.get().sentences.get(index=3), by=editor
    )
    claim_dismiss(claim=dismissed, by=editor)
    url = reverse("sources:draft_lookups", kwargs={"pk": draft.pk})

    with django_capture_on_commit_callbacks(execute=False):
        response = checker_client.post(url, {"source": ""}, **HTMX)

    html = body(response)
    assert response.status_code == 200
    assert events(response) == ["lookups-changed"]
    assert html.startswith(
        '<div id="flash" class="flash" role="status" aria-live="polite" hx-swap-oob="true">'
    )
    assert "Looking up 2 claims: 6 lookups queued." in html
    assert set(Lookup.objects.values_list("claim_id", flat=True)) == {c.pk for c in claims}
    assert not Lookup.objects.filter(claim=dismissed).exists()

    again = checker_client.post(url, {"source": ""}, **HTMX)
    assert "Every claim is already being looked up." in body(again)
    assert Lookup.objects.count() == 6


def test_looking_up_a_draft_without_javascript_redirects_to_the_draft(
    checker_client: Client, draft: Draft, claims: list[Claim]
) -> None:
    url = reverse("sources:draft_lookups", kwargs={"pk": draft.pk})
    response = checker_client.post(url, {"source": "wikipedia"})
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()
    assert "Looking up 2 claims: 2 lookups queued." in body(
        checker_client.get(draft.get_absolute_url())
    )


@pytest.mark.parametrize(
    ("setup", "data", "status", "message"),
    [
        ("no claims", {}, 200, "This draft has no claims to look up yet: mark some first."),
        ("no sources", {}, 422, "No source is enabled for this newsroom"),
        ("claims", {"source": "factcheck"}, 422, "None of those sources is enabled"),
        ("claims", {"source": "gopher"}, 422, "“gopher” is not a source."),
    ],
)
def test_looking_up_a_draft_explains_why_nothing_was_queued(
    checker_client: Client,
    editor: Any,
    draft: Draft,
    newsroom: Any,
    setup: str,
    data: dict[str, str],
    status: int,
    message: str,
) -> None:
    if setup != "no claims":
        sentence = draft.revisions.get().sentences.get(index=1)
        claim_mark_sentence(sentence=sentence, by=editor)
    if setup == "no sources":
        only(newsroom)
    response = checker_client.post(
        reverse("sources:draft_lookups", kwargs={"pk": draft.pk}), data, **HTMX
    )
    assert response.status_code == status
    assert message in body(response)
    assert not Lookup.objects.exists()


# --- Query counts ------------------------------------------------------------------------------


def _fill(claim: Claim, lookups: int, evidence_per_source: int) -> None:
    """``lookups`` lookups of the claim (four sources, then earlier wordings) and evidence."""
    now = timezone.now()
    sources = list(Source.values)
    Lookup.objects.bulk_create(
        Lookup(
            claim=claim,
            source=sources[i % 4],
            query=query_for(claim) + ("" if i < 4 else f" {i}"),
            status=[Lookup.Status.DONE, Lookup.Status.FAILED][i % 2],
            error="" if i % 2 == 0 else "Wikipedia: timed out after 10 s, 3 attempts",
            result_count=evidence_per_source,
            queued_at=now,
            finished_at=now,
        )
        for i in range(lookups)
    )
    Evidence.objects.bulk_create(
        Evidence(
            claim=claim,
            source=source,
            url=f"https://example.org/{source}/{n}",
            title=f"{source} {n}",
            snippet="The harbour road closed.",
            highlights=[[4, 11]],
            score=n,
            retrieved_at=now,
            status=[Evidence.Status.NEW, Evidence.Status.ATTACHED, Evidence.Status.DISMISSED][
                n % 3
            ],
        )
        for source in sources
        for n in range(evidence_per_source)
    )


def _panel_queries(client: Client, claim: Claim) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(panel_url(claim), **HTMX)
    assert response.status_code == 200
    return len(queries), body(response)


def test_the_panel_takes_the_same_few_queries_for_one_lookup_or_many(
    checker_client: Client, claims: list[Claim], django_assert_max_num_queries: Any
) -> None:
    small, large = claims
    _fill(small, lookups=1, evidence_per_source=1)
    _fill(large, lookups=12, evidence_per_source=15)

    few, few_html = _panel_queries(checker_client, small)
    many, many_html = _panel_queries(checker_client, large)

    assert few == many
    assert many_html.count('class="lookup lookup-') == 12
    assert many_html.count('class="evidence-item') == 60
    assert few_html.count('class="evidence-item') == 4
    # Session, user, the claim with its role, lookups, evidence, source settings.
    with django_assert_max_num_queries(6):
        checker_client.get(panel_url(large), **HTMX)
