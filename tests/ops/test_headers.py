"""The headers every page carries: the Content-Security-Policy (and templates and scripts that
live within it), ``Cache-Control: no-store`` on everything confidential, and the request id."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_url_access import EXPECTED, World, world

__all__ = ["world"]  # the demo newsroom mid-way through its work (tests/test_url_access.py)

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


# --- The Content-Security-Policy ---------------------------------------------------------------


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_every_page_has_a_csp_without_inline_script_or_eval(editor_client: Client) -> None:
    response = editor_client.get(reverse("dashboard"))

    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


@pytest.mark.parametrize("name", ["api:docs", "api:redoc"])
def test_the_api_docs_loosen_styles_only_and_keep_scripts_to_our_own_files(name: str) -> None:
    response = Client().get(reverse(name))

    policy = directives(response["Content-Security-Policy"])
    body = response.content.decode()
    assert response.status_code == 200
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), "an inline <script>"
    assert "<style" not in body


def test_swagger_ui_start_up_script_comes_from_its_own_url() -> None:
    page = Client().get(reverse("api:docs")).content.decode()
    script = Client().get(reverse("api:docs") + "?script=")

    assert '<script src="/api/docs/?script="></script>' in page
    assert script["Content-Type"] == "application/javascript"
    assert "SwaggerUIBundle(" in script.content.decode()


# Every template and every script of ours, read as the browser will: no inline script, no event
# handler attribute, no javascript: URL, no inline style (style-src 'self'), no hx-on.
SCRIPT_WITHOUT_SRC = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
EVENT_ATTRIBUTE = re.compile(r"""<[a-zA-Z][^>]*\son[a-z]+\s*=""")
INLINE_STYLE = re.compile(r"""<[a-zA-Z][^>]*\sstyle\s*=|<style[\s>]""")
TEMPLATES = sorted((ROOT / "templates").rglob("*.html")) + sorted(
    (ROOT / "factcheck").rglob("templates/**/*.html")
)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_holds_inline_script_style_or_handlers(path: Path) -> None:
    text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"))  # comments are not served
    text = re.sub(r"\{% comment %\}.*?\{% endcomment %\}", "", text, flags=re.DOTALL)

    assert not SCRIPT_WITHOUT_SRC.search(text), "inline <script>: move it to static/js/"
    assert not EVENT_ATTRIBUTE.search(text), "an on* attribute: bind it in static/js/"
    assert "javascript:" not in text.lower()
    assert not re.search(r"\shx-on[:-]", text), "hx-on is inline script (and allowEval is off)"
    assert not INLINE_STYLE.search(text), "an inline style: put it in static/css/"


@pytest.mark.parametrize(
    "path", sorted((ROOT / "static" / "js").glob("*.js")), ids=lambda p: p.name
)
def test_our_scripts_use_no_eval_or_inline_handlers(path: Path) -> None:
    text = path.read_text(encoding="utf-8")

    for banned in ("eval(", "new Function(", 'setAttribute("on', "setAttribute('on"):
        assert banned not in text, banned
    assert not re.search(r"setAttribute\(\s*[\"']style", text)
    assert "javascript:" not in text.lower()


def test_templates_were_found() -> None:
    assert len(TEMPLATES) > 20


def test_htmx_is_told_not_to_inject_styles_or_run_code() -> None:
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    css = (ROOT / "static" / "css" / "app.css").read_text(encoding="utf-8")

    assert '"includeIndicatorStyles":false' in base
    assert '"allowScriptTags":false' in base
    assert '"allowEval":false' in base
    assert ".htmx-request .htmx-indicator" in css


# --- Cache-Control: no-store -----------------------------------------------------------------

# Public on purpose, and cacheable: the newsroom's ClaimReview feed.
CACHEABLE = {"publishing:feed"}


NO_STORE = sorted(
    name for name, row in EXPECTED.items() if row.GET[1] == 200 and name not in CACHEABLE
)


def test_the_no_store_pages_include_the_drafts_and_their_exports() -> None:
    for name in (
        "drafts:detail",
        "drafts:export_json",
        "reviews:clearance_csv",
        "reviews:clearance_md",
        "publishing:draft_claimreview",
        "history:draft",
    ):
        assert name in NO_STORE
    assert len(NO_STORE) >= 30


@pytest.mark.parametrize("name", NO_STORE)
def test_every_page_and_export_the_desk_serves_is_no_store(world: World, name: str) -> None:
    """Every GET of the URL table (tests/test_url_access.py) that answers the newsroom's editor
    with 200: the drafts, claims, tasks, history, the exports (JSON, CSV, Markdown, ClaimReview),
    the library, the settings, the token pages."""
    row = EXPECTED[name]
    if row.setup:
        row.setup(world)
    client = Client()
    client.force_login(world.users["editor"])

    response = client.get(reverse(name, kwargs=row.url(world)))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_public_feed_stays_cacheable(world: World) -> None:
    response = Client().get(reverse("publishing:feed", kwargs={"slug": world.draft.newsroom.slug}))

    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]


def test_api_answers_are_no_store(editor: Any) -> None:
    from factcheck.api.services import api_token_create

    secret = api_token_create(name="CMS", by=editor).secret
    response = Client().get("/api/v1/drafts/", headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_static_files_keep_whitenoise_s_caching(settings: Any) -> None:
    """WhiteNoise answers static files above the no-store middleware, with its own headers."""
    settings.WHITENOISE_USE_FINDERS = True
    from whitenoise.middleware import WhiteNoiseMiddleware

    handler = WhiteNoiseMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    from django.test import RequestFactory

    response = handler(RequestFactory().get("/static/css/app.css"))

    assert response is not None and response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    middleware = settings.MIDDLEWARE
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") < middleware.index(
        "factcheck.ops.middleware.NoStoreMiddleware"
    )


# --- The request id ------------------------------------------------------------------------------


def test_a_request_gets_an_id_on_its_response(client: Client) -> None:
    first = client.get(reverse("account_login"))["X-Request-ID"]
    second = client.get(reverse("account_login"))["X-Request-ID"]

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_the_proxy_s_request_id_is_kept(client: Client) -> None:
    response = client.get(reverse("account_login"), headers={"X-Request-ID": "nginx-7f3a.42"})

    assert response["X-Request-ID"] == "nginx-7f3a.42"


@pytest.mark.parametrize("forged", ["a b", "x\ny", "é", "a" * 101, "<script>"])
def test_a_malformed_request_id_is_replaced(client: Client, forged: str) -> None:
    response = client.get(reverse("account_login"), headers={"X-Request-ID": forged})

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
