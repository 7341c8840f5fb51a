"""Reads of the registration agenda (registry, provider record, exports, late notices, and
what a proceeding needs next: checklist, missing items, decision kind, deadlines).

Other agendas (opinions), the services, documents and the REST API call these; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from datetime import date

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext

from workflows import deadlines
from workflows.models import Case, Document
from workflows.permissions import can_view_document
from workflows.validators import field_error

from .models import (
    DECISION_KINDS,
    DOC_DECISION_CANCELLATION,
    DOC_DECISION_CHANGE,
    DOC_DECISION_REFUSAL,
    DOC_DECISION_REGISTRATION,
    DOC_TERMINATION,
    ChangeNotice,
    ChangeNoticeItem,
    ChecklistAnswer,
    ChecklistItem,
    Proceeding,
    Provider,
    RegisteredService,
    RegistryVersion,
)

PUBLIC_COLUMNS = [
    "provider_name", "provider_ico", "provider_address", "provider_legal_form", "service_identifier",
    "service_type_paragraph", "service_type", "form", "place", "territory", "target_groups", "age_from", "age_to",
    "capacity", "provided_from", "registered_on", "state", "closed_on",
]


# What the public registry (§ 85 zákona č. 108/2006 Sb.) never shows to the reader or the portal:
# a natural person's home, birth date and contacts, and the provider's staff (notice items flagged
# as personal data). The agenda's staff (registration officers, head, deputy, admin) see everything.
PRIVATE_PROVIDER_KEYS = frozenset({"email", "phone", "birth_date", "residence_address"})
NATURAL_PERSON_PRIVATE_KEYS = frozenset({"address", "data_box", "statutory_body"})


def is_registry_staff(user) -> bool:
    from workflows.permissions import can_work_on_agenda

    return can_work_on_agenda(user, "registrations")


def public_address(provider: Provider) -> str:
    """The address the public registry shows: a legal person's seat; a natural person's place
    of business — never the home (trvalý pobyt), which is only for the agenda's staff."""
    if provider.is_natural_person:
        return provider.business_address
    return provider.address


def public_providers(qs=None):
    """Only providers in the registry: with a registered service (active or since cancelled).
    An applicant whose proceeding is still open is not in the public registry."""
    qs = Provider.objects.all() if qs is None else qs
    return qs.filter(pk__in=RegisteredService.objects.values("provider_id"))


def public_version_data(data, *, natural_person: bool):
    """A registry version's before/after without personal data, for readers and the portal."""
    if not isinstance(data, dict):
        return data
    out = {}
    for key, value in data.items():
        if key in PRIVATE_PROVIDER_KEYS or (natural_person and key in NATURAL_PERSON_PRIVATE_KEYS):
            continue
        if key == "items" and isinstance(value, list):
            value = [i for i in value if not (isinstance(i, dict) and (
                i.get("personal_data") or i.get("kind") == ChangeNoticeItem.Kind.STAFF))]
        out[key] = value
    return out


def provider_list(*, query: str = "", public: bool = False):
    """Providers for the registry page and the API; ``public`` (reader, portal): registered only.
    Active services and late notices are counted by a subquery per row, so a page of the
    registry counts for its own rows only."""
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    def count_of(qs):
        return Coalesce(Subquery(qs.order_by().values("provider").annotate(c=Count("pk")).values("c"),
                                 output_field=IntegerField()), 0)

    qs = Provider.objects.annotate(
        active_services=count_of(RegisteredService.objects.filter(provider=OuterRef("pk"),
                                                                  state=RegisteredService.State.ACTIVE)),
        late_notices=count_of(ChangeNotice.objects.filter(provider=OuterRef("pk"),
                                                             is_late=True)),
    ).order_by("name", "pk")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(ico__startswith=query))
    if public:
        qs = public_providers(qs)
    return qs


