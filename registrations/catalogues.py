"""The default checklist (configurable in the admin afterwards): § 79 odst. 2 and 5, § 79–80.

Loaded by migration 0002 and again (idempotently, never overwriting the office's edits) by the
demo seed and tests, since a flushed test database loses migration data.
"""

from __future__ import annotations

from django.db import transaction

from .models import ChecklistItem

COMPLETENESS = [
    ("application", "Žádost obsahuje náležitosti podle § 79 odst. 5 (identifikace žadatele, údaje o službách: druh, forma, okruh osob, místo, kapacita)", "§ 79 odst. 5 písm. a) až c)", ""),
    ("founding_document", "Zakladatelský dokument / doklad o právní osobnosti", "§ 79 odst. 5 písm. d)", ""),
    ("clean_record", "Doklady o bezúhonnosti fyzických osob, které budou poskytovat sociální služby", "§ 79 odst. 5 písm. d), § 79 odst. 2 a 3", ""),
    ("qualification", "Doklady o odborné způsobilosti pracovníků", "§ 79 odst. 5 písm. d)", ""),
    ("premises", "Doklad o vlastnictví nebo právu užívat objekt nebo prostory", "§ 79 odst. 5 písm. d)", ""),
    ("hygiene", "Rozhodnutí orgánu ochrany veřejného zdraví (pobytové služby)", "§ 79 odst. 5 písm. d)", "residential"),
    ("description", "Popis realizace poskytování sociální služby", "§ 79 odst. 5 písm. d)", ""),
    ("material_conditions", "Plán finančního zajištění sociálních služeb", "§ 79 odst. 5 písm. d) bod 8", ""),
]
# which items an application to change the registration (§ 82 odst. 2) needs: (proceeding kinds,
# the changed data that call for the item); not listed = every kind, always. The founding document
# and the identity of the provider do not change with the data of a service.
CHANGE_RULES = {
    "founding_document": ("registration", ""),
    "clean_record": ("", "service_type,form,capacity,target_groups,age"),
    "qualification": ("", "service_type,form,capacity,target_groups,age"),
    "premises": ("", "service_type,form,place,capacity"),
    "hygiene": ("", "service_type,form,place,capacity"),
    "material_conditions": ("", "service_type,form,place,capacity"),
    "cond_qualification": ("", "service_type,form,capacity,target_groups,age"),
    "cond_integrity": ("", "service_type,form,capacity,target_groups,age"),
    "cond_hygiene": ("", "service_type,form,place,capacity"),
    "cond_premises": ("", "service_type,form,place,capacity"),
}
# § 79 odst. 1 with its písmeno (a refusal cites the condition really unmet), and § 80 insurance;
# "financial conditions" are no condition of registration
CONDITIONS = [
    ("cond_qualification", "Odborná způsobilost všech fyzických osob, které budou přímo poskytovat sociální služby", "§ 79 odst. 1 písm. b)", ""),
    ("cond_integrity", "Bezúhonnost všech fyzických osob, které budou přímo poskytovat sociální služby (§ 79 odst. 2)", "§ 79 odst. 1 písm. c)", ""),
    ("cond_hygiene", "Hygienické podmínky, jsou-li služby poskytovány v zařízení sociálních služeb", "§ 79 odst. 1 písm. d)", "residential"),
    ("cond_premises", "Vlastnické nebo jiné právo k objektu nebo prostorám, v nichž budou služby poskytovány", "§ 79 odst. 1 písm. e)", ""),
    ("cond_material", "Personální, materiální a technické podmínky odpovídající druhu poskytovaných služeb", "§ 79 odst. 1 písm. f)", ""),
    ("cond_insolvency", "Proti žadateli není vedeno insolvenční řízení (§ 79 odst. 1 písm. g))", "§ 79 odst. 1 písm. g)", ""),
    ("cond_insurance", "Pojištění odpovědnosti za škodu způsobenou v souvislosti s poskytováním služeb", "§ 80", ""),
]


@transaction.atomic
def ensure_default_checklist(model=ChecklistItem) -> int:
    """Create missing default items; existing ones (possibly edited by the office) stay as they are."""
    created = 0
    for stage, rows in (("completeness", COMPLETENESS), ("conditions", CONDITIONS)):
        for index, (code, label, ground, forms) in enumerate(rows):
            kinds, changes = CHANGE_RULES.get(code, ("", ""))
            _, was_created = model.objects.get_or_create(code=code, defaults={
                "stage": stage, "label": label, "legal_ground": ground, "forms": forms, "sort_key": index,
                "proceeding_kinds": kinds, "changes": changes,
            })
            created += was_created
    return created
