"""Every URL from before the apps had their own prefixes answers a permanent redirect to where
the page lives now: 301 for GET and HEAD, 308 (method and body kept) for anything else, with the
query string. The paths are written out here, not derived from the table they test."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver

from factcheck.drafts.models import Draft
from factcheck.legacy_urls import moved

pytestmark = pytest.mark.django_db

# Old path → new path, for a sample pk.
OLD_TO_NEW = {
    "/drafts/7/claims/": "/claims/drafts/7/mark/",
    "/review/": "/reviews/",
    "/review/bulk/": "/reviews/bulk/",
    "/my-tasks/": "/reviews/my-tasks/",
    "/tasks/7/": "/reviews/tasks/7/",
    "/tasks/7/edit/": "/reviews/tasks/7/edit/",
    "/tasks/7/move/": "/reviews/tasks/7/move/",
    "/tasks/7/assign/": "/reviews/tasks/7/assign/",
    "/tasks/7/archive/": "/reviews/tasks/7/archive/",
    "/tasks/7/restore/": "/reviews/tasks/7/restore/",
    "/tasks/7/comments/": "/reviews/tasks/7/comments/",
    "/drafts/7/tasks/new/": "/reviews/drafts/7/tasks/new/",
    "/drafts/7/clearance/": "/reviews/drafts/7/clearance/",
    "/drafts/7/clearance.md": "/reviews/drafts/7/clearance.md",
    "/drafts/7/clearance.csv": "/reviews/drafts/7/clearance.csv",
    "/drafts/7/clear/": "/reviews/drafts/7/clear/",
    "/drafts/7/history/": "/history/drafts/7/",
    "/findings/7/": "/insights/findings/7/",
    "/findings/7/dismiss/": "/insights/findings/7/dismiss/",
    "/findings/7/reopen/": "/insights/findings/7/reopen/",
    "/findings/7/task/": "/insights/findings/7/task/",
    "/drafts/7/suggestions/": "/insights/drafts/7/suggestions/",
    "/drafts/7/quote-task/": "/insights/drafts/7/quote-task/",
    "/drafts/7/analysis/": "/insights/drafts/7/analysis/",
    "/library/": "/sources/library/",
    "/library/7/": "/sources/library/7/",
    "/library/7/archive/": "/sources/library/7/archive/",
    "/claims/7/lookups/": "/sources/claims/7/lookups/",
    "/lookups/7/retry/": "/sources/lookups/7/retry/",
    "/evidence/7/attach/": "/sources/evidence/7/attach/",
    "/evidence/7/dismiss/": "/sources/evidence/7/dismiss/",
    "/drafts/7/lookups/": "/sources/drafts/7/lookups/",
}
# Moved into the newsrooms app without changing their paths: served, not redirected.
KEPT = ("/newsrooms/demo/sources/", "/newsrooms/demo/suggestions/")

CASES = [pytest.param(old, new, id=old) for old, new in OLD_TO_NEW.items()]


@pytest.mark.parametrize(("old", "new"), CASES)
def test_an_old_path_sends_a_get_on_with_301(old: str, new: str) -> None:
    response = Client().get(old)

    assert (response.status_code, response["Location"]) == (301, new)


@pytest.mark.parametrize(("old", "new"), CASES)
def test_an_old_path_sends_a_post_on_with_308_which_keeps_the_method(old: str, new: str) -> None:
    # CSRF enforced, as in a browser: an old form's post is sent on, and checked where it lands.
    response = Client(enforce_csrf_checks=True).post(old, {"mark": "2"})

    assert (response.status_code, response["Location"]) == (308, new)


def test_head_is_301_and_other_methods_308() -> None:
    client = Client()
    assert client.head("/tasks/7/").status_code == 301
    for method in (client.put, client.patch, client.delete):
        assert method("/tasks/7/move/").status_code == 308


def test_the_query_string_comes_along() -> None:
    response = Client().get("/review/?show=verdicts&page=2")
    assert response["Location"] == "/reviews/?show=verdicts&page=2"
    response = Client().post("/drafts/7/history/?kind=claim")
    assert response["Location"] == "/history/drafts/7/?kind=claim"


def test_every_old_path_is_tested_and_no_redirect_shadows_a_page() -> None:
    _prefix, resolver = get_resolver().namespace_dict["legacy"]
    patterns = [p for p in resolver.url_patterns if isinstance(p, URLPattern)]
    assert len(patterns) == len(OLD_TO_NEW)
    for old, new in OLD_TO_NEW.items():
        assert get_resolver().resolve(old).func is moved, old
        assert get_resolver().resolve(new).func is not moved, new
    for path in KEPT:
        assert get_resolver().resolve(path).func is not moved, path


def test_the_redirect_lands_on_the_page(editor_client: Client, draft: Draft) -> None:
    pk = draft.pk
    response = editor_client.get(f"/drafts/{pk}/history/", follow=True)

    assert response.redirect_chain == [(f"/history/drafts/{pk}/", 301)]
    assert response.status_code == 200
