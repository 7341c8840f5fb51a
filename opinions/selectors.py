"""Reads of the opinion agenda: plan matching, IP overlaps, the applicant's record, lists."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from workflows.formats import czech_date, user_label
from workflows.models import Case
from workflows.permissions import ROLE_READER, can_work_on_agenda, has_role
from workflows.region import get_region

from .models import (
    AreaOfSupport,
    Call,
    IndividualProject,
    IndividualProjectService,
    Opinion,
    Plan,
    PlanItem,
    PlanItemService,
    PlanItemTargetGroup,
)
from .plan_parser import normalize

# weights of the match (plan-formats.md: § strongest, then target groups, then title words;
# inherited § weigh less; "all services" matches weakly)
W_SERVICE = 10
W_SERVICE_INHERITED = 4
W_GROUP = 3
W_GROUP_INHERITED = 2
W_ALL_SERVICES = 1
W_WORD = 1

_STOP_WORDS = {
    "a", "v", "ve", "na", "pro", "s", "se", "z", "ze", "do", "k", "ke", "o", "u", "po", "pri", "za",
    "jejich", "sluzeb", "sluzby", "socialnich", "socialni", "projekt", "podpora", "rozvoj", "kraji", "kraje",
}


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", normalize(text)) if len(w) >= 4 and w not in _STOP_WORDS}


def _overlaps(a_start: date, a_end: date, b_start: date, b_end: date) -> bool:
    return a_start <= b_end and b_start <= a_end


# --------------------------------------------------------------------------- plans


def plans_for_period(start: date, end: date, *, region_name: str | None = None) -> QuerySet[Plan]:
    """Plans of the deployment's region valid in (overlapping) the period — never another region's."""
    region_name = region_name or get_region().name
    return Plan.objects.filter(region_name=region_name, valid_from__lte=end, valid_to__gte=start)


@dataclass
class Suggestion:
    item: PlanItem
    score: int
    reason: str
    parts: list[str] = field(default_factory=list)

    @property
    def plan(self) -> Plan:
        return self.item.plan


def suggest_activities(
    *,
    paragraphs: list[str],
    target_groups: list[str],
    title: str,
    period_start: date,
    period_end: date,
    region_name: str | None = None,
    limit: int = 15,
) -> list[Suggestion]:
    """Plan activities ranked by overlap of § (strongest), target groups, then title words."""
    plans = list(plans_for_period(period_start, period_end, region_name=region_name))
    if not plans:
        return []
    wanted_pars = set(paragraphs)
    wanted_groups = set(target_groups)
    title_words = _words(title)
    items = (
        PlanItem.objects.filter(plan__in=plans, kind=PlanItem.Kind.ACTIVITY, active=True)
        .select_related("plan")
        .prefetch_related(
            Prefetch("service_links", queryset=PlanItemService.objects.select_related("service_type")),
            Prefetch("group_links", queryset=PlanItemTargetGroup.objects.select_related("target_group")),
        )
    )
    out: list[Suggestion] = []
    for item in items:
        score = 0
        direct_pars, inherited_pars, direct_groups, inherited_groups = [], [], [], []
        for link in item.service_links.all():
            par = link.service_type.paragraph
            if par in wanted_pars:
                (inherited_pars if link.inherited else direct_pars).append(par)
        for link in item.group_links.all():
            code = link.target_group.code
            if code in wanted_groups:
                (inherited_groups if link.inherited else direct_groups).append(code)
        score += W_SERVICE * len(direct_pars) + W_SERVICE_INHERITED * len(inherited_pars)
        score += W_GROUP * len(direct_groups) + W_GROUP_INHERITED * len(inherited_groups)
        parts = [f"§ {p}" for p in direct_pars] + [f"§ {p} (zděděno)" for p in inherited_pars]
        parts += direct_groups + [f"{g} (zděděno)" for g in inherited_groups]
        if item.all_services and wanted_pars and not (direct_pars or inherited_pars):
            score += W_ALL_SERVICES
            parts.append("všechny druhy služeb")
        common = sorted(title_words & _words(item.name))
        if common:
            score += W_WORD * len(common)
            parts.append("slova názvu: " + ", ".join(common))
        if not parts or score <= 0:
            continue
        if len(parts) > 1:
            joined = ", ".join(parts[:-1]) + " a " + parts[-1]
        else:
            joined = parts[0]
        reason = f"{joined} shodné s {item.number}"
        out.append(Suggestion(item=item, score=score, reason=reason[:300], parts=parts))
    out.sort(key=lambda s: (-s.score, s.item.plan_id, s.item.sort_order))
    return out[:limit]


def suggestions_for(opinion: Opinion, **kwargs) -> list[Suggestion]:
    return suggest_activities(
        paragraphs=[s.paragraph for s in opinion.service_types.all()],
        target_groups=[g.code for g in opinion.target_groups.all()],
        title=opinion.project_title,
        period_start=opinion.period_start,
        period_end=opinion.period_end,
        **kwargs,
    )


# --------------------------------------------------------------------------- individual projects


@dataclass
class IpOverlap:
    ip_service: IndividualProjectService
    strength: str  # "strong" | "weak"
    message: str


def ip_overlaps(
    *,
    paragraphs: list[str],
    target_groups: list[str],
    whole_region: bool,
    districts: list[str],
    period_start: date,
    period_end: date,
    region_name: str | None = None,
) -> list[IpOverlap]:
    """Same § + overlapping territory + overlapping period → a warning; strong with the same group."""
    region_name = region_name or get_region().name
    services = (
        IndividualProjectService.objects.filter(
            project__region_name=region_name,
            project__start__lte=period_end,
            project__end__gte=period_start,
            service_type__paragraph__in=list(paragraphs),
        )
        .select_related("project", "service_type")
        .prefetch_related("target_groups")
    )
    wanted_groups = set(target_groups)
    out = []
    for svc in services:
        if not (whole_region or svc.whole_region or set(svc.districts) & set(districts)):
            continue
        ip_groups = {g.code for g in svc.target_groups.all()}
        common = sorted(ip_groups & wanted_groups)
        strength = "strong" if common else "weak"
        project = svc.project
        territory = svc.territory_label
        msg = (
            f"Možné dvojí financování: IP „{project.name}“ ({czech_date(project.start)} – {czech_date(project.end)}) "
            f"podporuje § {svc.service_type.paragraph} {svc.service_type.name}"
            f"{' – ' + svc.note if svc.note else ''} (území: {territory}; cílové skupiny: {', '.join(sorted(ip_groups)) or '—'})"
        )
        msg += f"; shodná cílová skupina {', '.join(common)}." if common else "; jiná cílová skupina."
        out.append(IpOverlap(ip_service=svc, strength=strength, message=msg[:500]))
    out.sort(key=lambda o: (o.strength != "strong", o.ip_service.project.start, o.ip_service.pk))
    return out


def ip_overlaps_for(opinion: Opinion) -> list[IpOverlap]:
    return ip_overlaps(
        paragraphs=[s.paragraph for s in opinion.service_types.all()],
        target_groups=[g.code for g in opinion.target_groups.all()],
        whole_region=opinion.whole_region,
        districts=list(opinion.districts or []),
        period_start=opinion.period_start,
        period_end=opinion.period_end,
    )


# --------------------------------------------------------------------------- applicant's record


def _registry():
    try:
        from registrations import selectors as reg
    except ImportError:  # the registry agenda is optional for this one
        return None
    return reg


def registry_record(ico: str) -> dict | None:
    """Registered services and since when, changes, late notices, cancellations (registry agenda)."""
    reg = _registry()
    func = getattr(reg, "applicant_record", None) if reg else None
    if func is None:
        return None
    try:
        return func(ico)
    except Exception:  # the other agenda's read must never break the drafter's screen
        return None


def registry_provider(ico: str) -> dict | None:
    """The provider in the registry, when known: {"id", "name", "address"}."""
    reg = _registry()
    if reg is None:
        return None
    record = registry_record(ico)
    provider = None
    if getattr(reg, "provider_by_ico", None) is not None:
        try:
            provider = reg.provider_by_ico(ico)
        except Exception:
            provider = None
    if record is None and provider is None:
        return None
    return {
        "id": getattr(provider, "pk", None),
        "name": (record or {}).get("name") or str(getattr(provider, "name", "")),
        "address": (record or {}).get("address") or str(getattr(provider, "address", "") or ""),
    }


def _d(value) -> str:
    return czech_date(value) if isinstance(value, date) else str(value or "")


def registry_facts(registry: dict | None) -> list[str]:
    """The registry's record as sentences the drafter may cite in statement 3."""
    if not isinstance(registry, dict):
        return []
    facts = []
    for svc in registry.get("services", []) or []:
        if not isinstance(svc, dict):
            facts.append(f"Registrovaná služba {svc}")
            continue
        par = svc.get("service_type") or svc.get("paragraph")
        text = f"Registrovaná služba {svc.get('name', '')}" + (f" (§ {par})" if par else "")
        if svc.get("form"):
            text += f", {svc['form']}"
        if svc.get("registered_on"):
            text += f", registrována od {_d(svc['registered_on'])}"
        if svc.get("closed_on"):
            text += f", ukončena {_d(svc['closed_on'])}"
        facts.append(text)
    changes = registry.get("changes")
    if isinstance(changes, int):
        if changes:
            facts.append(f"Změny registrace a oznámené změny v registru: {changes}")
    else:
        for entry in changes or []:
            facts.append(f"Změna: {entry.get('summary', entry) if isinstance(entry, dict) else entry}")
    for entry in registry.get("late_notices", []) or []:
        if isinstance(entry, dict):
            facts.append(
                f"Pozdní oznámení změny ze dne {_d(entry.get('change_date'))} "
                f"(doručeno {_d(entry.get('received_on'))}, lhůta {_d(entry.get('due_on'))})"
            )
        else:
            facts.append(f"Pozdní oznámení změny: {entry}")
    for entry in registry.get("cancellations", []) or []:
        if isinstance(entry, dict):
            facts.append(f"Zrušení registrace: {entry.get('service', '')} k {_d(entry.get('closed_on'))}")
        else:
            facts.append(f"Zrušení registrace: {entry}")
    return facts


