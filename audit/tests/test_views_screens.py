"""What the review screens show: flags in words, filters, search, pages, the as-of date, masking, exports, the PDF."""

import csv
import datetime
import io
import re
import subprocess
import unicodedata

import pytest
from django.urls import reverse

from accounts.models import Unit
from audit.tests.screens import central_admin, district_reviewer, populate, province_reviewer
from conftest import require_tool, xlsx_table
from core.national_id import format_national_id, mask_national_id
from events.models import Event
from tests.factories import OrderLineFactory, account_with_roles, hold, level, position, role, unit
from tests.pdf_glyphs import assert_thai_typeset


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def table_body(html: str, marker: str = "<tbody>") -> str:
    return html.split(marker, 1)[1].split("</tbody>", 1)[0]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return xlsx_table(response.content)


@pytest.fixture
def reviewer(client, db):
    account = district_reviewer("4701")
    client.force_login(account)
    return account


@pytest.fixture
def problems(db):
    """Accounts of 4701 with known flags, and one clean one."""
    clean = account_with_roles("ISV_USER", username="clean.4701", first_name="สมใจ")
    excess = account_with_roles("ISV_USER", username="excess.4701", first_name="มณีรัตน์")
    hold(excess, "ISV_SCRAP_RECEIPT", "4701")
    mismatch = account_with_roles("ISV_USER", username="mismatch.4701", level_code="K2")
    mismatch.registered_level = level("K3")
    mismatch.registered_position = position("เจ้าพนักงานปกครอง")
    mismatch.save()
    no_order = account_with_roles("ISV_USER", username="noorder.4701", ordered=False)
    return {"clean": clean, "excess": excess, "mismatch": mismatch, "no_order": no_order}


def list_url(code="4701", **params) -> str:
    url = reverse("audit:account-list", args=[code])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


# ---------------------------------------------------------------------------------------------------------------
# The district list


@pytest.mark.django_db
def test_list_shows_every_active_account_of_the_district_with_thai_flags(client, reviewer, problems):
    account_with_roles("ISV_USER", unit_code="4702", username="other.4702")
    gone = account_with_roles("ISV_USER", username="gone.4701")
    gone.is_active = False
    gone.save()
    html = html_of(client.get(list_url()))
    rows = table_body(html)
    for name in ("clean.4701", "excess.4701", "mismatch.4701", "noorder.4701", "reviewer.4701"):
        assert name in rows
    assert "other.4702" not in rows and "gone.4701" not in rows
    assert "ถือสิทธิ์เกินคำสั่ง" in rows  # EXCESS_ROLE's label
    assert "จำหน่ายใบเสร็จรับเงินค่าของเก่า" in rows  # and a short explanation, not only a badge
    assert "ตำแหน่งที่ลงทะเบียน (เจ้าพนักงานปกครอง) ไม่ตรงกับ" in rows
    assert "ไม่มีคำสั่งมอบหมาย" in rows
    assert "ไม่พบปัญหา" in rows
    assert "ผู้ใช้งานระบบของที่ทำการปกครองอำเภอเมืองสกลนคร" in html


@pytest.mark.django_db
def test_list_says_so_when_the_district_has_no_account(client, db):
    client.force_login(province_reviewer("47"))
    html = html_of(client.get(list_url("4703")))
    assert "หน่วยงานนี้ไม่มีบัญชีผู้ใช้งานที่ใช้งานอยู่" in html


@pytest.mark.django_db
def test_list_filters_by_flag(client, reviewer, problems):
    rows = table_body(html_of(client.get(list_url(flag="EXCESS_ROLE"))))
    assert "excess.4701" in rows and "noorder.4701" in rows  # noorder holds ISV_USER with no order
    assert "clean.4701" not in rows and "mismatch.4701" not in rows
    rows = table_body(html_of(client.get(list_url(flag="CLEAN"))))
    assert "clean.4701" in rows and "excess.4701" not in rows
    rows = table_body(html_of(client.get(list_url(flag="ANY"))))
    assert "clean.4701" not in rows and "mismatch.4701" in rows


