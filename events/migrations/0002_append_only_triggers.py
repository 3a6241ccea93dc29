"""Triggers that refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on the event log. See events/guard.py."""

from django.db import migrations


def install(apps, schema_editor):
    from events import guard

    guard.install(schema_editor.connection)


def remove(apps, schema_editor):
    from events import guard

    guard.remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, remove, elidable=False),
    ]
