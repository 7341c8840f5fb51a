"""Reads of the opinion agenda: plan matching, IP overlaps, the applicant's record, lists."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from workflows.formats import czech_date, user_label
from workflows.models import Case, CaseEvent, TargetGroup
from workflows.permissions import ROLE_DEPUTY, ROLE_HEAD, ROLE_READER, can_work_on_agenda, has_role
from workflows.region import get_region

from .models import (
    AreaOfSupport,
    OpinionEvent,
    Call,
    IndividualProject,
    IndividualProjectService,
    IpWarning,
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


def _spelled(text: str) -> dict[str, str]:
    """Folded word → the word as the text spells it (a match reason shows "sociální", not the
    folded "socialni" the matching compares)."""
    out: dict[str, str] = {}
    for word in re.findall(r"\w+", text or ""):
        for folded in re.findall(r"[a-z0-9]+", normalize(word)):
            out.setdefault(folded, word.lower())
    return out


# --------------------------------------------------------------------------- plans


def plans_for_period(start: date, end: date, *, region_name: str | None = None) -> QuerySet[Plan]:
    """Plans of the deployment's region valid in (overlapping) the period — never another region's."""
    region_name = region_name or get_region().name
    return Plan.objects.filter(region_name=region_name, valid_from__lte=end, valid_to__gte=start)


def individual_project_item_ids(plans, *, region_name: str | None = None) -> set[int]:
    """Plan activities that *are* the region's own individual projects (IP), not activities a project can fit.

    A plan of work lists the region's IPs as its activities ("Aktivita 6.1.1 Individuální projekt
    Karlovarského kraje …"): statement 1 must never cite them (statement 4 says the project is not
    funded by the IP). An activity is an IP when its name starts with "Individuální projekt" or
    contains the name of one of the region's IPs in the catalogue.
    """
    region_name = region_name or get_region().name
    ip_names = [normalize(name) for name in
                IndividualProject.objects.filter(region_name=region_name).values_list("name", flat=True)]
    ids = set()
    for pk, name in PlanItem.objects.filter(plan__in=plans, kind=PlanItem.Kind.ACTIVITY).values_list("pk", "name"):
        norm = normalize(name)
        if norm.startswith("individualni projekt") or any(ip and ip in norm for ip in ip_names):
            ids.add(pk)
    return ids


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
    """Plan activities ranked by overlap of § (strongest), target groups, then title words.

    The region's own individual projects listed as plan activities are never suggested.
    """
    plans = list(plans_for_period(period_start, period_end, region_name=region_name))
    if not plans:
        return []
    ip_items = individual_project_item_ids(plans, region_name=region_name)
    wanted_pars = set(paragraphs)
    wanted_groups = set(target_groups)
    title_words = _words(title)
    title_spelled = _spelled(title)
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
        if item.pk in ip_items:
            continue
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
            parts.append("slova názvu: " + ", ".join(title_spelled.get(w, w) for w in common))
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


def ip_overlaps_for(opinion: Opinion, *, service_types=None, target_groups=None) -> list[IpOverlap]:
    """``service_types``, ``target_groups``: the opinion's, when the caller holds them (a request
    registered just now) instead of reading them back."""
    service_types = opinion.service_types.all() if service_types is None else service_types
    target_groups = opinion.target_groups.all() if target_groups is None else target_groups
    return ip_overlaps(
        paragraphs=[s.paragraph for s in service_types],
        target_groups=[g.code for g in target_groups],
        whole_region=opinion.whole_region,
        districts=list(opinion.districts or []),
        period_start=opinion.period_start,
        period_end=opinion.period_end,
    )


# --------------------------------------------------------------------------- answers to IP warnings


@dataclass
class IpAnswer:
    """The drafter's structured answer to one IP warning (what the form and the API send)."""

    reason: str = ""
    text: str = ""
    period_from: date | None = None
    period_to: date | None = None
    groups: list[str] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, warning: IpWarning) -> IpAnswer:
        return cls(reason=warning.reason, text=warning.answer, period_from=warning.reason_from,
                   period_to=warning.reason_to, groups=list(warning.reason_groups or []),
                   districts=list(warning.reason_districts or []))


def _join(values) -> str:
    values = list(values)
    return ", ".join(values[:-1]) + " a " + values[-1] if len(values) > 1 else "".join(values)


def project_districts(opinion: Opinion) -> list[str]:
    """The districts the project covers (all of the region's when it covers the whole region)."""
    return list(get_region().districts) if opinion.whole_region else list(opinion.districts or [])


