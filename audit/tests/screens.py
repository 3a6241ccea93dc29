"""Viewers and populations for the review-screen tests.

`populate` writes many accounts in bulk (a few queries whatever the number), so the query-budget tests can build
200 accounts quickly; every tenth account has a problem, so the lists and the printed form have something to show.
"""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Official, UnitUserObjectPermission, User
from rights.models import AssignmentOrder, OrderLine
from tests.factories import OfficialFactory, account_with_roles, level, new_national_id, position, role, unit

_batch = itertools.count(1)


def district_reviewer(code: str = "4701") -> User:
    return account_with_roles("ISV_USER", "DISTRICT_REVIEWER", unit_code=code, position_name="เจ้าพนักงานปกครอง",
                              username=f"reviewer.{code}")


def province_reviewer(code: str = "47") -> User:
    return account_with_roles("ISV_USER", "PROVINCE_REVIEWER", unit_code=code, position_name="จ่าจังหวัด",
                              username=f"reviewer.{code}")


def central_admin() -> User:
    return account_with_roles("CENTRAL_ADMIN", unit_code="DOPA-LEGAL", position_name="นิติกร", level_code="K4",
                              username="admin.central")


def no_menu_account() -> User:
    return account_with_roles("ISV_USER", username="clerk.nomenu")


def populate(count: int, unit_codes: tuple[str, ...] = ("4701",), *, problem_every: int = 10) -> list[User]:
    """`count` active accounts spread over `unit_codes`, each with an order line and the role it grants.

    Every `problem_every`-th account, starting with the first, holds a fee-receipt role no order grants
    (EXCESS_ROLE); with problem_every=0 none does.
    """
    batch = next(_batch)
    units = [unit(code) for code in unit_codes]
    palad, k2 = position("ปลัดอำเภอ"), level("K2")
    officials = [
        OfficialFactory.build(national_id=new_national_id(), first_name=f"ประชากร{batch}x{n}", last_name="ทดสอบ",
                              unit=units[n % len(units)], position=palad, level=k2)
        for n in range(count)
    ]
    for official in officials:
        official.refresh_retirement_date()
    Official.objects.bulk_create(officials)
    password = make_password("x")
    now = datetime.datetime.now(datetime.UTC)
    accounts = User.objects.bulk_create([
        User(username=f"pop{batch}.{n}", official_id=official.national_id, first_name=official.first_name,
             last_name=official.last_name, registered_position=palad, registered_level=k2,
             registered_unit=official.unit, password=password, last_login=now)
        for n, official in enumerate(officials)
    ])
    accounts = list(User.objects.filter(username__startswith=f"pop{batch}.").order_by("pk"))
    officials = {o.national_id: o for o in Official.objects.filter(national_id__in=[a.official_id for a in accounts])}
    order = AssignmentOrder.objects.create(number=f"{500 + batch}/2568", order_date=datetime.date(2025, 9, 1),
                                           issuing_unit=unit("47"))
    isv_user, fee = role("ISV_USER"), role("ISV_FEE_RECEIPT")
    OrderLine.objects.bulk_create([
        OrderLine(order=order, official=officials[a.official_id], role=isv_user, unit=a.registered_unit,
                  position=palad, level=k2, effective_from=datetime.date(2025, 10, 1), confirmed_at=timezone.now())
        for a in accounts
    ])
    held = [UnitUserObjectPermission(user=a, permission=isv_user.permission, content_object=a.registered_unit)
            for a in accounts]
    held += [UnitUserObjectPermission(user=a, permission=fee.permission, content_object=a.registered_unit)
             for n, a in enumerate(accounts) if problem_every and n % problem_every == 0]
    UnitUserObjectPermission.objects.bulk_create(held)
    return accounts
