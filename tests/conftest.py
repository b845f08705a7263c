from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.api import openapi

pytest_plugins = ["tests.world"]

SHARED_DATA = Path(settings.SNT_SHARED_DATA_DIR)


def pytest_configure(config: pytest.Config) -> None:
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        raise pytest.UsageError(
            f"The test suite runs on PostgreSQL, but DATABASE_URL gives {engine}. "
            "Set DATABASE_URL=postgres://postgres@127.0.0.1:5432/snt_portal (make test does)."
        )


@pytest.fixture
def shared_data() -> Path:
    """The real data beside the repo (../shared/data); tests that need it skip loudly without."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def query_count():
    """Count queries in a block: `with query_count() as q: ...; assert len(q) <= N`."""
    from django.test.utils import CaptureQueriesContext

    return lambda: CaptureQueriesContext(connection)


@pytest.fixture
def tasks_inline() -> Iterator[None]:
    """Run Celery tasks in the test's own process when they are enqueued (``.delay``).

    For tests about what a task does (the emails it sends), not how it travels: the real
    broker and worker round trip is tests/test_celery.py's.
    """
    from snt_portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def responses_match_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every API response any test receives (the API tests, the permission matrix, …) must be
    documented by the schema and match it (tests/api/openapi.py)."""
    original = Client.request

    def checked(self: Client, **request: Any) -> Any:
        response = original(self, **request)
        openapi.check(request["REQUEST_METHOD"], request["PATH_INFO"], response)  # type: ignore[arg-type]
        return response

    monkeypatch.setattr(Client, "request", checked)
