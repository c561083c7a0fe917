"""The lookup and evidence endpoints: start a claim's lookups (202, queued through the
service, run after the commit by the Celery task against a stub Wikipedia on 127.0.0.1: the
sources' own test double), follow them, read the evidence, attach or dismiss it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factcheck.claims.models import Claim, EvidenceLink
from factcheck.claims.services import claim_dismiss, claim_mark_sentence
from factcheck.drafts.models import Draft
from factcheck.drafts.services import draft_import
from factcheck.sources.models import Evidence, Lookup, SourceSettings
from factcheck.sources.services import lookup_fail, lookups_start, source_settings_for
from tests.api.conftest import ApiClient, assert_error, token_for
from tests.api.work import a_claim, found_evidence
from tests.sources.conftest import SU25_TEXT, StubServer, load_recorded

pytestmark = pytest.mark.django_db

EN = "/en/w/api.php"


@pytest.fixture(autouse=True)
def lookup_cache(settings: Any) -> Iterator[None]:
    """A fresh in-memory cache: cached answers and rate-limit counters stay in this test."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api"}
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def wiki(settings: Any) -> Iterator[StubServer]:
    """Wikipedia answering with the recorded Su-25 search, on 127.0.0.1."""
    with StubServer() as server:
        settings.WIKIPEDIA_API_URL = server.url + "/{lang}/w/api.php"
        server.route(
            EN,
            json=load_recorded("wikipedia_search_su25"),
            match={"action": "query", "list": "search"},
        )
        yield server


@pytest.fixture
def su25(newsroom: Any, editor: Any) -> Claim:
    revision = draft_import(newsroom=newsroom, by=editor, text=SU25_TEXT).revisions.get()
    sentence = next(
        s for s in revision.sentences.all() if "Su-25" in revision.text[s.start : s.end]
    )
    return claim_mark_sentence(sentence=sentence, by=editor)


def lookups_url(claim: Claim) -> str:
    return f"/api/v1/claims/{claim.pk}/lookups/"


def evidence_url(claim: Claim, query: str = "") -> str:
    return f"/api/v1/claims/{claim.pk}/evidence/{query}"


def test_a_checker_starts_lookups_and_polls_them_until_done(
    checker_api: ApiClient, su25: Claim, wiki: StubServer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = checker_api.post(lookups_url(su25), {})
        answered = response.json()  # before the workers ran: all queued

    assert response.status_code == 202, response.content
    assert response["Location"].endswith(lookups_url(su25))
    lookups = {row["source"]: row for row in answered["lookups"]}
    assert set(lookups) == {"archive", "library", "wikipedia"}  # the enabled sources
    assert {row["status"] for row in lookups.values()} == {"queued"}
    assert sorted(answered["started"]) == sorted(row["id"] for row in lookups.values())
    assert all(row["requested_by"] == "checker" for row in lookups.values())

    polled = checker_api.get(lookups_url(su25)).json()
    assert polled["count"] == 3
    done = {row["source"]: row for row in polled["results"]}
    assert {row["status"] for row in done.values()} == {"done"}
    assert done["wikipedia"]["results"] == 5 and done["wikipedia"]["current_wording"] is True
    assert wiki.requests_to(EN)  # looked up through the real HTTP path, on the stub

    one = checker_api.get(f"/api/v1/lookups/{done['wikipedia']['id']}/").json()
    assert one == done["wikipedia"]

    evidence = checker_api.get(evidence_url(su25)).json()
    assert evidence["count"] == 5
    first = evidence["results"][0]
    assert first["source"] == "wikipedia" and first["status"] == "new"
    assert first["url"].startswith("https://en.wikipedia.org/wiki/")
    assert first["lookup"] == done["wikipedia"]["id"]
    scores = [row["score"] for row in evidence["results"]]
    assert scores == sorted(scores, reverse=True)
    assert checker_api.get(evidence_url(su25, "?source=archive")).json()["count"] == 0


def test_starting_again_while_queued_starts_nothing_new(
    editor_api: ApiClient, su25: Claim, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        first = editor_api.post(lookups_url(su25), {"source": "archive"}).json()
        again = editor_api.post(lookups_url(su25), {"source": "archive"})
    assert again.status_code == 202
    assert again.json()["started"] == []
    assert [row["id"] for row in again.json()["lookups"]] == first["started"]
    assert Lookup.objects.filter(claim=su25).count() == 1


def test_a_finished_lookup_is_queued_again(editor_api: ApiClient, su25: Claim) -> None:
    [lookup] = lookups_start(claims=[su25], by=None, sources=["archive"])
    lookup_fail(lookup_id=lookup.pk, reason="Newsroom archive: the database was busy")
    failed = editor_api.get(f"/api/v1/lookups/{lookup.pk}/").json()
    assert (failed["status"], failed["error"]) == (
        "failed",
        "Newsroom archive: the database was busy",
    )
    retried = editor_api.post(lookups_url(su25), {"source": "archive"})
    assert retried.status_code == 202 and retried.json()["started"] == [lookup.pk]
    lookup.refresh_from_db()
    assert lookup.status == Lookup.Status.QUEUED and lookup.error == ""


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"source": "altavista"}, "source", None),
        ({"source": "factcheck"}, None, "None of those sources is enabled for this newsroom"),
    ],
)
def test_an_unknown_or_disabled_source_is_400(
    editor_api: ApiClient, su25: Claim, payload: dict[str, str], field: str, message: str
) -> None:
    error = assert_error(editor_api.post(lookups_url(su25), payload), 400, "invalid")
    if field:
        assert list(error["fields"]) == [field]
    else:
        assert error["message"].startswith(message)
    assert not Lookup.objects.exists()


