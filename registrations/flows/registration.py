"""A1 Řízení o registraci (zákon 108/2006 Sb., § 78–81).

    start / receive ─▶ check ─▶ is_complete ─no─▶ issue_deficiency ─▶ deliver_deficiency ─▶ await_supplement ─▶ check
                                   │                                     (timer: remedy deadline) └▶ remedy_missed ─▶ is_terminated
                                   yes                                                     yes: issue_decision (zastavení) ─┘ no: check
                                   ▼
    assess ─▶ needs_evidence_notice ─yes (refusal)─▶ issue_evidence_notice ─▶ deliver_evidence_notice ─▶ await_comments ─┐
                         └────no────────────────────────────────────────────────────────────────────────────────────▶ issue_decision
    issue_decision ─▶ deliver_decision ─▶ appeal_period ─▶ is_appealed ─no─▶ finalize (registry) ─▶ end
                                                              └yes▶ decide_appeal ─▶ § 87: reopen ─▶ assess / check
                                                                                   └▶ § 88: issue_forwarding ─▶ ministry_outcome ─▶ dismissed / changed / stopped: finalize
                                                                                                                                 cancelled and returned: reopen
    every worker job (issue_*) ─error─▶ repair (officer) ─▶ retry ─▶ the same job again

The shared steps live in ``registrations.flows.proceeding``; this class adds the intake, the
material assessment and the retry switch over its own jobs.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from workflows.flows import nodes
from workflows.flows.nodes import StartNode

from registrations import services as svc
from registrations.forms import ApplicationForm, AssessmentForm
from registrations.models import Proceeding, RegistrationProcess
from registrations.views import StartFormView

from .proceeding import CompletenessSteps, DecisionSteps, EvidenceSteps, retry_switch, task


class RegistrationFlow(CompletenessSteps, EvidenceSteps, DecisionSteps, flow.Flow):
    process_class = RegistrationProcess
    lock_impl = nodes.process_row_lock  # the process row, read once for the activation (no savepoint)
    process_title = _("Řízení o registraci")
    process_description = _("Registrace poskytovatele sociálních služeb (§ 78–81 zákona 108/2006 Sb.).")
    proceeding_kind = Proceeding.Kind.REGISTRATION

    start = (
        StartNode(StartFormView.as_view(form_class=ApplicationForm, handler="start_application"))
        .Annotation(title=_("Příjem žádosti o registraci"))
        .Permission("registrations.can_check_registrationprocess")
        .Next(this.check)
    )
    receive = (
        nodes.StartHandle(this.start_application)
        .Annotation(title=_("Příjem žádosti (portál / API)"))
        .Next(this.check)
    )
    # check … is_terminated, reopen: CompletenessSteps
    assess = (
        task(AssessmentForm, "handle_assessment", "assess")
        .Annotation(title=_("Posouzení podmínek registrace"))
        .Next(this.needs_evidence_notice)
    )
    # needs_evidence_notice … await_comments: EvidenceSteps
    # issue_decision … finalize, end: DecisionSteps
    retry = retry_switch("issue_deficiency", "issue_evidence_notice", "issue_decision", "issue_forwarding")

    def start_application(self, activation, *, user=None, provider, services, received_on=None, file_mark=None,
                          submission_key=None):
        proceeding = svc.application_receive(
            kind=self.proceeding_kind, provider=provider, services=services, received_on=received_on, actor=user,
            file_mark=file_mark, submission_key=submission_key,
        )
        activation.process.case = proceeding.case
        activation.process.data = {"officer_id": user.pk if getattr(user, "is_authenticated", False) else None}
        return activation.process
