"""A Celery job node for Viewflow (the open-source edition has none).

``Job(this.method)`` creates a task in SCHEDULED and, only after the transaction commits,
sends its primary key to the worker. The worker (``run_job``) starts the task under the
flow lock, runs the method *outside* the lock in its own transaction, then completes the
task and activates the next nodes. Redelivery is harmless: a task already DONE is skipped,
and job methods are written to be idempotent (documents are keyed on the task). A failure
is recorded on the task (status ERROR, error text and traceback in ``task.data``), written
to the case history, and routed by ``.OnError(...)`` when the flow declares it.
``sweep_stuck_jobs`` re-sends jobs left SCHEDULED or STARTED for too long (a lost broker
message, a killed worker) — so no case stalls.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from viewflow import this
from viewflow.workflow.activation import Activation, has_manage_permission
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.flow import mixins as flow_mixins
from viewflow.workflow.flow import views as flow_views
from viewflow.workflow.models import Task
from viewflow.workflow.nodes.job import AbstractJob, AbstractJobActivation
from viewflow.workflow.status import STATUS

logger = logging.getLogger(__name__)


#: the Celery task that runs a job (defined in worker/tasks.py; sent by name, so the engine
#: does not import the worker)
RUN_JOB_TASK = "osv.run_job"


def dispatch_job(task_pk: int) -> None:
    """Send the job to the broker; a broker outage is logged, the sweep re-sends later."""
    from celery import current_app

    try:
        current_app.send_task(RUN_JOB_TASK, args=[task_pk], retry=False)
    except Exception:  # broker down: the task stays SCHEDULED, the sweep picks it up
        logger.exception("Job %s could not be sent to the broker; the sweep will re-send it", task_pk)


class JobActivation(AbstractJobActivation):
    @Activation.status.transition(source=STATUS.NEW, target=STATUS.SCHEDULED)
    def activate(self):
        self.task.scheduled = timezone.now()
        self.task.save()
        task_pk = self.task.pk
        transaction.on_commit(lambda: dispatch_job(task_pk))

    @Activation.status.transition(
        source=[STATUS.NEW, STATUS.SCHEDULED, STATUS.ERROR],
        target=STATUS.CANCELED,
        permission=has_manage_permission,
    )
    def cancel(self):
        """Cancelled by the process, or by .OnError routing after a recorded failure."""
        self.task.finished = timezone.now()
        self.task.save()


class Job(
    flow_mixins.NodeDetailMixin,
    flow_mixins.NodeUndoMixin,
    flow_mixins.NodeReviveMixin,
    AbstractJob,
):
    """Background step run by the Celery worker: ``Job(this.render_decision)``."""

    activation_class = JobActivation
    # the task pages Viewflow's own dashboard and process pages link to (without them the
    # flow dashboard fails with NoReverseMatch 'detail' as soon as a job task exists)
    index_view_class = flow_views.IndexTaskView
    detail_view_class = flow_views.DetailTaskView
    undo_view_class = flow_views.UndoTaskView
    revive_view_class = flow_views.ReviveTaskView

    def __init__(self, func, **kwargs):
        super().__init__(**kwargs)
        self._func = func

    def _resolve(self, instance):
        super()._resolve(instance)
        self._func = this.resolve(instance, self._func)

    def run(self, activation):
        return self._func(activation)


def _record_failure(task: Task, exc: Exception) -> None:
    from .history import record_event
    from .models import CaseEvent

    case = getattr(task.process.coerced, "case", None)
    if case is not None:
        record_event(
            case=case,
            action=CaseEvent.Action.JOB_ERROR,
            summary=f"Chyba úlohy „{task.flow_task}“: {exc}"[:500],
            task=task,
        )


@contextmanager
def _locked_activation(task: Task):
    """``task.activation()`` with the flow's process (and its case) loaded in one query.

    Same as Viewflow's: the flow lock is taken first, the task is re-read under it, then the
    activation is built. Viewflow reads the base process and then its flow-specific row
    separately (two queries per activation) and the job method reads the case once more;
    here the flow's process class is read directly, with the case joined when it has one.
    """
    flow_class = task.flow_task.flow_class
    with flow_class.lock(task.process_id):
        task.refresh_from_db()
        process_class = flow_class.process_class
        processes = process_class._default_manager.all()
        if any(f.name == "case" and f.is_relation for f in process_class._meta.concrete_fields):
            processes = processes.select_related("case")
        task.process = processes.get(pk=task.process_id)
        yield task.flow_task.activation_class(task)


def run_job(task_pk: int) -> str:
    """Worker side of the job node. Returns what happened (for logs and tests)."""
    try:
        task = Task.objects.get(pk=task_pk)
    except Task.DoesNotExist:
        return "missing"
    if task.status not in (STATUS.SCHEDULED, STATUS.STARTED):
        return "skipped"

    with _locked_activation(task) as activation:
        if activation.task.status not in (STATUS.SCHEDULED, STATUS.STARTED):
            return "skipped"
        activation.start()

    node = task.flow_task
    try:
        with transaction.atomic():
            node.run(activation)
    except Exception as exc:  # recorded on the task and routed by .OnError
        logger.exception("Job %s failed", task_pk)
        with _locked_activation(task) as activation:
            if activation.task.status == STATUS.STARTED:
                activation.error(exc)
                _record_failure(task, exc)
        return "error"

    with _locked_activation(task) as activation:
        if activation.task.status != STATUS.STARTED:
            return "skipped"
        activation.execute()
    return "done"


def stuck_jobs(now=None):
    """Jobs that should have run by now: SCHEDULED or STARTED longer than the threshold."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.OSV_JOB_STUCK_SECONDS)
    return list(
        Task.objects.filter(flow_task_type="JOB")
        .filter(
            Q(status=STATUS.SCHEDULED, scheduled__lte=limit) | Q(status=STATUS.STARTED, started__lte=limit, scheduled__lte=limit)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def sweep_stuck_jobs(now=None) -> int:
    """Re-send stuck jobs; each is idempotent, so a duplicate delivery costs nothing."""
    count = 0
    for task_pk in stuck_jobs(now):
        try:
            with transaction.atomic():
                Task.objects.filter(pk=task_pk).update(scheduled=timezone.now())
            dispatch_job(task_pk)
            count += 1
        except FlowLockFailed:
            continue
    return count
