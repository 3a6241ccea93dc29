from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _reinstall_sqlite_triggers(sender, using="default", **kwargs):
    """SQLite drops a table's triggers when a migration rebuilds the table: put them back after every migrate."""
    from django.db import connections

    from events import guard

    connection = connections[using]
    if connection.vendor == "sqlite" and "events_event" in connection.introspection.table_names():
        guard.install(connection)


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("บันทึกเหตุการณ์")

    def ready(self):
        from events import guard

        connection_created.connect(guard.register_sqlite_function, dispatch_uid="events.sqlite_function")
        post_migrate.connect(_reinstall_sqlite_triggers, sender=self, dispatch_uid="events.sqlite_triggers")
