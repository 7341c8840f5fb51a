"""Context builders for the agenda's documents (the templates only place values and loop).

Called from the worker jobs of the flows; ``render`` = ``workflows.documents.generate_document``.
Every legal sentence comes from the act catalogue (``registrations/acts.yaml`` via
``workflows.acts.act_context``); this module only supplies the facts of the case.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext

from workflows import deadlines
from workflows.acts import act_context
from workflows.documents import generate_document
from workflows.models import Document
from workflows.region import get_region

from workflows.formats import czech_date

from . import models, selectors
from .models import Appeal, ChangeNotice, ChecklistAnswer, ChecklistItem, Delivery, Proceeding, ServiceForm

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
    models.DOC_STOP: "Usnesení o zastavení řízení",
    models.DOC_CORRECTION: "Opravné usnesení",
}

FORM_LABEL = dict(ServiceForm.choices)
CANCELLATION_GROUNDS = {"a": "§ 82 odst. 3 písm. a)", "b": "§ 82 odst. 3 písm. b)", "c": "§ 82 odst. 3 písm. c)",
                        "request": "§ 82 odst. 3 písm. d)"}
APPLICATION_LABEL = {
    Proceeding.Kind.REGISTRATION: "žádost o registraci sociálních služeb",
    Proceeding.Kind.CHANGE: "žádost o změnu registrace sociálních služeb",
    Proceeding.Kind.CANCELLATION: "žádost o zrušení registrace sociálních služeb",
}
PROCEEDING_LABEL = {
    Proceeding.Kind.REGISTRATION: "řízení o registraci",
    Proceeding.Kind.CHANGE: "řízení o změně registrace",
    Proceeding.Kind.CANCELLATION: "řízení o zrušení registrace",
}
CHANGE_FIELDS = (
    ("service_type", "druh sociální služby"), ("form", "forma poskytování"), ("place", "místo poskytování"),
    ("territory", "územní působnost"), ("target_groups", "okruh osob"), ("age", "věková struktura"),
    ("capacity", "kapacita"),
)


def _age(service) -> str:
    if service.age_from is None and service.age_to is None:
        return "bez omezení věku"
    if service.age_to is None:
        return f"od {service.age_from} let"
    if service.age_from is None:
        return f"do {service.age_to} let"
    return f"{service.age_from}–{service.age_to} let"


def _groups(service) -> str:
    return ", ".join(g.name for g in service.target_groups.all()) or "neuvedeno"


def _provided_from(start) -> str:
    """A service is provided no earlier than the decision is final (§ 82 odst. 2, § 81)."""
    if start is None:
        return "ode dne nabytí právní moci tohoto rozhodnutí"
    return f"od {czech_date(start)}, nejdříve však ode dne nabytí právní moci tohoto rozhodnutí"


def service_row(service, *, identifier: str = "", provided_from: str = "") -> dict:
    return {
        "name": service.service_type.name,
        "paragraph": service.service_type.paragraph,
        "form": str(FORM_LABEL.get(service.form, service.form)),
        "place": service.place,
        "territory": service.territory or service.place,
        "target_groups": _groups(service),
        "age": _age(service),
        "capacity": service.capacity,
        "provided_from": provided_from,
        "identifier": identifier,
    }


def _values(service) -> dict[str, str]:
    return {
        "service_type": f"{service.service_type.name} (§ {service.service_type.paragraph})",
        "form": str(FORM_LABEL.get(service.form, service.form)),
        "place": service.place, "territory": service.territory or service.place,
        "target_groups": _groups(service), "age": _age(service), "capacity": str(service.capacity),
    }


def change_rows(item) -> list[dict]:
    """What a decision on change changes: each registered value, from what to what."""
    before, after = _values(item.registered_service), _values(item)
    return [{"label": label, "before": before[key], "after": after[key]}
            for key, label in CHANGE_FIELDS if before[key] != after[key]]


def _identifier(registered) -> str:
    """Only the § 85 identifier names a service in a decision — never the file mark."""
    if registered is None:
        return ""
    return registered.national_id or "dosud nepřidělen (§ 85 zákona č. 108/2006 Sb.)"


def _services(proceeding: Proceeding, *, decision: bool) -> list[dict]:
    if proceeding.kind == Proceeding.Kind.CANCELLATION:
        return [service_row(s, identifier=_identifier(s)) for s in proceeding.cancel_services.all()]
    rows = []
    for item in proceeding.services.select_related("service_type", "registered_service"):
        provided = _provided_from(item.start_on) if decision and proceeding.kind == Proceeding.Kind.REGISTRATION else ""
        rows.append(service_row(item, identifier=_identifier(item.registered_service), provided_from=provided))
    return rows


def service_rows(proceeding: Proceeding) -> list[dict]:
    """The services of a proceeding as the officer's task summary shows them."""
    return _services(proceeding, decision=False)


