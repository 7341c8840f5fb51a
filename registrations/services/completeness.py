"""Completeness check, výzva + přerušení (suspension), supplement, remedy deadline and its end."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from workflows import deadlines
from workflows.validators import field_error
from workflows.formats import czech_date
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


@transaction.atomic
def _items(n: int) -> str:
    """1 položka, 2–4 položky, 5+ položek."""
    return f"{n} položka" if n == 1 else f"{n} položky" if 2 <= n <= 4 else f"{n} položek"


def completeness_record(
    *, proceeding: Proceeding, answers: dict[str, tuple[bool, str]], deficiency_note: str = "",
    remedy_days: int | None = None, actor=None,
) -> bool:
    """Record the completeness checklist; returns True when the application is complete."""
    _ensure_not_suspended(proceeding)
    if proceeding.phase != Phase.CHECK:
        raise field_error("Úplnost žádosti se nyní nekontroluje.")
    items = checklist_for(proceeding, ChecklistItem.Stage.COMPLETENESS)
    missing_answers = [i.label for i in items if i.code not in answers]
    if missing_answers:
        raise field_error("Vyplňte všechny položky kontrolního seznamu: " + "; ".join(missing_answers))
    if remedy_days is not None and not 1 <= int(remedy_days) <= 180:
        raise field_error("Lhůta k odstranění nedostatků musí být 1 až 180 dní.", "remedy_days")
    for item in items:
        fulfilled, note = answers[item.code]
        ChecklistAnswer.objects.update_or_create(
            proceeding=proceeding, item=item,
            defaults={"fulfilled": bool(fulfilled), "note": note or "", "checked_at": timezone.now(),
                      "checked_by": actor if getattr(actor, "is_authenticated", False) else None},
        )
    missing = [i for i in items if not answers[i.code][0]]
    complete = not missing and not deficiency_note.strip()
    proceeding.deficiency_note = deficiency_note.strip()
    if remedy_days is not None:
        proceeding.remedy_days = int(remedy_days)
    proceeding.save(update_fields=["deficiency_note", "remedy_days"])
    record_event(
        case=proceeding.case, actor=actor, action=RegistrationEvent.COMPLETENESS,
        summary="Žádost je úplná" if complete else f"Žádost je neúplná: chybí {_items(len(missing))}",
        after={"complete": complete, "missing": [i.label for i in missing], "note": proceeding.deficiency_note},
    )
    if complete:
        phase_set(proceeding, Phase.ASSESSMENT, actor=actor)
    return complete


def _ensure_not_suspended(proceeding: Proceeding) -> None:
    if proceeding.is_suspended:
        raise field_error("Řízení je přerušeno: nejdřív zapište doplnění žádosti (nebo marné uplynutí lhůty).")


@transaction.atomic
def supplement_receive(*, proceeding: Proceeding, received_on: date, note: str = "", actor=None) -> None:
    """The applicant supplied the missing items: the obstacle ends, the clock runs again."""
    suspension = proceeding.case.suspensions.filter(ended_on__isnull=True).first()
    if suspension is None:
        raise field_error("Řízení není přerušeno.")
    if received_on < suspension.started_on:
        raise field_error(f"Doplnění nemohlo přijít ({czech_date(received_on)}) před doručením výzvy "
                   f"({czech_date(suspension.started_on)}).", "received_on")
    if received_on > timezone.localdate():
        raise field_error("Datum doplnění nemůže být v budoucnosti.", "received_on")
    suspension.ended_on = received_on
    suspension.save(update_fields=["ended_on"])
    record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.SUPPLEMENT,
                 summary=f"Doplnění žádosti přijato {czech_date(received_on)}" + (f": {note}" if note else ""),
                 before={"suspended_from": suspension.started_on}, after={"suspended_to": received_on})
    set_case_state(case=proceeding.case, state=Case.State.OPEN, actor=actor, summary="Řízení pokračuje po doplnění žádosti")
    phase_set(proceeding, Phase.CHECK, actor=actor)
    refresh_deadline(proceeding, actor=actor)


@transaction.atomic
def remedy_extend(*, proceeding: Proceeding, new_deadline: date, note: str = "", actor=None) -> None:
    """§ 39 odst. 2: the remedy deadline extended on the applicant's request; the timer moves too."""
    from datetime import datetime, time

    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    if not proceeding.is_suspended or proceeding.remedy_deadline is None:
        raise field_error("Lhůtu k odstranění nedostatků lze prodloužit jen v přerušeném řízení.")
    if new_deadline is None or new_deadline <= proceeding.remedy_deadline:
        raise field_error(f"Nová lhůta musí být pozdější než dosavadní ({czech_date(proceeding.remedy_deadline)}).", "new_deadline")
    new_deadline = deadlines.shift_to_working_day(new_deadline)
    before = {"remedy_deadline": proceeding.remedy_deadline}
    proceeding.remedy_deadline = new_deadline
    proceeding.save(update_fields=["remedy_deadline"])
    due = timezone.make_aware(datetime.combine(new_deadline + timedelta(days=1), time.min))
    moved = Task.objects.filter(
        process__caseprocess__case=proceeding.case, flow_task_type="TIMER", status=STATUS.SCHEDULED
    ).update(scheduled=due)
    record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.REMEDY_EXTENDED,
                 summary=f"Lhůta k odstranění nedostatků prodloužena do {czech_date(new_deadline)}"
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
        raise field_error(f"Lhůta k odstranění nedostatků ještě běží (do {czech_date(proceeding.remedy_deadline)}).")
    suspension = proceeding.case.suspensions.filter(ended_on__isnull=True).first()
    if suspension is not None:
        suspension.ended_on = max(suspension.started_on, proceeding.remedy_deadline or suspension.started_on)
        suspension.save(update_fields=["ended_on"])
    proceeding.proposal = Outcome.TERMINATED
    proceeding.save(update_fields=["proposal"])
    set_case_state(case=proceeding.case, state=Case.State.OPEN, detail="zastavení řízení", actor=actor,
                   summary="Přerušení skončilo marným uplynutím lhůty; řízení se zastavuje")
    phase_set(proceeding, Phase.DECISION, actor=actor)
    record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.REMEDY_MISSED,
                 summary=f"Lhůta k odstranění nedostatků ({czech_date(proceeding.remedy_deadline)}) marně uplynula; "
                         "řízení bude zastaveno (§ 66 odst. 1 písm. c) správního řádu)")
    return True
