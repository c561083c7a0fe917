"""The API's lists page by ``limit`` and ``offset``, strictly: a value out of bounds, not a whole
number, or given twice is a 400 that says so, never silently replaced by the default."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import ApiClient, assert_error

pytestmark = pytest.mark.django_db

SENTENCES = "/api/v1/drafts/{}/sentences/"


def test_limit_and_offset_page_through_a_list(editor_api: ApiClient, draft: Any) -> None:
    url = SENTENCES.format(draft.pk)
    whole = editor_api.get(url).json()
    page = editor_api.get(url + "?limit=2&offset=1").json()
    assert page["count"] == whole["count"] > 3
    assert [u["index"] for u in page["results"]] == [u["index"] for u in whole["results"][1:3]]
    assert page["next"].endswith("limit=2&offset=3") and page["previous"]
    assert editor_api.get(url + "?limit=&offset=").json()["results"] == whole["results"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=ten", "limit"),
        ("limit=-1", "limit"),
        ("limit=2&limit=3", "limit"),
        ("offset=-1", "offset"),
        ("offset=1.5", "offset"),
        ("offset=%EF%BC%91", "offset"),  # a full-width digit: not ASCII
    ],
)
def test_a_bad_limit_or_offset_is_a_400_naming_it(
    editor_api: ApiClient, draft: Any, query: str, field: str
) -> None:
    error = assert_error(editor_api.get(SENTENCES.format(draft.pk) + "?" + query), 400, "invalid")
    assert list(error["fields"]) == [field]
    assert "whole number" in error["fields"][field][0]


def test_the_schema_documents_the_bounds_and_the_paged_shape(anonymous_api: ApiClient) -> None:
    schema = anonymous_api.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/drafts/{id}/sentences/"]["get"]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert parameters["limit"] == {"type": "integer", "minimum": 1, "maximum": 500}
    assert parameters["offset"] == {"type": "integer", "minimum": 0}
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    paged = schema["components"]["schemas"][ok.rsplit("/", 1)[-1]]
    assert set(paged["properties"]) == {"count", "next", "previous", "results"}
    for code in ("400", "401", "403", "404", "429"):
        error = operation["responses"][code]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/Error"}, code
