"""CSRF: every URL that takes a POST refuses one without a token (403), plain and htmx, and
writes nothing; the REST API, exempt by design, refuses the session altogether.

The patterns are read from the resolver, as tests/test_url_access.py reads them, so a URL added
later is checked without anyone editing this file: a POST without a token must be refused by
Django's CSRF middleware before the view runs, whatever the view would do with it. Each request
comes from a client that enforces the check (``Client(enforce_csrf_checks=True)``) and is logged
in as a member allowed to make that POST (the newsroom admin, or the row's own allowed role in
tests/test_url_access.py's table; a superuser for Django's admin), with the row's valid body, so
that the token is the only thing missing. A control request with the token shows that it was.

"Refused by CSRF" is a 403 with the middleware's own record (on the ``django.security.csrf``
logger, caught there whatever LOGGING says), not a page's wording; "nothing written" is the
row count of every installed model, history and sessions included, before and after.

Exempt by design, and nothing else may be (``test_only_the_api_and_the_old_paths_skip_csrf``):
- ``api:`` takes ``Authorization: Bearer`` only; DRF marks its views exempt and leaves the check
  to SessionAuthentication, which the project does not enable, so a session cookie opens
  nothing there (401), token or not;
- ``legacy:`` only redirects (308, method kept) to the new URL, which checks the token.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.test import Client
from django.urls import get_resolver, reverse

from factcheck.claims.models import Claim
from factcheck.legacy_urls import moved as moved_view
from tests.test_url_access import (
    EXPECTED,
    ROLES,
    World,
    _walk,
    admin_urls,
    walk_keywords,
    world,  # noqa: F401  (the fixture, built per test as in tests/test_url_access.py)
)

pytestmark = pytest.mark.django_db

CSRF_LOGGER = "django.security.csrf"
EXEMPT_NAMESPACES = {"api", "legacy"}
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/"}
# Who makes the POST where the table says nothing (a URL added after this file): an admin of
# the demo newsroom may do everything there.
DEFAULT_ROLE = "newsadmin"
ALLOWED = (200, 302)


def all_patterns() -> dict[str, tuple[frozenset[str], Any]]:
    """Every named URL pattern but the admin's (listed by admin_urls), with its keywords and
    view."""
    found: dict[str, tuple[frozenset[str], Any]] = {}
    for name, pattern, keywords in walk_keywords(get_resolver().url_patterns):
        if name.startswith("admin:") or not pattern.name:
            continue
        found[name] = (keywords, pattern.callback)
    return found


PATTERNS = all_patterns()
API_URLS = sorted(n for n in PATTERNS if n.startswith("api:") and n != "api:not_found")
CHECKED = sorted(n for n in PATTERNS if n.split(":")[0] not in EXEMPT_NAMESPACES)


def role_for(name: str) -> str:
    """The role the table allows to make this POST (so the token is all that is missing)."""
    if name.endswith("login"):  # a login form is posted by someone not logged in
        return "anonymous"
    row = EXPECTED.get(name)
    if row is None:
        return DEFAULT_ROLE
    for role in (DEFAULT_ROLE, "editor", "checker"):
        if row.POST[ROLES.index(role)] in ALLOWED:
            return role
    return DEFAULT_ROLE


def keywords_for(name: str, w: World) -> dict[str, Any]:
    """The row's keywords; for a URL the table does not know yet, the demo draft's pk, the demo
    newsroom's slug, revision 1 (a refused POST never reaches the view, so any match will do)."""
    row = EXPECTED.get(name)
    if row is not None:
        return row.url(w)
    keywords, _view = PATTERNS[name]
    stand_ins = {
        "pk": w.draft.pk,
        "slug": w.draft.newsroom.slug,
        "number": 1,
        "rest": "v1/x/",
        "provider_id": "sso",  # allauth's single sign-on, under an include() naming it
    }
    return {k: stand_ins.get(k, "1") for k in keywords}


