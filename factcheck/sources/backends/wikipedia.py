"""Wikipedia through the MediaWiki Action API, in the newsroom's language, in one request: an
``action=query`` that carries a full-text search twice over, as a list (``list=search``: the
pages ranked, with snippets) and as a generator (``generator=search`` feeding
``prop=extracts|info``: the same pages with their intro and address).

One round trip rather than a search and then a request for the pages it found: half the latency
and half the rate-limit tokens per lookup. The list is kept for its snippets, which the
generator's pages don't carry, and its order is the hits' order.

A claim is a whole sentence, and CirrusSearch wants every word of a query in a page, so a long
claim often finds nothing; then the search is repeated once with the claim's content words
joined by OR, which the engine ranks by how many (and how rare) words each page holds. That
repeat is the only second request a lookup makes.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote

from django.conf import settings

from factcheck.sources.backends.base import (
    Hit,
    SourceError,
    TransientError,
    get_json,
    highlight,
)
from factcheck.sources.models import Source
from factcheck.sources.selectors import source_settings_for

MAX_RESULTS = 5
MAX_QUERY_CHARS = 300  # CirrusSearch refuses longer searches
MAX_OR_WORDS = 10
LANGUAGE = re.compile(r"[a-z][a-z-]{1,11}")

# Words that say nothing about a page; dropped from the OR query (English, the default language;
# in other languages the engine's own ranking weighs common words down).
STOPWORDS = frozenset(
    """a about after all also an and any are as at be been before but by can could did do does
    for from had has have he her his how if in into is it its more most not of on or our out over
    said says she so some than that the their them then there these they this those to up was we
    were what when where which who will with would you""".split()
)

# Error codes MediaWiki answers (with HTTP 200) when it is busy rather than when we asked wrongly.
TRANSIENT_CODES = frozenset({"maxlag", "ratelimited", "readonly", "internal_api_error"})

_TAG = re.compile(r"<[^>]*>")
_MATCH_OPEN = re.compile(r"""<span\s+class=["']searchmatch["']\s*>""", re.IGNORECASE)


def search(query: str, *, newsroom_id: int, claim_id: int) -> list[Hit]:
    """Up to five Wikipedia pages about ``query``, best first."""
    language = _language(source_settings_for(newsroom_id).wikipedia_language)
    url = settings.WIKIPEDIA_API_URL.format(lang=language)
    query = _clip(" ".join(query.split()))
    if not query:
        return []
    found, pages = _search(url, query, newsroom_id)
    if not found:
        alternative = _any_word_query(query)
        if alternative and alternative != query:
            found, pages = _search(url, alternative, newsroom_id)
    if not found:
        return []
    hits: list[Hit] = []
    for item in found:
        title = item["title"]
        page = pages.get(title, {})
        if page.get("missing") or page.get("invalid"):
            continue  # deleted since the search index last saw it
        snippet, spans = parse_snippet(item.get("snippet") or "")
        if not snippet:
            snippet, spans = (page.get("extract") or "").strip(), []
        hits.append(
            Hit(
                url=page.get("fullurl") or page.get("canonicalurl") or page_url(language, title),
                title=title,
                snippet=snippet,
                highlights=spans or highlight(snippet, query),
                score=round(1.0 - 0.1 * len(hits), 2),
            )
        )
    return hits


def parse_snippet(snippet: str) -> tuple[str, list[tuple[int, int]]]:
    """The plain text of a search snippet and the spans of its ``searchmatch`` marks in it.

    MediaWiki escapes the snippet's text as HTML and wraps each match in
    ``<span class="searchmatch">``; entities never straddle a tag, so each piece between tags is
    unescaped on its own and the offsets are counted in the unescaped text."""
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    match_start: int | None = None
    position = 0
    for tag in _TAG.finditer(snippet):
        piece = html.unescape(snippet[position : tag.start()])
        text.append(piece)
        length += len(piece)
        position = tag.end()
        if _MATCH_OPEN.fullmatch(tag.group()):
            match_start = length
        elif tag.group().lower() == "</span>" and match_start is not None:
            if length > match_start:
                spans.append((match_start, length))
            match_start = None
    text.append(html.unescape(snippet[position:]))
    plain = "".join(text)
    shift = len(plain) - len(plain.lstrip())  # leading white space goes, the spans move with it
    plain = plain.strip()
    spans = [(max(0, s - shift), min(len(plain), e - shift)) for s, e in spans]
    return plain, [(s, e) for s, e in spans if e > s]


def page_url(language: str, title: str) -> str:
    """A page's address as MediaWiki writes it: spaces as underscores, a few marks kept."""
    return f"https://{language}.wikipedia.org/wiki/" + quote(
        title.replace(" ", "_"), safe=";@$!*(),/~:"
    )


def _language(code: str) -> str:
    language = (code or "en").strip().lower()
    if not LANGUAGE.fullmatch(language):
        raise SourceError(f"“{code}” is not a Wikipedia language code (such as en, de, pt-br).")
    return language


def _clip(query: str) -> str:
    if len(query) <= MAX_QUERY_CHARS:
        return query
    return query[:MAX_QUERY_CHARS].rsplit(" ", 1)[0]


def _any_word_query(query: str) -> str:
    """The query's content words, longest first (they tend to be the telling ones), OR-ed."""
    words: list[str] = []
    for word in re.findall(r"[\w][\w'-]*", query):
        if len(word) > 1 and word.lower() not in STOPWORDS and word not in words:
            words.append(word)
    chosen = set(sorted(words, key=len, reverse=True)[:MAX_OR_WORDS])
    return " OR ".join(w for w in words if w in chosen) if len(chosen) > 1 else ""


def _search(
    url: str, query: str, newsroom_id: int
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The search results for ``query``, best first, and the pages they name (with intro and
    address) by title, from one request."""
    data = _get(
        newsroom_id,
        url,
        {
            "action": "query",
            "list": "search",
            "srsearch": query,
            "srlimit": MAX_RESULTS,
            "srprop": "snippet|titlesnippet",
            "generator": "search",
            "gsrsearch": query,
            "gsrlimit": MAX_RESULTS,
            "prop": "extracts|info",
            "exintro": 1,
            "explaintext": 1,
            "exsentences": 3,
            "exlimit": MAX_RESULTS,
            "inprop": "url",
            "format": "json",
            "formatversion": 2,
        },
    )
    answer = data.get("query") or {}
    results = answer.get("search")
    if not isinstance(results, list) or not all(
        isinstance(item, dict) and isinstance(item.get("title"), str) for item in results
    ):
        raise SourceError("Wikipedia's search answer had an unexpected shape.")
    return results[:MAX_RESULTS], _pages(answer)


def _pages(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The answer's pages by title; none when the search found nothing (MediaWiki then leaves
    ``pages`` out). A page the search listed may be absent from them: the list and the
    generator are two searches, and the index can change between them."""
    pages = answer.get("pages") or []
    if not isinstance(pages, list):
        raise SourceError("Wikipedia's page answer had an unexpected shape.")
    by_title = {page["title"]: page for page in pages if isinstance(page, dict) and "title" in page}
    # A title MediaWiki rewrote (case, underscores) is listed under "normalized".
    for rename in answer.get("normalized") or []:
        if rename.get("to") in by_title:
            by_title.setdefault(rename.get("from"), by_title[rename["to"]])
    return by_title


def _get(newsroom_id: int, url: str, params: dict[str, Any]) -> dict[str, Any]:
    data = get_json(Source.WIKIPEDIA, url, params, newsroom_id=newsroom_id)
    if not isinstance(data, dict):
        raise SourceError("Wikipedia's answer had an unexpected shape.")
    error = data.get("error")
    if error is None and data.get("errors"):  # errorformat=plaintext and friends
        error = data["errors"][0] if isinstance(data["errors"], list) else data["errors"]
    if error is not None:
        if not isinstance(error, dict):
            error = {"info": str(error)}
        code = str(error.get("code") or "")
        info = error.get("info") or error.get("text") or code or "unknown error"
        if code in TRANSIENT_CODES or code.startswith("internal_api_error"):
            raise TransientError(f"Wikipedia is busy: {info}")
        raise SourceError(f"Wikipedia refused the request: {info}")
    return data