@pytest.mark.django_db
def test_list_filter_that_matches_nothing_says_so(client, reviewer, problems):
    html = html_of(client.get(list_url(flag="SEPARATED_ACTIVE")))
    assert "ไม่พบบัญชีที่ตรงกับการค้นหาหรือตัวกรองนี้" in html


@pytest.mark.django_db
def test_list_searches_by_username_and_by_name(client, reviewer, problems):
    rows = table_body(html_of(client.get(list_url(q="mismatch"))))
    assert "mismatch.4701" in rows and "clean.4701" not in rows
    rows = table_body(html_of(client.get(list_url(q="มณีรัตน์"))))
    assert "excess.4701" in rows and "clean.4701" not in rows


@pytest.mark.django_db
def test_list_finds_a_full_national_id_typed_with_dashes_but_not_a_fragment(client, reviewer, problems):
    national_id = problems["excess"].national_id
    rows = table_body(html_of(client.get(list_url(q=format_national_id(national_id)))))
    assert "excess.4701" in rows and "clean.4701" not in rows
    rows = table_body(html_of(client.get(list_url(q=national_id))))
    assert "excess.4701" in rows
    # A fragment would let a viewer who sees masked IDs recover the hidden digits one search at a time.
    rows = table_body(html_of(client.get(list_url(q=national_id[4:10]))))
    assert "excess.4701" not in rows


@pytest.mark.django_db
def test_list_is_paginated_by_50_and_the_export_has_every_row(client, reviewer):
    populate(59)  # with the reviewer: 60 accounts
    first = table_body(html_of(client.get(list_url())))
    second = table_body(html_of(client.get(list_url(page=2))))
    assert first.count("<tr>") == 50
    assert second.count("<tr>") == 10
    assert "หน้า 1 จาก 2" in html_of(client.get(list_url()))
    rows = csv_rows(client.get(reverse("audit:account-list-export", args=["4701", "csv"])))
    assert len(rows) == 1 + 60


@pytest.mark.django_db
def test_list_export_applies_the_filter_of_the_page(client, reviewer, problems):
    rows = csv_rows(client.get(reverse("audit:account-list-export", args=["4701", "csv"]) + "?flag=EXCESS_ROLE"))
    assert sorted(r[2] for r in rows[1:]) == ["excess.4701", "noorder.4701"]


@pytest.mark.django_db
def test_list_as_of_date_is_shown_in_buddhist_era_and_changes_the_flags(client, reviewer):
    account_with_roles("ISV_USER", username="later.4701", effective_from=datetime.date(2026, 7, 1))
    html = html_of(client.get(list_url(as_of="2569-06-15", q="later")))  # BE year in the form
    assert "15 มิถุนายน 2569" in html
    assert "ไม่มีคำสั่งมอบหมายที่มีผล ณ วันที่ 15 มิถุนายน 2569" in table_body(html)
    html = html_of(client.get(list_url(as_of="2026-07-01", q="later")))  # CE works too
    assert "1 กรกฎาคม 2569" in html
    assert "ไม่พบปัญหา" in table_body(html)


@pytest.mark.django_db
def test_list_defaults_to_today_and_explains_a_date_it_cannot_read(client, reviewer, today):
    from core.thai import format_be_date

    assert format_be_date(today, long=True) in html_of(client.get(list_url()))
    html = html_of(client.get(list_url(as_of="2569-02-30")))
    assert "ไม่มีวันที่นี้ในปฏิทิน" in html
    assert format_be_date(today, long=True) in html


@pytest.mark.django_db
def test_list_masks_national_ids_except_for_central_admins(client, reviewer, problems):
    national_id = problems["excess"].national_id
    html = html_of(client.get(list_url()))
    assert mask_national_id(national_id) in html
    assert format_national_id(national_id) not in html and national_id not in html
    client.force_login(central_admin())
    html = html_of(client.get(list_url()))
    assert format_national_id(national_id) in html


