"""Province reviewer (reviewer.47): opens the province summary, drills into a district and exports the report."""

import re

import pytest

from tests.browser.journey import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_province_reviewer_drills_into_a_district_and_exports_the_province_report(journey: Journey):
    from openpyxl import load_workbook

    from events.models import Event

    page = journey.page
    main = page.get_by_role("main")
    journey.login("reviewer.47")
    journey.check("home")

    journey.menu("ตรวจสอบสิทธิ์")
    journey.check("province-summary")
    assert "สรุปผลการตรวจสอบสิทธิ์ผู้ใช้งาน" in main.get_by_role("heading", level=1).inner_text()
    assert "สกลนคร" in main.get_by_role("heading", level=1).inner_text()
    table = main.get_by_role("region", name="จำนวนบัญชีตามประเภทปัญหา รายหน่วยงาน")
    table.get_by_role("link", name=re.compile("เมืองสกลนคร")).click()

    journey.check("district-4701")
    assert "ผู้ใช้งานระบบของที่ทำการปกครองอำเภอเมืองสกลนคร" in main.inner_text()
    assert main.get_by_role("link", name="retired.4701", exact=True).is_visible()
    main.get_by_role("link", name=re.compile("จังหวัดสกลนคร")).first.click()  # the way back up, in the breadcrumbs

    journey.check("province-summary-again")
    with page.expect_download() as download_info:
        main.get_by_role("link", name="ส่งออก Excel (XLSX)").click()
    download = download_info.value
    assert re.fullmatch(r"audit-summary-47-\d{4}-\d{2}-\d{2}\.xlsx", download.suggested_filename)
    saved = journey.folder / download.suggested_filename
    download.save_as(saved)
    rows = [[str(v) for v in row if v is not None] for row in load_workbook(saved, read_only=True).active.values]
    assert any(any("เมืองสกลนคร" in cell for cell in row) for row in rows)
    assert not any(any("มุกดาหาร" in cell for cell in row) for row in rows)  # province 49 is not theirs
    assert Event.objects.filter(action="audit.report.exported", actor_label__contains="reviewer.47").exists()
    journey.finish()
