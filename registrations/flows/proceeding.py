"""Steps shared by the registration agenda's proceedings (A1, A2b, A3).

Reuse is by flow-class inheritance of plain node mixins (Viewflow's subprocess nodes are not in
the open-source edition):

* ``CompletenessSteps`` (A1, A2b): completeness check → výzva + usnesení o přerušení →
  delivery → wait for the supplement, with a database timer on the remedy deadline → (missed)
  usnesení o zastavení → the shared decision steps;
* ``EvidenceSteps`` (A1, A2b, A3): the § 36 odst. 3 notice before a refusal (and always in an
  ex officio cancellation) → delivery → comments;
* ``DecisionSteps`` (all): decision (worker) → delivery → appeal period → appeal (§ 87 / § 88)
  → finality confirmed by the officer → registry.

Each node copy belongs to its flow: Viewflow copies inherited nodes shallowly, so
``ProceedingSteps.__init_subclass__`` gives every flow fresh copies with their own boundary
lists (otherwise a ``.OnTimeout`` boundary of one flow would be armed on the other's tasks).
``this.`` references resolve against the concrete flow, so a step's ``.Next`` may name a node
the concrete flow defines (``this.assess``, ``this.reopen``).

Handlers named on the View nodes (``node.handler``) take ``(activation, *, user, **form
data)`` and call ``registrations.services``; the forms and views are in ``registrations``.
Documents are rendered only in ``Job`` nodes (the worker). ``If``/``Switch`` nodes route on
the proceeding's state (``Proceeding.is_complete``, ``pending_appeal`` …), which only the
services change; ``process.data`` keeps technical keys only (the case officer, the document
waiting for delivery, the job to retry).
"""

from __future__ import annotations

import copy
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.base import Node

from registrations import documents as docs
from registrations import selectors
from registrations import services as svc
from registrations.forms import (
    RepairForm,
    AppealPeriodForm,
    AppealRouteForm,
    CommentsForm,
    CompletenessForm,
    DeliveryForm,
    MinistryOutcomeForm,
    RemedyMissedForm,
    SupplementForm,
)
from registrations.models import Appeal, Proceeding
from registrations.views import TaskFormView
from workflows.flows import nodes
from workflows.flows.nodes import TaskNode, step_permission
from workflows.history import record_event
from workflows.jobs import Job
from workflows.models import CaseEvent, Document
from workflows.permissions import ROLE_REGISTRATION_OFFICER


def case_officer(activation):
    """The one way to find the case officer: who last worked on the case, while still an
    officer. Tasks are assigned to them (else they go to the queue) and jobs act for them."""
    user_id = (activation.process.data or {}).get("officer_id")
    if not user_id:
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True, groups__name=ROLE_REGISTRATION_OFFICER).first()


def task(form_class, handler: str, step: str):
    """A user task: its form, the flow method that handles it, and its permission."""
    node = TaskNode(TaskFormView.as_view(form_class=form_class, handler=handler))
    node.handler = handler
    return node.Permission(step_permission("registrations", step)).Assign(case_officer)


class ProceedingSteps:
    """Base of the step mixins: per-flow node copies (see module docstring)."""

    def __init_subclass__(cls, **kwargs):
        for name in dir(cls):
            if name.startswith("_") or name == "instance":
                continue
            value = getattr(cls, name, None)
            if isinstance(value, Node) and name not in cls.__dict__:
                fresh = copy.copy(value)
                fresh._boundary_events = []
                fresh._incoming_edges = []
                setattr(cls, name, fresh)
        super().__init_subclass__(**kwargs)

    # a document job that failed (e.g. a broken template upload) goes to the officer, who fixes
    # the cause and retries; ``retry`` (a Switch over the flow's own jobs) is declared per flow
    repair = (
        task(RepairForm, "handle_repair", "check")
        .Annotation(title=_("Oprava po chybě vyhotovení dokumentu"))
        .Next(this.retry)
    )

    def handle_repair(self, activation, *, user, note=""):
        boundary = activation.task.previous.first()
        failed = boundary.previous.first() if boundary is not None else None
        name = failed.flow_task.name if failed is not None else ""
        record_event(case=activation.process.case, actor=user, action=CaseEvent.Action.JOB_RETRY,
                     summary=gettext('Opakované vyhotovení po chybě ({value})').format(value=failed.flow_task.task_title if failed else '?')
                             + (f": {note}" if note else ""))
        self.remember_officer(activation, user, retry=name)

    @staticmethod
    def retry_of(job_name: str):
        def condition(activation):
            return (activation.process.data or {}).get("retry") == job_name

        return condition


    # ---------------------------------------------------------------- helpers

    @staticmethod
    def proceeding(activation) -> Proceeding:
        return Proceeding.objects.select_related("case", "provider").get(case_id=activation.process.case_id)

    @staticmethod
    def remember_officer(activation, user, **data) -> None:
        process = activation.process
        process.data = {**(process.data or {}), **data}
        if getattr(user, "is_authenticated", False):
            process.data["officer_id"] = user.pk
        process.save(update_fields=["data"])

    @staticmethod
    def officer_user(activation):
        return case_officer(activation)

    def source_key(self, activation) -> str:
        return f"task:{activation.task.pk}"

    def to_deliver(self, activation, document: Document) -> Document:
        """The act waits for delivery; it goes out signed through the data box or on paper
        (workflows.dispatch: PDF/A, signature of the officer who confirmed it, channel)."""
        from workflows.dispatch import services as dispatch

        self.remember_officer(activation, None, pending_delivery=document.pk)
        dispatch.prepare(document, signer=self.officer_user(activation))
        return document

    # ---------------------------------------------------------------- shared handlers

    def handle_delivery(self, activation, *, user, channel, ready_on, collected_on=None):
        """Delivery typed by the officer (paper, doručenka) or reported by the data box (user None)."""
        from workflows.dispatch import services as dispatch

        document = Document.objects.get(pk=activation.process.data["pending_delivery"])
        delivery = svc.delivery_record(document=document, channel=channel, ready_on=ready_on,
                                       collected_on=collected_on, actor=user)
        if user is not None:
            dispatch.record_manual(document, delivered_on=delivery.delivered_on, by_fiction=delivery.by_fiction,
                                   actor=user)
        self.remember_officer(activation, user, pending_delivery=None)


