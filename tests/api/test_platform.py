"""What every endpoint shares: rate limits per token (429 with Retry-After), the error shape of
an unexpected error, the OpenAPI 3 schema (valid) and the docs (served without a CDN), and query
counts that do not grow with the lists."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.validation import validate_schema

from factcheck.api.services import api_token_create
from factcheck.claims.services import claim_mark_sentence
from factcheck.drafts.models import Draft, Sentence
from factcheck.drafts.services import draft_import
from tests.api.conftest import ApiClient, assert_error, token_for
from tests.conftest import SAMPLE_TEXT

pytestmark = pytest.mark.django_db

DRAFTS = "/api/v1/drafts/"


# --- Rate limits ---------------------------------------------------------------------------------


def test_a_token_past_its_rate_gets_429_with_retry_after(
    editor: Any, newsroom: Any, settings: Any
) -> None:
    settings.API_RATE_PER_TOKEN = "3/minute"
    busy = ApiClient(token_for(editor))
    for _ in range(3):
        assert busy.get(DRAFTS).status_code == 200
    response = busy.get(DRAFTS)
    error = assert_error(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 60
    assert "try again in" in error["message"]
    # Per token: another token of the same person has its own allowance.
    assert ApiClient(token_for(editor)).get(DRAFTS).status_code == 200


def test_the_rate_setting_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from factcheck.settings import env_rate

    monkeypatch.setenv("API_RATE_PER_TOKEN", "lots")
    with pytest.raises(ImproperlyConfigured):
        env_rate("API_RATE_PER_TOKEN", "600/minute")
    monkeypatch.setenv("API_RATE_PER_TOKEN", "50/hour")
    assert env_rate("API_RATE_PER_TOKEN", "600/minute") == "50/hour"


# --- Unexpected errors --------------------------------------------------------------------------


def test_an_unexpected_error_is_500_in_the_same_shape(
    editor_api: ApiClient, draft: Draft, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("factcheck.api.views.draft_detail", broken)
    error = assert_error(editor_api.get(f"{DRAFTS}{draft.pk}/"), 500, "server_error")
    assert "boom" not in error["message"]


# --- Schema and docs ------------------------------------------------------------------------


def test_the_schema_is_valid_openapi_3(anonymous_api: ApiClient) -> None:
    response = anonymous_api.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # against the OpenAPI 3 JSON Schema that drf-spectacular ships
    paths = schema["paths"]
    assert set(paths) == {
        "/api/v1/drafts/",
        "/api/v1/drafts/{id}/",
        "/api/v1/drafts/{id}/revisions/",
        "/api/v1/drafts/{id}/revisions/{number}/diff/",
        "/api/v1/drafts/{id}/sentences/",
        # Claims and clearance
        "/api/v1/drafts/{id}/claims/",
        "/api/v1/claims/{id}/",
        "/api/v1/claims/{id}/dismiss/",
        "/api/v1/claims/{id}/restore/",
        "/api/v1/claims/{id}/propose/",
        "/api/v1/claims/{id}/approve/",
        "/api/v1/claims/{id}/send-back/",
        "/api/v1/drafts/{id}/clearance/",
        "/api/v1/drafts/{id}/report/",
        # Tasks, findings, lookups and the queue
        "/api/v1/drafts/{id}/tasks/",
        "/api/v1/tasks/{id}/",
        "/api/v1/tasks/{id}/assign/",
        "/api/v1/tasks/{id}/move/",
        "/api/v1/tasks/{id}/comments/",
        "/api/v1/drafts/{id}/findings/",
        "/api/v1/findings/{id}/",
        "/api/v1/findings/{id}/dismiss/",
        "/api/v1/findings/{id}/reopen/",
        "/api/v1/findings/{id}/task/",
        "/api/v1/claims/{id}/lookups/",
        "/api/v1/claims/{id}/evidence/",
        "/api/v1/lookups/{id}/",
        "/api/v1/evidence/{id}/attach/",
        "/api/v1/evidence/{id}/dismiss/",
        "/api/v1/queue/",
        # Publishing
        "/api/v1/drafts/{id}/publication/",
        "/api/v1/drafts/{id}/publication/withdraw/",
        "/api/v1/drafts/{id}/claimreview/",
    }
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    create = paths["/api/v1/drafts/"]["post"]
    assert {"201", "400", "401", "403", "404", "429"} <= set(create["responses"])
    assert "multipart/form-data" in create["requestBody"]["content"]


@pytest.mark.parametrize("url", ["/api/docs/", "/api/docs/redoc/"])
def test_the_docs_load_nothing_from_another_site(anonymous_api: ApiClient, url: str) -> None:
    response = anonymous_api.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, html
    # Our static files (the sidecar's bundles, the docs' stylesheet) and, for Swagger UI, its
    # start-up script from the same view (not inline: the CSP, tests/ops/test_headers.py).
    own_script = f"{url}?script="
    assert all(s.startswith("/static/") or s == own_script for s in sources), sources
    if own_script in sources:
        html += anonymous_api.get(own_script).content.decode()
    assert "/api/schema/" in html
    assert "cdn" not in html.lower()
    assert not re.search(r"https?://", html.replace("http://testserver", ""))


# --- Query counts -----------------------------------------------------------------------------

# The token (with its user); the page's drafts; their count. The last use is written at most
# once a minute: the requests counted here follow one that wrote it.
DRAFT_LIST = 3
# The token; the draft with its role; the revisions (with their units counted); their
# history entries (what each did to the claims).
REVISION_LIST = 4
# The token; the draft with its role; the revision; the page's units with their text; the count.
SENTENCE_LIST = 5
# The token; the draft with its role; the revision; the claims; their links; the blockers
# (claims, tasks, findings).
DRAFT_DETAIL = 8


def _count(client: ApiClient, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.fixture
def warm(editor: Any) -> ApiClient:
    client = ApiClient(api_token_create(by=editor, name="x").secret)
    client.get(DRAFTS)  # records the token's use: not counted below
    return client


def test_the_draft_list_costs_the_same_for_few_drafts_or_many(
    warm: ApiClient, newsroom: Any, editor: Any
) -> None:
    draft_import(newsroom=newsroom, by=editor, text=SAMPLE_TEXT)
    few = _count(warm, DRAFTS)
    for n in range(12):
        draft_import(newsroom=newsroom, by=editor, text=f"Story {n}\n\nIt rained {n} days.")
    assert few == _count(warm, DRAFTS) == DRAFT_LIST


def test_revisions_and_sentences_cost_the_same_for_few_or_many(
    warm: ApiClient, draft: Draft, editor: Any
) -> None:
    from factcheck.claims.revisions import revision_load

    base = f"{DRAFTS}{draft.pk}/"
    few = (_count(warm, base + "revisions/"), _count(warm, base + "sentences/"))
    long_text = SAMPLE_TEXT + "".join(f"\n\nThe council met {n} times." for n in range(40))
    for n in range(4):
        revision_load(draft=draft, by=editor, text=long_text + f"\n\nVersion {n}.")
    many = (_count(warm, base + "revisions/"), _count(warm, base + "sentences/"))
    assert few == many == (REVISION_LIST, SENTENCE_LIST)


def test_the_draft_costs_the_same_for_few_claims_or_many(
    warm: ApiClient, newsroom: Any, editor: Any
) -> None:
    text = "Council Report\n\n" + " ".join(f"The council spent {n} euros." for n in range(30))
    draft = draft_import(newsroom=newsroom, by=editor, text=text)
    units = list(Sentence.objects.filter(revision__draft=draft).order_by("index"))
    claim_mark_sentence(sentence=units[1], by=editor)
    few = _count(warm, f"{DRAFTS}{draft.pk}/")
    for unit in units[2:]:
        claim_mark_sentence(sentence=unit, by=editor)
    assert few == _count(warm, f"{DRAFTS}{draft.pk}/") == DRAFT_DETAIL
    assert len(warm.get(f"{DRAFTS}{draft.pk}/").json()["claims"]) == len(units) - 1
