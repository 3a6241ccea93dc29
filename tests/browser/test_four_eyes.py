"""Four eyes on assignment orders: the district reviewer (reviewer.4701) records an order, which grants nothing until
the province reviewer (reviewer.47) confirms it; the rights follow only when the sync is applied.

Along the way: the order form offers no role above the recorder's authority, and refuses an order naming the recorder
himself; the recorder is told why he cannot confirm; the province reviewer's menu counts the order waiting for him.
"""

import re

import pytest

from tests.browser.journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
ROLE = "ISV_FEE_RECEIPT"
NOT_OFFERED = ("CENTRAL_ADMIN", "PROVINCE_REVIEWER", "DISTRICT_REVIEWER")  # above a district reviewer's authority


def be(day) -> str:
    return f"{day.year + 543}-{day.month:02d}-{day.day:02d}"


@pytest.fixture
def person(demo):
    """mismatch.4701: an account of 4701 whose official (a ปลัดอำเภอ in the HR record) holds ISV_USER only."""
    from accounts.models import User

    account = User.objects.select_related("official__position", "official__level").get(username="mismatch.4701")
    assert account.registered_unit.code == "4701" and account.official.unit.code == "4701"
    assert holds(account, "ISV_USER", "4701") and not holds(account, ROLE, "4701")
    return account


def holds(account, code: str, unit_code: str) -> bool:
    from accounts.models import Unit, UnitUserObjectPermission
    from rights.models import Role

    return UnitUserObjectPermission.objects.filter(
        user=account, permission=Role.objects.get(code=code).permission, content_object=Unit.objects.get(code=unit_code)
    ).exists()


def fill_line(line, *, official, role, unit, start) -> None:
    """One line of the order form (a fieldset "รายการที่ N": the same labels repeat on every line)."""
    line.get_by_label("เลขประจำตัวประชาชน").fill(official.national_id)
    line.get_by_label("บทบาท").select_option(value=str(role.pk))
    line.get_by_label("หน่วยงาน", exact=True).select_option(value=str(unit.pk))
    line.get_by_label("ตำแหน่งตามคำสั่ง").select_option(value=str(official.position_id))
    line.get_by_label("ระดับตามคำสั่ง").select_option(value=str(official.level_id))
    line.get_by_label("มีผลตั้งแต่").fill(be(start))


