"""District staff (clerk.4701): logs in, sees their own data, files a change request, issues a fee receipt and
opens its PDF."""

import re

import pytest

from tests.browser.journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def be_today() -> str:
    from rights.scope import today

    day = today()
    return f"{day.year + 543}-{day.month:02d}-{day.day:02d}"


def test_district_staff_files_a_change_request_and_issues_a_fee_receipt(journey: Journey):
    from lifecycle.models import ChangeRequest
    from receipts.models import Receipt

    page = journey.page
    journey.login("clerk.4701")
    journey.check("home")
    main = page.get_by_role("main")
    facts = main.get_by_role("region", name="ข้อมูลการลงทะเบียน")
    assert "clerk.4701" in facts.inner_text()
    assert "ที่ทำการปกครองอำเภอเมืองสกลนคร" in facts.inner_text()
    assert "ออกใบเสร็จรับเงินค่าธรรมเนียมอื่น" in main.inner_text()  # the right the orders give today

    journey.menu("ข้อมูลของฉัน")
    journey.check("profile")
    assert "เจ้าพนักงานธุรการ" in main.inner_text()

    # The registered level is wrong (the order says อาวุโส): ask for it to be corrected.
    journey.menu("คำขอแก้ไขข้อมูลของฉัน")
    journey.check("my-change-requests")
    main.get_by_role("link", name="ยื่นคำขอใหม่").click()
    journey.check("change-request-form")
    main.get_by_label("ระดับที่ถูกต้อง").select_option(label="อาวุโส (O3)")
    main.get_by_label("เลขที่คำสั่งอ้างอิง").fill("77/2569")
    main.get_by_label("วันที่ของคำสั่ง").fill(be_today())
    main.get_by_label("คำชี้แจง").fill("ระดับตามคำสั่งคืออาวุโส")
    main.get_by_role("button", name="ยื่นคำขอ").click()
    journey.check("change-request-filed")
    assert "ยื่นคำขอเปลี่ยนแปลงข้อมูลแล้ว" in page.get_by_role("status").inner_text()
    assert "รอพิจารณา" in main.inner_text()
    assert ChangeRequest.objects.filter(account__username="clerk.4701", level__code="O3", status="pending").exists()

    journey.menu("ใบเสร็จรับเงิน")
    journey.check("receipts")
    main.get_by_role("link", name="ออกใบเสร็จรับเงิน").click()
    journey.check("receipt-form")
    fee_type = main.get_by_label("ประเภทค่าธรรมเนียม")
    fee_type.select_option(label=fee_type.locator("option", has_text="บัตรประจำตัวประชาชน").inner_text().strip())
    main.get_by_label("ชื่อผู้ชำระเงิน", exact=True).fill("นายสมหมาย ใจงาม")
    main.get_by_label("รายการที่ 1: รายการ").fill("ค่าธรรมเนียมออกบัตรประจำตัวประชาชน")
    main.get_by_label("รายการที่ 1: จำนวน").fill("1")
    main.get_by_label("รายการที่ 1: ราคาต่อหน่วย (บาท)").fill("100")
    main.get_by_role("button", name="ออกใบเสร็จรับเงิน").click()
    journey.check("receipt-issued")
    receipt = Receipt.objects.get(payer_name="นายสมหมาย ใจงาม")
    assert re.search(rf"ออกใบเสร็จรับเงินเลขที่ {re.escape(receipt.number_display)} แล้ว",
                     page.get_by_role("status").inner_text())
    assert "หนึ่งร้อยบาทถ้วน" in main.inner_text()

    link = main.get_by_role("link", name=re.compile("^พิมพ์ใบเสร็จ"))
    pdf = page.request.get(journey.base_url + link.get_attribute("href"))  # the browser would download it
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
    (journey.folder / f"receipt-{receipt.number_display.replace('/', '-')}.pdf").write_bytes(pdf.body())
    journey.finish()