@pytest.mark.django_db
def test_list_exports_mask_for_reviewers_and_not_for_central_admins(client, reviewer, problems):
    national_id = problems["excess"].national_id
    url = reverse("audit:account-list-export", args=["4701", "csv"])
    body = client.get(url).content.decode("utf-8-sig")
    assert mask_national_id(national_id) in body and national_id not in body
    xlsx = xlsx_rows(client.get(reverse("audit:account-list-export", args=["4701", "xlsx"])))
    cells = {str(cell) for row in xlsx for cell in row}
    assert mask_national_id(national_id) in cells and format_national_id(national_id) not in cells
    client.force_login(central_admin())
    body = client.get(url).content.decode("utf-8-sig")
    assert format_national_id(national_id) in body


@pytest.mark.django_db
def test_list_export_columns_and_flags(client, reviewer, problems):
    rows = csv_rows(client.get(reverse("audit:account-list-export", args=["4701", "csv"])))
    assert rows[0][:5] == ["รหัสหน่วยงาน", "หน่วยงาน", "ชื่อผู้ใช้งาน", "เลขประจำตัวประชาชน", "ชื่อ-นามสกุล"]
    by_user = {row[2]: row for row in rows[1:]}
    assert by_user["mismatch.4701"][8] == "LEVEL_MISMATCH;POSITION_MISMATCH"
    assert "ตำแหน่งไม่ตรงกับคำสั่ง" in by_user["mismatch.4701"][9]
    assert by_user["clean.4701"][8] == ""
    assert by_user["clean.4701"][0] == "4701"


@pytest.mark.django_db
def test_list_export_neutralises_formulas(client, reviewer):
    account = account_with_roles("ISV_USER", username="formula.4701")
    account.official.title, account.official.first_name = "", "=HYPERLINK(1)"
    account.official.save()
    body = client.get(reverse("audit:account-list-export", args=["4701", "csv"])).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body


@pytest.mark.django_db
def test_every_export_is_logged(client, reviewer, problems):
    client.get(reverse("audit:account-list-export", args=["4701", "xlsx"]) + "?flag=ANY&as_of=2569-06-15")
    event = Event.objects.get(action="audit.report.exported")
    assert event.actor_id == reviewer.pk
    assert event.unit_path == unit("4701").path
    assert event.data["report"] == "account_list"
    assert event.data["format"] == "xlsx"
    assert event.data["as_of"] == "2026-06-15"
    assert event.data["flag"] == "ANY"
    assert event.data["rows"] == 3


# ---------------------------------------------------------------------------------------------------------------
# The account page


@pytest.mark.django_db
def test_account_page_puts_registration_order_and_hr_side_by_side(client, reviewer, problems):
    account = problems["mismatch"]
    html = html_of(client.get(reverse("audit:account-detail", args=[account.pk])))
    comparison = table_body(html, '<table class="comparison">')
    assert "เจ้าพนักงานปกครอง" in comparison and "ปลัดอำเภอ" in comparison
    assert comparison.count('class="mismatch"') == 2  # position and level, as registered
    assert "คำสั่งที่" in html
    assert format_national_id(account.national_id) in html  # in full on the account page


@pytest.mark.django_db
def test_account_page_says_what_is_wrong_and_what_to_do(client, reviewer, problems):
    html = html_of(client.get(reverse("audit:account-detail", args=[problems["excess"].pk])))
    assert "ถือสิทธิ์เกินคำสั่ง" in html
    assert "ถือสิทธิ์ “จำหน่ายใบเสร็จรับเงินค่าของเก่า”" in html  # explanation
    assert "ถอนสิทธิ์นี้ หรือบันทึกคำสั่งมอบหมายที่ให้สิทธิ์นี้" in html  # remedy
    assert "ควรถอนสิทธิ์" in html  # the roles table agrees


@pytest.mark.django_db
def test_account_page_lists_every_order_line_in_force_or_not(client, reviewer):
    account = account_with_roles("ISV_USER", username="history.4701")
    OrderLineFactory(official=account.official, role=role("ISV_FEE_RECEIPT"), effective_from=datetime.date(2024, 1, 1),
                     effective_to=datetime.date(2024, 12, 31), order__number="9/2567")
    html = html_of(client.get(reverse("audit:account-detail", args=[account.pk])))
    assert "คำสั่งที่ 9/2567" in html
    assert "ไม่มีผล" in html and "มีผล" in html
    assert "ออกใบเสร็จรับเงินค่าธรรมเนียมอื่น" in html


