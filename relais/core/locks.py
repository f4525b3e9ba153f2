"""Serialising work on one key across concurrent requests, inside a transaction.

`serialise(key)` waits until no other transaction holds `key`, and holds it until the current
transaction ends. On PostgreSQL it is a transaction-level advisory lock; on SQLite, writing
transactions already run one at a time (they begin IMMEDIATE: see the database settings), so
there is nothing more to take.
"""

from __future__ import annotations

from django.db import connection, transaction


def serialise(key: str) -> None:
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("serialise() needs a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
