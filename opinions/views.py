"""Screens of the opinion agenda. Thin: parse input, call a service or selector, render.

The three task views (request, draft, approval) are used by the flow's nodes in
``opinions/flows.py``; Viewflow's wrappers put ``request.activation`` on the request
(and check the task permission / four-eyes before the view runs).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views import generic
from django.utils.translation import gettext

from workflows import preview
from workflows.deadlines import working_days_between
from workflows.formats import czech_date
from workflows.permissions import ROLE_READER, can_work_on_agenda, has_role

from . import selectors, services
from .forms import ApprovalForm, DraftForm, OpinionRequestForm
from .models import Call, Opinion, PlanItem


def _success_url(request) -> str:
    """The user's next task on the case, else the case page (never Viewflow's pages)."""
    from workflows.work_surface import landing_url

    return landing_url(request.user, request.activation.process.case_id)


def deadline_info(opinion: Opinion) -> dict:
    today = timezone.localdate()
    current = opinion.case.deadline
    return {
        "received_on": opinion.case.received_on,
        "call_deadline": opinion.call.submission_deadline,
        "case_deadline": opinion.case_deadline,
        "draft_deadline": opinion.draft_deadline,
        "current": current,
        "working_days_left": working_days_between(today, current) if current else None,
        "overdue": selectors.is_overdue(opinion, today),
        "too_late": opinion.too_late,
        "period_flags": selectors.period_flags(opinion),
    }


def _take_draft(user, process) -> None:
    """"Zpracuji sám/sama": the registering planner takes the routed draft task at once."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    task = Task.objects.filter(process_id=process.pk, flow_task_type="HUMAN", status=STATUS.NEW).first()
    if task is None:
        return
    with task.activation() as activation:
        if activation.task.status == STATUS.NEW and activation.assign.has_perm(user):
            activation.assign(user)


def warnings_with_answers(opinion: Opinion) -> list:
    """The IP warnings for the read-only screens, each with its answer as a sentence and what does not hold."""
    out = []
    for w in selectors.ip_warnings_of(opinion):
        w.statement = selectors.ip_answer_statement(w)
        w.problems = selectors.ip_answer_problems(w) if w.reason else []
        out.append(w)
    return out


class RequestStartView(generic.FormView):
    """Start node: a planner, the coordinator or the head registers a request."""

    form_class = OpinionRequestForm
    template_name = "opinions/request_start.html"

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            opinion = services.opinion_request_register(actor=self.request.user, **data)
        except ValidationError as exc:
            form.apply_errors(exc)
            return self.form_invalid(form)
        activation = self.request.activation
        activation.process.case = opinion.case
        activation.execute()
        if self.request.POST.get("take_draft"):
            _take_draft(self.request.user, activation.process)
        msg = f"Žádost zaevidována: {opinion.case.file_mark}, lhůta pro koncept {czech_date(opinion.draft_deadline)}."
        if opinion.too_late:
            msg += " Pozor: žádost přišla pozdě vůči uzávěrce výzvy."
        messages.success(self.request, msg)
        for flag in selectors.period_flags(opinion):
            messages.warning(self.request, flag)
        return HttpResponseRedirect(_success_url(self.request))


class _OpinionTaskMixin:
    def get_opinion(self) -> Opinion:
        process = self.request.activation.process
        return (
            Opinion.objects.select_related("case", "call__programme", "area", "drafter", "approver")
            .prefetch_related("service_types", "target_groups")
            .get(case_id=process.case_id)
        )


