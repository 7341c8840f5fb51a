"""Node helpers every agenda's flows use (the engine's part of a flow; no agenda data)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.workflow import flow
from viewflow.workflow.flow import utils as flow_utils
from viewflow.workflow.status import STATUS


def step_permission(app_label: str, step: str):
    """Permission of a step in the concrete flow: ``<app>.can_<step>_<process model>``, so
    one node shared by several flows asks each flow's own permission."""

    def permission(activation):
        return f"{app_label}.can_{step}_{activation.flow_class.process_class._meta.model_name}"

    permission.__name__ = f"can_{step}"
    return permission


class TaskNode(flow.View):
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
