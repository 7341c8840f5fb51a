"""Ending a proceeding early and correcting an issued act — always by a recorded act.

* :func:`proceeding_stop`: the applicant withdrew the application (usnesení o zastavení řízení,
  § 66 odst. 1 písm. a) správního řádu), or an ex officio cancellation lost its ground (§ 66
  odst. 2); the usnesení is noted in the file, the case closes, the Viewflow processes of the
  case are cancelled in the same transaction (no task stays open for an ended proceeding).
* :func:`act_correct`: an obvious error in an issued act is corrected by an opravné usnesení
  (§ 70 správního řádu), delivered to the parties; the original stays in the file, marked
  corrected. An issued act is never deleted or changed.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from workflows.formats import czech_date
from workflows.history import record_event, set_case_deadline, set_case_state
from workflows.models import Case, CaseEvent, Document
from workflows.validators import field_error

from .. import models
from ..models import Proceeding, RegistrationEvent
from .common import Outcome, Phase, phase_set

from ..selectors import GROUND_LOST, WITHDRAWN, stop_grounds  # noqa: F401 (re-exported)


@transaction.atomic
def proceeding_stop(*, proceeding: Proceeding, ground: str, reason: str, withdrawn_on: date | None = None,
                    actor=None) -> Document:
    """Stop the proceeding by the usnesení the law wants; close the case; cancel its processes."""
    from .. import documents as docs

    proceeding = Proceeding.objects.select_for_update().select_related("case", "provider").get(pk=proceeding.pk)
    allowed = dict(stop_grounds(proceeding))
    if not allowed:
        raise field_error(gettext("Řízení už bylo rozhodnuto nebo skončilo; zastavit ho nelze."))
    if ground not in allowed:
        raise field_error(gettext("Tento důvod zastavení se na toto řízení nevztahuje."), "ground")
    if not reason.strip():
        raise field_error(gettext("Uveďte důvod zastavení řízení (zapíše se do usnesení a do historie)."), "reason")
    if ground == WITHDRAWN:
        if withdrawn_on is None:
            raise field_error(gettext("Zadejte den, kdy bylo zpětvzetí žádosti doručeno."), "withdrawn_on")
        if withdrawn_on > timezone.localdate():
            raise field_error(gettext("Den doručení zpětvzetí nemůže být v budoucnosti."), "withdrawn_on")
        if proceeding.received_on and withdrawn_on < proceeding.received_on:
            raise field_error(gettext("Žádost nemohla být vzata zpět ({withdrawn_on}) před svým doručením ({received_on}).")
                              .format(withdrawn_on=czech_date(withdrawn_on), received_on=czech_date(proceeding.received_on)),
                              "withdrawn_on")
    case = proceeding.case
    today = timezone.localdate()
    proceeding.proposal = Outcome.TERMINATED
    proceeding.outcome = Outcome.TERMINATED
    proceeding.reasoning = reason.strip()
    proceeding.decided_on = today
    proceeding.final_on = today  # noted in the file: final by the note (§ 66 odst. 3, § 76)
    proceeding.save(update_fields=["proposal", "outcome", "reasoning", "decided_on", "final_on"])
    document = docs.render_stop(proceeding, ground=ground, withdrawn_on=withdrawn_on, reason=reason.strip(),
                                source_key=f"stop:{case.pk}", actor=actor)
    if not document.pk:  # a preview (workflows.preview): the act is rendered, nothing else matters
        return document
    label = allowed[ground]
    record_event(case=case, actor=actor, action=RegistrationEvent.STOPPED, document=document,
                 summary=gettext("Řízení zastaveno: {label}; usnesení č. j. {ref} poznamenáno do spisu. Důvod: {reason}")
                 .format(label=label, ref=document.reference_number, reason=reason.strip()),
                 after={"ground": ground, "withdrawn_on": withdrawn_on, "reason": reason.strip(),
                        "document": document.reference_number})
    _cancel_processes(case, actor=actor)
    phase_set(proceeding, Phase.FINAL, actor=actor)
    set_case_deadline(case=case, deadline=None, actor=actor, reason=gettext("řízení zastaveno"))
    set_case_state(case=case, state=Case.State.CLOSED, detail=gettext("řízení zastaveno"), actor=actor,
                   summary=gettext("Řízení skončilo zastavením dne {day}").format(day=czech_date(today)))
    return document


def _cancel_processes(case: Case, *, actor=None) -> None:
    """Cancel every running Viewflow process of the case (its open tasks and scheduled jobs)."""
    from viewflow.workflow.exceptions import FlowRuntimeError
    from viewflow.workflow.status import PROCESS

    for process in case.processes.exclude(status__in=[PROCESS.DONE, PROCESS.CANCELED]):
        flow_class = process.flow_class
        if flow_class is None:
            continue
        try:
            flow_class.instance.cancel(process)
        except FlowRuntimeError:  # a task in a state Viewflow cannot cancel: nothing is written
            raise field_error(gettext("Řízení má rozpracovaný krok, který nelze ukončit (např. úloha právě běží); "
                                      "zkuste to za chvíli znovu.")) from None
        record_event(case=case, actor=actor, action=CaseEvent.Action.STATE,
                     summary=gettext("Proces „{title}“ ukončen (řízení zastaveno)").format(title=flow_class.process_title))


def correctable(document: Document) -> bool:
    """An issued, numbered act with a výrok that has not been corrected yet."""
    return bool(document.reference_number and document.status == Document.Status.ISSUED
                and document.corrected_by_id is None and document.kind in models.CORRECTABLE_KINDS)


@transaction.atomic
def act_correct(*, document: Document, correction: str, reason: str, actor=None) -> Document:
    """§ 70: an opravné usnesení corrects an obvious error in ``document``; delivered to the parties."""
    from workflows.dispatch import services as dispatch

    from .. import documents as docs

    document = Document.objects.select_for_update().select_related("case").get(pk=document.pk)
    if not correctable(document):
        raise field_error(gettext("Tento akt nelze opravit opravným usnesením (není vydán s č. j., nemá výrok, "
                                  "nebo už byl opraven)."))
    if not correction.strip():
        raise field_error(gettext("Uveďte znění opravy: co se v aktu opravuje a jak."), "correction")
    if not reason.strip():
        raise field_error(gettext("Uveďte, v čem je zřejmá nesprávnost (zapíše se do odůvodnění a do historie)."),
                          "reason")
    proceeding = Proceeding.objects.select_related("case", "provider").get(case_id=document.case_id)
    correcting = docs.render_correction(proceeding, document, correction=correction.strip(), reason=reason.strip(),
                                        source_key=f"correction:{document.pk}", actor=actor)
    if not correcting.pk:  # a preview: nothing is stored
        return correcting
    document.corrected_by = correcting
    document.save(update_fields=["corrected_by"])
    record_event(case=document.case, actor=actor, action=RegistrationEvent.CORRECTED, document=correcting,
                 summary=gettext("Opravné usnesení č. j. {ref} (§ 70 správního řádu) opravuje akt „{title}“ č. j. {old}: "
                                 "{correction}. Důvod: {reason}").format(
                     ref=correcting.reference_number, title=document.title, old=document.reference_number,
                     correction=correction.strip(), reason=reason.strip()),
                 before={"document": document.reference_number},
                 after={"corrected_by": correcting.reference_number, "correction": correction.strip()})
    dispatch.prepare(correcting, signer=actor)
    return correcting
