"""Vyjádření k podpoře projektu: request → routing → draft → approval (four-eyes) → DOCX → notice.

Reads top to bottom like its diagram. Rules live in ``opinions.services`` (validation,
four-eyes, deadlines, freezing) and ``opinions.models`` (routing by the area of support's
``drafter_role``); the nodes only route and call them.

    start (view) ─┐
    start_api ────┴─▶ route ─(3.2)─▶ draft_roma ─┐
                          └────────▶ draft ──────┴─▶ approve ─▶ check_approved ─▶ render (worker) ─▶ notify ─▶ end
                          ▲                                        │ returned
                          └────────────────────────────────────────┘   (back to the same drafter)
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from workflows.flows import nodes
from workflows.flows.nodes import StartNode
from viewflow.workflow.flow.views import UpdateProcessView

from opinions import selectors, services, views
from opinions.models import Opinion, OpinionProcess, ReturnComment
from workflows.jobs import Job


class FourEyesView(nodes.View):
    """A human task the opinion's drafter can neither take nor execute (pravidlo čtyř očí)."""

    @staticmethod
    def _drafter_ids(task) -> set[int]:
        process = task.process.coerced if hasattr(task.process, "coerced") else task.process
        return selectors.drafter_ids(case_id=process.case_id)

    @classmethod
    def _is_drafter(cls, user, task) -> bool:
        if user is None or not user.is_authenticated:
            return False
        return user.pk in cls._drafter_ids(task)

    def can_assign(self, user, task):
        return super().can_assign(user, task) and not self._is_drafter(user, task)

    def assignable_among(self, users, task) -> list:
        """``can_assign`` for many users with one read of the drafters (workflows.selectors.assignable_users)."""
        drafters, may_assign = self._drafter_ids(task), super().can_assign
        return [u for u in users if u.pk not in drafters and may_assign(u, task)]

    def can_execute(self, user, task):
        return super().can_execute(user, task) and not self._is_drafter(user, task)


class OpinionFlow(flow.Flow):
    process_class = OpinionProcess
    lock_impl = nodes.process_row_lock  # the process row, read once for the activation (no savepoint)
    process_title = _("Vyjádření k projektu")
    process_description = _("Vyjádření kraje k podpoře projektu a návaznosti na střednědobý plán (SPRSS).")

    start = (
        StartNode(views.RequestStartView.as_view())
        .Annotation(title=_("Žádost o vyjádření"))
        .Permission("opinions.can_start_opinionprocess")
        .Next(this.route)
    )

    start_api = (
        nodes.StartHandle(this.start_from_code)
        .Annotation(title=_("Žádost o vyjádření (API)"))
        .Next(this.route)
    )

    route = (
        nodes.If(this.is_roma_area)
        .Annotation(title=_("Kdo zpracuje?"))
        .Then(this.draft_roma)
        .Else(this.draft)
    )

    draft = (
        nodes.View(views.DraftView.as_view())
        .Annotation(title=_("Zpracování vyjádření"))
        .Permission("opinions.can_draft_opinionprocess")
        .Assign(this.previous_drafter)
        .onCreate(this.tell_drafter)
        .Next(this.approve)
    )

    draft_roma = (
        nodes.View(views.DraftView.as_view())
        .Annotation(title=_("Zpracování vyjádření (romské lokality)"))
        .Permission("opinions.can_draft_roma_opinionprocess")
        .Assign(this.previous_drafter)
        .onCreate(this.tell_drafter)
        .Next(this.approve)
    )

    approve = (
        FourEyesView(views.ApproveView.as_view())
        .Annotation(title=_("Schválení vyjádření"))
        .Permission("opinions.can_approve_opinionprocess")
        .Assign(this.previous_approver)
        .onCreate(this.tell_approvers)
        .Next(this.check_approved)
    )

    check_approved = (
        nodes.If(this.is_approved)
        .Annotation(title=_("Schváleno?"))
        .Then(this.render)
        .Else(this.route)
    )

    render = (
        Job(this.render_final)
        .Annotation(title=_("Vyhotovení vyjádření s č. j."))
        .OnError(this.repair)
        .Next(this.notify)
    )

    repair = (
        nodes.View(UpdateProcessView.as_view(fields=[]))
        .Annotation(title=_("Oprava po chybě vyhotovení"))
        .Permission("opinions.can_approve_opinionprocess")
        .Next(this.render)
    )

    notify = (
        nodes.Function(this.notify_applicant)
        .Annotation(title=_("Vyrozumění žadatele"))
        .Next(this.end)
    )

    end = nodes.End().Annotation(title=_("Konec"))

    def cancel(self, process):
        """Cancelling the process (Viewflow's screen) withdraws the request and cancels the case."""
        super().cancel(process)
        case_id = getattr(process, "case_id", None) or process.coerced.case_id
        services.opinion_process_canceled(case_id=case_id)

    # ---------------------------------------------------------------- node callbacks

    def start_from_code(self, activation, *, actor=None, **request_data):
        opinion = services.opinion_request_register(actor=actor, **request_data)
        activation.process.case = opinion.case
        return activation.process

    def is_roma_area(self, activation):
        return activation.process.case.opinion.routes_to_roma_coordinator

    def previous_drafter(self, activation):
        """The drafter of a returned opinion gets the new draft (a new request has none). The
        case's opinion is the one the route has just read in this step; its drafter is set in
        the draft step, before the opinion can be returned."""
        return activation.process.case.opinion.drafter

    def previous_approver(self, activation):
        """A returned and reworked opinion goes back to whoever returned it (else the queue)."""
        comment = (ReturnComment.objects.filter(opinion__case_id=activation.process.case_id)
                   .select_related("author").order_by("-pk").first())
        author = comment.author if comment is not None else None
        if author is None or not author.is_active or not author.has_perm("opinions.can_approve_opinionprocess"):
            return None
        return author

    def tell_drafter(self, activation):
        services.opinion_tell_drafter(task=activation.task, opinion=activation.process.case.opinion)

    def tell_approvers(self, activation):
        services.opinion_tell_approvers(task=activation.task)

    def is_approved(self, activation):
        status = Opinion.objects.filter(case_id=activation.process.case_id).values_list("status", flat=True).first()
        return status == Opinion.Status.APPROVED

    def render_final(self, activation):
        return services.opinion_render_final(case_id=activation.process.case_id, source_key=f"task:{activation.task.pk}")

    def notify_applicant(self, activation):
        services.opinion_notify_applicant(case_id=activation.process.case_id)


def opinion_request_start(*, actor=None, **request_data) -> OpinionProcess:
    """Service for the API and code: register a request and start its process (one transaction)."""
    with transaction.atomic():
        return OpinionFlow.start_api.run(actor=actor, **request_data)
