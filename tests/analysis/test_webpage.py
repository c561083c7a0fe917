"""A saved news page imports as the article a reader sees (loaders.webpage via load_html)."""

from __future__ import annotations

import time

import pytest

from factcheck.analysis.loaders import (
    REGION_FURNITURE,
    REGION_HEADLINE,
    Loaded,
    LoadError,
    load_file,
)
from factcheck.analysis.loaders.webpage import MAX_ATTRIBUTES, MAX_ELEMENTS, read_page
from factcheck.analysis.normalise import normalise_text
from factcheck.analysis.segment import BOILERPLATE, HEADLINE, SENTENCE, segment

# Our own page, built the way news sites build theirs.
PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Harbour road shut after storm surge | The Meralt Courier</title>
<meta property="og:title" content="Harbour road shut after storm surge">
<meta property="og:site_name" content="The Meralt Courier">
<meta name="description"
  content="Engineers say the sea wall needs three weeks of repairs before traffic returns.">
<meta name="author" content="Ines Holt">
<script>window.dataLayer = [{"page": "<p>not text</p>"}];</script>
<style>.menu { display: flex }</style>
</head><body>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience.
  <a href="#">Accept all</a></div>
<header class="site-header"><a href="/">The Meralt Courier</a>
  <nav><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
  <li><a href="/weather">Weather</a></li><li><a href="/opinion">Opinion</a></li></ul></nav>
</header>
<main>
<article class="story">
  <h1 class="story-headline">Harbour road shut after storm surge</h1>
  <p class="standfirst">Engineers say the sea wall needs three weeks of repairs before
  traffic returns.</p>
  <div class="byline">By Ines Holt, transport correspondent</div>
  <figure><img src="wall.jpg" alt=""><figcaption>Waves broke over the sea wall on Sunday night.
  Photo: Tomas Brek</figcaption></figure>
  <div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
  <div class="story-body">
    <p>The harbour road in Meralt was closed on Monday after a storm surge cracked the sea wall
    along a 200-metre stretch, the town council said.</p>
    <p>About 4,000 vehicles use the road every day, according to the council's latest traffic
    count, and buses to the ferry terminal have been sent through the old town instead.</p>
    <p>“We will not reopen the road until the wall is safe,” said Mayor Ines Holt. “Nobody
    should take the risk of driving along it in the meantime.”</p>
    <h2>Repairs to cost €1.2 million</h2>
    <p>The council estimated the cost of the repairs at €1.2 million, most of which it expects
    the regional government to cover from its flood fund.</p>
    <blockquote><p>“The wall is sixty years old and it was never built for storms like this
    one,” the council's chief engineer, Tomas Brek, told reporters.</p></blockquote>
    <p>Work is due to begin next week and should take about three weeks if the weather holds.
    Markup written in the story stays as text: &lt;script&gt;alert(1)&lt;/script&gt;.</p>
  </div>
  <aside class="related-stories"><h3>Related stories</h3><ul>
    <li><a href="/a">Flood warnings issued for the coast</a></li>
    <li><a href="/b">Ferry timetable changes for the winter season</a></li></ul></aside>
  <section class="comments" id="comments"><h3>12 comments</h3>
    <div class="comment"><p>This road should have been fixed years ago, frankly.</p></div>
    <form><textarea>Write a comment</textarea><button>Post</button></form></section>
</article>
</main>
<footer class="site-footer"><p>© 2026 The Meralt Courier. All rights reserved.</p>
  <p><a href="/about">About us</a> <a href="/contact">Contact</a></p></footer>
