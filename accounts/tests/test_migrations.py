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
    return executor.loader.project_state([(app, name) for app, name in targets if name is not None]).apps


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
    lines = new.get_model("rights", "OrderLine").objects.order_by("pk")
    assert [line.official_id for line in lines] == [person.national_id for person in people]
    assert [line.written_name for line in lines] == ["", ""]
    # And back: every line's person is in the HR record, so the old key is restored.
    old = migrate(BEFORE)
    assert list(old.get_model("accounts", "OrderLine").objects.order_by("pk").values_list("official_id", flat=True)) == [
        person.pk for person in people
    ]
    # Leave every app at its latest migration: going back to 0003 also unapplied the migrations that depend on it.
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


BEFORE_THE_SPLIT = [("accounts", "0008_activation_code"), ("rights", None), ("lifecycle", None)]


@pytest.mark.django_db(transaction=True)
def test_the_models_that_moved_to_rights_and_lifecycle_keep_their_rows_tables_and_permissions():
    """A database built before the split (accounts owning roles, orders and requests) migrates without moving data."""
    old = migrate(BEFORE_THE_SPLIT)
    Unit, Position, Level, User = (old.get_model("accounts", name) for name in ("Unit", "Position", "Level", "User"))
    Role, Order, Line, Request = (old.get_model("accounts", name) for name in ("Role", "AssignmentOrder", "OrderLine",
                                                                                 "ChangeRequest"))
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    role_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="role")
    menu = Permission.objects.create(content_type=role_type, codename="menu_moved_test", name="ทดสอบ")
    unit, position, level = Unit.objects.get(code="4701"), Position.objects.first(), Level.objects.get(code="K3")
    role = Role.objects.get(code="ISV_USER")
    role.menus.add(menu)
    account = User.objects.create(username="moved.test", registered_position=position, registered_level=level,
                                  registered_unit=unit)
    order = Order.objects.create(number="7/2569", order_date=datetime.date(2026, 1, 2), issuing_unit=unit)
    Line.objects.create(order=order, official_id="1234567890121", role=role, unit=unit, position=position,
                        level=level, effective_from=datetime.date(2026, 1, 3))
    Request.objects.create(account=account, filed_by=account, position=position, level=level, unit=unit,
                           order_number="7/2569", order_date=datetime.date(2026, 1, 2))

    new = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    assert {"accounts_role", "accounts_role_menus", "accounts_orderline", "accounts_changerequest"} <= tables
    # No table of the moved models was created under the new apps' names (rights' own new models have theirs).
    moved_names = {"rights_role", "rights_policy", "rights_assignmentorder", "rights_orderline",
                   "lifecycle_changerequest", "lifecycle_leaverreport"}
    assert not {name for name in tables if name.startswith(tuple(moved_names))}
    line = new.get_model("rights", "OrderLine").objects.get(order__number="7/2569")
    assert (line.role.code, line.unit.code, line.official_id) == ("ISV_USER", "4701", "1234567890121")
    assert new.get_model("lifecycle", "ChangeRequest").objects.get().account.username == "moved.test"
    # The content type moved with the model, so its permissions (the menus) and the roles that carry them stay.
    moved = new.get_model("auth", "Permission").objects.get(codename="menu_moved_test")
    assert (moved.pk, moved.content_type.app_label) == (menu.pk, "rights")
    assert list(new.get_model("rights", "Role").objects.get(code="ISV_USER").menus.values_list("pk", flat=True)) == [
        menu.pk]
    assert not new.get_model("contenttypes", "ContentType").objects.filter(app_label="accounts", model="role").exists()

    back = migrate(BEFORE_THE_SPLIT)
    assert back.get_model("accounts", "OrderLine").objects.get(order__number="7/2569").role.code == "ISV_USER"
    assert back.get_model("contenttypes", "ContentType").objects.get(pk=role_type.pk).app_label == "accounts"
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
