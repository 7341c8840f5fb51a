"""One work surface: where a person starts a case, where they land after a step, and which
Viewflow screens they may see.

* :func:`start_links` — the role-aware "Nový případ" menu, from what each agenda registered
  (``Agenda.start_links``);
* :func:`landing_url` — after a step the user lands on their next task of the same case, or on
  the case page; never on Viewflow's process or task pages;
* :class:`ViewflowFrameMiddleware` — Viewflow's own (Material) screens are for administrators;
  everyone else who reaches one (an old bookmark, Viewflow's own redirect) is sent to the case
  page or the dashboard. Start and task forms render in the project's frame (templates
  ``viewflow/workflow/start.html`` and ``task.html`` are overridden to extend ``osv/work.html``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from . import agendas
from .permissions import ROLE_ADMIN, has_role

#: Viewflow URL names (the last part) a non-administrator may open: the forms of the work itself,
#: and the assign / unassign actions when posted (their GET confirmation pages are Material)
ALLOWED_VIEWFLOW_VIEWS = {"execute"}
ALLOWED_VIEWFLOW_POSTS = {"assign", "unassign"}


def is_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or has_role(user, ROLE_ADMIN)))


def start_links(user, **context) -> list[dict]:
    """Links "Nový případ" of every agenda the user may start: [{"label", "url", "agenda"}].

    ``context`` (e.g. ``provider=``) lets an agenda prefill its start forms (the provider page)."""
    links: list[dict] = []
    if not getattr(user, "is_authenticated", False):
        return links
    for agenda in agendas.agendas():
        if agenda.start_links is None:
            continue
        for link in agenda.start_links(user, **context):
            links.append({"agenda": agenda.name, **link})
    return links


def nav_links(user) -> list[dict]:
    """The agendas' own pages in the main navigation (e.g. the list of opinions)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [link for agenda in agendas.agendas() if agenda.nav_links for link in agenda.nav_links(user)]


def start_url(flow_class, user, query: str = "") -> str | None:
    """The start form's URL when ``user`` may start the flow, else None."""
    node = flow_class.start
    if not node.can_execute(user):
        return None
    url = node.reverse("execute")
    return f"{url}?{query}" if query else url


def execute_url(task: Task) -> str:
    return task.flow_task.reverse("execute", args=[task.process_id, task.pk])


def next_task_for(user, case_id: int | None) -> Task | None:
    """The user's next open human task on the case (own tasks first, then one they may take)."""
    if case_id is None:
        return None
    open_tasks = (
        Task.objects.filter(process__caseprocess__case_id=case_id, flow_task_type="HUMAN",
                            status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED])
        .select_related("process").order_by("created", "pk")
    )
    candidates = [t for t in open_tasks if t.flow_task is not None]
    for task in candidates:
        if task.owner_id == user.pk:
            return task
    return None


def landing_url(user, case_id: int | None) -> str:
    """Where a user lands after a step: their next task on the case, else the case page."""
    task = next_task_for(user, case_id)
    if task is not None:
        try:
            return execute_url(task)
        except Exception:  # a node without a form (should not happen for HUMAN tasks)
            pass
    if case_id is not None:
        return reverse("cases:case_detail", args=[case_id])
    return reverse("cases:dashboard")


class ViewflowFrameMiddleware:
    """Non-administrators never see Viewflow's own Material screens (see module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = "/app/"

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """After URL resolution, so the checks of the middleware before it (a task URL of
        another process answers 404) come first."""
        if request.path.startswith(self.prefix) and getattr(request, "user", None) is not None \
                and request.user.is_authenticated and not is_admin(request.user):
            target = self._redirect_for(request)
            if target and request.method == "POST":
                # an action of Viewflow's own screens (undo, revive, cancel, bulk actions): refused,
                # not silently redirected — a redirect would look as if it had been done
                raise PermissionDenied(gettext("Tuto akci mohou na obrazovkách Viewflow provést jen správci."))
            if target:
                return redirect(target)
        return None

    def _redirect_for(self, request) -> str | None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.namespace == "cases":  # our own redirects of Viewflow's stock lists
            return None
        if match.url_name in ALLOWED_VIEWFLOW_VIEWS:
            return None
        if request.method == "POST" and match.url_name in ALLOWED_VIEWFLOW_POSTS:
            return None
        process_pk = match.kwargs.get("process_pk")
        if process_pk:
            from .models import CaseProcess

            case_id = CaseProcess.objects.filter(pk=process_pk).values_list("case_id", flat=True).first()
            if case_id:
                return landing_url(request.user, case_id) if match.kwargs.get("task_pk") else \
                    reverse("cases:case_detail", args=[case_id])
        return reverse("cases:dashboard")