</body></html>
"""


def load(page: str = PAGE) -> Loaded:
    return load_file("story.html", page.encode("utf-8"))


def units(loaded: Loaded) -> list[tuple[str, str]]:
    """``(text, kind)`` of each unit, segmented as an import does."""
    text = loaded.text
    return [(text[u.start : u.end], u.kind) for u in segment(text, loaded.regions)]


def test_the_article_is_imported_and_the_site_furniture_dropped() -> None:
    loaded = load()
    text = loaded.text
    for kept in (
        "Harbour road shut after storm surge",
        "Engineers say the sea wall needs three weeks of repairs before traffic returns.",
        "The harbour road in Meralt was closed on Monday",
        "“We will not reopen the road until the wall is safe,” said Mayor Ines Holt.",
        "Repairs to cost €1.2 million",
        "“The wall is sixty years old",
        "Work is due to begin next week",
    ):
        assert kept in text, kept
    for dropped in (
        "We use cookies",  # the cookie banner
        "Sport",  # the menu
        "Share on Facebook",  # the share bar
        "Flood warnings issued",  # related links
        "fixed years ago",  # a reader's comment
        "Write a comment",
        "All rights reserved",  # the footer
        "not text",  # a script
    ):
        assert dropped not in text, dropped


def test_headline_and_cross_heads_are_headlines_and_the_body_is_sentences() -> None:
    kinds = dict(units(load()))
    assert kinds["Harbour road shut after storm surge"] == HEADLINE
    assert kinds["Repairs to cost €1.2 million"] == HEADLINE
    assert (
        kinds["Engineers say the sea wall needs three weeks of repairs before traffic returns."]
        == SENTENCE
    )
    assert kinds["“Nobody should take the risk of driving along it in the meantime.”"] == SENTENCE


def test_what_cannot_be_told_apart_is_kept_greyed_not_dropped() -> None:
    kinds = dict(units(load()))
    assert kinds["By Ines Holt, transport correspondent"] == BOILERPLATE
    assert kinds["Waves broke over the sea wall on Sunday night."] == BOILERPLATE


def _story_with(body: str, *, body_class: str = "") -> str:
    """PAGE with ``body`` in place of its story's last paragraph, and <body> classed."""
    last = PAGE.index("    <p>Work is due to begin next week")
    end = PAGE.index("</div>", last)
    page = PAGE[:last] + body + PAGE[end:]
    return page.replace("<body>", f'<body class="{body_class}">') if body_class else page


def test_the_pages_own_classes_are_not_read_as_furniture_or_captions() -> None:
    # Gizmodo's <body> carries its feature flags as classes ("f_caption_muted_videos_on").
    flags = "permalink f_caption_muted_videos_on f_share_tools_on f_ads_on f_related_on"
    kinds = dict(units(load(_story_with("", body_class=flags))))
    assert (
        kinds[
            "The council estimated the cost of the repairs at €1.2 million, most of which "
            "it expects the regional government to cover from its flood fund."
        ]
        == SENTENCE
    )


def test_linked_lines_of_the_article_stay_its_text_a_related_link_does_not() -> None:
    linked = (
        '<p><a href="/wall">The sea wall was last repaired in 1998 after a smaller storm</a>, '
        "records show.</p>\n"
        '<p>Related: <a href="/x">Ferry timetable changes for the winter season</a></p>\n'
        '<p><a href="/y">Get it at the harbour shop for €39.99</a></p>\n'
        "<p>Work is due to begin next week and should take about three weeks.</p>\n"
    )
    kinds = dict(units(load(_story_with(linked))))
    assert kinds["The sea wall was last repaired in 1998 after a smaller storm, records show."] == (
        SENTENCE
    )
    # A deal list's line: kept, not greyed (the segmenter reads a line without a stop as a head).
    assert kinds["Get it at the harbour shop for €39.99"] in (SENTENCE, HEADLINE)
    # A related link points away: greyed (or dropped), never the article's.
    assert kinds.get("Related: Ferry timetable changes for the winter season", BOILERPLATE) == (
        BOILERPLATE
    )


def test_an_embedded_social_post_is_the_articles_text() -> None:
    tweet = (
        '<div class="embed-tweet"><blockquote class="twitter-tweet"><p>The harbour road stays '
        "shut until the wall is safe, the council says.</p>— Meralt Council (@meralt) "
        '<a href="https://x.example/1">May 4, 2026</a></blockquote></div>\n'
        "<p>Work is due to begin next week and should take about three weeks.</p>\n"
    )
    kinds = dict(units(load(_story_with(tweet))))
    said = "The harbour road stays shut until the wall is safe, the council says."
    assert kinds[said] == SENTENCE


def test_repeated_subheads_trafilatura_skips_are_headlines() -> None:
    question = '<div class="subhead">{}</div>\n<p>{}</p>\n'
    body = "".join(
        question.format(q, a)
        for q, a in (
            (
                "Who pays for the repairs?",
                "The regional flood fund pays most of the repairs, "
                "the council said on Monday after its meeting.",
            ),
            (
                "When will the road reopen?",
                "The road should reopen in about three weeks if the "
                "weather holds and the engineers sign the wall off.",
            ),
        )
    )
    kinds = dict(units(load(_story_with(body))))
    assert kinds["Who pays for the repairs?"] == HEADLINE
    assert kinds["When will the road reopen?"] == HEADLINE


def test_title_and_byline_come_from_the_page_without_the_site_name() -> None:
    loaded = load()
    assert loaded.title_hint == "Harbour road shut after storm surge"
    assert loaded.byline == "Ines Holt"
    assert loaded.kind == "html"


