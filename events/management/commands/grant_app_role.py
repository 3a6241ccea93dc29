"""Give the PostgreSQL role the application runs as what it needs, and nothing that could rewrite the event log.

Run by the role that owns the tables (the one `migrate` runs as), after every `migrate`:

    DATABASE_URL=postgres://rightsadmin_owner:...@host/rightsadmin python manage.py grant_app_role rightsadmin_app

The application role gets SELECT, INSERT, UPDATE and DELETE on every table and the use of every sequence, then
loses UPDATE, DELETE and TRUNCATE on the event log. It owns nothing, so it cannot disable or drop the append-only
triggers, and their session switch (events/guard.py) does not open the log to it.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from psycopg2 import sql

EVENT_TABLE = "events_event"


class Command(BaseCommand):
    help = "Grant the application's PostgreSQL role its rights, without any that could change the event log."

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the application connects as (not the tables' owner)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *, role: str, database: str, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role is for PostgreSQL; SQLite has no roles (its triggers still hold).")
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute(
                "SELECT r.rolsuper, pg_has_role(r.oid, c.relowner, 'USAGE') FROM pg_roles r, pg_class c "
                "WHERE r.rolname = %s AND c.oid = %s::regclass",
                [role, EVENT_TABLE],
            )
            found = cursor.fetchone()
            if found is None:
                raise CommandError(f"No PostgreSQL role {role!r}: create it first (CREATE ROLE {role} LOGIN PASSWORD ...).")
            superuser, owner = found
            if superuser or owner:
                raise CommandError(
                    f"{role!r} is a superuser or owns the tables: it could lift the event log's triggers. "
                    "Run the application as a role of its own."
                )
            name = sql.Identifier(role)
            for statement in (
                "GRANT USAGE ON SCHEMA public TO {role}",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
                "REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON {table} FROM {role}",
                "REVOKE TRUNCATE, TRIGGER ON ALL TABLES IN SCHEMA public FROM {role}",
            ):
                cursor.execute(sql.SQL(statement).format(role=name, table=sql.Identifier(EVENT_TABLE)))
        self.stdout.write(f"{role}: read and write on every table, append only on {EVENT_TABLE}.")
