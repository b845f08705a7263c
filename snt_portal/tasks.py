"""Housekeeping tasks: thin, argument-free, safe to run twice."""

from __future__ import annotations

import os
import socket

from celery import shared_task
from django.core import management
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_CACHE_KEY = "celery:heartbeat"


@shared_task(name="snt_portal.tasks.ping")
def ping() -> dict[str, str]:
    """Answer with the worker's host name, so a caller can see which process ran it."""
    return {"pong": socket.gethostname(), "pid": str(os.getpid())}


@shared_task(name="snt_portal.tasks.heartbeat")
def heartbeat() -> str:
    """Record that beat and a worker are alive; /healthz reports the age of this mark."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_CACHE_KEY, now, timeout=None)
    return now


@shared_task(name="snt_portal.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    management.call_command("clearsessions")
