"""The append-only switch of PostgreSQL opens the log only to the table's owner (events/guard.py)."""

from django.db import migrations


def owner_only(apps, schema_editor):
    from events import guard

    guard.replace_pg_function(schema_editor.connection, guard.PG_FUNCTION)


def any_session(apps, schema_editor):
    from events import guard

    guard.replace_pg_function(schema_editor.connection, guard.PG_FUNCTION_0002)


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0002_append_only_triggers"),
    ]

    operations = [
        migrations.RunPython(owner_only, any_session, elidable=False),
    ]