@pytest.mark.django_db
def test_account_page_of_a_clean_account(client, reviewer, problems):
    html = html_of(client.get(reverse("audit:account-detail", args=[problems["clean"].pk])))
    assert "ไม่พบปัญหา" in html
    assert 'class="mismatch"' not in html
    assert "ใช้งานได้ถูกต้อง" in html


@pytest.mark.django_db
def test_account_page_of_an_unknown_person(client, reviewer):
    from tests.factories import UserFactory

    ghost = UserFactory(official=None, username="ghost.4701", first_name="ไม่ทราบ", last_name="ชื่อ", registered_unit=unit("4701"),
                        registered_position=position("ปลัดอำเภอ"), registered_level=level("K1"))
    ghost.official_id = "1234567890121"
    ghost.save()
    html = html_of(client.get(reverse("audit:account-detail", args=[ghost.pk])))
    assert "ไม่พบในทะเบียนบุคคล" in html
    assert "1-2345-67890-12-1" in html


@pytest.mark.django_db
def test_account_page_of_a_deactivated_account(client, reviewer, problems):
    account = problems["clean"]
    account.is_active = False
    account.save()
    html = html_of(client.get(reverse("audit:account-detail", args=[account.pk])))
    assert "บัญชีนี้ถูกระงับการใช้งานแล้ว" in html


@pytest.mark.django_db
def test_account_page_keeps_the_as_of_date(client, reviewer):
    account = account_with_roles("ISV_USER", username="later.4701", effective_from=datetime.date(2026, 7, 1))
    html = html_of(client.get(reverse("audit:account-detail", args=[account.pk]) + "?as_of=2569-06-15"))
    assert "15 มิถุนายน 2569" in html
    assert "ไม่มีคำสั่งมอบหมาย" in html


# ---------------------------------------------------------------------------------------------------------------
# The province summary and its printed form


@pytest.fixture
def province_viewer(client, db):
    account = province_reviewer("47")
    client.force_login(account)
    return account


def summary_rows(html: str) -> list[str]:
    return re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", table_body(html, '<table class="summary">'), re.S)


@pytest.mark.django_db
def test_province_summary_has_one_row_per_office_with_counts(client, province_viewer):
    populate(20, ("4701", "4702"), problem_every=5)  # 4 with EXCESS_ROLE: 2 in 4701, 2 in 4702
    html = html_of(client.get(reverse("audit:province-summary", args=["47"])))
    rows = summary_rows(html)
    assert len(rows) == 1 + Unit.objects.filter(parent__code="47").count()
    assert "ที่ทำการปกครองจังหวัด" in rows[0]
    row_4701 = next(r for r in rows if "อำเภอเมืองสกลนคร" in r)
    numbers = re.findall(r'<td class="num[^"]*">(?:<a [^>]*>)?(\d+)(?:</a>)?</td>', row_4701)
    excess_column = 2 + 5  # accounts, with problems, then the flags in FLAG_CODES order (EXCESS_ROLE is 6th)
    assert numbers[0] == "10" and numbers[1] == "2" and numbers[excess_column] == "2"
    # A count opens the office's list filtered by its flag.
    filtered = reverse("audit:account-list", args=["4701"]) + "?flag=EXCESS_ROLE&amp;as_of="
    assert f'<a href="{filtered}' in row_4701 and ">2</a>" in row_4701
    assert reverse("audit:account-list", args=["4701"]) in html  # drill-down
    assert "รวมทั้งจังหวัด" in html
    assert 'class="bar-chart"' in html and "bar w-100" in html


@pytest.mark.django_db
def test_province_summary_legend_and_as_of(client, province_viewer):
    html = html_of(client.get(reverse("audit:province-summary", args=["47"]) + "?as_of=2569-06-15"))
    assert "15 มิถุนายน 2569" in html
    assert "คำอธิบายประเภทปัญหา" in html
    assert "ไม่ได้เข้าใช้งานเกิน 90 วัน" in html


