"""The opinion flow moved from workflows/flows/opinion.py to opinions/flows.py (issue 9)."""

from django.db import migrations

from workflows.flow_refs import flow_refs_operation


class Migration(migrations.Migration):
    dependencies = [
        ("opinions", "0003_opinion_withdrawn"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [flow_refs_operation({"workflows/flows.opinion.OpinionFlow": "opinions/flows.OpinionFlow"})]
