"""The draft endpoints: the stable contract (POST a draft, GET it with its claims and clearance),
new versions, their list and diff, sentences; who may do what, with the pages' rules."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import override_settings

from factcheck.api.services import api_token_create
from factcheck.claims.services import claim_mark_sentence
from factcheck.drafts.models import Draft, Revision, Sentence
from factcheck.drafts.services import draft_update
from tests.api.conftest import ApiClient, assert_error, token_for
from tests.conftest import SAMPLE_TEXT
from tests.fetch_stub import Site

pytestmark = pytest.mark.django_db

DRAFTS = "/api/v1/drafts/"
STORY = "Bridge Opens\n\nThe new bridge opened on Friday. It cost 40 million euros."
NEW_VERSION = SAMPLE_TEXT.replace("About 300 homes", "About 350 homes")


def _url(draft: Draft | int, rest: str = "") -> str:
    pk = draft if isinstance(draft, int) else draft.pk
    return f"{DRAFTS}{pk}/{rest}"


# --- The stable contract ------------------------------------------------------------------------


def test_post_a_draft_then_get_it_with_claims_and_clearance(
    editor_api: ApiClient, newsroom: Any, editor: Any
) -> None:
    response = editor_api.post(DRAFTS, {"newsroom": "demo", "title": "Bridge", "text": STORY})
    assert response.status_code == 201, response.content
    body = response.json()
    draft = Draft.objects.get(pk=body["id"])
    assert response["Location"].endswith(_url(draft))
    assert (draft.title, draft.newsroom, draft.created_by) == ("Bridge", newsroom, editor)
    revision = draft.revisions.get()
    assert (revision.source, revision.text) == (Revision.Source.API, STORY)
    assert body["newsroom"] == {"slug": "demo", "name": "Demo Newsroom"}
    assert body["revision"]["number"] == 1 and body["revision"]["source"] == "api"
    assert body["claims"] == []
    assert body["clearance"] == {
        "cleared": False,
        "cleared_at": None,
        "cleared_by": "",
        "blockers": [],
    }

    sentence = Sentence.objects.get(revision=revision, index=2)
    claim = claim_mark_sentence(sentence=sentence, by=editor)
    got = editor_api.get(_url(draft)).json()
    assert got["id"] == draft.pk and got["title"] == "Bridge" and got["version"] == draft.version
    [shown] = got["claims"]
    assert shown["id"] == claim.pk and shown["text"] == "It cost 40 million euros."
    assert shown["status"] == "unchecked" and shown["sentence"] == 2 and shown["revision"] == 1
    assert shown["links"] == [] and shown["verdict"] == ""
    [blocker] = got["clearance"]["blockers"]
    assert (blocker["kind"], blocker["id"], blocker["status"]) == ("claim", claim.pk, "unchecked")
    assert got["clearance"]["cleared"] is False


def test_title_defaults_to_the_first_line(editor_api: ApiClient, newsroom: Any) -> None:
    response = editor_api.post(DRAFTS, {"newsroom": "demo", "text": STORY})
    assert response.status_code == 201
    assert response.json()["title"] == "Bridge Opens"


def test_a_draft_from_an_uploaded_file(editor_api: ApiClient, newsroom: Any) -> None:
    upload = io.BytesIO(STORY.encode())
    upload.name = "bridge.txt"
    response = editor_api.multipart(DRAFTS, {"newsroom": "demo", "file": upload})
    assert response.status_code == 201, response.content
    revision = Draft.objects.get(pk=response.json()["id"]).revisions.get()
    assert (revision.source, revision.filename, revision.text) == ("api", "bridge.txt", STORY)


def test_a_draft_from_a_link(editor_api: ApiClient, newsroom: Any, settings: Any) -> None:
    settings.DRAFT_FETCH_ALLOW_ADDRESSES = ["127.0.0.1"]
    page = b"<html><head><title>Bridge Opens</title></head><body><article><h1>Bridge Opens</h1>"
    page += b"<p>The new bridge opened on Friday, the city said in a statement.</p>"
    page += b"<p>It cost 40 million euros, twice the first estimate.</p></article></body></html>"
    with Site() as site:
        site.page("/bridge", page, content_type="text/html; charset=utf-8")
        response = editor_api.post(DRAFTS, {"newsroom": "demo", "url": site.url + "/bridge"})
    assert response.status_code == 201, response.content
    revision = Draft.objects.get(pk=response.json()["id"]).revisions.get()
    assert revision.source_url == site.url + "/bridge" and revision.source == "api"
    assert "It cost 40 million euros" in revision.text


def test_a_link_to_a_private_address_is_refused_with_its_field(
    editor_api: ApiClient, newsroom: Any, settings: Any
) -> None:
    settings.DRAFT_FETCH_ALLOW_ADDRESSES = []
    response = editor_api.post(DRAFTS, {"newsroom": "demo", "url": "http://127.0.0.1:9/x"})
    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["url"]
    assert not Draft.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": STORY}, "newsroom"),
        ({"newsroom": "demo", "text": "   \n  "}, "text"),
        ({"newsroom": "demo", "title": "x" * 301, "text": STORY}, "title"),
        ({"newsroom": "demo", "url": "not a link"}, "url"),
    ],
)
def test_bad_input_is_400_with_the_field(
    editor_api: ApiClient, newsroom: Any, payload: dict[str, str], field: str
) -> None:
    error = assert_error(editor_api.post(DRAFTS, payload), 400, "invalid")
    assert field in error["fields"]
    assert all(isinstance(m, str) for m in error["fields"][field])
    assert not Draft.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [{"newsroom": "demo"}, {"newsroom": "demo", "text": "a", "url": "https://example.org/"}],
)
def test_exactly_one_input_is_asked_for(
    editor_api: ApiClient, newsroom: Any, payload: dict[str, str]
) -> None:
    error = assert_error(editor_api.post(DRAFTS, payload), 400, "invalid")
    assert "exactly one" in error["message"]


def test_malformed_json_is_400(editor_api: ApiClient, newsroom: Any) -> None:
    response = editor_api.client.post(
        DRAFTS, "{nope", content_type="application/json", **editor_api.headers
    )
    assert_error(response, 400, "parse_error")


def test_other_content_types_are_415(editor_api: ApiClient, newsroom: Any) -> None:
    response = editor_api.client.post(
        DRAFTS, "text", content_type="text/plain", **editor_api.headers
    )
    assert_error(response, 415, "unsupported_media_type")


@override_settings(DRAFT_MAX_BYTES=1000, DATA_UPLOAD_MAX_MEMORY_SIZE=2000)
def test_a_body_over_the_limit_is_413(editor_api: ApiClient, newsroom: Any) -> None:
    response = editor_api.post(DRAFTS, {"newsroom": "demo", "text": "word " * 1000})
    assert_error(response, 413, "payload_too_large")
    assert not Draft.objects.exists()


def test_html_in_the_text_is_kept_as_text(editor_api: ApiClient, newsroom: Any) -> None:
    text = "A <script>alert(1)</script> title\n\nThe mayor said <b>no</b>."
    body = editor_api.post(DRAFTS, {"newsroom": "demo", "text": text}).json()
    assert Draft.objects.get(pk=body["id"]).revisions.get().text == text


# --- Roles: the pages' capabilities ----------------------------------------------------------


def test_a_checker_cannot_load_drafts_as_on_the_pages(
    checker_api: ApiClient, newsroom: Any
) -> None:
    assert_error(
        checker_api.post(DRAFTS, {"newsroom": "demo", "text": STORY}), 403, "permission_denied"
    )
    assert not Draft.objects.exists()


def test_a_checker_reads_drafts_but_cannot_load_versions_or_edit(
    checker_api: ApiClient, draft: Draft
) -> None:
    assert checker_api.get(_url(draft)).status_code == 200
    assert checker_api.get(_url(draft, "revisions/")).status_code == 200
    assert_error(
        checker_api.post(_url(draft, "revisions/"), {"text": NEW_VERSION}), 403, "permission_denied"
    )
    assert_error(
        checker_api.patch(_url(draft), {"version": draft.version, "title": "X"}),
        403,
        "permission_denied",
    )
    assert draft.revisions.count() == 1


def test_a_newsroom_admin_loads_drafts(newsadmin: Any, newsroom: Any) -> None:
    client = ApiClient(token_for(newsadmin))
    assert client.post(DRAFTS, {"newsroom": "demo", "text": STORY}).status_code == 201


def test_a_newsroom_token_loads_drafts_as_its_account(newsadmin: Any, newsroom: Any) -> None:
    created = api_token_create(by=newsadmin, name="CMS", newsroom=newsroom)
    response = ApiClient(created.secret).post(DRAFTS, {"newsroom": "demo", "text": STORY})
    assert response.status_code == 201
    assert Draft.objects.get(pk=response.json()["id"]).created_by == created.token.user


# --- Outsiders --------------------------------------------------------------------------------


def _endpoints(draft: Draft) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        ("get", DRAFTS, {}),
        ("post", DRAFTS, {"newsroom": "demo", "text": STORY}),
        ("get", _url(draft), {}),
        ("patch", _url(draft), {"version": draft.version, "title": "Mine"}),
        ("get", _url(draft, "revisions/"), {}),
        ("post", _url(draft, "revisions/"), {"text": NEW_VERSION}),
        ("get", _url(draft, "revisions/1/diff/"), {}),
        ("get", _url(draft, "sentences/"), {}),
    ]


def test_anonymous_gets_401_from_every_endpoint(anonymous_api: ApiClient, draft: Draft) -> None:
    for method, url, data in _endpoints(draft):
        assert_error(anonymous_api.call(method, url, data), 401, "not_authenticated")
    assert Draft.objects.count() == 1 and draft.revisions.count() == 1


@pytest.mark.parametrize("who", ["outsider", "other_newsroom_token"])
def test_another_newsroom_gets_404_from_every_endpoint(
    who: str, draft: Draft, outsider: Any, other_newsroom: Any
) -> None:
    if who == "outsider":
        client = ApiClient(token_for(outsider))
    else:
        admin = type(outsider).objects.create(username="otheradmin")
        other_newsroom.memberships.create(user=admin, role="admin")
        client = ApiClient(token_for(admin, other_newsroom))
    for method, url, data in _endpoints(draft):
        response = client.call(method, url, data)
        if (method, url) == ("get", DRAFTS):
            assert response.status_code == 200 and response.json()["count"] == 0
        else:
            assert_error(response, 404, "not_found")
    draft.refresh_from_db()
    assert Draft.objects.count() == 1 and draft.revisions.count() == 1 and draft.title != "Mine"


def test_a_newsroom_token_stays_in_its_newsroom_even_if_its_account_joins_another(
    newsroom: Any, other_newsroom: Any, newsadmin: Any, outsider: Any
) -> None:
    created = api_token_create(by=newsadmin, name="CMS", newsroom=newsroom)
    other_newsroom.memberships.create(user=created.token.user, role="editor")  # a site admin
    from factcheck.drafts.services import draft_import

    theirs = draft_import(newsroom=other_newsroom, by=outsider, text=STORY)
    client = ApiClient(created.secret)
    assert_error(client.get(_url(theirs)), 404, "not_found")
    assert client.get(DRAFTS).json()["count"] == 0
    response = client.post(DRAFTS, {"newsroom": "other", "text": STORY})
    assert_error(response, 404, "not_found")


# --- The list ----------------------------------------------------------------------------------


def test_the_list_is_paginated_and_filtered_by_newsroom(
    editor_api: ApiClient, newsroom: Any, other_newsroom: Any, editor: Any
) -> None:
    from factcheck.drafts.services import draft_import

    other_newsroom.memberships.create(user=editor, role="checker")
    for n in range(3):
        draft_import(newsroom=newsroom, by=editor, text=f"Story {n}\n\nIt rained {n} days.")
    theirs = draft_import(newsroom=other_newsroom, by=None, text=STORY)
    page = editor_api.get(DRAFTS + "?limit=2").json()
    assert page["count"] == 4 and len(page["results"]) == 2 and page["next"]
    assert page["results"][0]["id"] == theirs.pk  # the newest change first
    rest = editor_api.get(page["next"]).json()
    assert len(rest["results"]) == 2 and rest["next"] is None
    demo = editor_api.get(DRAFTS + "?newsroom=demo").json()
    assert demo["count"] == 3 and {d["newsroom"] for d in demo["results"]} == {"demo"}
    item = demo["results"][0]
    assert set(item) >= {"id", "title", "revision", "claims", "cleared", "version", "archived"}
    assert editor_api.get(DRAFTS + "?cleared=true").json()["count"] == 0
    assert editor_api.get(DRAFTS + "?archived=true").json()["count"] == 0
    error = assert_error(editor_api.get(DRAFTS + "?cleared=maybe"), 400, "invalid")
    assert error["fields"] == {"cleared": ["Use true or false, not 'maybe'."]}


# --- Editing with a version ------------------------------------------------------------------


def test_a_stale_version_is_409_and_changes_nothing(
    editor_api: ApiClient, draft: Draft, editor: Any
) -> None:
    seen = draft.version
    draft_update(draft=draft, by=editor, expected_version=seen, title="Theirs", deadline=None)
    response = editor_api.patch(_url(draft), {"version": seen, "title": "Mine"})
    error = assert_error(response, 409, "conflict")
    assert error["current_version"] == seen + 1
    draft.refresh_from_db()
    assert draft.title == "Theirs"
    ok = editor_api.patch(_url(draft), {"version": seen + 1, "title": "Mine"})
    assert ok.status_code == 200 and ok.json()["title"] == "Mine"
    assert ok.json()["version"] == seen + 2


def test_an_edit_needs_the_version(editor_api: ApiClient, draft: Draft) -> None:
    error = assert_error(editor_api.patch(_url(draft), {"title": "Mine"}), 400, "invalid")
    assert "version" in error["fields"]


def test_wrong_method_is_405_with_allow(editor_api: ApiClient, draft: Draft) -> None:
    response = editor_api.client.delete(_url(draft), **editor_api.headers)
    assert_error(response, 405, "method_not_allowed")
    assert "PATCH" in response["Allow"]
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_an_unknown_path_is_404_in_the_same_shape(editor_api: ApiClient) -> None:
    assert_error(editor_api.get("/api/v1/nothing/"), 404, "not_found")
    assert_error(editor_api.get(DRAFTS + "999999/"), 404, "not_found")


# --- Revisions, diff, sentences ------------------------------------------------------------------


def test_a_new_version_moves_the_claims_and_is_listed(
    editor_api: ApiClient, draft: Draft, editor: Any
) -> None:
    revision = draft.revisions.get()
    power = Sentence.objects.get(revision=revision, start=SAMPLE_TEXT.index("About 300"))
    claim = claim_mark_sentence(sentence=power, by=editor)
    response = editor_api.post(_url(draft, "revisions/"), {"text": NEW_VERSION})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == 2 and body["source"] == "api"
    assert body["outcome"] == {"kept": 0, "changed": 1, "removed": 0, "orphaned": 0}
    claim.refresh_from_db()
    assert claim.revision.number == 2 and claim.text == "About 350 homes lost power."

    listed = editor_api.get(_url(draft, "revisions/")).json()
    assert listed["count"] == 2
    assert [r["number"] for r in listed["results"]] == [2, 1]
    assert listed["results"][0]["outcome"]["changed"] == 1
    assert listed["results"][0]["created_by"] == "editor"

    diff = editor_api.get(_url(draft, "revisions/2/diff/")).json()
    assert (diff["from_revision"], diff["to_revision"]) == (1, 2)
    [edited] = [row for row in diff["rows"] if row["kind"] == "edited"]
    assert edited["text"] == "About 350 homes lost power." and edited["claims"] == [claim.pk]
    assert {"op": "insert", "text": "350 "} in edited["pieces"] or any(
        p["op"] == "insert" and "350" in p["text"] for p in edited["pieces"]
    )
    everything = editor_api.get(_url(draft, "revisions/2/diff/?from=1&show=all")).json()
    assert len(everything["rows"]) >= len(diff["rows"])
    assert_error(editor_api.get(_url(draft, "revisions/9/diff/")), 404, "not_found")
    assert_error(editor_api.get(_url(draft, "revisions/2/diff/?from=x")), 400, "invalid")


def test_a_refused_version_changes_nothing(editor_api: ApiClient, draft: Draft) -> None:
    error = assert_error(editor_api.post(_url(draft, "revisions/"), {"text": " "}), 400, "invalid")
    assert "text" in error["fields"]
    assert draft.revisions.count() == 1


def test_sentences_are_paginated_with_their_text(editor_api: ApiClient, draft: Draft) -> None:
    revision = draft.revisions.get()
    units = list(Sentence.objects.filter(revision=revision).order_by("index"))
    page = editor_api.get(_url(draft, "sentences/?limit=3")).json()
    assert page["count"] == len(units)
    assert [s["index"] for s in page["results"]] == [0, 1, 2]
    for shown, unit in zip(page["results"], units, strict=False):
        assert shown["text"] == revision.text[unit.start : unit.end]
        assert shown["kind"] == unit.kind
    rest = editor_api.get(_url(draft, f"sentences/?offset=3&limit={len(units)}")).json()
    assert [s["index"] for s in rest["results"]] == list(range(3, len(units)))
    assert editor_api.get(_url(draft, "sentences/?revision=1")).json()["count"] == len(units)
    assert_error(editor_api.get(_url(draft, "sentences/?revision=2")), 404, "not_found")
