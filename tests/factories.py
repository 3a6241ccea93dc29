"""One factory per model, and `account_with_roles`, the shortest way to a realistic account."""

from __future__ import annotations

import datetime
import itertools

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from stdnum.th import pin

from accounts.models import Level, Official, Position, Unit, UnitUserObjectPermission, User
from lifecycle.models import ChangeRequest, LeaverReport
from rights.models import AssignmentOrder, OrderLine, Role

_serial = itertools.count(1)


def new_national_id() -> str:
    body = f"1{next(_serial):011d}"
    return body + pin.calc_check_digit(body)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def level(code: str) -> Level:
    return Level.objects.get(code=code)


def position(name_th: str) -> Position:
    return Position.objects.get(name_th=name_th)


def role(code: str) -> Role:
    return Role.objects.select_related("permission").get(code=code)


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official

    national_id = factory.LazyFunction(new_national_id)
    title = "นาย"
    first_name = factory.Sequence(lambda n: f"ทดสอบ{n}")
    last_name = "ใจดี"
    position = factory.LazyFunction(lambda: position("ปลัดอำเภอ"))
    level = factory.LazyFunction(lambda: level("K3"))
    unit = factory.LazyFunction(lambda: unit("4701"))
    status = Official.Status.ACTIVE
    birth_date = datetime.date(1980, 5, 17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    official = factory.SubFactory(OfficialFactory)
    first_name = factory.SelfAttribute("official.first_name")
    last_name = factory.SelfAttribute("official.last_name")
    registered_position = factory.SelfAttribute("official.position")
    registered_level = factory.SelfAttribute("official.level")
    registered_unit = factory.SelfAttribute("official.unit")
    password = factory.LazyFunction(lambda: make_password("correct-horse-2569"))
    last_login = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))


class AssignmentOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssignmentOrder

    number = factory.Sequence(lambda n: f"{n + 1}/2569")
    order_date = datetime.date(2025, 9, 1)
    issuing_unit = factory.LazyFunction(lambda: unit("47"))
    signer = "ผู้ว่าราชการจังหวัดสกลนคร"


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(AssignmentOrderFactory)
    official = factory.SubFactory(OfficialFactory)
    role = factory.LazyFunction(lambda: role("ISV_USER"))
    unit = factory.SelfAttribute("official.unit")
    position = factory.SelfAttribute("official.position")
    level = factory.SelfAttribute("official.level")
    effective_from = datetime.date(2025, 10, 1)
    effective_to = None
    # Confirmed by a second person unless a test says otherwise: most tests are about orders in force.
    confirmed_at = factory.LazyFunction(timezone.now)


class ChangeRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChangeRequest

    account = factory.SubFactory(UserFactory)
    filed_by = factory.SelfAttribute("account")
    position = factory.LazyFunction(lambda: position("ปลัดอำเภอ"))
    level = factory.LazyFunction(lambda: level("K2"))
    unit = factory.LazyFunction(lambda: unit("4702"))
    order_number = factory.Sequence(lambda n: f"{n + 1}/2569")
    order_date = datetime.date(2025, 10, 1)


class LeaverReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeaverReport

    account = factory.SubFactory(UserFactory)
    reason = LeaverReport.Reason.RETIRED
    left_on = datetime.date(2025, 9, 30)
    reported_by = factory.SubFactory(UserFactory)
    unit = factory.SelfAttribute("account.registered_unit")


def hold(account: User, role_code: str, unit_code_or_unit: str | Unit) -> None:
    target = unit(unit_code_or_unit) if isinstance(unit_code_or_unit, str) else unit_code_or_unit
    UnitUserObjectPermission.objects.get_or_create(user=account, permission=role(role_code).permission, content_object=target)


def account_with_roles(
    *roles: str,
    unit_code: str = "4701",
    position_name: str = "ปลัดอำเภอ",
    level_code: str = "K3",
    username: str | None = None,
    effective_from: datetime.date = datetime.date(2025, 10, 1),
    effective_to: datetime.date | None = None,
    held: bool = True,
    ordered: bool = True,
    **official_fields,
) -> User:
    """An account whose HR record, registration and order agree, holding and granted `roles` at `unit_code`."""
    official = OfficialFactory(
        unit=unit(unit_code), position=position(position_name), level=level(level_code), **official_fields
    )
    account = UserFactory(official=official, **({"username": username} if username else {}))
    if ordered and roles:
        order = AssignmentOrderFactory(issuing_unit=official.unit.parent or official.unit)
        for code in roles:
            OrderLineFactory(order=order, official=official, role=role(code), effective_from=effective_from,
                             effective_to=effective_to)
    if held:
        for code in roles:
            hold(account, code, official.unit)
    return account
