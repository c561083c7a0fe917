"""The first pass of a senior fact-checker over a segmented draft, in one call.

``analyse(units, kinds)`` scores every unit's check-worthiness, types its checkable parts, finds
the direct quotes with their speakers and the findings (the draft contradicting itself, names
spelled two ways). Plain data in, plain data out; the drafts app stores it.

The score of a unit joins two witnesses. The model (:mod:`checkworthiness`) learnt from debate
transcripts which sentences people want checked; news copy adds what a desk checks whatever
the model thinks: every direct quote and attribution (did they say it?), every figure and date.
The claim types are those witnesses: each checkable type is an independent reason to check,
joined with the model's score like independent evidence (a noisy OR), so a type lifts a score
but never lowers one. Headlines restate the copy below them and are left to the model; site
furniture is never worth checking.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from factcheck.analysis import (
    checkworthiness,
    claimtypes,
    findings,
    language,
    lexicon,
    nlp,
    quotes,
)
from factcheck.analysis.segment import BOILERPLATE, HEADLINE

# How much each kind of checkable part, alone, makes a sentence worth checking in news copy.
TYPE_WEIGHT = {
    "quote": 0.6,  # a direct quote: confirm the words and the speaker
    "attribution": 0.5,  # "officials said": confirm who said it
    "number": 0.5,  # a figure or statistic
    "date": 0.2,
    "event": 0.2,
    "comparison": 0.2,
    "entity": 0.1,
}

# What may stand before a unit's first word: spaces and opening quotes. (The word itself is
# letters only: a hyphenated or dotted word is a name or an abbreviation.)
_OPENERS = " \t\n“‘\"'«„("

# Units scored at a time: the progress callback is called after each batch.
BATCH = 200
# A desk shown hundreds of findings reads none: past this many, the ones the pair model is least
# sure of are left out (a draft of news copy has a handful; only a machine-made one reaches this).
MAX_FINDINGS = 100


@dataclass(frozen=True)
class UnitResult:
    score: float  # 0-1: how much the unit is worth checking
    types: tuple[str, ...]  # claim types, in claimtypes.TYPES order
    spans: tuple[claimtypes.Span, ...]  # the checkable parts, offsets in the unit's text


@dataclass(frozen=True)
class DraftAnalysis:
    units: list[UnitResult]
    quotes: list[quotes.Quote]
    findings: list[findings.Finding]
    threshold: float  # the model's own decision threshold, the default for suggestions
    english: bool = True  # False: the draft does not look English (every rule here is English)


def analyse(
    units: Sequence[str],
    kinds: Sequence[str],
    *,
    model: checkworthiness.Model | None = None,
    progress: Callable[[int], None] | None = None,
) -> DraftAnalysis:
    """Analyse a draft's units (texts and kinds, in order). ``progress(n)`` is told how many
    units are parsed and typed so far, batch by batch, for a progress bar."""
    model = model or checkworthiness.load()
    common = lowercase_words(units)
    # The model (ONNX Runtime, which releases the GIL) scores every unit in a thread while spaCy
    # parses them here: the two halves of the first pass use both cores.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(model.scores, list(units))
        docs: list[Any] = []
        typings: list[claimtypes.Typing | None] = []
        for at in range(0, len(units), BATCH):
            texts = units[at : at + BATCH]
            batch_docs = nlp.parse(texts)  # one parse per unit: types, quotes and findings
            docs.extend(batch_docs)
            for text, kind, doc in zip(texts, kinds[at : at + BATCH], batch_docs, strict=True):
                typings.append(
                    None
                    if kind == BOILERPLATE
                    else without_common_opener(
                        text, claimtypes.claim_types(text, doc=doc), common, doc
                    )
                )
            if progress is not None:
                progress(len(docs))
        # Quotes and findings need the parses, not the scores: found while the model may still
        # be scoring (a CPU without a fast int8 kernel scores slower than spaCy parses).
        found_quotes = quotes.find_quotes(units, kinds, docs=docs)
        found = _likeliest(findings.find_findings(units, kinds, docs=docs))
        scores = pending.result()
    results = [
        unit_result(text, kind, score, typing)
        for text, kind, score, typing in zip(units, kinds, scores, typings, strict=True)
    ]
    return DraftAnalysis(
        units=results,
        quotes=found_quotes,
        findings=found,
        threshold=model.threshold,
        english=language.looks_english(
            text for text, kind in zip(units, kinds, strict=True) if kind != BOILERPLATE
        ),
    )


def _likeliest(found: list[findings.Finding]) -> list[findings.Finding]:
    """At most :data:`MAX_FINDINGS` findings, the likeliest kept, in the draft's order."""
    if len(found) <= MAX_FINDINGS:
        return found
    kept = set(sorted(range(len(found)), key=lambda i: -found[i].score)[:MAX_FINDINGS])
    return [f for i, f in enumerate(found) if i in kept]


def lowercase_words(units: Sequence[str]) -> frozenset[str]:
    """Every word the draft writes in lower case somewhere."""
    return frozenset(
        word for text in units for word in lexicon.LETTERS.findall(text) if word.islower()
    )


def without_common_opener(
    text: str, typing: claimtypes.Typing, common: frozenset[str], doc: Any = None
) -> claimtypes.Typing:
    """``typing`` without the names that are only capitalised common words: a sentence opening
    with "Rescue teams" or "Water rose" is not about somebody called Rescue or Water when the
    same draft writes "rescue" and "water" elsewhere, and neither is a headline In Title Case
    ("Rescue Effort Widens"). Names ("Lendria", "Moscow", "Meralt Valley") are never written
    wholly in lower case, so they stay.

    A sentence is typed again with its first word lower-cased, which keeps every other span
    where it was; a title-case headline loses the entity spans whose every word is common."""
    if lexicon.is_title_case(text):
        kept = tuple(
            span
            for span in typing.spans
            if span.type != "entity"
            or not all(
                w.lower() in common for w in lexicon.LETTERS.findall(text[span.start : span.end])
            )
        )
        if len(kept) == len(typing.spans):
            return typing
        names_left = any(span.type == "entity" for span in kept)
        types = tuple(t for t in typing.types if t != "entity" or names_left)
        return claimtypes.Typing(types, kept)
    for span in typing.spans:
        if span.type != "entity" or text[: span.start].strip(_OPENERS):
            continue
        word = text[span.start : span.end]
        if lexicon.LETTERS.fullmatch(word) and word.lower() in common:
            return claimtypes.claim_types(
                text[: span.start] + word.lower() + text[span.end :], doc=doc
            )
        break
    return typing


def unit_result(
    text: str, kind: str, model_score: float, typing: claimtypes.Typing | None = None
) -> UnitResult:
    if kind == BOILERPLATE:
        return UnitResult(score=0.0, types=(), spans=())
    typing = typing or claimtypes.claim_types(text)
    return UnitResult(
        score=combined_score(model_score, typing.types, kind),
        types=typing.types,
        spans=typing.spans,
    )


def combined_score(model_score: float, types: Sequence[str], kind: str) -> float:
    """The model's score, lifted by each checkable type as independent evidence."""
    if kind == BOILERPLATE:
        return 0.0
    doubt = 1.0 - model_score
    if kind != HEADLINE:
        for kind_of_part in set(types):
            doubt *= 1.0 - TYPE_WEIGHT.get(kind_of_part, 0.0)
    return round(1.0 - doubt, 4)
