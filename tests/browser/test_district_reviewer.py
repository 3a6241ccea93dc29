"""District reviewer (reviewer.4701): finds a flagged account, reads why, reports the leaver, and approves a change
request."""

import pytest

from tests.browser.journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def be(day) -> str:
    return f"{day.year + 543}-{day.month:02d}-{day.day:02d}"


@pytest.fixture
def pending_request(demo):
    """mismatch.4701 asked for the position and level its order names (ปลัดอำเภอ, ชำนาญการ)."""
    from accounts.models import Level, Position, User
    from lifecycle import services as lifecycle
    from rights.scope import today

    account = User.objects.get(username="mismatch.4701")
    return lifecycle.change_request_file(
        account=account, filed_by=account, position=Position.objects.get(name_th="ปลัดอำเภอ"),
        level=Level.objects.get(code="K2"), unit=account.registered_unit, order_number="77/2569", order_date=today(),
        note="ลงทะเบียนตำแหน่งและระดับผิด",
    )


def test_district_reviewer_reports_a_retired_account_and_approves_a_change_request(journey: Journey, pending_request):
    from accounts.models import User
    from lifecycle.models import LeaverReport

    page = journey.page
    main = page.get_by_role("main")
    journey.login("reviewer.4701")
    journey.check("home")

    journey.menu("ตรวจสอบสิทธิ์")
    journey.check("accounts-of-4701")
    assert "ผู้ใช้งานระบบของที่ทำการปกครองอำเภอเมืองสกลนคร" in main.inner_text()
    main.get_by_role("region", name="จำนวนบัญชีตามประเภทปัญหา").get_by_role(
        "link", name="เกษียณแล้วแต่ยังใช้งาน").click()
    journey.check("retired-accounts")
    main.get_by_role("link", name="retired.4701", exact=True).click()

    journey.check("retired-account")
    text = main.inner_text()
    assert "เกษียณแล้วแต่ยังใช้งาน" in text
    assert "ผู้ใช้งานเกษียณอายุราชการแล้ว" in text  # why: the computed retirement date has passed
    assert "สิ่งที่ต้องทำ: รายงานผู้พ้นจากหน้าที่" in text
    main.get_by_role("region", name="ดำเนินการกับบัญชีนี้").get_by_role("link", name="รายงานผู้พ้นจากหน้าที่").click()

    journey.check("leaver-form")
    assert main.get_by_label("ชื่อผู้ใช้งานที่จะรายงาน").input_value().strip() == "retired.4701"
    retired = User.objects.select_related("official").get(username="retired.4701")
    main.get_by_label("เหตุที่พ้นจากหน้าที่").select_option(label="เกษียณอายุราชการ")
    main.get_by_label("วันที่พ้นจากหน้าที่").fill(be(retired.official.retirement_date))
    main.get_by_role("button", name="ส่งรายงาน").click()
    journey.check("leaver-reported")
    assert "ส่งรายงานผู้พ้นจากหน้าที่ 1 บัญชีไปยังส่วนกลางแล้ว" in page.get_by_role("status").inner_text()
    assert LeaverReport.objects.filter(account=retired, status=LeaverReport.Status.PENDING).exists()

    journey.menu("คำขอเปลี่ยนแปลงข้อมูล")
    journey.check("change-request-queue")
    main.get_by_role("link", name=pending_request.account.get_full_name()).click()
    journey.check("change-request")
    assert "mismatch.4701" in main.inner_text()
    main.get_by_role("button", name="อนุมัติ และแก้ไขข้อมูลที่ลงทะเบียน").click()
    journey.check("change-request-approved")
    assert "อนุมัติคำขอแล้ว" in page.get_by_role("status").inner_text()
    account = User.objects.select_related("registered_position", "registered_level").get(username="mismatch.4701")
    assert (account.registered_position.name_th, account.registered_level.code) == ("ปลัดอำเภอ", "K2")
    journey.finish()
