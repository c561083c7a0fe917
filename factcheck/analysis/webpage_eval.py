"""Scoring how saved web pages import, against pages whose article text a person marked.

The corpus (``$FACTCHECK_CORPUS/webpages/``, sources in ``tests/corpus/WEBPAGES_SOURCES.md``) holds
real news pages as ``<name>.html.gz`` and, in ``ground-truth.json``, each page's ``articleBody``:
the article's text as a reader sees it, without headline, byline, captions or site furniture. A
page is imported exactly as an upload is (``loaders.load_file``, then normalised and segmented with
the loader's regions) and scored on its units:

- **article recall**: the share of the ground truth's sentences (the truth segmented by
  ``segment``) found among the imported units. The issue's measure ("the share of the article's
  sentences imported") counts every unit imported, greyed as furniture or not
  (``imported_recall``): a greyed line is in the draft, shown, never lost silently. The
  stricter ``recall`` counts only the units not greyed, those that can be marked as claims;
  both are reported, as greying everything would pass the first and fail the second;
- **junk share**: of the imported units that are not greyed, the share that are not article
  text. A unit is article text when it is in the ground truth, or is the page's headline (a
  whole ``<title>``, ``og:title`` or ``twitter:title``, its start or its end, or three words or
  more inside one), or its standfirst (four words or more in its ``description`` or
  ``og:description``).

**Matching** is on words: the text is NFKC-normalised, case-folded and reduced to its runs of
letters and digits (``_words``), so quote styles, dashes, spacing and punctuation never decide.
A sentence of four words or more is found when its words occur, in order and whole, in the other
side's words (a sentence split or joined differently still matches), or failing that when
rapidfuzz's ``partial_ratio`` of the two is at least 95 (a word dropped in a long sentence). A
shorter one ("Background", "Photo: AP") must equal a unit of the other side, or stand inside one
at most three words longer, so that a menu's "News" is not found inside an article's sentence.

**Dev and held-out**: ``part_of(name)`` (the rule is in SOURCES.md). Tune on dev; score
held-out once.

Run: ``python -m factcheck.analysis.webpage_eval [--part dev|held-out|all] [--details]``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import statistics
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import html as lxml_html
from rapidfuzz import fuzz

from factcheck.analysis.loaders import Loaded, LoadError, load_file
from factcheck.analysis.normalise import normalise_text
from factcheck.analysis.segment import BOILERPLATE, segment

# The pages are not in the repository (tests/corpus/WEBPAGES_SOURCES.md says where they come
# from): DIR/webpages/ of ``make corpus CORPUS=DIR``, or --corpus.
CORPUS = Path(os.environ.get("FACTCHECK_CORPUS", "corpus")) / "webpages"

DEV = "dev"
HELD_OUT = "held-out"  # of the first batch (40 pages): scored at the end of its tuning
HELD_OUT_2 = "held-out-2"  # of the second batch (141 pages): kept unseen until its own end
PARTS = (DEV, HELD_OUT, HELD_OUT_2)

# The targets, for the mean over a part's pages.
TARGET_RECALL = 0.98
TARGET_JUNK = 0.05

_SHORT = 4  # words: below this a sentence must match a whole unit
_FUZZY = 95  # rapidfuzz partial_ratio accepted for a long sentence
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Page:
    """One page of the corpus: its file's bytes and the article a person marked on it."""

    name: str
    html: bytes
    article: str
    url: str
    batch: int = 1

    @property
    def part(self) -> str:
        return part_of(self.name, self.batch)


@dataclass
class PageScore:
    name: str
    part: str
    recall: float  # of the units not greyed
    junk: float
    truth_sentences: int
    kept: int  # imported units not greyed
    greyed: int
    missed: list[str] = field(default_factory=list)
    junk_units: list[str] = field(default_factory=list)
    imported_recall: float = 0.0  # of every unit imported, greyed or not


def part_of(name: str, batch: int = 1) -> str:
    """The held-out part of the page's batch for a third of the names, fixed by a hash; ``"dev"``
    for the rest (SOURCES.md gives the rule and the batches)."""
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()
    if int(digest[:8], 16) % 3 != 0:
        return DEV
    return HELD_OUT if batch == 1 else HELD_OUT_2


