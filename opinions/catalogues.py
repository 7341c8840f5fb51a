"""Catalogue loaders of the opinion agenda: the region's IPs (YAML), OP LZZ programme and areas."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from django.db import transaction

from workflows.catalogues import DATA_DIR
from workflows.models import ServiceType, TargetGroup

from .models import AreaOfSupport, IndividualProject, IndividualProjectService, IpWarning, Programme

OP_LZZ = {
    "code": "CZ.1.04",
    "name": "Operační program Lidské zdroje a zaměstnanost",
    "short_name": "OP LZZ",
    "statement_title": "Vyjádření k podpoře projektu a návaznost na střednědobé plány rozvoje sociálních služeb kraje",
    "template_code": "opinion",
    # CZ.1.04/3.1.00/45.00123: programme / area of support / call . sequence
    "registration_number_regex": r"^CZ\.1\.04/\d\.\d\.\d{2}/\d{2}\.\d{5}$",
    "registration_number_example": "CZ.1.04/3.1.00/45.00123",
}

OP_LZZ_AREAS = [
    ("3.1", "Podpora sociální integrace a sociálních služeb", "planner"),
    ("3.2", "Podpora sociální integrace příslušníků romských lokalit", "roma_coordinator"),
    ("3.3", "Integrace sociálně vyloučených skupin na trhu práce", "planner"),
    ("3.4", "Rovné příležitosti žen a mužů na trhu práce", "planner"),
    ("4.1", "Posilování institucionální kapacity a efektivnosti veřejné správy", "planner"),
]


@transaction.atomic
def load_programmes() -> Programme:
    """OP LZZ and its areas of support (only created; admins' edits are kept)."""
    programme, _ = Programme.objects.get_or_create(code=OP_LZZ["code"], defaults=OP_LZZ)
    for code, name, role in OP_LZZ_AREAS:
        AreaOfSupport.objects.get_or_create(programme=programme, code=code,
                                            defaults={"name": name, "drafter_role": role})
    return programme


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@transaction.atomic
def load_individual_projects(path: Path | None = None) -> dict[str, int]:
    """Upsert the region's IPs from the YAML file; running it twice changes nothing."""
    path = path or DATA_DIR / "individual-projects.yaml"
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    region = raw["region"]
    services = {s.paragraph: s for s in ServiceType.objects.all()}
    groups = {g.code: g for g in TargetGroup.objects.all()}
    counts = {"projects": 0, "services": 0}
    for entry in raw["projects"]:
        project, _ = IndividualProject.objects.update_or_create(
            name=entry["name"],
            defaults={
                "region_name": region,
                "source": entry.get("source", ""),
                "programme": entry.get("programme", ""),
                "start": _as_date(entry["start"]),
                "end": _as_date(entry["end"]),
                "note": "; ".join(entry.get("activities", []) or []),
            },
        )
        counts["projects"] += 1
        wanted = {}
        for svc in entry.get("supported_services") or []:
            territory = svc.get("territory", "kraj")
            whole = territory == "kraj"
            key = (str(svc["paragraph"]), tuple(sorted(svc.get("target_groups", []))), whole,
                   tuple([] if whole else territory), svc.get("note", ""))
            wanted[key] = svc
        current = {
            (s.service_type.paragraph, tuple(sorted(g.code for g in s.target_groups.all())), s.whole_region,
             tuple(s.districts), s.note): s
            for s in project.services.select_related("service_type").prefetch_related("target_groups")
        }
        for key in wanted.keys() - current.keys():
            paragraph, codes, whole, districts, note = key
            service = IndividualProjectService.objects.create(
                project=project, service_type=services[paragraph], whole_region=whole, districts=list(districts),
                note=note,
            )
            service.target_groups.set([groups[c] for c in codes])
        for key in current.keys() - wanted.keys():
            stale = current[key]
            if IpWarning.objects.filter(ip_service=stale).exists():
                counts.setdefault("kept_referenced", 0)
                counts["kept_referenced"] += 1  # drafters answered warnings about it: keep the row
            else:
                stale.delete()
        counts["services"] += len(wanted)
    return counts