def _inspection() -> str:
    office = get_region().office
    place = office.inspection_place or office.address
    return f"{place}, v úředních hodinách ({office.hours})" if office.hours else place


def _application(proceeding: Proceeding) -> str:
    return f"{APPLICATION_LABEL[proceeding.kind]} doručenou dne {czech_date(proceeding.received_on)}"


def act(code: str, proceeding: Proceeding, **values) -> dict:
    """The act's catalogue entry with its texts filled from this proceeding."""
    provider = proceeding.provider
    base = {
        "office": get_region().office.name,
        "party": provider.identification,
        "application": _application(proceeding) if proceeding.received_on else "",
        "received_on": czech_date(proceeding.received_on),
        "remedy_days": proceeding.remedy_days,
        "remedy_deadline": czech_date(proceeding.remedy_deadline),
        "comments_until": czech_date(proceeding.comments_deadline),
        "inspection": _inspection(),
        "ends_on": czech_date(proceeding.service_ends_on),
        "ground": CANCELLATION_GROUNDS.get(proceeding.cancellation_ground, "§ 82 odst. 3"),
        "appealed_decision": "",
        "appeal_received_on": "",
        "ministry_decision": "",
        "binding_view": "",
    }
    return act_context(code, **(base | values))


def _podklady(proceeding: Proceeding) -> list[str]:
    items = []
    if proceeding.received_on and not proceeding.ex_officio:
        items.append(f"{APPLICATION_LABEL[proceeding.kind][0].upper()}{APPLICATION_LABEL[proceeding.kind][1:]} "
                     f"doručená dne {czech_date(proceeding.received_on)}")
    for answer in proceeding.checklist.filter(item__stage=ChecklistItem.Stage.COMPLETENESS, fulfilled=True).select_related("item"):
        items.append(answer.item.label)
    for suspension in proceeding.case.suspensions.exclude(ended_on__isnull=True):
        items.append(f"doplnění žádosti doručené dne {czech_date(suspension.ended_on)}")
    if proceeding.comments:
        items.append("vyjádření účastníka k podkladům rozhodnutí")
    return items


def _conditions(proceeding: Proceeding) -> list[dict]:
    answers = (ChecklistAnswer.objects.filter(proceeding=proceeding, item__stage=ChecklistItem.Stage.CONDITIONS)
               .select_related("item").order_by("item__sort_key"))
    return [{"label": a.item.label, "ground": a.item.legal_ground, "fulfilled": a.fulfilled, "note": a.note}
            for a in answers]


def failed_grounds(proceeding: Proceeding) -> str:
    """The conditions really unmet, with their písmeno (what a refusal cites)."""
    failed = [c for c in _conditions(proceeding) if not c["fulfilled"]]
    if not failed:
        return "§ 79 odst. 1 zákona o sociálních službách"
    return "; ".join(f"{c['ground']} zákona o sociálních službách ({c['label'].lower()})" for c in failed)


