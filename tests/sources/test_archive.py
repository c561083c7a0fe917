"""The archive source: claims the same newsroom already checked, with approved verdicts, that
resemble the claim being looked up (SQLite's Python scorer and PostgreSQL's full-text and
trigram search)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from factcheck.claims.models import Claim
from factcheck.claims.services import claim_approve, claim_mark_sentence, claim_propose
from factcheck.drafts.services import draft_import
from factcheck.newsrooms.models import Role
from factcheck.sources.backends import archive
from factcheck.sources.models import Evidence, Lookup, Source
from factcheck.sources.services import lookups_start
from factcheck.sources.textsearch import trigram_similarity
from tests.conftest import require_postgresql
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

S92 = (
    "A coast guard S-92 helicopter lifted 23 people from the roof of a school in Tallow Bridge "
    "early on Tuesday, according to the regional government."
)
S76 = (
    "On Tuesday morning, a coast guard S-76 helicopter rescued 23 people from a school roof in "
    "Tallow Bridge, officials said."
)
BUDGET = "The council approved a budget of €3 million for the new harbour library."


def claims_in(newsroom: Any, editor: Any, sentences: list[str]) -> list[Claim]:
    """Each sentence marked as a claim of one new draft of ``newsroom``."""
    text = "Archive Test Draft\n\n" + "\n\n".join(sentences) + "\n"
    draft = draft_import(newsroom=newsroom, by=editor, text=text)
    revision = draft.revisions.get()
    units = {revision.text[s.start : s.end]: s for s in revision.sentences.all()}
    return [claim_mark_sentence(sentence=units[sentence], by=editor) for sentence in sentences]


def approve(claim: Claim, checker: Any, editor: Any, verdict: str = "accurate") -> Claim:
    proposed = claim_propose(claim=claim, by=checker, verdict=verdict, rationale="Checked.")
    return claim_approve(claim=proposed, by=editor)


def approved(
    newsroom: Any, checker: Any, editor: Any, *sentences: str, verdict: str = "accurate"
) -> list[Claim]:
    return [
        approve(c, checker, editor, verdict) for c in claims_in(newsroom, editor, list(sentences))
    ]


def look_up(claim: Claim) -> list[Any]:
    return archive.search(claim.text, newsroom_id=claim.draft.newsroom_id, claim_id=claim.pk)


def test_finds_a_checked_claim_that_resembles_this_one(
    newsroom: Any, editor: Any, checker: Any
) -> None:
    [checked] = approved(newsroom, checker, editor, S92)
    [claim] = claims_in(newsroom, editor, [S76])
    [hit] = look_up(claim)
    assert hit.url == f"/claims/{checked.pk}/"
    assert hit.title.startswith("Checked before on ") and hit.title.endswith(": accurate")
    assert hit.snippet == S92
    marked = {hit.snippet[s:e].lower() for s, e in hit.highlights}
    assert {"coast", "guard", "helicopter", "23", "tallow", "bridge", "school"} <= marked
    assert 0.2 <= hit.score <= 1


def test_the_title_says_when_and_what(newsroom: Any, editor: Any, checker: Any) -> None:
    [checked] = approved(newsroom, checker, editor, S92, verdict="inaccurate")
    [claim] = claims_in(newsroom, editor, [S76])
    this_year = timezone.localtime().year
    when = timezone.make_aware(datetime(this_year, 10, 3, 12, 0))
    Claim.objects.filter(pk=checked.pk).update(reviewed_at=when)
    assert look_up(claim)[0].title == "Checked before on 3 October: inaccurate"
    Claim.objects.filter(pk=checked.pk).update(reviewed_at=when.replace(year=this_year - 2))
    assert look_up(claim)[0].title == f"Checked before on 3 October {this_year - 2}: inaccurate"


def test_never_another_newsrooms_claims(
    newsroom: Any, other_newsroom: Any, editor: Any, checker: Any, outsider: Any
) -> None:
    other_checker = UserFactory(username="other-checker")
    MembershipFactory(user=other_checker, newsroom=other_newsroom, role=Role.CHECKER)
    approved(other_newsroom, other_checker, outsider, S92)
    [claim] = claims_in(newsroom, editor, [S76])
    assert look_up(claim) == []
    # The other newsroom finds its own.
    [their_claim] = claims_in(other_newsroom, outsider, [S76])
    assert len(look_up(their_claim)) == 1


def test_only_approved_verdicts(newsroom: Any, editor: Any, checker: Any) -> None:
    proposed, unchecked, claim = claims_in(
        newsroom, editor, [S92, S92.replace("Tuesday", "Wednesday"), S76]
    )
    claim_propose(claim=proposed, by=checker, verdict="accurate", rationale="Checked.")
    assert Claim.objects.get(pk=unchecked.pk).status == Claim.Status.UNCHECKED
    assert look_up(claim) == []


def test_leaves_out_the_claim_being_looked_up(newsroom: Any, editor: Any, checker: Any) -> None:
    [checked] = approved(newsroom, checker, editor, S92)
    assert look_up(checked) == []


def test_unrelated_claims_are_not_found(newsroom: Any, editor: Any, checker: Any) -> None:
    approved(newsroom, checker, editor, BUDGET)
    [claim] = claims_in(newsroom, editor, [S76])
    assert look_up(claim) == []


def test_a_query_of_stop_words_finds_nothing(newsroom: Any, editor: Any, checker: Any) -> None:
    approved(newsroom, checker, editor, S92)
    assert archive.search("it was the one", newsroom_id=newsroom.pk, claim_id=0) == []


def test_at_most_five_best_first_in_one_query(
    newsroom: Any, editor: Any, checker: Any, django_assert_num_queries: Any
) -> None:
    variants = [S92.replace("23", str(n)) for n in range(20, 27)]
    checked = approved(newsroom, checker, editor, *variants)
    with django_assert_num_queries(1):
        hits = archive.search(S92, newsroom_id=newsroom.pk, claim_id=0)
    assert len(hits) == 5
    assert hits[0].url == f"/claims/{checked[3].pk}/"  # the one saying 23: identical
    assert hits[0].score == pytest.approx(1.0)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_the_python_scorer_works_on_every_database(
    newsroom: Any, other_newsroom: Any, editor: Any, checker: Any, outsider: Any
) -> None:
    [checked] = approved(newsroom, checker, editor, S92)
    approved(newsroom, checker, editor, BUDGET)
    candidates = Claim.objects.filter(draft__newsroom=newsroom, status=Claim.Status.APPROVED)
    [(claim, score, spans)] = archive.search_python(candidates, S76)
    assert claim == checked
    assert 0.2 <= score <= 1
    assert {S92[s:e] for s, e in spans} >= {"coast", "guard", "helicopter", "Tallow", "Bridge"}


def test_the_database_decides_the_path(
    newsroom: Any, editor: Any, checker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL searches in SQL; any other database through the Python scorer."""
    approved(newsroom, checker, editor, S92)
    calls: list[str] = []
    for name in ("search_python", "_search_postgresql"):
        real = getattr(archive, name)
        monkeypatch.setattr(archive, name, spy(name, real, calls))
    assert archive.search(S76, newsroom_id=newsroom.pk, claim_id=0)
    expected = "_search_postgresql" if connection.vendor == "postgresql" else "search_python"
    assert calls == [expected]


