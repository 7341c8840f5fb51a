"""A partial covering index on Viewflow's task table for the inbox and the dashboard's own tasks:
a person's open (assigned or started) human tasks by owner, holding the columns the list filters
and sorts on, so the rows are found by an index-only scan instead of one heap read per task (a
head or deputy with 1 400 open tasks at 1 000 000 processes: 69 ms of random reads).

PostgreSQL gets ``INCLUDE`` columns; SQLite the same columns in the key.
"""

from django.db import migrations

NAME = "osv_task_open_owner"
WHERE = "WHERE flow_task_type = 'HUMAN' AND status IN ('ASSIGNED', 'STARTED')"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        columns = "owner_id) INCLUDE (process_id, flow_task, status, created, id"
    else:
        columns = "owner_id, process_id, flow_task, status, created, id"
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON viewflow_task ({columns}) {WHERE};")


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME};")


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0006_counters"),
    ]

    operations = [migrations.RunPython(create, drop)]
