"""Reads that run on every request, compiled from the ORM once per process instead of each time.

A statement costs Django far more to compile (lookups, joins, the SQL text) than PostgreSQL takes
to run it when it is a primary-key lookup. For the few reads the base layout makes on every page
(the user's roles and unit, the unread-notice count) the queryset is built and compiled once per
database alias, with sentinel values standing for the arguments; each call then only sends the
stored SQL with the real arguments. The SQL is Django's own for that backend, so SQLite and
PostgreSQL each get theirs, and the statement still passes through the connection's execute
wrappers (query counts, debug logging) like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import QuerySet

# Stand-ins for the arguments while compiling: integers no primary key takes, inside the range
# of a 32-bit integer column (PostgreSQL compiles an out-of-range id to an empty result).
_SENTINEL_BASE = -1_234_567_891


@dataclass(frozen=True)
class _Compiled:
    compiler: Any  # the SQLCompiler, kept for its converters
    sql: str
    # Per compiled parameter: the index of the argument it stands for, or None and the constant.
    slots: list[tuple[int | None, Any]]
    converters: dict[int, Any]


class PreparedRead:
    """`build(*args) -> QuerySet` compiled once per alias; `rows(*args)` runs it.

    `build` must use each argument only as a plain parameter (an id in a filter), never in a
    way that changes the SQL text; every argument must appear among the compiled parameters.
    """

    def __init__(self, build: Callable[..., QuerySet[Any]], *, arity: int = 1) -> None:
        self._build = build
        self._arity = arity
        self._compiled: dict[str, _Compiled] = {}
        self._model: type | None = None

    def _compile(self, alias: str) -> _Compiled:
        sentinels = [_SENTINEL_BASE - i for i in range(self._arity)]
        compiler = self._build(*sentinels).query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots: list[tuple[int | None, Any]] = []
        for value in params:
            if isinstance(value, int) and value in sentinels:
                slots.append((sentinels.index(value), None))
            else:
                slots.append((None, value))
        used = {index for index, _ in slots if index is not None}
        if used != set(range(self._arity)):
            raise ValueError("every argument of a prepared read must be a compiled parameter")
        # The converters a queryset applies to its rows (SQLite's 0/1 to booleans, text to
        # datetimes...), so the rows are what values_list() would have returned.
        converters = compiler.get_converters([col for col, _, _ in compiler.select])
        return _Compiled(compiler=compiler, sql=sql, slots=slots, converters=converters)

    def rows(self, *args: Any) -> list[tuple[Any, ...]]:
        if self._model is None:
            self._model = self._build(*([_SENTINEL_BASE] * self._arity)).model
        alias = router.db_for_read(self._model)
        compiled = self._compiled.get(alias)
        if compiled is None:
            compiled = self._compiled[alias] = self._compile(alias)
        params = [args[i] if i is not None else constant for i, constant in compiled.slots]
        with connections[alias].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = [
                tuple(row) for row in compiled.compiler.apply_converters(rows, compiled.converters)
            ]
        return rows