def provider_by_ico(ico: str, *, public: bool = False) -> Provider | None:
    return (public_providers() if public else Provider.objects).filter(ico=ico).first()


@dataclass
class ProviderRecord:
    provider: Provider
    services: list = field(default_factory=list)
    history: list = field(default_factory=list)
    open_cases: list = field(default_factory=list)
    closed_proceedings: list = field(default_factory=list)
    late_notices: list = field(default_factory=list)
    documents: list = field(default_factory=list)


FIELD_LABELS = {
    "service_type": "druh (§)", "service_name": "druh", "form": "forma", "target_groups": "okruh osob",
    "age_from": "věk od", "age_to": "věk do", "place": "místo", "territory": "působnost", "capacity": "kapacita",
    "provided_from": "poskytována od", "national_id": "identifikátor", "state": "stav", "items": "změny",
    "change_date": "datum změny", "late": "opožděné", "name": "název", "address": "sídlo", "ico": "IČO",
    "registered_on": "registrováno dne", "closed_on": "zrušeno dne", "email": "e-mail", "phone": "telefon",
    "statutory_body": "statutární orgán", "data_box": "datová schránka", "legal_form": "právní forma",
    "identifier": "identifikátor", "start_on": "poskytování od",
}


def _rows(data) -> list[tuple[str, str]]:
    """A version's before/after as readable (label, value) pairs for templates."""
    if not isinstance(data, dict):
        return []
    rows = []
    for key, value in data.items():
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            value = "; ".join(
                (v.get("description", "") if isinstance(v, dict) else str(v)) for v in value
            )
        elif value is True:
            value = "ano"
        elif value is False:
            value = "ne"
        rows.append((FIELD_LABELS.get(key, key), str(value)))
    return rows


FORM_VALUES = {"residential": "pobytová", "outpatient": "ambulantní", "field": "terénní"}
STATE_VALUES = {"active": "aktivní", "closed": "zrušena", "pending": "čeká na právní moc"}


def _shown(key: str, value) -> str:
    """A stored value as a person reads it: Czech dates, yes/no, Czech form and state names."""
    import datetime
    import re

    from workflows.formats import czech_date

    if value in (None, "", []):
        return "–"
    if isinstance(value, bool):
        return "ano" if value else "ne"
    if isinstance(value, list):
        return "; ".join((v.get("description", "") if isinstance(v, dict) else str(v)) for v in value)
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return czech_date(datetime.date.fromisoformat(text))
    if key == "form":
        return FORM_VALUES.get(text, text)
    if key == "state":
        return STATE_VALUES.get(text, text)
    return text


