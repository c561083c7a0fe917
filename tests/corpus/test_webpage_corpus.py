"""The web-page scorer, and the import of saved news pages held to the issue's targets on the
held-out pages (``$FACTCHECK_CORPUS/webpages``; WEBPAGES_SOURCES.md beside this file)."""

from __future__ import annotations

import re

import pytest

from factcheck.analysis import webpage_eval as ev
from factcheck.analysis.loaders import REGION_FURNITURE, Loaded, Region, load_file
from factcheck.analysis.normalise import normalise_text


@pytest.fixture(scope="module")
def dev() -> list[ev.Page]:
    return ev.load_corpus(part=ev.DEV)


def test_the_split_is_the_one_sources_md_names() -> None:
    sources = (ev.CORPUS / "SOURCES.md").read_text(encoding="utf-8")

    def named(heading: str) -> set[str]:
        return set(re.findall(r"\b[0-9a-f]{16}\b", sources.split(heading)[1].split("##")[0]))

    pages = ev.load_corpus()
    assert len(pages) == 181
    assert sum(p.batch == 1 for p in pages) == 40
    assert {p.name for p in pages if p.part == ev.HELD_OUT} == named("Held-out:") != set()
    assert {p.name for p in pages if p.part == ev.HELD_OUT_2} == named("Held-out-2:") != set()
    assert [len(named("Held-out:")), len(named("Held-out-2:"))] == [14, 43]
    assert sum(p.part == ev.DEV for p in pages) == 124


def test_the_ground_truth_itself_scores_full_marks(dev: list[ev.Page]) -> None:
    for page in dev[:8]:
        score = ev.score_page(page, Loaded(text=page.article, title_hint="", kind="html"))
        assert score.recall == 1.0, (page.name, score.missed)
        assert score.junk == 0.0, (page.name, score.junk_units)


def test_greyed_units_count_for_neither_recall_nor_junk(dev: list[ev.Page]) -> None:
    page = dev[0]
    text = "Home News Sport\n\n" + page.article
    menu = Region(0, len("Home News Sport"), REGION_FURNITURE)
    greyed_menu = ev.score_page(page, Loaded(text, "", "html", regions=(menu,)))
    assert greyed_menu.junk == 0.0 and greyed_menu.greyed == 1
    plain_menu = ev.score_page(page, Loaded(text, "", "html"))
    assert plain_menu.junk > 0 and plain_menu.junk_units == ["Home News Sport"]
    everything_greyed = Region(0, len(text), REGION_FURNITURE)
    assert ev.score_page(page, Loaded(text, "", "html", regions=(everything_greyed,))).recall == 0


def test_a_menu_word_is_not_found_inside_an_article_sentence(dev: list[ev.Page]) -> None:
    page = dev[0]
    word = next(w for w in page.article.split() if w.isalpha() and len(w) > 3)
    score = ev.score_page(page, Loaded(f"{word}\n\n{page.article}", "", "html"))
    assert score.junk_units == [word]


def test_the_whole_page_is_mostly_junk(dev: list[ev.Page]) -> None:
    # What the import did before: every element's text, a few blocks greyed.
    from factcheck.analysis.loaders.html import _HTMLTextExtractor

    def whole(page: ev.Page) -> Loaded:
        extractor = _HTMLTextExtractor()
        extractor.feed(page.html.decode("utf-8"))
        return Loaded(extractor.finish(), "", "html")

    summary = ev.summarise(ev.score_corpus(dev, whole))
    assert summary.recall > 0.95
    assert summary.junk > 0.5


# Held-out pages, as measured (docs/webpages.md), not tuned on. Batch 1's 14: scored at the end
# of the first round (recall 0.961 not greyed), again after the Golden Rules merge (0.945), and
# a third time after the second round: 0.998 not greyed, 1.000 greyed or not, junk 0.029.
# Batch 2's 43 (held-out-2), scored once, at the end of the second round: 0.979 not greyed,
# 0.986 greyed or not (the measure: every unit imported), junk 0.046.
@pytest.mark.parametrize(
    ("part", "recall", "imported", "pages_at_target"),
    [(ev.HELD_OUT, 0.98, 0.98, 13), (ev.HELD_OUT_2, 0.975, 0.98, 35)],
)
def test_held_out_pages_import_as_their_articles(
    part: str, recall: float, imported: float, pages_at_target: int
) -> None:
    scores = ev.score_corpus(ev.load_corpus(part=part))
    summary = ev.summarise(scores)
    report = ev.report(scores, details=True)
    assert summary.junk <= ev.TARGET_JUNK, report
    assert summary.imported_recall >= imported, report
    assert summary.recall >= recall, report
    assert sum(score.recall >= ev.TARGET_RECALL for score in scores) >= pages_at_target, report


def test_the_command_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert ev.main(["--part", "dev"]) == 0
    out = capsys.readouterr().out
    header = ["page", "part", "recall", "junk", "truth", "kept", "grey", "in", "all"]
    assert out.splitlines()[0].split() == header
    assert re.search(r"^dev: 124 pages, mean recall 0\.\d{3} not greyed, 0\.\d{3}", out, re.M)


def test_every_corpus_page_gives_normalised_text_and_true_regions() -> None:
    # The real pages of corpus (WEBPAGES_SOURCES.md), dev and held-out alike: structure
    # only; what they score is webpage_eval's business.
    from factcheck.analysis.webpage_eval import load_corpus

    whole = []
    for page in load_corpus():
        loaded = load_file(f"{page.name}.html", page.html)
        text = loaded.text
        if not loaded.regions:
            whole.append(page.name)
            continue
        assert normalise_text(text) == text, page.name
        ends = 0
        for region in loaded.regions:
            assert ends <= region.start < region.end <= len(text), page.name
            assert text[region.start : region.end] == text[region.start : region.end].strip()
            ends = region.end
    # A saved TechCrunch article with nothing of the site around it (the page as the benchmark
    # fetched it, scripts off) is a plain document: imported whole.
    assert whole == ["1ace8c85aaee21b9"]
