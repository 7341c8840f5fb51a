"""Context builders for the agenda's documents (the templates only place values and loop).

Called from the worker jobs of the flows; ``render`` = ``workflows.documents.generate_document``.
"""

from __future__ import annotations

from django.utils import timezone

from workflows.documents import generate_document
from workflows.models import Document
from workflows.region import get_region

from . import models, selectors
from workflows.formats import czech_date, user_label
from .models import Appeal, ChangeNotice, Proceeding, ServiceForm

TITLES = {
    models.DOC_DEFICIENCY: "Výzva k odstranění nedostatků žádosti a usnesení o přerušení řízení",
    models.DOC_TERMINATION: "Usnesení o zastavení řízení",
    models.DOC_EVIDENCE: "Vyrozumění o možnosti seznámit se s podklady rozhodnutí (§ 36 odst. 3 správního řádu)",
    models.DOC_OPENING: "Oznámení o zahájení řízení o zrušení registrace z moci úřední",
    models.DOC_DECISION_REGISTRATION: "Rozhodnutí o registraci",
    models.DOC_DECISION_REFUSAL: "Rozhodnutí o zamítnutí žádosti",
    models.DOC_DECISION_CHANGE: "Rozhodnutí o změně registrace",
    models.DOC_DECISION_CANCELLATION: "Rozhodnutí o zrušení registrace",
    models.DOC_NOTICE_ACK: "Potvrzení o přijetí oznámení změn",
    models.DOC_APPEAL_FORWARD: "Předložení odvolání odvolacímu orgánu",
}

FORM_LABEL = dict(ServiceForm.choices)


def _age(service) -> str:
    if service.age_from is None and service.age_to is None:
        return "bez omezení věku"
    if service.age_to is None:
        return f"od {service.age_from} let"
    if service.age_from is None:
        return f"do {service.age_to} let"
    return f"{service.age_from}–{service.age_to} let"


def service_row(service, *, identifier: str = "", provided_from=None) -> dict:
    groups = ", ".join(g.name for g in service.target_groups.all()) or "neuvedeno"
    return {
        "name": service.service_type.name,
        "paragraph": service.service_type.paragraph,
        "form": str(FORM_LABEL.get(service.form, service.form)),
        "place": service.place,
        "territory": service.territory or service.place,
        "target_groups": groups,
        "age": _age(service),
        "capacity": service.capacity,
        "provided_from": czech_date(provided_from) if provided_from else "ode dne nabytí právní moci rozhodnutí",
        "identifier": identifier,
    }


def _official(actor) -> dict:
    name = user_label(actor)
    return {"official_name": name, "official_function": "referent(ka) registrace poskytovatelů sociálních služeb"}


def proceeding_context(proceeding: Proceeding, *, actor=None) -> dict:
    provider = proceeding.provider
    if proceeding.kind == Proceeding.Kind.CANCELLATION:
        services = [service_row(s, identifier=s.identifier, provided_from=s.provided_from) for s in proceeding.cancel_services.all()]
    else:
        services = []
        for item in proceeding.services.select_related("service_type", "registered_service"):
            identifier = item.registered_service.identifier if item.registered_service else ""
            services.append(service_row(item, identifier=identifier, provided_from=item.start_on))
    region = get_region()
    return {
        "provider": provider,
        "provider_ico": provider.ico or "nemá",
        "proceeding": proceeding,
        "services": services,
        "received_on": czech_date(proceeding.received_on),
        "reasoning": proceeding.reasoning,
        "omit_reasoning": proceeding.omit_reasoning,
        "assessment_note": proceeding.assessment_note,
        "comments": proceeding.comments or "Účastník se k podkladům nevyjádřil.",
        "appeal_days": 15,
        "appeal_authority": region.appeal_authority,
        "office_name": region.office.name,
        **_official(actor),
    }


