"""Every URL under the ``drafts`` namespace, and the other apps' URLs that act on a draft (the mark
endpoint, ``claims:mark``): outsiders learn nothing, anonymous users log in.

The patterns are read from the resolver, not listed by hand, and checked against ACCESS: a new
pattern (or a new URL keyword) fails here until it is added to the table, with its methods and
a plausible POST body, and so gets the outsider and anonymous checks below for free.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from factcheck.claims.models import Claim
from factcheck.drafts.models import Draft
from tests.conftest import SAMPLE_TEXT

pytestmark = pytest.mark.django_db

# name -> (URL keywords, methods the view answers, a plausible POST body for the demo draft)
ACCESS: dict[str, tuple[frozenset[str], frozenset[str], dict[str, Any]]] = {
    "new": (frozenset(), frozenset({"GET", "POST"}), {"text": SAMPLE_TEXT}),
    "detail": (frozenset({"pk"}), frozenset({"GET"}), {}),
    "export_json": (frozenset({"pk"}), frozenset({"GET"}), {}),
    "highlights": (frozenset({"pk"}), frozenset({"POST"}), {"show": "number"}),
    "edit": (frozenset({"pk"}), frozenset({"GET", "POST"}), {"title": "x", "version": "1"}),
    "archive": (frozenset({"pk"}), frozenset({"POST"}), {}),
    "restore": (frozenset({"pk"}), frozenset({"POST"}), {}),
    "revisions": (frozenset({"pk"}), frozenset({"GET"}), {}),
    "revision_new": (
        frozenset({"pk"}),
        frozenset({"GET", "POST"}),
        {"text": SAMPLE_TEXT + "\nMore."},
    ),
    # ``number``: a revision of the draft ``pk`` names, looked up within it (the first: every
    # draft has one), so the draft's rule is the revision's.
    "revision": (frozenset({"pk", "number"}), frozenset({"GET"}), {}),
    # ``?from=&to=``: revisions of the draft ``pk`` names (by default its latest and the one
    # before), so the draft's rule is the diff's.
    "diff": (frozenset({"pk"}), frozenset({"GET"}), {}),
    "claims:mark": (frozenset({"pk"}), frozenset({"POST"}), {"mark": "2"}),
}
# Patterns of other apps whose ``pk`` is a draft's, by full name: the same rule holds for them.
DRAFT_PATTERNS_ELSEWHERE = ("claims:mark",)


def _walk(patterns: list[Any]) -> Iterator[URLPattern]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns)
        else:
            yield entry


def drafts_patterns() -> dict[str, frozenset[str]]:
    """Each pattern of the ``drafts`` namespace by name, and those of DRAFT_PATTERNS_ELSEWHERE by
    full name, with their URL keywords."""
    _prefix, resolver = get_resolver().namespace_dict["drafts"]
    found: dict[str, frozenset[str]] = {}
    for pattern in _walk(resolver.url_patterns):
        assert pattern.name, f"unnamed pattern {pattern.pattern} cannot be checked"
        assert pattern.name not in found, f"two patterns named {pattern.name}"
        found[pattern.name] = frozenset(pattern.pattern.regex.groupindex)
    for full_name in DRAFT_PATTERNS_ELSEWHERE:
        namespace, name = full_name.split(":")
        _prefix, resolver = get_resolver().namespace_dict[namespace]
        (pattern,) = [p for p in _walk(resolver.url_patterns) if p.name == name]
        found[full_name] = frozenset(pattern.pattern.regex.groupindex)
    return found


PATTERNS = drafts_patterns()
PK_PATTERNS = sorted(name for name, keywords in PATTERNS.items() if "pk" in keywords)


def url_for(name: str, draft_pk: int) -> str:
    keywords = PATTERNS[name]
    full_name = name if ":" in name else f"drafts:{name}"
    kwargs = {"pk": draft_pk, "number": 1} if "number" in keywords else {"pk": draft_pk}
    return reverse(full_name, kwargs=kwargs if keywords else {})


def request(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    if method == "GET":
        return client.get(url)
    if "version" in data:  # the version the user saw: the draft's current one
        draft = Draft.objects.filter(pk=int(url.split("/")[2])).first()
        data = {**data, "version": draft.version if draft else 1}
    return client.post(url, data)


def test_every_drafts_pattern_is_in_the_access_table() -> None:
    assert set(PATTERNS) == set(ACCESS), "add the new pattern to ACCESS (and check its access)"
    for name, keywords in PATTERNS.items():
        assert keywords == ACCESS[name][0], f"{name} takes {sorted(keywords)}"
        assert keywords <= {"pk", "number"}, (
            f"{name} takes {sorted(keywords)}: say how it is checked"
        )


def test_every_draft_url_of_the_access_table_answers_a_member(
    editor_client: Client, draft: Draft
) -> None:
    """The outsider's 404s below mean something only if a member gets through."""
    for name in PK_PATTERNS:
        _keywords, methods, data = ACCESS[name]
        for method in sorted(methods):
            response = request(editor_client, method, url_for(name, draft.pk), data)
            assert response.status_code in (200, 302), (name, method, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith(f"/drafts/{draft.pk}/")


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name", PK_PATTERNS)
def test_outsider_learns_nothing_from_any_draft_url(
    outsider_client: Client, draft: Draft, name: str, method: str
) -> None:
    _keywords, methods, data = ACCESS[name]
    drafts_before, claims_before = Draft.objects.count(), Claim.objects.count()

    response = request(outsider_client, method, url_for(name, draft.pk), data)
    missing = request(outsider_client, method, url_for(name, draft.pk + 10_000), data)

    # A method the view answers: 404, as for a draft that does not exist. A method it refuses:
    # 405 whatever the draft, so that answer tells nothing either.
    expected = 404 if method in methods else 405
    assert response.status_code == expected, response.status_code
    assert missing.status_code == response.status_code
    assert draft.title not in response.content.decode()
    assert "Content-Disposition" not in response
    assert (Draft.objects.count(), Claim.objects.count()) == (drafts_before, claims_before)


def test_outsider_cannot_load_a_draft_into_the_demo_newsroom(
    outsider_client: Client, draft: Draft, newsroom: Any
) -> None:
    data = {**ACCESS["new"][2], "newsroom": newsroom.pk}
    response = outsider_client.post(url_for("new", draft.pk), data)
    assert response.status_code == 400
    assert "newsroom" in response.context["form"].errors
    assert Draft.objects.count() == 1


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_anonymous_users_are_sent_to_login_from_every_drafts_url(
    client: Client, draft: Draft, newsroom: Any, name: str, method: str
) -> None:
    url = url_for(name, draft.pk)
    data = {**ACCESS[name][2], "newsroom": newsroom.pk}
    response = request(client, method, url, data)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    assert Draft.objects.count() == 1
    assert not Claim.objects.exists()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_anonymous_users_are_sent_to_login_from_the_dashboard(client: Client, method: str) -> None:
    response = request(client, method, "/", {})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
