"""Celery beat schedule: timers, the stuck-job sweep, deadline reminders, ISDS delivery polling."""

from datetime import timedelta

from django.conf import settings

BEAT_SCHEDULE = {
    "fire-viewflow-timers": {"task": "osv.fire_timers", "schedule": timedelta(seconds=30)},
    "sweep-stuck-jobs": {"task": "osv.sweep_stuck_jobs", "schedule": timedelta(minutes=2)},
    "scan-deadlines": {"task": "osv.scan_deadlines", "schedule": timedelta(minutes=15)},
    "poll-isds": {"task": "osv.poll_isds", "schedule": timedelta(minutes=settings.OSV_ISDS_POLL_MINUTES)},
}
