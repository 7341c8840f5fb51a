"""A covering index for the task lists filtered by a provider's name (PostgreSQL only).

A name most cases share ("Domov …", the benchmark's "Poskytovatel 12" in 2 % of the cases)
makes the trigram index slow (it intersects posting lists as long as the table) and the list is
then read from the case side in deadline order instead (``workflows.selectors``, name filter):
this index holds the name next to the deadline, so that walk checks the name in the index
(index-only) instead of reading each case's row. SQLite has no ``INCLUDE`` and no such plan: the
migration does nothing there.
"""

from django.db import migrations

NAME = "osv_case_deadline_name"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS {NAME} ON "workflows_case" ("deadline", "id") INCLUDE ("applicant_name")')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("workflows", "0012_search_trigram_indexes")]
    operations = [migrations.RunPython(create, drop)]
