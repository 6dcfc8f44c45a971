"""One holder at a time across every app server: PostgreSQL advisory locks.

Scheduled jobs (the daily reminders) run from a timer on each server; the lock makes the
servers that fire in the same minute take turns instead of working side by side. The jobs stay
idempotent on their own (unique rows), so the lock saves duplicate work, and correctness never
rests on it alone. On SQLite (one machine, `make run`, tests) there is no one to share with:
the lock is always granted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections


def _key(name: str) -> int:
    """A stable signed 64-bit key for the lock's name (PostgreSQL's bigint)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def advisory_lock(name: str, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[bool]:
    """Try the lock `name` without waiting; yields whether this process now holds it.

    A session-level lock: held until the block ends, or until the connection dies (a process
    killed mid-run frees it), never left behind.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield True
        return
    key = _key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