def _reasons(proceeding: Proceeding, act_ctx: dict) -> dict:
    evidence = Document.objects.filter(case=proceeding.case, kind=models.DOC_EVIDENCE).exists()
    if proceeding.comments:
        answer = f"Účastník se k podkladům vyjádřil takto: „{proceeding.comments}“"
        answer += f" Správní orgán se s vyjádřením vypořádal takto: {proceeding.comments_answer}" if proceeding.comments_answer else ""
    else:
        answer = act_ctx["texts"].get("no_comments", "")
    return {
        "opened": act_ctx["texts"].get("opened", ""),
        "podklady": _podklady(proceeding),
        "conditions": _conditions(proceeding) if proceeding.kind != Proceeding.Kind.CANCELLATION else [],
        "reasoning": proceeding.reasoning,
        "omit_reasoning": proceeding.omit_reasoning and proceeding.proposal == Proceeding.Outcome.GRANTED,
        "evidence_notice": act_ctx["texts"].get("evidence", "") if evidence else "",
        "comments_answer": answer,
    }


def proceeding_context(proceeding: Proceeding, *, code: str, decision: bool = False, **values) -> dict:
    act_ctx = act(code, proceeding, **values)
    provider = proceeding.provider
    return {
        "act": act_ctx,
        "provider": provider,
        "party": provider.identification,
        "proceeding": proceeding,
        "proceeding_label": PROCEEDING_LABEL[proceeding.kind],
        "services": _services(proceeding, decision=decision),
        "received_on": czech_date(proceeding.received_on),
        "grounds": proceeding.grounds,
        "office_name": get_region().office.name,
        "ex_officio": proceeding.ex_officio,
        **_reasons(proceeding, act_ctx),
    }


def _render(proceeding_or_case, *, kind: str, context: dict, source_key: str, actor=None, case=None,
            personal_data: bool = False, title: str | None = None) -> Document:
    case = case or proceeding_or_case.case
    return generate_document(
        case=case, kind=kind, title=title or TITLES[kind], template_code=context["act"]["template"], context=context,
        source_key=source_key, actor=actor, personal_data=personal_data,
    )


def _missing(proceeding: Proceeding) -> list[dict]:
    missing = [{"label": a.item.label, "ground": a.item.legal_ground, "note": a.note} for a in selectors.missing_items(proceeding)]
    if proceeding.deficiency_note:
        missing.append({"label": proceeding.deficiency_note, "ground": "§ 45 odst. 2 správního řádu", "note": ""})
    return missing


def render_deficiency(proceeding: Proceeding, *, source_key: str, actor=None) -> Document:
    ctx = proceeding_context(proceeding, code=models.DOC_DEFICIENCY) | {"missing": _missing(proceeding)}
    return _render(proceeding, kind=models.DOC_DEFICIENCY, context=ctx, source_key=source_key, actor=actor)


def render_termination(proceeding: Proceeding, *, source_key: str, actor=None) -> Document:
    if proceeding.ex_officio:
        ctx = proceeding_context(proceeding, code="reg_termination_ex_officio") | {
            "deficiency_reference": "", "missing": []}
        return _render(proceeding, kind=models.DOC_TERMINATION, context=ctx, source_key=source_key, actor=actor,
                       title=gettext("Usnesení o zastavení řízení vedeného z moci úřední"))
    deficiency = (Document.objects.filter(case=proceeding.case, kind=models.DOC_DEFICIENCY)
                  .order_by("-created_at", "-pk").first())
    delivery = Delivery.objects.filter(document=deficiency).first() if deficiency else None
    ctx = proceeding_context(proceeding, code=models.DOC_TERMINATION) | {
        "deficiency_reference": deficiency.reference_number if deficiency else "",
        "deficiency_delivered_on": czech_date(delivery.delivered_on) if delivery else "",
        "remedy_deadline": czech_date(proceeding.remedy_deadline),
        "missing": _missing(proceeding),
    }
    return _render(proceeding, kind=models.DOC_TERMINATION, context=ctx, source_key=source_key, actor=actor)


