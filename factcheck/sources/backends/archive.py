"""The newsroom archive: claims this newsroom has already checked, with an approved verdict,
that resemble the claim being looked up. "Checked before on 3 October: inaccurate".

Only the same newsroom's claims are ever read, never the claim being looked up. On PostgreSQL
the candidates come from the full-text and trigram indexes of migration 0002 and are ranked by
a blend of the two: the share of words the claims have in common (stemmed; Jaccard) and their
trigram similarity, which forgives typos and inflections. Elsewhere the same blend is worked
out in Python over the candidates a LIKE on the query's rarest words lets through.
"""

from __future__ import annotations

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Cast, Greatest
from django.utils import timezone
from django.utils.dateformat import format as date_format

from factcheck.claims.models import Claim
from factcheck.sources.backends.base import Hit
from factcheck.sources.textsearch import (
    AnyWords,
    EnglishVector,
    Headline,
    LexemeCount,
    Matches,
    SharedLexemes,
    TrigramSimilar,
    clean_query,
    headline_spans,
    highlight_spans,
    jaccard,
    rarest,
    term_set,
    terms,
    trigram_similarity,
    window,
)

MAX_HITS = 5
MIN_SCORE = 0.2
WORDS_WEIGHT = 0.6  # the rest is trigram similarity
FALLBACK_CANDIDATES = 2_000  # SQLite: claims scored in Python at most


def search(query: str, *, newsroom_id: int, claim_id: int) -> list[Hit]:
    """The newsroom's approved claims most like ``query``, best first: at most five, each
    scoring at least MIN_SCORE (0 to 1)."""
    query = clean_query(query)
    if not terms(query):
        return []
    candidates = (
        Claim.objects.filter(
            draft__newsroom_id=newsroom_id, status=Claim.Status.APPROVED, verdict__gt=""
        )
        .exclude(pk=claim_id)
        .only("pk", "text", "verdict", "reviewed_at", "updated_at")
    )
    if connection.vendor == "postgresql":
        scored = _search_postgresql(candidates, query)
    else:
        scored = search_python(candidates, query)
    return [_hit(claim, score, spans) for claim, score, spans in scored]


def _search_postgresql(
    candidates: QuerySet[Claim], query: str
) -> list[tuple[Claim, float, list[tuple[int, int]]]]:
    vector = EnglishVector(F("text"))
    query_vector = EnglishVector(Value(query))
    shared = Cast(SharedLexemes(vector, query_vector), FloatField())
    union = Greatest(LexemeCount(vector) + LexemeCount(query_vector) - shared, Value(1.0))
    rows = (
        candidates.filter(
            Q(Matches(vector, AnyWords(Value(query)))) | Q(TrigramSimilar(F("text"), Value(query)))
        )
        .annotate(
            score=Value(WORDS_WEIGHT) * shared / union
            + Value(1 - WORDS_WEIGHT) * TrigramSimilarity(F("text"), query),
            headline=Headline(F("text"), query),
        )
        .filter(score__gte=MIN_SCORE)
        .order_by("-score", "-reviewed_at", "pk")[:MAX_HITS]
    )
    results: list[tuple[Claim, float, list[tuple[int, int]]]] = []
    for claim in rows:
        spans = headline_spans(claim.text, claim.headline)
        if spans is None:
            spans = highlight_spans(claim.text, terms(query))
        results.append((claim, min(1.0, claim.score), spans))
    return results


def search_python(
    candidates: QuerySet[Claim], query: str
) -> list[tuple[Claim, float, list[tuple[int, int]]]]:
    """The portable scorer (SQLite): word Jaccard and trigram similarity blended as on
    PostgreSQL, over the claims holding at least one of the query's rarest words."""
    query_terms = terms(query)
    query_set = set(query_terms)
    prefilter = Q()
    for word in rarest(query_terms):
        prefilter |= Q(text__icontains=word)
    scored = []
    for claim in candidates.filter(prefilter).order_by("-reviewed_at", "pk")[:FALLBACK_CANDIDATES]:
        score = WORDS_WEIGHT * jaccard(query_set, term_set(claim.text)) + (
            1 - WORDS_WEIGHT
        ) * trigram_similarity(claim.text, query)
        if score >= MIN_SCORE:
            scored.append((claim, score))
    scored.sort(key=lambda pair: -pair[1])
    return [
        (claim, min(1.0, score), highlight_spans(claim.text, query_terms))
        for claim, score in scored[:MAX_HITS]
    ]


def _hit(claim: Claim, score: float, spans: list[tuple[int, int]]) -> Hit:
    snippet, spans = window(claim.text, spans)
    return Hit(
        url=claim.get_absolute_url(),
        title=f"Checked before on {_when(claim)}: {claim.get_verdict_display().lower()}",
        snippet=snippet,
        highlights=spans,
        score=round(score, 4),
    )


def _when(claim: Claim) -> str:
    """The review date, "3 October", with the year when it is not this year's."""
    moment = timezone.localtime(claim.reviewed_at or claim.updated_at)
    same_year = moment.year == timezone.localtime().year
    return date_format(moment, "j F" if same_year else "j F Y")
