"""Google Fact Check Tools: ``claims:search`` with the newsroom's API key. Every published review
of a matching claim (a ``claimReview``) becomes a hit with its publisher, rating and date."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings

from factcheck.sources.backends.base import Hit, SourceError, get_json, highlight
from factcheck.sources.models import Source
from factcheck.sources.selectors import source_settings_for

PAGE_SIZE = 10
MAX_PAGES = 3
RANK_DECAY = 0.95  # score of the n-th hit: 0.95 ** n, so order survives any number of hits


def search(query: str, *, newsroom_id: int, claim_id: int) -> list[Hit]:
    """The fact-checks of claims like ``query``, in the API's order (its best match first)."""
    source_settings = source_settings_for(newsroom_id)
    key = source_settings.factcheck_api_key.strip()
    if not key:
        raise SourceError("no API key set for Google Fact Check Tools")
    query = " ".join(query.split())
    if not query:
        return []
    params: dict[str, Any] = {"query": query, "pageSize": PAGE_SIZE, "key": key}
    if source_settings.factcheck_language.strip():
        params["languageCode"] = source_settings.factcheck_language.strip()
    if source_settings.factcheck_max_age_days:
        params["maxAgeDays"] = source_settings.factcheck_max_age_days

    hits: list[Hit] = []
    seen_urls: set[str] = set()
    seen_tokens: set[str] = set()
    for _page in range(MAX_PAGES):
        data = get_json(
            Source.FACTCHECK, settings.FACTCHECK_API_URL, params, newsroom_id=newsroom_id
        )
        for claim in _claims(data):
            for hit in _hits(claim, query):
                if hit.url not in seen_urls:  # evidence is one per URL
                    seen_urls.add(hit.url)
                    hit.score = round(RANK_DECAY ** len(hits), 4)
                    hits.append(hit)
        token = data.get("nextPageToken")
        if not isinstance(token, str) or not token or token in seen_tokens:
            break
        seen_tokens.add(token)
        params = {**params, "pageToken": token}
    return hits


def _claims(data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, dict):
        raise SourceError("Google Fact Check Tools' answer had an unexpected shape.")
    if isinstance(data.get("error"), dict):
        raise SourceError(
            f"Google Fact Check Tools refused the search: {data['error'].get('message')}"
        )
    claims = data.get("claims") or []
    if not isinstance(claims, list):
        raise SourceError("Google Fact Check Tools' answer had an unexpected shape.")
    return [claim for claim in claims if isinstance(claim, dict)]


def _hits(claim: dict[str, Any], query: str) -> list[Hit]:
    text = _text(claim.get("text"))
    claimant = _text(claim.get("claimant"))
    snippet = f"{text} — {claimant}" if text and claimant else text or claimant
    hits: list[Hit] = []
    for review in claim.get("claimReview") or []:
        if not isinstance(review, dict) or not _text(review.get("url")):
            continue  # a review without an address can't be opened or attached
        publisher: dict[str, Any] = review.get("publisher") or {}
        if not isinstance(publisher, dict):
            publisher = {}
        hits.append(
            Hit(
                url=_text(review["url"]),
                title=_text(review.get("title")) or text or _text(review["url"]),
                snippet=snippet,
                highlights=highlight(snippet, query),
                publisher=_text(publisher.get("name")) or _text(publisher.get("site")),
                rating=_text(review.get("textualRating")),
                review_date=_date(review.get("reviewDate")),
            )
        )
    return hits


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _date(value: Any) -> date | None:
    """The day of an RFC 3339 timestamp ("2020-10-02T00:00:00Z"); None when absent or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
