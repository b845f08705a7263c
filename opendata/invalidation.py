"""When the open data's cached answers go stale: two generations of ``snt_portal.caching``.

Every cached answer is keyed by the current tokens of both, so replacing a token retires every
answer built from the data it covers, in every process at once:

- ``GEOGRAPHY``: wards, boroughs and clusters (names, boundaries, in-force dates). It also
  keys each process's point-in-polygon index (``opendata.locate``), so it changes rarely.
- ``CONTENT``: teams, postings and the people on them (names, biographies), engagement events
  and priorities: what changes through the day.

A token is replaced by any write to one of its tables, seen as SQL (``bulk_create``,
``bulk_update``, ``QuerySet.update`` and the import commands included, which send no signals),
at the write and again when the transaction commits (see ``snt_portal.caching``).
"""

from __future__ import annotations

from django.apps import apps
from django.core.cache import cache
from redis.exceptions import RedisError

from snt_portal.caching import Generation, tokens

# The geography token while the cache does not answer (see geography_token).
NO_CACHE = "no-cache"

GEOGRAPHY = Generation("opendata.geography")
CONTENT = Generation("opendata.content")

# The models (app_label.ModelName) whose tables each generation watches.
WATCHED_MODELS: dict[Generation, tuple[str, ...]] = {
    GEOGRAPHY: ("wards.Borough", "wards.Ward", "wards.Cluster"),
    CONTENT: (
        "wards.Team",
        "wards.Posting",
        "wards.User",
        "engagement.EngagementEvent",
        "priorities.Priority",
    ),
}


def watch() -> None:
    """Start watching the tables (from ``OpendataConfig.ready``)."""
    for generation, labels in WATCHED_MODELS.items():
        generation.watch(*(apps.get_model(label) for label in labels))


def current() -> tuple[str, str]:
    """The geography and content tokens, in one round trip."""
    geography, content = tokens([GEOGRAPHY, CONTENT])
    return geography, content


def geography_token() -> str:
    """The geography token, for the point-in-polygon index.

    While the cache does not answer, a fixed one: each process keeps the index it has rather
    than building one for every request (half a second each), and rebuilds it when the cache
    is back and its token differs.
    """
    try:
        token = cache.get(GEOGRAPHY.key)
    except RedisError:
        return NO_CACHE
    return str(token) if token else GEOGRAPHY.token()


def bump_all() -> None:
    """Retire every cached answer now (tests, or after changing data outside Django)."""
    GEOGRAPHY.bump()
    CONTENT.bump()