def render_stop(proceeding: Proceeding, *, ground: str, reason: str, withdrawn_on=None, source_key: str,
                actor=None) -> Document:
    """The usnesení o zastavení řízení issued from the case page: the applicant withdrew the
    application (§ 66 odst. 1 písm. a)) or an ex officio ground fell away (§ 66 odst. 2)."""
    code = "reg_termination_withdrawn" if ground == selectors.WITHDRAWN else "reg_termination_ex_officio"
    ctx = proceeding_context(proceeding, code=code, withdrawn_on=czech_date(withdrawn_on)) | {
        "deficiency_reference": "", "missing": [],
        "stop_reason": reason if ground == selectors.WITHDRAWN else "",
    }
    return _render(proceeding, kind=models.DOC_STOP, context=ctx, source_key=source_key, actor=actor,
                   title=ctx["act"]["title"])


def render_correction(proceeding: Proceeding, document: Document, *, correction: str, reason: str, source_key: str,
                      actor=None) -> Document:
    """§ 70: the opravné usnesení names the corrected act (title, č. j., date) and the correction."""
    ctx = proceeding_context(
        proceeding, code=models.DOC_CORRECTION, corrected_act=document.title,
        corrected_reference=document.reference_number,
        corrected_on=czech_date(timezone.localtime(document.created_at).date()), correction=correction, reason=reason)
    return _render(proceeding, kind=models.DOC_CORRECTION, context=ctx, source_key=source_key, actor=actor)


def _fix_comments_until(proceeding: Proceeding) -> None:
    """The § 36 odst. 3 notice names a concrete last day (kept on the proceeding)."""
    until = deadlines.last_day_after_delivery(timezone.localdate(), proceeding.comments_days)
    proceeding.comments_deadline = until
    proceeding.save(update_fields=["comments_deadline"])


def render_evidence_notice(proceeding: Proceeding, *, source_key: str, actor=None) -> Document:
    _fix_comments_until(proceeding)
    ctx = proceeding_context(proceeding, code=models.DOC_EVIDENCE)
    return _render(proceeding, kind=models.DOC_EVIDENCE, context=ctx, source_key=source_key, actor=actor)


def render_opening_notice(proceeding: Proceeding, *, source_key: str, actor=None) -> Document:
    until = deadlines.last_day_after_delivery(timezone.localdate(), proceeding.comments_days)
    ctx = proceeding_context(proceeding, code=models.DOC_OPENING, proposals_until=czech_date(until))
    return _render(proceeding, kind=models.DOC_OPENING, context=ctx, source_key=source_key, actor=actor)


def decision_act_code(proceeding: Proceeding, kind: str) -> str:
    if kind == models.DOC_DECISION_CANCELLATION and not proceeding.ex_officio:
        return "reg_decision_cancellation_request"
    return kind


def render_decision(proceeding: Proceeding, *, source_key: str, actor=None) -> Document:
    selectors.decision_guard(proceeding)
    kind = selectors.decision_document_kind(proceeding)
    if kind == models.DOC_TERMINATION:
        return render_termination(proceeding, source_key=source_key, actor=actor)
    code = decision_act_code(proceeding, kind)
    values = {"ground": failed_grounds(proceeding)} if kind == models.DOC_DECISION_REFUSAL else {}
    granted = selectors.autoremedy_to_issue(proceeding)
    if granted is not None:
        values |= {"appealed_decision": appealed_decision_label(granted),
                   "appeal_received_on": czech_date(granted.received_on)}
    returned = selectors.return_to_follow(proceeding)
    if returned is not None:
        values |= {"appealed_decision": appealed_decision_label(returned),
                   "ministry_decision": f"č. j. {returned.ministry_reference} ze dne {czech_date(returned.outcome_on)}",
                   "binding_view": returned.binding_view}
    ctx = proceeding_context(proceeding, code=code, decision=True, **values)
    ctx["autoremedy"] = granted is not None
    ctx["returned"] = returned is not None
    if kind == models.DOC_DECISION_CHANGE:
        ctx |= _change_context(proceeding)
    ctx["late_request"] = selectors.cancellation_request_late(proceeding)
    return _render(proceeding, kind=kind, context=ctx, source_key=source_key, actor=actor,
                   title=ctx["act"]["title"])