def ip_answer_problems(warning: IpWarning, answer: IpAnswer | None = None) -> list[str]:
    """Why an answer to an IP warning does not hold, checked against the IP's and the project's data (Czech).

    An empty list: the answer is valid. ``answer`` defaults to the one stored on the warning.
    """
    answer = answer or IpAnswer.of(warning)
    opinion, svc = warning.opinion, warning.ip_service
    ip, par = svc.project, f"§ {svc.service_type.paragraph}"
    Reason = IpWarning.Reason
    if not answer.reason:
        return ["Vyberte důvod, proč nejde o dvojí financování."]
    if answer.reason not in Reason.values:
        return [f"Neznámý důvod „{answer.reason}“."]
    problems = []
    if answer.reason == Reason.PERIOD:
        start, end = answer.period_from, answer.period_to
        if not (start and end):
            return ["Uveďte, od kdy do kdy projekt službu hradí (jiné období než IP)."]
        if end < start:
            return ["Konec období služby v projektu nemůže předcházet jeho začátku."]
        if start < opinion.period_start or end > opinion.period_end:
            problems.append(f"Období {czech_date(start)} – {czech_date(end)} není v době projektu "
                            f"({czech_date(opinion.period_start)} – {czech_date(opinion.period_end)}).")
        if start <= ip.end and ip.start <= end:
            problems.append(f"Období {czech_date(start)} – {czech_date(end)} se překrývá s dobou IP „{ip.name}“ "
                            f"({czech_date(ip.start)} – {czech_date(ip.end)}) – nejde o jiné období.")
    elif answer.reason == Reason.TARGET_GROUP:
        own = {g.code for g in opinion.target_groups.all()}
        groups = list(answer.groups) or sorted(own)
        if not groups:
            return ["Uveďte cílové skupiny, kterým projekt službu poskytuje."]
        foreign = [g for g in groups if g not in own]
        if foreign:
            problems.append(f"Cílová skupina {', '.join(foreign)} není cílovou skupinou projektu.")
        ip_groups = {g.code for g in svc.target_groups.all()}
        if not ip_groups:
            problems.append(f"IP „{ip.name}“ podporuje {par} pro všechny cílové skupiny – jiná cílová skupina to není.")
        common = sorted(ip_groups & set(groups))
        if common:
            problems.append(f"IP „{ip.name}“ podporuje {par} i pro cílovou skupinu {', '.join(common)} – "
                            "nejde o jinou cílovou skupinu.")
    elif answer.reason == Reason.TERRITORY:
        own = project_districts(opinion)
        districts = list(answer.districts) or ([] if opinion.whole_region else own)
        if not districts:
            return ["Uveďte okresy, kde projekt službu poskytuje (jiné území než IP)."]
        foreign = [d for d in districts if d not in own]
        if foreign:
            problems.append(f"Okres {', '.join(foreign)} není v území projektu ({', '.join(own)}).")
        if svc.whole_region:
            problems.append(f"IP „{ip.name}“ podporuje {par} na celém území kraje – jiné území to není.")
        else:
            common = sorted(set(svc.districts or []) & set(districts))
            if common:
                problems.append(f"IP „{ip.name}“ podporuje {par} i v okrese {', '.join(common)} – nejde o jiné území.")
    elif answer.reason == Reason.FUNDED and opinion.s4_verdict != Opinion.Funding.FUNDED:
        problems.append(f"Potvrzený souběh s IP odpovídá jen závěru výroku 4 „{Opinion.Funding.FUNDED.label}“.")
    if answer.reason in (Reason.ACTIVITY, Reason.COMPLEMENTARY, Reason.FUNDED) and len(answer.text.strip()) < 20:
        what = {Reason.ACTIVITY: "kterou činnost projekt hradí a čím se liší od činnosti IP",
                Reason.COMPLEMENTARY: "co projekt hradí nad rámec IP (např. další úvazky, kapacitu, hodiny)",
                Reason.FUNDED: "které aktivity projektu IP hradí"}[answer.reason]
        problems.append(f"Popište, {what} (alespoň 20 znaků).")
    return problems


