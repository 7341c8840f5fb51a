"""Celery tasks: thin wrappers that call the engine's and agendas' services."""

from celery import shared_task

from workflows import jobs

from .beat_lock import single_run


@shared_task(name=jobs.RUN_JOB_TASK, acks_late=True)
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


@shared_task(name="osv.import_national_registry", acks_late=True)
def import_national_registry(source: str = "", user_pk: int | None = None) -> dict:
    """Daily: import the national registry's open data and reconcile (no-op without a source)."""
    from registrations.national_registry import services

    return services.run_scheduled(source=source or None, user_pk=user_pk)
