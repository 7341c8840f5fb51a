"""A2a Oznámení změn (§ 82 odst. 1 zákona 108/2006 Sb.) — no decision.

    receive ─▶ check_notice ─▶ is_converted ─yes─▶ convert (starts A2b) ─▶ close ─▶ end
                                    └no─▶ wants_ack ─yes─▶ issue_ack (worker) ─▶ close ─▶ end
                                              └no────────────────────────────────▶ close

A late notice is flagged at intake (deadlines module), never rejected.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from workflows.flows import nodes
from workflows.flows.nodes import StartNode

from registrations import documents as docs
from registrations import services as svc
from registrations.forms import ChangeNoticeIntakeForm, NoticeCheckForm
from registrations.views import StartFormView
from registrations.models import ChangeNotice, ChangeNoticeProcess, Proceeding
from workflows.jobs import Job

from .proceeding import ProceedingSteps, retry_switch, task


class ChangeNoticeFlow(ProceedingSteps, flow.Flow):
    process_class = ChangeNoticeProcess
    lock_impl = nodes.process_row_lock  # the process row, read once for the activation (no savepoint)
    process_title = _("Oznámení změn")
    process_description = _("Oznámení změn údajů poskytovatele (§ 82 odst. 1 zákona 108/2006 Sb.).")

    start = (
        StartNode(StartFormView.as_view(form_class=ChangeNoticeIntakeForm, handler="start_notice"))
        .Annotation(title=_("Zápis oznámení změn"))
        .Permission("registrations.can_check_changenoticeprocess")
        .Next(this.check_notice)
    )
    receive = (
        nodes.StartHandle(this.start_notice)
        .Annotation(title=_("Příjem oznámení změn"))
        .Next(this.check_notice)
    )
    check_notice = (
        task(NoticeCheckForm, "handle_check_notice", "check")
        .Annotation(title=_("Kontrola oznámení a dokladů"))
        .Next(this.is_converted)
    )
    is_converted = (
        nodes.If(this.was_converted)
        .Annotation(title=_("Převést na žádost o změnu registrace?"))
        .Then(this.convert)
        .Else(this.wants_ack)
    )
    convert = (
        nodes.Function(this.start_change_application)
        .Annotation(title=_("Založení řízení o změně registrace"))
        .Next(this.close)
    )
    wants_ack = (
        nodes.If(this.acknowledgement_requested)
        .Annotation(title=_("Zaslat potvrzení?"))
        .Then(this.issue_ack)
        .Else(this.close)
    )
    issue_ack = (
        Job(this.render_ack)
        .Annotation(title=_("Vyhotovení potvrzení o přijetí oznámení"))
        .OnError(this.repair)
        .Next(this.close)
    )
    close = (
        nodes.Function(this.close_notice)
        .Annotation(title=_("Uzavření oznámení"))
        .Next(this.end)
    )
    end = nodes.End().Annotation(title=_("Vyřízeno"))
    retry = retry_switch("issue_ack")

    def start_notice(self, activation, *, user=None, **data):
        notice = svc.change_notice_receive(actor=user, **data)
        activation.process.case = notice.case
        activation.process.data = {"officer_id": user.pk if getattr(user, "is_authenticated", False) else None}
        return activation.process

    @staticmethod
    def notice(activation) -> ChangeNotice:
        return ChangeNotice.objects.select_related("case", "provider", "service").get(case_id=activation.process.case_id)

    def handle_check_notice(self, activation, *, user, action, note="", capacity=None, place="", provider_updates=None):
        svc.change_notice_check(notice=self.notice(activation), action=action, note=note, capacity=capacity,
                                place=place, provider_updates=provider_updates, actor=user)
        self.remember_officer(activation, user)

    def was_converted(self, activation):
        return self.notice(activation).is_converted

    def start_change_application(self, activation):
        from .change_application import ChangeApplicationFlow

        proceeding = Proceeding.objects.get(case_id=self.notice(activation).converted_to_id)
        ChangeApplicationFlow.receive.run(proceeding=proceeding, user=self.officer_user(activation))

    def acknowledgement_requested(self, activation):
        return self.notice(activation).acknowledge

    def render_ack(self, activation):
        """The acknowledgement is an automated output: it goes out under the office's seal."""
        from workflows.dispatch import services as dispatch

        document = docs.render_notice_ack(self.notice(activation), source_key=self.source_key(activation),
                                          actor=self.officer_user(activation))
        dispatch.prepare(document, signer=None)
        return document

    def close_notice(self, activation):
        svc.change_notice_close(notice=self.notice(activation), actor=self.officer_user(activation))