def ip_answer_statement(warning: IpWarning) -> str:
    """The answer as one sentence for the approver and statement 4 (which names the IP and § before it)."""
    answer = IpAnswer.of(warning)
    if not answer.reason:
        return answer.text
    svc, ip = warning.ip_service, warning.ip_service.project
    Reason = IpWarning.Reason
    if answer.reason == Reason.PERIOD:
        head = (f" projekt službu hradí v období {czech_date(answer.period_from)} – {czech_date(answer.period_to)}, "
                f"IP ji podporuje v období {czech_date(ip.start)} – {czech_date(ip.end)}.")
    elif answer.reason == Reason.TARGET_GROUP:
        ip_codes = [g.code for g in svc.target_groups.all()]
        groups = answer.groups or sorted(g.code for g in warning.opinion.target_groups.all())
        names = dict(TargetGroup.objects.filter(code__in={*groups, *ip_codes}).values_list("code", "name"))
        head = (f" projekt službu poskytuje pro: {_join(names.get(g, g) for g in groups)}; "
                f"IP ji podporuje pro: {_join(names.get(g, g) for g in ip_codes)}.")
    elif answer.reason == Reason.TERRITORY:
        districts = answer.districts or project_districts(warning.opinion)
        head = f" projekt službu poskytuje v okrese {_join(districts)}; IP ji podporuje v okrese {_join(svc.districts or [])}."
    else:
        head = ""
    label = warning.get_reason_display()
    text = answer.text.strip()
    return f"{label[0].upper()}{label[1:]}:{head}" + (f" {text}" if text else "")


def strong_warnings_without_valid_answer(opinion: Opinion, warnings: list[IpWarning] | None = None) -> list[IpWarning]:
    """Strong IP warnings whose answer is missing or no longer holds (verdict 4 "not funded" is refused then).
    ``warnings``: the opinion's ``ip_warnings_of`` when the caller read them already."""
    warnings = ip_warnings_of(opinion) if warnings is None else warnings
    return [w for w in warnings if w.strength == IpWarning.Strength.STRONG and ip_answer_problems(w)]


def ip_warnings_of(opinion: Opinion) -> list[IpWarning]:
    """The opinion's IP warnings with what their checks read (the IP service, its project, §
    and groups; the opinion's groups). Each warning's opinion is the instance given: the
    caller's, locked and current (a join would read the wide opinion row again)."""
    warnings = list(opinion.ip_warnings.select_related("ip_service__project", "ip_service__service_type", "answered_by")
                    .prefetch_related("ip_service__target_groups"))
    if warnings:
        prefetch_related_objects([opinion], "target_groups")
    for warning in warnings:
        warning.opinion = opinion
    return warnings


# --------------------------------------------------------------------------- the project period


def period_flags(opinion: Opinion, *, issued_on: date | None = None) -> list[str]:
    """Warnings (Czech) when the project period lies before the opinion's date of issue.

    The date of issue is the approval date once approved, otherwise today (it cannot be earlier).
    """
    approved = opinion.approved_at and timezone.localtime(opinion.approved_at).date()
    if issued_on is None:
        issued_on = approved or timezone.localdate()
    day = czech_date(issued_on) if approved else f"nejdříve {czech_date(issued_on)}"
    if opinion.period_end < issued_on:
        return [f"Celé období projektu ({czech_date(opinion.period_start)} – {czech_date(opinion.period_end)}) leží před dnem "
                f"vydání vyjádření ({day}) – ověřte data projektu u žadatele."]
    if opinion.period_start < issued_on:
        return [f"Projekt má být zahájen {czech_date(opinion.period_start)}, tedy před dnem vydání vyjádření "
                f"({day}) – ověřte datum zahájení u žadatele."]
    return []


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
    """The provider in the registry, when known: {"id", "name", "address"} (one read of the
    provider; the full ``registry_record`` only when the registry cannot look a provider up)."""
    reg = _registry()
    if reg is None:
        return None
    if getattr(reg, "provider_by_ico", None) is None:
        record = registry_record(ico)
        return None if record is None else {"id": None, "name": record.get("name") or "",
                                             "address": record.get("address") or ""}
    try:
        provider = reg.provider_by_ico(ico)
    except Exception:  # the other agenda's read must never break the registration of a request
        return None
    if provider is None:
        return None
    return {"id": provider.pk, "name": str(provider.name or ""), "address": str(provider.address or "")}


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
    "IpAnswer",
    "IpOverlap",
    "Suggestion",
    "applicant_record",
    "calls_with_open_opinions",
    "individual_project_item_ids",
    "individual_projects",
    "ip_answer_problems",
    "ip_answer_statement",
    "ip_overlaps",
    "ip_overlaps_for",
    "is_overdue",
    "opinions_due_for_call",
    "opinions_overdue",
    "opinions_visible_to",
    "period_flags",
    "project_districts",
    "plans_for_period",
    "registry_facts",
    "registry_provider",
    "registry_record",
    "strong_warnings_without_valid_answer",
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
            name="call", label=gettext("Výzva"),
            choices=lambda: [(str(c.pk), call_label(c))
                             for c in Call.objects.order_by("-submission_deadline", "number")[:100]],
            apply=lambda qs, v, path: qs.filter(**{f"{path}__opinion__call_id": v}) if v.isdigit() else qs.none(),
            agendas={"opinions"},
        ),
    ]


