"""Notices of changes (§ 82 odst. 1): receipt, check, record, conversion to an application to change."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from workflows import deadlines
from workflows.validators import field_error
from workflows.cases import case_open
from workflows.formats import czech_date
from workflows.history import record_event, set_case_deadline, set_case_state
from workflows.models import Case

from ..models import (
    RegistrationEvent,
    ChangeNotice,
    ChangeNoticeItem,
    Proceeding,
    Provider,
    RegisteredService,
)
from registrations.models import RegistrationCaseKind
from .common import DUPLICATE_NOTICE, NOTICE_PROVIDER_FIELDS, registry_version_add, validate_ico
from .intake import application_receive
from ..selectors import change_services_from_registered, provider_identity


@transaction.atomic
def change_notice_receive(
    *, ico: str, change_date: date, received_on: date | None = None, items: list[dict], service: RegisteredService | None = None,
    acknowledge: bool = False, actor=None, submission_key: str | None = None,
) -> ChangeNotice:
    """Notice of changes (§ 82 odst. 1): flagged late by the deadlines rule, never rejected."""
    ico = validate_ico(ico)
    provider = Provider.objects.filter(ico=ico).first()
    if provider is None or not provider.is_registered:
        raise field_error(f"Poskytovatel s IČO {ico} není v registru poskytovatelů; oznámení změn nelze přijmout.", "ico")
    if service is not None and (service.provider_id != provider.pk or service.state != RegisteredService.State.ACTIVE):
        raise field_error("Oznámení se musí týkat registrované služby tohoto poskytovatele.", "service")
    received_on = received_on or timezone.localdate()
    if change_date is None:
        raise field_error("Zadejte datum změny.", "change_date")
    if received_on > timezone.localdate():
        raise field_error("Datum doručení nemůže být v budoucnosti.", "received_on")
    if not items:
        raise field_error("Oznámení musí obsahovat alespoň jeden změněný údaj.", "items")
    kinds = set(ChangeNoticeItem.Kind.values)
    for item in items:
        if item.get("kind") not in kinds:
            raise field_error(f"Neznámý druh změny: {item.get('kind')!r}.", "items")
        if not (item.get("description") or "").strip():
            raise field_error("Každý změněný údaj musí mít popis.", "items")
    if submission_key and ChangeNotice.objects.filter(submission_key=submission_key).exists():
        raise field_error(DUPLICATE_NOTICE)
    due = deadlines.change_notice_deadline(change_date)
    late = deadlines.is_change_notice_late(change_date, received_on)
    case = case_open(
        kind=RegistrationCaseKind.CHANGE_NOTICE, title=f"Oznámení změn – {provider.name}", actor=actor, applicant_name=provider.name,
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
        raise field_error(DUPLICATE_NOTICE)
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
        case=case, actor=actor, action=RegistrationEvent.SUBMISSION,
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
        raise field_error(f"Přílohu „{upload.name}“ nelze přijmout: povolené formáty jsou {', '.join(allowed)}.", "file")
    if upload.size > settings.OSV_UPLOAD_MAX_BYTES:
        raise field_error(f"Příloha „{upload.name}“ je větší než {settings.OSV_UPLOAD_MAX_BYTES // (1024 * 1024)} MB.", "file")


@transaction.atomic
def change_notice_record(*, notice: ChangeNotice, note: str = "", provider_updates: dict | None = None, actor=None) -> None:
    """The officer checked the documents: the registry records the changes (versioned).

    ``provider_updates``: contact data of the provider that the notice changes (e-mail, phone,
    statutory body, data box); each applied with its own before → after version.
    """
    if notice.status != ChangeNotice.Status.RECEIVED:
        raise field_error("Oznámení už bylo vyřízeno.")
    updates = {k: (v or "").strip() for k, v in (provider_updates or {}).items() if (v or "").strip()}
    unknown = set(updates) - NOTICE_PROVIDER_FIELDS
    if unknown:
        raise field_error("Oznámením změn lze měnit jen kontaktní údaje poskytovatele.")
    if "data_box" in updates and not re.fullmatch(r"[a-z0-9]{7}", updates["data_box"].lower()):
        raise field_error("ID datové schránky má 7 znaků (písmena a číslice).", "data_box")
    if "email" in updates:
        from django.core.validators import validate_email

        try:
            validate_email(updates["email"])
        except ValidationError:
            raise field_error("Neplatná e-mailová adresa.", "email")
    if updates:
        provider = notice.provider
        before = {k: getattr(provider, k) for k in updates}
        for key, value in updates.items():
            setattr(provider, key, value.lower() if key == "data_box" else value)
        provider.save(update_fields=list(updates))
        registry_version_add(provider=provider, case=notice.case, action="provider_changed",
                 summary="Změna údajů poskytovatele z oznámení změn", before=before,
                 after={k: getattr(provider, k) for k in updates}, actor=actor)
    items = [{"kind": i.kind, "description": i.description, "attachment": i.attachment} for i in notice.items.all()]
    registry_version_add(provider=notice.provider, service=notice.service, case=notice.case, action="notice",
             summary=f"Oznámení změn ze dne {czech_date(notice.change_date)}" + (" (opožděné)" if notice.is_late else ""),
             before=None, after={"change_date": notice.change_date, "items": items, "late": notice.is_late}, actor=actor)
    notice.status = ChangeNotice.Status.RECORDED
    notice.check_note = note
    notice.save(update_fields=["status", "check_note"])
    record_event(case=notice.case, actor=actor, action=RegistrationEvent.NOTICE_RECORDED, summary="Změny zapsány do rejstříku")


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
        raise field_error("Oznámení už bylo vyřízeno.")
    provider = notice.provider
    proceeding = application_receive(
        kind=Proceeding.Kind.CHANGE, provider=provider_identity(provider),
        services=services, received_on=notice.received_on, actor=actor,
    )
    notice.status = ChangeNotice.Status.CONVERTED
    notice.converted_to = proceeding.case
    notice.check_note = note
    notice.save(update_fields=["status", "converted_to", "check_note"])
    record_event(case=notice.case, actor=actor, action=RegistrationEvent.CONVERTED,
                 summary=f"Oznámení převedeno na žádost o změnu registrace {proceeding.case.file_mark}")
    record_event(case=proceeding.case, actor=actor, action=RegistrationEvent.CONVERTED_FROM,
                 summary=f"Vzniklo z oznámení změn {notice.case.file_mark}")
    return proceeding


def change_notice_check(*, notice: ChangeNotice, action: str, note: str = "", capacity: int | None = None,
                        place: str = "", provider_updates: dict | None = None, actor=None) -> Proceeding | None:
    """The officer's check of a notice: record it, or convert it to an application to change the
    registration (§ 82 odst. 2) with the changed capacity / place; returns the new proceeding."""
    if action != "convert":
        change_notice_record(notice=notice, note=note, provider_updates=provider_updates, actor=actor)
        return None
    if notice.service is None:
        raise field_error("Pro převod na žádost o změnu registrace musí oznámení určovat službu.")
    changes = {}
    if capacity is not None:
        changes["capacity"] = capacity
    if place:
        changes["place"] = place
    return change_notice_convert(notice=notice, services=[change_services_from_registered(notice.service, **changes)],
                                 note=note, actor=actor)
