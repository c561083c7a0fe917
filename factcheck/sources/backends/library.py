"""The reference library: passages of the documents a newsroom uploaded (wire copy, reports,
transcripts) that hold the query's words, best first, with those words highlighted.

A passage's score is the share of the query's words it holds: stemmed words through the
full-text index on PostgreSQL, plain lower-cased words in the Python fallback elsewhere. Only
the newsroom's own documents are read, and never an archived one. The library page's search
box uses :func:`find_passages` too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Cast, Greatest
from django.urls import reverse

from factcheck.sources.backends.base import Hit
from factcheck.sources.models import Passage
from factcheck.sources.textsearch import (
    AnyWords,
    EnglishVector,
    Headline,
    LexemeCount,
    Matches,
    SharedLexemes,
    clean_query,
    coverage,
    headline_spans,
    highlight_spans,
    rarest,
    term_set,
    terms,
    window,
)

MAX_HITS = 5
MIN_SCORE = 0.3  # a lookup's passages hold at least this share of the claim's words
FALLBACK_CANDIDATES = 5_000  # SQLite: passages scored in Python at most


@dataclass(frozen=True)
class PassageMatch:
    """A passage that matched: ``snippet`` is its text (trimmed around the match when long),
    ``highlights`` the matching words' ``[start, end]`` in the snippet, ``score`` 0 to 1."""

    passage: Passage
    snippet: str
    highlights: list[tuple[int, int]]
    score: float

    @property
    def url(self) -> str:
        return passage_url(self.passage)


def passage_url(passage: Passage) -> str:
    return reverse("sources:document", kwargs={"pk": passage.document_id}) + f"#p{passage.index}"


def search(query: str, *, newsroom_id: int, claim_id: int) -> list[Hit]:
    """The backend: the best passages for a claim's wording (``claim_id`` is not needed: a
    document is never the claim itself)."""
    return [
        Hit(
            url=match.url,
            title=match.passage.document.title,
            snippet=match.snippet,
            highlights=match.highlights,
            score=round(match.score, 4),
        )
        for match in find_passages(newsroom_id=newsroom_id, query=query)
    ]


def find_passages(
    *, newsroom_id: int, query: str, limit: int = MAX_HITS, min_score: float = MIN_SCORE
) -> list[PassageMatch]:
    """The newsroom's passages best matching ``query`` (at most ``limit``, each scoring at
    least ``min_score``), with their documents loaded: one query on PostgreSQL."""
    query = clean_query(query)
    if not terms(query):
        return []
    candidates = Passage.objects.filter(
        document__newsroom_id=newsroom_id, document__archived_at__isnull=True
    ).select_related("document")
    if connection.vendor == "postgresql":
        return _find_postgresql(candidates, query, limit, min_score)
    return find_python(candidates, query, limit, min_score)


def _find_postgresql(
    candidates: QuerySet[Passage], query: str, limit: int, min_score: float
) -> list[PassageMatch]:
    vector = EnglishVector(F("text"))
    query_vector = EnglishVector(Value(query))
    rows = (
        candidates.filter(Matches(vector, AnyWords(Value(query))))
        .annotate(
            score=Cast(SharedLexemes(vector, query_vector), FloatField())
            / Greatest(LexemeCount(query_vector), Value(1)),
            headline=Headline(F("text"), query),
        )
        .filter(score__gte=min_score)
        .order_by("-score", "-document__created_at", "document_id", "index")[:limit]
    )
    matches = []
    for passage in rows:
        spans = headline_spans(passage.text, passage.headline)
        if spans is None:
            spans = highlight_spans(passage.text, terms(query))
        matches.append(_match(passage, min(1.0, passage.score), spans))
    return matches


def find_python(
    candidates: QuerySet[Passage], query: str, limit: int, min_score: float
) -> list[PassageMatch]:
    """The portable scorer (SQLite): the share of the query's words a passage holds, over the
    passages holding at least one of its rarest words."""
    query_terms = terms(query)
    prefilter = Q()
    for word in rarest(query_terms):
        prefilter |= Q(text__icontains=word)
    scored = []
    newest_first = candidates.filter(prefilter).order_by("-document__created_at", "-id")
    for passage in newest_first[:FALLBACK_CANDIDATES]:
        score = coverage(query_terms, term_set(passage.text))
        if score >= min_score and score > 0:
            scored.append((passage, score))
    scored.sort(key=lambda pair: -pair[1])
    return [
        _match(passage, score, highlight_spans(passage.text, query_terms))
        for passage, score in scored[:limit]
    ]


def _match(passage: Passage, score: float, spans: list[tuple[int, int]]) -> PassageMatch:
    snippet, spans = window(passage.text, spans)
    return PassageMatch(passage=passage, snippet=snippet, highlights=spans, score=score)