def load_corpus(directory: Path = CORPUS, *, part: str | None = None) -> list[Page]:
    """The pages of ``directory`` (all, or those of ``part``), in name order."""
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for name in sorted(truth):
        entry = truth[name]
        batch = int(entry.get("batch", 1))
        if part is not None and part_of(name, batch) != part:
            continue
        data = gzip.decompress((directory / f"{name}.html.gz").read_bytes())
        pages.append(Page(name, data, entry["articleBody"], entry["url"], batch))
    return pages


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _key(text: str) -> str:
    return " ".join(_words(text))


def sentences(text: str) -> list[str]:
    """The units of ``text`` as the desk segments it, as word keys (units without words left
    out)."""
    text = normalise_text(text)
    keys = (_key(text[u.start : u.end]) for u in segment(text))
    return [key for key in keys if key]


class _Side:
    """One side of a comparison: a list of units, searchable by the rules above."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = [key for key in keys if key]
        self.whole = set(self.keys)
        self.short_units = [key for key in self.keys if key.count(" ") + 1 < _SHORT + 3]
        self.joined = " " + " ".join(self.keys) + " "

    def holds(self, key: str) -> bool:
        if not key:
            return False
        length = key.count(" ") + 1
        if length < _SHORT:
            if key in self.whole:
                return True
            return any(
                f" {key} " in f" {unit} " and unit.count(" ") + 1 <= length + 3
                for unit in self.short_units
            )
        if f" {key} " in self.joined:
            return True
        return fuzz.partial_ratio(key, self.joined) >= _FUZZY


def _page_furniture_free_text(page_html: bytes) -> tuple[list[str], list[str]]:
    """The page's own headline and standfirst candidates, as word keys, read from its meta
    data (the scorer's own reading, independent of the loader's)."""
    try:
        # The corpus' pages are UTF-8 (SOURCES.md), whatever some of them declare.
        root = lxml_html.document_fromstring(
            page_html, parser=lxml_html.HTMLParser(encoding="utf-8")
        )
    except (ValueError, TypeError, SyntaxError):
        return [], []
    titles = [*root.xpath("//title/text()")]
    descriptions: list[str] = []
    for meta in root.xpath("//meta[@content]"):
        name = (meta.get("property") or meta.get("name") or "").lower()
        if name in {"og:title", "twitter:title"}:
            titles.append(meta.get("content"))
        elif name in {"description", "og:description", "twitter:description"}:
            descriptions.append(meta.get("content"))
    return [_key(t) for t in titles if t], [_key(d) for d in descriptions if d]


def _is_headline(key: str, titles: Sequence[str]) -> bool:
    """Whether ``key`` is the page's headline as its titles give it: a whole title, its start
    or its end ("Headline | Site", "Site - Headline"), or three words or more inside one."""
    for title in titles:
        if key == title or title.startswith(key + " ") or title.endswith(" " + key):
            return True
        if key.count(" ") >= 2 and f" {key} " in f" {title} ":
            return True
    return False


def imported_units(loaded: Loaded) -> tuple[list[str], list[str]]:
    """``(kept, greyed)``: the units' texts of ``loaded`` as an import stores them."""
    text = normalise_text(loaded.text)
    regions = loaded.regions if text == loaded.text else ()
    kept: list[str] = []
    greyed: list[str] = []
    for unit in segment(text, regions):
        (greyed if unit.kind == BOILERPLATE else kept).append(text[unit.start : unit.end])
    return kept, greyed


