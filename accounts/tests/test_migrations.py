"""Migrations that move data: applied on a database holding rows written under the previous schema."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0003_grant_authority_four_eyes")]
AFTER = [("accounts", "0004_order_line_person_as_written")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_order_lines_keep_their_person_when_the_line_comes_to_hold_the_national_id():
    old = migrate(BEFORE)
    Unit, Position, Level = (old.get_model("accounts", name) for name in ("Unit", "Position", "Level"))
    Official, Order, Line, Role = (old.get_model("accounts", name) for name in ("Official", "AssignmentOrder",
                                                                                  "OrderLine", "Role"))
    unit, position, level = Unit.objects.get(code="4701"), Position.objects.first(), Level.objects.get(code="K3")
    people = [
        Official.objects.create(national_id=national_id, first_name="ก", last_name="ข", position=position,
                                level=level, unit=unit)
        for national_id in ("1234567890121", "3100100123451")
    ]
    order = Order.objects.create(number="5/2569", order_date=datetime.date(2026, 1, 2), issuing_unit=unit)
    for person in people:
        Line.objects.create(order=order, official=person, role=Role.objects.get(code="ISV_USER"), unit=unit,
                            position=position, level=level, effective_from=datetime.date(2026, 1, 3))

    new = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    lines = new.get_model("accounts", "OrderLine").objects.order_by("pk")
    assert [line.official_id for line in lines] == [person.national_id for person in people]
    assert [line.written_name for line in lines] == ["", ""]
    # And back: every line's person is in the HR record, so the old key is restored.
    old = migrate(BEFORE)
    assert list(old.get_model("accounts", "OrderLine").objects.order_by("pk").values_list("official_id", flat=True)) == [
        person.pk for person in people
    ]
    # Leave every app at its latest migration: going back to 0003 also unapplied the migrations that depend on it.
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
