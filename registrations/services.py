"""Every write of the registration agenda.

Keyword-only functions, each one transaction; bad input raises a ``ValidationError`` with a
clear Czech message before anything is written. Every state change goes to the case history
(``workflows.history``) and every registry change to ``RegistryVersion``. All deadline
arithmetic is delegated to ``workflows.deadlines``.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from workflows import deadlines
from workflows.validators import clean_ico
from workflows.cases import case_open
from workflows.history import record_event, set_case_deadline, set_case_state
from workflows.models import Case, Document, Extension, ServiceType, Suspension, TargetGroup

from .models import (
    Appeal,
    ChangeNotice,
    ChangeNoticeItem,
    ChecklistAnswer,
    ChecklistItem,
    Delivery,
    DeliveryChannel,
    Proceeding,
    Provider,
    RegisteredService,
    RegistryVersion,
    ServiceApplication,
    ServiceForm,
)

Phase = Proceeding.Phase
Outcome = Proceeding.Outcome

CASE_KIND_OF_PROCEEDING = {
    Proceeding.Kind.REGISTRATION: Case.Kind.REGISTRATION,
    Proceeding.Kind.CHANGE: Case.Kind.CHANGE_APPLICATION,
    Proceeding.Kind.CANCELLATION: Case.Kind.CANCELLATION,
}

# document kinds produced by the registration flows (workflows.Document.kind)
DOC_DEFICIENCY = "reg_deficiency"  # výzva k odstranění nedostatků + usnesení o přerušení
DOC_TERMINATION = "reg_termination"  # usnesení o zastavení řízení
DOC_EVIDENCE = "reg_evidence_notice"  # § 36 odst. 3
DOC_OPENING = "reg_opening_notice"  # oznámení o zahájení řízení z moci úřední
DOC_DECISION_REGISTRATION = "reg_decision_registration"
DOC_DECISION_REFUSAL = "reg_decision_refusal"
DOC_DECISION_CHANGE = "reg_decision_change"
DOC_DECISION_CANCELLATION = "reg_decision_cancellation"
DOC_NOTICE_ACK = "reg_notice_ack"
DOC_APPEAL_FORWARD = "reg_appeal_forward"
DECISION_KINDS = {
    DOC_DECISION_REGISTRATION, DOC_DECISION_REFUSAL, DOC_DECISION_CHANGE, DOC_DECISION_CANCELLATION, DOC_TERMINATION,
}

DUPLICATE_APPLICATION = "Tato žádost už byla podána (opakované odeslání formuláře); podruhé se nezapsala."
DUPLICATE_NOTICE = "Toto oznámení už bylo podáno (opakované odeslání formuláře); podruhé se nezapsalo."
NATIONAL_ID_RE = re.compile(r"^\d{7}$")
NOTICE_PROVIDER_FIELDS = {"email", "phone", "statutory_body", "data_box"}


def czech_date(value: date | None) -> str:
    return f"{value.day}. {value.month}. {value.year}" if value else ""


def _err(message: str, field: str | None = None):
    if field:
        return ValidationError({field: message})
    return ValidationError(message)


# ------------------------------------------------------------------ validation helpers


def validate_ico(ico: str | None, *, natural_person: bool = False) -> str | None:
    """IČO: 8 digits with the mod-11 check digit; optional for a natural person without one."""
    try:
        ico = clean_ico(ico)
    except ValidationError as exc:
        raise _err(exc.messages[0], "ico") from None
    if not ico:
        if natural_person:
            return None
        raise _err("Zadejte IČO (bez IČO lze podat žádost jen jako fyzická osoba).", "ico")
    return ico


def _service_type(value) -> ServiceType:
    if isinstance(value, ServiceType):
        return value
    paragraph = str(value or "").strip().lstrip("§").strip()
    try:
        return ServiceType.objects.get(paragraph=paragraph)
    except ServiceType.DoesNotExist:
        raise _err(f"Neznámý druh sociální služby: § {paragraph or '?'} není v katalogu (§ 37–70).", "service_type")


def _target_groups(values) -> list[TargetGroup]:
    groups = []
    for value in values or []:
        if isinstance(value, TargetGroup):
            groups.append(value)
            continue
        group = TargetGroup.objects.filter(code=str(value)).first()
        if group is None:
            raise _err(f"Neznámá cílová skupina: {value}.", "target_groups")
        groups.append(group)
    return groups


def clean_service(data: dict) -> dict:
    """Validate one service of an application; returns cleaned values."""
    service_type = _service_type(data.get("service_type"))
    form = data.get("form")
    if form not in ServiceForm.values:
        raise _err(f"Neznámá forma služby: {form!r} (pobytová, ambulantní, terénní).", "form")
    try:
        capacity = int(data.get("capacity"))
    except (TypeError, ValueError):
        raise _err("Kapacita musí být celé číslo.", "capacity")
    if capacity <= 0:
        raise _err("Kapacita služby musí být větší než nula.", "capacity")
    age_from, age_to = data.get("age_from"), data.get("age_to")
    if age_from is not None and age_to is not None and int(age_from) > int(age_to):
        raise _err(f"Věkové rozmezí je obrácené: od {age_from} do {age_to} let.", "age_to")
    place = (data.get("place") or "").strip()
    if not place:
        raise _err("Zadejte místo poskytování služby.", "place")
    return {
        "service_type": service_type,
        "form": form,
        "target_groups": _target_groups(data.get("target_groups")),
        "age_from": age_from,
        "age_to": age_to,
        "place": place,
        "territory": (data.get("territory") or "").strip(),
        "capacity": capacity,
        "start_on": data.get("start_on"),
    }


def service_snapshot(service) -> dict:
    """Registered data of a service (ServiceApplication or RegisteredService) as plain values."""
    groups = sorted(service.target_groups.values_list("code", flat=True)) if service.pk else []
    snap = {
        "service_type": service.service_type.paragraph,
        "service_name": service.service_type.name,
        "form": service.form,
        "target_groups": groups,
        "age_from": service.age_from,
        "age_to": service.age_to,
        "place": service.place,
        "territory": service.territory,
        "capacity": service.capacity,
    }
    if isinstance(service, RegisteredService):
        snap["provided_from"] = service.provided_from.isoformat() if service.provided_from else None
        snap["national_id"] = service.national_id
        snap["state"] = service.state
    return snap


def _provider_snapshot(provider: Provider) -> dict:
    return {f: getattr(provider, f) for f in ("ico", "name", "legal_form", "address", "statutory_body", "email", "phone", "data_box",
                                              "birth_date", "residence_address", "business_address")}


def _version(*, provider, action, summary, case=None, service=None, document=None, before=None, after=None, actor=None):
    from workflows.history import _jsonable

    return RegistryVersion.objects.create(
        provider=provider, service=service, case=case, document=document, action=action, summary=summary[:500],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _set_phase(proceeding: Proceeding, phase: str, *, actor=None) -> None:
    if proceeding.phase == phase:
        return
    before = proceeding.get_phase_display()
    proceeding.phase = phase
    proceeding.save(update_fields=["phase"])
    record_event(
        case=proceeding.case, actor=actor, action="phase",
        summary=f"Fáze řízení: {proceeding.get_phase_display()}",
        before={"phase": before}, after={"phase": proceeding.get_phase_display()},
    )


def current_decision_deadline(proceeding: Proceeding) -> date | None:
    """Decision deadline from the start of the proceeding, its suspensions and extension."""
    if proceeding.received_on is None:
        return None
    case = proceeding.case
    suspensions = [(s.started_on, s.ended_on) for s in case.suspensions.all()]
    extension, expert = deadlines.decision_extension((e.ground, e.days) for e in case.extensions.all())
    return deadlines.decision_deadline(proceeding.received_on, suspensions=suspensions, extension_days=extension,
                                       expert_days=expert)


def refresh_deadline(proceeding: Proceeding, *, actor=None, reason: str = "") -> None:
    """Case.deadline = the deadline of the step that is open now (what inboxes sort by)."""
    phase = proceeding.phase
    if phase == Phase.SUSPENDED:
        deadline = proceeding.remedy_deadline
        reason = reason or "lhůta k odstranění nedostatků"
    elif phase == Phase.COMMENTS and proceeding.comments_deadline:
        deadline = proceeding.comments_deadline
        reason = reason or "lhůta k vyjádření k podkladům"
    elif phase == Phase.APPEAL_PERIOD:
        deadline = proceeding.appeal_deadline
        reason = reason or "lhůta k odvolání"
    elif phase == Phase.APPEAL:
        appeal = proceeding.appeals.filter(outcome__in=[Appeal.Outcome.PENDING, Appeal.Outcome.FORWARDED]).last()
        deadline = appeal.forward_by if appeal and appeal.outcome == Appeal.Outcome.PENDING else None
        reason = reason or "lhůta k postoupení odvolání (§ 88)"
    elif phase == Phase.FINAL:
        deadline = None
    else:
        deadline = current_decision_deadline(proceeding)
        reason = reason or "lhůta k vydání rozhodnutí"
    set_case_deadline(case=proceeding.case, deadline=deadline, actor=actor, reason=reason)


# ------------------------------------------------------------------ providers and intake


@transaction.atomic
def provider_upsert(
    *, name: str, address: str, ico: str | None = None, is_natural_person: bool = False, legal_form: str = "",
    statutory_body: str = "", email: str = "", phone: str = "", data_box: str = "", birth_date: date | None = None,
    residence_address: str = "", business_address: str = "", actor=None,
) -> Provider:
    """One provider per IČO: created at the first intake, reused (contacts refreshed) later.

    A natural person is identified by name, date of birth and residence, and when in business
    also by IČO and místo podnikání (§ 68 odst. 2 správního řádu).
    """
    ico = validate_ico(ico, natural_person=is_natural_person)
    name, address = (name or "").strip(), (address or "").strip()
    if not name:
        raise _err("Zadejte název nebo jméno poskytovatele.", "name")
    if not address:
        raise _err("Zadejte sídlo nebo adresu poskytovatele.", "address")
    residence_address, business_address = (residence_address or "").strip(), (business_address or "").strip()
    if is_natural_person:
        if birth_date is None:
            raise _err("Fyzickou osobu rozhodnutí označuje i datem narození (§ 68 odst. 2 správního řádu): "
                       "zadejte datum narození.", "birth_date")
        if birth_date >= timezone.localdate() or birth_date.year < 1900:
            raise _err("Datum narození není platné.", "birth_date")
        residence_address = residence_address or address
        if ico:
            business_address = business_address or address
    else:
        birth_date, residence_address, business_address = None, "", ""
    if data_box and not re.fullmatch(r"[a-z0-9]{7}", data_box.strip().lower()):
        raise _err("ID datové schránky má 7 znaků (písmena a číslice).", "data_box")
    values = {
        "name": name, "address": address, "legal_form": legal_form, "statutory_body": statutory_body,
        "email": email, "phone": phone, "data_box": (data_box or "").strip().lower(), "is_natural_person": is_natural_person,
        "birth_date": birth_date, "residence_address": residence_address, "business_address": business_address,
    }
    provider = Provider.objects.select_for_update().filter(ico=ico).first() if ico else None
    if provider is None:
        try:
            with transaction.atomic():
                provider = Provider.objects.create(ico=ico, **values)
        except IntegrityError:  # the same IČO's first intake arrived concurrently: reuse it
            return Provider.objects.get(ico=ico)
        _version(provider=provider, action="provider_created", summary=f"Založen poskytovatel {provider.name}",
                 after=_provider_snapshot(provider), actor=actor)
    return provider


def _checklist_for(proceeding: Proceeding, stage: str) -> list[ChecklistItem]:
    forms = proceeding.forms
    items = ChecklistItem.objects.filter(stage=stage, active=True)
    return [i for i in items if i.applies_to(forms=forms, proceeding_kind=proceeding.kind)]


@transaction.atomic
def application_receive(
    *, kind: str, provider: dict, services: list[dict], received_on: date | None = None, actor=None,
    file_mark: str | None = None, submission_key: str | None = None,
) -> Proceeding:
    """Intake of an application for registration (A1) or for a change of registration (A2b).

    ``services``: dicts with service_type (§ or ServiceType), form, target_groups (codes),
    age_from, age_to, place, territory, capacity, start_on; for a change also
    ``registered_service`` (the RegisteredService being changed).
    """
    if kind not in (Proceeding.Kind.REGISTRATION, Proceeding.Kind.CHANGE):
        raise _err("Neznámý druh žádosti.")
    if not services:
        raise _err("Žádost musí obsahovat alespoň jednu sociální službu.", "services")
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        raise _err("Datum doručení žádosti nemůže být v budoucnosti.", "received_on")
    if submission_key and Proceeding.objects.filter(submission_key=submission_key).exists():
        raise _err(DUPLICATE_APPLICATION)
    cleaned = [clean_service(s) for s in services]
    prov = provider_upsert(actor=actor, **provider)
    targets = []
    if kind == Proceeding.Kind.CHANGE:
        for data in services:
            target = data.get("registered_service")
            if target is None or target.provider_id != prov.pk or target.state != RegisteredService.State.ACTIVE:
                raise _err("Žádost o změnu registrace se musí týkat registrované služby tohoto poskytovatele.",
                           "registered_service")
            targets.append(target)
    label = "Žádost o registraci" if kind == Proceeding.Kind.REGISTRATION else "Žádost o změnu registrace"
    case = case_open(
        kind=CASE_KIND_OF_PROCEEDING[kind], title=f"{label} – {prov.name}", actor=actor, applicant_name=prov.name,
        ico=prov.ico or "", received_on=received_on, parties=[prov.party()], file_mark=file_mark,
    )
    try:
        with transaction.atomic():
            proceeding = Proceeding.objects.create(case=case, kind=kind, provider=prov, received_on=received_on,
                                                   phase=Phase.CHECK, submission_key=submission_key or None)
    except IntegrityError:  # the same form posted twice at the same moment
        raise _err(DUPLICATE_APPLICATION)
    for index, data in enumerate(cleaned):
        groups = data.pop("target_groups")
        item = ServiceApplication.objects.create(
            proceeding=proceeding, registered_service=targets[index] if targets else None, **data
        )
        item.target_groups.set(groups)
    record_event(
        case=case, actor=actor, action="submission",
        summary=f"Přijata {label.lower()}: {len(cleaned)} služ.",
        after={"services": [service_snapshot(s) for s in proceeding.services.all()]},
    )
    refresh_deadline(proceeding, actor=actor)
    return proceeding


@transaction.atomic
def cancellation_open(
    *, provider: Provider, services: list[RegisteredService], ex_officio: bool, grounds: str,
    received_on: date | None = None, ground: str = "", service_ends_on: date | None = None, actor=None,
) -> Proceeding:
    """Cancellation (A3): on the provider's request, or ex officio (the clock starts at delivery
    of the notice of opening) on a ground of § 82 odst. 3 with its písmeno.

    On request the application must come at least 3 months before the service ends: a late one
    is accepted and flagged to the officer (it may be an offence, § 107 odst. 2 písm. i)). Ending
    only some of the provider's services is a change of registration (§ 82 odst. 2): the
    proceeding ends by a decision on change (``decision_document_kind``).
    """
    services = list(services)
    if not services:
        raise _err("Vyberte alespoň jednu registrovanou službu, jejíž registrace se ruší.", "services")
    for service in services:
        if service.provider_id != provider.pk or service.state != RegisteredService.State.ACTIVE:
            raise _err(f"Služba {service} není registrovanou službou tohoto poskytovatele.", "services")
    if not (grounds or "").strip():
        raise _err("Uveďte důvody zrušení registrace.", "grounds")
    if ex_officio and ground not in ("a", "b", "c"):
        raise _err("Zvolte důvod zrušení registrace z moci úřední podle § 82 odst. 3 (písm. a), b) nebo c)).",
                   "cancellation_ground")
    if not ex_officio:
        ground = "request"
        if service_ends_on is None:
            raise _err("Uveďte den, kdy poskytovatel ukončí poskytování služby (žádost se podává nejméně "
                       "3 měsíce předem).", "service_ends_on")
    open_cases = Proceeding.objects.filter(
        kind=Proceeding.Kind.CANCELLATION, provider=provider, outcome=Outcome.PENDING, cancel_services__in=services
    )
    if open_cases.exists():
        raise _err("O zrušení registrace této služby už se vede řízení.")
    received_on = received_on or timezone.localdate()
    case = case_open(
        kind=Case.Kind.CANCELLATION,
        title=("Zrušení registrace z moci úřední – " if ex_officio else "Žádost o zrušení registrace – ") + provider.name,
        actor=actor, applicant_name=provider.name, ico=provider.ico or "", received_on=received_on,
        parties=[provider.party()],
    )
    proceeding = Proceeding.objects.create(
        case=case, kind=Proceeding.Kind.CANCELLATION, provider=provider, ex_officio=ex_officio, grounds=grounds,
        received_on=None if ex_officio else received_on, phase=Phase.INTAKE if ex_officio else Phase.ASSESSMENT,
        cancellation_ground=ground, service_ends_on=None if ex_officio else service_ends_on,
    )
    proceeding.cancel_services.set(services)
    record_event(case=case, actor=actor, action="submission",
                 summary="Zahájeno řízení o zrušení registrace" + (" z moci úřední" if ex_officio else " na žádost"),
                 after={"services": [s.identifier for s in services], "grounds": grounds, "ground": ground,
                        "service_ends_on": service_ends_on})
    if cancellation_request_late(proceeding):
        record_event(case=case, actor=actor, action="late_cancellation_request",
                     summary=f"Žádost o zrušení registrace podána méně než 3 měsíce před ukončením poskytování služby "
                             f"({czech_date(service_ends_on)}); může jít o přestupek podle § 107 odst. 2 písm. i) "
                             "zákona o sociálních službách")
        set_case_state(case=case, state=Case.State.OPEN, actor=actor,
                       detail="žádost o zrušení podána později než 3 měsíce před ukončením")
    if is_partial_cancellation(proceeding):
        record_event(case=case, actor=actor, action="partial_cancellation",
                     summary="Ukončuje se jen část registrovaných služeb: jde o změnu registrace (§ 82 odst. 2); "
                             "vydá se rozhodnutí o změně registrace")
    refresh_deadline(proceeding, actor=actor)
    return proceeding


def cancellation_request_late(proceeding: Proceeding) -> bool:
    """A cancellation on request must come at least 3 months before the service ends."""
    if proceeding.ex_officio or proceeding.service_ends_on is None or proceeding.received_on is None:
        return False
    return deadlines.add_months(proceeding.received_on, 3, shift=False) > proceeding.service_ends_on


def is_partial_cancellation(proceeding: Proceeding) -> bool:
    """On request, ending some of several registered services is a change of registration."""
    if proceeding.kind != Proceeding.Kind.CANCELLATION or proceeding.ex_officio:
        return False
    active = set(proceeding.provider.services.filter(state=RegisteredService.State.ACTIVE).values_list("pk", flat=True))
    return bool(active - set(proceeding.cancel_services.values_list("pk", flat=True)))


# ------------------------------------------------------------------ completeness and suspension


@transaction.atomic
def completeness_record(
    *, proceeding: Proceeding, answers: dict[str, tuple[bool, str]], deficiency_note: str = "",
    remedy_days: int | None = None, actor=None,
) -> bool:
    """Record the completeness checklist; returns True when the application is complete."""
    _ensure_not_suspended(proceeding)
    if proceeding.phase != Phase.CHECK:
        raise _err("Úplnost žádosti se nyní nekontroluje.")
    items = _checklist_for(proceeding, ChecklistItem.Stage.COMPLETENESS)
    missing_answers = [i.label for i in items if i.code not in answers]
    if missing_answers:
        raise _err("Vyplňte všechny položky kontrolního seznamu: " + "; ".join(missing_answers))
    if remedy_days is not None and not 1 <= int(remedy_days) <= 180:
        raise _err("Lhůta k odstranění nedostatků musí být 1 až 180 dní.", "remedy_days")
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
        case=proceeding.case, actor=actor, action="completeness",
        summary="Žádost je úplná" if complete else f"Žádost je neúplná: chybí {len(missing)} položek",
        after={"complete": complete, "missing": [i.label for i in missing], "note": proceeding.deficiency_note},
    )
    if complete:
        _set_phase(proceeding, Phase.ASSESSMENT, actor=actor)
    return complete


def missing_items(proceeding: Proceeding) -> list[ChecklistAnswer]:
    return list(proceeding.checklist.filter(fulfilled=False, item__stage=ChecklistItem.Stage.COMPLETENESS).select_related("item"))


def _ensure_not_suspended(proceeding: Proceeding) -> None:
    if proceeding.is_suspended:
        raise _err("Řízení je přerušeno: nejdřív zapište doplnění žádosti (nebo marné uplynutí lhůty).")


@transaction.atomic
def supplement_receive(*, proceeding: Proceeding, received_on: date, note: str = "", actor=None) -> None:
    """The applicant supplied the missing items: the obstacle ends, the clock runs again."""
    suspension = proceeding.case.suspensions.filter(ended_on__isnull=True).first()
    if suspension is None:
        raise _err("Řízení není přerušeno.")
    if received_on < suspension.started_on:
        raise _err(f"Doplnění nemohlo přijít ({czech_date(received_on)}) před doručením výzvy "
                   f"({czech_date(suspension.started_on)}).", "received_on")
    if received_on > timezone.localdate():
        raise _err("Datum doplnění nemůže být v budoucnosti.", "received_on")
    suspension.ended_on = received_on
    suspension.save(update_fields=["ended_on"])
    record_event(case=proceeding.case, actor=actor, action="supplement",
                 summary=f"Doplnění žádosti přijato {czech_date(received_on)}" + (f": {note}" if note else ""),
                 before={"suspended_from": suspension.started_on}, after={"suspended_to": received_on})
    set_case_state(case=proceeding.case, state=Case.State.OPEN, actor=actor, summary="Řízení pokračuje po doplnění žádosti")
    _set_phase(proceeding, Phase.CHECK, actor=actor)
    refresh_deadline(proceeding, actor=actor)


@transaction.atomic
def remedy_extend(*, proceeding: Proceeding, new_deadline: date, note: str = "", actor=None) -> None:
    """§ 39 odst. 2: the remedy deadline extended on the applicant's request; the timer moves too."""
    from datetime import datetime, time

    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    if not proceeding.is_suspended or proceeding.remedy_deadline is None:
        raise _err("Lhůtu k odstranění nedostatků lze prodloužit jen v přerušeném řízení.")
    if new_deadline is None or new_deadline <= proceeding.remedy_deadline:
        raise _err(f"Nová lhůta musí být pozdější než dosavadní ({czech_date(proceeding.remedy_deadline)}).", "new_deadline")
    new_deadline = deadlines.shift_to_working_day(new_deadline)
    before = {"remedy_deadline": proceeding.remedy_deadline}
    proceeding.remedy_deadline = new_deadline
    proceeding.save(update_fields=["remedy_deadline"])
    due = timezone.make_aware(datetime.combine(new_deadline + timedelta(days=1), time.min))
    moved = Task.objects.filter(
        process__caseprocess__case=proceeding.case, flow_task_type="TIMER", status=STATUS.SCHEDULED
    ).update(scheduled=due)
    record_event(case=proceeding.case, actor=actor, action="remedy_extended",
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
        raise _err(f"Lhůta k odstranění nedostatků ještě běží (do {czech_date(proceeding.remedy_deadline)}).")
    suspension = proceeding.case.suspensions.filter(ended_on__isnull=True).first()
    if suspension is not None:
        suspension.ended_on = max(suspension.started_on, proceeding.remedy_deadline or suspension.started_on)
        suspension.save(update_fields=["ended_on"])
    proceeding.proposal = Outcome.TERMINATED
    proceeding.save(update_fields=["proposal"])
    set_case_state(case=proceeding.case, state=Case.State.OPEN, detail="zastavení řízení", actor=actor,
                   summary="Přerušení skončilo marným uplynutím lhůty; řízení se zastavuje")
    _set_phase(proceeding, Phase.DECISION, actor=actor)
    record_event(case=proceeding.case, actor=actor, action="remedy_missed",
                 summary=f"Lhůta k odstranění nedostatků ({czech_date(proceeding.remedy_deadline)}) marně uplynula; "
                         "řízení bude zastaveno (§ 66 odst. 1 písm. c) správního řádu)")
    return True


# ------------------------------------------------------------------ delivery


def _delivery_date(channel: str, ready_on: date, collected_on: date | None) -> tuple[date, bool]:
    fiction = deadlines.delivery_fiction_date(ready_on)
    if channel == DeliveryChannel.IN_PERSON:
        return (collected_on or ready_on), False
    if collected_on is not None and collected_on <= fiction:
        return collected_on, False
    return fiction, True


@transaction.atomic
def delivery_record(
    *, document: Document, channel: str, ready_on: date, collected_on: date | None = None, actor=None,
) -> Delivery:
    """Record delivery of a document and arm the deadlines that run from it.

    Not collected within 10 days → delivered by fiction on the 10th day (deadlines module).
    """
    if channel not in DeliveryChannel.values:
        raise _err("Zvolte způsob doručení (datová schránka, pošta, osobně).", "channel")
    if ready_on is None:
        raise _err("Zadejte datum dodání do datové schránky / připravení k vyzvednutí.", "ready_on")
    if collected_on is not None and collected_on < ready_on:
        raise _err(f"Datum převzetí ({czech_date(collected_on)}) nemůže předcházet dodání "
                   f"({czech_date(ready_on)}).", "collected_on")
    if ready_on < document.case.received_on:
        raise _err("Písemnost nemohla být doručována dřív, než řízení začalo.", "ready_on")
    if Delivery.objects.filter(document=document).exists():
        raise _err("Doručení této písemnosti už je zapsáno.")
    delivered_on, fiction = _delivery_date(channel, ready_on, collected_on)
    if delivered_on > timezone.localdate():
        raise _err(f"Písemnost ještě nemůže být doručena (doručeno by bylo {czech_date(delivered_on)}, "
                   "fikcí až desátým dnem). Zapište doručení až nastane.", "collected_on")
    delivery = Delivery.objects.create(
        case=document.case, document=document, channel=channel, ready_on=ready_on, collected_on=collected_on,
        delivered_on=delivered_on, by_fiction=fiction, recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_event(
        case=document.case, actor=actor, action="delivery", document=document,
        summary=f"Doručeno: {document.title} – {delivery.get_channel_display()}, {czech_date(delivered_on)}"
                + (" (fikce doručení)" if fiction else ""),
        after={"channel": channel, "ready_on": ready_on, "collected_on": collected_on, "delivered_on": delivered_on,
               "fiction": fiction},
    )
    proceeding = getattr(document.case, "proceeding", None)
    if proceeding is not None:
        _arm_after_delivery(proceeding, document, delivered_on, actor=actor)
    return delivery


def _arm_after_delivery(proceeding: Proceeding, document: Document, delivered_on: date, *, actor=None) -> None:
    case = proceeding.case
    if document.kind == DOC_DEFICIENCY:
        Suspension.objects.create(case=case, started_on=delivered_on, reason="výzva k odstranění nedostatků")
        proceeding.remedy_deadline = deadlines.remedy_deadline(delivered_on, days=proceeding.remedy_days)
        proceeding.save(update_fields=["remedy_deadline"])
        set_case_state(case=case, state=Case.State.SUSPENDED, detail="výzva k odstranění nedostatků", actor=actor,
                       summary=f"Řízení přerušeno od {czech_date(delivered_on)} do odstranění nedostatků")
        _set_phase(proceeding, Phase.SUSPENDED, actor=actor)
    elif document.kind == DOC_EVIDENCE:
        # the notice names a concrete last day; delivery never shortens it
        computed = deadlines.add_days(delivered_on, proceeding.comments_days)
        proceeding.comments_deadline = max(filter(None, [computed, proceeding.comments_deadline]))
        proceeding.save(update_fields=["comments_deadline"])
        _set_phase(proceeding, Phase.COMMENTS, actor=actor)
    elif document.kind == DOC_OPENING:
        proceeding.received_on = delivered_on
        proceeding.save(update_fields=["received_on"])
        record_event(case=case, actor=actor, action="opened_ex_officio",
                     summary=f"Řízení z moci úřední zahájeno doručením oznámení dne {czech_date(delivered_on)}")
        _set_phase(proceeding, Phase.ASSESSMENT, actor=actor)
    elif document.kind in DECISION_KINDS:
        proceeding.decision_delivered_on = delivered_on
        proceeding.appeal_deadline = deadlines.appeal_deadline(delivered_on)
        proceeding.save(update_fields=["decision_delivered_on", "appeal_deadline"])
        set_case_state(case=case, state=Case.State.DECIDED, detail="lhůta k odvolání", actor=actor)
        _set_phase(proceeding, Phase.APPEAL_PERIOD, actor=actor)
    refresh_deadline(proceeding, actor=actor)


# ------------------------------------------------------------------ assessment and decision


@transaction.atomic
def assessment_record(
    *, proceeding: Proceeding, answers: dict[str, tuple[bool, str]] | None = None, proposal: str, reasoning: str = "",
    omit_reasoning: bool = False, extension_days: int = 0, extension_ground: str = "", extension_note: str = "",
    comments_days: int | None = None, actor=None,
) -> None:
    """Material assessment: conditions checklist with notes, optional extension, proposal."""
    _ensure_not_suspended(proceeding)
    if proceeding.phase not in (Phase.ASSESSMENT, Phase.CHECK):
        raise _err("Řízení není ve fázi posouzení.")
    ex_officio = proceeding.kind == Proceeding.Kind.CANCELLATION and proceeding.ex_officio
    allowed = (Outcome.GRANTED, Outcome.TERMINATED) if ex_officio else (Outcome.GRANTED, Outcome.REFUSED)
    if proposal not in allowed:
        raise _err("Zvolte návrh: zrušit registraci, nebo řízení zastavit (důvod se nepotvrdil, § 66 odst. 2 "
                   "správního řádu)." if ex_officio else "Zvolte návrh rozhodnutí: vyhovět, nebo zamítnout.", "proposal")
    if proposal == Outcome.TERMINATED and not reasoning.strip():
        raise _err("Uveďte, proč se důvod zrušení registrace nepotvrdil.", "reasoning")
    answers = answers or {}
    items = _checklist_for(proceeding, ChecklistItem.Stage.CONDITIONS) if proceeding.kind != Proceeding.Kind.CANCELLATION else []
    unanswered = [i.label for i in items if i.code not in answers]
    if unanswered:
        raise _err("Vyplňte všechny podmínky registrace: " + "; ".join(unanswered))
    failed = [i.label for i in items if not answers[i.code][0]]
    if proceeding.kind != Proceeding.Kind.CANCELLATION and proposal == Outcome.GRANTED and failed:
        raise _err("Nelze navrhnout vyhovění, když nejsou splněny podmínky: " + "; ".join(failed))
    if proposal == Outcome.REFUSED and not reasoning.strip():
        raise _err("Zamítnutí musí být odůvodněno.", "reasoning")
    if proposal == Outcome.REFUSED and items and not failed:
        raise _err("Zamítnutí cituje podmínku registrace, která není splněna (§ 79 odst. 1 s písmenem nebo § 80): "
                   "označte ji v kontrolním seznamu podmínek.", "answers")
    if extension_days:
        grounds = dict(deadlines.EXTENSION_GROUNDS)
        if extension_ground not in grounds:
            raise _err("Prodloužení lhůty musí mít důvod (místní šetření, ústní jednání, předvolání, "
                       "znalecký posudek, zvlášť složitý případ).", "extension_ground")
        if extension_days < 0:
            raise _err("Počet dní prodloužení nemůže být záporný.", "extension_days")
        if extension_ground == deadlines.EXPERT_OPINION:
            # § 71 odst. 3 písm. b): the time the expert opinion takes, no 30-day cap
            if extension_days > 365:
                raise _err("Doba zpracování znaleckého posudku nad jeden rok není pravděpodobná; zkontrolujte ji.",
                           "extension_days")
        else:
            already = sum(e.days for e in proceeding.case.extensions.exclude(ground=deadlines.EXPERT_OPINION))
            if already + extension_days > deadlines.MAX_EXTENSION_DAYS:
                raise _err(f"Lhůtu k vydání rozhodnutí lze z důvodů § 71 odst. 3 písm. a) správního řádu prodloužit "
                           f"nejvýše o 30 dní (už prodlouženo o {already}).", "extension_days")
        Extension.objects.create(case=proceeding.case, days=extension_days, ground=extension_ground, note=extension_note,
                                 recorded_by=actor if getattr(actor, "is_authenticated", False) else None)
        record_event(case=proceeding.case, actor=actor, action="extension",
                     summary=f"Lhůta k vydání rozhodnutí prodloužena o {extension_days} dní: {grounds[extension_ground]}",
                     after={"days": extension_days, "ground": extension_ground, "note": extension_note})
    for item in items:
        fulfilled, note = answers[item.code]
        ChecklistAnswer.objects.update_or_create(
            proceeding=proceeding, item=item,
            defaults={"fulfilled": bool(fulfilled), "note": note or "", "checked_at": timezone.now(),
                      "checked_by": actor if getattr(actor, "is_authenticated", False) else None},
        )
    before = {"proposal": proceeding.proposal}
    proceeding.proposal = proposal
    proceeding.reasoning = reasoning.strip()
    proceeding.omit_reasoning = bool(omit_reasoning) and proposal == Outcome.GRANTED
    proceeding.assessment_note = "; ".join(f"{i.label}: {answers[i.code][1]}" for i in items if answers[i.code][1])
    if comments_days is not None:
        if not 1 <= int(comments_days) <= 60:
            raise _err("Lhůta k vyjádření k podkladům musí být 1 až 60 dní.", "comments_days")
        proceeding.comments_days = int(comments_days)
    proceeding.save()
    record_event(case=proceeding.case, actor=actor, action="assessment",
                 summary=f"Posouzení: návrh – {proceeding.get_proposal_display()}", before=before,
                 after={"proposal": proposal, "failed": failed})
    _set_phase(proceeding, Phase.ASSESSMENT, actor=actor)
    refresh_deadline(proceeding, actor=actor)


def evidence_notice_needed(proceeding: Proceeding) -> bool:
    """§ 36 odst. 3 notice before a refusal and before an ex officio cancellation — never before
    an outcome in the party's favour (the ex officio proceeding stopped because its grounds failed)."""
    if proceeding.proposal == Outcome.REFUSED:
        return True
    return (proceeding.kind == Proceeding.Kind.CANCELLATION and proceeding.ex_officio
            and proceeding.proposal == Outcome.GRANTED)


@transaction.atomic
def comments_record(*, proceeding: Proceeding, comments: str = "", comments_answer: str = "", actor=None) -> None:
    """The parties' comments on the evidence (or the note that none came), and how the office
    deals with them — the reasons of the decision answer them (§ 68 odst. 3 správního řádu)."""
    if proceeding.phase != Phase.COMMENTS:
        raise _err("Seznámení s podklady rozhodnutí ještě nebylo doručeno.")
    if comments.strip() and not comments_answer.strip():
        raise _err("Účastník se vyjádřil: uveďte, jak se s jeho vyjádřením správní orgán vypořádá "
                   "(§ 68 odst. 3 správního řádu).", "comments_answer")
    proceeding.comments = comments.strip()
    proceeding.comments_answer = comments_answer.strip()
    proceeding.save(update_fields=["comments", "comments_answer"])
    record_event(case=proceeding.case, actor=actor, action="comments",
                 summary="Vyjádření účastníka k podkladům: " + (comments.strip()[:200] or "nepodáno"))
    _set_phase(proceeding, Phase.DECISION, actor=actor)
    refresh_deadline(proceeding, actor=actor)


def decision_document_kind(proceeding: Proceeding) -> str:
    if proceeding.proposal == Outcome.TERMINATED:
        return DOC_TERMINATION
    if proceeding.proposal == Outcome.REFUSED:
        return DOC_DECISION_REFUSAL
    if is_partial_cancellation(proceeding):
        return DOC_DECISION_CHANGE
    return {
        Proceeding.Kind.REGISTRATION: DOC_DECISION_REGISTRATION,
        Proceeding.Kind.CHANGE: DOC_DECISION_CHANGE,
        Proceeding.Kind.CANCELLATION: DOC_DECISION_CANCELLATION,
    }[proceeding.kind]


def decision_guard(proceeding: Proceeding) -> None:
    """A decision may not be issued while the proceeding is suspended."""
    if proceeding.is_suspended:
        raise _err("Rozhodnutí nelze vydat, dokud je řízení přerušeno.")
    if proceeding.proposal not in (Outcome.GRANTED, Outcome.REFUSED, Outcome.TERMINATED):
        raise _err("Chybí návrh rozhodnutí.")


def decision_noted_in_file(proceeding: Proceeding) -> bool:
    """The ex officio usnesení o zastavení is, by the catalogue, only noted in the file (§ 66 odst. 3):
    no delivery, no appeal period. The lawyer flips ``delivery`` in the catalogue if it is delivered."""
    from workflows.acts import current

    if not (proceeding.ex_officio and proceeding.proposal == Outcome.TERMINATED):
        return False
    return current("reg_termination_ex_officio").delivery == "file_note"


@transaction.atomic
def decision_issued(*, proceeding: Proceeding, document: Document, actor=None) -> None:
    """Called by the worker after the decision document is stored."""
    if proceeding.decided_on is None or proceeding.phase != Phase.DECISION:
        proceeding.decided_on = document.created_at.date()
        proceeding.save(update_fields=["decided_on"])
    _set_phase(proceeding, Phase.DECISION, actor=actor)
    if decision_noted_in_file(proceeding) and proceeding.final_on is None:
        proceeding.final_on = proceeding.decided_on
        proceeding.save(update_fields=["final_on"])
        record_event(case=proceeding.case, actor=actor, action="noted_in_file", document=document,
                     summary=f"Usnesení o zastavení řízení poznamenáno do spisu dne {czech_date(proceeding.final_on)} "
                             "(§ 66 odst. 3 správního řádu); účastník se vyrozumí")
    refresh_deadline(proceeding, actor=actor)


# ------------------------------------------------------------------ appeal and finality


@transaction.atomic
def appeal_period_record(
    *, proceeding: Proceeding, appeal_received_on: date | None = None, final_on: date | None = None,
    waived_on: date | None = None, actor=None,
) -> Appeal | None:
    """After the appeal period: record an appeal, or confirm finality (never automatic)."""
    delivered = proceeding.decision_delivered_on
    if delivered is None or proceeding.phase != Phase.APPEAL_PERIOD:
        raise _err("Rozhodnutí ještě nebylo doručeno.")
    if appeal_received_on is not None:
        if final_on is not None:
            raise _err("Zadejte buď odvolání, nebo právní moc, ne obojí.")
        if appeal_received_on < delivered:
            raise _err(f"Odvolání nemohlo přijít ({czech_date(appeal_received_on)}) před doručením rozhodnutí "
                       f"({czech_date(delivered)}).", "appeal_received_on")
        if appeal_received_on > timezone.localdate():
            raise _err("Datum doručení odvolání nemůže být v budoucnosti.", "appeal_received_on")
        appeal = Appeal.objects.create(
            proceeding=proceeding, received_on=appeal_received_on, forward_by=deadlines.add_days(appeal_received_on, 30),
        )
        late = appeal_received_on > proceeding.appeal_deadline
        record_event(case=proceeding.case, actor=actor, action="appeal",
                     summary=f"Podáno odvolání dne {czech_date(appeal_received_on)}" + (" (po lhůtě)" if late else ""),
                     after={"received_on": appeal_received_on, "late": late})
        set_case_state(case=proceeding.case, state=Case.State.OPEN, detail="odvolání", actor=actor)
        _set_phase(proceeding, Phase.APPEAL, actor=actor)
        refresh_deadline(proceeding, actor=actor)
        return appeal
    finality_confirm(proceeding=proceeding, final_on=final_on, waived_on=waived_on, actor=actor)
    return None


@transaction.atomic
def finality_confirm(*, proceeding: Proceeding, final_on: date | None, waived_on: date | None = None,
                     after_appeal: bool = False, actor=None) -> None:
    """The officer confirms the day of finality (právní moc)."""
    if final_on is None:
        raise _err("Zadejte den nabytí právní moci.", "final_on")
    delivered = proceeding.decision_delivered_on
    if delivered is None:
        raise _err("Rozhodnutí ještě nebylo doručeno.")
    if final_on > timezone.localdate():
        raise _err("Právní moc nelze potvrdit dopředu.", "final_on")
    if not after_appeal:
        if waived_on is not None and waived_on < delivered:
            raise _err("Odvolání se lze vzdát až po doručení rozhodnutí.", "waived_on")
        earliest = deadlines.finality_date(delivered, waived_on=waived_on)
        if final_on < earliest:
            raise _err(f"Rozhodnutí může nabýt právní moci nejdříve {czech_date(earliest)} "
                       f"(lhůta k odvolání končí {czech_date(proceeding.appeal_deadline)}).", "final_on")
    elif final_on < delivered:
        raise _err("Právní moc nemůže předcházet doručení rozhodnutí.", "final_on")
    proceeding.final_on = final_on
    proceeding.waived_on = waived_on
    proceeding.final_confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    proceeding.save(update_fields=["final_on", "waived_on", "final_confirmed_by"])
    record_event(case=proceeding.case, actor=actor, action="finality",
                 summary=f"Právní moc potvrzena ke dni {czech_date(final_on)}",
                 after={"final_on": final_on, "waived_on": waived_on})


@transaction.atomic
def appeal_route(*, appeal: Appeal, route: str, note: str = "", forwarded_on: date | None = None, actor=None) -> None:
    """§ 87: the office grants the appeal itself; § 88: forwards the file to the ministry."""
    if appeal.outcome != Appeal.Outcome.PENDING:
        raise _err("O postupu v tomto odvolání už bylo rozhodnuto.")
    forwarded_on = forwarded_on or timezone.localdate()
    if forwarded_on < appeal.received_on or forwarded_on > timezone.localdate():
        raise _err("Datum postoupení musí být mezi doručením odvolání a dneškem.", "forwarded_on")
    proceeding = appeal.proceeding
    if route == Appeal.Outcome.AUTOREMEDY:
        appeal.outcome = Appeal.Outcome.AUTOREMEDY
        appeal.outcome_on = forwarded_on
        appeal.note = note
        appeal.save()
        record_event(case=proceeding.case, actor=actor, action="appeal_autoremedy",
                     summary="Odvolání vyhověno v plném rozsahu (§ 87 správního řádu); vydá se nové rozhodnutí")
        _reopen(proceeding, actor=actor)
    elif route == Appeal.Outcome.FORWARDED:
        appeal.outcome = Appeal.Outcome.FORWARDED
        appeal.forwarded_on = forwarded_on
        appeal.note = note
        appeal.save()
        record_event(case=proceeding.case, actor=actor, action="appeal_forwarded",
                     summary=f"Spis postoupen odvolacímu orgánu (§ 88) dne {czech_date(appeal.forwarded_on)}")
        refresh_deadline(proceeding, actor=actor)
    else:
        raise _err("Zvolte postup: vyhovět v autoremeduře (§ 87), nebo postoupit ministerstvu (§ 88).", "route")


@transaction.atomic
def appeal_outcome_record(*, appeal: Appeal, outcome: str, outcome_on: date, final_on: date | None = None,
                          note: str = "", actor=None) -> None:
    """The ministry's decision on a forwarded appeal: upheld → finality; annulled → continue."""
    if appeal.outcome != Appeal.Outcome.FORWARDED:
        raise _err("Odvolání nebylo postoupeno ministerstvu.")
    if outcome not in (Appeal.Outcome.UPHELD, Appeal.Outcome.ANNULLED):
        raise _err("Zvolte výsledek odvolacího řízení.", "outcome")
    if outcome_on is None or outcome_on < appeal.forwarded_on:
        raise _err("Rozhodnutí o odvolání nemůže předcházet postoupení spisu.", "outcome_on")
    proceeding = appeal.proceeding
    if outcome == Appeal.Outcome.UPHELD and final_on is None:
        raise _err("Zadejte den nabytí právní moci (doručení rozhodnutí o odvolání).", "final_on")
    if final_on is not None and final_on < outcome_on:
        raise _err("Právní moc nemůže předcházet rozhodnutí o odvolání.", "final_on")
    appeal.outcome = outcome
    appeal.outcome_on = outcome_on
    appeal.note = note
    appeal.save()
    record_event(case=proceeding.case, actor=actor, action="appeal_outcome",
                 summary=f"Odvolací orgán: {appeal.get_outcome_display()} ({czech_date(outcome_on)})")
    if outcome == Appeal.Outcome.UPHELD:
        finality_confirm(proceeding=proceeding, final_on=final_on, after_appeal=True, actor=actor)
    else:
        _reopen(proceeding, actor=actor)


def _reopen(proceeding: Proceeding, *, actor=None) -> None:
    """The decision is gone (autoremedy or annulled): the proceeding continues."""
    before = {"proposal": proceeding.proposal, "decided_on": proceeding.decided_on}
    proceeding.decided_on = None
    proceeding.decision_delivered_on = None
    proceeding.appeal_deadline = None
    if proceeding.proposal == Outcome.TERMINATED:
        proceeding.proposal = Outcome.PENDING
    proceeding.save(update_fields=["decided_on", "decision_delivered_on", "appeal_deadline", "proposal"])
    set_case_state(case=proceeding.case, state=Case.State.OPEN, detail="řízení pokračuje", actor=actor)
    record_event(case=proceeding.case, actor=actor, action="reopened", summary="Řízení pokračuje", before=before)
    next_phase = Phase.ASSESSMENT if proceeding.kind == Proceeding.Kind.CANCELLATION or proceeding.proposal != Outcome.PENDING else Phase.CHECK
    _set_phase(proceeding, next_phase, actor=actor)
    refresh_deadline(proceeding, actor=actor)


def last_decision(proceeding: Proceeding) -> Document | None:
    return (Document.objects.filter(case=proceeding.case, kind__in=DECISION_KINDS)
            .order_by("-created_at", "-pk").first())


@transaction.atomic
def proceeding_finalize(*, proceeding: Proceeding, actor=None) -> None:
    """Finality confirmed: write the outcome to the registry and close the case."""
    if proceeding.final_on is None:
        raise _err("Právní moc nebyla potvrzena.")
    if proceeding.phase == Phase.FINAL:
        return
    document = last_decision(proceeding)
    case = proceeding.case
    outcome = {Outcome.GRANTED: Outcome.GRANTED, Outcome.REFUSED: Outcome.REFUSED}.get(proceeding.proposal, Outcome.TERMINATED)
    proceeding.outcome = outcome
    proceeding.save(update_fields=["outcome"])
    if outcome == Outcome.GRANTED:
        if proceeding.kind == Proceeding.Kind.REGISTRATION:
            _registry_register(proceeding, document, actor=actor)
        elif proceeding.kind == Proceeding.Kind.CHANGE:
            _registry_change(proceeding, document, actor=actor)
        else:
            _registry_cancel(proceeding, document, actor=actor)
    _set_phase(proceeding, Phase.FINAL, actor=actor)
    label = {
        Outcome.GRANTED: "vyhověno",
        Outcome.REFUSED: "žádost zamítnuta",
        Outcome.TERMINATED: "řízení zastaveno",
    }[outcome]
    set_case_deadline(case=case, deadline=None, actor=actor, reason="řízení skončilo")
    set_case_state(case=case, state=Case.State.CLOSED, detail=f"pravomocně: {label}", actor=actor,
                   summary=f"Řízení pravomocně skončilo ({label}) dne {czech_date(proceeding.final_on)}")


def _registry_register(proceeding: Proceeding, document, *, actor=None) -> None:
    provider = proceeding.provider
    for item in proceeding.services.all():
        service = RegisteredService.objects.create(
            provider=provider, service_type=item.service_type, form=item.form, age_from=item.age_from,
            age_to=item.age_to, place=item.place, territory=item.territory, capacity=item.capacity,
            provided_from=max(item.start_on, proceeding.final_on) if item.start_on else proceeding.final_on,
            registered_on=proceeding.final_on, registration_case=proceeding.case,
        )
        service.target_groups.set(item.target_groups.all())
        _version(provider=provider, service=service, case=proceeding.case, document=document, action="registered",
                 summary=f"Registrována služba {service.service_type} ({service.get_form_display()})",
                 before=None, after=service_snapshot(service), actor=actor)


def _registry_change(proceeding: Proceeding, document, *, actor=None) -> None:
    for item in proceeding.services.select_related("registered_service"):
        service = item.registered_service
        before = service_snapshot(service)
        for field in ("service_type", "form", "age_from", "age_to", "place", "territory", "capacity"):
            setattr(service, field, getattr(item, field))
        service.save()
        service.target_groups.set(item.target_groups.all())
        _version(provider=service.provider, service=service, case=proceeding.case, document=document, action="changed",
                 summary=f"Změna registrace služby {service.service_type} od {czech_date(proceeding.final_on)}",
                 before=before, after=service_snapshot(service), actor=actor)


def _registry_cancel(proceeding: Proceeding, document, *, actor=None) -> None:
    for service in proceeding.cancel_services.all():
        before = service_snapshot(service)
        service.state = RegisteredService.State.CLOSED
        service.closed_on = proceeding.final_on
        service.save(update_fields=["state", "closed_on"])
        _version(provider=service.provider, service=service, case=proceeding.case, document=document, action="cancelled",
                 summary=f"Registrace služby {service.service_type} zrušena ke dni {czech_date(proceeding.final_on)}",
                 before=before, after=service_snapshot(service), actor=actor)


@transaction.atomic
def service_set_national_id(*, service: RegisteredService, national_id: str, actor=None) -> RegisteredService:
    """Store the identifier issued by the national registry of providers (§ 85)."""
    national_id = (national_id or "").strip()
    if not NATIONAL_ID_RE.fullmatch(national_id):
        raise _err("Identifikátor služby z registru poskytovatelů má 7 číslic.", "national_id")
    clash = RegisteredService.objects.filter(national_id=national_id).exclude(pk=service.pk).first()
    if clash:
        raise _err(f"Identifikátor {national_id} už má služba {clash}.", "national_id")
    before = service_snapshot(service)
    service.national_id = national_id
    service.save(update_fields=["national_id"])
    _version(provider=service.provider, service=service, case=service.registration_case, action="identifier",
             summary=f"Identifikátor služby (§ 85): {national_id}", before=before, after=service_snapshot(service),
             actor=actor)
    return service


# ------------------------------------------------------------------ notices of changes (A2a)


@transaction.atomic
def change_notice_receive(
    *, ico: str, change_date: date, received_on: date | None = None, items: list[dict], service: RegisteredService | None = None,
    acknowledge: bool = False, actor=None, submission_key: str | None = None,
) -> ChangeNotice:
    """Notice of changes (§ 82 odst. 1): flagged late by the deadlines rule, never rejected."""
    ico = validate_ico(ico)
    provider = Provider.objects.filter(ico=ico).first()
    if provider is None or not provider.is_registered:
        raise _err(f"Poskytovatel s IČO {ico} není v registru poskytovatelů; oznámení změn nelze přijmout.", "ico")
    if service is not None and (service.provider_id != provider.pk or service.state != RegisteredService.State.ACTIVE):
        raise _err("Oznámení se musí týkat registrované služby tohoto poskytovatele.", "service")
    received_on = received_on or timezone.localdate()
    if change_date is None:
        raise _err("Zadejte datum změny.", "change_date")
    if received_on > timezone.localdate():
        raise _err("Datum doručení nemůže být v budoucnosti.", "received_on")
    if not items:
        raise _err("Oznámení musí obsahovat alespoň jeden změněný údaj.", "items")
    kinds = set(ChangeNoticeItem.Kind.values)
    for item in items:
        if item.get("kind") not in kinds:
            raise _err(f"Neznámý druh změny: {item.get('kind')!r}.", "items")
        if not (item.get("description") or "").strip():
            raise _err("Každý změněný údaj musí mít popis.", "items")
    if submission_key and ChangeNotice.objects.filter(submission_key=submission_key).exists():
        raise _err(DUPLICATE_NOTICE)
    due = deadlines.change_notice_deadline(change_date)
    late = deadlines.is_change_notice_late(change_date, received_on)
    case = case_open(
        kind=Case.Kind.CHANGE_NOTICE, title=f"Oznámení změn – {provider.name}", actor=actor, applicant_name=provider.name,
        ico=provider.ico or "", received_on=received_on, parties=[provider.party()],
        deadline=deadlines.add_days(received_on, 30),
    )
    try:
        with transaction.atomic():
            notice = ChangeNotice.objects.create(
                case=case, provider=provider, service=service, change_date=change_date, received_on=received_on,
                due_on=due, is_late=late, acknowledge=acknowledge, submission_key=submission_key or None,
            )
    except IntegrityError:
        raise _err(DUPLICATE_NOTICE)
    for item in items:
        upload = item.get("file")
        if upload is not None:
            _check_upload(upload)
        row = ChangeNoticeItem.objects.create(
            notice=notice, kind=item["kind"], description=item["description"].strip(),
            attachment=item.get("attachment", "") or (upload.name if upload is not None else ""),
            personal_data=bool(item.get("personal_data")) or item["kind"] == ChangeNoticeItem.Kind.STAFF,
        )
        if upload is not None:
            from workflows.documents import store_document

            # incoming documents may name staff (clean record, qualification): never shown to readers
            store_document(case=case, kind="reg_notice_attachment", title=f"Příloha oznámení: {row.get_kind_display()}",
                           content=upload.read(), filename=upload.name, actor=actor, personal_data=True)
    record_event(
        case=case, actor=actor, action="submission",
        summary=f"Přijato oznámení změn ze dne {czech_date(change_date)}"
                + (f" – OPOŽDĚNÉ (lhůta do {czech_date(due)})" if late else ""),
        after={"change_date": change_date, "received_on": received_on, "due_on": due, "late": late,
               "items": [{"kind": i["kind"], "description": i["description"]} for i in items]},
    )
    return notice


def _check_upload(upload) -> None:
    from django.conf import settings

    name = (getattr(upload, "name", "") or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    allowed = [e.strip().lower() for e in settings.OSV_UPLOAD_EXTENSIONS]
    if extension not in allowed:
        raise _err(f"Přílohu „{upload.name}“ nelze přijmout: povolené formáty jsou {', '.join(allowed)}.", "file")
    if upload.size > settings.OSV_UPLOAD_MAX_BYTES:
        raise _err(f"Příloha „{upload.name}“ je větší než {settings.OSV_UPLOAD_MAX_BYTES // (1024 * 1024)} MB.", "file")


@transaction.atomic
def change_notice_record(*, notice: ChangeNotice, note: str = "", provider_updates: dict | None = None, actor=None) -> None:
    """The officer checked the documents: the registry records the changes (versioned).

    ``provider_updates``: contact data of the provider that the notice changes (e-mail, phone,
    statutory body, data box); each applied with its own before → after version.
    """
    if notice.status != ChangeNotice.Status.RECEIVED:
        raise _err("Oznámení už bylo vyřízeno.")
    updates = {k: (v or "").strip() for k, v in (provider_updates or {}).items() if (v or "").strip()}
    unknown = set(updates) - NOTICE_PROVIDER_FIELDS
    if unknown:
        raise _err("Oznámením změn lze měnit jen kontaktní údaje poskytovatele.")
    if "data_box" in updates and not re.fullmatch(r"[a-z0-9]{7}", updates["data_box"].lower()):
        raise _err("ID datové schránky má 7 znaků (písmena a číslice).", "data_box")
    if "email" in updates:
        from django.core.validators import validate_email

        try:
            validate_email(updates["email"])
        except ValidationError:
            raise _err("Neplatná e-mailová adresa.", "email")
    if updates:
        provider = notice.provider
        before = {k: getattr(provider, k) for k in updates}
        for key, value in updates.items():
            setattr(provider, key, value.lower() if key == "data_box" else value)
        provider.save(update_fields=list(updates))
        _version(provider=provider, case=notice.case, action="provider_changed",
                 summary="Změna údajů poskytovatele z oznámení změn", before=before,
                 after={k: getattr(provider, k) for k in updates}, actor=actor)
    items = [{"kind": i.kind, "description": i.description, "attachment": i.attachment} for i in notice.items.all()]
    _version(provider=notice.provider, service=notice.service, case=notice.case, action="notice",
             summary=f"Oznámení změn ze dne {czech_date(notice.change_date)}" + (" (opožděné)" if notice.is_late else ""),
             before=None, after={"change_date": notice.change_date, "items": items, "late": notice.is_late}, actor=actor)
    notice.status = ChangeNotice.Status.RECORDED
    notice.check_note = note
    notice.save(update_fields=["status", "check_note"])
    record_event(case=notice.case, actor=actor, action="notice_recorded", summary="Změny zapsány do rejstříku")


@transaction.atomic
def change_notice_close(*, notice: ChangeNotice, actor=None) -> None:
    set_case_deadline(case=notice.case, deadline=None, actor=actor, reason="vyřízeno")
    set_case_state(case=notice.case, state=Case.State.CLOSED,
                   detail="převedeno na žádost o změnu" if notice.status == ChangeNotice.Status.CONVERTED else "zapsáno",
                   actor=actor)


@transaction.atomic
def change_notice_convert(*, notice: ChangeNotice, services: list[dict], note: str = "", actor=None) -> Proceeding:
    """The notice asks for decision data: turn it into an application to change the registration."""
    if notice.status != ChangeNotice.Status.RECEIVED:
        raise _err("Oznámení už bylo vyřízeno.")
    provider = notice.provider
    proceeding = application_receive(
        kind=Proceeding.Kind.CHANGE, provider=provider_identity(provider),
        services=services, received_on=notice.received_on, actor=actor,
    )
    notice.status = ChangeNotice.Status.CONVERTED
    notice.converted_to = proceeding.case
    notice.check_note = note
    notice.save(update_fields=["status", "converted_to", "check_note"])
    record_event(case=notice.case, actor=actor, action="converted",
                 summary=f"Oznámení převedeno na žádost o změnu registrace {proceeding.case.file_mark}")
    record_event(case=proceeding.case, actor=actor, action="converted_from",
                 summary=f"Vzniklo z oznámení změn {notice.case.file_mark}")
    return proceeding


def provider_identity(provider: Provider) -> dict:
    """The provider's identification as an intake takes it (reused by IČO, or a natural person's)."""
    return {"ico": provider.ico, "name": provider.name, "address": provider.address,
            "is_natural_person": provider.is_natural_person, "birth_date": provider.birth_date,
            "residence_address": provider.residence_address, "business_address": provider.business_address}


def change_services_from_registered(service: RegisteredService, **changes) -> dict:
    """Helper: the current data of a registered service with some values changed (for A2b)."""
    data = {
        "registered_service": service, "service_type": service.service_type, "form": service.form,
        "target_groups": list(service.target_groups.all()), "age_from": service.age_from, "age_to": service.age_to,
        "place": service.place, "territory": service.territory, "capacity": service.capacity,
        "start_on": None,
    }
    data.update(changes)
    return data

