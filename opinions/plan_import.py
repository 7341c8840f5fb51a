"""Import a regional plan (text in either format of plan-formats.md) into Plan / PlanItem rows.

One transaction; repeatable: the plan is identified by region + title, its items by kind +
number. The same file twice changes nothing (no row is written). A changed file updates the
items and the report lists what changed; items that disappeared are switched off (kept,
because issued opinions may point at them). Everything the parser could not read is in the
report too. A file in neither format raises a Czech ``ValidationError`` and writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from workflows.models import ServiceType, TargetGroup

from . import plan_parser
from .models import Plan, PlanItem, PlanItemService, PlanItemTargetGroup

KIND_LABEL = {"priority": "Priorita", "measure": "Opatření", "activity": "Aktivita", "goal": "Cíl"}


@dataclass
class ImportReport:
    plan: Plan
    created: bool = False
    changes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.created or bool(self.changes)

    def text(self) -> str:
        lines = [f"Plán: {self.plan.title} ({self.plan.region_name}, {self.plan.valid_from.year}–{self.plan.valid_to.year})"]
        lines.append("Položky: " + ", ".join(f"{KIND_LABEL.get(k, k)} {v}" for k, v in sorted(self.counts.items())))
        if self.created:
            lines.append("Plán byl nově založen.")
        elif not self.changes:
            lines.append("Beze změn – soubor odpovídá uloženému plánu.")
        else:
            lines.append(f"Změny ({len(self.changes)}):")
            lines.extend(f"  - {c}" for c in self.changes)
        if self.problems:
            lines.append(f"Nepřečteno / k prověření ({len(self.problems)}):")
            lines.extend(f"  - {p}" for p in self.problems)
        return "\n".join(lines)


def _db_catalogue() -> plan_parser.Catalogue:
    """The parser's catalogue from the database (admins may add aliases); CSV when empty."""
    services = [plan_parser.ServiceType(s.paragraph, s.name, s.category) for s in ServiceType.objects.all()]
    groups = [
        plan_parser.TargetGroup(g.code, g.name, tuple(a.strip() for a in g.aliases.split("|") if a.strip()))
        for g in TargetGroup.objects.all()
    ]
    if not services or not groups:
        from workflows.catalogues import load_catalogues

        load_catalogues()
        return _db_catalogue()
    return plan_parser.Catalogue(services, groups)


def _problem_text(problem: plan_parser.Problem) -> str:
    where = []
    if problem.line_no:
        where.append(f"ř. {problem.line_no}")
    if problem.item_number:
        where.append(problem.item_number)
    return (f"[{', '.join(where)}] " if where else "") + problem.message_cs


def parse_text(text: str) -> plan_parser.ParsedPlan:
    try:
        return plan_parser.parse_plan(text, catalogue=_db_catalogue())
    except plan_parser.PlanFormatError as exc:
        raise ValidationError(str(exc)) from exc


def _set_diff(label: str, before: set, after: set) -> str | None:
    if before == after:
        return None
    parts = []
    added, removed = sorted(after - before), sorted(before - after)
    if added:
        parts.append("přidáno " + ", ".join(added))
    if removed:
        parts.append("odebráno " + ", ".join(removed))
    return f"{label}: " + "; ".join(parts)


