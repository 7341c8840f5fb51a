"""Counter triggers whose decrements only lower an existing row (workflows.counters): deleting
tasks after their counter rows (a flush, table by table) no longer leaves negative rows."""

from django.db import migrations

from workflows import counters


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0008_merge_0007_access_log_0007_task_open_owner_index"),
    ]

    operations = [
        migrations.RunPython(counters.reinstall, counters.reinstall),
    ]
