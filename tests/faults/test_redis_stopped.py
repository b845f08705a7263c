"""Redis stopped while officers save records: the saves go through, the dashboards catch up.

A Redis server of the test's own, on a free port, is the portal's cache and Celery broker for
these tests (the machine's shared Redis is never touched). It saves its data to disk when
stopped and loads it again when started, as a default Redis does, so the dashboard cached
before the outage is still there afterwards: the test proves it is not served stale.

The writes go through the real pages, signed in as an officer; reconciliation runs in a real
Celery worker process (on the test database, so the tests commit: ``transaction=True``).
"""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from engagement.models import EngagementEvent
from epic import dashboards, rollups
from epic.catalogue import Category
from epic.dashboards import Place
from epic.models import Activity, DirtyBucket
from tests.engagement.test_events import _event_data
from tests.epic.test_dashboards import _by_category, _raw_by_category, _shown_records
from tests.epic.test_logging import _quick
from tests.epic.test_rollups_celery import start_worker  # noqa: F401  (a fixture)
from tests.test_celery import Worker, run_task
from tests.world import World

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
RESULT_TIMEOUT = 30.0
PERIOD = "12m"  # holds yesterday whatever the date
HANG_LIMIT = 30.0  # seconds beyond which a save counts as hung


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RedisServer:
    """A private redis-server: persisted to its own directory, stopped and started at will."""

    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        if self.running:
            return
        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [
                REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", str(self.directory), "--save", "3600 1", "--appendonly", "no",
                "--daemonize", "no",
            ],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
                return
            except redis.RedisError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start:\n{self.log_tail()}")
                time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM: Redis saves its data (the save point is set) and exits."""
        if not self.running:
            return
        assert self.process is not None
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def log_tail(self) -> str:
        path = self.directory / "redis.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-20:])


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    if not Path(REDIS_SERVER).exists():
        pytest.skip("redis-server is not installed")
    server = RedisServer(port=_free_port(), directory=tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def redis_url(redis_server: RedisServer) -> str:
    """The broker the imported ``start_worker`` fixture gives its workers: the private one."""
    return redis_server.url


@pytest.fixture
def portal_on_private_redis(redis_server: RedisServer) -> Iterator[None]:
    """This process's cache, broker and health check on the private Redis, then back."""
    from snt_portal.celery import app as project_app

    app: Any = project_app  # the connection pools are private attributes, reset below
    caches = {"default": {**settings.CACHES["default"], "LOCATION": redis_server.url}}
    saved = (
        app.conf.broker_url, app.conf.result_backend, app._pool, app.amqp._producer_pool,
        app._backend_cache, getattr(app._local, "backend", None),
    )  # fmt: skip

    def use(broker: Any, backend: Any, pool: Any, producers: Any, cached: Any, local: Any) -> None:
        app.conf.broker_url, app.conf.result_backend = broker, backend
        app._pool, app.amqp._producer_pool = pool, producers
        app._backend_cache, app._local.backend = cached, local

    # Fresh pools and result backend: the next publish connects to the private Redis.
    use(redis_server.url, redis_server.url, None, None, None, None)
    try:
        with override_settings(CACHES=caches, REDIS_URL=redis_server.url):
            yield
    finally:
        use(*saved)
        redis_server.start()  # if a failed test left it stopped: the teardowns need it


@pytest.fixture
def celery_client(redis_server: RedisServer) -> Iterator[Celery]:
    client = Celery("snt_portal-faults-client", set_as_current=False)
    client.config_from_object("django.conf:settings", namespace="CELERY")
    url = redis_server.url
    client.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    yield client
    client.close()


def _success_messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "success"]