def test_a_dismissed_claim_or_a_newsroom_without_sources_is_not_looked_up(
    editor_api: ApiClient, su25: Claim, editor: Any, newsroom: Any
) -> None:
    settings_row = source_settings_for(newsroom)
    SourceSettings.objects.filter(pk=settings_row.pk).update(
        archive_enabled=False, library_enabled=False, wikipedia_enabled=False
    )
    error = assert_error(editor_api.post(lookups_url(su25), {}), 400, "invalid")
    assert error["message"].startswith("No source is enabled for this newsroom")
    claim_dismiss(claim=su25, by=editor)
    error = assert_error(editor_api.post(lookups_url(su25), {}), 400, "invalid")
    assert error["message"] == "This claim is dismissed: restore it to look it up."
    assert not Lookup.objects.exists()


def test_attach_and_dismiss_as_the_panel_does(checker_api: ApiClient, draft: Draft) -> None:
    claim = a_claim(draft)
    best, other = found_evidence(claim, "https://example.org/a", "https://example.org/b")
    attached = checker_api.post(f"/api/v1/evidence/{best.pk}/attach/")
    assert attached.status_code == 200, attached.content
    assert attached.json()["status"] == "attached"
    link = EvidenceLink.objects.get(claim=claim)
    assert link.url == "https://example.org/a" and link.note == "Wikipedia: Report 0"
    again = checker_api.post(f"/api/v1/evidence/{best.pk}/attach/")
    assert again.status_code == 200 and EvidenceLink.objects.count() == 1

    refused = checker_api.post(f"/api/v1/evidence/{best.pk}/dismiss/")
    error = assert_error(refused, 400, "invalid")
    assert error["message"] == "This evidence is attached to the verdict; it cannot be dismissed."

    dismissed = checker_api.post(f"/api/v1/evidence/{other.pk}/dismiss/")
    assert dismissed.status_code == 200 and dismissed.json()["status"] == "dismissed"
    listed = checker_api.get(evidence_url(claim, "?status=dismissed")).json()
    assert [row["id"] for row in listed["results"]] == [other.pk]
    assert_error(checker_api.get(evidence_url(claim, "?status=gone")), 400, "invalid")


def test_only_web_links_are_attached(editor_api: ApiClient, draft: Draft) -> None:
    [evidence] = found_evidence(a_claim(draft), "javascript:alert(1)")
    error = assert_error(editor_api.post(f"/api/v1/evidence/{evidence.pk}/attach/"), 400, "invalid")
    assert error["message"] == "Only http(s) links can be attached to a verdict."
    evidence.refresh_from_db()
    assert evidence.status == Evidence.Status.NEW and not EvidenceLink.objects.exists()


def test_an_outsider_sees_and_starts_nothing(outsider_api: ApiClient, su25: Claim) -> None:
    [evidence] = found_evidence(su25, "https://example.org/secret")
    lookup = Lookup.objects.get()
    for url in (lookups_url(su25), evidence_url(su25), f"/api/v1/lookups/{lookup.pk}/"):
        response = outsider_api.get(url)
        assert_error(response, 404, "not_found")
        assert "secret" not in response.content.decode()
    assert_error(outsider_api.post(lookups_url(su25), {}), 404, "not_found")
    assert_error(outsider_api.post(f"/api/v1/evidence/{evidence.pk}/attach/"), 404, "not_found")
    assert Lookup.objects.count() == 1 and not EvidenceLink.objects.exists()
    assert Evidence.objects.get().status == Evidence.Status.NEW


def test_the_evidence_list_costs_the_same_for_few_or_many(editor: Any, draft: Draft) -> None:
    client = ApiClient(token_for(editor))
    claim = a_claim(draft)
    client.get(evidence_url(claim))

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    found_evidence(claim, "https://example.org/1")
    few = (count(evidence_url(claim)), count(lookups_url(claim)))
    found_evidence(claim, *(f"https://example.org/{n}" for n in range(12)), source="archive")
    # The token; the claim with its role; the count; the page.
    assert few == (count(evidence_url(claim)), count(lookups_url(claim))) == (4, 4)
