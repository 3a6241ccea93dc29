"""A K2 ปลัดอำเภอ (palad.k2.4701) whose order still names the auction role: the circular's rank rule refuses the
auction type: the issue form does not offer it and says why in Thai; a form posted with it anyway is refused."""

import pytest

from tests.browser.journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_k2_official_is_refused_an_auction_receipt_with_the_reason(journey: Journey):
    from events.models import Event
    from receipts.models import Receipt

    page = journey.page
    main = page.get_by_role("main")
    journey.login("palad.k2.4701")
    journey.check("home")

    journey.menu("ใบเสร็จรับเงิน")
    journey.check("receipts")
    main.get_by_role("link", name="ออกใบเสร็จรับเงิน").click()
    journey.check("receipt-form")
    rights = main.locator("section", has=page.get_by_role("heading", name="สิทธิ์ของท่านวันนี้"))
    auction = rights.get_by_role("listitem").filter(has_text="จำหน่ายใบเสร็จรับเงินงานขายทอดตลาด")
    assert "ไม่ผ่านเงื่อนไข" in auction.inner_text()  # said before trying, too

    # The auction type is not offered at all; the fee type, which the rank rule does not touch, is.
    category = main.get_by_label("ประเภทใบเสร็จ")
    offered = category.locator("option").all_inner_texts()
    assert "งานขายทอดตลาด" not in offered and "ค่าธรรมเนียม" in offered
    assert "แสดงเฉพาะประเภทที่ท่านออกได้วันนี้" in main.inner_text()
    assert "ชำนาญการพิเศษ (K3) ขึ้นไป" in auction.inner_text()

    # A form posted with the auction type anyway (a page altered in the browser, a script) is refused by the service,
    # which says why.
    category.evaluate("select => { select.add(new Option('งานขายทอดตลาด', 'AUCTION')); select.value = 'AUCTION'; }")
    main.get_by_label("ชื่อผู้ชำระเงิน", exact=True).fill("นายประมูล ได้ของ")
    main.get_by_label("รายการที่ 1: รายการ").fill("รถจักรยานยนต์ของกลาง ขายทอดตลาด")
    main.get_by_label("รายการที่ 1: จำนวน").fill("1")
    main.get_by_label("รายการที่ 1: ราคาต่อหน่วย (บาท)").fill("8500")
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        main.get_by_role("button", name="ออกใบเสร็จรับเงิน").click()
    response = posted.value
    assert response.status == 403
    journey.check("refused")
    explanation = main.get_by_role("alert").inner_text()
    assert "“จำหน่ายใบเสร็จรับเงินงานขายทอดตลาด”" in explanation and "แต่ระดับตามทะเบียนบุคคลคือ ชำนาญการ (K2)" in explanation
    assert not Receipt.objects.filter(payer_name="นายประมูล ได้ของ").exists()
    assert Event.objects.filter(action="receipts.receipt.refused", actor_label__contains="palad.k2.4701",
                                data__rule="policy").exists()
    journey.finish()
