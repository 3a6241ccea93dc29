"""The manual: a page per persona in Thai (chrome in English too), its PDF with the screenshots, the blank report
form as PDF and XLSX, and the help link of every page that leads to the viewer's own manual."""

import io
import re
import subprocess
import unicodedata

import pytest
from django.urls import reverse

from conftest import require_tool
from manual.personas import PERSONAS, persona_for
from rights import flags
from tests.pdf_glyphs import assert_thai_typeset

ROLES = {  # persona -> (roles, unit) of an account that is that persona
    "staff": (("ISV_USER",), "4701"),
    "issuer": (("ISV_USER", "ISV_FEE_RECEIPT"), "4701"),
    "district-reviewer": (("ISV_USER", "DISTRICT_REVIEWER"), "4701"),
    "province-reviewer": (("PROVINCE_REVIEWER",), "47"),
    "central-admin": (("CENTRAL_ADMIN",), "DOPA-LEGAL"),
}
HEADINGS = {
    "staff": ["การเข้าสู่ระบบ", "ข้อมูลของฉันและคำสั่งมอบหมาย", "ยื่นคำขอเปลี่ยนแปลงข้อมูล"],
    "issuer": ["สิทธิ์ออกใบเสร็จรับเงิน", "พิมพ์และยกเลิกใบเสร็จ", "รายงานสรุปการรับเงินประจำวัน"],
    "district-reviewer": ["รายงานการตรวจสอบสิทธิ์", "พิจารณาคำขอเปลี่ยนแปลงข้อมูล", "รายงานผู้พ้นจากหน้าที่",
                          "รอบการตรวจสอบ"],
    "province-reviewer": ["สรุปผลการตรวจสอบของจังหวัด", "นำเข้าข้อมูลทะเบียน"],
    "central-admin": ["สรุปผลการตรวจสอบทั่วประเทศ", "ระงับการใช้งานบัญชีผู้พ้นจากหน้าที่", "เปิดและปิดรอบการตรวจสอบ"],
}


@pytest.fixture
def persona_account(make_account):
    def build(slug: str):
        roles, unit = ROLES[slug]
        position = {"DOPA-LEGAL": "นิติกร", "47": "ปลัดจังหวัด"}.get(unit, "ปลัดอำเภอ")
        level = {"DOPA-LEGAL": "K4", "47": "M1"}.get(unit, "K3")
        return make_account(*roles, unit_code=unit, position_name=position, level_code=level)

    return build


def pdf_text(content: bytes) -> str:
    """The PDF's text in reading order; NFKC, since SARA AM comes back as NIKHAHIT + SARA AA."""
    require_tool("pdftotext", "poppler-utils")
    assert content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=content, capture_output=True, check=True).stdout
    return unicodedata.normalize("NFKC", text.decode("utf-8"))


def in_text(expected: str, text: str) -> bool:
    """`expected` in the text, wherever a line broke it."""
    return "".join(unicodedata.normalize("NFKC", expected).split()) in "".join(text.split())


# ---------------------------------------------------------------------------------------------------------------
# Who is which persona


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ROLES)
def test_the_persona_follows_the_menus_the_account_holds(persona_account, slug):
    assert persona_for(persona_account(slug)).slug == slug


@pytest.mark.django_db
def test_an_account_whose_order_ended_reads_the_staff_manual(make_account, long_ago):
    import datetime

    account = make_account("ISV_USER", "DISTRICT_REVIEWER", effective_from=long_ago,
                           effective_to=datetime.date(2021, 1, 1))
    assert persona_for(account).slug == "staff"  # held but not granted: the review menu is not theirs


