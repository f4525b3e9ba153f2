"""A faster end for the tests that commit (browser tests, concurrency tests) on PostgreSQL.

Django empties the database after each such test with one `TRUNCATE` of every table (about
160 here, each a new file on disk: 0.6 s and more on a busy machine), then recreates the
content types and permissions. A test writes to a few tables: on PostgreSQL, as a superuser,
only the tables holding rows are emptied, with `DELETE` and the triggers (foreign keys and
the journal's append-only guard) off for that statement (`session_replication_role`);
content types and permissions are kept, so nothing needs recreating. Anything else (SQLite,
a non-superuser, `available_apps`, serialized rollback) goes through Django's own flush."""

from __future__ import annotations

from django.db import connections
from django.test import TransactionTestCase

KEPT = {"django_content_type", "auth_permission"}
_django_teardown = TransactionTestCase._fixture_teardown


def _superuser(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return bool(cursor.fetchone()[0])


def _empty_tables_with_rows(connection) -> None:
    tables = sorted(
        set(connection.introspection.django_table_names(only_existing=True, include_views=False))
        - KEPT
    )
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT %s FROM (SELECT 1 FROM {quote(t)} LIMIT 1) AS x" for t in tables
            ),
            tables,
        )
        with_rows = [row[0] for row in cursor.fetchall()]
        if not with_rows:
            return
        cursor.execute("SET session_replication_role = replica")
        try:
            for table in with_rows:
                cursor.execute(f"DELETE FROM {quote(table)}")
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


def _fixture_teardown(self) -> None:
    names = self._databases_names(include_mirrors=False)
    plain = self.available_apps is None and not self.serialized_rollback
    if not plain or any(connections[n].vendor != "postgresql" for n in names):
        return _django_teardown(self)
    for name in names:
        connection = connections[name]
        if not _superuser(connection):
            return _django_teardown(self)
        _empty_tables_with_rows(connection)
    return None


def install() -> None:
    TransactionTestCase._fixture_teardown = _fixture_teardown
