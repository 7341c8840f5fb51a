"""Indexes for the unified inbox, queue and team lists (workflows.selectors).

Viewflow's ``viewflow_task`` and ``viewflow_process`` belong to another app, so the indexes are
created with plain SQL that both SQLite and PostgreSQL understand. The lists filter on
(flow_task_type, status, owner) for the inbox, (flow_task_type, status, owner_permission) for
the queue, join the process by flow class and sort by the case deadline.
"""

from django.db import migrations

INDEXES = [
    ("osv_task_type_status_owner", "viewflow_task", "flow_task_type, status, owner_id"),
    ("osv_task_type_status_perm", "viewflow_task", "flow_task_type, status, owner_permission"),
    ("osv_task_process_status", "viewflow_task", "process_id, status"),
    ("osv_process_flow_status", "viewflow_process", "flow_class, status"),
    ("osv_process_flow_finished", "viewflow_process", "flow_class, finished"),
    ("osv_case_deadline_pk", "workflows_case", "deadline, id"),
    ("osv_case_received", "workflows_case", "received_on"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0001_initial"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns});",
            reverse_sql=f"DROP INDEX IF EXISTS {name};",
        )
        for name, table, columns in INDEXES
    ]
