"""Trigram indexes for the search and the queue's provider filter (PostgreSQL only).

``icontains`` is ``UPPER(col::text) LIKE UPPER('%term%')``: a B-tree cannot serve it, so at a
million cases it was a scan of every case (1.4–1.8 s). A GIN index of ``pg_trgm`` on the same
expression serves it. SQLite has no such index: the migration does nothing there.
"""

from django.db import migrations

#: (index name, table, expression, opclass)
INDEXES = [
    ("osv_case_file_mark_trgm", "workflows_case", 'UPPER("file_mark"::text)', "gin_trgm_ops"),
    ("osv_case_title_trgm", "workflows_case", 'UPPER("title"::text)', "gin_trgm_ops"),
    ("osv_case_applicant_trgm", "workflows_case", 'UPPER("applicant_name"::text)', "gin_trgm_ops"),
    ("osv_document_refno_trgm", "workflows_document", 'UPPER("reference_number"::text)', "gin_trgm_ops"),
    ("osv_document_title_trgm", "workflows_document", 'UPPER("title"::text)', "gin_trgm_ops"),
    ("osv_caseparty_name_trgm", "workflows_caseparty", 'UPPER("name"::text)', "gin_trgm_ops"),
]
#: prefix searches (IČO starts with …) need a pattern B-tree under a non-C collation
PATTERN_INDEXES = [
    ("osv_caseparty_ico_like", "workflows_caseparty", '"ico" varchar_pattern_ops'),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression, opclass in INDEXES:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS {name} ON "{table}" USING gin (({expression}) {opclass})')
    for name, table, column in PATTERN_INDEXES:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS {name} ON "{table}" ({column})')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, *_ in INDEXES + PATTERN_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("workflows", "0011_notifications_and_saved_views")]
    operations = [migrations.RunPython(create, drop)]
