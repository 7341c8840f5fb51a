"""A2b Řízení o změně registrace (§ 82 odst. 2 zákona 108/2006 Sb.).

The same proceeding as A1 (completeness, výzva + přerušení, § 36(3), decision, delivery,
appeal, finality — shared steps from ``registrations.flows.proceeding``), started by an
application to change registered data (druh, forma, místo, kapacita, okruh osob) or by
an officer converting a notice of changes; it ends with a rozhodnutí o změně registrace
and the registry changes only on finality.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from workflows.flows import nodes
from workflows.flows.nodes import StartNode

from registrations import services as svc
from registrations.forms import AssessmentForm, ChangeApplicationIntakeForm
from registrations.views import StartFormView
from registrations.models import ChangeApplicationProcess, Proceeding

from .proceeding import CompletenessSteps, DecisionSteps, EvidenceSteps, retry_switch, task


class ChangeApplicationFlow(CompletenessSteps, EvidenceSteps, DecisionSteps, flow.Flow):
    process_class = ChangeApplicationProcess
    lock_impl = nodes.process_row_lock  # the process row, read once for the activation (no savepoint)
    process_title = _("Řízení o změně registrace")
    process_description = _("Žádost o změnu registrace (§ 82 odst. 2 zákona 108/2006 Sb.).")

    start = (
        StartNode(StartFormView.as_view(form_class=ChangeApplicationIntakeForm, handler="start_change"))
        .Annotation(title=_("Příjem žádosti o změnu registrace"))
        .Permission("registrations.can_check_changeapplicationprocess")
        .Next(this.check)
    )
    receive = (
        nodes.StartHandle(this.start_change)
        .Annotation(title=_("Příjem žádosti o změnu registrace"))
        .Next(this.check)
    )
    # check … is_terminated, reopen: CompletenessSteps
    assess = (
        task(AssessmentForm, "handle_assessment", "assess")
        .Annotation(title=_("Posouzení žádosti o změnu registrace"))
        .Next(this.needs_evidence_notice)
    )
    # needs_evidence_notice … await_comments: EvidenceSteps
    # issue_decision … finalize, end: DecisionSteps
    retry = retry_switch("issue_deficiency", "issue_evidence_notice", "issue_decision", "issue_forwarding")

    def start_change(self, activation, *, user=None, proceeding=None, provider=None, services=None, received_on=None,
                     submission_key=None):
        """Start from a new application, or for a proceeding already opened (converted notice)."""
        if proceeding is None:
            proceeding = svc.application_receive(
                kind=Proceeding.Kind.CHANGE, provider=provider, services=services, received_on=received_on, actor=user,
                submission_key=submission_key,
            )
        activation.process.case = proceeding.case
        activation.process.data = {"officer_id": user.pk if getattr(user, "is_authenticated", False) else None}
        return activation.process