def applicant_record(ico: str, *, exclude_opinion: Opinion | None = None) -> dict:
    """What the drafter cites in statement 3: the registry's facts and earlier opinions."""
    earlier = (
        Opinion.objects.filter(applicant_ico=ico)
        .select_related("case", "call__programme", "approver")
        .order_by("-case__received_on")
    )
    if exclude_opinion is not None:
        earlier = earlier.exclude(pk=exclude_opinion.pk)
    registry = registry_record(ico)
    facts: list[str] = registry_facts(registry)
    for op in earlier:
        verdict = op.get_s3_verdict_display() if op.s3_verdict else "bez hodnocení"
        facts.append(
            f"Dřívější vyjádření {op.case.file_mark} ({czech_date(op.case.received_on)}): {op.project_title} – "
            f"{op.get_status_display().lower()}, hodnocení předkladatele: {verdict}"
        )
    return {
        "ico": ico,
        "provider": registry_provider(ico),
        "registry": registry,
        "registry_available": registry is not None,
        "earlier_opinions": list(earlier),
        "facts": facts,
    }


# --------------------------------------------------------------------------- lists


def opinions_visible_to(user) -> QuerySet[Opinion]:
    """Planners, the coordinator and the head see all opinions; a reader sees issued ones only."""
    qs = Opinion.objects.select_related("case", "call__programme", "call__area", "area", "drafter", "approver")
    if can_work_on_agenda(user, "opinions"):
        return qs
    if has_role(user, ROLE_READER):
        return qs.filter(status=Opinion.Status.ISSUED)
    return qs.none()


