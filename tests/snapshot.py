"""A digest of the whole database, to show that a refused request or import changed nothing."""

from __future__ import annotations

from django.db import connection

# Tables that may change without anything being written on the user's behalf: the test
# client's signed-in session.
UNWATCHED_TABLES = frozenset({"django_session"})


def database_state() -> dict[str, str]:
    """Each table's rows hashed (history and audit tables included), in one query."""
    tables = sorted(set(connection.introspection.table_names()) - UNWATCHED_TABLES)
    sql = " UNION ALL ".join(
        f"SELECT %s, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
        f"FROM {connection.ops.quote_name(table)} t"
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, tables)
        return dict(cursor.fetchall())


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(
        table for table in after.keys() | before.keys() if after.get(table) != before.get(table)
    )
