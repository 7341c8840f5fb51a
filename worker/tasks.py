"""Celery tasks: thin wrappers that call the engine's and agendas' services."""

from celery import shared_task
from django.conf import settings

from workflows import jobs

from .beat_lock import single_run


@shared_task(name=jobs.RUN_JOB_TASK, acks_late=True, reject_on_worker_lost=True,
             soft_time_limit=settings.OSV_JOB_TIME_LIMIT_SECONDS, time_limit=settings.OSV_JOB_TIME_LIMIT_SECONDS + 10)
def run_job(task_pk: int) -> str:
    """Run one Viewflow job node step (see workflows.jobs)."""
    return jobs.run_job(task_pk)


@shared_task(name="osv.sweep_stuck_jobs")
def sweep_stuck_jobs() -> int:
    with single_run("sweep_stuck_jobs") as alone:
        return jobs.sweep_stuck_jobs() if alone else 0


@shared_task(name="osv.fire_timers")
def fire_timers() -> int:
    """Fire Viewflow's database timers that are due (only one beat runs this)."""
    from viewflow.workflow.timers import fire_due_timers

    with single_run("fire_timers") as alone:
        return fire_due_timers() if alone else 0


@shared_task(name="osv.scan_deadlines")
def scan_deadlines() -> dict:
    """Deadline reminders and escalation to the head (idempotent)."""
    from workflows.reminders import scan_deadlines as scan

    with single_run("scan_deadlines") as alone:
        return scan() if alone else {"skipped": "another scan is running"}


@shared_task(name="osv.notify_opinion_applicant", bind=True, acks_late=True, max_retries=None)
def notify_opinion_applicant(self, opinion_pk: int) -> str:
    """The applicant's e-mail about an issued opinion; retried while the mail server refuses."""
    from django.conf import settings

    from opinions import notifications

    try:
        return notifications.send_notification(opinion_pk=opinion_pk)
    except notifications.MAIL_ERRORS as exc:
        if self.request.retries >= settings.OSV_MAIL_MAX_RETRIES:
            notifications.notification_failed(opinion_pk=opinion_pk, error=str(exc) or type(exc).__name__)
            return "failed"
        raise self.retry(exc=exc, countdown=notifications.retry_delay(self.request.retries))


@shared_task(name="osv.purge_access_log")
def purge_access_log() -> int:
    """Delete access-log entries past the retention period (workflows.access_log.purge)."""
    from workflows import access_log

    with single_run("purge_access_log") as alone:
        return access_log.purge() if alone else 0


@shared_task(name="osv.resend_pending_notifications")
def resend_pending_notifications() -> int:
    from opinions import notifications
    from workflows.notify import services as staff_notifications

    return notifications.resend_pending() + staff_notifications.resend_pending()


@shared_task(name="osv.send_notification_email", bind=True, acks_late=True, max_retries=None)
def send_notification_email(self, notification_pk: int) -> str:
    """A staff notification's e-mail (workflows.notify); retried while the mail server refuses."""
    from django.conf import settings

    from workflows.notify import services

    try:
        return services.send_email(notification_pk=notification_pk)
    except services.MAIL_ERRORS as exc:
        if self.request.retries >= settings.OSV_MAIL_MAX_RETRIES:
            services.email_failed(notification_pk=notification_pk)
            return "failed"
        raise self.retry(exc=exc, countdown=services.retry_delay(self.request.retries))
@shared_task(name="osv.advance_dispatch", bind=True, acks_late=True, max_retries=None)
def advance_dispatch(self, dispatch_pk: int) -> str:
    """One act on its way out: PDF/A, signature, data box (workflows.dispatch.services).
    A part that is down (converter, TSA, ISDS) makes it retry with a growing pause."""
    from django.conf import settings

    from workflows.dispatch import services

    try:
        return services.advance(dispatch_pk)
    except services.DispatchRetry as exc:
        # kept below the broker's visibility timeout, or Redis would hand the waiting message out
        # twice (the dispatch sweep picks up what is left longer)
        cap = max(1, settings.OSV_BROKER_VISIBILITY_SECONDS - 30)
        countdown = min(settings.OSV_DISPATCH_RETRY_SECONDS * (2 ** min(self.request.retries, 6)), cap)
        raise self.retry(exc=exc, countdown=countdown)


@shared_task(name="osv.poll_isds")
def poll_isds() -> int:
    """Delivery of sent data messages (idempotent on the message ID and ISDS state)."""
    from workflows.dispatch import services

    if not services.enabled():
        return 0
    services.sweep()
    return services.poll_isds()


@shared_task(name="osv.import_national_registry", acks_late=True)
def import_national_registry(source: str = "", user_pk: int | None = None) -> dict:
    """Daily: import the national registry's open data and reconcile (no-op without a source)."""
    from registrations.national_registry import services

    return services.run_scheduled(source=source or None, user_pk=user_pk)
