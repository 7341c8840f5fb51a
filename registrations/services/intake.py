"""Intake: providers (one per IČO) and the start of proceedings (application, ex officio cancellation)."""

from __future__ import annotations

import re
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from workflows.validators import field_error
from workflows.cases import case_open
from workflows.history import record_event

from ..models import (
    RegistrationEvent,
    Proceeding,
    Provider,
    RegisteredService,
    ServiceApplication,
)
from registrations.models import RegistrationCaseKind
from .common import CASE_KIND_OF_PROCEEDING, DUPLICATE_APPLICATION, Outcome, Phase, clean_service, refresh_deadline, registry_version_add, validate_ico
from ..selectors import provider_snapshot, service_snapshot


@transaction.atomic
def provider_upsert(
    *, name: str, address: str, ico: str | None = None, is_natural_person: bool = False, legal_form: str = "",
    statutory_body: str = "", email: str = "", phone: str = "", data_box: str = "", actor=None,
) -> Provider:
    """One provider per IČO: created at the first intake, reused (contacts refreshed) later."""
    ico = validate_ico(ico, natural_person=is_natural_person)
    name, address = (name or "").strip(), (address or "").strip()
    if not name:
        raise field_error("Zadejte název nebo jméno poskytovatele.", "name")
    if not address:
        raise field_error("Zadejte sídlo nebo adresu poskytovatele.", "address")
    if data_box and not re.fullmatch(r"[a-z0-9]{7}", data_box.strip().lower()):
        raise field_error("ID datové schránky má 7 znaků (písmena a číslice).", "data_box")
    values = {
        "name": name, "address": address, "legal_form": legal_form, "statutory_body": statutory_body,
        "email": email, "phone": phone, "data_box": (data_box or "").strip().lower(), "is_natural_person": is_natural_person,
    }
    provider = Provider.objects.select_for_update().filter(ico=ico).first() if ico else None
    if provider is None:
        try:
            with transaction.atomic():
                provider = Provider.objects.create(ico=ico, **values)
        except IntegrityError:  # the same IČO's first intake arrived concurrently: reuse it
            return Provider.objects.get(ico=ico)
        registry_version_add(provider=provider, action="provider_created", summary=f"Založen poskytovatel {provider.name}",
                 after=provider_snapshot(provider), actor=actor)
    return provider


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
        raise field_error("Neznámý druh žádosti.")
    if not services:
        raise field_error("Žádost musí obsahovat alespoň jednu sociální službu.", "services")
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        raise field_error("Datum doručení žádosti nemůže být v budoucnosti.", "received_on")
    if submission_key and Proceeding.objects.filter(submission_key=submission_key).exists():
        raise field_error(DUPLICATE_APPLICATION)
    cleaned = [clean_service(s) for s in services]
    prov = provider_upsert(actor=actor, **provider)
    targets = []
    if kind == Proceeding.Kind.CHANGE:
        for data in services:
            target = data.get("registered_service")
            if target is None or target.provider_id != prov.pk or target.state != RegisteredService.State.ACTIVE:
                raise field_error("Žádost o změnu registrace se musí týkat registrované služby tohoto poskytovatele.",
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
        raise field_error(DUPLICATE_APPLICATION)
    for index, data in enumerate(cleaned):
        groups = data.pop("target_groups")
        item = ServiceApplication.objects.create(
            proceeding=proceeding, registered_service=targets[index] if targets else None, **data
        )
        item.target_groups.set(groups)
    record_event(
        case=case, actor=actor, action=RegistrationEvent.SUBMISSION,
        summary=f"Přijata {label.lower()}: {len(cleaned)} služ.",
        after={"services": [service_snapshot(s) for s in proceeding.services.all()]},
    )
    refresh_deadline(proceeding, actor=actor)
    return proceeding


@transaction.atomic
def cancellation_open(
    *, provider: Provider, services: list[RegisteredService], ex_officio: bool, grounds: str,
    received_on: date | None = None, actor=None,
) -> Proceeding:
    """Cancellation (A3): on the provider's request, or ex officio (the clock starts at delivery
    of the notice of opening)."""
    services = list(services)
    if not services:
        raise field_error("Vyberte alespoň jednu registrovanou službu, jejíž registrace se ruší.", "services")
    for service in services:
        if service.provider_id != provider.pk or service.state != RegisteredService.State.ACTIVE:
            raise field_error(f"Služba {service} není registrovanou službou tohoto poskytovatele.", "services")
    if not (grounds or "").strip():
        raise field_error("Uveďte důvody zrušení registrace.", "grounds")
    open_cases = Proceeding.objects.filter(
        kind=Proceeding.Kind.CANCELLATION, provider=provider, outcome=Outcome.PENDING, cancel_services__in=services
    )
    if open_cases.exists():
        raise field_error("O zrušení registrace této služby už se vede řízení.")
    received_on = received_on or timezone.localdate()
    case = case_open(
        kind=RegistrationCaseKind.CANCELLATION,
        title=("Zrušení registrace z moci úřední – " if ex_officio else "Žádost o zrušení registrace – ") + provider.name,
        actor=actor, applicant_name=provider.name, ico=provider.ico or "", received_on=received_on,
        parties=[provider.party()],
    )
    proceeding = Proceeding.objects.create(
        case=case, kind=Proceeding.Kind.CANCELLATION, provider=provider, ex_officio=ex_officio, grounds=grounds,
        received_on=None if ex_officio else received_on, phase=Phase.INTAKE if ex_officio else Phase.ASSESSMENT,
    )
    proceeding.cancel_services.set(services)
    record_event(case=case, actor=actor, action=RegistrationEvent.SUBMISSION,
                 summary="Zahájeno řízení o zrušení registrace" + (" z moci úřední" if ex_officio else " na žádost"),
                 after={"services": [s.identifier for s in services], "grounds": grounds})
    refresh_deadline(proceeding, actor=actor)
    return proceeding