def test_the_text_is_normalised_and_regions_fall_on_whole_paragraphs() -> None:
    loaded = load()
    text = loaded.text
    assert normalise_text(text) == text
    assert "\n\n\n" not in text and text == text.strip()
    previous_end = 0
    for region in loaded.regions:
        assert previous_end <= region.start < region.end <= len(text)
        assert region.start == 0 or text[region.start - 2 : region.start] == "\n\n"
        assert region.end == len(text) or text[region.end : region.end + 2] == "\n\n"
        assert region.kind in {REGION_HEADLINE, REGION_FURNITURE}
        previous_end = region.end


def test_markup_written_as_text_stays_literal() -> None:
    assert "Markup written in the story stays as text: <script>alert(1)</script>." in load().text


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Harbour road shut | The Meralt Courier", "The Meralt Courier", "Harbour road shut"),
        ("The Meralt Courier - Harbour road shut", "The Meralt Courier", "Harbour road shut"),
        ("Harbour road shut | News | Courier", "", "Harbour road shut"),
        ("Harbour road shut — Courier", "Courier", "Harbour road shut"),
        # A dash inside a headline is the writer's, not a separator before a site's name.
        ("Storm - and then the flood", "", "Storm - and then the flood"),
    ],
)
def test_the_site_name_is_taken_off_the_title(title: str, site: str, expected: str) -> None:
    site_meta = f'<meta property="og:site_name" content="{site}">' if site else ""
    page = f"<html><head><title>{title}</title>{site_meta}</head><body><p>Short.</p></body></html>"
    assert read_page("“a.html”", page).title == expected


def test_a_fragment_or_a_plain_document_imports_whole() -> None:
    fragment = "<p>The road closed.</p><ul><li>One</li><li>Two</li></ul>"
    loaded = load(fragment)
    assert loaded.text == "The road closed.\n\nOne\n\nTwo"
    assert loaded.regions == ()
    # A writer's plain document with a heading and a few paragraphs: nothing to take away.
    document = "<h1>Notes</h1>" + "".join(f"<p>Paragraph {i} of the notes.</p>" for i in range(5))
    assert load(document).text.startswith("Notes\n\nParagraph 0 of the notes.")


def test_a_page_too_big_to_read_as_an_article_imports_whole() -> None:
    page = "<title>List</title><div>" + "<span>x</span>" * (MAX_ELEMENTS + 1) + "</div>"
    loaded = load(page)
    assert loaded.regions == ()
    assert loaded.title_hint == "List"


def test_deep_nesting_is_refused_in_words() -> None:
    page = "<div>" * 400 + "<p>Deep.</p>" + "</div>" * 400
    with pytest.raises(LoadError) as refused:
        load(page)
    assert str(refused.value) == (
        "“story.html” could not be read as a web page: its elements are nested more than 256 "
        "deep. Paste the article's text instead."
    )


def test_an_element_with_thousands_of_attributes_is_refused_quickly() -> None:
    count = MAX_ATTRIBUTES * 50
    page = "<p " + " ".join(f"a{i}" for i in range(count)) + ">Hi.</p>"
    with pytest.raises(LoadError) as refused:
        load(page)
    assert str(refused.value) == (
        f"“story.html” could not be read as a web page: one of its elements has {count:,} "
        f"attributes, and no page needs more than {MAX_ATTRIBUTES:,}."
    )


def test_entity_tricks_stay_text() -> None:
    page = (
        '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa">]><p>&a;&a; &#0; &#xD800; &#x110000; '
        "&amp;lt;b&amp;gt; &lt;i&gt;</p>"
    )
    loaded = load(page)
    assert "&a;&a; \ufffd \ufffd \ufffd &lt;b&gt; <i>" in loaded.text
    assert "aaaaaaaaaa" not in loaded.text


def test_a_one_megabyte_page_imports_its_whole_article() -> None:
    body = "".join(
        f"<p>On day {i} the council met again, and the harbour committee reported that repairs "
        f"to section {i} of the sea wall had cost {i * 317} euros so far, that {i % 40} workers "
        f"were on site, and that the road would stay closed while the engineers checked the "
        f"foundations, the drains and the railings along the whole of the promenade.</p>"
        for i in range(3_300)
    )
    page = PAGE.replace("<p>Work is due to begin next week", body + "<p>Work is due to begin")
    assert len(page.encode()) > 1024 * 1024
    started = time.perf_counter()
    loaded = load(page)
    elapsed = time.perf_counter() - started
    assert "On day 3299 the council met again" in loaded.text
    assert "Share on Facebook" not in loaded.text
    assert normalise_text(loaded.text) == loaded.text
    assert elapsed < 20, f"{elapsed:.1f} s"  # about 3 s here; a bound for slow machines
