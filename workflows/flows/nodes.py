"""Node helpers every agenda's flows use (the engine's part of a flow; no agenda data)."""

from __future__ import annotations

import contextvars
import functools
from contextlib import contextmanager, nullcontext

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.db import connection, transaction
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from viewflow.workflow import flow, lock
from viewflow.workflow.activation import Activation
from viewflow.workflow.context import context
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes import end as end_node, func as func_node, if_gate, start as start_node, switch
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.flow import utils as flow_utils
from viewflow.workflow.signals import flow_finished, flow_started, task_finished, task_started
from viewflow.workflow.status import PROCESS, STATUS


def step_permission(app_label: str, step: str):
    """Permission of a step in the concrete flow: ``<app>.can_<step>_<process model>``, so
    one node shared by several flows asks each flow's own permission."""

    def permission(activation):
        return f"{app_label}.can_{step}_{activation.flow_class.process_class._meta.model_name}"

    permission.__name__ = f"can_{step}"
    return permission


# --------------------------------------------------------------------------- the flow lock


_HELD: contextvars.ContextVar[dict | None] = contextvars.ContextVar("osv_flow_lock_processes", default=None)


def process_rows(process_class, *, lock: bool = False):
    """The flow's own process rows, each read with its case when the process has one (one
    query); ``lock``: ``SELECT … FOR UPDATE`` of the process row only (the flow lock, the row
    Viewflow's ``select_for_update_lock`` locks), in the caller's transaction."""
    processes = process_class._default_manager.all()
    if any(f.name == "case" and f.is_relation for f in process_class._meta.concrete_fields):
        processes = processes.select_related("case")
    return processes.select_for_update(of=("self",)) if lock else processes


class ProcessRowLock(lock.SelectForUpdateLock):
    """The flow lock as Viewflow's ``select_for_update_lock`` takes it (``SELECT … FOR UPDATE``
    of the flow's process row — the first lock of every change: process row, then the case's
    rows, then the č. j. counter), with three differences:

    - it joins the caller's transaction when there is one instead of opening a savepoint,
      else opens a transaction of its own;
    - it waits for the row instead of ``NOWAIT`` with retries: the lock order is the same
      everywhere, and PostgreSQL detects a deadlock anyway;
    - the flow's process row itself is read under the lock (Viewflow reads ``SELECT 1``), with
      its case when it has one, and handed to the activations built inside
      (:class:`HumanActivation`), which would otherwise read the base process and then the
      flow's own row. (A service changes the case through its own read of it; the flow's
      callbacks route on what they read themselves: the proceeding, the opinion, the
      process's data. A savepoint rolled back inside the lock leaves the held instance
      stale: :func:`reread_held_process`.)

    Every flow uses it (``lock_impl = process_row_lock``).
    """

    @contextmanager
    def __call__(self, flow_class, process_pk):
        if process_pk in (_HELD.get() or {}):  # the same process again, inside its own lock (a start node)
            yield
            return
        with nullcontext() if connection.in_atomic_block else transaction.atomic():
            process = process_rows(flow_class.process_class, lock=True).filter(pk=process_pk).first()
            with _holding(process, process_pk):
                yield

    def new_process(self, process):
        """The lock on a process inserted in this transaction: no other transaction sees its
        row before the commit, so it is held as it is, without reading it back."""
        return _holding(process, process.pk)


@contextmanager
def _holding(process, process_pk):
    """``process`` is the held instance of ``process_pk`` inside the block (:func:`held_process`)."""
    token = _HELD.set({**(_HELD.get() or {}), process_pk: process})
    try:
        yield
    finally:
        _HELD.reset(token)


process_row_lock = ProcessRowLock()


def held_process(process_pk):
    """The flow's process read under the flow lock held now (None: not held here)."""
    return (_HELD.get() or {}).get(process_pk)


def reread_held_process(process_pk) -> None:
    """Read the held process again, under the lock still held: a savepoint rolled back (a
    preview's simulation of the step) leaves what it changed in the instance in memory only."""
    held = _HELD.get()
    if held and process_pk in held:
        held[process_pk] = process_rows(type(held[process_pk])).get(pk=process_pk)


class HumanActivation(ViewActivation):
    """A human task's activation that takes its process from the flow lock (one read)."""

    def __init__(self, task):
        process = held_process(task.process_id)
        known = task.process if type(task).process.is_cached(task) else None
        if process is not None and not isinstance(known, type(process)):
            task.process = process  # not read yet, or only its base row (Viewflow would read the flow's)
        super().__init__(task)


class View(flow.View):
    """Viewflow's human task node with :class:`HumanActivation`."""

    activation_class = HumanActivation


class TaskNode(View):
    """A user task whose form, posted again after the task is done, says so in Czech (and writes nothing)."""

    @property
    def view_path(self):
        inner = flow_utils.wrap_view(self, self.view)
        node = self

        def guarded(request, *args, **kwargs):
            task = node.flow_class.task_class._default_manager.filter(pk=kwargs.get("task_pk")).first()
            if task is not None and task.status in (STATUS.DONE, STATUS.CANCELED):
                if task.owner_id is None or task.owner_id != getattr(request.user, "pk", None):
                    raise PermissionDenied(_("Tento úkol vám nepatří."))  # only its owner hears it is done
                messages.warning(request, _("Tento úkol už byl dokončen (formulář byl odeslán podruhé); nic dalšího "
                                            "se nezapsalo."))
                return redirect(node.reverse("detail", args=[kwargs["process_pk"], task.pk]))
            return inner(request, *args, **kwargs)

        return path(f"<int:process_pk>/{self.name}/<int:task_pk>/execute/", guarded, name="execute")


