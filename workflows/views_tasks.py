"""One inbox, one queue and the team's tasks across every flow; claim, release, reassign."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.utils.translation import gettext
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from . import selectors as sel
from .exports import export_response
from .formats import user_label
from .models import CaseEvent
from .notify.selectors import saved_views

PAGE_SIZE = 25

LIST_TITLES = {
    sel.SCOPE_INBOX: "Moje úkoly",
    sel.SCOPE_QUEUE: "Fronta úkolů",
    sel.SCOPE_TEAM: "Úkoly týmu",
}


def _back(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def task_list_view(request, scope: str):
    user = request.user
    if scope == sel.SCOPE_TEAM and not sel.can_see_team(user):
        raise PermissionDenied(gettext("Přehled úkolů týmu vidí jen vedoucí odboru."))
    if not sel.user_agendas(user):
        raise PermissionDenied(gettext("Vaše role nemá úkoly – seznamy úkolů jsou pro pracovníky agend."))
    filters = sel.TaskFilters.from_query(request.GET, user)
    qs = sel.task_list(user, scope, filters)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = sel.export_rows(qs)
        header = ["Úkol", "Proces", "Spisová značka", "Věc", "Žadatel / poskytovatel", "IČO", "Lhůta",
                  "Zbývá prac. dnů", "Stav", "Řešitel"]
        data = [
            [r.title, r.process_title, r.case.file_mark if r.case else "", r.case.title if r.case else "",
             r.case.applicant_name if r.case else "", r.case.ico if r.case else "", r.deadline, r.days_left,
             r.status, user_label(r.task.owner)]
            for r in rows
        ]
        from . import access_log

        access_log.record_list(request, object_type="workflows.case", view=f"{scope}_export", count=len(data))
        return export_response(export, {"inbox": "moje-ukoly", "queue": "fronta", "team": "ukoly-tymu"}[scope], header, data)
    listed = sel.list_page(user, scope, filters, qs)
    paginator = Paginator(sel.Counted(listed.rows, listed.total), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = sel.to_rows(page.object_list, back=request.get_full_path())
    extra_filters = [
        {"name": f.name, "label": f.label, "choices": list(f.choices()), "value": filters.extra.get(f.name, "")}
        for f in sel.contributed_filters(user)
    ]
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("export", None)
    return render(request, "osv/task_list.html", {
        "scope": scope,
        "title": LIST_TITLES[scope],
        "page": page,
        "rows": rows,
        "filters": filters,
        "process_choices": sel.process_choices(user, scope),
        "window_choices": sel.DEADLINE_WINDOWS,
        "sort_choices": [(k, v[0]) for k, v in sel.SORTS.items()],
        "extra_filters": extra_filters,
        "query": params.urlencode(),
        "saved": saved_views(user, scope, current_query=params.urlencode()),
        "can_reassign": sel.can_reassign(user),
        "active_nav": scope,
        "count_capped": listed.capped,
        "count_cap": listed.cap,
    })


@login_required
@require_GET
def inbox(request):
    return task_list_view(request, sel.SCOPE_INBOX)


@login_required
@require_GET
def queue(request):
    return task_list_view(request, sel.SCOPE_QUEUE)


@login_required
@require_GET
def team(request):
    return task_list_view(request, sel.SCOPE_TEAM)


def _human_task(pk: int) -> Task:
    task = get_object_or_404(Task.objects.select_related("process", "owner"), pk=pk, flow_task_type="HUMAN")
    if task.flow_task is None or task.flow_task.flow_class not in sel.registered_flows():
        raise Http404
    return task


@login_required
@require_POST
def claim(request, task_pk: int):
    """Take a task from the queue (Viewflow's assign transition, under the process lock)."""
    task = _human_task(task_pk)
    flow = task.flow_task.flow_class
    if not flow.instance.has_view_permission(request.user) and task.owner_id != request.user.pk:
        raise PermissionDenied(gettext("K tomuto úkolu nemáte přístup."))
    with task.activation() as activation:  # locks the process and re-reads the task
        current = activation.task
        if current.owner_id == request.user.pk and current.status == STATUS.ASSIGNED:
            messages.info(request, gettext("Úkol už máte převzatý."))
        elif current.owner_id is not None or current.status != STATUS.NEW:
            who = user_label(current.owner) if current.owner_id else ""
            messages.error(
                request,
                gettext('Úkol už převzal(a) {who}. Vyberte si prosím jiný úkol z fronty.').format(who=who) if who
                else gettext("Úkol už není ve frontě (byl mezitím vyřízen nebo zrušen)."),
            )
            return HttpResponseRedirect(_back(request, reverse("cases:queue")))
        elif not activation.assign.has_perm(request.user) or not _holds_step(request.user, current):
            raise PermissionDenied(gettext("Tento úkol si nemůžete převzít – nemáte k němu oprávnění."))
        else:
            try:
                activation.assign(request.user)
            except TransitionNotAllowed:
                messages.error(request, gettext("Úkol už převzal někdo jiný. Vyberte si prosím jiný úkol z fronty."))
                return HttpResponseRedirect(_back(request, reverse("cases:queue")))
            messages.success(request, gettext('Úkol „{title}“ jste převzal(a).').format(title=task.title))
    if request.POST.get("open"):  # "Převzít a otevřít": straight to the task's form
        from .work_surface import execute_url

        return HttpResponseRedirect(execute_url(task))
    return HttpResponseRedirect(_back(request, reverse("cases:inbox")))


@login_required
@require_POST
def release(request, task_pk: int):
    """Return an assigned task to the queue (own task, or a flow manager)."""
    task = _human_task(task_pk)
    with task.activation() as activation:
        current = activation.task
        if current.status != STATUS.ASSIGNED:
            messages.error(request, gettext("Úkol nelze vrátit do fronty: už se na něm pracuje nebo je vyřízený."))
            return HttpResponseRedirect(_back(request, reverse("cases:inbox")))
        if current.owner_id == request.user.pk:
            if not activation.unassign.has_perm(request.user):
                raise PermissionDenied(gettext("Tento úkol nemůžete vrátit do fronty."))
        elif not (sel.can_reassign(request.user) and _in_agenda_i_lead(request.user, current)):
            raise PermissionDenied(gettext("Úkol kolegy může vrátit do fronty jen vedoucí odboru nebo jeho zástupce."))
        activation.unassign()
    messages.success(request, gettext('Úkol „{title}“ je zpět ve frontě.').format(title=task.title))
    return HttpResponseRedirect(_back(request, reverse("cases:inbox")))


def _holds_step(user, task) -> bool:
    """The step's permission as a role gives it — not a superuser's blanket rights (issue 13)."""
    from .permissions import may

    return not task.owner_permission or may(user, task.owner_permission)


def _in_agenda_i_lead(user, task) -> bool:
    """The head sees the team's tasks; the deputy standing in, the tasks of her agendas."""
    if sel.can_see_team(user):
        return sel.tasks_for(user, sel.SCOPE_TEAM).filter(pk=task.pk).exists()
    from .models import CaseProcess
    from .permissions import can_view_case

    case_process = CaseProcess.objects.filter(pk=task.process_id).select_related("case").first()
    return bool(case_process and can_view_case(user, case_process.case))


@login_required
@require_http_methods(["GET", "POST"])
def reassign(request, task_pk: int):
    """Department head hands a task to a colleague (e.g. during an absence)."""
    if not sel.can_reassign(request.user):
        raise PermissionDenied(gettext("Předávat úkoly může jen vedoucí odboru nebo jeho zástupce."))
    task = _human_task(task_pk)
    if not _in_agenda_i_lead(request.user, task):
        raise PermissionDenied(gettext("Tento úkol nepatří do agendy, kterou řídíte."))
    candidates = sel.assignable_users(task, sel.eligible_assignees(task))
    if request.method == "POST":
        try:
            wanted = int(request.POST.get("user", "0"))
        except ValueError:
            wanted = 0
        target = next((u for u in candidates if u.pk == wanted), None)
        if target is None:
            messages.error(request, gettext("Vyberte kolegu nebo kolegyni, kteří mají k úkolu oprávnění."))
            return HttpResponseRedirect(request.path)
        with task.activation() as activation:
            current = activation.task
            previous = user_label(current.owner) if current.owner_id else "fronta"
            previous_username = current.owner.username if current.owner_id else None
            if current.status == STATUS.NEW:
                activation.assign(target)
            elif current.status == STATUS.ASSIGNED:
                activation.reassign(user=target)
            else:
                messages.error(request, gettext("Úkol už se zpracovává nebo je vyřízený, nelze jej předat."))
                return HttpResponseRedirect(reverse("cases:team"))
            from .history import record_event
            from .models import CaseProcess

            case_process = CaseProcess.objects.filter(pk=task.process_id).select_related("case").first()
            if case_process:
                record_event(
                    case=case_process.case, actor=request.user, action=CaseEvent.Action.REASSIGN, task=task,
                    summary=gettext('Úkol „{title}“ předán: {previous} → {target}').format(title=task.title, previous=previous, target=user_label(target)),
                    before={"owner": previous_username},
                    after={"owner": target.username},
                )
            from .notify.services import task_assigned

            task_assigned(activation.task, by=request.user)
        messages.success(request, gettext('Úkol „{title}“ byl předán: {target}.').format(title=task.title, target=user_label(target)))
        return HttpResponseRedirect(_back(request, reverse("cases:team")))
    rows = sel.to_rows([task])
    return render(request, "osv/reassign.html", {
        "row": rows[0], "candidates": candidates, "title": "Předat úkol", "active_nav": "team",
    })
