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
from typing import Any

from django.db import connections, router
from django.db.models import QuerySet

# Stand-ins for the arguments while compiling: integers no primary key takes, inside the range
# of a 32-bit integer column (PostgreSQL compiles an out-of-range id to an empty result).
_SENTINEL_BASE = -1_234_567_891


class PreparedRead:
    """`build(*args) -> QuerySet` compiled once per alias; `rows(*args)` runs it.

    `build` must use each argument only as a plain parameter (an id in a filter), never in a
    way that changes the SQL text; every argument must appear among the compiled parameters.
    """

    def __init__(self, build: Callable[..., QuerySet[Any]], *, arity: int = 1) -> None:
        self._build = build
        self._arity = arity
        # alias -> (sql, per compiled parameter: the argument index, or None and the constant)
        self._compiled: dict[str, tuple[str, list[tuple[int | None, Any]]]] = {}
        self._model: type | None = None

    def _compile(self, alias: str) -> tuple[str, list[tuple[int | None, Any]]]:
        sentinels = [_SENTINEL_BASE - i for i in range(self._arity)]
        queryset = self._build(*sentinels)
        sql, params = queryset.query.get_compiler(using=alias).as_sql()
        slots: list[tuple[int | None, Any]] = []
        for value in params:
            if isinstance(value, int) and value in sentinels:
                slots.append((sentinels.index(value), None))
            else:
                slots.append((None, value))
        used = {index for index, _ in slots if index is not None}
        if used != set(range(self._arity)):
            raise ValueError("every argument of a prepared read must be a compiled parameter")
        return sql, slots

    def rows(self, *args: Any) -> list[tuple[Any, ...]]:
        if self._model is None:
            self._model = self._build(*([_SENTINEL_BASE] * self._arity)).model
        alias = router.db_for_read(self._model)
        compiled = self._compiled.get(alias)
        if compiled is None:
            compiled = self._compiled[alias] = self._compile(alias)
        sql, slots = compiled
        params = [args[index] if index is not None else constant for index, constant in slots]
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
