"""A real Celery round trip: a worker process, Redis as broker and result store, a task by name.

The worker is started for the test on a queue of its own, so it takes no one else's work and
no one else takes its. Without Redis the test skips, except in CI, where that is a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from celery import Celery
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"  # what `make test` exports
WORKER_START_TIMEOUT = 60.0
RESULT_TIMEOUT = 30.0

pytestmark = pytest.mark.celery


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    queue: str
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@pytest.fixture(scope="module")
def redis_url() -> str:
    """The broker to use; unreachable means skip here, but fail in CI."""
    url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        message = f"Redis is not reachable at {url} ({exc}); start it or set REDIS_URL."
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Redis for the Celery tests: {message}")
        pytest.skip(message)
    return url


@pytest.fixture(scope="module")
def celery_client(redis_url: str) -> Iterator[Celery]:
    """The project's Celery settings, pointed at Redis whatever REDIS_URL was at import time."""
    client = Celery("snt_portal-test-client", set_as_current=False)
    client.config_from_object("django.conf:settings", namespace="CELERY")
    client.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    yield client
    client.close()


@pytest.fixture(scope="module")
def worker(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    """A real `celery worker` process consuming a queue no one else uses; always stopped."""
    tag = uuid.uuid4().hex[:12]
    queue = f"test-{tag}"
    log = tmp_path_factory.mktemp("celery") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "snt_portal.test_settings",
        "REDIS_URL": redis_url,
        "PYTHONUNBUFFERED": "1",
    }
    celery_bin = Path(sys.executable).with_name("celery")
    command = [
        str(celery_bin), "-A", "snt_portal", "worker",
        "--pool=solo", "--concurrency=1", "--loglevel=INFO",
        "-n", f"test-{tag}@%h", "-Q", queue,
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    running = Worker(process=process, queue=queue, log=log)
    try:
        _wait_until_ready(running)
        yield running
    finally:
        _stop(process)


def _wait_until_ready(worker: Worker) -> None:
    deadline = time.monotonic() + WORKER_START_TIMEOUT
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            pytest.fail(
                f"celery worker exited with {worker.process.returncode} before it was ready:\n"
                f"{worker.log_tail()}"
            )
        if worker.log.exists() and " ready." in worker.log.read_text(errors="replace"):
            return
        time.sleep(0.2)
    pytest.fail(f"celery worker not ready after {WORKER_START_TIMEOUT}s:\n{worker.log_tail()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()  # warm shutdown: finish the current task, then exit
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def run_task(client: Celery, worker: Worker, name: str, task_id: str | None = None) -> Any:
    """Send task ``name`` to the worker's own queue and return its result, failing the test
    if the worker dies or takes longer than RESULT_TIMEOUT."""
    result = client.send_task(name, queue=worker.queue, task_id=task_id)
    try:
        deadline = time.monotonic() + RESULT_TIMEOUT
        while not result.ready():
            if worker.process.poll() is not None:
                pytest.fail(f"celery worker died mid-task:\n{worker.log_tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no result after {RESULT_TIMEOUT}s:\n{worker.log_tail()}")
            time.sleep(0.1)
        assert result.successful(), worker.log_tail()
        return result.get(timeout=5)
    finally:
        result.forget()


def test_ping_runs_in_the_worker_process(celery_client: Celery, worker: Worker) -> None:
    task_id = str(uuid.uuid4())
    answer = run_task(celery_client, worker, "snt_portal.tasks.ping", task_id)

    # --pool=solo runs tasks in the worker's main process: the pid we started, not ours.
    assert answer["pid"] == str(worker.process.pid)
    assert answer["pid"] != str(os.getpid())
    assert answer["pong"]
    assert f"Task snt_portal.tasks.ping[{task_id}] succeeded" in worker.log.read_text()