class DraftView(_OpinionTaskMixin, generic.FormView):
    """The drafter's screen: suggestions, applicant record, IP warnings, deadlines, the four statements."""

    form_class = DraftForm
    template_name = "opinions/draft_task.html"

    def dispatch(self, request, *args, **kwargs):
        self.opinion = self.get_opinion()
        self.suggestions = selectors.suggestions_for(self.opinion)
        self.record = selectors.applicant_record(self.opinion.applicant_ico, exclude_opinion=self.opinion)
        self.plans = list(selectors.plans_for_period(self.opinion.period_start, self.opinion.period_end))
        self.ip_item_ids = selectors.individual_project_item_ids(self.plans)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        suggested = {s.item.pk for s in self.suggestions}
        choices = [(str(s.item.pk), f"{s.item.label} – {s.reason}") for s in self.suggestions]
        # every other activity of the region's plans valid in the period, for the drafter's own judgement
        # (never the region's own individual projects listed as plan activities: statement 1 cannot cite them)
        others = PlanItem.objects.filter(
            plan__in=self.plans, kind=PlanItem.Kind.ACTIVITY, active=True,
        ).exclude(pk__in=suggested | self.ip_item_ids).select_related("plan")
        choices += [(str(item.pk), f"{item.label} (bez automatické shody)") for item in others]
        for link in self.opinion.activity_links.select_related("item__plan").exclude(item_id__in=[int(c) for c, _l in choices]):
            choices.append((str(link.item_id), f"{link.item.label} – {link.reason}"))
        facts = list(self.record["facts"])
        facts += [f for f in self.opinion.s3_facts if f not in facts]
        kwargs.update(
            activity_choices=choices, fact_choices=facts, warnings=list(self.opinion.ip_warnings.all()),
            group_choices=[(g.code, g.name) for g in self.opinion.target_groups.all()],
            district_choices=[(d, d) for d in selectors.project_districts(self.opinion)],
        )
        return kwargs

    def get_initial(self):
        initial = {name: getattr(self.opinion, name) for name in Opinion.STATEMENT_FIELDS}
        initial["activities"] = [str(pk) for pk in self.opinion.activity_links.values_list("item_id", flat=True)]
        initial["s3_facts"] = list(self.opinion.s3_facts)
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            opinion=self.opinion,
            suggestions=self.suggestions,
            record=self.record,
            warnings=self.opinion.ip_warnings.select_related("ip_service__project"),
            deadlines=deadline_info(self.opinion),
            return_comments=self.opinion.return_comments.select_related("author"),
            plans=self.plans,
            ip_items=PlanItem.objects.filter(pk__in=self.ip_item_ids).order_by("plan_id", "sort_order"),
        )
        ctx.update(self._activity_rows(ctx["form"]))
        return ctx

    def _activity_rows(self, form) -> dict:
        """The activity checkboxes split for the template: ranked suggestions (with reason and
        score) first, every other activity of the plans after them."""
        by_pk = {str(s.item.pk): s for s in self.suggestions}
        suggested, others = [], []
        for widget in form["activities"]:
            value = str(widget.data["value"])
            checked = value in {str(v) for v in (form["activities"].value() or [])}
            if value in by_pk:
                suggested.append({"widget": widget, "s": by_pk[value], "checked": checked})
            else:
                others.append({"widget": widget, "checked": checked})
        return {"suggested_rows": suggested, "other_rows": others,
                "others_checked": any(r["checked"] for r in others)}

    def form_valid(self, form):
        user = self.request.user
        try:
            services.opinion_ip_warnings_refresh(opinion=self.opinion)
            services.opinion_draft_save(
                opinion=self.opinion, actor=user, activity_ids=[int(pk) for pk in form.cleaned_data["activities"]],
                ip_answers=form.ip_answers(), s3_facts=form.cleaned_data["s3_facts"], **form.statements(),
            )
        except ValidationError as exc:
            form.apply_errors(exc)
            return self.form_invalid(form)
        if "_submit" not in self.request.POST:
            messages.success(self.request, gettext("Koncept uložen."))
            return HttpResponseRedirect(self.request.get_full_path())
        try:
            services.opinion_submit(opinion=self.opinion, actor=user, task=self.request.activation.task)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        self.request.activation.execute()
        messages.success(self.request, gettext("Vyjádření předloženo ke schválení."))
        return HttpResponseRedirect(_success_url(self.request))


class ApproveView(_OpinionTaskMixin, generic.FormView):
    """The head's (or deputy's) screen: approve, or return with comments to the same drafter."""

    previews_acts = True  # form_valid: preview → confirm
    form_class = ApprovalForm
    template_name = "opinions/approve_task.html"

    def dispatch(self, request, *args, **kwargs):
        self.opinion = self.get_opinion()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            opinion=self.opinion,
            activities=self.opinion.activity_links.select_related("item__plan"),
            warnings=warnings_with_answers(self.opinion),
            deadlines=deadline_info(self.opinion),
            return_comments=self.opinion.return_comments.select_related("author"),
        )
        return ctx

    def _step(self, form):
        user, task = self.request.user, self.request.activation.task
        if form.cleaned_data["decision"] == "approve":
            services.opinion_approve(opinion=self.opinion, actor=user, task=task)
        else:
            services.opinion_return(opinion=self.opinion, actor=user, comment=form.cleaned_data["comment"], task=task)
        self.request.activation.execute()
        return self.request.activation.process

    def form_valid(self, form):
        # preview → confirm: approval issues the numbered opinion; show it first (workflows/preview.py)
        try:
            shown = preview.preview_step(self.request, lambda: self._step(form))
        except ValidationError as exc:
            shown = None
            form.add_error(None, exc.messages)
        self.opinion = self.get_opinion()  # the simulation changed the object in memory only
        if form.errors:
            return self.form_invalid(form)
        if shown is not None:
            return self.render_to_response(self.get_context_data(
                form=form, preview=shown, confirm_field=preview.CONFIRM_FIELD,
                confirm_token=preview.confirm_token(self.request.POST)))
        user, task = self.request.user, self.request.activation.task
        try:
            if form.cleaned_data["decision"] == "approve":
                services.opinion_approve(opinion=self.opinion, actor=user, task=task)
                msg = "Vyjádření schváleno; dokument s č. j. se vyhotovuje."
            else:
                services.opinion_return(opinion=self.opinion, actor=user, comment=form.cleaned_data["comment"],
                                        task=task)
                msg = "Vyjádření vráceno zpracovateli."
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        self.request.activation.execute()
        messages.success(self.request, msg)
        return HttpResponseRedirect(_success_url(self.request))


