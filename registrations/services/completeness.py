"""Completeness check, výzva + přerušení (suspension), supplement, remedy deadline and its end."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from workflows import deadlines
from workflows.validators import field_error
from workflows.formats import czech_count, czech_date
from workflows.history import record_event, set_case_state
from workflows.models import Case

from ..models import (
    RegistrationEvent,
    ChecklistAnswer,
    ChecklistItem,
    Proceeding,
)
from .common import Outcome, Phase, phase_set, refresh_deadline
from ..selectors import checklist_for


def _items(n: int) -> str:
    """1 položka, 2–4 položky, 5+ položek."""
    return czech_count(n, gettext("položka"), gettext("položky"), gettext("položek"))


#: what an officer writes into "další nedostatky" when there are none — no deficiency
NO_DEFICIENCY = re.compile(r"^\W*(žádné|žádný|žádná|nic|není|nejsou|bez (dalších )?nedostatků|vše (je )?v pořádku|"
                           r"v pořádku|ok|ne|nemá|nenalezeny|nezjištěny|—|-)\W*$", re.IGNORECASE)


def deficiency_text(note: str) -> str:
    """The officer's further deficiencies; a positive remark ("žádné", "vše v pořádku") is none."""
    note = (note or "").strip()
    return "" if NO_DEFICIENCY.match(note) else note


@transaction.atomic
def completeness_record(
    *, proceeding: Proceeding, answers: dict[str, tuple[bool, str]], deficiency_note: str = "",
    remedy_days: int | None = None, actor=None,
) -> bool:
    """Record the completeness checklist; returns True when the application is complete."""
    _ensure_not_suspended(proceeding)
    if proceeding.phase != Phase.CHECK:
        raise field_error(gettext("Úplnost žádosti se nyní nekontroluje."))
    items = checklist_for(proceeding, ChecklistItem.Stage.COMPLETENESS)
    missing_answers = [i.label for i in items if i.code not in answers]
    if missing_answers:
        raise field_error(gettext("Vyplňte všechny položky kontrolního seznamu: ") + "; ".join(missing_answers))
    if remedy_days is not None and not 1 <= int(remedy_days) <= 180:
        raise field_error(gettext("Lhůta k odstranění nedostatků musí být 1 až 180 dní."), "remedy_days")
    for item in items:
        fulfilled, note = answers[item.code]
        ChecklistAnswer.objects.update_or_create(
            proceeding=proceeding, item=item,
            defaults={"fulfilled": bool(fulfilled), "note": note or "", "checked_at": timezone.now(),
                      "checked_by": actor if getattr(actor, "is_authenticated", False) else None},
        )
    missing = [i for i in items if not answers[i.code][0]]
    deficiency_note = deficiency_text(deficiency_note)
    complete = not missing and not deficiency_note
    proceeding.deficiency_note = deficiency_note
    if remedy_days is not None:
        proceeding.remedy_days = int(remedy_days)
    proceeding.save(update_fields=["deficiency_note", "remedy_days"])
    record_event(
        case=proceeding.case, actor=actor, action=RegistrationEvent.COMPLETENESS,
        summary=gettext("Žádost je úplná") if complete else gettext('Žádost je neúplná: chybí {missing}').format(missing=_items(len(missing))),
        after={"complete": complete, "missing": [i.label for i in missing], "note": proceeding.deficiency_note},
    )
    if complete:
        phase_set(proceeding, Phase.ASSESSMENT, actor=actor)
    return complete


def _ensure_not_suspended(proceeding: Proceeding) -> None:
    if proceeding.is_suspended:
        raise field_error(gettext("Řízení je přerušeno: nejdřív zapište doplnění žádosti (nebo marné uplynutí lhůty)."))