def _change_context(proceeding: Proceeding) -> dict:
    if proceeding.kind == Proceeding.Kind.CANCELLATION:  # ending some of several services (§ 82 odst. 2)
        ends = czech_date(proceeding.service_ends_on) or "dnem nabytí právní moci tohoto rozhodnutí"
        changes = [{"name": s.service_type.name, "paragraph": s.service_type.paragraph, "identifier": _identifier(s),
                    "rows": [{"label": "poskytování služby", "before": "registrována", "after": f"ukončeno ke dni {ends}"}]}
                   for s in proceeding.cancel_services.all()]
        return {"changes": changes, "ended": True}
    changes = []
    for item in proceeding.services.select_related("service_type", "registered_service"):
        target = item.registered_service
        changes.append({"name": target.service_type.name, "paragraph": target.service_type.paragraph,
                        "identifier": _identifier(target), "rows": change_rows(item)})
    return {"changes": changes, "ended": False}


def appealed_decision_label(appeal: Appeal) -> str:
    """„č. j. … ze dne …“ of the decision the appeal attacks."""
    decision = appeal.decision or selectors.last_decision(appeal.proceeding)
    if decision is None:
        return ""
    return f"č. j. {decision.reference_number} ze dne {czech_date(timezone.localtime(decision.created_at).date())}"


def render_appeal_forward(appeal: Appeal, *, source_key: str, actor=None) -> Document:
    """§ 88 odst. 1: the předkládací zpráva goes to the ministry (address from the region's
    configuration), names the appealed decision, sums up the appeal and gives the office's view."""
    proceeding = appeal.proceeding
    decision = selectors.last_decision(proceeding)
    region = get_region()
    decision_date = czech_date(proceeding.decided_on or (timezone.localdate(decision.created_at) if decision else None))
    decision_ref = f"č. j. {decision.reference_number} ze dne {decision_date}" if decision else ""
    ctx = proceeding_context(
        proceeding, code=models.DOC_APPEAL_FORWARD, appealed_decision=decision_ref,
        appeal_deadline=czech_date(proceeding.appeal_deadline), final_on=czech_date(proceeding.final_on),
    ) | {
        "appeal_received_on": czech_date(appeal.received_on),
        "decision_reference": decision.reference_number if decision else "",
        "decision_date": decision_date,
        "decision_title": decision.title if decision else "",
        "appeal_points": appeal.points,
        "note": appeal.note,
        "late": appeal.late,
        "addressee_lines": [region.appeal_authority, *region.appeal_authority_address.split(", ")],
        "attachments": [f"spis sp. zn. {proceeding.case.file_mark}", f"odvolání ze dne {czech_date(appeal.received_on)}"],
    }
    return _render(proceeding, kind=models.DOC_APPEAL_FORWARD, context=ctx, source_key=source_key, actor=actor)


def render_notice_ack(notice: ChangeNotice, *, source_key: str, actor=None) -> Document:
    provider = notice.provider
    ctx = {
        "act": act_context(models.DOC_NOTICE_ACK, due_on=czech_date(notice.due_on)),
        "provider": provider,
        "party": provider.identification,
        "change_date": czech_date(notice.change_date),
        "received_on": czech_date(notice.received_on),
        "due_on": czech_date(notice.due_on),
        "is_late": notice.is_late,
        "items": [{"kind": i.get_kind_display(), "description": i.description} for i in notice.items.all()],
        "service": service_row(notice.service, identifier=_identifier(notice.service)) if notice.service else None,
    }
    # an acknowledgement naming staff (clean record, qualification) is not for readers
    staff = notice.items.filter(personal_data=True).exists()
    return _render(notice, kind=models.DOC_NOTICE_ACK, context=ctx, source_key=source_key, actor=actor, personal_data=staff)