def test_a_lookup_stores_the_archive_hits_as_evidence(
    newsroom: Any, editor: Any, checker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    [checked] = approved(newsroom, checker, editor, S92)
    [claim] = claims_in(newsroom, editor, [S76])
    with django_capture_on_commit_callbacks(execute=True):
        [lookup] = lookups_start(claims=[claim], by=checker, sources=[Source.ARCHIVE])
    lookup.refresh_from_db()
    assert (lookup.status, lookup.result_count) == (Lookup.Status.DONE, 1)
    evidence = Evidence.objects.get(claim=claim)
    assert evidence.url == checked.get_absolute_url()
    assert evidence.title.startswith("Checked before on ")
    assert evidence.snippet == S92
    assert evidence.highlights and all(len(span) == 2 for span in evidence.highlights)


def test_python_trigrams_agree_with_pg_trgm() -> None:
    """The SQLite scorer's trigram similarity is pg_trgm's: the same answer on PostgreSQL."""
    assert trigram_similarity("word", "words") == pytest.approx(4 / 7)
    assert trigram_similarity("", "") == 0
    pairs = [
        ("word", "words"),
        (S92, S76),
        ("Tallow Bridge, S-92!", "tallow-bridge s92"),
        ("Café Zürich", "cafe zurich"),
    ]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for a, b in pairs:
                cursor.execute("SELECT similarity(%s, %s)", [a, b])
                [(expected,)] = cursor.fetchall()
                assert trigram_similarity(a, b) == pytest.approx(expected, abs=1e-6)


# --- PostgreSQL: full text and trigrams ---------------------------------------------------------

RESCUE = "Rescued people on the roof of Tallow Bridge school"


def test_postgresql_matches_stemmed_words(newsroom: Any, editor: Any, checker: Any) -> None:
    require_postgresql()
    approved(newsroom, checker, editor, "Floods kill residents of the lower valley.")
    [hit] = archive.search(
        "Flooding killed residents of the lower valley", newsroom_id=newsroom.pk, claim_id=0
    )
    marked = {hit.snippet[s:e] for s, e in hit.highlights}
    assert {"Floods", "kill", "residents", "lower", "valley"} == marked


def test_postgresql_blends_stemmed_words_with_trigram_similarity(
    newsroom: Any, editor: Any, checker: Any
) -> None:
    """Same stems, so the same word score: the claim with the very same words is closer by
    trigrams, and ranks first."""
    require_postgresql()
    same, inflected = approved(
        newsroom,
        checker,
        editor,
        "Rescued people on the roof of the Tallow Bridge school.",
        "Rescuing peoples from roofs at Tallow Bridge schools.",
    )
    hits = archive.search(RESCUE, newsroom_id=newsroom.pk, claim_id=0)
    assert [h.url for h in hits] == [same.get_absolute_url(), inflected.get_absolute_url()]
    assert hits[0].score == pytest.approx(1.0)
    # Every stem shared (0.6) plus some trigram similarity; word for word it would be 0.2 at best.
    assert 0.6 < hits[1].score < hits[0].score
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT similarity(%s, %s)",
            ["Rescuing peoples from roofs at Tallow Bridge schools.", RESCUE],
        )
        [(similarity,)] = cursor.fetchall()
    assert hits[1].score == pytest.approx(0.6 + 0.4 * similarity, abs=1e-3)


