"""Matching a query against stored text, for the archive and library sources.

On PostgreSQL the database does the matching: English full-text search (stemming: "killed"
finds "kill") over the GIN indexes of migration 0002, trigram similarity (pg_trgm) for claims,
and ``ts_headline`` to find the words to highlight. Elsewhere (SQLite) a portable scorer in
plain Python does the same job less cleverly: lower-cased words without stop words, and
pg_trgm's trigram similarity re-implemented.

A lookup's query is a whole claim, so "all words" (``plainto_tsquery``) would almost never
match; the queries here match text holding *any* of the words and rank by how many it holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.postgres.search import SearchQueryField, SearchVectorField
from django.db.models import BooleanField, Func, IntegerField, TextField, Value

# PostgreSQL's English stop words (snowball's list), so both paths ignore the same words.
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can did do does doing don down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own s same she should so some such t than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with you your yours yourself
    yourselves""".split()
)
MAX_TERMS = 64  # a query's words beyond these add nothing but cost
SNIPPET_CHARS = 400
_WORD = re.compile(r"[^\W_]+")  # letters and digits; "S-92" is "S" and "92", as in pg_trgm


# --- Plain Python: words, scores, highlights, snippets ---------------------------------------


def terms(text: str) -> list[str]:
    """The query's distinct words, lower-cased, stop words left out, in order of appearance."""
    seen: dict[str, None] = {}
    for match in _WORD.finditer(text):
        word = match.group().lower()
        if word not in STOPWORDS:
            seen.setdefault(word, None)
            if len(seen) >= MAX_TERMS:
                break
    return list(seen)


def term_set(text: str) -> set[str]:
    return {w for w in (m.group().lower() for m in _WORD.finditer(text)) if w not in STOPWORDS}


def rarest(words: Sequence[str], k: int = 6) -> list[str]:
    """The ``k`` words most likely to be rare, for a LIKE prefilter: figures and names first
    (words with digits), then the longest."""
    return sorted(words, key=lambda w: (not any(c.isdigit() for c in w), -len(w)))[:k]


def coverage(query_terms: Sequence[str], text_terms: set[str]) -> float:
    """The share of the query's words the text holds."""
    if not query_terms:
        return 0.0
    return sum(1 for t in query_terms if t in text_terms) / len(query_terms)


def jaccard(a: set[str], b: set[str]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each word lower-cased, padded with two spaces before and one after."""
    grams: set[str] = set()
    for match in _WORD.finditer(text.lower()):
        padded = f"  {match.group()} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def trigram_similarity(a: str, b: str) -> float:
    """What pg_trgm's ``similarity(a, b)`` answers: shared trigrams over all trigrams."""
    return jaccard(trigrams(a), trigrams(b))


def highlight_spans(text: str, query_terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where the query's words occur in ``text`` (whole words, any case)."""
    wanted = set(query_terms)
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text) if m.group().lower() in wanted]
    return merge_spans(text, spans)


def merge_spans(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans, those touching or one non-space character apart ("e-mail") made one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged:
            last_start, last_end = merged[-1]
            gap = text[last_end:start]
            if start <= last_end or (len(gap) == 1 and not gap.isspace()):
                merged[-1] = (last_start, max(end, last_end))
                continue
        merged.append((start, end))
    return merged


def window(
    text: str, spans: Sequence[tuple[int, int]], width: int = SNIPPET_CHARS
) -> tuple[str, list[tuple[int, int]]]:
    """At most about ``width`` characters of ``text`` around its densest cluster of ``spans``,
    cut at word boundaries and marked with "…" where cut; the spans moved to match."""
    if len(text) <= width:
        return text, list(spans)
    anchor, best, last = 0, 0, 0
    for first, (start, _) in enumerate(spans):
        last = max(last, first)
        while last < len(spans) and spans[last][1] <= start + width:
            last += 1
        if last - first > best:
            best, anchor = last - first, start
    start = max(0, min(anchor - width // 5, len(text) - width))
    end = start + width
    if start > 0 and not text[start - 1].isspace():
        space = text.find(" ", start, min(anchor, start + 40))
        if space != -1:
            start = space + 1
    if end < len(text) and not text[end].isspace():
        space = text.rfind(" ", max(start, end - 40), end)
        if space != -1:
            end = space
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    kept = [(s + shift, e + shift) for s, e in spans if s >= start and e <= end]
    return prefix + text[start:end] + suffix, kept


# --- PostgreSQL expressions ---------------------------------------------------------------------

# ts_headline's marks: control characters no text we store contains (checked, see below).
_OPEN, _CLOSE = "\x02", "\x03"
HEADLINE_OPTIONS = f"HighlightAll=true, StartSel={_OPEN}, StopSel={_CLOSE}"


class EnglishVector(Func):
    """``to_tsvector('english', <text>)``: exactly the expression migration 0002 indexes, so
    a match on it is answered from the GIN index."""

    template = "to_tsvector('english'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


class AnyWords(Func):
    """A tsquery matching text that holds any of the query's words (stemmed, stop words
    dropped): ``plainto_tsquery`` with its ANDs turned into ORs. The lexemes stay quoted in the
    text form, so an "&" inside one is left alone."""

    template = (
        "replace(plainto_tsquery('english'::regconfig, %(expressions)s)::text, ' & ', ' | ')"
        "::tsquery"
    )
    output_field = SearchQueryField()


class Matches(Func):
    """``vector @@ query``."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class TrigramSimilar(Func):
    """``a % b``: similar by pg_trgm's threshold, answered from the trigram index."""

    arg_joiner = " %% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class LexemeCount(Func):
    """How many distinct lexemes a tsvector holds."""

    function = "length"
    output_field = IntegerField()


class SharedLexemes(Func):
    """How many distinct lexemes two tsvectors have in common."""

    # The joiner closes the first array and opens the second: the two expressions sit apart.
    template = "(SELECT count(*) FROM unnest(tsvector_to_array(%(expressions)s)))"
    arg_joiner = ")) AS lexeme WHERE lexeme = ANY(tsvector_to_array("
    output_field = IntegerField()


class Headline(Func):
    """``ts_headline`` over the whole text, the matching words between our marks."""

    template = "ts_headline('english'::regconfig, %(expressions)s)"
    output_field = TextField()

    def __init__(self, text: Any, query: str) -> None:
        super().__init__(text, AnyWords(Value(query)), Value(HEADLINE_OPTIONS))


def headline_spans(text: str, marked: str | None) -> list[tuple[int, int]] | None:
    """The spans ``ts_headline`` marked in ``text``; None if its answer is not ``text`` with
    marks (then the caller highlights in Python)."""
    if not marked or _OPEN in text or _CLOSE in text:
        return None
    spans: list[tuple[int, int]] = []
    plain: list[str] = []
    length = 0
    opened: int | None = None
    for piece in re.split(f"([{_OPEN}{_CLOSE}])", marked):
        if piece == _OPEN:
            opened = length
        elif piece == _CLOSE:
            if opened is not None and length > opened:
                spans.append((opened, length))
            opened = None
        else:
            plain.append(piece)
            length += len(piece)
    if "".join(plain) != text:
        return None
    return merge_spans(text, spans)


def clean_query(query: str) -> str:
    """The query as the database may take it: no NUL, at most 500 characters."""
    return query.replace("\x00", " ")[:500]
