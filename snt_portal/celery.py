"""The Celery app, and the one place periodic schedules are defined."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "snt_portal.settings")

app = Celery("snt_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic job, with its own time limit. Later issues add their jobs here.
app.conf.beat_schedule = {
    "hourly-panel-meeting-reminders": {
        "task": "panels.tasks.send_meeting_reminders",
        "schedule": crontab(minute=5),
        "options": {"expires": 3000, "time_limit": 300},
    },
    "daily-priority-review-reminders": {
        "task": "priorities.tasks.send_review_reminders",
        "schedule": crontab(hour=7, minute=30),
        "options": {"expires": 3600, "time_limit": 300},
    },
    "heartbeat": {
        "task": "snt_portal.tasks.heartbeat",
        "schedule": 60.0,
        "options": {"expires": 55, "time_limit": 30},
    },
    "nightly-clear-expired-sessions": {
        "task": "snt_portal.tasks.clear_expired_sessions",
        "schedule": crontab(hour=2, minute=15),
        "options": {"expires": 3600, "time_limit": 300},
    },
    # Residents' optional contact details are kept SNT_PUBLIC_CONTACT_DAYS, then erased.
    "nightly-erase-expired-public-contacts": {
        "task": "engagement.tasks.erase_expired_public_contacts",
        "schedule": crontab(hour=2, minute=45),
        "options": {"expires": 3600, "time_limit": 300},
    },
    # Personal data (privacy/services.py): KINs left uncontacted after their review are erased;
    # declarations of ended memberships are deleted (a sweep behind panels.end_membership).
    "nightly-erase-unreviewed-kins": {
        "task": "privacy.tasks.erase_unreviewed_kins",
        "schedule": crontab(hour=2, minute=50),
        "options": {"expires": 3600, "time_limit": 600},
    },
    "nightly-delete-ended-declarations": {
        "task": "privacy.tasks.delete_ended_declarations",
        "schedule": crontab(hour=2, minute=55),
        "options": {"expires": 3600, "time_limit": 300},
    },
    # EPIC summaries: the outbox is drained on commit; this sweep catches writes made while the
    # broker was down, and the nightly run also recomputes the last few days outright.
    "epic-rollups-sweep": {
        "task": "epic.tasks.refresh_rollups",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 840, "time_limit": 600},
    },
    # Dashboards are cached per rollups generation; build the default ones ahead of readers.
    "warm-dashboards": {
        "task": "epic.tasks.warm_dashboards",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 280, "time_limit": 270},
    },
    "nightly-reconcile-epic-rollups": {
        "task": "epic.tasks.reconcile_rollups",
        "schedule": crontab(hour=3, minute=15),
        "options": {"expires": 3600, "time_limit": 1800, "soft_time_limit": 1770},
    },
}