def changed_rows(before, after) -> list[tuple[str, str, str]]:
    """Only what changed, as (Czech label, original, new) — "pole: původní → nová"."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    rows = []
    for key in list(before) + [k for k in after if k not in before]:
        old, new = before.get(key), after.get(key)
        if old == new or (old in (None, "", []) and new in (None, "", [])):
            continue
        rows.append((FIELD_LABELS.get(key, key.replace("_", " ")), _shown(key, old), _shown(key, new)))
    return rows


def provider_record(provider: Provider, *, user=None, staff: bool = True) -> ProviderRecord:
    """Everything about one provider: services, registry history, open cases, late notices.
    Not ``staff``: the history without personal data (natural person's home, staff items)."""
    services = list(
        provider.services.select_related("service_type", "registration_case").prefetch_related("target_groups")
    )
    history = list(
        RegistryVersion.objects.filter(provider=provider).select_related("case", "document", "actor", "service__service_type")
        .order_by("-at", "-pk")
    )
    for version in history:
        before, after = version.before, version.after
        if not staff:
            before = public_version_data(before, natural_person=provider.is_natural_person)
            after = public_version_data(after, natural_person=provider.is_natural_person)
        version.before_rows = _rows(before)
        version.after_rows = _rows(after)
        version.changes = changed_rows(before, after)
    case_ids = set(provider.proceedings.values_list("case_id", flat=True)) | set(
        provider.change_notices.values_list("case_id", flat=True)
    )
    cases = Case.objects.filter(pk__in=case_ids)
    open_cases = list(cases.exclude(state__in=[Case.State.CLOSED, Case.State.CANCELED]).order_by("deadline"))
    closed = list(provider.proceedings.filter(phase=Proceeding.Phase.FINAL).select_related("case"))
    late = list(provider.change_notices.filter(is_late=True).select_related("case"))
    docs = []
    if user is not None:
        docs = [d for d in Document.objects.filter(case_id__in=case_ids).select_related("case").order_by("-created_at")
                if can_view_document(user, d)]
    return ProviderRecord(provider, services, history, open_cases, closed, late, docs)


def applicant_record(ico: str) -> dict | None:
    """Facts from the registry for the opinions agenda (statement 3): services since, changes,
    late notices, cancellations. Plain data, no models."""
    provider = provider_by_ico(ico)
    if provider is None:
        return None
    services = provider.services.select_related("service_type")
    return {
        "name": provider.name,
        "ico": provider.ico,
        "address": provider.address,
        "services": [
            {"identifier": s.identifier, "service_type": s.service_type.paragraph, "name": s.service_type.name,
             "form": s.get_form_display(), "registered_on": s.registered_on, "state": s.state, "closed_on": s.closed_on,
             "capacity": s.capacity}
            for s in services
        ],
        "changes": RegistryVersion.objects.filter(provider=provider, action__in=["changed", "notice"]).count(),
        "late_notices": [
            {"change_date": n.change_date, "received_on": n.received_on, "due_on": n.due_on}
            for n in provider.change_notices.filter(is_late=True)
        ],
        "cancellations": [
            {"service": s.service_type.name, "closed_on": s.closed_on}
            for s in services if s.state == RegisteredService.State.CLOSED
        ],
    }


def registry_public_rows(*, include_closed: bool = False) -> list[dict]:
    """Public overview of registered providers and services (no staff personal data).

    Only services registered now, unless ``include_closed`` (then with the day they were closed).
    """
    services = (
        RegisteredService.objects.select_related("provider", "service_type", "registration_case")
        .prefetch_related("target_groups").order_by("provider__name", "service_type__sort_key", "pk")
    )
    if not include_closed:
        services = services.filter(state=RegisteredService.State.ACTIVE)
    rows = []
    for s in services:
        row = service_row(s)
        row["service_identifier"] = row.pop("identifier")
        for key in ("provided_from", "registered_on", "closed_on"):
            row[key] = row[key].isoformat() if row[key] else ""
        rows.append({
            "provider_name": s.provider.name,
            "provider_ico": s.provider.ico or "",
            "provider_address": public_address(s.provider),
            "provider_legal_form": s.provider.legal_form,
            **{column: row[column] for column in PUBLIC_COLUMNS[4:]},
        })
    return rows


def service_row(s: RegisteredService) -> dict:
    """The one registry row of a service (public fields): the API, the exports and the
    public overview all build on it."""
    return {
        "identifier": s.identifier,
        "service_type_paragraph": s.service_type.paragraph,
        "service_type": s.service_type.name,
        "form": s.get_form_display(),
        "place": s.place,
        "territory": s.territory,
        "target_groups": [g.name for g in s.target_groups.all()],
        "age_from": s.age_from,
        "age_to": s.age_to,
        "capacity": s.capacity,
        "provided_from": s.provided_from,
        "registered_on": s.registered_on,
        "state": s.get_state_display(),
        "closed_on": s.closed_on,
    }


def provider_payload(provider, *, staff: bool = False) -> dict:
    """A provider with its services, as the API returns it (the public address unless ``staff``)."""
    services = provider.services.select_related("service_type", "registration_case").prefetch_related("target_groups")
    return {"ico": provider.ico or None, "name": provider.name,
            "address": provider.address if staff else public_address(provider),
            "legal_form": provider.legal_form, "services": [service_row(s) for s in services]}


def registered_service_by_identifier(ico: str, identifier: str):
    """A provider's service by its § 85 identifier or the registration's file mark."""
    return RegisteredService.objects.filter(
        Q(national_id=identifier) | Q(registration_case__file_mark=identifier), provider__ico=ico
    ).first()


# ------------------------------------------------------------------ hooks for the shared surfaces


def registry_search(term: str, limit: int = 200) -> list[dict]:
    """Registry hits for the shared search page (reader included): provider name, IČO, § 85 id."""
    from django.urls import reverse

    term = (term or "").strip()
    if not term:
        return []
    qs = provider_list().filter(
        Q(name__icontains=term) | Q(ico__startswith=term) | Q(services__national_id=term)
        | Q(services__registration_case__file_mark=term)
    ).distinct()[:limit]
    return [{"name": p.name, "ico": p.ico or "", "url": reverse("registrations:provider", args=[p.pk]),
             "detail": p.address + f" · registrované služby: {p.active_services}"} for p in qs]


def case_search_q(term: str) -> Q:
    """Extra case search: the provider's name / IČO and the service's place or identifier."""
    return (
        Q(proceeding__provider__name__icontains=term) | Q(proceeding__provider__ico__startswith=term)
        | Q(proceeding__services__place__icontains=term) | Q(change_notice__provider__name__icontains=term)
    )


def task_list_filters() -> list:
    """Filters the shared inbox/queue offers for registration cases (phase, service type)."""
    from workflows.models import ServiceType
    from workflows.selectors import TaskListFilter

    phases = dict(Proceeding.Phase.choices)
    return [
        TaskListFilter(
            name="reg_phase", label=gettext("Fáze řízení"),
            choices=lambda: [(k, str(v)) for k, v in phases.items()],
            apply=lambda qs, v, path: qs.filter(**{f"{path}__proceeding__phase": v}) if v in phases else qs.none(),
            agendas={"registrations"},
        ),
        TaskListFilter(
            name="reg_service_type", label=gettext("Druh služby (§)"),
            choices=lambda: [(t.paragraph, f"§ {t.paragraph} {t.name}"[:60]) for t in ServiceType.objects.all()[:100]],
            apply=lambda qs, v, path: qs.filter(**{f"{path}__proceeding__services__service_type__paragraph": v}).distinct(),
            agendas={"registrations"},
        ),
    ]


# ----------------------------------------------------------------------------- proceedings (reads the services
# and documents use)

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


def provider_snapshot(provider: Provider) -> dict:
    return {f: getattr(provider, f) for f in ("ico", "name", "legal_form", "address", "statutory_body", "email", "phone", "data_box",
                                              "birth_date", "residence_address", "business_address")}


def current_decision_deadline(proceeding: Proceeding) -> date | None:
    """Decision deadline from the start of the proceeding, its suspensions and extension; after the
    ministry cancelled the decision and returned the case (§ 90 odst. 1 písm. b)), from the day its
    decision was notified to the office (only the suspensions and extensions after it count)."""
    if proceeding.received_on is None:
        return None
    case = proceeding.case
    start = proceeding.received_on
    returned = returned_appeal(proceeding)
    if returned is not None and returned.ministry_notified_on:
        start = returned.ministry_notified_on
    suspensions = [(s.started_on, s.ended_on) for s in case.suspensions.all()
                   if s.ended_on is None or s.ended_on >= start]
    extensions = [e for e in case.extensions.all() if returned is None or timezone.localdate(e.recorded_at) >= start]
    # § 71 odst. 3 písm. a) up to 30 days; písm. b) the time the expert opinion takes
    extension, expert = deadlines.decision_extension((e.ground, e.days) for e in extensions)
    return deadlines.decision_deadline(start, suspensions=suspensions, extension_days=extension,
                                       expert_days=expert)


def returned_appeal(proceeding: Proceeding):
    """The latest appeal on which the ministry cancelled the decision and returned the case, or None."""
    from .models import Appeal

    return (proceeding.appeals.filter(outcome=Appeal.Outcome.CANCELLED_RETURNED)
            .order_by("-ministry_notified_on", "-pk").first())


def return_to_follow(proceeding: Proceeding):
    """The appeal on which the ministry returned the case, when it is the latest appeal: the decision
    the office issues now follows that return (§ 90 odst. 1 písm. b)); else None."""
    from .models import Appeal

    appeal = proceeding.current_appeal
    if appeal is not None and appeal.outcome == Appeal.Outcome.CANCELLED_RETURNED:
        return appeal
    return None


def ministry_outcome_records() -> list[dict]:
    """The ministry's outcomes as the act catalogue lists them (registrations/acts.yaml, ``received``)."""
    from workflows.acts import received_acts

    return received_acts("registrations")


def ministry_outcome_record(code: str) -> dict:
    for record in ministry_outcome_records():
        if record["code"] == code:
            return record
    raise field_error(gettext("Zvolte výsledek odvolacího řízení."), "outcome")


def checklist_for(proceeding: Proceeding, stage: str) -> list[ChecklistItem]:
    """The items this proceeding needs (kind, forms, and for a change what changes)."""
    forms = proceeding.forms
    changes = proceeding.changed_fields if proceeding.kind == Proceeding.Kind.CHANGE else None
    items = ChecklistItem.objects.filter(stage=stage, active=True)
    return [i for i in items if i.applies_to(forms=forms, proceeding_kind=proceeding.kind, changes=changes)]


def missing_items(proceeding: Proceeding) -> list[ChecklistAnswer]:
    """The deficiencies of the last completeness check: items the proceeding needs that are not
    ticked (an answer to an item the proceeding does not need is no deficiency)."""
    needed = [i.pk for i in checklist_for(proceeding, ChecklistItem.Stage.COMPLETENESS)]
    return list(proceeding.checklist.filter(fulfilled=False, item__in=needed).select_related("item"))


def evidence_notice_needed(proceeding: Proceeding) -> bool:
    """§ 36 odst. 3 notice before a refusal and before an ex officio cancellation — never before
    an outcome in the party's favour (the ex officio proceeding stopped because its grounds failed)."""
    if proceeding.proposal == Proceeding.Outcome.REFUSED:
        return True
    return (proceeding.kind == Proceeding.Kind.CANCELLATION and proceeding.ex_officio
            and proceeding.proposal == Proceeding.Outcome.GRANTED)


def cancellation_request_late(proceeding: Proceeding) -> bool:
    """A cancellation on request must come at least 3 months before the service ends."""
    if proceeding.ex_officio or proceeding.service_ends_on is None or proceeding.received_on is None:
        return False
    return deadlines.add_months(proceeding.received_on, 3, shift=False) > proceeding.service_ends_on


def is_partial_cancellation(proceeding: Proceeding) -> bool:
    """On request, ending some of several registered services is a change of registration (§ 82 odst. 2)."""
    if proceeding.kind != Proceeding.Kind.CANCELLATION or proceeding.ex_officio:
        return False
    active = set(proceeding.provider.services.filter(state=RegisteredService.State.ACTIVE).values_list("pk", flat=True))
    return bool(active - set(proceeding.cancel_services.values_list("pk", flat=True)))


def decision_noted_in_file(proceeding: Proceeding) -> bool:
    """The ex officio usnesení o zastavení is, by the catalogue, only noted in the file (§ 66 odst. 3):
    no delivery, no appeal period. The lawyer flips ``delivery`` in the catalogue if it is delivered."""
    from workflows.acts import current

    if not (proceeding.ex_officio and proceeding.proposal == Proceeding.Outcome.TERMINATED):
        return False
    return current("reg_termination_ex_officio").delivery == "file_note"


def provider_identity(provider: Provider) -> dict:
    """The provider's identification as an intake takes it (reused by IČO, or a natural person's)."""
    return {"ico": provider.ico, "name": provider.name, "address": provider.address,
            "is_natural_person": provider.is_natural_person, "birth_date": provider.birth_date,
            "residence_address": provider.residence_address, "business_address": provider.business_address}


def decision_document_kind(proceeding: Proceeding) -> str:
    if proceeding.proposal == Proceeding.Outcome.TERMINATED:
        return DOC_TERMINATION
    if proceeding.proposal == Proceeding.Outcome.REFUSED:
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
        raise field_error(gettext("Rozhodnutí nelze vydat, dokud je řízení přerušeno."))
    if proceeding.proposal not in (Proceeding.Outcome.GRANTED, Proceeding.Outcome.REFUSED, Proceeding.Outcome.TERMINATED):
        raise field_error(gettext("Chybí návrh rozhodnutí."))


def autoremedy_to_issue(proceeding: Proceeding):
    """The appeal the office granted itself (§ 87) whose new decision is not issued yet, or None."""
    return (proceeding.appeals.filter(outcome="autoremedy", superseded_by__isnull=True)
            .select_related("decision").order_by("-pk").first())


def last_decision(proceeding: Proceeding) -> Document | None:
    return (Document.objects.filter(case=proceeding.case, kind__in=DECISION_KINDS)
            .order_by("-created_at", "-pk").first())


def decision_in_force(proceeding: Proceeding) -> Document | None:
    """The act the registry follows: the ministry's decision when it changed the office's (§ 90 odst. 1
    písm. c)), else the office's last decision."""
    from .models import Appeal

    changed = (proceeding.appeals.filter(outcome=Appeal.Outcome.CHANGED, ministry_document__isnull=False)
               .select_related("ministry_document").order_by("-pk").first())
    if changed is not None:
        return changed.ministry_document
    return last_decision(proceeding)


def document_notes(proceeding: Proceeding) -> dict[int, dict]:
    """Per document id, what became of an appealed decision: replaced (§ 87, § 90 odst. 1 písm. c)),
    cancelled (§ 90 odst. 1 písm. a), b)) or confirmed (§ 90 odst. 5), with the act that did it."""
    from workflows.formats import czech_date

    from .models import Appeal

    notes: dict[int, dict] = {}
    appeals = proceeding.appeals.filter(decision__isnull=False).select_related("superseded_by", "ministry_document")
    for appeal in appeals.order_by("pk"):
        by = appeal.superseded_by
        if appeal.outcome == Appeal.Outcome.AUTOREMEDY and by is not None:
            notes[appeal.decision_id] = {
                "label": gettext("nahrazeno"), "tone": "amber", "document_id": by.pk,
                "by": gettext("rozhodnutím č. j. {ref} ze dne {on} (§ 87 správního řádu)").format(
                    ref=by.reference_number, on=czech_date(proceeding_local_date(by)))}
        elif appeal.outcome in (Appeal.Outcome.CANCELLED_RETURNED, Appeal.Outcome.CANCELLED_STOPPED,
                                Appeal.Outcome.CHANGED) and by is not None:
            changed = appeal.outcome == Appeal.Outcome.CHANGED
            letter = {Appeal.Outcome.CANCELLED_STOPPED: "a)", Appeal.Outcome.CANCELLED_RETURNED: "b)",
                      Appeal.Outcome.CHANGED: "c)"}[appeal.outcome]
            notes[appeal.decision_id] = {
                "label": gettext("nahrazeno") if changed else gettext("zrušeno"), "tone": "amber" if changed else "red",
                "document_id": by.pk,
                "by": gettext("rozhodnutím odvolacího orgánu č. j. {ref} ze dne {on} (§ 90 odst. 1 písm. {letter} "
                              "správního řádu)").format(ref=appeal.ministry_reference, on=czech_date(appeal.outcome_on),
                                                        letter=letter)}
        elif appeal.outcome == Appeal.Outcome.DISMISSED and appeal.ministry_document_id:
            notes[appeal.decision_id] = {
                "label": gettext("potvrzeno"), "tone": "green", "document_id": appeal.ministry_document_id,
                "by": gettext("rozhodnutím odvolacího orgánu č. j. {ref} ze dne {on} (§ 90 odst. 5 správního "
                              "řádu)").format(ref=appeal.ministry_reference, on=czech_date(appeal.outcome_on))}
    return notes


def proceeding_local_date(document: Document) -> date:
    return timezone.localtime(document.created_at).date()


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


#: the grounds a proceeding may be stopped on from the case page (form choices, service check)
WITHDRAWN = "withdrawn"  # § 66 odst. 1 písm. a): the applicant withdrew the application
GROUND_LOST = "ground_lost"  # § 66 odst. 2: ex officio, the ground for cancelling did not hold


def stop_grounds(proceeding: Proceeding) -> list[tuple[str, str]]:
    """The grounds the law gives this proceeding (empty: it cannot be stopped from the case page)."""
    if proceeding.phase == Proceeding.Phase.FINAL or proceeding.outcome != Proceeding.Outcome.PENDING or proceeding.decided_on:
        return []
    if proceeding.ex_officio:
        return [(GROUND_LOST, gettext("důvod zrušení registrace odpadl nebo se nepotvrdil (§ 66 odst. 2 správního řádu)"))]
    return [(WITHDRAWN, gettext("žadatel vzal žádost zpět (§ 66 odst. 1 písm. a) správního řádu)"))]


def waiver_possible(proceeding: Proceeding) -> bool:
    """A waiver of appeal is recorded between the decision's delivery and its finality."""
    return bool(proceeding.decision_delivered_on and proceeding.phase == Proceeding.Phase.APPEAL_PERIOD
                and not proceeding.final_on)


#: the flow step whose permission an act outside the flow needs: stopping a proceeding and
#: correcting its act are the officer's decisions in that proceeding
DECIDE_PERMISSION = {
    Proceeding.Kind.REGISTRATION: "registrations.can_decide_registrationprocess",
    Proceeding.Kind.CHANGE: "registrations.can_decide_changeapplicationprocess",
    Proceeding.Kind.CANCELLATION: "registrations.can_decide_cancellationprocess",
}


def may_decide(user, proceeding: Proceeding) -> bool:
    from workflows.permissions import may

    return may(user, DECIDE_PERMISSION[proceeding.kind])


def case_detail_context(case: Case, user=None) -> dict:
    """The proceeding's delivery and appeal facts for the case page, and the acts the user may
    issue from it (zastavit řízení, opravit vydaný akt)."""
    from .models import CORRECTABLE_KINDS

    proceeding = Proceeding.objects.filter(case=case).first()
    if proceeding is None:
        return {}
    proposed_final = None
    if proceeding.decision_delivered_on and not proceeding.final_on:
        proposed_final = deadlines.finality_date(proceeding.decision_delivered_on, waived_on=proceeding.waived_on)
    decides = user is not None and may_decide(user, proceeding)
    can_correct = decides and Document.objects.filter(case=case, kind__in=CORRECTABLE_KINDS, corrected_by__isnull=True,
                                                      status=Document.Status.ISSUED).exclude(reference_number="").exists()
    return {"proceeding": proceeding, "proposed_final_on": proposed_final,
            "document_notes": document_notes(proceeding), "returned_appeal": returned_appeal(proceeding),
            "can_stop": decides and bool(stop_grounds(proceeding)), "can_correct": can_correct,
            "can_waive": decides and waiver_possible(proceeding)}