@pytest.mark.django_db
def test_province_summary_exports(client, province_viewer):
    populate(6, ("4701",), problem_every=3)
    rows = csv_rows(client.get(reverse("audit:province-summary-export", args=["47", "csv"])))
    assert rows[0][:4] == ["รหัสหน่วยงาน", "หน่วยงาน", "บัญชีผู้ใช้งาน", "บัญชีที่พบปัญหา"]
    assert len(rows) == 1 + 1 + Unit.objects.filter(parent__code="47").count() + 1  # header, offices, total
    by_code = {row[0]: row for row in rows[1:-1]}
    assert by_code["4701"][1] == "ที่ทำการปกครองอำเภอเมืองสกลนคร"
    assert by_code["4701"][2:4] == ["6", "2"]
    assert rows[-1][1] == "รวมทั้งจังหวัด"
    xlsx = xlsx_rows(client.get(reverse("audit:province-summary-export", args=["47", "xlsx"])))
    assert xlsx[0][:2] == ["รหัสหน่วยงาน", "หน่วยงาน"] and len(xlsx) == len(rows)


def poppler(tool: str, content: bytes) -> str:
    require_tool(tool, "poppler-utils")
    # -raw: the text in the order it was written (the reading order); the layout mode sorts by position, and a
    # tone mark the font positions above its vowel would then come out of order.
    return subprocess.run([tool, "-raw", "-", "-"] if tool == "pdftotext" else [tool, "-"], input=content,
                          capture_output=True, check=True).stdout.decode()


def pdf_text(content: bytes) -> str:
    text = poppler("pdftotext", content)
    # SARA AM comes back as NIKHAHIT + SARA AA, its compatibility form: compare after NFKC.
    return unicodedata.normalize("NFKC", " ".join(text.split()))


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def in_pdf_text(expected: str, text: str) -> bool:
    """`expected` in the PDF's text, wherever a table cell or a line broke it."""
    return "".join(nfkc(expected).split()) in "".join(text.split())


@pytest.mark.django_db
def test_province_report_pdf_is_the_printed_form_in_thai(client, province_viewer):
    account = account_with_roles("ISV_USER", username="excess.4701")
    hold(account, "ISV_SCRAP_RECEIPT", "4701")
    response = client.get(reverse("audit:province-summary-pdf", args=["47"]) + "?as_of=2569-06-15")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    fonts = poppler("pdffonts", response.content)
    assert "Laksaman" in fonts and "yes yes" in fonts  # the government font's free twin, embedded (subset)
    assert_thai_typeset(response.content)
    text = pdf_text(response.content)
    for expected in (
        "แบบรายงานผลการตรวจสอบสิทธิ์ผู้ใช้งานระบบ",
        "ที่ทำการปกครองจังหวัดสกลนคร",
        "15 มิถุนายน 2569",
        "ถือสิทธิ์เกินคำสั่ง",
        "excess.4701",
        "จำหน่ายใบเสร็จรับเงินค่าของเก่า",
        "ผู้ตรวจสอบ",
        "ขอรับรองว่าได้ตรวจสอบบัญชีผู้ใช้งานข้างต้น",
        "หัวหน้าหน่วยงาน",
    ):
        assert in_pdf_text(expected, text), expected
    assert Event.objects.get(action="audit.report.exported").data["format"] == "pdf"


@pytest.mark.django_db
def test_the_district_list_prints_as_the_signed_form_with_every_account_in_thai(client, reviewer, problems):
    url = reverse("audit:account-list-export", args=["4701", "pdf"])
    list_page = client.get(reverse("audit:account-list", args=["4701"])).content.decode()
    assert url in list_page  # offered beside the XLSX and CSV
    response = client.get(url + "?as_of=2569-06-15")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="audit-report-4701-2569-06-15.pdf"'
    assert_thai_typeset(response.content)
    text = pdf_text(response.content)
    signer = reviewer.official
    for expected in (
        "แบบรายงานผลการตรวจสอบสิทธิ์ผู้ใช้งานระบบ", "ที่ทำการปกครองอำเภอเมืองสกลนคร", "15 มิถุนายน 2569",
        "excess.4701", "ถือสิทธิ์เกินคำสั่ง", "จำหน่ายใบเสร็จรับเงินค่าของเก่า", "ผู้ใช้งานระบบ i-SERVICE",
        f"( {signer.full_name} )", f"ตำแหน่ง {signer.position.name_th}", "หัวหน้าหน่วยงาน",
    ):
        assert in_pdf_text(expected, text), expected
    assert "ISV_SCRAP_RECEIPT" not in text
    event = Event.objects.get(action="audit.report.exported")
    assert (event.data["report"], event.data["format"]) == ("office_report", "pdf")
    # Filtered as the list was: only the accounts with the flag.
    filtered = pdf_text(client.get(url + "?flag=EXCESS_ROLE").content)
    assert "excess.4701" in filtered and "clean.4701" not in filtered


