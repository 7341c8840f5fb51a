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
from ..selectors import cancellation_request_late, is_partial_cancellation, provider_snapshot, service_snapshot
from workflows.formats import czech_date
from workflows.history import set_case_state
from workflows.models import Case


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
        raise field_error("Zadejte název nebo jméno poskytovatele.", "name")
    if not address:
        raise field_error("Zadejte sídlo nebo adresu poskytovatele.", "address")
    residence_address, business_address = (residence_address or "").strip(), (business_address or "").strip()
    if is_natural_person:
        if birth_date is None:
            raise field_error("Fyzickou osobu rozhodnutí označuje i datem narození (§ 68 odst. 2 správního řádu): "
                              "zadejte datum narození.", "birth_date")
        if birth_date >= timezone.localdate() or birth_date.year < 1900:
            raise field_error("Datum narození není platné.", "birth_date")
        residence_address = residence_address or address
        if ico:
            business_address = business_address or address
    else:
        birth_date, residence_address, business_address = None, "", ""
    if data_box and not re.fullmatch(r"[a-z0-9]{7}", data_box.strip().lower()):
        raise field_error("ID datové schránky má 7 znaků (písmena a číslice).", "data_box")
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
    received_on: date | None = None, ground: str = "", service_ends_on: date | None = None, actor=None,
) -> Proceeding:
    """Cancellation (A3): on the provider's request, or ex officio (the clock starts at delivery
    of the notice of opening) on a ground of § 82 odst. 3 with its písmeno.

    On request the application must come at least 3 months before the service ends: a late one
    is accepted and flagged to the officer (it may be an offence, § 107 odst. 2 písm. i)). Ending
    only some of the provider's services is a change of registration (§ 82 odst. 2): the
    proceeding ends by a decision on change (``selectors.decision_document_kind``).
    """
    services = list(services)
    if not services:
        raise field_error("Vyberte alespoň jednu registrovanou službu, jejíž registrace se ruší.", "services")
    for service in services:
        if service.provider_id != provider.pk or service.state != RegisteredService.State.ACTIVE:
            raise field_error(f"Služba {service} není registrovanou službou tohoto poskytovatele.", "services")
    if not (grounds or "").strip():
        raise field_error("Uveďte důvody zrušení registrace.", "grounds")
    if ex_officio and ground not in ("a", "b", "c"):
        raise field_error("Zvolte důvod zrušení registrace z moci úřední podle § 82 odst. 3 (písm. a), b) nebo c)).",
                          "cancellation_ground")
    if not ex_officio:
        ground = "request"
        if service_ends_on is None:
            raise field_error("Uveďte den, kdy poskytovatel ukončí poskytování služby (žádost se podává nejméně "
                              "3 měsíce předem).", "service_ends_on")
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
        cancellation_ground=ground, service_ends_on=None if ex_officio else service_ends_on,
    )
    proceeding.cancel_services.set(services)
    record_event(case=case, actor=actor, action=RegistrationEvent.SUBMISSION,
                 summary="Zahájeno řízení o zrušení registrace" + (" z moci úřední" if ex_officio else " na žádost"),
                 after={"services": [s.identifier for s in services], "grounds": grounds, "ground": ground,
                        "service_ends_on": service_ends_on})
    if cancellation_request_late(proceeding):
        record_event(case=case, actor=actor, action=RegistrationEvent.LATE_CANCELLATION_REQUEST,
                     summary=f"Žádost o zrušení registrace podána méně než 3 měsíce před ukončením poskytování služby "
                             f"({czech_date(service_ends_on)}); může jít o přestupek podle § 107 odst. 2 písm. i) "
                             "zákona o sociálních službách")
        set_case_state(case=case, state=Case.State.OPEN, actor=actor,
                       detail="žádost o zrušení podána později než 3 měsíce před ukončením")
    if is_partial_cancellation(proceeding):
        record_event(case=case, actor=actor, action=RegistrationEvent.PARTIAL_CANCELLATION,
                     summary="Ukončuje se jen část registrovaných služeb: jde o změnu registrace (§ 82 odst. 2); "
                             "vydá se rozhodnutí o změně registrace")
    refresh_deadline(proceeding, actor=actor)
    return proceeding
