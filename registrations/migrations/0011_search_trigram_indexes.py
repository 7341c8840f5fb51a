"""Trigram indexes for the registrations' part of the search (PostgreSQL only; see
workflows 0009): the provider's name and the place of a service."""

from django.db import migrations

INDEXES = [
    ("osv_provider_name_trgm", "registrations_provider", 'UPPER("name"::text)'),
    ("osv_serviceapp_place_trgm", "registrations_serviceapplication", 'UPPER("place"::text)'),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression in INDEXES:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS {name} ON "{table}" USING gin (({expression}) gin_trgm_ops)')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, *_ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registrations", "0010_ministry_outcomes")]
    operations = [migrations.RunPython(create, drop)]
