"""/healthz: is the database answering, is the broker reachable. JSON, 200 or 503."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from snt_portal.celery import app as celery_app
from snt_portal.tasks import HEARTBEAT_CACHE_KEY


def _check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the reason is reported
        return {"ok": False, "vendor": connection.vendor, "error": str(exc).strip()[:200]}
    return {"ok": True, "vendor": connection.vendor}


def _check_broker() -> dict[str, Any]:
    broker_url: str = settings.REDIS_URL
    if not broker_url:
        return {"ok": True, "mode": "eager", "detail": "no REDIS_URL: tasks run in-process"}
    try:
        # The URL is read from settings on each request, not frozen into the Celery app, so
        # the check follows the settings in force. One immediate retry: a probe must be quick.
        with celery_app.connection_for_write(broker_url) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as exc:  # kombu raises many types; all mean unreachable
        return {"ok": False, "mode": "redis", "error": str(exc).strip()[:200]}
    result: dict[str, Any] = {"ok": True, "mode": "redis"}
    try:
        result["last_heartbeat"] = cache.get(HEARTBEAT_CACHE_KEY)
    except Exception:  # the cache shares Redis; its absence is already reported above
        result["last_heartbeat"] = None
    return result


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
