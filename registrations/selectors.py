"""Reads of the registration agenda (registry, provider record, exports, late notices).

Other agendas (opinions) and the REST API call these; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from workflows.models import Case, Document
from workflows.permissions import can_view_document

from .models import ChangeNotice, Proceeding, Provider, RegisteredService, RegistryVersion

PUBLIC_COLUMNS = [
    "provider_name", "provider_ico", "provider_address", "provider_legal_form", "service_identifier",
    "service_type_paragraph", "service_type", "form", "place", "territory", "target_groups", "age_from", "age_to",
    "capacity", "provided_from", "registered_on", "state", "closed_on",
]


def provider_list(*, query: str = ""):
    qs = Provider.objects.annotate(
        active_services=Count("services", filter=Q(services__state=RegisteredService.State.ACTIVE), distinct=True),
        late_notices=Count("change_notices", filter=Q(change_notices__is_late=True), distinct=True),
    ).order_by("name")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(ico__startswith=query))
    return qs


def provider_by_ico(ico: str) -> Provider | None:
    return Provider.objects.filter(ico=ico).first()


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


def provider_record(provider: Provider, *, user=None) -> ProviderRecord:
    """Everything about one provider: services, registry history, open cases, late notices."""
    services = list(
        provider.services.select_related("service_type", "registration_case").prefetch_related("target_groups")
    )
    history = list(
        RegistryVersion.objects.filter(provider=provider).select_related("case", "document", "actor", "service__service_type")
        .order_by("-at", "-pk")
    )
    for version in history:
        version.before_rows = _rows(version.before)
        version.after_rows = _rows(version.after)
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
        rows.append({
            "provider_name": s.provider.name,
            "provider_ico": s.provider.ico or "",
            "provider_address": s.provider.address,
            "provider_legal_form": s.provider.legal_form,
            "service_identifier": s.identifier,
            "service_type_paragraph": s.service_type.paragraph,
            "service_type": s.service_type.name,
            "form": s.get_form_display(),
            "place": s.place,
            "territory": s.territory,
            "target_groups": [g.name for g in s.target_groups.all()],
            "age_from": s.age_from,
            "age_to": s.age_to,
            "capacity": s.capacity,
            "provided_from": s.provided_from.isoformat() if s.provided_from else "",
            "registered_on": s.registered_on.isoformat(),
            "state": s.get_state_display(),
            "closed_on": s.closed_on.isoformat() if s.closed_on else "",
        })
    return rows


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
            name="reg_phase", label="Fáze řízení",
            choices=lambda: [(k, str(v)) for k, v in phases.items()],
            apply=lambda qs, v, path: qs.filter(**{f"{path}__proceeding__phase": v}) if v in phases else qs.none(),
            agendas={"registrations"},
        ),
        TaskListFilter(
            name="reg_service_type", label="Druh služby (§)",
            choices=lambda: [(t.paragraph, f"§ {t.paragraph} {t.name}"[:60]) for t in ServiceType.objects.all()[:100]],
            apply=lambda qs, v, path: qs.filter(**{f"{path}__proceeding__services__service_type__paragraph": v}).distinct(),
            agendas={"registrations"},
        ),
    ]


def task_summary(case_id: int) -> dict:
    """What the officer sees beside a task form: the proceeding or notice, services, documents."""
    from . import documents as docs
    from .services import missing_items

    proceeding = Proceeding.objects.select_related("case", "provider").filter(case_id=case_id).first()
    summary: dict = {"proceeding": proceeding, "notice": None, "services": [], "missing": []}
    if proceeding is not None:
        summary["services"] = docs.proceeding_context(proceeding)["services"]
        if proceeding.phase in (Proceeding.Phase.CHECK, Proceeding.Phase.SUSPENDED):
            summary["missing"] = missing_items(proceeding)
    else:
        summary["notice"] = ChangeNotice.objects.select_related("provider", "service__service_type").filter(
            case_id=case_id).first()
    summary["documents"] = list(Document.objects.filter(case_id=case_id).order_by("-created_at")[:10])
    return summary