# ---------------------------------------------------------------------------------------------------------------
# The pages


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ROLES)
def test_every_persona_reads_every_manual_page_in_thai_within_a_query_budget(
        client, persona_account, django_assert_max_num_queries, slug):
    client.force_login(persona_account(slug))
    client.get(reverse("home"))  # the session's steady state
    for persona in PERSONAS:
        with django_assert_max_num_queries(12):
            response = client.get(reverse("manual:page", args=[persona.slug]))
        assert response.status_code == 200
        html = response.content.decode()
        assert f"<h1>คู่มือ{persona.title}</h1>" in html
        assert '<article class="manual-prose" lang="th">' in html
        for heading in HEADINGS[persona.slug]:
            assert f"<h2>{heading}</h2>" in html, heading
        assert reverse("manual:pdf", args=[persona.slug]) in html
        screens = re.findall(r'<img src="/static/manual/screens/([a-z-]+)\.png"', html)
        assert screens, persona.slug
        for name in screens:  # committed beside the page, so `make run` shows them
            from django.contrib.staticfiles import finders

            assert finders.find(f"manual/screens/{name}.png"), name


@pytest.mark.django_db
def test_reviewer_pages_list_every_flag_of_the_registry(client, persona_account):
    client.force_login(persona_account("district-reviewer"))
    html = client.get(reverse("manual:page", args=["district-reviewer"])).content.decode()
    for spec in flags.FLAGS.values():
        assert spec.label in html and spec.help in html, spec.code


@pytest.mark.django_db
def test_the_index_offers_every_manual_and_the_blank_form(client, persona_account, django_assert_max_num_queries):
    client.force_login(persona_account("staff"))
    client.get(reverse("home"))
    with django_assert_max_num_queries(12):
        html = client.get(reverse("manual:index")).content.decode()
    for persona in PERSONAS:
        assert reverse("manual:page", args=[persona.slug]) in html
        assert reverse("manual:pdf", args=[persona.slug]) in html
    assert reverse("manual:report-form-pdf") in html and reverse("manual:report-form-xlsx") in html
    assert "/audit/" not in html  # no office's report form for someone who reviews nothing
    mine = re.search(r'href="/manual/([a-z-]+)/">[^<]+</a> <span class="badge ok">ตรงกับเมนูของท่าน</span>', html)
    assert mine and mine.group(1) == "staff"


@pytest.mark.django_db
def test_a_reviewer_is_led_to_the_audit_report_form_of_their_own_office(client, persona_account):
    client.force_login(persona_account("district-reviewer"))
    html = client.get(reverse("manual:index")).content.decode()
    assert reverse("audit:account-list-export", args=["4701", "pdf"]) in html
    client.force_login(persona_account("province-reviewer"))
    html = client.get(reverse("manual:index")).content.decode()
    assert reverse("audit:province-summary-pdf", args=["47"]) in html
    assert reverse("audit:account-list-export", args=["4701", "pdf"]) not in html


@pytest.mark.django_db
def test_an_unknown_persona_is_404(client, persona_account):
    client.force_login(persona_account("staff"))
    assert client.get("/manual/nobody/").status_code == 404