def _render(proceeding_or_case, *, kind: str, context: dict, source_key: str, actor=None, case=None,
            personal_data: bool = False) -> Document:
    case = case or proceeding_or_case.case
    return generate_document(
        case=case, kind=kind, title=TITLES[kind], template_code=kind, context=context, source_key=source_key, actor=actor,
        personal_data=personal_data,
    )


def render_deficiency(proceeding: Proceeding, *, source_key: str, actor=None) -> Document:
    missing = [
        {"label": a.item.label, "ground": a.item.legal_ground, "note": a.note} for a in selectors.missing_items(proceeding)
    ]
    if proceeding.deficiency_note:
        missing.append({"label": proceeding.deficiency_note, "ground": "§ 45 odst. 2 správního řádu", "note": ""})
    ctx = proceeding_context(proceeding, actor=actor) | {
        "missing": missing,
        "remedy_days": proceeding.remedy_days,
    }
    return _render(proceeding, kind=models.DOC_DEFICIENCY, context=ctx, source_key=source_key, actor=actor)


def render_termination(proceeding: Proceeding, *, source_key: str, actor=None) -> Document:
    ctx = proceeding_context(proceeding, actor=actor) | {
        "remedy_deadline": czech_date(proceeding.remedy_deadline),
    }
    return _render(proceeding, kind=models.DOC_TERMINATION, context=ctx, source_key=source_key, actor=actor)


def render_evidence_notice(proceeding: Proceeding, *, source_key: str, actor=None) -> Document:
    ctx = proceeding_context(proceeding, actor=actor) | {"comments_days": proceeding.comments_days}
    return _render(proceeding, kind=models.DOC_EVIDENCE, context=ctx, source_key=source_key, actor=actor)


def render_opening_notice(proceeding: Proceeding, *, source_key: str, actor=None) -> Document:
    ctx = proceeding_context(proceeding, actor=actor) | {"grounds": proceeding.grounds}
    return _render(proceeding, kind=models.DOC_OPENING, context=ctx, source_key=source_key, actor=actor)


def render_decision(proceeding: Proceeding, *, source_key: str, actor=None) -> Document:
    selectors.decision_guard(proceeding)
    kind = selectors.decision_document_kind(proceeding)
    if kind == models.DOC_TERMINATION:
        return render_termination(proceeding, source_key=source_key, actor=actor)
    ctx = proceeding_context(proceeding, actor=actor) | {"grounds": proceeding.grounds}
    return _render(proceeding, kind=kind, context=ctx, source_key=source_key, actor=actor)


def render_appeal_forward(appeal: Appeal, *, source_key: str, actor=None) -> Document:
    proceeding = appeal.proceeding
    decision = selectors.last_decision(proceeding)
    ctx = proceeding_context(proceeding, actor=actor) | {
        "appeal_received_on": czech_date(appeal.received_on),
        "decision_reference": decision.reference_number if decision else "",
        "decision_title": decision.title if decision else "",
        "note": appeal.note,
    }
    return _render(proceeding, kind=models.DOC_APPEAL_FORWARD, context=ctx, source_key=source_key, actor=actor)


def render_notice_ack(notice: ChangeNotice, *, source_key: str, actor=None) -> Document:
    ctx = {
        "provider": notice.provider,
        "provider_ico": notice.provider.ico,
        "change_date": czech_date(notice.change_date),
        "received_on": czech_date(notice.received_on),
        "due_on": czech_date(notice.due_on),
        "is_late": notice.is_late,
        "items": [{"kind": i.get_kind_display(), "description": i.description} for i in notice.items.all()],
        "service": service_row(notice.service, identifier=notice.service.identifier) if notice.service else None,
        "today_date": czech_date(timezone.localdate()),
        **_official(actor),
    }
    # an acknowledgement naming staff (clean record, qualification) is not for readers
    staff = notice.items.filter(personal_data=True).exists()
    return _render(notice, kind=models.DOC_NOTICE_ACK, context=ctx, source_key=source_key, actor=actor, personal_data=staff)
