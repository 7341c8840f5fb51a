"""Every write of the opinion agenda: keyword-only functions, one transaction, validated, in history.

Errors are Czech ``ValidationError``s and nothing is written when one is raised: every check
comes before the first write, so a service joins the caller's transaction (the flow's
activation) without a savepoint of its own (``workflows.transactions.atomic``). The flow
(``opinions/flows.py``) calls these; they never import a flow.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from workflows.validators import clean_ico
from workflows.cases import case_open
from workflows.deadlines import opinion_deadlines
from workflows.documents import generate_document
from workflows.formats import user_label
from workflows import transactions
from workflows.history import batch as history_batch, change_case, record_event, set_case_state
from workflows.models import Case, ServiceType, TargetGroup
from workflows.notify import services as staff_notify
from workflows.permissions import ROLE_DEPUTY, ROLE_HEAD, has_role
from workflows.region import get_region

from . import documents, selectors
from .models import (
    AreaOfSupport, Call, IpWarning, Opinion, OpinionActivity, OpinionCaseKind, OpinionEvent, PlanItem, ReturnComment,
)



# --------------------------------------------------------------------------- validation


def validate_ico(ico: str) -> str:
    try:
        ico = clean_ico(ico)
    except ValidationError as exc:
        raise ValidationError({"applicant_ico": exc.messages}) from None
    if not ico:
        raise ValidationError({"applicant_ico": gettext("Zadejte IČO žadatele.")})
    return ico


def _resolve_call(call) -> Call:
    if isinstance(call, Call):
        return call
    if call in (None, ""):
        raise ValidationError({"call": gettext("Vyberte výzvu z katalogu.")})
    if isinstance(call, int):
        found = Call.objects.filter(pk=call).select_related("programme").first()
    else:  # a call number as the applicant knows it ("56"); the catalogue id only as an int
        matches = list(Call.objects.filter(number=str(call).strip()).select_related("programme")[:2])
        if len(matches) > 1:
            raise ValidationError({"call": gettext('Výzva č. {call} je ve více programech; vyberte ji z katalogu.').format(call=call)})
        found = matches[0] if matches else None
    if found is None:
        raise ValidationError({"call": gettext('Výzva „{call}“ není v katalogu výzev.').format(call=call)})
    return found


def _resolve_area(area, call: Call) -> AreaOfSupport:
    if isinstance(area, AreaOfSupport):
        found = area if area.programme_id == call.programme_id else None
        code = area.code
    else:
        code = str(area or "").strip()
        if not code and call.area_id:
            return call.area
        found = AreaOfSupport.objects.filter(programme=call.programme, code=code).first()
    if found is None:
        raise ValidationError({"area": gettext('Oblast podpory „{code}“ není v katalogu programu {programme}.').format(code=code, programme=call.programme)})
    if call.area_id and call.area_id != found.pk:
        raise ValidationError({"area": gettext('Výzva č. {number} je vyhlášena pro oblast podpory {code}, ne {code2}.').format(number=call.number, code=call.area.code, code2=found.code)})
    return found


def _resolve_services(values) -> list[ServiceType]:
    out = []
    for v in values or []:
        if isinstance(v, ServiceType):
            out.append(v)
            continue
        par = str(v).replace("§", "").strip()
        found = ServiceType.objects.filter(paragraph=par).first()
        if found is None:
            raise ValidationError({"service_types": gettext('Druh služby § {par} není v číselníku.').format(par=par)})
        out.append(found)
    return out


def _resolve_groups(values) -> list[TargetGroup]:
    out = []
    for v in values or []:
        if isinstance(v, TargetGroup):
            out.append(v)
            continue
        found = TargetGroup.objects.filter(code=str(v).strip()).first()
        if found is None:
            raise ValidationError({"target_groups": gettext('Cílová skupina „{v}“ není v číselníku.').format(v=v)})
        out.append(found)
    return out


def _as_date(value, field: str, label: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise ValidationError({field: gettext('{label}: neplatné datum „{value}“.').format(label=label, value=value)}) from None


# --------------------------------------------------------------------------- request


@transactions.atomic
def opinion_request_register(
    *,
    actor,
    applicant_ico: str,
    applicant_name: str,
    project_title: str,
    call,
    area=None,
    service_types=(),
    target_groups=(),
    whole_region: bool = True,
    districts=(),
    period_start,
    period_end,
    budget,
    registration_number: str = "",
    applicant_address: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    received_on: date | None = None,
) -> Opinion:
    """Register a request for an opinion: case + opinion + deadlines + IP warnings, or a Czech error."""
    errors: dict[str, list[str]] = {}

    def check(func, *args):
        try:
            return func(*args)
        except ValidationError as exc:
            for key, msgs in exc.message_dict.items():
                errors.setdefault(key, []).extend(msgs)
            return None

    ico = check(validate_ico, applicant_ico)
    if not (applicant_name or "").strip():
        errors.setdefault("applicant_name", []).append("Vyplňte název žadatele.")
    if not (project_title or "").strip():
        errors.setdefault("project_title", []).append("Vyplňte název projektu.")
    provider = selectors.registry_provider(ico) if ico else None
    # the seat is cited in the opinion: typed, or the provider's address from the registry
    applicant_address = (applicant_address or "").strip() or ((provider or {}).get("address") or "").strip()
    if not applicant_address:
        errors.setdefault("applicant_address", []).append("Vyplňte sídlo žadatele (uvádí se ve vyjádření).")
    call_obj = check(_resolve_call, call)
    area_obj = check(_resolve_area, area, call_obj) if call_obj else None
    services = check(_resolve_services, service_types) or []
    groups = check(_resolve_groups, target_groups) or []
    start = check(_as_date, period_start, "period_start", "Zahájení projektu")
    end = check(_as_date, period_end, "period_end", "Ukončení projektu")
    if start and end and end < start:
        errors.setdefault("period_end", []).append("Ukončení projektu nemůže předcházet jeho zahájení.")
    try:
        amount = Decimal(str(budget).replace(" ", "").replace(",", "."))
        if not amount.is_finite() or amount <= 0:
            errors.setdefault("budget", []).append("Rozpočet projektu musí být kladná částka.")
    except (InvalidOperation, TypeError):
        amount = None
        errors.setdefault("budget", []).append(f"Rozpočet „{budget}“ není částka.")
    region = get_region()
    districts = [d.strip() for d in (districts or []) if str(d).strip()]
    if not whole_region:
        unknown = [d for d in districts if d not in region.districts]
        if unknown:
            errors.setdefault("districts", []).append(
                f"Okres {', '.join(unknown)} není v kraji {region.name} ({', '.join(region.districts)})."
            )
        if not districts:
            errors.setdefault("districts", []).append("Vyberte okresy, nebo zvolte celý kraj.")
    else:
        districts = []
    registration_number = (registration_number or "").strip()
    if registration_number and call_obj and call_obj.programme.registration_number_regex:
        if not re.fullmatch(call_obj.programme.registration_number_regex, registration_number):
            example = call_obj.programme.registration_number_example
            errors.setdefault("registration_number", []).append(
                f"Registrační číslo „{registration_number}“ nemá tvar čísla projektu {call_obj.programme}"
                + (f" (např. {example})." if example else ".")
            )
    if errors:
        raise ValidationError(errors)

    received_on = received_on or timezone.localdate()
    dl = opinion_deadlines(received_on, call_obj.submission_deadline)
    name = applicant_name.strip()
    with history_batch():  # the case's opening, the request, its deadline, IP warnings: one insert
        case = case_open(
            kind=OpinionCaseKind.OPINION,
            title=gettext('Vyjádření k projektu „{strip}“').format(strip=project_title.strip()),
            actor=actor,
            applicant_name=name,
            ico=ico,
            received_on=received_on,
            parties=[{"role": "applicant", "name": name, "ico": ico, "address": applicant_address or "",
                      "email": contact_email or ""}],
        )
        opinion = Opinion.objects.create(
            case=case,
            applicant_ico=ico,
            applicant_name=name,
            applicant_address=applicant_address,
            provider_ref=str(provider.get("id") or "") if provider else "",
            contact_name=contact_name or "",
            contact_email=contact_email or "",
            contact_phone=contact_phone or "",
            project_title=project_title.strip(),
            registration_number=registration_number,
            call=call_obj,
            area=area_obj,
            whole_region=whole_region,
            districts=districts,
            period_start=start,
            period_end=end,
            budget=amount,
            case_deadline=dl.case_deadline,
            draft_deadline=dl.draft_deadline,
            too_late=dl.too_late,
        )
        # a new opinion has no links yet: one insert each (``set`` would first read the existing ones)
        Opinion.service_types.through.objects.bulk_create(
            [Opinion.service_types.through(opinion=opinion, servicetype=st) for st in dict.fromkeys(services)])
        Opinion.target_groups.through.objects.bulk_create(
            [Opinion.target_groups.through(opinion=opinion, targetgroup=g) for g in dict.fromkeys(groups)])
        flags = selectors.period_flags(opinion, issued_on=received_on)
        record_event(
            case=case, actor=actor, action=OpinionEvent.OPINION_REQUEST,
            summary=gettext('Žádost o vyjádření: {name} (IČO {ico}), {call_obj}, oblast {code}').format(name=name, ico=ico, call_obj=call_obj, code=area_obj.code)
            + (gettext(" – podáno pozdě vůči uzávěrce výzvy") if dl.too_late else "")
            + "".join(f" Pozor: {flag}" for flag in flags),
            after={"call": str(call_obj), "area": area_obj.code, "services": [s.paragraph for s in services],
                   "groups": [g.code for g in groups], "period": [start, end], "budget": amount,
                   "case_deadline": dl.case_deadline, "draft_deadline": dl.draft_deadline, "too_late": dl.too_late,
                   "provider": provider},
        )
        change_case(case=case, deadline=dl.draft_deadline, actor=actor, reason=gettext("lhůta pro koncept vyjádření"),
                    **(dict(state=Case.State.OPEN, detail=gettext("podáno pozdě vůči uzávěrce výzvy")) if dl.too_late else {}))
        # a new request has no warnings yet; its overlaps from the service types and groups in hand
        _store_ip_warnings(opinion, selectors.ip_overlaps_for(opinion, service_types=services, target_groups=groups), {})
    return opinion


@transactions.atomic
def opinion_ip_warnings_refresh(*, opinion: Opinion) -> None:
    """Upsert the IP warnings of the request; answered ones are kept, stale unanswered ones go.
    (Called in the draft form's step, under the flow lock: one refresh of an opinion at a time.)"""
    existing = {w.ip_service_id: w for w in opinion.ip_warnings.all()}
    with history_batch():
        _store_ip_warnings(opinion, selectors.ip_overlaps_for(opinion), existing)


def _store_ip_warnings(opinion: Opinion, overlaps, existing: dict[int, IpWarning]) -> None:
    """The warnings for these overlaps, against the opinion's ``existing`` ones (by IP service):
    new ones in one insert, each told in the history by its service's first overlap; a
    changed one takes its service's last overlap; unanswered ones no overlap names go."""
    first: dict[int, selectors.IpOverlap] = {}
    last: dict[int, selectors.IpOverlap] = {}
    for o in overlaps:
        first.setdefault(o.ip_service.pk, o)
        last[o.ip_service.pk] = o
    added = []
    for pk, o in last.items():
        warning = existing.get(pk)
        if warning is None:
            added.append(IpWarning(opinion=opinion, ip_service=o.ip_service, strength=o.strength, message=o.message))
            record_event(case=opinion.case, action=OpinionEvent.IP_WARNING, summary=first[pk].message)
        elif (warning.strength, warning.message) != (o.strength, o.message):
            warning.strength, warning.message = o.strength, o.message
            warning.save(update_fields=["strength", "message"])
    if added:
        IpWarning.objects.bulk_create(added)
    stale = [w.pk for pk, w in existing.items() if pk not in last and not w.reason and not w.answer]
    if stale:
        IpWarning.objects.filter(pk__in=stale).delete()


# --------------------------------------------------------------------------- drafting


def _check_drafting(opinion: Opinion, actor) -> None:
    if opinion.status not in (Opinion.Status.DRAFTING, Opinion.Status.RETURNED):
        raise ValidationError(gettext('Vyjádření je ve stavu „{get_status_display}“ – nelze ho upravovat.').format(get_status_display=opinion.get_status_display()))


def _take_over(opinion: Opinion, actor) -> None:
    """The first (or a new, after the head reassigned the task) drafter of the opinion; the
    caller saves the opinion with ``drafter`` (its history row is written here)."""
    if actor is None or opinion.drafter_id == actor.pk:
        return
    before = opinion.drafter
    opinion.drafter = actor
    record_event(case=opinion.case, actor=actor, action=OpinionEvent.OPINION_DRAFTER,
                 summary=gettext('Vyjádření zpracovává {actor}').format(actor=user_label(actor))
                 + (gettext(' (převzato od {before})').format(before=user_label(before)) if before else ""),
                 before={"drafter": user_label(before)}, after={"drafter": user_label(actor)})


@transactions.atomic
def opinion_draft_save(
    *,
    opinion: Opinion,
    actor,
    activity_ids=None,
    ip_answers: dict | None = None,
    s3_facts: list[str] | None = None,
    **statements,
) -> Opinion:
    """Save the drafter's work: the four statements, chosen plan activities, IP answers
    (everything checked first, then written)."""
    opinion = _locked(opinion)
    _check_drafting(opinion, actor)
    unknown = set(statements) - set(Opinion.STATEMENT_FIELDS)
    if unknown:
        raise ValidationError(gettext('Neznámá pole vyjádření: {unknown}.').format(unknown=', '.join(sorted(unknown))))
    for name, value in statements.items():
        setattr(opinion, name, value or "")
    if s3_facts is not None:
        opinion.s3_facts = [f for f in s3_facts if f]
    opinion.full_clean(exclude=["case", "call", "area", "drafter", "approver", "document", "budget"])
    items, suggestions = None, {}
    activity_ids = list(activity_ids) if activity_ids is not None else None
    if activity_ids == []:
        items = []  # none chosen: nothing to check against the plans
    elif activity_ids is not None:
        suggestions = {s.item.pk: s.reason for s in selectors.suggestions_for(opinion, limit=500)}
        allowed = list(selectors.plans_for_period(opinion.period_start, opinion.period_end))
        items = list(PlanItem.objects.filter(pk__in=list(activity_ids), plan__in=allowed))
        if len(items) != len(set(activity_ids)):
            raise ValidationError(gettext("Vybraná aktivita nepatří do plánu kraje platného v době projektu."))
        ip_items = selectors.individual_project_item_ids(allowed)
        cited_ips = [item for item in items if item.pk in ip_items]
        if cited_ips:
            raise ValidationError({"activities": [
                f"Aktivita {item.number} je individuální projekt kraje, ne aktivita plánu, na kterou může projekt "
                "navazovat – výrok 1 ji citovat nemůže (souběh s IP posuzuje výrok 4)." for item in cited_ips
            ]})
    errors: dict[str, list[str]] = {}
    answers = []
    for warning_id, answer in (ip_answers or {}).items():
        warning = opinion.ip_warnings.filter(pk=warning_id).first()
        if warning is None:
            raise ValidationError(gettext("Upozornění na IP k tomuto vyjádření nepatří."))
        answer = _as_ip_answer(answer)
        if answer.reason or answer.text.strip():  # an empty one clears: a draft may be saved unanswered
            problems = selectors.ip_answer_problems(warning, answer)
            if problems:
                errors[f"ip_{warning.pk}"] = problems
                continue
        answers.append((warning, answer))
    if errors:
        raise ValidationError(errors)
    with history_batch():
        _take_over(opinion, actor)
        opinion.save()
        if items is not None:
            opinion.activity_links.exclude(item__in=items).delete()
            kept = {link.item_id: link for link in opinion.activity_links.all()} if items else {}
            added = []
            for item in items:
                reason = suggestions.get(item.pk, "vybráno zpracovatelem")
                link = kept.get(item.pk)
                if link is None:
                    added.append(OpinionActivity(opinion=opinion, item=item, reason=reason))
                elif link.reason != reason:
                    link.reason = reason
                    link.save(update_fields=["reason"])
            OpinionActivity.objects.bulk_create(added)  # the row lock on the opinion keeps this single
        for warning, answer in answers:
            _answer(warning, actor, answer)
        record_event(case=opinion.case, actor=actor, action=OpinionEvent.OPINION_DRAFT,
                     summary=gettext("Koncept vyjádření uložen"))
    return opinion


def _locked(opinion: Opinion, *related: str) -> Opinion:
    """The opinion re-read and locked (its row only) with its case (and ``related``), for a change."""
    return Opinion.objects.select_for_update(of=("self",)).select_related("case", *related).get(pk=opinion.pk)


def _as_ip_answer(value) -> selectors.IpAnswer:
    """An answer as the form or the API sends it: an ``IpAnswer`` or a dict of its fields."""
    if isinstance(value, selectors.IpAnswer):
        return value
    if isinstance(value, dict):
        unknown = set(value) - {"reason", "text", "period_from", "period_to", "groups", "districts"}
        if unknown:
            raise ValidationError(gettext('Neznámé údaje odpovědi na upozornění na IP: {unknown}.').format(unknown=', '.join(sorted(unknown))))
        data = dict(value)
        for key, label in (("period_from", "Služba v projektu od"), ("period_to", "Služba v projektu do")):
            if data.get(key) not in (None, ""):
                data[key] = _as_date(data[key], key, label)
            else:
                data[key] = None
        data["groups"] = [str(g) for g in data.get("groups") or []]
        data["districts"] = [str(d) for d in data.get("districts") or []]
        data["reason"] = str(data.get("reason") or "")
        data["text"] = str(data.get("text") or "")
        return selectors.IpAnswer(**data)
    # plain text carries no reason: refused by the check as "Vyberte důvod…"
    return selectors.IpAnswer(text=str(value or ""))


def _answer(warning: IpWarning, actor, answer: selectors.IpAnswer) -> None:
    """Store a checked answer; the structured reason and the drafter's words go to the history."""
    values = {"reason": answer.reason, "answer": answer.text.strip(), "reason_from": answer.period_from,
              "reason_to": answer.period_to, "reason_groups": list(answer.groups),
              "reason_districts": list(answer.districts)}
    before = {name: getattr(warning, name) for name in values}
    if before == values:
        return
    for name, value in values.items():
        setattr(warning, name, value)
    answered = bool(answer.reason)
    warning.answered_by = actor if answered else None
    warning.answered_at = timezone.now() if answered else None
    warning.save(update_fields=[*values, "answered_by", "answered_at"])
    if answered:
        record_event(case=warning.opinion.case, actor=actor, action=OpinionEvent.IP_ANSWER,
                     summary=gettext('Odpověď na upozornění (IP {name}): {warning}').format(name=warning.ip_service.project.name, warning=selectors.ip_answer_statement(warning)),
                     before={"reason": before["reason"], "answer": before["answer"]},
                     after={"reason": values["reason"], "answer": values["answer"]})


@transactions.atomic
def opinion_ip_answer(*, warning: IpWarning, actor, answer) -> IpWarning:
    """The drafter's answer to one IP warning: a structured reason checked against the IP's and the project's data."""
    _check_drafting(warning.opinion, actor)
    answer = _as_ip_answer(answer)
    problems = selectors.ip_answer_problems(warning, answer)
    if problems:
        raise ValidationError({"answer": problems})
    _answer(warning, actor, answer)
    return warning


def _ip_funding_problems(opinion: Opinion, warnings=None) -> list[str]:
    """Verdict 4 "not funded by the IP" is refused while a strong warning has no valid answer."""
    if opinion.s4_verdict != Opinion.Funding.NOT_FUNDED:
        return []
    return [
        f"Výrok 4 „{Opinion.Funding.NOT_FUNDED.label}“ nelze uvést, dokud silné upozornění na IP "
        f"„{w.ip_service.project.name}“ (§ {w.ip_service.service_type.paragraph}) nemá platnou odpověď."
        for w in selectors.strong_warnings_without_valid_answer(opinion, warnings)
    ]


@transactions.atomic
def opinion_submit(*, opinion: Opinion, actor, task=None) -> Opinion:
    """Send the draft for approval: the four statements filled, every IP warning answered."""
    opinion = _locked(opinion)
    _check_drafting(opinion, actor)
    problems = []
    labels = {"s1_verdict": "1. soulad se střednědobým plánem", "s2_verdict": "2. potřebnost v kraji",
              "s3_verdict": "3. hodnocení činnosti předkladatele", "s4_verdict": "4. financování z IP kraje"}
    for field, label in labels.items():
        if not getattr(opinion, field):
            problems.append(f"Chybí závěr výroku {label}.")
    if opinion.s1_verdict in (Opinion.Compliance.YES, Opinion.Compliance.PARTLY) and not opinion.activity_links.exists():
        problems.append("Při souladu s plánem vyberte aktivity plánu, na které projekt navazuje.")
    warnings = selectors.ip_warnings_of(opinion)
    unanswered = [w for w in warnings if selectors.ip_answer_problems(w)]
    if unanswered:
        problems.append(
            f"Odpovězte na všechna upozornění na individuální projekty kraje platným důvodem (zbývá {len(unanswered)})."
        )
    problems += _ip_funding_problems(opinion, warnings)
    if problems:
        raise ValidationError(problems)
    with history_batch():
        _take_over(opinion, actor)
        opinion.status = Opinion.Status.WAITING
        opinion.submitted_at = timezone.now()
        opinion.save(update_fields=["status", "submitted_at", "drafter"])
        change_case(case=opinion.case, state=Case.State.WAITING, detail=gettext("vyjádření čeká na schválení"),
                    deadline=opinion.case_deadline, reason=gettext("lhůta pro vydání vyjádření"), actor=actor, task=task)
    return opinion


# --------------------------------------------------------------------------- approval


def _check_approver(opinion: Opinion, actor) -> None:
    if opinion.status != Opinion.Status.WAITING:
        raise ValidationError(gettext('Vyjádření nečeká na schválení (stav: {lower}).').format(lower=opinion.get_status_display().lower()))
    if actor is not None and actor.pk in selectors.drafter_ids(opinion):
        raise ValidationError(gettext("Zpracovatel(ka) vyjádření je nemůže sám(a) schválit ani vrátit (pravidlo čtyř očí)."))
    if not has_role(actor, ROLE_HEAD, ROLE_DEPUTY):
        raise ValidationError(gettext("Vyjádření schvaluje vedoucí odboru nebo jeho zástupce."))


@transactions.atomic
def opinion_approve(*, opinion: Opinion, actor, task=None) -> Opinion:
    """Approve (four-eyes) and freeze the opinion; the worker renders the final document."""
    opinion = _locked(opinion, "drafter")  # the snapshot names the drafter
    _check_approver(opinion, actor)
    warnings = selectors.ip_warnings_of(opinion)
    funding = _ip_funding_problems(opinion, warnings)  # the IP catalogue may have changed since submission
    if funding:
        raise ValidationError(funding + ["Vraťte vyjádření zpracovateli k doplnění odpovědi."])
    opinion.status = Opinion.Status.APPROVED
    opinion.approver = actor
    opinion.approver_function = "vedoucí odboru sociálních věcí" if has_role(actor, ROLE_HEAD) else \
        "zástupce vedoucího odboru sociálních věcí"
    opinion.approved_at = timezone.now()
    opinion.snapshot = selectors.build_snapshot(opinion, warnings)
    opinion.save(update_fields=["status", "approver", "approver_function", "approved_at", "snapshot"])
    set_case_state(case=opinion.case, state=Case.State.DECIDED, detail=gettext("vyjádření schváleno"), actor=actor, task=task)
    return opinion


@transactions.atomic
def opinion_return(*, opinion: Opinion, actor, comment: str, task=None) -> Opinion:
    """Return to the same drafter with comments (kept in the history)."""
    opinion = _locked(opinion)
    _check_approver(opinion, actor)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": gettext("Při vrácení napište připomínky pro zpracovatele.")})
    ReturnComment.objects.create(opinion=opinion, author=actor, comment=comment)
    opinion.status = Opinion.Status.RETURNED
    opinion.save(update_fields=["status"])
    # the draft is due by its own deadline, or (when that has passed) by the case deadline
    today = timezone.localdate()
    deadline = opinion.draft_deadline if opinion.draft_deadline >= today else opinion.case_deadline
    change_case(case=opinion.case, state=Case.State.OPEN, detail=gettext("vráceno k přepracování"), actor=actor, task=task,
                summary=gettext('Vráceno zpracovateli k přepracování: {comment}').format(comment=comment),
                deadline=deadline, reason=gettext("přepracování konceptu"))
    return opinion


# --------------------------------------------------------------------------- notifications


def opinion_tell_drafter(*, task, opinion: Opinion) -> None:
    """A returned opinion's new draft task: its drafter reads the head's comments in the bell."""
    if opinion.status != Opinion.Status.RETURNED:
        return  # a first draft: the engine's "new task" (if assigned) is enough
    last = opinion.return_comments.order_by("-pk").first()
    staff_notify.notify_task(task=task, kind=staff_notify.Kind.RETURNED, text=gettext("Vráceno s připomínkami"),
                             detail=last.comment if last is not None else "")


def opinion_tell_approvers(*, task) -> None:
    """The opinion waits for approval: its approver (the one who returned it), else everyone
    who may approve it — never its drafters (four-eyes, the node's ``can_assign``)."""
    staff_notify.notify_task(task=task, kind=staff_notify.Kind.APPROVAL, text=gettext("Ke schválení"))


# --------------------------------------------------------------------------- the final document


def opinion_render_final(*, case_id: int, source_key: str):
    """Render, number and store the case's approved opinion (run by the worker; idempotent on
    source_key). The opinion is read here, with what the document shows."""
    opinion = Opinion.objects.select_related("call__programme", "area", "case", "approver", "drafter").get(case_id=case_id)
    if opinion.status not in (Opinion.Status.APPROVED, Opinion.Status.ISSUED):
        raise ValidationError(gettext("Vyhotovit lze jen schválené vyjádření."))
    programme = opinion.call.programme
    document = generate_document(
        case=opinion.case,
        kind="opinion",
        title=programme.statement_title,
        template_code=programme.template_code,
        context=documents.document_context(opinion),
        source_key=source_key,
        actor=opinion.approver,
    )
    if opinion.document_id != document.pk:
        opinion.document = document
        opinion.status = Opinion.Status.ISSUED
        opinion.save(update_fields=["document", "status"])
        change_case(case=opinion.case, state=Case.State.DECIDED,
                    detail=gettext('vyjádření vydáno, č. j. {reference_number}').format(reference_number=document.reference_number),
                    deadline=None, reason=gettext("vyjádření vydáno"))
    return document


WITHDRAWABLE = (Opinion.Status.DRAFTING, Opinion.Status.RETURNED, Opinion.Status.WAITING)
#: who registers requests (the planner, the Roma coordinator, the head) records their withdrawal
WITHDRAW_PERMISSION = "opinions.can_start_opinionprocess"


def may_withdraw(user) -> bool:
    from workflows.permissions import may

    return may(user, WITHDRAW_PERMISSION)


def _mark_withdrawn(opinion: Opinion, actor, reason: str) -> None:
    opinion.status = Opinion.Status.WITHDRAWN
    opinion.save(update_fields=["status"])
    change_case(case=opinion.case, state=Case.State.CANCELED, detail=gettext("žádost vzata zpět"), actor=actor,
                summary=gettext('Žádost o vyjádření vzata zpět: {reason}').format(reason=reason),
                deadline=None, reason=gettext("žádost vzata zpět"))


@transactions.atomic
def opinion_withdraw(*, opinion: Opinion, actor, reason: str) -> Opinion:
    """The applicant withdrew the request (or it is void): the process is cancelled, the case too."""
    from workflows.models import CaseProcess
    from viewflow.workflow.status import PROCESS

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": gettext("Uveďte, proč se žádost bere zpět.")})
    if not may_withdraw(actor):
        raise ValidationError(gettext("Zpětvzetí žádosti o vyjádření zapisuje jen ten, kdo žádosti eviduje "
                                      "(pracovník pro plánování, koordinátor, vedoucí odboru)."))
    # the flow lock first (the process rows, then the case's rows), as every step of the flow takes it
    processes = list(CaseProcess.objects.select_for_update(of=("self",)).filter(
        case_id=opinion.case_id, status=PROCESS.NEW).order_by("pk"))
    opinion = _locked(opinion)
    if opinion.status not in WITHDRAWABLE:
        raise ValidationError(gettext('Vyjádření ve stavu „{lower}“ nelze vzít zpět.').format(lower=opinion.get_status_display().lower()))
    _mark_withdrawn(opinion, actor, reason)
    for process in processes:
        process.flow_class.instance.cancel(process)  # the flow's cancel sees the opinion already withdrawn
    return opinion


@transactions.atomic
def opinion_process_canceled(*, case_id: int, actor=None) -> None:
    """Called by the flow when its process is cancelled from Viewflow's screens."""
    opinion = Opinion.objects.select_for_update().filter(case_id=case_id).first()
    if opinion is not None and opinion.status in WITHDRAWABLE:
        _mark_withdrawn(opinion, actor, "proces zrušen")


@transactions.atomic
def opinion_notify_applicant(*, case_id: int) -> None:
    """Close the case; the applicant's e-mail goes out from a Celery task after commit, retried
    while the mail server refuses, and ``notified_at`` is set once it was accepted
    (opinions.notifications)."""
    from .notifications import queue_notification

    opinion = Opinion.objects.select_for_update(of=("self",)).select_related("case").get(case_id=case_id)
    queue_notification(opinion)
    set_case_state(case=opinion.case, state=Case.State.CLOSED, detail=gettext("vyjádření vydáno a žadateli odeslán e-mail"))


__all__ = [
    "opinion_approve",
    "opinion_draft_save",
    "opinion_ip_answer",
    "opinion_ip_warnings_refresh",
    "opinion_notify_applicant",
    "opinion_process_canceled",
    "opinion_withdraw",
    "opinion_render_final",
    "opinion_request_register",
    "opinion_return",
    "opinion_submit",
    "opinion_tell_approvers",
    "opinion_tell_drafter",
    "validate_ico",
]

