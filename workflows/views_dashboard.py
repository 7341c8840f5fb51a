"""Dashboard per role and the landing redirect.

Every count on the dashboard is a sum over ``TaskCount``/``FinishedCount`` (workflows.counters),
never a count over the tasks: the page costs the same at 20 000 and at 1 000 000 processes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.utils.translation import gettext

from . import selectors as sel
from .permissions import ROLE_API_CLIENT, ROLE_DEPUTY, ROLE_READER, has_role


@require_GET
def home(request):
    """"/" → the login page, the dashboard (staff), search (reader) or API docs (portal)."""
    user = request.user
    if not user.is_authenticated:
        return HttpResponseRedirect(reverse("login"))
    if sel.user_agendas(user):
        return HttpResponseRedirect(reverse("cases:dashboard"))
    if has_role(user, ROLE_READER):
        return HttpResponseRedirect(reverse("cases:search"))
    if has_role(user, ROLE_API_CLIENT):
        return HttpResponseRedirect("/api/docs/")
    return HttpResponseRedirect(reverse("cases:search"))


@login_required
@require_GET
def dashboard(request):
    user = request.user
    if not sel.user_agendas(user):
        raise PermissionDenied(gettext("Přehled je pro pracovníky agend."))
    mine = sel.tasks_for(user, sel.SCOPE_INBOX)
    my_histogram = sel.deadline_histogram(sel.task_counts(user, sel.SCOPE_INBOX))
    my_total = sum(bucket["count"] for bucket in my_histogram)
    ordered = sel.paged_tasks(sel.filter_tasks(mine, sel.TaskFilters(), user), my_total, sel.DEFAULT_SORT)
    my_rows = sel.to_rows(ordered[:10], back=request.path) if my_total else []
    context = {
        "title": "Přehled",
        "active_nav": "dashboard",
        "my_rows": my_rows,
        "my_histogram": my_histogram,
        "my_total": my_total,
        "queue_total": sel.count_tasks(user, sel.SCOPE_QUEUE),
        "is_head": sel.can_see_team(user),
        "approver": has_role(user, ROLE_DEPUTY) and not sel.can_see_team(user),
    }
    if context["approver"]:
        context["waiting"] = sel.waiting_for_approval(user)
    if context["is_head"]:
        context.update({
            "waiting": sel.waiting_for_approval(user),
            "load": sel.team_load(user),
            "unassigned": sel.queue_summary(user),
            "team_histogram": sel.deadline_histogram(sel.task_counts(user, sel.SCOPE_TEAM)),
            "lead_times": sel.lead_times(user),
            **sel.agenda_dashboards(user),
        })
    return render(request, "osv/dashboard.html", context)
