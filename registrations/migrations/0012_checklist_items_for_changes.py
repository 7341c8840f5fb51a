"""Checklist items say which changed data of an application to change the registration need them
(a change of capacity asks for no founding document); unedited default rows take the rules."""

from django.db import migrations, models


def apply_rules(apps, schema_editor):
    from registrations.catalogues import CHANGE_RULES

    Item = apps.get_model("registrations", "ChecklistItem")
    for code, (kinds, changes) in CHANGE_RULES.items():
        Item.objects.filter(code=code, proceeding_kinds="", changes="").update(proceeding_kinds=kinds, changes=changes)


class Migration(migrations.Migration):

    dependencies = [
        ("registrations", "0011_search_trigram_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="checklistitem",
            name="changes",
            field=models.CharField(blank=True, help_text="měněné údaje, kvůli nimž se položka při změně registrace požaduje, oddělené čárkou (service_type, form, place, territory, capacity, target_groups, age); prázdné = vždy", max_length=100, verbose_name="při změně registrace"),
        ),
        migrations.RunPython(apply_rules, migrations.RunPython.noop),
    ]
