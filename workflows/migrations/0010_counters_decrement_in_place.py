"""Counter triggers whose decrements only lower an existing row (workflows.counters): deleting
tasks after their counter rows (a flush, table by table) no longer leaves negative rows."""

from django.db import migrations

from workflows import counters


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0009_document_corrected_by"),
    ]

    operations = [
        migrations.RunPython(counters.reinstall, counters.reinstall),
    ]