def retry_switch(*job_names: str):
    """The ``retry`` node of a flow: after ``repair``, run the failed job (one of these) again."""
    switch = nodes.Switch().Annotation(title=_("Opakovat vyhotovení"))
    for name in job_names:
        switch = switch.Case(getattr(this, name), ProceedingSteps.retry_of(name))
    return switch


class CompletenessSteps(ProceedingSteps):
    """A1 / A2b: completeness → výzva + přerušení → delivery → supplement or timeout → zastavení."""

    check = (
        task(CompletenessForm, "handle_check", "check")
        .Annotation(title=_("Kontrola úplnosti žádosti"))
        .Next(this.is_complete)
    )
    is_complete = (
        nodes.If(this.application_complete)
        .Annotation(title=_("Žádost je úplná?"))
        .Then(this.assess)
        .Else(this.issue_deficiency)
    )
    issue_deficiency = (
        Job(this.render_deficiency)
        .Annotation(title=_("Vyhotovení výzvy a usnesení o přerušení"))
        .OnError(this.repair)
        .Next(this.deliver_deficiency)
    )
    deliver_deficiency = (
        task(DeliveryForm, "handle_delivery", "deliver")
        .Annotation(title=_("Doručení výzvy a usnesení o přerušení"))
        .Next(this.await_supplement)
    )
    await_supplement = (
        task(SupplementForm, "handle_supplement", "check")
        .Annotation(title=_("Doplnění žádosti"))
        .OnTimeout(this.remedy_due, this.remedy_missed, title=_("Lhůta k odstranění nedostatků uplynula"))
        .Next(this.check)
    )
    remedy_missed = (
        task(RemedyMissedForm, "handle_remedy_missed", "check")
        .Annotation(title=_("Marné uplynutí lhůty – zastavit řízení?"))
        .Next(this.is_terminated)
    )
    is_terminated = (
        nodes.If(this.termination_confirmed)
        .Annotation(title=_("Zastavit řízení?"))
        .Then(this.issue_decision)
        .Else(this.check)
    )
    reopen = (
        nodes.Function(this.reopen_proceeding)
        .Annotation(title=_("Řízení pokračuje (autoremedura / rozhodnutí zrušeno a věc vrácena)"))
        .Next(this.reopen_to_check)
    )
    reopen_to_check = (
        nodes.If(this.back_to_check)
        .Annotation(title=_("Znovu kontrolovat úplnost?"))
        .Then(this.check)
        .Else(this.assess)
    )

    def handle_check(self, activation, *, user, answers, deficiency_note="", remedy_days=None):
        proceeding = self.proceeding(activation)
        svc.completeness_record(proceeding=proceeding, answers=answers, deficiency_note=deficiency_note,
                                remedy_days=remedy_days, actor=user)
        self.remember_officer(activation, user)

    def application_complete(self, activation):
        return self.proceeding(activation).is_complete

    def render_deficiency(self, activation):
        proceeding = self.proceeding(activation)
        doc = docs.render_deficiency(proceeding, source_key=self.source_key(activation), actor=self.officer_user(activation))
        return self.to_deliver(activation, doc)

    def remedy_due(self, activation):
        """The timer fires at the start of the day after the remedy deadline (local time)."""
        proceeding = self.proceeding(activation)
        if proceeding.remedy_deadline is None:
            return timedelta(days=1)
        day_after = proceeding.remedy_deadline + timedelta(days=1)
        return timezone.make_aware(datetime.combine(day_after, time.min))

    def handle_supplement(self, activation, *, user, received_on, note=""):
        svc.supplement_receive(proceeding=self.proceeding(activation), received_on=received_on, note=note, actor=user)
        self.remember_officer(activation, user)

    def handle_remedy_missed(self, activation, *, user, supplement_received_on=None, note=""):
        svc.remedy_missed_record(proceeding=self.proceeding(activation),
                                 supplement_received_on=supplement_received_on, note=note, actor=user)
        self.remember_officer(activation, user)

    def termination_confirmed(self, activation):
        return self.proceeding(activation).is_terminating

    def back_to_check(self, activation):
        return self.proceeding(activation).back_to_check


