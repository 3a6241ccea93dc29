"""The form helpers in the browser: the calendar beside a date box writes the day in the Buddhist Era, the search box
before a long unit list narrows it and picks the only match, the column headers sort the lists. Each posts what
the plain form would."""

import datetime
import re

import pytest

from tests.browser.journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def be_text(day: datetime.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน",
          "ตุลาคม", "พฤศจิกายน", "ธันวาคม")


def test_calendar_writes_buddhist_era_dates_that_filter_the_receipts(journey: Journey):
    from receipts.models import Receipt
    from rights.scope import today

    page = journey.page
    main = page.get_by_role("main")
    journey.login("clerk.4701")
    journey.check("home")
    journey.goto("/receipts/")
    journey.check("receipts")
    on = today()
    first = on.replace(day=1)

    date_from = main.get_by_label("ตั้งแต่วันที่")
    calendar_buttons = main.get_by_role("button", name="เลือกวันที่")
    assert calendar_buttons.count() == 2
    calendar_buttons.first.click()
    calendar = main.get_by_role("dialog", name="ปฏิทิน เลือกวันที่")
    assert calendar.is_visible()
    assert calendar.get_by_text(f"{MONTHS[on.month - 1]} {on.year + 543}").is_visible()  # Thai month, BE year
    # The keyboard starts on today: one month back and forward again, then the first of the month by mouse.
    page.keyboard.press("PageUp")
    previous = (first - datetime.timedelta(days=1))
    assert calendar.get_by_text(f"{MONTHS[previous.month - 1]} {previous.year + 543}").is_visible()
    page.keyboard.press("PageDown")
    journey.check("calendar-open")
    calendar.get_by_role("button", name=f"1 {MONTHS[on.month - 1]} {on.year + 543}", exact=True).click()
    assert not calendar.is_visible()
    assert date_from.input_value() == be_text(first)

    # The second box by keyboard only: Enter on the button, arrows, Enter on the day.
    calendar_buttons.nth(1).focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    assert main.get_by_label("ถึงวันที่").input_value() == be_text(on)
    # Esc closes without writing anything, and gives the focus back to the button.
    calendar_buttons.nth(1).click()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Escape")
    assert main.get_by_label("ถึงวันที่").input_value() == be_text(on)
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "เลือกวันที่"

    main.get_by_role("button", name="ค้นหา").click()
    journey.check("receipts-filtered")
    expected = Receipt.objects.filter(unit__code="4701", issued_on__gte=first, issued_on__lte=on).count()
    assert f"พบ {expected} ใบ" in main.inner_text()
    assert f"date_from={be_text(first).replace('/', '%2F')}" in page.url  # the text box is what was posted
    assert main.get_by_label("ตั้งแต่วันที่").input_value() == be_text(first)  # shown back as typed

    # Typing stays possible: a date in Thai words.
    date_from.fill(f"1 {MONTHS[on.month - 1]} {on.year + 543}")
    main.get_by_role("button", name="ค้นหา").click()
    journey.check("receipts-typed")
    assert f"พบ {expected} ใบ" in main.inner_text()

    # At phone width the open calendar stays inside the screen.
    page.set_viewport_size({"width": 390, "height": 800})
    main.get_by_role("button", name="เลือกวันที่").nth(1).click()
    journey.check("calendar-phone")
    box = calendar.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    journey.finish()


def test_unit_search_narrows_the_list_and_the_request_is_filed_with_the_chosen_unit(journey: Journey):
    from accounts.models import Unit
    from lifecycle.models import ChangeRequest

    page = journey.page
    main = page.get_by_role("main")
    journey.login("clerk.4701")
    journey.check("home")
    journey.goto("/accounts/me/change-requests/new/")
    journey.check("change-request-form")
    units = main.get_by_label("หน่วยงานที่ถูกต้อง", exact=True)
    everything = units.locator("option").count()
    assert everything > 1000  # every unit of the country but the department itself
    search = main.get_by_label("พิมพ์รหัสหรือชื่อหน่วยงานเพื่อค้นหา")

    search.fill("สกลนคร")
    texts = [text for text in units.locator("option").all_inner_texts() if text != "---------"]
    assert 1 < len(texts) < 50 and all("สกลนคร" in text for text in texts)
    assert re.search(rf"พบ {len(texts)} หน่วยงาน", main.get_by_role("status").inner_text())
    journey.check("unit-search-many")

    mukdahan = Unit.objects.get(code="4902")
    search.fill("๔๙๐๒")  # Thai digits
    assert units.locator("option:not([value=''])").count() == 1
    assert units.input_value() == str(mukdahan.pk)
    assert "เลือกให้แล้ว" in main.get_by_role("status").inner_text()
    search.fill("ไม่มีหน่วยงานนี้")
    assert units.locator("option").count() == everything  # nothing matched: the whole list, and it says so
    assert "ไม่พบหน่วยงาน" in main.get_by_role("status").inner_text()
    search.fill("")
    search.press_sequentially("4902")
    search.press("Enter")  # moves to the list, does not send the form
    assert page.url.endswith("/accounts/me/change-requests/new/")
    assert units.input_value() == str(mukdahan.pk)

    main.get_by_label("เลขที่คำสั่งอ้างอิง").fill("45/2569")
    main.get_by_label("วันที่ของคำสั่ง").fill("15 มิ.ย. 2569")
    main.get_by_role("button", name="ยื่นคำขอ").click()
    journey.check("change-request-filed")
    assert "ยื่นคำขอเปลี่ยนแปลงข้อมูลแล้ว" in page.get_by_role("status").inner_text()
    filed = ChangeRequest.objects.get(account__username="clerk.4701", order_number="45/2569")
    assert (filed.unit, filed.order_date) == (mukdahan, datetime.date(2026, 6, 15))
    journey.finish()


def test_column_headers_sort_the_receipts(journey: Journey):
    page = journey.page
    main = page.get_by_role("main")
    journey.login("clerk.4701")
    journey.check("home")
    journey.goto("/receipts/")
    journey.check("receipts")
    table = main.get_by_role("table")
    table.get_by_role("link", name=re.compile("^จำนวนเงิน")).click()
    journey.check("receipts-by-amount")
    assert "sort=-total" in page.url  # amounts start largest first
    header = table.get_by_role("columnheader", name=re.compile("^จำนวนเงิน"))
    assert header.get_attribute("aria-sort") == "descending"
    amounts = [float(text.replace(",", "")) for text in table.locator("tbody td.num").all_inner_texts()]
    assert len(amounts) > 1 and amounts == sorted(amounts, reverse=True)
    table.get_by_role("link", name=re.compile("^จำนวนเงิน")).click()
    journey.check("receipts-by-amount-ascending")
    amounts = [float(text.replace(",", "")) for text in table.locator("tbody td.num").all_inner_texts()]
    assert amounts == sorted(amounts)
    journey.finish()
