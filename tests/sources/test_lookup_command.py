"""``manage.py lookup_claims DRAFT_ID [--source NAME] [--wait] [--timeout SECONDS]``: what it
queues, what it prints, and how it waits for the workers."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from factcheck.claims.models import Claim
from factcheck.claims.services import claim_dismiss, claim_mark_sentence
from factcheck.drafts.models import Draft, Sentence
from factcheck.sources.models import Evidence, Lookup, Source
from tests.sources.conftest import StubServer

EN = "/en/w/api.php"
SEARCH = {"action": "query", "list": "search"}


@pytest.fixture
def claims(draft: Draft, editor: Any) -> list[Claim]:
    sentences = draft.revisions.get().sentences.exclude(kind=Sentence.Kind.BOILERPLATE)
    return [claim_mark_sentence(sentence=s, by=editor) for s in sentences.order_by("index")[1:4]]


@pytest.fixture
def wiki(stub_server: StubServer, settings: Any, recorded: Any) -> StubServer:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    stub_server.route(EN, json=recorded("wikipedia_search_su25"), match=SEARCH)
    return stub_server


def lookup_claims(*args: Any) -> str:
    out = StringIO()
    call_command("lookup_claims", *[str(a) for a in args], stdout=out)
    return out.getvalue()


# --- Queueing ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_queues_every_live_claim_in_every_enabled_source(
    draft: Draft, editor: Any, claims: list[Claim]
) -> None:
    claim_dismiss(claim=claims[2], by=editor)

    printed = lookup_claims(draft.pk)

    # Two live claims, three sources enabled by default. Inside the test's transaction nothing
    # commits, so no worker has run them yet.
    assert printed == '{"lookups": 6, "queued": 6}\n'
    assert Lookup.objects.filter(status=Lookup.Status.QUEUED).count() == 6
    assert not Lookup.objects.filter(claim=claims[2]).exists()
    assert {lookup.requested_by for lookup in Lookup.objects.all()} == {None}


@pytest.mark.django_db
def test_one_source_only_and_a_repeat_run_adds_nothing(draft: Draft, claims: list[Claim]) -> None:
    assert lookup_claims(draft.pk, "--source", "library") == '{"lookups": 3, "queued": 3}\n'
    # Still queued: the same three lookups, none added.
    assert lookup_claims(draft.pk, "--source", "library") == '{"lookups": 3, "queued": 3}\n'
    assert set(Lookup.objects.values_list("source", flat=True)) == {Source.LIBRARY}
    assert Lookup.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["987654321"], "No draft 987654321."),
        (["{draft}", "--source", "gopher"], "invalid choice: 'gopher'"),
        (["{draft}", "--source", "factcheck"], "None of those sources is enabled"),
        (["{draft}", "--wait", "--timeout", "0"], "--timeout must be a positive number"),
    ],
)
def test_bad_arguments_are_refused_with_the_reason(
    draft: Draft, claims: list[Claim], args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        lookup_claims(*[a.format(draft=draft.pk) for a in args])
    assert not Lookup.objects.exists()


# --- Waiting -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_wait_prints_the_outcome_once_every_lookup_has_finished(
    su25_claim: Claim, wiki: StubServer
) -> None:
    # A committed transaction sends the tasks; eager Celery runs them at once, as a worker would.
    printed = lookup_claims(su25_claim.draft_id, "--wait")

    evidence = Evidence.objects.filter(claim=su25_claim).count()
    assert evidence == 5  # Wikipedia's five pages; the archive and library hold nothing yet
    assert printed == f'{{"lookups": 3, "done": 3, "failed": 0, "evidence": {evidence}}}\n'
    assert json.loads(printed) == {"lookups": 3, "done": 3, "failed": 0, "evidence": 5}


@pytest.mark.django_db(transaction=True)
def test_wait_counts_a_source_that_keeps_failing_as_failed(
    su25_claim: Claim, stub_server: StubServer, settings: Any, eager_retries: None
) -> None:
    settings.WIKIPEDIA_API_URL = stub_server.url + "/{lang}/w/api.php"
    stub_server.route(EN, status=503, json={})

    printed = lookup_claims(su25_claim.draft_id, "--source", "wikipedia", "--wait")

    assert printed == '{"lookups": 1, "done": 0, "failed": 1, "evidence": 0}\n'
    lookup = Lookup.objects.get()
    assert lookup.error == "Wikipedia: the service answered 503, 3 attempts"
    assert stub_server.count == 3


@pytest.mark.django_db
def test_wait_gives_up_at_the_timeout_and_says_how_many_are_left(
    draft: Draft, claims: list[Claim]
) -> None:
    # Inside the test's transaction the tasks are never sent: nothing finishes.
    out = StringIO()
    with pytest.raises(CommandError, match=r"Timed out after 0.3 s: 3 lookup\(s\) still queued"):
        call_command(
            "lookup_claims",
            str(draft.pk),
            "--source",
            "archive",
            "--wait",
            "--timeout",
            "0.3",
            stdout=out,
        )
    assert out.getvalue() == '{"lookups": 3, "done": 0, "failed": 0, "evidence": 0}\n'
