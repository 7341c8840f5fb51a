"""Default checklist (configurable afterwards in the admin): § 79 odst. 2 and 5, § 79–80."""

from django.db import migrations

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


def seed(apps, schema_editor):
    Item = apps.get_model("registrations", "ChecklistItem")
    for stage, rows in (("completeness", COMPLETENESS), ("conditions", CONDITIONS)):
        for index, (code, label, ground, forms) in enumerate(rows):
            Item.objects.get_or_create(code=code, defaults={
                "stage": stage, "label": label, "legal_ground": ground, "forms": forms, "sort_key": index,
            })


class Migration(migrations.Migration):
    dependencies = [("registrations", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
