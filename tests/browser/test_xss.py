"""XSS in a real browser: an XSS corpus (tests/data/xss_payloads.txt) in every field a user can
write, loaded in Chromium on every page that shows it, and again after the htmx swaps that
re-render it: nothing runs.

The fields are written through the services, as the views and the API write them: draft titles,
the draft's text, quote speakers, task titles, descriptions and comments, a claim's rationale,
evidence links (URL and note), comments on a claim, evidence a lookup found (URL, title,
snippet), reference documents (file name, title, text), findings, API token names and the
newsroom's name. Then the editor reads them, and writes them again through the page's own htmx
forms (a verdict with its rationale and link, a comment, a task comment, attaching evidence,
marking a sentence), whose answers are swapped into the page.

A payload that runs calls ``window.__xss(n)`` (exposed to every frame by Playwright) or opens a
dialog; both are counted. A payload that is turned into markup but would need a click (a
``javascript:`` link, an ``on…`` handler) is caught by a look at the DOM after each page and
swap: no ``on…`` / ``hx-on`` attribute, ``javascript:`` or ``data:`` URL, or script that carries
a payload.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from factcheck.api.services import NAME_MAX, api_token_create
from factcheck.claims.models import Claim
from factcheck.claims.services import claim_mark_sentence, claim_propose
from factcheck.drafts.services import draft_import
from factcheck.errors import FactcheckError
from factcheck.insights.models import Finding
from factcheck.newsrooms.models import Newsroom
from factcheck.reviews.services import comment_add, task_create
from factcheck.sources.backends.base import Hit
from factcheck.sources.library import document_upload
from factcheck.sources.models import Evidence, Lookup, Source
from factcheck.sources.services import lookup_begin, lookup_store, lookups_start
from tests.browser.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parents[1] / "data" / "xss_payloads.txt"
PAYLOADS = [
    line
    for line in CORPUS.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("# ")
]
ALL = "\n".join(PAYLOADS)
SLASHES = re.compile(r"[/\\\\]")  # a file name keeps what follows its last slash

# Markup that only a payload makes: an event handler or htmx attribute carrying it, a script URL
# in a link, frame, form or refresh, or a script element (not JSON data) that carries it. The
# text of hx-confirm (htmx shows it with window.confirm, as plain text) may hold a payload.
FIND_INJECTED = """() => {
  const bad = [];
  const urlAttr = /^(href|src|action|formaction|data|srcdoc|xlink:href|content|poster)$/i;
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (!a.value.includes('__xss') && !/alert\\(/.test(a.value)) continue;
      if (/^(on|hx-on|data-hx-on)/i.test(a.name)
          || (urlAttr.test(a.name) && /^\\s*(javascript|data|vbscript):/i.test(a.value))
          || a.name.toLowerCase() === 'srcdoc'
          || (/^(data-)?hx-/i.test(a.name) && !/^(data-)?hx-(confirm|prompt)$/i.test(a.name))) {
        bad.push(`<${el.tagName.toLowerCase()} ${a.name}="${a.value.slice(0, 60)}">`);
      }
    }
    if (el.tagName === 'SCRIPT' && el.textContent.includes('__xss') && !/json/i.test(el.type)) {
      bad.push(`<script>${el.textContent.slice(0, 60)}`);
    }
  }
  return bad;
}"""


def chunks(items: list[str], limit: int) -> list[str]:
    """The payloads joined by spaces into strings of at most ``limit`` characters."""
    out: list[str] = []
    current = ""
    for item in items:
        item = item[:limit]
        if current and len(current) + 1 + len(item) > limit:
            out.append(current)
            current = item
        else:
            current = f"{current} {item}".strip() if current else item
    return [*out, current] if current else out


class Watch:
    """What ran in the page: ``__xss`` calls and dialogs, and markup a payload made."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.ran: list[str] = []
        page.context.expose_function("__xss", lambda n: self.ran.append(f"__xss({n})"))

        def on_dialog(dialog: Any) -> None:
            self.ran.append(f"dialog {dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        self.injected: dict[str, list[str]] = {}
        self.seen: list[str] = []
        self.downloads: list[str] = []

    def look(self, where: str) -> None:
        self.page.wait_for_load_state("load")
        self.page.wait_for_timeout(50)  # a load-triggered handler would have run by now
        self.seen.append(where)
        bad = self.page.evaluate(FIND_INJECTED)
        if bad:
            self.injected[where] = bad

    def visit(self, url: str) -> str:
        """Load ``url`` and look; an export sent as a download (never rendered as a page) must
        not claim to be HTML, and is then only fetched."""
        head = self.page.request.get(url)
        kind = head.headers.get("content-type", "")
        if "attachment" in head.headers.get("content-disposition", ""):
            assert "html" not in kind, (url, kind)
            self.downloads.append(url)
            return head.text()
        response = self.page.goto(url)
        assert response is not None and response.status == 200, (url, response)
        self.look(url)
        return self.page.content()


def write_everything(newsroom: Any, editor: Any, newsadmin: Any, checker: Any) -> dict[str, Any]:
    """Every field a user writes, holding the corpus, through the services."""
    for name in chunks(PAYLOADS, 200)[:1]:
        Newsroom.objects.filter(pk=newsroom.pk).update(name=name)
    newsroom.refresh_from_db()
    text = "Payloads\n\n" + "\n\n".join(
        f"On day {i} the council said {p} and 300 homes lost power." for i, p in enumerate(PAYLOADS)
    )
    draft = draft_import(newsroom=newsroom, by=editor, text=text, title=chunks(PAYLOADS, 300)[0])
    for title in chunks(PAYLOADS, 300)[1:]:
        draft_import(
            newsroom=newsroom, by=editor, text="A\n\nThe road closed at 6 a.m.", title=title
        )
    sentences = list(draft.revisions.get().sentences.order_by("index"))
    for sentence, payload in zip(sentences[1:], PAYLOADS, strict=False):
        sentence.speaker = payload[:200]
        sentence.save(update_fields=["speaker"])
    claims = [claim_mark_sentence(sentence=s, by=editor) for s in sentences[1:6]]
    # A script URL is refused as a link by the service itself (the form and the API refuse it
    # before): nothing of it is kept.
    scripts = [p.strip() for p in PAYLOADS if re.match(r"\s*(javascript|data):", p)]
    assert len(scripts) >= 3
    for url in scripts:
        with pytest.raises(FactcheckError, match="not a web address"):
            claim_propose(
                claim=claims[0], by=checker, verdict="inaccurate", rationale="x", links=[(url, "")]
            )
    proposed = claim_propose(
        claim=claims[0],
        by=checker,
        verdict="inaccurate",
        rationale=ALL,
        links=[(f"https://example.org/{i}/{p}", p) for i, p in enumerate(PAYLOADS)],
    )
    comment_add(by=checker, body=ALL, claim=proposed)
    tasks = [
        task_create(
            draft=draft,
            by=newsadmin,
            title=title,
            description=ALL,
            claims=claims[:2],
            assignee=editor,
        )
        for title in chunks(PAYLOADS, 200)
    ]
    comment_add(by=checker, body=ALL + "\n@editor", task=tasks[0])
    # Evidence a lookup found for the second claim: its URL, title and snippet.
    # (The lookup has run by now: Celery is eager here and the transaction committed.)
    lookup = lookups_start(claims=[claims[1]], by=None, sources=[Source.ARCHIVE])[0]
    begun = lookup_begin(lookup_id=lookup.pk) or Lookup.objects.get(pk=lookup.pk)
    hits = [
        Hit(url=f"https://example.org/e/{i}/{p}", title=p, snippet=f"{p} 300 homes", score=0.9)
        for i, p in enumerate(PAYLOADS[:12])
    ]
    # An outside service's script URLs are kept as evidence, shown without a link.
    hits += [Hit(url=url, title=url, snippet=url, score=0.9) for url in scripts]
    lookup_store(lookup=begun, hits=hits)
    assert Evidence.objects.filter(url__in=scripts).count() == len(scripts)
    revision = draft.revisions.get()
    for summary in chunks(PAYLOADS, 300)[:3]:
        Finding.objects.create(
            draft=draft,
            revision=revision,
            kind=Finding.Kind.CONTRADICTION,
            sentence_a=sentences[1],
            sentence_b=sentences[2],
            summary=summary,
            what=PAYLOADS[1][:100],
        )
    documents = [
        document_upload(
            newsroom=newsroom,
            by=editor,
            name=SLASHES.sub("", payload) + ".txt",
            data=f"{payload}\n\n{ALL}\n".encode(),
            title=title,
        )
        for payload, title in zip(PAYLOADS, chunks(PAYLOADS, 300), strict=False)
    ]
    for name in chunks(PAYLOADS, NAME_MAX)[:3]:
        api_token_create(by=editor, name=name)
    return {
        "draft": draft,
        "claims": claims,
        "tasks": tasks,
        "documents": documents,
        "finding": Finding.objects.filter(draft=draft).first(),
    }


def test_no_payload_runs_on_any_page_or_after_any_swap(
    live_server: Any, page: Page, editor: Any, checker: Any, newsadmin: Any, newsroom: Any
) -> None:
    assert len(PAYLOADS) >= 30
    w = write_everything(newsroom, editor, newsadmin, checker)
    watch = Watch(page)
    login(page, live_server, editor.username, PASSWORD)
    base = live_server.url
    draft, claims, tasks = w["draft"], w["claims"], w["tasks"]

    pages = [
        reverse("dashboard"),
        reverse("reviews:queue"),
        reverse("reviews:my_tasks"),
        reverse("notifications:list"),
        reverse("drafts:detail", kwargs={"pk": draft.pk}),
        reverse("drafts:revisions", kwargs={"pk": draft.pk}),
        reverse("history:draft", kwargs={"pk": draft.pk}),
        reverse("reviews:clearance", kwargs={"pk": draft.pk}),
        reverse("reviews:clearance_md", kwargs={"pk": draft.pk}),
        reverse("reviews:clearance_csv", kwargs={"pk": draft.pk}),
        reverse("drafts:export_json", kwargs={"pk": draft.pk}),
        reverse("publishing:draft", kwargs={"pk": draft.pk}),
        reverse("publishing:draft_claimreview", kwargs={"pk": draft.pk}),
        reverse("claims:detail", kwargs={"pk": claims[0].pk}),
        reverse("reviews:task", kwargs={"pk": tasks[0].pk}),
        reverse("insights:finding", kwargs={"pk": w["finding"].pk}),
        reverse("sources:library"),
        reverse("sources:document", kwargs={"pk": w["documents"][0].pk}),
        reverse("newsrooms:detail", kwargs={"slug": newsroom.slug}),
        reverse("api_tokens:personal"),
    ]
    shown = {url: watch.visit(base + url) for url in pages}
    # The pages did show the payloads (as text): the check looked at real output.
    assert "__xss(1)" in shown[reverse("drafts:detail", kwargs={"pk": draft.pk})]
    assert "__xss(2)" in shown[reverse("claims:detail", kwargs={"pk": claims[0].pk})]
    assert "__xss(3)" in shown[reverse("sources:library")]

    # htmx swaps. A verdict with the corpus as rationale and a script link, on a claim page
    # whose lookups panel lists evidence with payloads; then a comment; then attach evidence.
    page.goto(base + reverse("claims:detail", kwargs={"pk": claims[1].pk}))
    page.wait_for_function("() => window.htmx !== undefined")
    form = page.locator("form.propose")
    form.locator("select[name=verdict]").select_option("inaccurate")
    form.locator("textarea[name=rationale]").fill(ALL)
    form.locator("input[name=url_1]").fill("javascript:__xss(6)")
    form.locator("input[name=note_1]").fill(PAYLOADS[1])
    form.get_by_role("button", name="Propose verdict").click()
    expect(page.locator("#claim-flash")).to_contain_text("http")  # the script link refused
    watch.look("claim: propose refused (htmx)")
    form.locator("input[name=url_1]").fill("https://example.org/statement")
    form.get_by_role("button", name="Propose verdict").click()
    expect(page.locator("#claim-main .state")).to_have_text("Verdict proposed")
    expect(page.locator("#claim-main")).to_contain_text("__xss(48)")  # the rationale, as text
    watch.look("claim: propose (htmx)")
    page.locator("#claim-comments textarea[name=body]").fill(ALL)
    page.locator("#claim-comments").get_by_role("button", name="Comment").click()
    expect(page.locator("#claim-comments")).to_contain_text("__xss(1)")
    watch.look("claim: comment (htmx)")
    attach = page.get_by_role("button", name="Attach to verdict")
    expect(attach.first).to_be_visible()
    attach.first.click()
    expect(page.locator("#lookups-body")).to_contain_text("Attached")
    watch.look("claim: attach evidence (htmx)")
    watch.visit(base + reverse("claims:detail", kwargs={"pk": claims[1].pk}))

    # A task comment, swapped into the task page.
    page.goto(base + reverse("reviews:task", kwargs={"pk": tasks[0].pk}))
    page.locator("textarea[name=body]").fill(ALL)
    page.get_by_role("button", name="Comment").click()
    expect(page.locator("body")).to_contain_text("__xss(48)")
    watch.look("task: comment (htmx)")

    # The draft: mark a sentence with a payload in it, from the unit toolbar (a swap of the
    # claims panel and the unit).
    page.goto(base + reverse("drafts:detail", kwargs={"pk": draft.pk}))
    before = Claim.objects.filter(draft=draft).count()
    unit = page.locator("span.u:not(.is-claim)", has_text="__xss(20)").first
    unit.hover()
    page.locator("#unit-toolbar").get_by_role(
        "button", name=re.compile(r"^(Mark as claim|Confirm)")
    ).click()
    expect(page.locator("#claims-panel .count")).to_have_text(str(before + 1))
    watch.look("draft: mark a sentence (htmx)")
    watch.visit(base + reverse("reviews:queue"))

    assert len(watch.seen) + len(watch.downloads) == len(pages) + 8, watch.seen
    assert not watch.ran, f"payloads ran: {watch.ran}"
    assert not watch.injected, f"payloads became markup: {watch.injected}"