def body_for(name: str, w: World, role: str) -> dict[str, Any]:
    row = EXPECTED.get(name)
    return row.body(w, role) if row is not None else {}


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def csrf_client(user: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


class Records(logging.Handler):
    """The CSRF middleware's log records, caught on its own logger (whatever LOGGING says
    about propagating them)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def post_watched(client: Client, url: str, body: dict[str, Any], **extra: Any) -> tuple[Any, bool]:
    """POST, and whether the CSRF middleware refused it (403 and its log record)."""
    logger = logging.getLogger(CSRF_LOGGER)
    handler, level = Records(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    try:
        response = client.post(url, body, **extra)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return response, response.status_code == 403 and bool(handler.records)


def token_of(client: Client) -> str:
    """The CSRF token a page hands this client (the base template puts it in hx-headers)."""
    client.get(
        reverse("account_login") if "sessionid" not in client.cookies else reverse("dashboard")
    )
    return client.cookies["csrftoken"].value


def test_the_walk_finds_the_projects_post_endpoints() -> None:
    # A guard against a walk that finds nothing and so proves nothing.
    posts = [n for n in CHECKED if n in EXPECTED and 405 not in EXPECTED[n].POST]
    assert len(CHECKED) > 60 and len(posts) > 40, (len(CHECKED), len(posts))
    assert {"claims:approve", "reviews:task_comment", "sources:library"} <= set(posts)


@pytest.mark.parametrize("name", CHECKED)
def test_post_without_a_csrf_token_is_refused_and_writes_nothing(
    world: World,  # noqa: F811
    name: str,
) -> None:
    row = EXPECTED.get(name)
    if row is not None and row.setup:
        row.setup(world)
    role = role_for(name)
    user = world.users[role]
    url = reverse(name, kwargs=keywords_for(name, world))
    client = csrf_client(user)

    for kind, extra in (("plain", {}), ("htmx", HTMX)):
        body = body_for(name, world, role)  # before counting: a body may read settings in
        before = row_counts()
        response, refused = post_watched(client, url, body, **extra)
        assert refused, f"{kind} POST {url} as {role}: {response.status_code}, not a CSRF 403"
        after = row_counts()
        changed = {k: (v, after[k]) for k, v in before.items() if after[k] != v}
        assert not changed, f"{kind} POST {url} wrote rows: {changed}"

    # The control: the same POST with the token passes the check (it was all that was missing);
    # where the table says the role may make it, it does what the table says.
    token = token_of(client)
    response, refused = post_watched(
        client, url, body_for(name, world, role), HTTP_X_CSRFTOKEN=token
    )
    assert not refused, f"{url}: refused with the token"
    if row is not None:
        assert response.status_code == row.POST[ROLES.index(role)], (name, role, response)


@pytest.mark.parametrize(("name", "url"), admin_urls(), ids=[n for n, _ in admin_urls()])
def test_admin_post_without_a_csrf_token_is_refused(
    name: str, url: str, django_user_model: type[User]
) -> None:
    """Django's admin as a superuser (its login form as nobody): 403, nothing written."""
    user = None
    if name != "admin:login":
        user = django_user_model.objects.create_superuser("root", "root@example.org", "x-pass-1")
    client = csrf_client(user)
    for extra in ({}, HTMX):
        before = row_counts()
        response, refused = post_watched(client, url, {"action": "delete"}, **extra)
        assert refused, f"POST {url}: {response.status_code}, not a CSRF 403"
        assert row_counts() == before


def test_only_the_api_and_the_old_paths_skip_csrf() -> None:
    exempt = sorted(
        name
        for name, pattern in _walk(get_resolver().url_patterns)
        if not name.startswith("admin:")
        and getattr(pattern.callback, "csrf_exempt", False)
        # a view that takes a file checks the token itself once the role and the size are known
        # (factcheck/uploads.py); test_post_without_a_csrf_token_... proves it refuses one without
        and not getattr(pattern.callback, "csrf_checked_after_limits", False)
    )
    outside = [n for n in exempt if n.split(":")[0] not in EXEMPT_NAMESPACES]
    assert not outside, f"views exempt from CSRF outside the API and the old paths: {outside}"
    assert any(n.startswith("api:") for n in exempt)  # the walk saw DRF's exempt views


def old_paths(w: World) -> list[str]:
    """The old paths (unnamed patterns), each with the demo draft's pk in it."""
    prefix = "/"
    found = []
    for _name, pattern in _walk(get_resolver().url_patterns):
        if pattern.callback is not moved_view:
            continue
        found.append(prefix + re.sub(r"<(?:\w+:)?\w+>", str(w.draft.pk), str(pattern.pattern)))
    return found


def test_the_old_paths_send_the_post_on_and_the_new_urls_refuse_it(
    world: World,  # noqa: F811
) -> None:
    client = csrf_client(world.users[DEFAULT_ROLE])
    old = old_paths(world)
    assert len(old) > 20
    before = row_counts()
    for url in old:
        moved = client.post(url, {})
        assert moved.status_code == 308, (url, moved.status_code)
        response, refused = post_watched(client, moved["Location"], {})
        assert refused, f"{url} -> {moved['Location']}: {response.status_code}"
    assert row_counts() == before


def test_the_api_refuses_a_session_cookie_token_or_not(world: World) -> None:  # noqa: F811
    """Logged in to the site (a session cookie), with or without the CSRF token: the API answers
    as to a stranger, and nothing is written. Only a bearer token opens it."""
    client = csrf_client(world.users[DEFAULT_ROLE])
    token = token_of(client)
    assert len(API_URLS) > 25
    before = row_counts()
    for name in API_URLS:
        url = reverse(name, kwargs=keywords_for(name, world))
        for extra in ({}, HTMX, {"HTTP_X_CSRFTOKEN": token}):
            response = client.post(url, {}, content_type="application/json", **extra)
            # The schema and its docs are read-only pages (405); the rest want a bearer token.
            wanted = 405 if name in ("api:schema", "api:docs", "api:redoc") else 401
            assert response.status_code == wanted, (url, extra, response.status_code)
    assert row_counts() == before


def test_a_bearer_token_opens_the_api_where_the_session_does_not(world: World) -> None:  # noqa: F811
    """The control for the test above: the same POST with a bearer token does its work."""
    from factcheck.api.services import api_token_create

    editor = world.users["editor"]
    url = reverse("api:claim_dismiss", kwargs={"pk": world.unchecked.pk})
    body = {"version": world.unchecked.version}
    session = csrf_client(editor)
    assert session.post(url, body, content_type="application/json").status_code == 401
    assert Claim.objects.get(pk=world.unchecked.pk).status == Claim.Status.UNCHECKED

    secret = api_token_create(by=editor, name="cms").secret
    bearer = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = bearer.post(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert Claim.objects.get(pk=world.unchecked.pk).status == Claim.Status.DISMISSED
