"""PostgreSQL only: a trigram index on Person.name_key, for the name search (`LIKE
'%term%'` among the persons of an organisation). Without it, PostgreSQL reads every person
of the organisation to test the name: 14 ms of a 50 ms page for 20,000 persons
(docs/performance.md). SQLite has no such index; there the search reads the (organisation,
name_key) index instead (PersonQuerySet.search).

pg_trgm is a trusted extension (PostgreSQL 13+): the owner of the database may create it."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_namekey_trgm "
        "ON people_person USING gin (name_key gin_trgm_ops)"
    )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS person_namekey_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