# --------------------------------------------------------------------------- steps without savepoints


def node_atomic():
    """The transaction of a node's own work: a savepoint only where an error is kept.

    Viewflow runs every start, gateway, function and end in ``atomic(savepoint=True)`` under
    its exception guard, so that a failure it keeps on the task (``propagate_exception=False``)
    rolls back that node alone while the step goes on. Our flows keep none: every error
    propagates and the whole step rolls back (a failed job is recorded afterwards, in a
    transaction of its own: ``workflows.jobs``), so the savepoint was two statements for
    nothing: three pairs in an opinion flow's steps (the notice and the end after its job keep
    theirs: Viewflow completes a job with ``propagate_exception=False``, so a failing notice is
    kept on its task and the issued document stays). Without it, an error someone caught in the
    transaction leaves the transaction marked for rollback: Django refuses any further query
    in it, so nothing is ever half-written."""
    return transaction.atomic(savepoint=not context.propagate_exception)


def _start(activation) -> None:
    """Viewflow's ``StartActivation.execute``, in the caller's transaction (or one of its own)."""
    task_started.send(sender=activation.flow_class, process=activation.process, task=activation.task)
    with node_atomic():
        activation.process.save()
        lock_impl = activation.flow_class.lock_impl
        with (lock_impl.new_process(activation.process) if isinstance(lock_impl, ProcessRowLock)
              else activation.flow_class.lock(activation.process.pk)):
            activation.complete()
            flow_started.send(sender=activation.flow_class, process=activation.process, task=activation.task)
            activation.activate_next()


class StartViewActivation(start_node.StartViewActivation):
    @Activation.status.super()
    def execute(self):
        _start(self)


class StartHandleActivation(start_node.StartHandleActivation):
    @Activation.status.super()
    def execute(self):
        _start(self)


class StartHandle(flow.StartHandle):
    """Viewflow's start from code, in the caller's transaction."""

    activation_class = StartHandleActivation


class IfActivation(if_gate.IfActivation):
    @Activation.status.super()
    def activate(self):
        with self.exception_guard(), node_atomic():
            self._condition_result = self.flow_task._condition(self)


class If(flow.If):
    """Viewflow's exclusive gateway, in the step's transaction (same class name: the case page
    and the diagram title nodes by it)."""

    activation_class = IfActivation


class SwitchActivation(switch.SwitchActivation):
    @Activation.status.super()
    def activate(self):
        with self.exception_guard(), node_atomic():
            for node, cond in self.flow_task._branches:
                if not cond:  # the default branch: taken unless a later condition holds
                    self.next_task = node
                elif cond(self):
                    self.next_task = node
                    break
            if not self.next_task:
                raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


class Switch(flow.Switch):
    """Viewflow's switch gateway, in the step's transaction."""

    activation_class = SwitchActivation


class FunctionActivation(func_node.FunctionActivation):
    @Activation.status.super()
    def activate(self):
        with self.exception_guard(), node_atomic():
            self.task.started = now()
            task_started.send(sender=self.flow_class, process=self.process, task=self.task)
            self.flow_task._func(self)


class Function(flow.Function):
    """Viewflow's function node, in the step's transaction."""

    activation_class = FunctionActivation


def _end_fields(process) -> list[str] | None:
    """What the end saves: the whole process, as Viewflow does, except a case process's own
    row, which holds only its case, written at the start and never changed (one ``UPDATE``
    less at every flow's end)."""
    from workflows.models import CaseProcess

    return _base_fields(CaseProcess) if process._meta.concrete_model is CaseProcess else None


@functools.cache
def _base_fields(model) -> list[str]:
    """The fields of a multi-table child's parent rows (not its own, not the key)."""
    return [f.name for f in model._meta.concrete_fields if f.model is not model and not f.primary_key]


class EndActivation(end_node.EndActivation):
    @Activation.status.super()
    def activate(self):
        """Viewflow's end: the process is done when no other task of it is still open."""
        with self.exception_guard(), node_atomic():
            self.task.started = now()
            task_started.send(sender=self.flow_class, process=self.process, task=self.task)
            open_tasks = self.flow_class.task_class._default_manager.filter(
                process=self.process, finished__isnull=True).exclude(pk=self.task.pk).count()
            if open_tasks == 0:
                self.process.status = PROCESS.DONE
                self.process.finished = now()
                self.process.save(update_fields=_end_fields(self.process))
            task_finished.send(sender=self.flow_class, process=self.process, task=self.task)
            if open_tasks == 0:
                flow_finished.send(sender=self.flow_class, process=self.process, task=self.task)


class End(flow.End):
    """Viewflow's end node, in the step's transaction."""

    activation_class = EndActivation


class StartNode(flow.Start):
    """A start form open to whom a role gives the start permission (``workflows.permissions.may``):
    Viewflow's own check (``user.has_perm``) would let a superuser start any agenda's case — the
    administrator's blanket rights are for the admin site, not for acts of an agenda. It runs in
    the view's transaction (:func:`node_atomic`)."""

    activation_class = StartViewActivation

    def can_execute(self, user, task=None):
        from workflows.permissions import may

        if not super().can_execute(user, task):
            return False
        return not isinstance(self._owner_permission, str) or may(user, self._owner_permission)