class EvidenceSteps(ProceedingSteps):
    """§ 36 odst. 3: tell the parties they may see the evidence and comment, before the decision."""

    needs_evidence_notice = (
        nodes.If(this.evidence_notice_needed)
        .Annotation(title=_("Seznámit s podklady (§ 36 odst. 3)?"))
        .Then(this.issue_evidence_notice)
        .Else(this.issue_decision)
    )
    issue_evidence_notice = (
        Job(this.render_evidence_notice)
        .Annotation(title=_("Vyhotovení vyrozumění o podkladech"))
        .OnError(this.repair)
        .Next(this.deliver_evidence_notice)
    )
    deliver_evidence_notice = (
        task(DeliveryForm, "handle_delivery", "deliver")
        .Annotation(title=_("Doručení vyrozumění o podkladech"))
        .Next(this.await_comments)
    )
    await_comments = (
        task(CommentsForm, "handle_comments", "assess")
        .Annotation(title=_("Vyjádření účastníka k podkladům"))
        .Next(this.issue_decision)
    )

    def evidence_notice_needed(self, activation):
        return selectors.evidence_notice_needed(self.proceeding(activation))

    def render_evidence_notice(self, activation):
        proceeding = self.proceeding(activation)
        doc = docs.render_evidence_notice(proceeding, source_key=self.source_key(activation),
                                          actor=self.officer_user(activation))
        return self.to_deliver(activation, doc)

    def handle_comments(self, activation, *, user, comments="", comments_answer=""):
        svc.comments_record(proceeding=self.proceeding(activation), comments=comments, comments_answer=comments_answer,
                            actor=user)
        self.remember_officer(activation, user)

    def handle_assessment(self, activation, *, user, **data):
        svc.assessment_record(proceeding=self.proceeding(activation), actor=user, **data)
        self.remember_officer(activation, user)