def opinions_due_for_call(call: Call) -> QuerySet[Opinion]:
    """All opinions of one call, by their deadline (the head's overview before a call closes)."""
    return (
        Opinion.objects.filter(call=call)
        .select_related("case", "drafter", "area")
        .order_by("case_deadline", "case__received_on", "pk")
    )


def calls_with_open_opinions() -> QuerySet[Call]:
    """Calls with at least one open opinion (an EXISTS per call: stops at the first one)."""
    from django.db.models import Exists, OuterRef

    open_ones = Opinion.objects.filter(call=OuterRef("pk"), status__in=OPEN_STATUSES)
    return Call.objects.filter(Exists(open_ones)).select_related("programme", "area")


OPEN_STATUSES = (Opinion.Status.DRAFTING, Opinion.Status.WAITING, Opinion.Status.RETURNED, Opinion.Status.APPROVED)


def opinions_overdue(today: date | None = None) -> QuerySet[Opinion]:
    """Open opinions whose current deadline (on the case) has passed."""
    today = today or timezone.localdate()
    return (
        Opinion.objects.filter(status__in=OPEN_STATUSES, case__deadline__lt=today)
        .exclude(case__state__in=[Case.State.CLOSED, Case.State.CANCELED])
        .select_related("case", "drafter", "call__programme", "call__area")
        .order_by("case__deadline", "pk")
    )


