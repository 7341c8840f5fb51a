"""A partial index on Viewflow's task table for the queue (workflows.selectors.DeadlineOrdered).

The queue's page is read from the case side in deadline order: for each case (deadline index)
its processes (``caseprocess.case_id``), then the process's NEW human tasks — this index, keyed
by ``process_id`` and holding the columns the queue filters and sorts on, so the look-up is an
index-only scan of a small index (only the tasks waiting in a queue). The queue's count reads
the same small index instead of every NEW task's row.

PostgreSQL gets ``INCLUDE`` columns; SQLite (no ``INCLUDE``) the same columns in the key.
"""

from django.db import migrations

NAME = "osv_task_new_human"
WHERE = "WHERE status = 'NEW' AND flow_task_type = 'HUMAN'"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        columns = "process_id) INCLUDE (owner_permission, flow_task, created, id"
    else:
        columns = "process_id, owner_permission, flow_task, created, id"
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON viewflow_task ({columns}) {WHERE};")


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME};")


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0002_worklist_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
