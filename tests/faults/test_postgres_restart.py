"""PostgreSQL restarted under a running web server: clean 503s during, success after.

A private PostgreSQL cluster (initdb in a temporary directory, its own port and socket; the
machine's shared server is never touched) gets the portal's schema; a real gunicorn process
serves the portal on it. The cluster is stopped and started again under the server, which is
never restarted: during the outage pages answer 503 "temporarily unavailable" (no hang, no
traceback) and /healthz reports the database down; afterwards the same process answers again.
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PG_BIN = Path("/usr/lib/postgresql/15/bin")
REQUEST_TIMEOUT = 15.0  # a request slower than this during the outage counts as a hang
SETUP_SCRIPT = """
from django.test import Client
from tests.factories import UserFactory, WardFactory
ward = WardFactory.create()
user = UserFactory.create(is_staff=True, is_superuser=True)
client = Client()
client.force_login(user)
print(ward.code, client.cookies["sessionid"].value)
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres() -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres OS user then."""
    return ["runuser", "-u", "postgres", "--"] if getpass.getuser() == "root" else []


@dataclass
class Cluster:
    directory: Path
    port: int

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [*_as_postgres(), str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options,
             "-l", str(self.directory / "postgres.log"), "-w", "-t", "30", *args],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL server binaries not found in {PG_BIN}")
    directory = Path(tempfile.mkdtemp(prefix="snt-faults-pg-"))
    if _as_postgres():
        shutil.chown(directory, "postgres", "postgres")
    cluster = Cluster(directory=directory, port=_free_port())
    try:
        subprocess.run(
            [*_as_postgres(), str(PG_BIN / "initdb"), "-D", str(cluster.data), "-U", "postgres",
             "-A", "trust", "-E", "UTF8", "--no-sync"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        cluster.pg_ctl("start")
        with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE snt_faults")
        yield cluster
    finally:
        if (cluster.data / "postmaster.pid").exists():
            cluster.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(directory, ignore_errors=True)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    log: Path

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-40:])


@pytest.fixture(scope="module")
def portal(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)},
        "DJANGO_SETTINGS_MODULE": "snt_portal.test_settings",  # static files without collectstatic
        "DATABASE_URL": cluster.url("snt_faults"),
        "SECRET_KEY": "faults-test-secret-key",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "false",
        "PYTHONUNBUFFERED": "1",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env,
                   check=True, capture_output=True, timeout=180)  # fmt: skip
    log = tmp_path_factory.mktemp("gunicorn") / "server.log"
    port = _free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "snt_portal.wsgi",
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"],
            cwd=BASE_DIR, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Server(process=process, base=f"http://127.0.0.1:{port}", log=log)
    try:
        deadline = time.monotonic() + 30
        while _get(server, "/healthz")[0] != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start:\n{server.log_tail()}")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _get(server: Server, path: str, session: str | None = None) -> tuple[int, str, float]:
    """Status, body and seconds taken; status 0 when the server does not answer at all."""
    request = urllib.request.Request(server.base + path)
    if session:
        request.add_header("Cookie", f"sessionid={session}")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    except (urllib.error.URLError, ConnectionError):
        status, body = 0, ""
    return status, body, time.monotonic() - started


def test_requests_fail_cleanly_while_postgres_is_down_and_succeed_after(
    cluster: Cluster, portal: Server
) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "snt_portal.test_settings",
        "DATABASE_URL": cluster.url("snt_faults"),
        "SECRET_KEY": "faults-test-secret-key",
    }
    env.pop("REDIS_URL", None)
    made = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SETUP_SCRIPT],
        cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    ward_code, session = made.stdout.split()[-2:]
    page = f"/wards/{ward_code}/"

    status, body, _ = _get(portal, page, session)
    assert status == 200, f"{status}\n{portal.log_tail()}"
    assert _get(portal, "/healthz")[0] == 200

    cluster.pg_ctl("stop", "-m", "fast")
    for _ in range(2):  # the first request finds the old connection dead; the next, no server
        status, body, seconds = _get(portal, page, session)
        assert status == 503, f"{status}: {body[:500]}\n{portal.log_tail()}"
        assert "temporarily unavailable" in body
        assert "Traceback" not in body and "OperationalError" not in body
        assert seconds < REQUEST_TIMEOUT
    status, body, seconds = _get(portal, "/healthz")
    assert status == 503
    health = json.loads(body)
    assert health["checks"]["database"]["ok"] is False
    assert seconds < REQUEST_TIMEOUT

    cluster.pg_ctl("start")
    status, body, _ = _get(portal, page, session)
    assert status == 200, f"{status}: {body[:500]}\n{portal.log_tail()}"
    status, body, _ = _get(portal, "/healthz")
    assert status == 200
    assert json.loads(body)["checks"]["database"]["ok"] is True
    assert portal.process.poll() is None  # the same server process throughout
