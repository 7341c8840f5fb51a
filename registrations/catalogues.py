"""The default checklist (configurable in the admin afterwards): § 79 odst. 2 and 5, § 79–80.

Loaded by migration 0002 and again (idempotently, never overwriting the office's edits) by the
demo seed and tests, since a flushed test database loses migration data.
"""

from __future__ import annotations

from django.db import transaction

from .models import ChecklistItem

COMPLETENESS = [
    ("application", "Žádost obsahuje náležitosti podle § 79 odst. 2 (identifikace, druh, forma, okruh osob, místo, kapacita)", "§ 79 odst. 2", ""),
    ("founding_document", "Zakladatelský dokument / doklad o právní osobnosti", "§ 79 odst. 5 písm. a)", ""),
    ("clean_record", "Doklady o bezúhonnosti fyzických osob, které budou poskytovat sociální služby", "§ 79 odst. 5 písm. b)", ""),
    ("qualification", "Doklady o odborné způsobilosti pracovníků", "§ 79 odst. 5 písm. c)", ""),
    ("premises", "Doklad o vlastnictví nebo právu užívat objekt nebo prostory", "§ 79 odst. 5 písm. d)", ""),
    ("hygiene", "Rozhodnutí orgánu ochrany veřejného zdraví (pobytové služby)", "§ 79 odst. 5 písm. e)", "residential"),
    ("description", "Popis realizace poskytování sociální služby", "§ 79 odst. 5 písm. f)", ""),
    ("material_conditions", "Doklady o zajištění hmotných a finančních podmínek", "§ 79 odst. 5 písm. g)", ""),
]
CONDITIONS = [
    ("cond_integrity", "Bezúhonnost a odborná způsobilost osob (§ 79 odst. 1 písm. b) a c))", "§ 79 odst. 1", ""),
    ("cond_material", "Zajištění hmotných a finančních podmínek (§ 79 odst. 1 písm. d))", "§ 79 odst. 1 písm. d)", ""),
    ("cond_premises", "Právo užívat objekt nebo prostory (§ 79 odst. 1 písm. e))", "§ 79 odst. 1 písm. e)", ""),
    ("cond_hygiene", "Hygienické požadavky pobytové služby", "§ 79 odst. 1", "residential"),
]


@transaction.atomic
def ensure_default_checklist(model=ChecklistItem) -> int:
    """Create missing default items; existing ones (possibly edited by the office) stay as they are."""
    created = 0
    for stage, rows in (("completeness", COMPLETENESS), ("conditions", CONDITIONS)):
        for index, (code, label, ground, forms) in enumerate(rows):
            _, was_created = model.objects.get_or_create(code=code, defaults={
                "stage": stage, "label": label, "legal_ground": ground, "forms": forms, "sort_key": index,
            })
            created += was_created
    return created
