"""The draft desk in a real browser: load a draft, mark claims by click, key and selection, and
who may see or mark what."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from factcheck.claims.models import Claim
from factcheck.drafts.models import Draft
from factcheck.drafts.services import draft_import
from tests.browser.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

IS_CLAIM = re.compile(r"(^|\s)is-claim(\s|$)")

# A story of our own: a headline, figures, a curly-quoted quote and the comment-form furniture a
# CMS copy-paste drags along at the end.
PASTED_DRAFT = (
    "Council Approves Night Ferry to Marlow Island\n"
    "\n"
    "The Marlow Island night ferry will start running on 3 March, the county council decided on "
    "Tuesday by 31 votes to 8. The service will cost £2.4 million a year, paid for by a 4 per "
    "cent rise in harbour fees.\n"
    "\n"
    "“This ends forty years of islanders being stranded after dark,” said councillor Priya Osei.\n"
    "\n"
    "The operator expects 1,200 passengers a week by the summer.\n"
    "\n"
    "Leave a Reply\n"
)
PASTED_TITLE = "Council Approves Night Ferry to Marlow Island"
FIGURES_SENTENCE = (
    "The service will cost £2.4 million a year, paid for by a 4 per cent rise in harbour fees."
)

# A run of words inside the unit, as a range (the unit also holds buttons, and the highlights of
# checkable parts cut its text into several text nodes: the words may cross them).
_FIND_WORDS_JS = """
(unit, words) => {
  const walker = document.createTreeWalker(unit, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let text = "";
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    nodes.push([node, text.length]);
    text += node.data;
  }
  const at = text.indexOf(words);
  if (at === -1) throw new Error(`"${words}" is not inside ${unit.id}`);
  const locate = (offset, isEnd) => {
    for (const [node, start] of nodes) {
      const end = start + node.data.length;
      if (offset < end || (isEnd && offset === end)) return [node, offset - start];
    }
    throw new Error(`offset ${offset} is outside ${unit.id}`);
  };
  const range = document.createRange();
  range.setStart(...locate(at, false));
  range.setEnd(...locate(at + words.length, true));
  return range;
}
"""


def draft_url(live_server: Any, draft: Draft) -> str:
    return f"{live_server.url}/drafts/{draft.pk}/"


def sentence_texts(draft: Draft) -> dict[int, str]:
    revision = draft.revisions.get()
    return {s.index: revision.text[s.start : s.end] for s in revision.sentences.all()}


def click_words(page: Page, unit: Locator, words: str) -> None:
    """A real mouse click on ``words`` inside the unit: not the unit's box centre, which for a
    sentence wrapped mid-paragraph may be on a neighbouring sentence."""
    unit.scroll_into_view_if_needed()
    box = unit.evaluate(
        f"(unit, words) => {{ const r = ({_FIND_WORDS_JS})(unit, words).getClientRects()[0];"
        " return {x: r.x + r.width / 2, y: r.y + r.height / 2}; }",
        words,
    )
    page.mouse.click(box["x"], box["y"])


def select_words(unit: Locator, words: str) -> str:
    """Select ``words`` inside the unit as a user would with the mouse; return what is selected."""
    return unit.evaluate(
        f"(unit, words) => {{ const r = ({_FIND_WORDS_JS})(unit, words);"
        " const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r);"
        " return sel.toString(); }",
        words,
    )


def test_editor_pastes_a_draft_marks_a_claim_and_it_survives_reload(
    live_server: Any, page: Page, editor: Any
) -> None:
    login(page, live_server, editor.username, PASSWORD)
    page.locator("nav a", has_text="Load a draft").click()
    page.wait_for_url(f"{live_server.url}/drafts/new/")
    expect(page.locator("#id_newsroom option")).to_have_count(1)
    page.locator("#id_newsroom").select_option(label="Demo Newsroom")
    page.locator("#id_text").fill(PASTED_DRAFT)
    page.locator("#draft-form button[type=submit]").click()

    page.wait_for_url(re.compile(rf"^{re.escape(live_server.url)}/drafts/\d+/$"))
    draft = Draft.objects.get()
    assert page.url == draft_url(live_server, draft)
    expect(page.locator("h1")).to_have_text(PASTED_TITLE)
    expect(page.locator(".messages")).to_contain_text(f"Loaded “{PASTED_TITLE}”")
    expect(page.locator("#draft-text")).to_contain_text(
        "“This ends forty years of islanders being stranded after dark,” said councillor"
    )
    expect(page.locator("#claims-panel .count")).to_have_text("0")

    # Site furniture is shown greyed, with nothing to click.
    furniture = page.locator(".u-boilerplate", has_text="Leave a Reply")
    expect(furniture).to_have_count(1)
    expect(furniture.locator("a")).to_have_count(0)
    expect(furniture).not_to_have_attribute("tabindex", re.compile(".*"))
    expect(furniture).not_to_have_attribute("data-score", re.compile(".*"))

    sentence = page.locator("span.u:not(.u-boilerplate)", has_text=FIGURES_SENTENCE)
    expect(sentence).to_have_count(1)
    unit_id = sentence.get_attribute("id")
    assert unit_id
    unit = page.locator(f"#{unit_id}")
    expect(unit).not_to_have_class(IS_CLAIM)

    page.evaluate("window.__marker = 1")
    click_words(page, unit, "£2.4 million")
    expect(unit).to_have_class(IS_CLAIM)
    expect(unit.locator("a")).to_have_text(re.compile(r"^Claim \d+: actions$"))  # its own link
    expect(page.locator("#claims-panel .count")).to_have_text("1")
    expect(page.locator("#flash")).to_contain_text("Marked: “The service will cost")
    assert page.evaluate("window.__marker") == 1, "marking a sentence reloaded the page"
    assert page.url == draft_url(live_server, draft)

    page.reload()
    expect(page.locator(f"#{unit_id}")).to_have_class(IS_CLAIM)
    expect(page.locator("#claims-panel .count")).to_have_text("1")
    expect(page.locator("#claims-panel li.claim a")).to_have_text([FIGURES_SENTENCE])
    claim = Claim.objects.get()
    assert (claim.text, claim.status) == (FIGURES_SENTENCE, Claim.Status.UNCHECKED)


def test_keyboard_marks_and_unmarks(
    live_server: Any, page: Page, editor: Any, draft: Draft
) -> None:
    second = sentence_texts(draft)[1]
    login(page, live_server, editor.username, PASSWORD)
    page.goto(draft_url(live_server, draft))
    expect(page.locator("#claims-panel .count")).to_have_text("0")

    page.keyboard.press("j")
    expect(page.locator("#u-0")).to_be_focused()
    page.keyboard.press("j")
    unit = page.locator("#u-1")
    expect(unit).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "u-1"

    page.keyboard.press("c")
    expect(unit).to_have_class(IS_CLAIM)
    expect(page.locator("#claims-panel .count")).to_have_text("1")
    expect(page.locator("#claims-panel li.claim a")).to_have_text([second])
    expect(unit).to_be_focused()  # the swapped-in sentence keeps the keyboard focus

    page.keyboard.press("c")
    expect(unit).not_to_have_class(IS_CLAIM)
    expect(page.locator("#claims-panel .count")).to_have_text("0")
    expect(page.locator("#claims-panel li.claim")).to_have_count(0)
    expect(page.locator("#claims-panel .empty")).to_contain_text("No claims yet.")
    claim = Claim.objects.get()
    assert (claim.text, claim.status) == (second, Claim.Status.DISMISSED)


def test_selecting_words_marks_just_that_span(
    live_server: Any, page: Page, newsroom: Any, editor: Any
) -> None:
    # The emoji before the words is one code point in Python and two UTF-16 units in JavaScript:
    # an offset counted the wrong way lands one character off.
    words = "raised fares by 12 per cent"
    draft = draft_import(
        newsroom=newsroom,
        by=editor,
        text=(
            "Ferry Fares Rise 🙂 Again\n\n"
            "The ferry 🙂 operator raised fares by 12 per cent on Friday, its chief said. "
            "Passengers were not consulted.\n"
        ),
    )
    login(page, live_server, editor.username, PASSWORD)
    page.goto(draft_url(live_server, draft))
    unit = page.locator("#u-1")
    expect(unit).to_contain_text("The ferry 🙂 operator raised fares")
    expect(page.locator("#selection-bar")).to_be_hidden()

    assert select_words(unit, words) == words
    expect(page.locator("#selection-bar")).to_be_visible()
    page.keyboard.press("c")

    expect(unit.locator("mark.span-claim")).to_have_text(words)
    expect(page.locator("#claims-panel .count")).to_have_text("1")
    expect(page.locator("#claims-panel li.claim a")).to_have_text([words])
    expect(unit).not_to_have_class(IS_CLAIM)  # a span, not the whole sentence
    expect(page.locator("#selection-bar")).to_be_hidden()

    claim = Claim.objects.get()
    revision = claim.revision
    assert claim.text == words
    assert revision.text[claim.start : claim.end] == claim.text
    assert claim.start == revision.text.index(words)
    assert claim.sentence.index == 1


def test_outsider_cannot_open_the_draft(
    live_server: Any, page: Page, outsider: Any, draft: Draft
) -> None:
    login(page, live_server, outsider.username, PASSWORD)
    response = page.goto(draft_url(live_server, draft))
    assert response is not None
    assert response.status == 404
    body = page.locator("body")
    expect(body).not_to_contain_text(draft.title)
    expect(body).not_to_contain_text("About 300 homes lost power")
    assert "harbour" not in page.content().lower()

    export = page.request.get(f"{draft_url(live_server, draft)}export.json")
    assert export.status == 404
    assert "harbour" not in export.text().lower()

    page.goto(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_text("Drafts")
    expect(page.locator("main")).to_contain_text("No drafts yet.")
    expect(page.locator(f'a[href="/drafts/{draft.pk}/"]')).to_have_count(0)
    expect(body).not_to_contain_text(draft.title)


def test_checker_sees_the_draft_but_cannot_mark(
    live_server: Any, page: Page, checker: Any, draft: Draft
) -> None:
    texts = sentence_texts(draft)
    posts: list[str] = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    login(page, live_server, checker.username, PASSWORD)
    posts.clear()  # the login form's POST

    page.goto(draft_url(live_server, draft))
    expect(page.locator("h1")).to_have_text(draft.title)
    expect(page.locator("#draft-text")).to_contain_text(texts[2])
    expect(page.locator("#draft-text")).to_have_attribute("data-can-mark", "0")
    expect(page.locator("#draft-text .u a")).to_have_count(0)  # no sentence's actions
    expect(page.locator("#unit-toolbar button")).to_have_count(0)
    expect(page.locator("#selection-bar")).to_have_count(0)

    click_words(page, page.locator("#u-2"), "300 homes")
    expect(page.locator("#u-2")).to_be_focused()
    page.keyboard.press("j")  # moving works for a checker…
    expect(page.locator("#u-3")).to_be_focused()
    page.keyboard.press("c")  # …marking does not
    expect(page.locator(".is-claim")).to_have_count(0)
    expect(page.locator("#claims-panel .count")).to_have_text("0")

    page.reload()
    expect(page.locator(".is-claim")).to_have_count(0)
    expect(page.locator("#claims-panel .count")).to_have_text("0")
    assert posts == [], "the page sent a mark request for a checker"
    assert not Claim.objects.exists()

    # Nor can a checker post the form by hand: the server refuses, not just the page.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    forged = page.request.post(
        f"{live_server.url}/claims/drafts/{draft.pk}/mark/",
        form={"mark": "2"},
        headers={"X-CSRFToken": csrf},
        max_redirects=0,
    )
    assert forged.status == 403
    assert not Claim.objects.exists()


def test_without_javascript_the_sentence_link_marks_and_unmarks(
    live_server: Any, no_js_page: Page, editor: Any, draft: Draft
) -> None:
    page = no_js_page
    texts = sentence_texts(draft)
    login(page, live_server, editor.username, PASSWORD)
    url = draft_url(live_server, draft)
    page.goto(url)
    unit = page.locator("#u-2")
    expect(unit).not_to_have_class(IS_CLAIM)
    expect(page.locator("#unit-toolbar")).to_be_hidden()

    # The sentence's own link opens the page at it, with its actions as plain buttons.
    unit.locator("a").click()
    page.wait_for_url(f"{url}?at=2#u-2")
    actions = page.locator(".unit-actions")
    expect(actions).to_have_count(1)
    actions.get_by_role(
        "button", name=re.compile("^(Mark as a claim|Confirm the suggestion)$")
    ).click()
    page.wait_for_url(f"{url}#u-2")
    expect(unit).to_have_class(IS_CLAIM)
    expect(page.locator(".unit-actions")).to_have_count(0)
    expect(page.locator("#claims-panel .count")).to_have_text("1")
    expect(page.locator("#claims-panel li.claim a")).to_have_text([texts[2]])
    assert Claim.objects.get().text == texts[2]

    unit.locator("a").click()
    page.locator(".unit-actions").get_by_role("button", name="Unmark").click()
    page.wait_for_url(f"{url}#u-2")
    expect(unit).not_to_have_class(IS_CLAIM)
    expect(page.locator("#claims-panel .count")).to_have_text("0")
    assert Claim.objects.get().status == Claim.Status.DISMISSED