@transaction.atomic
def supplement_receive(*, proceeding: Proceeding, received_on: date, note: str = "", actor=None) -> None:
    """The applicant supplied the missing items: the obstacle ends, the clock runs again."""
    suspension = proceeding.case.suspensions.filter(ended_on__isnull=True).first()
    if suspension is None:
        raise field_error(gettext("Řízení není přerušeno."))
    if received_on < suspension.started_on:
        raise field_error(gettext('Doplnění nemohlo přijít ({received_on}) před doručením výzvy ({started_on}).').format(received_on=czech_date(received_on), started_on=czech_date(suspension.started_on)), "received_on")
    if received_on > timezone.localdate():
        raise field_error(gettext("Datum doplnění nemůže být v budoucnosti."), "received_on")
    suspension.ended_on = received_on
    suspension.save(update_fields=["ended_on"])
    record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.SUPPLEMENT,
                 summary=gettext('Doplnění žádosti přijato {received_on}').format(received_on=czech_date(received_on)) + (f": {note}" if note else ""),
                 before={"suspended_from": suspension.started_on}, after={"suspended_to": received_on})
    set_case_state(case=proceeding.case, state=Case.State.OPEN, actor=actor, summary=gettext("Řízení pokračuje po doplnění žádosti"))
    phase_set(proceeding, Phase.CHECK, actor=actor)
    refresh_deadline(proceeding, actor=actor)


@transaction.atomic
def remedy_extend(*, proceeding: Proceeding, new_deadline: date, note: str = "", actor=None) -> None:
    """§ 39 odst. 2: the remedy deadline extended on the applicant's request; the timer moves too."""
    from datetime import datetime, time

    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    if not proceeding.is_suspended or proceeding.remedy_deadline is None:
        raise field_error(gettext("Lhůtu k odstranění nedostatků lze prodloužit jen v přerušeném řízení."))
    if new_deadline is None or new_deadline <= proceeding.remedy_deadline:
        raise field_error(gettext('Nová lhůta musí být pozdější než dosavadní ({remedy_deadline}).').format(remedy_deadline=czech_date(proceeding.remedy_deadline)), "new_deadline")
    new_deadline = deadlines.shift_to_working_day(new_deadline)
    before = {"remedy_deadline": proceeding.remedy_deadline}
    proceeding.remedy_deadline = new_deadline
    proceeding.save(update_fields=["remedy_deadline"])
    due = timezone.make_aware(datetime.combine(new_deadline + timedelta(days=1), time.min))
    moved = Task.objects.filter(
        process__caseprocess__case=proceeding.case, flow_task_type="TIMER", status=STATUS.SCHEDULED
    ).update(scheduled=due)
    record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.REMEDY_EXTENDED,
                 summary=gettext('Lhůta k odstranění nedostatků prodloužena do {new_deadline}').format(new_deadline=czech_date(new_deadline))
                         + (f" ({note})" if note else ""),
                 before=before, after={"remedy_deadline": new_deadline, "timers_moved": moved})
    refresh_deadline(proceeding, actor=actor)


@transaction.atomic
def remedy_missed_record(*, proceeding: Proceeding, supplement_received_on: date | None = None, note: str = "", actor=None) -> bool:
    """After the remedy deadline: either a supplement posted in time arrived (→ back to the check),
    or nothing came (→ usnesení o zastavení). Returns True when the proceeding is to be terminated."""
    if supplement_received_on is not None:
        supplement_receive(proceeding=proceeding, received_on=supplement_received_on, note=note, actor=actor)
        return False
    if proceeding.remedy_deadline and proceeding.remedy_deadline >= timezone.localdate():
        raise field_error(gettext('Lhůta k odstranění nedostatků ještě běží (do {remedy_deadline}).').format(remedy_deadline=czech_date(proceeding.remedy_deadline)))
    suspension = proceeding.case.suspensions.filter(ended_on__isnull=True).first()
    if suspension is not None:
        suspension.ended_on = max(suspension.started_on, proceeding.remedy_deadline or suspension.started_on)
        suspension.save(update_fields=["ended_on"])
    proceeding.proposal = Outcome.TERMINATED
    proceeding.save(update_fields=["proposal"])
    set_case_state(case=proceeding.case, state=Case.State.OPEN, detail=gettext("zastavení řízení"), actor=actor,
                   summary=gettext("Přerušení skončilo marným uplynutím lhůty; řízení se zastavuje"))
    phase_set(proceeding, Phase.DECISION, actor=actor)
    record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.REMEDY_MISSED,
                 summary=gettext('Lhůta k odstranění nedostatků ({remedy_deadline}) marně uplynula; řízení bude zastaveno (§ 66 odst. 1 písm. c) správního řádu)').format(remedy_deadline=czech_date(proceeding.remedy_deadline)))
    return True
