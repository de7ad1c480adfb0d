"""A GIN index for the programme full-text search (PostgreSQL only; SQLite has no GIN).

The indexed expression is exactly the one ``programmes.selectors.programme_search`` builds,
so PostgreSQL can use the index for ``@@`` matches.
"""

from django.db import migrations

INDEX = "programme_search_gin"
EXPRESSION = (
    "to_tsvector('english'::regconfig, COALESCE(title, '') || ' ' || COALESCE(summary, '') "
    "|| ' ' || COALESCE(description, ''))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON programmes_programme USING gin ({EXPRESSION})"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
