from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from snt_portal.otp import requires_second_factor
from tests.api import openapi
from tests.otp import device_for
from wards.models import User

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


@pytest.fixture(autouse=True)
def force_login_passes_the_second_factor(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``client.force_login(user)`` signs in as if the user had also entered their
    authenticator's code, when their role needs one (snt_portal/otp.py): they get a confirmed
    device if they have none, and the session holds it as django-otp's ``login`` would.

    Tests about something else sign in with ``force_login`` and land on the page they asked
    for. Mark a test ``@pytest.mark.otp_unverified`` to get the bare password sign-in instead;
    tests/security/test_otp.py signs in through the real pages.
    """
    if request.node.get_closest_marker("otp_unverified"):
        return
    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        # A fresh copy: the caller's user object keeps no scope cached by the check.
        if requires_second_factor(User.objects.get(pk=user.pk)):
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device_for(user).persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)