def is_overdue(opinion: Opinion, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return opinion.status in OPEN_STATUSES and opinion.case.deadline is not None and opinion.case.deadline < today


def individual_projects(region_name: str | None = None) -> QuerySet[IndividualProject]:
    return IndividualProject.objects.filter(region_name=region_name or get_region().name).prefetch_related(
        "services__service_type", "services__target_groups"
    )


__all__ = [
    "IpOverlap",
    "Suggestion",
    "applicant_record",
    "calls_with_open_opinions",
    "individual_projects",
    "ip_overlaps",
    "ip_overlaps_for",
    "is_overdue",
    "opinions_due_for_call",
    "opinions_overdue",
    "opinions_visible_to",
    "plans_for_period",
    "registry_facts",
    "registry_provider",
    "registry_record",
    "suggest_activities",
    "suggestions_for",
]



# ----------------------------------------------------------------------------- engine hooks


def task_list_filters() -> list:
    """Area of support and call on the task lists, joined through the case's ``opinion``."""
    from workflows.selectors import TaskListFilter

    def call_label(c: Call) -> str:
        deadline = f" ({date_format(c.submission_deadline, 'SHORT_DATE_FORMAT')})" if c.submission_deadline else ""
        return f"výzva č. {c.number}{deadline}"

    return [
        TaskListFilter(
            name="area", label="Oblast podpory",
            choices=lambda: [(str(a.pk), f"{a.code} {a.name}"[:60]) for a in AreaOfSupport.objects.order_by("code")[:100]],
            apply=lambda qs, v, path: qs.filter(**{f"{path}__opinion__area_id": v}) if v.isdigit() else qs.none(),
            agendas={"opinions"},
        ),
        TaskListFilter(
            name="call", label="Výzva",
            choices=lambda: [(str(c.pk), call_label(c))
                             for c in Call.objects.order_by("-submission_deadline", "number")[:100]],
            apply=lambda qs, v, path: qs.filter(**{f"{path}__opinion__call_id": v}) if v.isdigit() else qs.none(),
            agendas={"opinions"},
        ),
    ]


def opinions_due_per_call(limit: int = 12) -> list[dict]:
    """Open opinions per call with the call's deadline (the head's dashboard)."""
    open_statuses = [Opinion.Status.DRAFTING, Opinion.Status.WAITING, Opinion.Status.RETURNED, Opinion.Status.APPROVED]
    rows = (
        Opinion.objects.filter(status__in=open_statuses)
        .order_by()
        .values("call_id", "call__number", "call__submission_deadline")
        .annotate(open=Count("pk"))
        .order_by(F("call__submission_deadline").asc(nulls_last=True), "call__number")[:limit]
    )
    return [{"call": f"výzva č. {r['call__number']}", "deadline": r["call__submission_deadline"], "open": r["open"]}
            for r in rows]


def dashboard_context(user) -> dict:
    return {"opinions_due": opinions_due_per_call()}


def build_snapshot(opinion: Opinion) -> dict:
    """What the opinion relied on, copied so a later plan import never changes an issued opinion."""
    links = opinion.activity_links.select_related("item__plan").order_by("item__plan_id", "item__sort_order")
    return {
        "frozen_at": timezone.now().isoformat(),
        "plans": sorted({link.item.plan.title for link in links}),
        "activities": [
            {"plan": link.item.plan.title, "plan_id": link.item.plan_id, "number": link.item.number,
             "name": link.item.name, "label": link.item.label, "reason": link.reason}
            for link in links
        ],
        "ip_warnings": [
            {"ip": w.ip_service.project.name, "paragraph": w.ip_service.service_type.paragraph,
             "service": w.ip_service.service_type.name, "strength": w.strength, "message": w.message,
             "answer": w.answer, "answered_by": user_label(w.answered_by)}
            for w in opinion.ip_warnings.select_related("ip_service__project", "ip_service__service_type", "answered_by")
        ],
        "statements": {name: getattr(opinion, name) for name in Opinion.STATEMENT_FIELDS},
        "s3_facts": list(opinion.s3_facts or []),
        "drafter": user_label(opinion.drafter),
    }
