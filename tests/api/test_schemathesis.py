"""Schema-driven tests of the whole API (issue 15's proof): schemathesis reads the OpenAPI schema
the app serves at /api/schema/ and, for every operation in it, sends generated requests, valid
and invalid, with a newsroom token; every answer must be no server error (no 5xx) and conform to
the schema (a documented status code and content type, a body and headers that match it).

The schema is loaded once, when this module is collected, from the app itself
(``schemathesis.openapi.from_wsgi`` with Django's WSGI handler, the one production serves): the
requests run in this process, on the test's own database connection, so pytest-django's
transaction per test holds the data each operation's test makes and rolls it back after. Not a
live server: ``live_server`` answers from another thread on another connection, so it needs
``transactional_db`` (every table flushed after each operation's test: slow on PostgreSQL) and
shows a server error's traceback only in its log. Operations that later work adds to the
schema are tested by this module with no change to it: it iterates over the whole schema.

Bounded for CI: at most ``MAX_EXAMPLES`` generated requests an operation (plus schemathesis'
explicit examples and boundary cases), a deadline per request, derandomised (the same cases on
every run) and no example database written to the work tree.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from factcheck import fetch as fetch_module
from factcheck.api.services import api_token_create
from factcheck.claims.models import Claim
from factcheck.claims.services import claim_mark_sentence
from factcheck.drafts.models import Draft, Sentence
from factcheck.drafts.services import draft_import
from factcheck.newsrooms.models import Role
from tests.conftest import SAMPLE_TEXT
from tests.factories import MembershipFactory, NewsroomFactory, UserFactory

MAX_EXAMPLES = 25
DEADLINE_MS = 5000

SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
SCHEMA.config.generation.update(
    modes=["positive", "negative"],
    max_examples=MAX_EXAMPLES,
    deterministic=True,
    # The token is the test's (every request carries it; ``ignored_auth`` sends each without it
    # and expects a 401), not a header for schemathesis to generate or drop.
    with_security_parameters=False,
    # A query parameter the operation does not know is ignored, by design (a client's
    # cache-buster does no harm): not a request to refuse.
    allow_extra_parameters=False,
)

# Every check schemathesis has (no server error; status code, content type, headers and body as
# documented; a request without the token refused; an undocumented method answered 405...) but
# two, which hold the API to more than its schema can say:
# - that a request the schema allows is accepted (2xx): the schema cannot say every rule of the
#   desk (exactly one of text, file and url; a newsroom slug that exists; a title that is not
#   blank once trimmed), and the 400 in the error envelope that answers them is documented;
# - that every request the schema forbids is refused: the API reads a query parameter given
#   twice by its last value and an empty flag (``?archived=``) as absent, as Django does, where
#   schemathesis counts both as invalid. Invalid bodies and values are still sent (negative
#   mode), and must get no 5xx and a documented answer.
NOT_CHECKED = [positive_data_acceptance, negative_data_rejection]

OTHER_TEXT = "Rail Strike Ends\n\nThe strike ended on Sunday. Trains ran again at 5 a.m. on Monday."


@dataclass
class World:
    """A newsroom with a newsroom token, a draft and its claims; another newsroom with its own.
    ``ids`` maps a path's collection (``drafts``, ``claims``) to (ours, theirs); ``slugs`` the
    newsrooms' slugs, (ours, theirs). ``answers``: the status of every answer to our own
    objects; ``reached``: whether the operation is a read whose every path parameter named one
    (a write's success needs more than the schema gives: the version last read, a state)."""

    authorization: str
    ids: dict[str, tuple[int, int]]
    slugs: tuple[str, str]
    answers: list[int] = field(default_factory=list)
    reached: bool = True


def _claimed_draft(newsroom: Any, editor: Any, text: str) -> tuple[Draft, Claim]:
    draft = draft_import(newsroom=newsroom, by=editor, text=text)
    claims = [
        claim_mark_sentence(sentence=sentence, by=editor)
        for sentence in Sentence.objects.filter(revision__draft=draft, kind=Sentence.Kind.SENTENCE)
    ]
    return draft, claims[0]


@pytest.fixture
def in_test_transaction() -> Iterator[None]:
    """Django's WSGI handler closes the database connection at the end of each request that is
    not in autocommit mode, which inside the test's transaction is every one (PostgreSQL would
    answer the next query with "Cannot open a new connection in an atomic block"): the test
    client stops that for its requests, and so does this for the app's own handler."""
    pairs = [(signals.request_started, close_old_connections)]
    pairs.append((signals.request_finished, close_old_connections))
    for signal, receiver in pairs:
        signal.disconnect(receiver)
    yield
    for signal, receiver in pairs:
        signal.connect(receiver)


@pytest.fixture
def world(
    settings: Any, monkeypatch: pytest.MonkeyPatch, in_test_transaction: None
) -> Iterator[World]:
    # Hundreds of requests on one token: the rate limit is tested in test_platform.py.
    settings.API_RATE_PER_TOKEN = "100000/minute"
    # A generated link is never fetched: every host "resolves" to a loopback address, which the
    # fetcher refuses (no test allows it), so no request leaves the machine.
    monkeypatch.setattr(
        fetch_module, "resolve", lambda host, port: [ipaddress.ip_address("127.0.0.2")]
    )
    ours = NewsroomFactory(slug="demo", name="Demo Newsroom")
    theirs = NewsroomFactory(slug="other", name="Other Newsroom")
    admin, editor, outsider = (UserFactory(username=n) for n in ("newsadmin", "editor", "other"))
    MembershipFactory(user=admin, newsroom=ours, role=Role.ADMIN)
    MembershipFactory(user=editor, newsroom=ours, role=Role.EDITOR)
    MembershipFactory(user=outsider, newsroom=theirs, role=Role.EDITOR)
    secret = api_token_create(by=admin, name="CMS", newsroom=ours).secret
    draft, claim = _claimed_draft(ours, editor, SAMPLE_TEXT)
    other_draft, other_claim = _claimed_draft(theirs, outsider, OTHER_TEXT)
    made = World(
        authorization=f"Bearer {secret}",
        ids={"drafts": (draft.pk, other_draft.pk), "claims": (claim.pk, other_claim.pk)},
        slugs=(ours.slug, theirs.slug),
    )
    yield made
    # Not a vacuous pass: the token worked (something other than 401 came back) and, where every
    # path parameter named one of our objects, some read of it succeeded.
    assert any(status != 401 for status in made.answers), "every request was refused: 401"
    if made.reached:
        assert any(200 <= status < 300 for status in made.answers), sorted(set(made.answers))


def _aim(case: Any, world: World) -> bool:
    """Point generated ids and newsroom slugs at real ones: ours in two cases of three, the
    other newsroom's in the third (by the generated value, so the same on every run). An id of
    a collection the world has no object in is left as generated (a 404, mostly). Returns
    whether the case names the other newsroom's object."""
    foreign = False
    if case.method.upper() != "GET":
        world.reached = False
    segments = case.operation.path.strip("/").split("/")
    for before, segment in pairwise(segments):
        name = segment.strip("{}")
        if segment == name:
            continue
        value = (case.path_parameters or {}).get(name)
        if before not in world.ids:
            world.reached = False
        elif isinstance(value, int) and not isinstance(value, bool):
            ours, theirs = world.ids[before]
            foreign = foreign or value % 3 == 2
            case.path_parameters[name] = theirs if value % 3 == 2 else ours
    body = case.body if isinstance(case.body, dict) else {}
    if isinstance(body.get("newsroom"), str):
        theirs_now = len(body["newsroom"]) % 3 == 2
        foreign = foreign or theirs_now
        body["newsroom"] = world.slugs[1] if theirs_now else world.slugs[0]
    return foreign


@pytest.mark.django_db
@SCHEMA.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=DEADLINE_MS,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_its_schema_says(case: Any, world: World) -> None:
    foreign = _aim(case, world)
    response = case.call_and_validate(
        headers={"Authorization": world.authorization}, excluded_checks=NOT_CHECKED
    )
    if foreign:
        # Another newsroom's object: its token gets nothing (404, or a refusal of the input).
        assert not 200 <= response.status_code < 300, (case.operation.label, response.text)
    else:
        world.answers.append(response.status_code)
