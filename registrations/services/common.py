"""Shared by the registration services: input cleaning, registry versions, phase and the case deadline."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from workflows.validators import clean_ico, field_error
from workflows.history import record_event, set_case_deadline
from workflows.models import ServiceType, TargetGroup

from ..models import (
    RegistrationEvent,
    Appeal,
    Proceeding,
    RegistryVersion,
    ServiceForm,
)
from registrations.models import RegistrationCaseKind
from ..selectors import current_decision_deadline


Phase = Proceeding.Phase


Outcome = Proceeding.Outcome


CASE_KIND_OF_PROCEEDING = {
    Proceeding.Kind.REGISTRATION: RegistrationCaseKind.REGISTRATION,
    Proceeding.Kind.CHANGE: RegistrationCaseKind.CHANGE_APPLICATION,
    Proceeding.Kind.CANCELLATION: RegistrationCaseKind.CANCELLATION,
}


DUPLICATE_APPLICATION = gettext_lazy("Tato žádost už byla podána (opakované odeslání formuláře); podruhé se nezapsala.")


DUPLICATE_NOTICE = gettext_lazy("Toto oznámení už bylo podáno (opakované odeslání formuláře); podruhé se nezapsalo.")


NATIONAL_ID_RE = re.compile(r"^\d{7}$")


NOTICE_PROVIDER_FIELDS = {"email", "phone", "statutory_body", "data_box"}


def validate_ico(ico: str | None, *, natural_person: bool = False) -> str | None:
    """IČO: 8 digits with the mod-11 check digit; optional for a natural person without one."""
    try:
        ico = clean_ico(ico)
    except ValidationError as exc:
        raise field_error(exc.messages[0], "ico") from None
    if not ico:
        if natural_person:
            return None
        raise field_error(gettext("Zadejte IČO (bez IČO lze podat žádost jen jako fyzická osoba)."), "ico")
    return ico


def _service_type(value) -> ServiceType:
    if isinstance(value, ServiceType):
        return value
    paragraph = str(value or "").strip().lstrip("§").strip()
    try:
        return ServiceType.objects.get(paragraph=paragraph)
    except ServiceType.DoesNotExist:
        raise field_error(gettext('Neznámý druh sociální služby: § {value} není v katalogu (§ 37–70).').format(value=paragraph or '?'), "service_type")


def _target_groups(values) -> list[TargetGroup]:
    groups = []
    for value in values or []:
        if isinstance(value, TargetGroup):
            groups.append(value)
            continue
        group = TargetGroup.objects.filter(code=str(value)).first()
        if group is None:
            raise field_error(gettext('Neznámá cílová skupina: {value}.').format(value=value), "target_groups")
        groups.append(group)
    return groups


def clean_service(data: dict) -> dict:
    """Validate one service of an application; returns cleaned values."""
    service_type = _service_type(data.get("service_type"))
    form = data.get("form")
    if form not in ServiceForm.values:
        raise field_error(gettext('Neznámá forma služby: {form!r} (pobytová, ambulantní, terénní).').format(form=form), "form")
    try:
        capacity = int(data.get("capacity"))
    except (TypeError, ValueError):
        raise field_error(gettext("Kapacita musí být celé číslo."), "capacity")
    if capacity <= 0:
        raise field_error(gettext("Kapacita služby musí být větší než nula."), "capacity")
    age_from, age_to = data.get("age_from"), data.get("age_to")
    if age_from is not None and age_to is not None and int(age_from) > int(age_to):
        raise field_error(gettext('Věkové rozmezí je obrácené: od {age_from} do {age_to} let.').format(age_from=age_from, age_to=age_to), "age_to")
    place = (data.get("place") or "").strip()
    if not place:
        raise field_error(gettext("Zadejte místo poskytování služby."), "place")
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


def registry_version_add(*, provider, action, summary, case=None, service=None, document=None, before=None, after=None, actor=None):
    from workflows.history import _jsonable

    return RegistryVersion.objects.create(
        provider=provider, service=service, case=case, document=document, action=action, summary=summary[:500],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def phase_set(proceeding: Proceeding, phase: str, *, actor=None) -> None:
    if proceeding.phase == phase:
        return
    before = proceeding.get_phase_display()
    proceeding.phase = phase
    proceeding.save(update_fields=["phase"])
    record_event(
        case=proceeding.case, actor=actor, action=RegistrationEvent.PHASE,
        summary=gettext('Fáze řízení: {get_phase_display}').format(get_phase_display=proceeding.get_phase_display()),
        before={"phase": before}, after={"phase": proceeding.get_phase_display()},
    )


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
