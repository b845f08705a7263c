"""Cached values that any committed change to their source rows retires at once.

A ``Generation`` is a token in the cache, replaced whenever the rows behind a family of cached
values change. Each value is stored with the tokens it was computed under and read, with the
current tokens, in one round trip (``get_or_compute``); a value from an older generation is
computed again. A new random token rather than a counter: a cache that lost the key and
started again could otherwise meet values stored under an old count.

What replaces a token:

- ``watch(*models)``: any committed transaction that wrote one of the models' tables. Writes
  are seen as SQL by a database execute wrapper, not by model signals: imports, the demo and
  several services write with ``bulk_create``, ``bulk_update`` and ``QuerySet.update``, which
  send none (the same reason django-cachalot invalidates by table).
- ``bump()``: an explicit change (a rollup refresh), on commit.

A token is replaced at the change, so the writer's own transaction (and a test, which never
commits) reads fresh values; and again when the transaction commits, once, since a reader in
between could have cached the rows as they were before the commit under the new token.

The cache only ever saves work: when it is unreachable, values are computed from the database,
writes go through, and the error is logged.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection as default_connection
from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)

T = TypeVar("T")

# The statements that change rows, and the table they name first (TRUNCATE may name more).
_WRITE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)"?',
    re.IGNORECASE,
)

# Table name -> the generations its writes replace.
_WATCHED: dict[str, set[Generation]] = {}


class Generation:
    def __init__(self, name: str) -> None:
        self.name = name
        self.key = f"generation:{name}"

    def __repr__(self) -> str:
        return f"Generation({self.name!r})"

    def watch(self, *senders: type[models.Model]) -> None:
        """Replace the token whenever a transaction that wrote these models' tables commits."""
        for model in senders:
            _WATCHED.setdefault(model._meta.db_table, set()).add(self)
        _install_on_open_connections()

    def bump(self, *, using: str | None = None) -> None:
        """Replace the token now and when the current transaction commits."""
        self._replace()
        conn = default_connection if using is None else transaction.get_connection(using)
        if conn.in_atomic_block and not any(
            entry[1] == self._replace for entry in conn.run_on_commit
        ):
            # robust: a cache that is down must not turn a committed write into an error.
            transaction.on_commit(self._replace, using=using, robust=True)

    def token(self) -> str:
        """The current token (created when missing)."""
        return tokens([self])[0]

    def get_or_compute(self, key: str, compute: Callable[[], T], timeout: int) -> T:
        return get_or_compute(key, compute, timeout, [self])

    def _replace(self) -> str:
        token = uuid.uuid4().hex
        try:
            cache.set(self.key, token, None)
        except Exception:
            logger.warning("Cache unreachable: could not replace %s", self.key, exc_info=True)
        return token


def tokens(generations: Sequence[Generation]) -> list[str]:
    """The current token of each generation, in one round trip; missing ones are created."""
    try:
        found = cache.get_many([g.key for g in generations])
    except Exception:
        logger.warning("Cache unreachable: fresh tokens", exc_info=True)
        found = {}
    return [found.get(g.key) or g._replace() for g in generations]


def get_or_compute(
    key: str, compute: Callable[[], T], timeout: int, generations: Sequence[Generation]
) -> T:
    """The value cached under ``key`` if it was computed under the current tokens of
    ``generations``; else ``compute()``, cached for at most ``timeout`` seconds."""
    keys = [g.key for g in generations]
    try:
        found = cache.get_many([*keys, key])
    except Exception:
        logger.warning("Cache unreachable: computing %s", key, exc_info=True)
        return compute()
    current = tuple(found.get(k) for k in keys)
    entry = found.get(key)
    if None not in current and isinstance(entry, tuple) and entry[0] == current:
        value: T = entry[1]
        return value
    current = tuple(t or g._replace() for t, g in zip(current, generations, strict=True))
    value = compute()
    try:
        cache.set(key, (current, value), timeout)
    except Exception:
        logger.warning("Cache unreachable: not caching %s", key, exc_info=True)
    return value


# --- seeing writes -----------------------------------------------------------------------------


def generations_written(sql: str) -> set[Generation]:
    """The generations a statement replaces: none for reads and for tables nobody watches."""
    match = _WRITE.match(sql)
    if match is None:
        return set()
    if match.group(0).lstrip()[:8].upper() == "TRUNCATE":
        return {g for table, gens in _WATCHED.items() if f'"{table}"' in sql for g in gens}
    return _WATCHED.get(match.group(1), set())


class WriteWatcher:
    """A database execute wrapper that replaces the tokens a committed transaction wrote."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        result = execute(sql, params, many, context)
        for generation in generations_written(sql):
            generation.bump(using=self.connection.alias)
        return result


def _install(connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: install the watcher once per connection object."""
    if not any(isinstance(wrapper, WriteWatcher) for wrapper in connection.execute_wrappers):
        # First, not last: ``connection.execute_wrapper()`` blocks pop the last wrapper when
        # they end, and a connection opened inside one would otherwise lose ours instead.
        connection.execute_wrappers.insert(0, WriteWatcher(connection))


def _install_on_open_connections() -> None:
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        _install(conn)


connection_created.connect(_install, dispatch_uid="snt_portal.caching.install")