def test_postgresql_indexes_serve_the_archive_query(
    newsroom: Any, editor: Any, checker: Any
) -> None:
    require_postgresql()
    approved(newsroom, checker, editor, S92)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'claims_claim' "
            "AND indexname LIKE 'claims_claim_text_%%'"
        )
        indexes = dict(cursor.fetchall())
        assert "to_tsvector('english'::regconfig, text)" in indexes["claims_claim_text_fts"]
        assert "gin_trgm_ops" in indexes["claims_claim_text_trgm"]
        cursor.execute("SET LOCAL enable_seqscan = off")
        from django.db.models import F, Q, Value

        from factcheck.sources.textsearch import AnyWords, EnglishVector, Matches, TrigramSimilar

        plan = (
            Claim.objects.filter(
                Q(Matches(EnglishVector(F("text")), AnyWords(Value(S76))))
                | Q(TrigramSimilar(F("text"), Value(S76)))
            )
            .order_by()
            .explain()
        )
    assert "claims_claim_text_fts" in plan
    assert "claims_claim_text_trgm" in plan


def spy(name: str, real: Any, calls: list[str]) -> Any:
    """``real``, noting ``name`` in ``calls`` each time it is called."""

    def called(*args: Any) -> Any:
        calls.append(name)
        return real(*args)

    return called
