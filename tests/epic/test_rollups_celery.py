"""The rollup task in a real Celery worker process, on Redis, against the test database.

As in tests/test_celery.py, each worker consumes a queue of its own. Unlike the ping there,
these tasks touch the database, so the worker is pointed at the test database (pytest-django's
``test_`` copy) and the tests commit their writes (``transaction=True``): a worker cannot see
a test's uncommitted transaction.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from celery import Celery
from django.db import connection, transaction
from kombu.exceptions import OperationalError

from epic import rollups, tasks
from epic.models import Activity, DirtyBucket, WardDay
from tests.epic.test_rollups import add_activity, assert_rollups_match_raw
from tests.test_celery import BASE_DIR, Worker, _stop, _wait_until_ready, run_task
from tests.world import World

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

RESULT_TIMEOUT = 30.0
DAY = dt.date(2024, 5, 1)


def _conninfo() -> str:
    """The test database as a URL (after pytest-django has switched to it)."""
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return (
        f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
        f"/{s['NAME']}"
    )


@pytest.fixture(scope="module")
def redis_url() -> str:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Redis for the Celery tests: {exc}")
        pytest.skip(f"Redis is not reachable at {url} ({exc})")
    return url


@pytest.fixture(scope="module")
def celery_client(redis_url: str) -> Iterator[Celery]:
    client = Celery("snt_portal-test-client", set_as_current=False)
    client.config_from_object("django.conf:settings", namespace="CELERY")
    client.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    yield client
    client.close()


@pytest.fixture(scope="module")
def start_worker(
    redis_url: str, tmp_path_factory: pytest.TempPathFactory, django_db_setup: None
) -> Iterator[Callable[[], Worker]]:
    """Start real `celery worker` processes on the test database; all stopped at the end."""
    started: list[Worker] = []

    def start() -> Worker:
        tag = uuid.uuid4().hex[:12]
        log = tmp_path_factory.mktemp("celery") / "worker.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "snt_portal.test_settings",
            "DATABASE_URL": _conninfo(),
            "REDIS_URL": redis_url,
            "PYTHONUNBUFFERED": "1",
        }
        command = [
            str(Path(sys.executable).with_name("celery")), "-A", "snt_portal", "worker",
            "--pool=solo", "--concurrency=1", "--loglevel=INFO",
            "-n", f"test-{tag}@%h", "-Q", f"test-{tag}",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdin=subprocess.DEVNULL,
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        worker = Worker(process=process, queue=f"test-{tag}", log=log)
        started.append(worker)
        _wait_until_ready(worker)
        return worker

    yield start
    for worker in started:
        _stop(worker.process)
    # The writers' own on-commit refreshes went to the default queue, which no one consumes here.
    redis.Redis.from_url(redis_url).delete("celery")


@pytest.fixture(scope="module")
def worker(start_worker: Callable[[], Worker]) -> Worker:
    return start_worker()


def run_refresh(client: Celery, worker: Worker, task_id: str | None = None) -> Any:
    return run_task(client, worker, "epic.tasks.refresh_rollups", task_id)


def write(world: World, day: dt.date, quantity: int = 1) -> None:
    with transaction.atomic():
        add_activity(world.a1.pk, day, "arrest", quantity, world.users["pc"])


def test_the_same_refresh_delivered_twice_counts_once(
    world: World, celery_client: Celery, worker: Worker
) -> None:
    rollups.rebuild()
    write(world, DAY, 2)
    write(world, DAY + dt.timedelta(days=1), 3)
    task_id = str(uuid.uuid4())

    assert run_refresh(celery_client, worker, task_id) == 2
    assert run_refresh(celery_client, worker, task_id) == 0  # the duplicate finds nothing

    log = worker.log.read_text()
    assert log.count(f"Task epic.tasks.refresh_rollups[{task_id}] succeeded") == 2
    assert not DirtyBucket.objects.exists()
    assert_rollups_match_raw()


def test_a_worker_killed_mid_refresh_commits_nothing_and_the_next_run_catches_up(
    world: World, celery_client: Celery, start_worker: Callable[[], Worker]
) -> None:
    rollups.rebuild()  # creates the status row the test will lock
    doomed = start_worker()
    with psycopg.connect(_conninfo()) as locker:
        # The refresh does its work, then waits for this lock inside its transaction.
        locker.execute("SELECT 1 FROM epic_rollupstatus WHERE id = %s FOR UPDATE", [1])
        write(world, DAY, 4)
        celery_client.send_task("epic.tasks.refresh_rollups", queue=doomed.queue)
        blocked = _wait_for_blocked_backend(doomed)

        doomed.process.send_signal(signal.SIGKILL)
        doomed.process.wait(timeout=10)
        locker.rollback()  # the killed worker's session now finds its client gone
    _wait_until_gone(blocked)

    # Nothing of that refresh was committed: the bucket is still waiting, not summed.
    assert set(DirtyBucket.objects.values_list("ward_id", "day")) == {(world.a1.pk, DAY)}
    assert not WardDay.objects.filter(type="arrest").exists()

    assert run_refresh(celery_client, start_worker()) == 1
    assert not DirtyBucket.objects.exists()
    assert_rollups_match_raw()


def test_a_record_saved_while_the_broker_is_down_is_kept_and_caught_up(
    world: World, celery_client: Celery, worker: Worker
) -> None:
    rollups.rebuild()
    started = time.monotonic()
    with broker_unreachable():
        with pytest.raises(OperationalError):  # really unreachable
            tasks.refresh_rollups.delay()
        write(world, DAY, 5)  # its on-commit refresh cannot be sent
    assert time.monotonic() - started < 30  # the save did not hang on the broker

    assert Activity.objects.filter(ward=world.a1, date=DAY, type="arrest").exists()
    assert DirtyBucket.objects.filter(ward=world.a1, day=DAY).exists()
    assert not WardDay.objects.filter(type="arrest").exists()

    assert run_refresh(celery_client, worker) == 1  # the sweep or the nightly run, later
    assert_rollups_match_raw()


@contextmanager
def broker_unreachable() -> Iterator[None]:
    """Point the project's Celery app at a port nothing listens on, then back."""
    from snt_portal.celery import app as project_app

    app: Any = project_app  # the connection pools are private attributes, reset below
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = app.conf.broker_url, app._pool, app.amqp._producer_pool
    # Drop the pools so the next publish connects afresh, to the closed port.
    app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    app._pool = app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url, app._pool, app.amqp._producer_pool = saved


def _wait_for_blocked_backend(worker: Worker) -> int:
    """The worker's database session, once it waits for a lock. Polled from an autocommit
    connection: pg_stat_activity is a snapshot taken once per transaction."""
    with psycopg.connect(_conninfo(), autocommit=True) as conn:
        deadline = time.monotonic() + RESULT_TIMEOUT
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            ).fetchone()
            if row:
                return int(row[0])
            if worker.process.poll() is not None:
                pytest.fail(f"celery worker exited early:\n{worker.log_tail()}")
            time.sleep(0.1)
    pytest.fail(f"the refresh never reached the lock:\n{worker.log_tail()}")


def _wait_until_gone(pid: int) -> None:
    with psycopg.connect(_conninfo(), autocommit=True) as conn:
        deadline = time.monotonic() + RESULT_TIMEOUT
        while conn.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            if time.monotonic() > deadline:
                pytest.fail(f"the killed worker's session {pid} is still open")
            time.sleep(0.1)
