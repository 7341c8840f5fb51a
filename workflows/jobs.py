"""A Celery job node for Viewflow (the open-source edition has none).

``Job(this.method)`` creates a task in SCHEDULED and, only after the transaction commits,
sends its primary key to the worker. The worker (``run_job``) takes the flow lock, runs the
method, starts and completes the task and activates the next nodes — one transaction. Redelivery is harmless: a task already DONE is skipped,
and job methods are written to be idempotent (documents are keyed on the task). A failure
is recorded on the task (status ERROR, error text and traceback in ``task.data``), written
to the case history, and routed by ``.OnError(...)`` when the flow declares it.
``sweep_stuck_jobs`` re-sends jobs left SCHEDULED or STARTED for too long (a lost broker
message, a killed worker) — so no case stalls.
"""

from __future__ import annotations

import contextvars
import logging
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from viewflow import this
from viewflow.workflow import lock
from viewflow.workflow.activation import Activation, has_manage_permission
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.flow import mixins as flow_mixins
from viewflow.workflow.flow import nodes as flow_nodes
from viewflow.workflow.flow import views as flow_views
from viewflow.workflow.models import Task
from viewflow.workflow.nodes.job import AbstractJob, AbstractJobActivation
from viewflow.workflow.status import STATUS

from .flows.nodes import process_rows

logger = logging.getLogger(__name__)


#: the task of the job whose method runs now, under its flow lock (None outside a job)
_RUNNING_JOB: contextvars.ContextVar[int | None] = contextvars.ContextVar("osv_running_job", default=None)


def running_job_task_pk() -> int | None:
    """The primary key of the job task whose method runs now under its flow lock, in the job's
    one transaction, after its status was checked under the lock (else None). A document keyed
    on that task (``task:<pk>``) cannot be stored by anyone else meanwhile: a second delivery
    of the job waits for the lock and then finds the task done."""
    return _RUNNING_JOB.get()


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


class ErrorBoundary(flow_nodes.ErrorBoundary):
    """Viewflow's error boundary (``.OnError``) of a job, disarmed in one statement when the
    job finishes. Viewflow reads the armed boundary tasks, then each one's process twice (the
    base row and the flow's row, to build an activation) and saves each: four statements a
    job. Its cancel is a plain NEW → CANCELED with the finish time (no signal, no side
    effect), which one ``UPDATE`` does for every armed task of the finished job. (Same class
    name as Viewflow's: the case page titles nodes by it.)"""

    def _on_host_finished(self, **signal_kwargs):
        host_task = signal_kwargs["task"]
        if host_task.flow_task != self._attached_to or getattr(host_task, "_osv_boundaries_disarmed", False):
            return
        _disarm(host_task, [self])


def _disarm(host_task: Task, boundaries) -> None:
    """Cancel the armed (NEW) tasks of these error boundaries of the host task: one UPDATE."""
    host_task.flow_task.flow_class.task_class._default_manager.filter(
        flow_task__in=boundaries, process_id=host_task.process_id, previous=host_task, status=STATUS.NEW,
    ).update(status=STATUS.CANCELED, finished=timezone.now())


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

    def OnError(self, then, code=None, interrupting=True, title=None):
        """Viewflow's ``.OnError`` with the boundary above (disarmed in one statement)."""
        boundary = ErrorBoundary(None, code=code, interrupting=interrupting).Next(then)
        if title is not None:
            boundary.Annotation(title=title)
        self._boundary_specs.append(("error", boundary))
        return self


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


def _read_process(task: Task, *, lock: bool = False):
    """The task's flow process with its case (:func:`workflows.flows.nodes.process_rows`);
    ``lock`` takes the flow lock on it, inside the caller's transaction, no savepoint."""
    return process_rows(task.flow_task.flow_class.process_class, lock=lock).get(pk=task.process_id)


def _row_lock(flow_class) -> bool:
    return isinstance(flow_class.lock_impl, lock.SelectForUpdateLock)


@contextmanager
def _locked_activation(task: Task):
    """``task.activation()`` under the flow lock with the flow's process (and its case) read in
    one query: the lock is taken first, the task is re-read under it, then the activation is
    built (as Viewflow does, which reads the base process and the flow's row separately)."""
    flow_class = task.flow_task.flow_class
    if _row_lock(flow_class):
        with transaction.atomic():
            process = _read_process(task, lock=True)
            task.refresh_from_db()
            task.process = process
            yield task.flow_task.activation_class(task)
        return
    with flow_class.lock(task.process_id):
        task.refresh_from_db()
        task.process = _read_process(task)
        yield task.flow_task.activation_class(task)


class _NotRunnable(Exception):
    """Another delivery finished (or cancelled) the job meanwhile: roll back, skip."""


def run_job(task_pk: int) -> str:
    """Worker side of the job node, in one transaction. Returns what happened (for logs and tests).

    The flow lock (this process's row) is taken first, the task re-read under it; the method
    runs (a document is rendered before anything is written; its č. j. is taken only just
    before it is stored, so the shared counter row is held briefly); the task is started and
    completed and the next nodes activated — all committed together. A concurrent delivery of
    the same job waits for the lock and then finds the task done."""
    try:
        task = Task.objects.get(pk=task_pk)
    except Task.DoesNotExist:
        return "missing"
    if task.status not in (STATUS.SCHEDULED, STATUS.STARTED):
        return "skipped"
    node = task.flow_task
    flow_class = node.flow_class
    try:
        with transaction.atomic():
            # the flow lock first, as every web request takes it (process row, then the case's
            # rows, then the č. j. counter): a job taking it after its method deadlocked with an
            # officer's step on the same case. It is one process's row: other jobs run on.
            if _row_lock(flow_class):
                task.process = _read_process(task, lock=True)
                _run_and_complete(node, task)
            else:
                with flow_class.lock(task.process_id):
                    task.process = _read_process(task)
                    _run_and_complete(node, task)
    except _NotRunnable:
        return "skipped"
    except Exception as exc:  # recorded on the task and routed by .OnError
        logger.exception("Job %s failed", task_pk)
        with _locked_activation(task) as activation:
            if activation.task.status in (STATUS.SCHEDULED, STATUS.STARTED):
                if activation.task.status == STATUS.SCHEDULED:
                    activation.start()
                activation.error(exc)
                _record_failure(task, exc)
        return "error"
    return "done"


def _run_and_complete(node, task: Task) -> None:
    """Under the flow lock: skip a job another delivery finished, else run the method and
    complete the task."""
    current = Task.objects.filter(pk=task.pk).values_list("status", flat=True).first()
    if current not in (STATUS.SCHEDULED, STATUS.STARTED):
        raise _NotRunnable
    # the job's error boundaries are disarmed before the method, not when it completes: the
    # document's č. j. is taken inside the method and its counter row stays locked until the
    # commit, so what needs no number is written first (a failing method rolls this back too,
    # and the failure, recorded in a transaction of its own, finds the boundary armed)
    boundaries = [b for b in node._boundary_events if isinstance(b, ErrorBoundary)]
    if boundaries:
        _disarm(task, boundaries)
        task._osv_boundaries_disarmed = True
    token = _RUNNING_JOB.set(task.pk)
    try:
        node.run(node.activation_class(task))
    finally:
        _RUNNING_JOB.reset(token)
    _complete(task)


def _complete(task: Task) -> None:
    """Under the flow lock, after the method: started and executed (next nodes activated)."""
    # started and done in one save: what ``activation.start()`` would write (``started``) goes
    # out with the completion, in the same transaction
    task.status, task.started = STATUS.STARTED, timezone.now()
    task.flow_task.activation_class(task).execute()


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
