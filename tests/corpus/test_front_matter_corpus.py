"""Markdown front matter in real files: Jekyll's and Hugo's own samples
(``$FACTCHECK_CORPUS/front_matter``; ``FRONT_MATTER_SOURCES.md`` beside this file names them)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from factcheck.analysis.loaders import load_file
from factcheck.analysis.loaders.markdown import load_markdown
from factcheck.analysis.normalise import normalise_text
from factcheck.analysis.segment import segment
from tests.corpus.conftest import corpus_path


def sample(name: str) -> str:
    return corpus_path("front_matter", name).read_text(encoding="utf-8")


def unit_texts(text: str) -> list[str]:
    normalised = normalise_text(text)
    return [normalised[u.start : u.end] for u in segment(normalised)]


# --- Real files --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "title", "byline", "first_words"),
    [
        (
            "jekyll/2018-09-19-security-fixes-for-3-6-3-7-3-8.markdown",
            "Security Fixes for series 3.6, 3.7 and 3.8",
            "ashmaroli",
            "Hi Jekyllers,",
        ),
        (
            "jekyll/2013-07-22-post-excerpt-with-layout.markdown",
            "Post Excerpt with Layout",
            "",
            "First paragraph with [link ref][link].",
        ),
        ("jekyll/2013-04-11-custom-excerpt.markdown", "", "", "This is not my excerpt."),
        ("jekyll/2010-01-08-triple-dash.markdown", "Foo --- Bar", "", "Triple the fun!"),
        # Closed by YAML's "..." document end; the front matter's title beats the first heading.
        (
            "jekyll/2014-03-03-yaml-with-dots.md",
            "Test Post Where YAML Ends in Dots",
            "",
            "# Test",
        ),
        ("jekyll/2015-12-27-extra-spaces.markdown", "", "", "Best **post** ever"),
        ("jekyll/2009-06-22-empty-yaml.markdown", "", "", "Empty YAML."),
        # Hugo's TOML front matter between "+++" lines.
        ("hugo/rich-content.md", "Rich Content", "Hugo Authors", "Hugo ships with several"),
    ],
)
def test_real_front_matter_gives_title_and_byline_and_leaves_the_text(
    name: str, title: str, byline: str, first_words: str
) -> None:
    source = sample(name)
    loaded = load_file(Path(name).name, source.encode("utf-8"))
    assert (loaded.kind, loaded.title_hint, loaded.byline) == ("md", title, byline)
    assert loaded.text.startswith(first_words)
    assert source.endswith(loaded.text)  # the front matter dropped, nothing else
    for key in ("layout:", "excerpt:", "categories:", "title =", "author =", "date:"):
        assert key not in loaded.text


def test_a_horizontal_rule_later_in_the_file_stays_in_the_text() -> None:
    source = sample("jekyll/2013-07-22-post-excerpt-with-layout.markdown")
    loaded = load_file("post.markdown", source.encode())
    assert loaded.text.startswith("First paragraph")
    assert "\n---\n\nThird paragraph" in loaded.text
    source = sample("hugo/rich-content.md")
    assert load_file("rich.md", source.encode()).text.count("\n---\n") == 3


def test_front_matter_lines_never_become_sentences() -> None:
    source = sample("jekyll/2013-04-11-custom-excerpt.markdown")
    assert unit_texts(load_file("post.md", source.encode()).text) == [
        "This is not my excerpt.",
        "Neither is this.",
    ]


def test_a_bom_and_crlf_line_endings_before_the_front_matter() -> None:
    # Jekyll's UTF8CRLFandBOM.md is a BOM and CR/LF lines, as its name says; the code index
    # stores its text, so the bytes are rebuilt here. Its UTF-16 sibling likewise.
    source = sample("jekyll/UTF8CRLFandBOM.md").replace("\n", "\r\n")
    for data in (
        codecs.BOM_UTF8 + source.encode("utf-8"),
        codecs.BOM_UTF16_LE + source.encode("utf-16-le"),
    ):
        loaded = load_file("UTF8CRLFandBOM.md", data)
        assert loaded.title_hint == "UTF8CRLFandBOM"
        assert loaded.text.startswith("This file was created with CR/LFs")
        assert unit_texts(loaded.text)[0] == (
            "This file was created with CR/LFs, and encoded as UTF8 with a BOM"
        )
    # A BOM the decoder did not take (text handed over as it is).
    assert load_markdown("\ufeff---\ntitle: Kept\n---\nBody.").title_hint == "Kept"
