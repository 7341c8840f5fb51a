"""Node helpers every agenda's flows use (the engine's part of a flow; no agenda data)."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager, nullcontext

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _
from viewflow.workflow import flow, lock
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.flow import utils as flow_utils
from viewflow.workflow.status import STATUS


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
      callbacks route on what they read themselves, as the opinion flow's do.)
    """

    @contextmanager
    def __call__(self, flow_class, process_pk):
        held = _HELD.get() or {}
        if process_pk in held:  # the same process again, inside its own lock (a start node)
            yield
            return
        with nullcontext() if connection.in_atomic_block else transaction.atomic():
            process = process_rows(flow_class.process_class, lock=True).filter(pk=process_pk).first()
            token = _HELD.set({**held, process_pk: process})
            try:
                yield
            finally:
                _HELD.reset(token)


process_row_lock = ProcessRowLock()


def held_process(process_pk):
    """The flow's process read under the flow lock held now (None: not held here)."""
    return (_HELD.get() or {}).get(process_pk)


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


class StartNode(flow.Start):
    """A start form open to whom a role gives the start permission (``workflows.permissions.may``):
    Viewflow's own check (``user.has_perm``) would let a superuser start any agenda's case — the
    administrator's blanket rights are for the admin site, not for acts of an agenda."""

    def can_execute(self, user, task=None):
        from workflows.permissions import may

        if not super().can_execute(user, task):
            return False
        return not isinstance(self._owner_permission, str) or may(user, self._owner_permission)