# --------------------------------------------------------------------------- lists and detail


def _require_view(user):
    if not (can_work_on_agenda(user, "opinions") or has_role(user, ROLE_READER)):
        raise PermissionDenied(gettext("K agendě vyjádření nemáte přístup."))


@login_required
def opinion_list(request):
    """All opinions by deadline, a page at a time (the count is capped: a region has hundreds of
    thousands after some years), with the overdue ones and the calls that still have open ones."""
    from django.core.paginator import Paginator

    from workflows.selectors import COUNT_CAP, Counted

    _require_view(request.user)
    qs = selectors.opinions_visible_to(request.user).order_by("case__deadline", "-case__received_on", "pk")
    status = request.GET.get("status")
    if status:
        qs = qs.filter(status=status)
    today = timezone.localdate()
    staff = can_work_on_agenda(request.user, "opinions")
    total = qs.order_by()[:COUNT_CAP + 1].count()
    page = Paginator(Counted(qs, total), PAGE_SIZE).get_page(request.GET.get("page"))
    overdue = selectors.opinions_overdue(today) if staff else None
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "opinions/opinion_list.html", {"active_nav": "opinions",
        "rows": [_row(o, today) for o in page.object_list], "page": page, "total": total,
        "count_capped": total > COUNT_CAP, "count_cap": COUNT_CAP, "query": params.urlencode(),
        "today": today, "statuses": Opinion.Status.choices,
        "status": status or "", "title": "Vyjádření k projektům", "staff": staff,
        "overdue": [_row(o, today) for o in overdue[:OVERDUE_SHOWN]] if staff else [],
        "overdue_total": overdue.order_by()[:COUNT_CAP + 1].count() if staff else 0,
        "calls": selectors.calls_with_open_opinions().order_by("submission_deadline") if staff else [],
    })


PAGE_SIZE = 50
OVERDUE_SHOWN = 20


def _row(opinion: Opinion, today) -> dict:
    """One line of a list: the opinion, its current deadline in working days, overdue or not."""
    deadline = opinion.case.deadline
    return {
        "o": opinion,
        "deadline": deadline,
        "days_left": working_days_between(today, deadline) if deadline else None,
        "overdue": selectors.is_overdue(opinion, today),
    }


@login_required
def opinion_detail(request, pk: int):
    _require_view(request.user)
    opinion = get_object_or_404(selectors.opinions_visible_to(request.user), pk=pk)
    return render(request, "opinions/opinion_detail.html", {"active_nav": "opinions",
        "opinion": opinion, "title": f"{opinion.case.file_mark} – vyjádření",
        "deadlines": deadline_info(opinion),
        "activities": opinion.activity_links.select_related("item__plan"),
        "warnings": warnings_with_answers(opinion),
        "return_comments": opinion.return_comments.select_related("author")
        if can_work_on_agenda(request.user, "opinions") else [],
        "events": opinion.case.events.select_related("actor") if can_work_on_agenda(request.user, "opinions") else [],
        "can_withdraw": services.may_withdraw(request.user) and opinion.status in services.WITHDRAWABLE,
    })


@login_required
def opinion_withdraw(request, pk: int):
    """POST: the request was withdrawn by the applicant (who registers requests, with a reason)."""
    if request.method != "POST" or not services.may_withdraw(request.user):
        raise PermissionDenied(gettext("Zpětvzetí žádosti zapisuje jen ten, kdo žádosti o vyjádření eviduje."))
    opinion = get_object_or_404(Opinion, pk=pk)
    try:
        services.opinion_withdraw(opinion=opinion, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("Žádost vzata zpět, případ zrušen."))
    return HttpResponseRedirect(f"/opinions/{pk}/")


@login_required
def call_due(request, pk: int):
    """The head's view of every opinion due for one call."""
    if not can_work_on_agenda(request.user, "opinions"):
        raise PermissionDenied(gettext("K agendě vyjádření nemáte přístup."))
    call = get_object_or_404(Call.objects.select_related("programme", "area"), pk=pk)
    today = timezone.localdate()
    rows = [_row(o, today) for o in selectors.opinions_due_for_call(call)]
    return render(request, "opinions/call_due.html", {"active_nav": "opinions",
        "call": call, "rows": rows, "today": today, "title": f"Vyjádření k výzvě {call}",
        "open_count": sum(1 for r in rows if r["o"].status in selectors.OPEN_STATUSES),
        "overdue_count": sum(1 for r in rows if r["overdue"]),
    })
