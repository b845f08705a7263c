"""When the open data's cached answers go stale: two version tokens in the Django cache.

Every cached answer is keyed by the current tokens, so changing a token retires every answer
built from the data it covers, in every process at once:

- ``geography``: wards and boroughs (names, boundaries, in-force dates, clusters). It also
  keys each process's point-in-polygon index (``opendata.locate``), so it changes rarely.
- ``content``: teams, postings and the people on them (names, biographies), engagement
  events and priorities: what changes through the day.

A token changes when a transaction that wrote one of its tables commits. Writes are seen as
SQL, by a database execute wrapper, not by model signals: the imports, the demo seeding and
several services write with ``bulk_create``, ``bulk_update`` and ``QuerySet.update``, which
send no signals (the same reason django-cachalot invalidates by table). The new token is
written on commit, never before: a reader between the write and the commit would otherwise
cache the old rows under the new token. A rolled-back transaction changes nothing.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

GEOGRAPHY = "geography"
CONTENT = "content"
GROUPS = (GEOGRAPHY, CONTENT)

# The models each token covers (app_label.ModelName); their tables are looked up when the
# wrapper is installed, so a renamed table cannot silently escape.
WATCHED_MODELS: dict[str, tuple[str, ...]] = {
    GEOGRAPHY: ("wards.Borough", "wards.Ward", "wards.Cluster"),
    CONTENT: (
        "wards.Team",
        "wards.Posting",
        "wards.User",
        "engagement.EngagementEvent",
        "priorities.Priority",
    ),
}

_KEY = "opendata:version:{}"
# The statements that change rows, and the table they name first (TRUNCATE may name more).
_WRITE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)"?',
    re.IGNORECASE,
)


def versions() -> dict[str, str]:
    """The current token of each group (one cache round trip); a missing one is created."""
    keys = {group: _KEY.format(group) for group in GROUPS}
    found = cache.get_many(keys.values())
    tokens = {}
    for group, key in keys.items():
        token = found.get(key)
        if token is None:
            # add(): of two processes finding the token missing, both keep the first one set.
            new = uuid.uuid4().hex
            token = new if cache.add(key, new, timeout=None) else cache.get(key) or new
        tokens[group] = str(token)
    return tokens


def bump(group: str) -> None:
    """Retire every cached answer built from the group's data.

    A new random token rather than a counter: if the cache ever loses the key, a counter
    would start again and could meet answers cached under its old values.
    """
    cache.set(_KEY.format(group), uuid.uuid4().hex, timeout=None)


def _bump_geography() -> None:
    bump(GEOGRAPHY)


def _bump_content() -> None:
    bump(CONTENT)


_BUMPERS: dict[str, Callable[[], None]] = {GEOGRAPHY: _bump_geography, CONTENT: _bump_content}


def watched_tables() -> dict[str, str]:
    """Table name → the group its writes change."""
    return {
        apps.get_model(label)._meta.db_table: group
        for group, labels in WATCHED_MODELS.items()
        for label in labels
    }


def groups_written(sql: str, tables: dict[str, str]) -> set[str]:
    """The groups a statement changes: none for reads and for tables nobody watches."""
    match = _WRITE.match(sql)
    if match is None:
        return set()
    if match.group(0).lstrip()[:8].upper() == "TRUNCATE":
        return {group for table, group in tables.items() if f'"{table}"' in sql}
    group = tables.get(match.group(1))
    return {group} if group else set()


class WriteWatcher:
    """A database execute wrapper that bumps the groups a committed transaction wrote."""

    def __init__(self, connection: BaseDatabaseWrapper, tables: dict[str, str]) -> None:
        self.connection = connection
        self.tables = tables

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        result = execute(sql, params, many, context)
        for group in groups_written(sql, self.tables):
            self._on_commit(_BUMPERS[group])
        return result

    def _on_commit(self, bumper: Callable[[], None]) -> None:
        # Once per transaction: a bulk import writes hundreds of statements. Django drops the
        # callbacks of a rolled-back savepoint from run_on_commit, so a later write in the
        # same transaction registers again.
        if any(entry[1] is bumper for entry in self.connection.run_on_commit):
            return
        # robust: a cache that is down must not turn a committed write into an error page.
        transaction.on_commit(bumper, using=self.connection.alias, robust=True)


def watch(connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: install the watcher once per connection object."""
    if not any(isinstance(wrapper, WriteWatcher) for wrapper in connection.execute_wrappers):
        # First, not last: ``connection.execute_wrapper()`` blocks pop the last wrapper when
        # they end, and a connection opened inside one would otherwise lose ours instead.
        connection.execute_wrappers.insert(0, WriteWatcher(connection, watched_tables()))


def bump_all(groups: Iterable[str] = GROUPS) -> None:
    """Retire everything now (tests, or after changing data outside Django)."""
    for group in groups:
        bump(group)
