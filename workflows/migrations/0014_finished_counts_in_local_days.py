"""The embedded (SQLite) finished-process counter counts the day in TIME_ZONE, as PostgreSQL's
does (workflows.counters): a process finished between midnight and 1 (2 in summer) in Prague
was counted on the UTC day before."""

from django.db import migrations

from workflows import counters


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0013_case_deadline_name_index"),
    ]

    operations = [
        migrations.RunPython(counters.reinstall, counters.reinstall),
    ]
