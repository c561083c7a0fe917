"""Querysets compiled once per process, for the few queries every click runs.

Building SQL from a queryset is the ORM's dearest step: the query that finds a clicked unit with
its revision, draft, newsroom and the user's role takes about 3.5 ms to compile on a slow
machine and 0.15 ms to run. A :class:`Prepared` query is written as an ordinary queryset
(so it reads, and is checked, like every other query), compiled on first use with a placeholder
for each argument, and afterwards run with the arguments bound in place of the placeholders:
the same SQL text every time (which PostgreSQL also prepares server-side, see
``DB_PREPARED_STATEMENTS``), the same model instances back as the queryset would give.

A queryset of model instances gives instances; a ``values_list()`` one gives tuples. Only arguments
compared for equality are supported, integers or strings, which is what the hot paths need (primary
keys, unit indexes, a session's key): ``build`` takes an ``int`` unless its parameter is annotated
``str``. A locking query should say ``order_by()`` (as ``get()`` does by itself): a model's default
ordering may join other tables, against whose old rows PostgreSQL checks a row again once the lock
it waited for is released. Compiling checks that each placeholder reached the SQL's parameters
unchanged, so a queryset whose shape would make the binding wrong fails loudly at first use (and in
the tests) instead of returning the wrong rows.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import query as orm_query
from django.db.models.query import ModelIterable, QuerySet, ValuesListIterable

# What the queryset yields: model instances, or tuples for values_list().
M = TypeVar("M")

# Placeholders: positive 32-bit integers (an out-of-range value would make Django drop the
# condition), far above any real key or index, and each one distinct; strings no one writes.
_PLACEHOLDER_BASE = 2_000_000_011
_PLACEHOLDER_STEP = 7_919
_PLACEHOLDER_TEXT = "\x00factcheck-prepared-{}\x00"


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[str | None, ...]  # for each parameter: the argument it takes, or None (a constant)
    compiler: Any  # the SQLCompiler that produced ``sql``: it reads the rows back
    model: type[models.Model] | None  # None: a values_list() query, whose rows are tuples
    init_list: tuple[str, ...]
    start: int
    end: int
    populators: tuple[Any, ...]
    annotations: tuple[tuple[str, int], ...]


class Prepared(Generic[M]):
    """``Prepared(build)`` where ``build(**ints)`` returns a queryset; ``prepared(**ints)``
    returns the queryset's model instances (with its ``select_related`` objects and
    annotations) for those arguments; :meth:`rows` the rows of a ``values_list()`` queryset."""

    def __init__(self, build: Callable[..., QuerySet[Any, M]]) -> None:
        self._build = build
        parameters = inspect.signature(build).parameters
        self._names = tuple(parameters)
        self._texts = frozenset(
            name for name, p in parameters.items() if p.annotation in (str, "str")
        )
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def __call__(self, **values: int | str) -> list[M]:
        compiled, rows = self._run(values)
        model = compiled.model
        if model is None:
            raise TypeError("A values_list() query gives rows: call .rows().")
        result: list[M] = []
        db = compiled.compiler.using
        for row in rows:
            obj = model.from_db(db, compiled.init_list, row[compiled.start : compiled.end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, position in compiled.annotations:
                setattr(obj, name, row[position])
            result.append(obj)  # type: ignore[arg-type]
        return result

    def rows(self, **values: int | str) -> list[tuple[Any, ...]]:
        """The rows, as tuples (with the database's values converted as the ORM does)."""
        return [tuple(row) for row in self._run(values)[1]]

    def _run(self, values: dict[str, int | str]) -> tuple[_Compiled, list[Any]]:
        if set(values) != set(self._names):
            raise TypeError(f"Expected arguments {self._names}, got {tuple(values)}.")
        compiled = self._compile()
        bound = [
            p if slot is None else self._bind(slot, p, values[slot])
            for p, slot in zip(compiled.params, compiled.slots, strict=True)
        ]
        with connections[compiled.compiler.using].cursor() as cursor:
            cursor.execute(compiled.sql, bound)
            rows = cursor.fetchall()
        return compiled, list(compiled.compiler.results_iter(results=[rows]))

    def _bind(self, name: str, placeholder: Any, value: int | str) -> Any:
        if name in self._texts:
            if not isinstance(value, str):
                raise TypeError(f"{name} must be a string, not {type(value).__name__}.")
            return value
        return type(placeholder)(int(value))

    def _compile(self) -> _Compiled:
        # One database here (the project has one); the queryset says which.
        compiled = next(iter(self._compiled.values()), None)
        if compiled is not None:
            return compiled
        with self._lock:
            if not self._compiled:
                placeholders: dict[str, int | str] = {
                    name: _PLACEHOLDER_TEXT.format(i)
                    if name in self._texts
                    else _PLACEHOLDER_BASE + i * _PLACEHOLDER_STEP
                    for i, name in enumerate(self._names)
                }
                queryset = self._build(**placeholders)
                compiler = queryset.query.get_compiler(using=queryset.db)
                sql, params = compiler.as_sql()
                by_value = {value: name for name, value in placeholders.items()}
                # An integer parameter may come wrapped (psycopg's Int4 for a 32-bit column):
                # it is bound again in the same wrapper.
                slots = tuple(
                    by_value.get(p)
                    if isinstance(p, str)
                    else by_value.get(int(p))
                    if isinstance(p, int) and not isinstance(p, bool)
                    else None
                    for p in params
                )
                missing = set(self._names) - set(slots)
                inlined = [name for name, v in placeholders.items() if str(v) in sql]
                if missing or inlined:
                    wrong = sorted(missing | set(inlined))
                    raise ValueError(
                        f"Cannot prepare {self._build!r}: arguments {wrong} do not reach the SQL"
                        " as parameters."
                    )
                klass_info, select = compiler.klass_info, compiler.select
                iterable = queryset._iterable_class
                if iterable not in (ModelIterable, ValuesListIterable):
                    raise ValueError(
                        f"Cannot prepare {self._build!r}: only querysets of instances and "
                        "values_list() ones (not flat, not named) are supported."
                    )
                if iterable is ValuesListIterable:  # plain rows
                    model, init_list, start, end, populators = None, (), 0, 0, ()
                else:
                    fields = klass_info["select_fields"]
                    start, end = fields[0], fields[-1] + 1
                    model = klass_info["model"]
                    init_list = tuple(f[0].target.attname for f in select[start:end])
                    populators = tuple(
                        orm_query.get_related_populators(  # type: ignore[attr-defined]
                            klass_info, select, queryset.db
                        )
                    )
                self._compiled[queryset.db] = _Compiled(
                    sql=sql,
                    params=tuple(params),
                    slots=slots,
                    compiler=compiler,
                    model=model,
                    init_list=init_list,
                    start=start,
                    end=end,
                    populators=populators,
                    annotations=tuple((compiler.annotation_col_map or {}).items()),
                )
        return next(iter(self._compiled.values()))


@contextmanager
def fresh_plans() -> Iterator[None]:
    """Inside, PostgreSQL plans every statement for its own values, never with a generic plan.

    The server-side prepared statements (``DB_PREPARED_STATEMENTS``) let PostgreSQL switch a
    statement run five times to one plan for any values, which saves the planning that the
    clicks' small queries would otherwise pay on every run (a millisecond on the claims table,
    with its dozen indexes). For a query whose best plan depends on its values, such as the
    review queue's over 100,000 claims, that plan was slower than not preparing at all: such a
    query runs inside this block (one ``SET LOCAL`` statement, in a transaction of its own or, if
    the caller holds one, in the caller's to its end). Elsewhere
    than PostgreSQL, nothing."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        yield
        return
    if connection.in_atomic_block:
        # Inside the caller's transaction: the setting lasts to its end, and no block of our
        # own (a savepoint would cost a query; an atomic block without one would end the
        # caller's transaction on any error raised inside, a refused page number included).
        _force_custom_plans(connection)
        yield
        return
    with transaction.atomic():
        _force_custom_plans(connection)
        yield


def _force_custom_plans(connection: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