class DecisionSteps(ProceedingSteps):
    """Decision → delivery → appeal period → appeal (§ 87 / § 88) → finality → registry."""

    #: a proceeding ends early only by an usnesení o zastavení (case page, ``services.proceeding_stop``),
    #: never by cancelling its process on Viewflow's screen (workflows.middleware)
    stopped_by_act = True

    issue_decision = (
        Job(this.render_decision)
        .Annotation(title=_("Vyhotovení rozhodnutí"))
        .OnError(this.repair)
        .Next(this.is_noted_in_file)
    )
    # an usnesení that is only noted in the file (catalogue: delivery "file_note") is not delivered
    # and has no appeal period: the proceeding ends with it (§ 66 odst. 3 správního řádu)
    is_noted_in_file = (
        nodes.If(this.decision_noted_in_file)
        .Annotation(title=_("Usnesení jen poznamenáno do spisu?"))
        .Then(this.finalize)
        .Else(this.deliver_decision)
    )
    deliver_decision = (
        task(DeliveryForm, "handle_delivery", "deliver")
        .Annotation(title=_("Doručení rozhodnutí"))
        .Next(this.appeal_period)
    )
    appeal_period = (
        task(AppealPeriodForm, "handle_appeal_period", "decide")
        .Annotation(title=_("Lhůta k odvolání: právní moc, nebo odvolání"))
        .Next(this.is_appealed)
    )
    is_appealed = (
        nodes.If(this.has_pending_appeal)
        .Annotation(title=_("Odvolání podáno?"))
        .Then(this.is_late_appeal)
        .Else(this.finalize)
    )
    # a late appeal has no suspensive effect: the decision is final and written to the registry
    # first, then the appeal goes to the ministry marked late (§ 88, § 92 odst. 1)
    is_late_appeal = (
        nodes.If(this.appeal_late)
        .Annotation(title=_("Odvolání opožděné?"))
        .Then(this.finalize_before_forwarding)
        .Else(this.decide_appeal)
    )
    finalize_before_forwarding = (
        nodes.Function(this.apply_finality_late)
        .Annotation(title=_("Zápis do rejstříku (opožděné odvolání nemá odkladný účinek)"))
        .Next(this.decide_appeal)
    )
    decide_appeal = (
        task(AppealRouteForm, "handle_appeal_route", "decide")
        .Annotation(title=_("Vyřízení odvolání: autoremedura (§ 87), nebo postoupení (§ 88)"))
        .Next(this.is_forwarded)
    )
    is_forwarded = (
        nodes.If(this.appeal_forwarded)
        .Annotation(title=_("Postoupeno ministerstvu?"))
        .Then(this.issue_forwarding)
        .Else(this.reopen)
    )
    issue_forwarding = (
        Job(this.render_forwarding)
        .Annotation(title=_("Vyhotovení předkládací zprávy"))
        .OnError(this.repair)
        .Next(this.ministry_outcome)
    )
    ministry_outcome = (
        task(MinistryOutcomeForm, "handle_ministry_outcome", "decide")
        .Annotation(title=_("Rozhodnutí odvolacího orgánu"))
        .Next(this.is_upheld)
    )
    # dismissed (§ 90 odst. 5, § 92), changed or stopped (§ 90 odst. 1 písm. c), a)): finality and
    # the registry as the outcome gives them; cancelled and returned (písm. b)): the office decides again
    is_upheld = (
        nodes.If(this.appeal_ends_proceeding)
        .Annotation(title=_("Řízení odvolacím orgánem skončilo?"))
        .Then(this.finalize)
        .Else(this.reopen)
    )
    finalize = (
        nodes.Function(this.apply_finality)
        .Annotation(title=_("Zápis do rejstříku a uzavření"))
        .Next(this.end)
    )
    end = nodes.End().Annotation(title=_("Konec řízení"))

    def render_decision(self, activation):
        proceeding = self.proceeding(activation)
        actor = self.officer_user(activation)
        doc = docs.render_decision(proceeding, source_key=self.source_key(activation), actor=actor)
        svc.decision_issued(proceeding=proceeding, document=doc, actor=actor)
        return self.to_deliver(activation, doc)

    def decision_noted_in_file(self, activation):
        return selectors.decision_noted_in_file(self.proceeding(activation))

    def handle_appeal_period(self, activation, *, user, appeal_received_on=None, final_on=None, waived_on=None,
                             instruction_defective=False):
        svc.appeal_period_record(proceeding=self.proceeding(activation), appeal_received_on=appeal_received_on,
                                 final_on=final_on, waived_on=waived_on, instruction_defective=instruction_defective,
                                 actor=user)
        self.remember_officer(activation, user)

    def has_pending_appeal(self, activation):
        return self.proceeding(activation).pending_appeal is not None

    def _appeal(self, activation) -> Appeal:
        return self.proceeding(activation).current_appeal

    def handle_appeal_route(self, activation, *, user, route, note="", points="", forwarded_on=None):
        svc.appeal_route(appeal=self._appeal(activation), route=route, note=note, points=points,
                         forwarded_on=forwarded_on, actor=user)
        self.remember_officer(activation, user)

    def appeal_forwarded(self, activation):
        return self._appeal(activation).is_forwarded

    def render_forwarding(self, activation):
        return docs.render_appeal_forward(self._appeal(activation), source_key=self.source_key(activation),
                                          actor=self.officer_user(activation))

    def handle_ministry_outcome(self, activation, *, user, outcome, ministry_reference="", outcome_on=None,
                                notified_on=None, document=None, binding_view="", changed_to="", final_on=None,
                                note=""):
        """``document``: the uploaded file of the ministry's decision (its name and bytes are kept)."""
        content = b"".join(document.chunks()) if document is not None else b""
        svc.appeal_outcome_record(
            appeal=self._appeal(activation), outcome=outcome, ministry_reference=ministry_reference,
            outcome_on=outcome_on, notified_on=notified_on, document_name=getattr(document, "name", "") or "",
            document_content=content, binding_view=binding_view, changed_to=changed_to, final_on=final_on,
            note=note, actor=user)
        self.remember_officer(activation, user)

    def appeal_ends_proceeding(self, activation):
        return self._appeal(activation).ends_proceeding

    def appeal_late(self, activation):
        return self._appeal(activation).is_late_pending

    def apply_finality_late(self, activation):
        actor = self.officer_user(activation)
        svc.proceeding_finalize(proceeding=self.proceeding(activation), actor=actor)
        svc.late_appeal_after_finality(appeal=self._appeal(activation), actor=actor)

    def apply_finality(self, activation):
        svc.proceeding_finalize(proceeding=self.proceeding(activation), actor=self.officer_user(activation))

    def reopen_proceeding(self, activation):
        """After § 87 autoremedy or an annulled decision the proceeding continues (the
        services already moved the proceeding back to its phase)."""
