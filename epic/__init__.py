"""EPIC activity, Celery rollups and dashboards (issue 5)."""
