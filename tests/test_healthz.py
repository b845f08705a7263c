"""/healthz: 200 when the database and broker answer, 503 when either does not."""

from __future__ import annotations

import os
from typing import Any

import pytest
import redis
from django.test import Client
from django.test.utils import override_settings

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: connections are refused at once.
CLOSED_PORT_REDIS_URL = "redis://127.0.0.1:1/0"


def _get(client: Client) -> tuple[int, dict[str, Any]]:
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, response.json()


@override_settings(REDIS_URL="")
def test_it_reports_database_ok_and_eager_mode_without_redis(client: Client) -> None:
    status, body = _get(client)

    assert status == 200
    assert body == {
        "status": "ok",
        "checks": {
            "database": {"ok": True, "vendor": "postgresql"},
            "broker": {
                "ok": True,
                "mode": "eager",
                "detail": "no REDIS_URL: tasks run in-process",
            },
        },
    }


def test_it_reports_the_redis_broker_when_reachable(client: Client) -> None:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Redis at {url}: {exc}")
        pytest.skip(f"Redis is not reachable at {url}: {exc}")

    with override_settings(REDIS_URL=url):
        status, body = _get(client)

    assert status == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["broker"]["mode"] == "redis"
    assert "last_heartbeat" in body["checks"]["broker"]


@override_settings(REDIS_URL=CLOSED_PORT_REDIS_URL)
def test_it_is_503_when_the_broker_is_unreachable(client: Client) -> None:
    status, body = _get(client)

    assert status == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": True, "vendor": "postgresql"}
    broker = body["checks"]["broker"]
    assert broker["ok"] is False
    assert broker["mode"] == "redis"
    assert "127.0.0.1:1" in broker["error"]


def test_it_only_answers_get(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