@pytest.mark.django_db
def test_province_report_pdf_without_problems_says_so(client, province_viewer):
    from django.contrib.auth import get_user_model

    get_user_model().objects.exclude(pk=province_viewer.pk).update(is_active=False)
    response = client.get(reverse("audit:province-summary-pdf", args=["47"]))
    assert nfkc("ไม่พบปัญหา") in pdf_text(response.content)


@pytest.mark.django_db
def test_province_report_pdf_page_is_a4(client, province_viewer):
    content = client.get(reverse("audit:province-summary-pdf", args=["47"])).content
    assert "Page size:       595.276 x 841.89 pts (A4)" in poppler("pdfinfo", content)


# ---------------------------------------------------------------------------------------------------------------
# The national summary


@pytest.mark.django_db
def test_national_summary_has_77_provinces_and_the_central_units_apart(client):
    client.force_login(central_admin())
    populate(4, ("4701", "4901"), problem_every=4)  # one problem, in 4701
    html = html_of(client.get(reverse("audit:national-summary")))
    rows = summary_rows(html)
    assert len(rows) == 77
    row_47 = next(r for r in rows if ">สกลนคร<" in r)
    assert re.findall(r'<td class="num[^"]*">(\d+)</td>', row_47)[:2] == ["2", "1"]
    assert reverse("audit:province-summary", args=["47"]) in html
    assert "หน่วยงานส่วนกลาง" in html and "สำนักการสอบสวนและนิติการ" in html
    assert "รวมทั้งประเทศ" in html


@pytest.mark.django_db
def test_national_summary_exports(client):
    client.force_login(central_admin())
    populate(3, ("4901",))
    rows = csv_rows(client.get(reverse("audit:national-summary-export", args=["csv"])))
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["49"][1] == "มุกดาหาร" and by_code["49"][2] == "3"
    assert by_code["DOPA-LEGAL"][2] == "1"  # the admin's own bureau, apart from the provinces
    assert rows[-1][1] == "รวมทั้งประเทศ" and rows[-1][2] == "4"
    assert len(xlsx_rows(client.get(reverse("audit:national-summary-export", args=["xlsx"])))) == len(rows)


# ---------------------------------------------------------------------------------------------------------------
# Search by position and level; sorting by column


@pytest.mark.django_db
def test_list_searches_by_registered_position_hr_position_and_level(client, reviewer, problems):
    # mismatch.4701 registered as เจ้าพนักงานปกครอง while the HR record says ปลัดอำเภอ.
    rows = table_body(html_of(client.get(list_url(q="เจ้าพนักงานปกครอง"))))
    assert "mismatch.4701" in rows and "clean.4701" not in rows
    lawyer = account_with_roles("ISV_USER", username="lawyer.4701", position_name="นิติกร", level_code="K1")
    lawyer.registered_position = position("ปลัดอำเภอ")
    lawyer.save()
    rows = table_body(html_of(client.get(list_url(q="นิติกร"))))  # the HR record's position only
    assert "lawyer.4701" in rows and "clean.4701" not in rows
    rows = table_body(html_of(client.get(list_url(q="ปฏิบัติการ"))))  # the level K1
    assert "lawyer.4701" in rows and "clean.4701" not in rows
    rows = table_body(html_of(client.get(list_url(q="ปลัดอำเภอ มณีรัตน์"))))  # every word must be found
    assert "excess.4701" in rows and "mismatch.4701" not in rows and "clean.4701" not in rows
    rows = table_body(html_of(client.get(list_url(q="ผู้ว่าราชการจังหวัด"))))
    assert "ไม่พบบัญชีที่ตรงกับการค้นหาหรือตัวกรองนี้" in rows


