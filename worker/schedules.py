"""Celery beat schedule: timers, the stuck-job sweep, deadline reminders."""

from datetime import timedelta

from django.conf import settings

BEAT_SCHEDULE = {
    "fire-viewflow-timers": {"task": "osv.fire_timers", "schedule": timedelta(seconds=30)},
    "sweep-stuck-jobs": {"task": "osv.sweep_stuck_jobs", "schedule": timedelta(seconds=settings.OSV_JOB_SWEEP_SECONDS)},
    "resend-pending-notifications": {"task": "osv.resend_pending_notifications", "schedule": timedelta(minutes=10)},
    "scan-deadlines": {"task": "osv.scan_deadlines", "schedule": timedelta(minutes=15)},
}
