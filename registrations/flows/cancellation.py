"""A3 Řízení o zrušení registrace (§ 82 odst. 3 zákona 108/2006 Sb.).

    receive ─▶ is_ex_officio ─yes─▶ issue_opening_notice ─▶ deliver_opening_notice (starts the clock) ─┐
                    └──no (on request)────────────────────────────────────────────────────────────────▶ assess
    assess ─▶ needs_evidence_notice (ex officio: always) ─▶ … ─▶ issue_decision ─▶ delivery ─▶ appeal ─▶ finality
          ─▶ finalize: the registry entry is closed (never deleted) ─▶ end
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from workflows.flows import nodes
from workflows.flows.nodes import StartNode

from registrations import documents as docs
from registrations import services as svc
from registrations.forms import AssessmentForm, CancellationIntakeForm, DeliveryForm
from registrations.views import StartFormView
from registrations.models import CancellationProcess
from workflows.jobs import Job

from .proceeding import DecisionSteps, EvidenceSteps, retry_switch, task


class CancellationFlow(EvidenceSteps, DecisionSteps, flow.Flow):
    process_class = CancellationProcess
    lock_impl = nodes.process_row_lock  # the process row, read once for the activation (no savepoint)
    process_title = _("Řízení o zrušení registrace")
    process_description = _("Zrušení registrace na žádost nebo z moci úřední (§ 82 odst. 3 zákona 108/2006 Sb.).")

    start = (
        StartNode(StartFormView.as_view(form_class=CancellationIntakeForm, handler="start_cancellation"))
        .Annotation(title=_("Zahájení řízení o zrušení registrace"))
        .Permission("registrations.can_check_cancellationprocess")
        .Next(this.is_ex_officio)
    )
    receive = (
        nodes.StartHandle(this.start_cancellation)
        .Annotation(title=_("Zahájení řízení o zrušení registrace"))
        .Next(this.is_ex_officio)
    )
    is_ex_officio = (
        nodes.If(this.opened_ex_officio)
        .Annotation(title=_("Z moci úřední?"))
        .Then(this.issue_opening_notice)
        .Else(this.assess)
    )
    issue_opening_notice = (
        Job(this.render_opening_notice)
        .Annotation(title=_("Vyhotovení oznámení o zahájení řízení"))
        .OnError(this.repair)
        .Next(this.deliver_opening_notice)
    )
    deliver_opening_notice = (
        task(DeliveryForm, "handle_delivery", "deliver")
        .Annotation(title=_("Doručení oznámení o zahájení řízení"))
        .Next(this.assess)
    )
    assess = (
        task(AssessmentForm, "handle_assessment", "assess")
        .Annotation(title=_("Posouzení důvodů zrušení registrace"))
        .Next(this.needs_evidence_notice)
    )
    # needs_evidence_notice … await_comments: EvidenceSteps
    # issue_decision … finalize, end: DecisionSteps
    retry = retry_switch("issue_opening_notice", "issue_evidence_notice", "issue_decision", "issue_forwarding")
    reopen = (
        nodes.Function(this.reopen_proceeding)
        .Annotation(title=_("Řízení pokračuje (autoremedura / zrušené rozhodnutí)"))
        .Next(this.assess)
    )

    def start_cancellation(self, activation, *, user=None, provider, services, ex_officio, grounds, received_on=None,
                           ground="", service_ends_on=None):
        proceeding = svc.cancellation_open(provider=provider, services=services, ex_officio=ex_officio, grounds=grounds,
                                           received_on=received_on, ground=ground, service_ends_on=service_ends_on,
                                           actor=user)
        activation.process.case = proceeding.case
        activation.process.data = {"officer_id": user.pk if getattr(user, "is_authenticated", False) else None}
        return activation.process

    def opened_ex_officio(self, activation):
        return self.proceeding(activation).ex_officio

    def render_opening_notice(self, activation):
        proceeding = self.proceeding(activation)
        doc = docs.render_opening_notice(proceeding, source_key=self.source_key(activation),
                                         actor=self.officer_user(activation))
        return self.to_deliver(activation, doc)