def score_page(page: Page, loaded: Loaded) -> PageScore:
    """Recall and junk share of ``loaded``, the import of ``page``."""
    kept, greyed = imported_units(loaded)
    truth = sentences(page.article)
    kept_keys = [_key(unit) for unit in kept]
    found_side = _Side(kept_keys)
    missed = [key for key in truth if not found_side.holds(key)]
    every_side = _Side(kept_keys + [_key(unit) for unit in greyed])
    lost = [key for key in missed if not every_side.holds(key)]

    truth_side = _Side(truth)
    titles, descriptions = _page_furniture_free_text(page.html)
    description_side = _Side(descriptions)
    junk_units = []
    counted = 0
    for unit, key in zip(kept, kept_keys, strict=True):
        if not key:
            continue
        counted += 1
        if truth_side.holds(key) or _is_headline(key, titles):
            continue
        if key.count(" ") + 1 >= _SHORT and description_side.holds(key):
            continue
        junk_units.append(unit)
    return PageScore(
        name=page.name,
        part=page.part,
        recall=1 - len(missed) / len(truth) if truth else 1.0,
        junk=len(junk_units) / counted if counted else 0.0,
        truth_sentences=len(truth),
        kept=len(kept),
        greyed=len(greyed),
        missed=missed,
        junk_units=junk_units,
        imported_recall=1 - len(lost) / len(truth) if truth else 1.0,
    )


Importer = Callable[[Page], Loaded]


def import_page(page: Page) -> Loaded:
    """The page imported as an upload is: ``loaders.load_file``."""
    return load_file(f"{page.name}.html", page.html)


def score_corpus(pages: Sequence[Page], importer: Importer = import_page) -> list[PageScore]:
    scores = []
    for page in pages:
        try:
            loaded = importer(page)
        except LoadError:
            loaded = Loaded(text="", title_hint="", kind="html")
        scores.append(score_page(page, loaded))
    return scores


@dataclass(frozen=True)
class Summary:
    pages: int
    recall: float  # mean over the pages
    junk: float
    imported_recall: float
    worst_recall: PageScore
    worst_junk: PageScore


def summarise(scores: Sequence[PageScore]) -> Summary:
    return Summary(
        pages=len(scores),
        recall=statistics.fmean(s.recall for s in scores),
        junk=statistics.fmean(s.junk for s in scores),
        imported_recall=statistics.fmean(s.imported_recall for s in scores),
        worst_recall=min(scores, key=lambda s: s.recall),
        worst_junk=max(scores, key=lambda s: s.junk),
    )


def report(scores: Sequence[PageScore], *, details: bool = False) -> str:
    lines = [
        f"{'page':<17} {'part':<10} {'recall':>6} {'junk':>6} {'truth':>5} {'kept':>5} {'grey':>5}"
        f" {'in all':>6}"
    ]
    for s in scores:
        lines.append(
            f"{s.name:<17} {s.part:<10} {s.recall:6.3f} {s.junk:6.3f} "
            f"{s.truth_sentences:5d} {s.kept:5d} {s.greyed:5d} {s.imported_recall:6.3f}"
        )
        if details:
            lines.extend(f"    missed: {m[:110]}" for m in s.missed)
            lines.extend(f"    junk:   {j[:110]!r}" for j in s.junk_units)
    for part in PARTS:
        of_part = [s for s in scores if s.part == part]
        if not of_part:
            continue
        summary = summarise(of_part)
        lines.append(
            f"{part}: {summary.pages} pages, mean recall {summary.recall:.3f} not greyed, "
            f"{summary.imported_recall:.3f} greyed or not (target ≥ {TARGET_RECALL}), "
            f"mean junk {summary.junk:.3f} (target ≤ {TARGET_JUNK}); "
            f"worst recall {summary.worst_recall.recall:.3f} ({summary.worst_recall.name}), "
            f"worst junk {summary.worst_junk.junk:.3f} ({summary.worst_junk.name})"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m factcheck.analysis.webpage_eval",
        description="Score the import of saved web pages: article recall and junk share.",
    )
    parser.add_argument("--part", choices=[*PARTS, "all"], default=DEV)
    parser.add_argument("--details", action="store_true", help="list missed and junk units")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    pages = load_corpus(args.corpus, part=None if args.part == "all" else args.part)
    if not pages:
        print(f"No pages in {args.corpus}.", file=sys.stderr)
        return 2
    print(report(score_corpus(pages), details=args.details))
    return 0


if __name__ == "__main__":
    sys.exit(main())