def opinions_due_per_call(limit: int = 12) -> list[dict]:
    """Open opinions per call with the call's deadline (the head's dashboard): counted per call
    from the partial index of open opinions (an index-only scan, no opinion row read), then the
    calls' numbers and deadlines."""
    open_statuses = [Opinion.Status.DRAFTING, Opinion.Status.WAITING, Opinion.Status.RETURNED, Opinion.Status.APPROVED]
    counts = dict(
        Opinion.objects.filter(status__in=open_statuses).order_by().values("call_id")
        .annotate(open=Count("*")).values_list("call_id", "open")
    )
    calls = sorted(Call.objects.filter(pk__in=counts).only("number", "submission_deadline"),
                   key=lambda c: (c.submission_deadline is None, c.submission_deadline or date.min, c.number))
    return [{"call": f"výzva č. {c.number}", "deadline": c.submission_deadline, "open": counts[c.pk]}
            for c in calls[:limit]]


def dashboard_context(user) -> dict:
    return {"opinions_due": opinions_due_per_call()}


def build_snapshot(opinion: Opinion, warnings: list[IpWarning] | None = None) -> dict:
    """What the opinion relied on, copied so a later plan import never changes an issued opinion.
    ``warnings``: the opinion's ``ip_warnings_of`` when the caller read them already."""
    warnings = ip_warnings_of(opinion) if warnings is None else warnings
    links = opinion.activity_links.select_related("item__plan").order_by("item__plan_id", "item__sort_order")
    return {
        "frozen_at": timezone.now().isoformat(),
        "plans": sorted({link.item.plan.display_title for link in links}),
        "activities": [
            {"plan": link.item.plan.display_title, "plan_id": link.item.plan_id, "number": link.item.number,
             "name": link.item.name, "label": link.item.label, "reason": link.reason}
            for link in links
        ],
        "ip_warnings": [
            {"ip": w.ip_service.project.name, "paragraph": w.ip_service.service_type.paragraph,
             "service": w.ip_service.service_type.name, "strength": w.strength, "message": w.message,
             "reason": w.reason, "answer": w.answer, "statement": ip_answer_statement(w),
             "answered_by": user_label(w.answered_by)}
            for w in warnings
        ],
        "statements": {name: getattr(opinion, name) for name in Opinion.STATEMENT_FIELDS},
        "s3_facts": list(opinion.s3_facts or []),
        "drafter": user_label(opinion.drafter),
    }


# ----------------------------------------------------------------------------- four-eyes


def drafter_ids(opinion: Opinion | None = None, *, case_id: int | None = None) -> set[int]:
    """Everyone who has drafted this opinion (four-eyes: none of them may approve it): who took
    it over, saved a draft or answered an IP warning, in its history, and its drafter now.
    ``case_id`` instead of the opinion: the case's opinion's drafter is read in the same query."""
    events = CaseEvent.objects.filter(
        case_id=opinion.case_id if opinion is not None else case_id,
        action__in=[OpinionEvent.OPINION_DRAFTER, OpinionEvent.OPINION_DRAFT, OpinionEvent.IP_ANSWER],
    ).exclude(actor=None).order_by().values_list("actor_id", flat=True)
    if opinion is None:
        current = Opinion.objects.filter(case_id=case_id, drafter__isnull=False).order_by().values_list(
            "drafter_id", flat=True)
        return set(events.union(current))
    ids = set(events)
    if opinion.drafter_id:
        ids.add(opinion.drafter_id)
    return ids


def can_approve(user, opinion: Opinion) -> bool:
    """Four-eyes: head or deputy, and never the drafter of this opinion."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.pk in drafter_ids(opinion):
        return False
    return has_role(user, ROLE_HEAD, ROLE_DEPUTY)