@pytest.mark.django_db
def test_list_finds_a_national_id_typed_in_thai_digits(client, reviewer, problems):
    thai = problems["excess"].national_id.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    rows = table_body(html_of(client.get(list_url(q=thai))))
    assert "excess.4701" in rows and "clean.4701" not in rows


def usernames_in_order(html: str) -> list[str]:
    return re.findall(r'>([a-z.0-9]+\.4701)</a></td>', table_body(html, '<tbody>'))


@pytest.fixture
def named(db):
    """Three accounts whose names sort differently in Thai than by username or by code point."""
    account_with_roles("ISV_USER", username="a.4701", first_name="สมชาย", last_name="ใจดี")
    account_with_roles("ISV_USER", username="b.4701", first_name="เกศินี", last_name="ทองดี", title="นางสาว")
    account_with_roles("ISV_USER", username="c.4701", first_name="กมล", last_name="รักดี", title="นาย")


@pytest.mark.django_db
def test_list_sorts_by_name_in_thai_order_both_ways(client, reviewer, named):
    # Thai order: กมล, เกศินี (the leading vowel sorts after its consonant), สมชาย; titles do not count.
    names = usernames_in_order(html_of(client.get(list_url(sort="name"))))
    assert [n for n in names if n in {"a.4701", "b.4701", "c.4701"}] == ["c.4701", "b.4701", "a.4701"]
    names = usernames_in_order(html_of(client.get(list_url(sort="-name"))))
    assert [n for n in names if n in {"a.4701", "b.4701", "c.4701"}] == ["a.4701", "b.4701", "c.4701"]


@pytest.mark.django_db
def test_list_sorts_by_problems_and_by_last_login(client, reviewer, problems):
    names = usernames_in_order(html_of(client.get(list_url(sort="-problems"))))
    flagged = ["mismatch.4701", "noorder.4701", "excess.4701"]
    assert set(names[:3]) == set(flagged) and names[3:] == ["reviewer.4701", "clean.4701"]
    names = usernames_in_order(html_of(client.get(list_url(sort="problems"))))
    assert names[:2] == ["clean.4701", "reviewer.4701"]
    never = problems["clean"]
    never.last_login = None
    never.save(update_fields=["last_login"])
    names = usernames_in_order(html_of(client.get(list_url(sort="last_login"))))
    assert names[0] == "clean.4701"  # never logged in comes first


@pytest.mark.django_db
def test_an_unknown_sort_key_falls_back_to_usernames(client, reviewer, named):
    default = usernames_in_order(html_of(client.get(list_url())))
    assert default == sorted(default)
    for key in ("national_id", "-password", "official__national_id", "name;drop"):
        assert usernames_in_order(html_of(client.get(list_url(sort=key)))) == default


@pytest.mark.django_db
def test_list_headers_link_the_sort_keeping_search_and_filter(client, reviewer, named):
    html = html_of(client.get(list_url(q="ดี", flag="ANY", page=1, sort="name")))
    header = html.split('<table class="account-list">', 1)[1].split("</thead>", 1)[0]
    name_cell = re.search(r'<th scope="col" aria-sort="ascending">.*?</th>', header).group(0)
    assert "ชื่อ-นามสกุล" in name_cell and "sort=-name" in name_cell and "▲" in name_cell
    assert "flag=ANY" in name_cell and "q=%E0%B8%94%E0%B8%B5" in name_cell and "page=" not in name_cell
    assert header.count("aria-sort=") == 1
    assert "เลขประจำตัวประชาชน</th>" in header  # not sortable: the order would hint at masked digits
    # The search form keeps the order chosen, and so do the exports.
    form = html.split('role="search"', 1)[1].split("</form>", 1)[0]
    assert '<input type="hidden" name="sort" value="name">' in form


@pytest.mark.django_db
def test_the_export_follows_the_order_on_screen(client, reviewer, named):
    rows = csv_rows(client.get(reverse("audit:account-list-export", args=["4701", "csv"]) + "?sort=-name"))
    usernames = [row[2] for row in rows if row and row[2] in {"a.4701", "b.4701", "c.4701"}]
    assert usernames == ["a.4701", "b.4701", "c.4701"]
