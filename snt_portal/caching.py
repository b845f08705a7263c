"""Cached values that a change anywhere in their source rows invalidates at once.

A ``Generation`` is a token in the cache that every change to the rows behind some family of
cached values replaces (``bump``, connected to the models' signals by ``bump_on``). Each value
is stored with the token it was computed under and read, with the current token, in one round
trip; a value from an older generation is recomputed. A value computed while a change was
being committed could have read the rows before it, so ``bump`` replaces the token again once
the transaction commits.

The cache only ever saves work: when it is unreachable, values are computed from the database
and writes go through (the error is logged).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import models, transaction
from django.db.models import signals

logger = logging.getLogger(__name__)

T = TypeVar("T")


class Generation:
    def __init__(self, name: str) -> None:
        self.key = f"generation:{name}"

    def bump(self) -> None:
        """Make every value of this family stale: now, and again when the transaction commits."""
        self._replace()
        transaction.on_commit(self._replace, robust=True)

    def bump_on(self, *senders: type[models.Model]) -> None:
        """Bump whenever a row of these models is saved or deleted."""
        for sender in senders:
            signals.post_save.connect(self._changed, sender=sender, weak=False)
            signals.post_delete.connect(self._changed, sender=sender, weak=False)

    def get_or_compute(self, key: str, compute: Callable[[], T], timeout: int) -> T:
        """The value cached under ``key`` if it was computed in the current generation; else
        ``compute()``, cached for at most ``timeout`` seconds."""
        try:
            found = cache.get_many([self.key, key])
        except Exception:
            logger.warning("Cache unreachable: computing %s", key, exc_info=True)
            return compute()
        generation: str | None = found.get(self.key)
        entry = found.get(key)
        if generation is not None and isinstance(entry, tuple) and entry[0] == generation:
            value: T = entry[1]
            return value
        generation = generation or self._replace()
        value = compute()
        try:
            cache.set(key, (generation, value), timeout)
        except Exception:
            logger.warning("Cache unreachable: not caching %s", key, exc_info=True)
        return value

    def _changed(self, sender: Any, **kwargs: Any) -> None:
        self.bump()

    def _replace(self) -> str:
        token = uuid.uuid4().hex
        try:
            cache.set(self.key, token, None)
        except Exception:
            logger.warning("Cache unreachable: could not replace %s", self.key, exc_info=True)
        return token