def test_an_order_grants_only_once_a_second_reviewer_confirms_it_and_the_sync_is_applied(journey: Journey, person):
    from accounts.models import Unit, User
    from events.models import Event
    from rights.models import AssignmentOrder, OrderLine, Role
    from rights.scope import today

    page = journey.page
    main = page.get_by_role("main")
    nav = page.get_by_role("navigation", name="เมนูหลัก")
    recorder = User.objects.select_related("official").get(username="reviewer.4701")
    role, unit = Role.objects.get(code=ROLE), Unit.objects.get(code="4701")
    number = f"88/{today().year + 543}"

    # -- reviewer.4701 records the order
    journey.login("reviewer.4701")
    journey.check("home")
    journey.menu("คำสั่งมอบหมาย")
    journey.check("orders")
    main.get_by_role("link", name="บันทึกคำสั่งใหม่").click()
    journey.check("order-form")
    first = main.get_by_role("group", name="รายการที่ 1")
    offered = [text.strip() for text in first.get_by_label("บทบาท").locator("option").all_inner_texts()]
    assert any(text.startswith(f"{ROLE} ") for text in offered), offered
    for code in NOT_OFFERED:
        assert not any(text.startswith(f"{code} ") for text in offered), f"{code} offered to a district reviewer"

    main.get_by_label("เลขที่คำสั่ง").fill(number)
    main.get_by_label("วันที่ออกคำสั่ง").fill(be(today()))
    main.get_by_label("หน่วยงานที่ออกคำสั่ง").select_option(value=str(unit.pk))
    main.get_by_label("ผู้ลงนาม").fill("นายอำเภอเมืองสกลนคร")

    # An order naming the recorder himself is refused, on the form, and the refusal is logged.
    fill_line(first, official=recorder.official, role=role, unit=unit, start=today())
    main.get_by_role("button", name="บันทึกคำสั่ง").click()
    journey.check("order-naming-self-refused")
    errors = main.locator("ul.errorlist").first
    assert "รายการที่ 1: ท่านบันทึกคำสั่งที่ระบุตนเองไม่ได้" in errors.inner_text()
    assert not AssignmentOrder.objects.filter(number=number).exists()
    assert Event.objects.filter(action="accounts.order.refused", actor_label__contains="reviewer.4701").exists()

    # The same form, the person of 4701 instead.
    first = main.get_by_role("group", name="รายการที่ 1")
    fill_line(first, official=person.official, role=role, unit=unit, start=today())
    main.get_by_role("button", name="บันทึกคำสั่ง").click()
    journey.check("order-pending")
    assert f"บันทึกคำสั่งที่ {number} แล้ว รอผู้มีอำนาจอีกคนหนึ่งยืนยัน" in page.get_by_role("status").inner_text()
    order = AssignmentOrder.objects.get(number=number, issuing_unit=unit)
    assert page.url == f"{journey.base_url}/accounts/orders/{order.pk}/"
    heading = main.get_by_role("heading", level=1)
    assert "รอยืนยัน" in heading.inner_text()
    assert main.get_by_role("button", name="ยืนยันคำสั่งนี้").count() == 0  # the recorder is not the second pair
    assert "ผู้บันทึกคำสั่งหรือรายการในคำสั่งยืนยันเองไม่ได้" in main.locator("#confirm").inner_text()
    line = OrderLine.objects.get(order=order)
    assert (line.recorded_by_id, line.confirmed_at) == (recorder.pk, None)

    page.set_viewport_size(PHONE)  # the same page on a phone
    journey.check("order-pending-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The list marks it pending; it does not wait for its own recorder.
    journey.goto("/accounts/orders/?state=pending")
    journey.check("orders-pending")
    row = main.get_by_role("row").filter(has=page.get_by_role("link", name=number, exact=True))
    assert "รอยืนยัน" in row.inner_text()
    journey.goto("/accounts/orders/?state=mine")
    journey.check("orders-mine-recorder")
    assert main.get_by_role("link", name=number, exact=True).count() == 0
    assert nav.get_by_role("link", name="คำสั่งมอบหมาย", exact=True).is_visible()  # no count for the recorder

    # A pending order grants nothing: the sync proposes no grant for the person.
    journey.goto(f"/audit/accounts/{person.pk}/")
    journey.check("person-before")
    main.get_by_role("link", name="ปรับสิทธิ์ที่ถือให้ตรงกับคำสั่ง").click()
    journey.check("sync-before-confirmation")
    assert f"เฉพาะบัญชี {person.username}" in main.inner_text()
    assert ROLE not in main.get_by_role("table").inner_text()
    assert main.get_by_role("button", name="ปรับสิทธิ์รายการที่เลือก").count() == 0
    assert not holds(person, ROLE, "4701")

    journey.logout()
    journey.check("logged-out")

    # -- reviewer.47, with authority over the line, confirms
    journey.login("reviewer.47")
    journey.check("province-home")
    assert nav.get_by_role("link", name="คำสั่งมอบหมาย 1", exact=True).locator("span.badge.warn").inner_text() == "1"
    journey.menu("คำสั่งมอบหมาย")
    journey.check("province-orders")
    main.get_by_label("สถานะ").select_option(value="mine")
    main.get_by_role("button", name="ค้นหา").click()
    journey.check("province-orders-mine")
    assert page.url.endswith("state=mine")
    main.get_by_role("link", name=number, exact=True).click()
    journey.check("province-order")
    assert "รอยืนยัน" in main.get_by_role("heading", level=1).inner_text()
    main.get_by_role("button", name="ยืนยันคำสั่งนี้").click()
    journey.check("order-confirmed")
    assert f"ยืนยันคำสั่งที่ {number} แล้ว 1 รายการ" in page.get_by_role("status").inner_text()
    assert "รอยืนยัน" not in main.get_by_role("heading", level=1).inner_text()
    assert main.get_by_role("button", name="ยืนยันคำสั่งนี้").count() == 0
    line.refresh_from_db()
    assert line.confirmed_by == User.objects.get(username="reviewer.47") and line.confirmed_at is not None
    assert nav.get_by_role("link", name="คำสั่งมอบหมาย", exact=True).is_visible()  # nothing waits any more
    assert not holds(person, ROLE, "4701")  # confirmed, still not held: the sync grants

    journey.logout()
    journey.check("province-logged-out")

    # -- reviewer.4701 applies the sync for the person
    journey.login("reviewer.4701")
    journey.check("home-again")
    journey.goto(f"/audit/accounts/{person.pk}/")
    journey.check("person-confirmed")
    main.get_by_role("link", name="ปรับสิทธิ์ที่ถือให้ตรงกับคำสั่ง").click()
    journey.check("sync-after-confirmation")
    grant = main.get_by_role("row").filter(has_text=ROLE)
    assert grant.count() == 1
    assert "ให้สิทธิ์" in grant.inner_text() and f"คำสั่งที่ {number}" in grant.inner_text()
    main.get_by_role("button", name="ปรับสิทธิ์รายการที่เลือก").click()
    journey.check("sync-applied")
    assert "ปรับสิทธิ์แล้ว: ให้สิทธิ์ 1 ถอนสิทธิ์ 0" in page.get_by_role("status").inner_text()
    assert holds(person, ROLE, "4701")
    assert Event.objects.filter(action="accounts.role.granted", actor_label__contains="reviewer.4701").exists()

    journey.goto(f"/audit/accounts/{person.pk}/")
    journey.check("person-after")
    held = main.get_by_role("region", name=re.compile("สิทธิ์ที่ถืออยู่และสิทธิ์ตามคำสั่ง")).get_by_role("row").filter(
        has_text=ROLE)
    assert "ถืออยู่" in held.inner_text() and "ใช้งานได้ถูกต้อง" in held.inner_text()
    journey.finish()
