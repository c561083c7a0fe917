"""Prepared queries give what their querysets give, bound to new arguments each time."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, F
from django.http import Http404
from django.test import Client

from factcheck.auth import ModelBackend
from factcheck.drafts.access import get_unit_for_user
from factcheck.drafts.models import Draft, Sentence
from factcheck.newsrooms.access import Capability
from factcheck.prepared import Prepared

pytestmark = pytest.mark.django_db


def _fields(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def _units(revision: int, index: int) -> Any:
    return (
        Sentence.objects.select_related("revision__draft__newsroom")
        .filter(revision=revision, index__gte=index)
        .annotate(doubled=F("index") * 2)
        .order_by("index")
    )


PREPARED_UNITS = Prepared(_units)


def test_instances_match_the_querysets_with_related_objects_and_annotations(
    draft: Draft,
) -> None:
    revision = draft.revisions.get()

    for index in (0, 2):  # compiled at the first call, bound anew at the second
        expected = list(_units(revision.pk, index))
        got = PREPARED_UNITS(revision=revision.pk, index=index)

        assert [_fields(u) for u in got] == [_fields(u) for u in expected]
        assert len(got) == revision.sentences.count() - index > 0
        assert [u.doubled for u in got] == [u.index * 2 for u in expected]  # type: ignore[attr-defined]
        assert {type(u.types) for u in got} == {list}  # JSON read back as the ORM reads it
        assert _fields(got[0].revision.draft.newsroom) == _fields(draft.newsroom)
        assert _fields(got[0].revision.draft) == _fields(Draft.objects.get(pk=draft.pk))


def test_values_list_queries_give_rows(draft: Draft) -> None:
    kinds = Prepared(
        lambda draft: (
            Sentence.objects.filter(revision__draft=draft)
            .order_by("kind")
            .values_list("kind")
            .annotate(n=Count("pk"))
        )
    )
    expected = list(
        Sentence.objects.filter(revision__draft=draft)
        .order_by("kind")
        .values_list("kind")
        .annotate(n=Count("pk"))
    )

    assert kinds.rows(draft=draft.pk) == expected
    assert kinds.rows(draft=draft.pk + 1000) == []
    with pytest.raises(TypeError, match="values_list"):
        kinds(draft=draft.pk)


def test_arguments_must_be_the_builders(draft: Draft) -> None:
    with pytest.raises(TypeError, match="Expected arguments"):
        PREPARED_UNITS(revision=1)
    with pytest.raises(TypeError, match="Expected arguments"):
        PREPARED_UNITS(revision=1, index=0, extra=3)


def test_an_argument_that_does_not_reach_the_parameters_is_refused(draft: Draft) -> None:
    # A slice is written into the SQL (LIMIT n): binding it again would be wrong.
    sliced = Prepared(lambda n: Sentence.objects.order_by("pk")[:n])

    with pytest.raises(ValueError, match="do not reach the SQL"):
        sliced(n=3)


def test_the_unit_getter_keeps_the_draft_rule(draft: Draft, editor: User, outsider: User) -> None:
    unit, role = get_unit_for_user(editor, draft.pk, 1, Capability.MARK_CLAIMS)

    assert (unit.index, unit.revision.draft_id, role) == (1, draft.pk, "editor")
    for user, index in ((outsider, 1), (editor, 10_000), (AnonymousUser(), 1)):
        with pytest.raises(Http404):
            get_unit_for_user(user, draft.pk, index, Capability.MARK_CLAIMS)


def test_the_backend_reads_the_session_user_and_refuses_the_rest(editor: User) -> None:
    backend = ModelBackend()

    assert backend.get_user(str(editor.pk)) == editor
    assert backend.get_user("not a number") is None
    assert backend.get_user(editor.pk + 1000) is None
    User.objects.filter(pk=editor.pk).update(is_active=False)
    assert backend.get_user(editor.pk) is None


def test_a_logged_in_request_is_the_user_of_its_session(editor: User) -> None:
    client = Client()
    client.force_login(editor)

    assert client.get("/").wsgi_request.user == editor
    User.objects.filter(pk=editor.pk).update(is_active=False)
    assert client.get("/").wsgi_request.user.is_anonymous


def test_flat_and_dict_rows_are_refused(draft: Draft) -> None:
    for build in (
        lambda draft: Sentence.objects.filter(revision__draft=draft).values_list("pk", flat=True),
        lambda draft: Sentence.objects.filter(revision__draft=draft).values("pk"),
    ):
        with pytest.raises(ValueError, match="not flat"):
            Prepared(build).rows(draft=draft.pk)


@pytest.mark.django_db(transaction=True)  # no test transaction around: the block is the outermost
def test_fresh_plans_asks_postgresql_for_a_plan_per_run() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from factcheck.prepared import fresh_plans

    def mode() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW plan_cache_mode")
            return str(cursor.fetchone()[0])

    if connection.vendor != "postgresql":
        with CaptureQueriesContext(connection) as queries, fresh_plans():
            pass
        assert len(queries) == 0  # nothing to ask elsewhere
        return
    assert mode() == "auto"
    with fresh_plans():
        assert mode() == "force_custom_plan"
    assert mode() == "auto"


def test_string_arguments_are_bound_as_strings(draft: Draft) -> None:
    by_kind = Prepared(
        lambda revision, kind: Sentence.objects.filter(revision=revision, kind=kind).order_by("pk")
    )

    # A parameter annotated ``str`` takes a string (``from __future__`` makes it "str").
    def build(revision: int, kind: str) -> Any:
        return Sentence.objects.filter(revision=revision, kind=kind).order_by("pk")

    typed = Prepared(build)
    revision = draft.revisions.get()
    for kind in ("sentence", "headline"):
        expected = list(Sentence.objects.filter(revision=revision, kind=kind).order_by("pk"))
        assert [s.pk for s in typed(revision=revision.pk, kind=kind)] == [s.pk for s in expected]
    assert typed(revision=revision.pk, kind="no such kind") == []
    with pytest.raises(TypeError, match="must be a string"):
        typed(revision=revision.pk, kind=3)
    with pytest.raises(ValueError, match="do not reach the SQL"):  # unannotated: an int
        by_kind(revision=revision.pk, kind="sentence")


def test_an_expired_or_unknown_session_is_nobody(editor: User) -> None:
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = Client()
    client.force_login(editor)
    assert client.get("/").wsgi_request.user == editor
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/").wsgi_request.user.is_anonymous
    client.cookies["sessionid"] = "x" * 32  # a key no session has
    assert client.get("/").wsgi_request.user.is_anonymous