def test_records_saved_while_redis_is_stopped_are_kept_and_the_dashboards_catch_up(
    world: World,
    redis_server: RedisServer,
    portal_on_private_redis: None,
    celery_client: Celery,
    start_worker: Callable[[], Worker],  # noqa: F811
) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    period = dashboards.parse_period(PERIOD)
    borough = Place.of_borough(world.a1.borough)
    manager = Client()
    manager.force_login(world.users["borough_manager"])
    board_url = reverse("epic:borough_dashboard", kwargs={"code": world.a1.borough.code})

    # Before the outage: summaries complete, the dashboard page cached in Redis.
    rollups.rebuild()
    assert manager.get(board_url, {"period": PERIOD}).status_code == 200
    before = _raw_by_category(period, [world.a1, world.a2])
    assert redis.Redis.from_url(redis_server.url).dbsize() > 0  # something to go stale

    officer = Client()
    officer.force_login(world.users["pcso"])
    redis_server.stop()
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(redis_server.url, socket_connect_timeout=0.5).ping()

    # EPIC records, one by one and in a shift, and an engagement event, through the pages.
    started = time.monotonic()
    response = officer.post(
        reverse("epic:activity_create", args=[world.a1.code]),
        _quick(world, type="arrest", quantity="2", day=yesterday),
    )
    assert response.status_code == 302, response.content[:2000]
    [message] = _success_messages(response)
    assert message.startswith("Logged: Arrest"), message
    response = officer.post(
        reverse("engagement:event_create", kwargs={"code": world.a1.code}),
        _event_data(yesterday, officers=[world.users["pcso"].pk]),
    )
    assert response.status_code == 302, response.content[:2000]
    assert _success_messages(response), "no success message for the engagement event"
    page = officer.get(response["Location"])  # the page the officer lands on
    assert page.status_code == 200
    assert "Street briefing logged for Alpha" in page.content.decode()
    assert time.monotonic() - started < 2 * HANG_LIMIT  # no hang (and no wait: see the test below)

    # Saved, and waiting in the outbox for a refresh that could not be sent.
    assert Activity.objects.filter(ward=world.a1, date=yesterday).count() == 1
    assert EngagementEvent.objects.filter(ward=world.a1, place="Outside the library").exists()
    assert DirtyBucket.objects.filter(ward=world.a1, day=yesterday).exists()
    # The dashboard still answers during the outage (from the database).
    assert manager.get(board_url, {"period": PERIOD}).status_code == 200

    # Redis returns, with the cache as it was before the outage; reconciliation runs.
    redis_server.start()
    assert redis.Redis.from_url(redis_server.url).dbsize() > 0
    worker = start_worker()
    run_task(celery_client, worker, "epic.tasks.reconcile_rollups")
    assert not DirtyBucket.objects.exists()

    # The web process's Celery app recovered without a restart: a new save sends its refresh.
    broker = redis.Redis.from_url(redis_server.url)
    queued = broker.llen("celery")
    response = officer.post(
        reverse("epic:activity_create", args=[world.a1.code]),
        _quick(world, type="arrest", quantity="1", day=yesterday),
    )
    assert response.status_code == 302
    assert broker.llen("celery") == queued + 1
    assert run_task(celery_client, worker, "epic.tasks.refresh_rollups") == 1

    raw = _raw_by_category(period, [world.a1, world.a2])
    assert raw[Category.ENFORCEMENT] == before[Category.ENFORCEMENT] + 2
    assert raw[Category.COMMUNICATION] == before[Category.COMMUNICATION] + 1
    assert _by_category(dashboards.build(borough, period)) == raw
    html = manager.get(board_url, {"period": PERIOD}).content.decode()
    assert _shown_records(html, Category.ENFORCEMENT) == raw[Category.ENFORCEMENT]
    assert _shown_records(html, Category.COMMUNICATION) == raw[Category.COMMUNICATION]


def test_a_save_while_redis_is_stopped_does_not_wait_on_the_result_store(
    world: World, redis_server: RedisServer, portal_on_private_redis: None
) -> None:
    officer = Client()
    officer.force_login(world.users["pcso"])
    redis_server.stop()
    started = time.monotonic()
    response = officer.post(
        reverse("epic:activity_create", args=[world.a1.code]),
        _quick(world, type="arrest", day=timezone.localdate() - dt.timedelta(days=1)),
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 5, f"the save took {elapsed:.1f} s with Redis down"
