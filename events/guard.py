"""The database itself refuses to change or remove an event: triggers on SQLite and PostgreSQL.

Only one thing may get past them: Django's `flush` command while the test suite runs (transactional tests empty
every table when they end). Outside a test run a flush fails on the event log, which is what we want: the log is
never emptied from the application.

How the triggers learn that a wipe is allowed, per connection and never stored in the database:
- SQLite calls `rightsadmin_event_log_writable()`, a function this module registers on every connection; it answers
  from a thread-local switch. A client without the function (the sqlite3 shell) gets an error, so it fails closed.
- PostgreSQL reads the session setting `rightsadmin.event_log_writable`, and believes it only from the table's
  owner: the role the application runs as in production is not the owner (`manage.py grant_app_role`), so it
  can neither flip the switch to any effect nor disable or drop the triggers.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.db import connections

SQLITE_FUNCTION = "rightsadmin_event_log_writable"
PG_SETTING = "rightsadmin.event_log_writable"
APPEND_ONLY_MESSAGE = "events_event is append-only"

_switch = threading.local()


def _sqlite_writable() -> int:
    return 1 if getattr(_switch, "writable", False) else 0


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """connection_created receiver: give every SQLite connection the function the triggers call."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 0, _sqlite_writable, deterministic=False)


@contextmanager
def event_log_writable(using: str = "default"):
    """Let UPDATE, DELETE and TRUNCATE through the triggers on this thread's connection, for the block only.

    For the test flush, and for tests that tamper with the log to prove the chain check finds it.
    """
    connection = connections[using]
    previous = getattr(_switch, "writable", False)
    _switch.writable = True
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', false)", [PG_SETTING])
        yield
    finally:
        _switch.writable = previous
        if connection.vendor == "postgresql" and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, %s, false)", [PG_SETTING, "on" if previous else "off"])


SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS events_event_no_update BEFORE UPDATE ON events_event
        FOR EACH ROW WHEN NOT {SQLITE_FUNCTION}()
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS events_event_no_delete BEFORE DELETE ON events_event
        FOR EACH ROW WHEN NOT {SQLITE_FUNCTION}()
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END""",
]
SQLITE_REMOVE = ["DROP TRIGGER IF EXISTS events_event_no_update", "DROP TRIGGER IF EXISTS events_event_no_delete"]

# The switch opens the log only to a session whose user owns the table (or a superuser): the owner could drop the
# triggers anyway. The role the application runs as in production owns nothing (see `grant_app_role`), so neither
# the switch nor ALTER TABLE ... DISABLE TRIGGER is open to it, and it holds no UPDATE, DELETE or TRUNCATE right.
PG_FUNCTION = f"""CREATE OR REPLACE FUNCTION events_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF coalesce(current_setting('{PG_SETTING}', true), '') = 'on'
           AND pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;  -- UPDATE; ignored for the statement-level TRUNCATE trigger
        END IF;
        RAISE EXCEPTION '{APPEND_ONLY_MESSAGE} (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$"""
# The function of events migration 0002, which any session could switch off; kept to reverse migration 0003.
PG_FUNCTION_0002 = f"""CREATE OR REPLACE FUNCTION events_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF coalesce(current_setting('{PG_SETTING}', true), '') = 'on' THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;  -- UPDATE; ignored for the statement-level TRUNCATE trigger
        END IF;
        RAISE EXCEPTION '{APPEND_ONLY_MESSAGE} (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$"""

PG_INSTALL = [
    PG_FUNCTION,
    """CREATE TRIGGER events_event_no_update_delete BEFORE UPDATE OR DELETE ON events_event
        FOR EACH ROW EXECUTE FUNCTION events_event_append_only()""",
    """CREATE TRIGGER events_event_no_truncate BEFORE TRUNCATE ON events_event
        FOR EACH STATEMENT EXECUTE FUNCTION events_event_append_only()""",
]
PG_REMOVE = [
    "DROP TRIGGER IF EXISTS events_event_no_truncate ON events_event",
    "DROP TRIGGER IF EXISTS events_event_no_update_delete ON events_event",
    "DROP FUNCTION IF EXISTS events_event_append_only()",
]


def install(connection) -> None:
    statements = {"sqlite": SQLITE_INSTALL, "postgresql": PG_INSTALL}.get(connection.vendor)
    if statements is None:
        raise NotImplementedError(f"No append-only triggers for {connection.vendor}")
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def replace_pg_function(connection, body: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(body)


def remove(connection) -> None:
    statements = {"sqlite": SQLITE_REMOVE, "postgresql": PG_REMOVE}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