@pytest.mark.django_db
def test_the_manual_needs_a_login(client):
    response = client.get(reverse("manual:page", args=["staff"]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# ---------------------------------------------------------------------------------------------------------------
# The help link


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ROLES)
def test_every_page_links_to_the_viewers_own_manual(client, persona_account, slug):
    client.force_login(persona_account(slug))
    own = reverse("manual:page", args=[slug])
    for url in (reverse("home"), reverse("accounts:profile"), reverse("manual:index")):
        html = client.get(url).content.decode()
        assert f'<a class="help-link" href="{own}">คู่มือ</a>' in html, url


@pytest.mark.django_db
def test_the_login_page_links_to_the_manual_index(client):
    html = client.get(reverse("login")).content.decode()
    assert f'<a class="help-link" href="{reverse("manual:index")}">คู่มือ</a>' in html


@pytest.mark.django_db
def test_the_chrome_is_english_and_the_prose_stays_marked_thai(client, persona_account):
    client.force_login(persona_account("staff"))
    client.cookies["django_language"] = "en"
    html = client.get(reverse("manual:page", args=["staff"])).content.decode()
    assert "<h1>Manual: District staff</h1>" in html
    assert ">Manual</a>" in html  # the help link
    assert "Download this manual (PDF)" in html
    assert "The manual's text is written in Thai" in html
    assert '<article class="manual-prose" lang="th">' in html and "<h2>การเข้าสู่ระบบ</h2>" in html
    assert "The login page" in html  # a screenshot's caption
    index = client.get(reverse("manual:index")).content.decode()
    assert "Download the blank report form (PDF)" in index and "Receipt issuer" in index


# ---------------------------------------------------------------------------------------------------------------
# The documents


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["staff", "district-reviewer"])
def test_the_manual_pdf_holds_the_thai_headings_and_the_screenshots(client, persona_account, slug):
    require_tool("pdfimages", "poppler-utils")
    client.force_login(persona_account("staff"))
    response = client.get(reverse("manual:pdf", args=[slug]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="manual-{slug}.pdf"'
    assert_thai_typeset(response.content)
    text = pdf_text(response.content)
    persona = next(p for p in PERSONAS if p.slug == slug)
    for expected in [f"คู่มือ{persona.title}", *HEADINGS[slug], "หน้าเข้าสู่ระบบ"]:
        assert in_text(expected, text), expected
    images = subprocess.run(["pdfimages", "-list", "-"], input=response.content, capture_output=True,
                            check=True).stdout.decode().splitlines()[2:]
    html = client.get(reverse("manual:page", args=[slug])).content.decode()
    assert len(images) >= len(set(re.findall(r'<img src="[^"]+"', html)))  # every screenshot embedded


@pytest.mark.django_db
def test_the_blank_report_form_pdf_has_every_line_of_the_circulars_form(client, persona_account):
    client.force_login(persona_account("staff"))
    response = client.get(reverse("manual:report-form-pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="report-form-i-service.pdf"'
    assert_thai_typeset(response.content)
    text = pdf_text(response.content)
    for expected in ("แบบรายงานผลการตรวจสอบสิทธิ์ผู้ใช้งานระบบ i-SERVICE", "มท ๐๓๐๗/ว๑๓๕๐๗", "หน่วยงาน",
                     "วันที่ตรวจสอบ (พ.ศ.)", "จำนวนบัญชีผู้ใช้งานที่ตรวจสอบ", "บัญชีที่ข้อมูลการลงทะเบียนไม่ถูกต้อง",
                     "บัญชีที่ถือสิทธิ์โดยไม่มีคำสั่งมอบหมาย", "ผู้พ้นจากหน้าที่ (เกษียณ ย้าย ลาออก) ที่ยังใช้งานอยู่",
                     "การดำเนินการ", "ชื่อผู้รายงาน", "ตำแหน่ง", "ตำแหน่งไม่ตรงกับคำสั่ง", "เกษียณแล้วแต่ยังใช้งาน"):
        assert in_text(expected, text), expected


@pytest.mark.django_db
def test_the_blank_report_form_xlsx_reads_back(client, persona_account):
    from openpyxl import load_workbook

    client.force_login(persona_account("staff"))
    client.cookies["django_language"] = "en"  # an official form: Thai whatever the screen's language
    response = client.get(reverse("manual:report-form-xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="report-form-i-service.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["แบบรายงาน"]
    labels = [row[0] for row in sheet.iter_rows(values_only=True) if row and row[0]]
    assert labels[0] == "แบบรายงานผลการตรวจสอบสิทธิ์ผู้ใช้งานระบบ i-SERVICE"
    for expected in ("หน่วยงาน", "วันที่ตรวจสอบ (พ.ศ.)", "จำนวนบัญชีผู้ใช้งานที่ตรวจสอบ",
                     "บัญชีที่ข้อมูลการลงทะเบียนไม่ถูกต้อง", "บัญชีที่ถือสิทธิ์โดยไม่มีคำสั่งมอบหมาย",
                     "ผู้พ้นจากหน้าที่ (เกษียณ ย้าย ลาออก) ที่ยังใช้งานอยู่", "การดำเนินการ", "ชื่อผู้รายงาน", "ตำแหน่ง"):
        assert expected in labels, expected
    hints = [label for label in labels if label.startswith("ประเภทปัญหาในระบบ")]
    assert "ย้ายแล้วแต่ยังใช้งาน" in hints[2]
    count_row = next(row for row in sheet.iter_rows() if row[0].value == "จำนวนบัญชีผู้ใช้งานที่ตรวจสอบ")
    assert count_row[1].border.bottom.style == "thin" and count_row[2].value == "บัญชี"  # the box to fill in
