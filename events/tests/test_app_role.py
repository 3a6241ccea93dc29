"""On PostgreSQL the role the application runs as cannot change the event log, lift its triggers or switch them off."""

from __future__ import annotations

import os

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from events.services import event_record

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

APP_PASSWORD = "app-role-test-only"


@pytest.fixture
def app_role():
    """A login role of its own, owning nothing, for the length of the test (roles belong to the whole cluster)."""
    role = f"rightsadmin_app_test_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {role}")
        cursor.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{APP_PASSWORD}'")
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {role}")
        cursor.execute(f"DROP ROLE {role}")


def connect_as(role: str):
    settings = connection.settings_dict
    return psycopg2.connect(
        dbname=settings["NAME"], user=role, password=APP_PASSWORD, host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
    )


def refused(app, statement: str) -> str:
    with app.cursor() as cursor:
        try:
            cursor.execute(statement)
        except psycopg2.Error as error:
            app.rollback()
            return str(error)
    app.rollback()
    raise AssertionError(f"not refused: {statement}")


def test_the_app_role_appends_and_can_neither_change_the_log_nor_lift_its_triggers(app_role):
    event_record(action="accounts.login.failed", target_label="someone", data={"username": "someone"})
    call_command("grant_app_role", app_role)
    app = connect_as(app_role)
    try:
        with app.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM events_event")
            assert cursor.fetchone()[0] == 1
            cursor.execute(  # what event_record needs: append, and move the chain's head
                "SELECT has_table_privilege('events_event', 'INSERT'), has_table_privilege('events_chainhead', 'UPDATE'),"
                " has_table_privilege('accounts_user', 'UPDATE'), has_table_privilege('events_event', 'UPDATE')"
            )
            assert cursor.fetchone() == (True, True, True, False)
        app.commit()
        switch = "SELECT set_config('rightsadmin.event_log_writable', 'on', false);"
        assert "permission denied" in refused(app, switch + "UPDATE events_event SET action = 'x'")
        assert "permission denied" in refused(app, switch + "DELETE FROM events_event")
        assert "permission denied" in refused(app, "TRUNCATE events_event")
        assert "must be owner" in refused(app, "ALTER TABLE events_event DISABLE TRIGGER ALL")
        assert "must be owner" in refused(app, "DROP TRIGGER events_event_no_update_delete ON events_event")
        replaced = refused(app, "CREATE OR REPLACE FUNCTION events_event_append_only() RETURNS trigger "
                                "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$")
        assert "must be owner" in replaced or "permission denied" in replaced
    finally:
        app.close()


def test_the_switch_opens_the_log_to_its_owner_only_even_with_a_careless_grant(app_role):
    event_record(action="accounts.login.failed", target_label="someone", data={"username": "someone"})
    call_command("grant_app_role", app_role)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT UPDATE, DELETE ON events_event TO {app_role}")  # a mistake a DBA could make
    app = connect_as(app_role)
    try:
        switch = "SELECT set_config('rightsadmin.event_log_writable', 'on', false);"
        assert "append-only" in refused(app, switch + "UPDATE events_event SET action = 'x'")
        assert "append-only" in refused(app, switch + "DELETE FROM events_event")
    finally:
        app.close()


def test_the_command_refuses_a_role_that_owns_the_tables_or_is_a_superuser():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="could lift"):
        call_command("grant_app_role", owner)
    with pytest.raises(CommandError, match="No PostgreSQL role"):
        call_command("grant_app_role", "no_such_role_here")
