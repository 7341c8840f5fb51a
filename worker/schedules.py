"""Celery beat schedule: timers, the stuck-job sweep, deadline reminders, ISDS delivery polling,
the access log's retention."""

from datetime import timedelta

from celery.schedules import crontab
from django.conf import settings

BEAT_SCHEDULE = {
    "fire-viewflow-timers": {"task": "osv.fire_timers", "schedule": timedelta(seconds=30)},
    "sweep-stuck-jobs": {"task": "osv.sweep_stuck_jobs", "schedule": timedelta(seconds=settings.OSV_JOB_SWEEP_SECONDS)},
    "resend-pending-notifications": {"task": "osv.resend_pending_notifications", "schedule": timedelta(minutes=10)},
    "scan-deadlines": {"task": "osv.scan_deadlines", "schedule": timedelta(minutes=15)},
    # the national registry's open data: import + reconciliation once a day (OSV_NATIONAL_REGISTRY_*)
    "import-national-registry": {
        "task": "osv.import_national_registry",
        "schedule": crontab(hour=settings.OSV_NATIONAL_REGISTRY_HOUR, minute=settings.OSV_NATIONAL_REGISTRY_MINUTE),
    },
    "poll-isds": {"task": "osv.poll_isds", "schedule": timedelta(minutes=settings.OSV_ISDS_POLL_MINUTES)},
    # the access log keeps OSV_ACCESS_LOG_RETENTION_DAYS (5 years): older entries go at night
    "purge-access-log": {"task": "osv.purge_access_log", "schedule": crontab(hour=3, minute=40)},
}