def import_plan(
    text: str,
    *,
    region_name: str | None = None,
    region_code: str = "",
    source_name: str = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import (or re-import) one plan text; see the module docstring."""
    parsed = parse_text(text)
    region = (region_name or parsed.region_hint or "").strip()
    if not region:
        raise ValidationError(gettext("Z textu plánu nelze určit kraj; zadejte jej (--region)."))
    if valid_from is None:
        if not parsed.valid_from_year:
            raise ValidationError(gettext("Z textu plánu nelze určit začátek platnosti; zadejte jej."))
        valid_from = date(parsed.valid_from_year, 1, 1)
    if valid_to is None:
        year = parsed.valid_to_year or parsed.valid_from_year
        if not year:
            raise ValidationError(gettext("Z textu plánu nelze určit konec platnosti; zadejte jej."))
        valid_to = date(year, 12, 31)
    if valid_to < valid_from:
        raise ValidationError(gettext("Konec platnosti plánu je před jejím začátkem."))
    title = (parsed.title or "").strip()[:400] or f"Plán {region} {valid_from.year}–{valid_to.year}"
    source_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()

    services = {s.paragraph: s for s in ServiceType.objects.all()}
    groups = {g.code: g for g in TargetGroup.objects.all()}
    report_problems = [_problem_text(p) for p in parsed.problems]
    if parsed.region_hint and region_name and parsed.region_hint.strip() != region:
        report_problems.insert(0, f"Text plánu uvádí kraj „{parsed.region_hint}“, importováno jako plán kraje „{region}“ – ověřte.")
    similar = Plan.objects.filter(region_name=region, valid_from__lte=valid_to, valid_to__gte=valid_from).exclude(title=title)
    for other in similar:
        report_problems.append(
            f"V kraji je již plán „{other.title}“ s překrývající se platností; návrhy aktivit budou brát oba – "
            "nahrazuje-li tento soubor starší plán, upravte nebo smažte starší plán v administraci."
        )

    with transaction.atomic():
        plan = Plan.objects.select_for_update().filter(region_name=region, title=title).first()
        created = plan is None
        changes: list[str] = []
        if created:
            plan = Plan.objects.create(
                region_name=region, region_code=region_code, title=title, format=parsed.format,
                valid_from=valid_from, valid_to=valid_to, source_name=source_name, source_hash=source_hash,
                updated_at=timezone.now(),
            )
        else:
            header = {"format": parsed.format, "valid_from": valid_from, "valid_to": valid_to}
            if region_code:
                header["region_code"] = region_code
            for name, value in header.items():
                if getattr(plan, name) != value:
                    changes.append(f"Plán: {plan._meta.get_field(name).verbose_name} {getattr(plan, name)} → {value}")
                    setattr(plan, name, value)

        existing = {(i.kind, i.number): i for i in plan.items.all()}
        existing_services = {}
        for link in PlanItemService.objects.filter(item__plan=plan).select_related("service_type"):
            existing_services.setdefault(link.item_id, {})[link.service_type.paragraph] = link.inherited
        existing_groups = {}
        for link in PlanItemTargetGroup.objects.filter(item__plan=plan).select_related("target_group"):
            existing_groups.setdefault(link.item_id, {})[link.target_group.code] = link.inherited
        existing_goals = {}
        for through in PlanItem.goals.through.objects.filter(from_planitem__plan=plan).select_related("to_planitem"):
            existing_goals.setdefault(through.from_planitem_id, set()).add(through.to_planitem.number)

        by_number: dict[str, PlanItem] = {}
        seen: set[tuple[str, str]] = set()
        total = len(parsed.items)
        pending_links = []
        for index, p in enumerate(parsed.items):
            key = (p.kind, p.number)
            if key in seen:
                report_problems.append(f"[{p.number}] Položka je v souboru dvakrát – použit první výskyt.")
                continue
            seen.add(key)
            label = f"{KIND_LABEL.get(p.kind, p.kind)} {p.number}"
            values = {
                "name": (p.name or "")[:500],
                "description": p.description or "",
                "all_services": p.all_services,
                "all_target_groups": p.all_target_groups,
                "services_not_relevant": p.not_relevant,
                "period_text": (p.period_text or "")[:300],
                "responsible": p.responsible or "",
                "financing": p.financing or "",
                "sort_order": index,
                "active": True,
            }
            item = existing.get(key)
            if item is None:
                item = PlanItem.objects.create(plan=plan, kind=p.kind, number=p.number, **values)
                if not created:
                    changes.append(f"{label}: nová položka „{values['name'][:80]}“")
            else:
                dirty = []
                for name, value in values.items():
                    if getattr(item, name) != value:
                        dirty.append(name)
                        setattr(item, name, value)
                if dirty:
                    item.save(update_fields=dirty)
                    shown = [str(PlanItem._meta.get_field(n).verbose_name) for n in dirty if n != "sort_order"]
                    if "active" in dirty:
                        changes.append(f"{label}: znovu v plánu")
                    elif shown:
                        changes.append(f"{label}: změněno ({', '.join(shown)})")
            by_number.setdefault(p.number, item)
            if p.kind != "goal":
                by_number[p.number] = item
            pending_links.append((p, item, label))
            if progress:
                progress(index + 1, total)

        by_key = {(item.kind, item.number): item for _p, item, _l in pending_links}
        for p, item, label in pending_links:
            # parent
            parent = by_number.get(p.parent_number) if p.parent_number else None
            if p.parent_number and parent is None:
                report_problems.append(f"[{p.number}] Nadřazená položka {p.parent_number} v plánu není.")
            if item.parent_id != (parent.pk if parent else None):
                if not created and item.parent_id is not None:
                    changes.append(f"{label}: změněna nadřazená položka → {p.parent_number or '—'}")
                item.parent = parent
                item.save(update_fields=["parent"])
            # service types (direct and inherited)
            wanted_services: dict[str, bool] = {}
            for par in p.inherited_paragraphs:
                wanted_services[par] = True
            for par in p.service_paragraphs:
                wanted_services[par] = False
            for par in list(wanted_services):
                if par not in services:
                    report_problems.append(f"[{p.number}] § {par} není v číselníku druhů služeb – nepřevedeno.")
                    wanted_services.pop(par)
            before = existing_services.get(item.pk, {})
            if before != wanted_services:
                diff = _set_diff(f"{label} – §", {f"§ {k}" + (" (zděděno)" if v else "") for k, v in before.items()},
                                 {f"§ {k}" + (" (zděděno)" if v else "") for k, v in wanted_services.items()})
                if diff and not created:
                    changes.append(diff)
                PlanItemService.objects.filter(item=item).delete()
                PlanItemService.objects.bulk_create(
                    [PlanItemService(item=item, service_type=services[k], inherited=v) for k, v in wanted_services.items()]
                )
            # target groups (direct and inherited)
            wanted_groups: dict[str, bool] = {}
            for code in getattr(p, "inherited_target_groups", []) or []:
                wanted_groups[code] = True
            for code in p.target_groups:
                wanted_groups[code] = False
            for code in list(wanted_groups):
                if code not in groups:
                    report_problems.append(f"[{p.number}] Cílová skupina {code} není v číselníku – nepřevedeno.")
                    wanted_groups.pop(code)
            before_g = existing_groups.get(item.pk, {})
            if before_g != wanted_groups:
                diff = _set_diff(f"{label} – cílové skupiny", {k + (" (zděděno)" if v else "") for k, v in before_g.items()},
                                 {k + (" (zděděno)" if v else "") for k, v in wanted_groups.items()})
                if diff and not created:
                    changes.append(diff)
                PlanItemTargetGroup.objects.filter(item=item).delete()
                PlanItemTargetGroup.objects.bulk_create(
                    [PlanItemTargetGroup(item=item, target_group=groups[k], inherited=v) for k, v in wanted_groups.items()]
                )
            # strategic goals (format 1)
            goal_items = []
            for code in p.goals:
                goal = by_key.get(("goal", code))
                if goal is None:
                    report_problems.append(f"[{p.number}] Strategický cíl {code} není v plánu popsán – vazba nepřevedena.")
                else:
                    goal_items.append(goal)
            if existing_goals.get(item.pk, set()) != {g.number for g in goal_items}:
                diff = _set_diff(f"{label} – cíle", existing_goals.get(item.pk, set()), {g.number for g in goal_items})
                if diff and not created:
                    changes.append(diff)
                item.goals.set(goal_items)

        # items that are no longer in the file: switched off, never deleted
        for key, item in existing.items():
            if key not in seen and item.active:
                item.active = False
                item.save(update_fields=["active"])
                changes.append(f"{KIND_LABEL.get(item.kind, item.kind)} {item.number}: v souboru chybí – vyřazena")

        if created or changes or plan.source_hash != source_hash:
            plan.source_hash = source_hash
            plan.source_name = source_name or plan.source_name
            plan.updated_at = timezone.now()
        report = ImportReport(plan=plan, created=created, changes=changes, problems=report_problems,
                              counts=parsed.counts())
        new_report = report.text()
        if created or changes or plan.last_report != new_report:
            plan.last_report = new_report
            plan.save()
    return report


def import_plan_file(path: str | Path, **kwargs) -> ImportReport:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp1250")
    return import_plan(text, source_name=kwargs.pop("source_name", path.name), **kwargs)
