"""Receipt screens: who sees what, issuing and voiding by POST, filters, the daily summary, query budgets."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Unit
from conftest import xlsx_table
from events.models import Event
from receipts.models import Receipt
from receipts.services import ItemInput

DAY = datetime.date(2026, 11, 2)


@pytest.fixture
def world(clock, issue, make_account):
    """Receipts at 4701 (Sakon Nakhon) and 4901 (Mukdahan), and the people around them."""
    clock(DAY)
    people = {
        "clerk": make_account("ISV_FEE_RECEIPT", position_name="เจ้าพนักงานธุรการ", level_code="O2"),
        "palad": make_account("ISV_AUCTION_RECEIPT", "ISV_SCRAP_RECEIPT", "ISV_FEE_RECEIPT"),
        "palad_k2": make_account("ISV_AUCTION_RECEIPT", level_code="K2"),
        "clerk_4901": make_account("ISV_FEE_RECEIPT", unit_code="4901"),
        "reviewer_47": make_account("PROVINCE_REVIEWER", unit_code="47", position_name="จ่าจังหวัด"),
        "reviewer_49": make_account("PROVINCE_REVIEWER", unit_code="49", position_name="จ่าจังหวัด"),
        "reviewer_4701": make_account("DISTRICT_REVIEWER", unit_code="4701"),
        "nobody": make_account("ISV_USER"),
    }
    receipts = {
        "fee": issue(people["clerk"], payer_name="นางสาวกาญจนา บุญมา"),
        "auction": issue(people["palad"], "AUCTION", payer_name="นายสมพงษ์ ศรีสกล",
                         items=[ItemInput("รถจักรยานยนต์", Decimal("1"), Decimal("12500"))]),
        "mukdahan": issue(people["clerk_4901"], unit_code="4901", payer_name="นายมุกดา หาญ"),
    }
    return {**people, "receipts": receipts}


def get(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(f"receipts:{name}", args=args), query)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, sees",
    [
        ("clerk", {"fee", "auction"}),
        ("palad", {"fee", "auction"}),
        ("reviewer_4701", {"fee", "auction"}),
        ("reviewer_47", {"fee", "auction"}),  # a province reviewer sees its districts' receipts
        ("reviewer_49", {"mukdahan"}),
        ("clerk_4901", {"mukdahan"}),
    ],
)
def test_list_and_detail_follow_the_viewers_scope(client, world, who, sees):
    html = get(client, world[who], "receipt-list").content.decode()
    for key, receipt in world["receipts"].items():
        assert (receipt.number_display in html) == (key in sees), key
        detail = get(client, world[who], "receipt-detail", receipt.pk)
        pdf = get(client, world[who], "receipt-pdf", receipt.pk)
        expected = 200 if key in sees else 404  # out of scope looks like missing
        assert (detail.status_code, pdf.status_code) == (expected, expected), key


@pytest.mark.django_db
def test_account_without_receipt_menus_gets_403(client, world):
    for name in ("receipt-list", "receipt-create", "daily-summary", "payin-list", "payin-create"):
        assert get(client, world["nobody"], name).status_code == 403, name
    # Reviewers look but do not issue.
    assert get(client, world["reviewer_47"], "receipt-create").status_code == 403


@pytest.mark.django_db
def test_menu_shows_receipts_to_issuers_and_reviewers(client, world):
    for who in ("clerk", "reviewer_47"):
        client.force_login(world[who])
        assert reverse("receipts:receipt-list").encode() in client.get(reverse("home")).content
    client.force_login(world["nobody"])
    assert reverse("receipts:receipt-list").encode() not in client.get(reverse("home")).content


def issue_post(**overrides):
    data = {
        "unit": Unit.objects.get(code="4701").pk, "category": "FEE", "fee_type": "", "payer_name": "นายผู้ชำระ หน้าจอ",
        "payer_national_id": "", "payer_address": "", "payment_method": "cash", "payment_reference": "",
        "items-TOTAL_FORMS": "3", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "20",
        "items-0-description": "ค่าธรรมเนียมออกบัตร", "items-0-quantity": "1", "items-0-unit_price": "100",
        "items-1-description": "", "items-1-quantity": "1", "items-1-unit_price": "",
        "items-2-description": "", "items-2-quantity": "1", "items-2-unit_price": "",
    }
    from receipts.models import FeeType

    data["fee_type"] = FeeType.objects.get(code="IDCARD").pk
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_form_pressed_twice_issues_one_receipt(client, world):
    client.force_login(world["clerk"])
    page = client.get(reverse("receipts:receipt-create")).content.decode()
    token = re.search(r'name="submission_token" value="([0-9a-f]{32})"', page).group(1)
    before = Receipt.objects.count()
    events = Event.objects.filter(action="receipts.receipt.issued", actor=world["clerk"])
    events_before = events.count()
    first = client.post(reverse("receipts:receipt-create"), issue_post(submission_token=token))
    again = client.post(reverse("receipts:receipt-create"), issue_post(submission_token=token))
    assert Receipt.objects.count() == before + 1
    assert first.url == again.url  # the retry lands on the receipt already issued
    assert events.count() == events_before + 1


@pytest.mark.django_db
def test_issue_through_the_form(client, world):
    client.force_login(world["clerk"])
    response = client.post(reverse("receipts:receipt-create"), issue_post(**{
        "items-1-description": "ค่าคัดสำเนา", "items-1-quantity": "2", "items-1-unit_price": "10.50",
        "payer_national_id": "1-1017-00230-70-8",
    }))
    receipt = Receipt.objects.get(payer_name="นายผู้ชำระ หน้าจอ")
    assert response.status_code == 302 and response.url == reverse("receipts:receipt-detail", args=[receipt.pk])
    assert receipt.total == Decimal("121.00") and receipt.items.count() == 2
    assert receipt.payer_national_id == "1101700230708" and receipt.number_display == "4701/2570/000003"  # after the fee and the auction
    assert receipt.issued_on == DAY


@pytest.mark.django_db
def test_issue_form_names_the_row_and_field_in_error_and_saves_nothing(client, world):
    client.force_login(world["clerk"])
    response = client.post(reverse("receipts:receipt-create"), issue_post(**{
        "items-1-description": "ค่าคัดสำเนา", "items-1-unit_price": "abc",
    }))
    assert response.status_code == 200
    assert "รายการที่ 2 ช่องราคาต่อหน่วย (บาท):" in response.content.decode()
    assert not Receipt.objects.filter(payer_name="นายผู้ชำระ หน้าจอ").exists()
    response = client.post(reverse("receipts:receipt-create"), issue_post(**{"items-0-description": "",
                                                                             "items-0-unit_price": ""}))
    assert "กรุณาระบุรายการอย่างน้อย 1 รายการ" in response.content.decode()


@pytest.mark.django_db
def test_refusal_on_the_form_says_why_and_is_logged(client, world):
    client.force_login(world["palad_k2"])
    response = client.post(reverse("receipts:receipt-create"), issue_post(category="AUCTION", fee_type=""))
    html = response.content.decode()
    assert response.status_code == 403
    assert "มท ๐๓๐๗/ว๑๓๕๐๗" in html and "15 มิถุนายน 2569" in html
    assert Event.objects.filter(action="receipts.receipt.refused", actor=world["palad_k2"]).count() == 1
    assert not Receipt.objects.filter(payer_name="นายผู้ชำระ หน้าจอ").exists()


@pytest.mark.django_db
def test_issue_form_offers_only_held_categories(client, world):
    html = get(client, world["clerk"], "receipt-create").content.decode()
    assert 'value="FEE"' in html and 'value="AUCTION"' not in html


@pytest.mark.django_db
def test_a_held_category_the_rank_rule_refuses_is_not_offered_and_the_page_says_why(client, world, make_account):
    palad_k2 = make_account("ISV_AUCTION_RECEIPT", "ISV_FEE_RECEIPT", level_code="K2", username="palad.k2")
    html = get(client, palad_k2, "receipt-create").content.decode()
    assert 'value="FEE"' in html and 'value="AUCTION"' not in html
    assert "แสดงเฉพาะประเภทที่ท่านออกได้วันนี้" in html and "ไม่ผ่านเงื่อนไข" in html and "ชำนาญการพิเศษ (K3)" in html
    # Holding nothing usable today: no form at all, the reason instead.
    only_auction = get(client, world["palad_k2"], "receipt-create").content.decode()
    assert "วันนี้ท่านยังออกใบเสร็จรับเงินไม่ได้" in only_auction and 'name="payer_name"' not in only_auction


@pytest.mark.django_db
def test_void_by_post_only(client, world):
    receipt = world["receipts"]["fee"]
    client.force_login(world["clerk"])
    url = reverse("receipts:receipt-void", args=[receipt.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"reason": "ผู้ชำระขอยกเลิก"})
    assert response.status_code == 302
    receipt.refresh_from_db()
    assert receipt.is_voided and receipt.number_display == "4701/2570/000001"
    html = client.get(reverse("receipts:receipt-detail", args=[receipt.pk])).content.decode()
    assert "ยกเลิก" in html and "ผู้ชำระขอยกเลิก" in html


@pytest.mark.django_db
def test_reviewer_cannot_void_and_out_of_scope_void_is_404(client, world):
    receipt = world["receipts"]["fee"]
    client.force_login(world["reviewer_47"])
    client.post(reverse("receipts:receipt-void", args=[receipt.pk]), {"reason": "ลอง"})
    receipt.refresh_from_db()
    assert not receipt.is_voided
    assert Event.objects.filter(action="receipts.receipt.refused", actor=world["reviewer_47"]).exists()
    client.force_login(world["reviewer_49"])
    assert client.post(reverse("receipts:receipt-void", args=[receipt.pk]), {"reason": "ลอง"}).status_code == 404
    client.force_login(world["clerk_4901"])
    assert client.post(reverse("receipts:receipt-void", args=[receipt.pk]), {"reason": "ลอง"}).status_code == 404
    receipt.refresh_from_db()
    assert not receipt.is_voided


@pytest.mark.django_db
def test_detail_offers_void_only_to_those_who_may(client, world):
    receipt = world["receipts"]["auction"]
    assert "ยกเลิกใบเสร็จนี้" in get(client, world["palad"], "receipt-detail", receipt.pk).content.decode()
    assert "ยกเลิกใบเสร็จนี้" not in get(client, world["clerk"], "receipt-detail", receipt.pk).content.decode()


@pytest.mark.django_db
def test_list_filters(client, world, issue):
    reviewer = world["reviewer_47"]
    fee, auction = world["receipts"]["fee"], world["receipts"]["auction"]

    def numbers(**query):
        html = get(client, reviewer, "receipt-list", **query).content.decode()
        return {key for key, r in world["receipts"].items() if r.number_display in html}

    assert numbers(category="AUCTION") == {"auction"}
    assert numbers(issuer=world["clerk"].pk) == {"fee"}
    assert numbers(q="กาญจนา") == {"fee"}
    assert numbers(q=auction.number_display) == {"auction"}
    assert numbers(date_from="2569-11-02", date_to="2569-11-02") == {"fee", "auction"}  # Buddhist Era input
    assert numbers(date_from="2569-11-03") == set()
    assert numbers(unit="4701") == {"fee", "auction"}
    from receipts.services import receipt_void

    receipt_void(receipt=fee, actor=world["clerk"], reason="ผิด")
    assert numbers(voided="yes") == {"fee"}
    assert numbers(voided="no") == {"auction"}
    bad = get(client, reviewer, "receipt-list", date_from="2569-02-30")
    assert "ไม่มีวันที่นี้ในปฏิทิน" in bad.content.decode()


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_rows(client, world, issue, django_assert_max_num_queries):
    client.force_login(world["reviewer_47"])
    url = reverse("receipts:receipt-list")
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    for _ in range(15):
        issue(world["clerk"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_daily_summary_screen_xlsx_and_pdf(client, world, issue):
    from openpyxl import load_workbook

    issue(world["clerk"], items=[ItemInput("ค่าธรรมเนียม", Decimal("1"), Decimal("21.00"))])
    html = get(client, world["reviewer_47"], "daily-summary", unit="4701", day="2569-11-02").content.decode()
    assert "รายงานสรุปการรับเงินประจำวัน" in html and "12,621.00" in html
    assert "หนึ่งหมื่นสองพันหกร้อยยี่สิบเอ็ดบาทถ้วน" in html
    xlsx = get(client, world["reviewer_47"], "daily-summary-export", "xlsx", unit="4701", day="2569-11-02")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx["Content-Disposition"] == 'attachment; filename="daily-summary-4701-2569-11-02.xlsx"'
    rows = xlsx_table(xlsx.content)
    by_category = {row[2]: row for row in rows[1:]}
    assert by_category["ค่าธรรมเนียม"][4:] == [2, 0, 121]
    assert by_category["งานขายทอดตลาด"][4:] == [1, 0, 12500]
    assert rows[-1][4:] == [3, 0, 12621]
    assert rows[1][1] == datetime.datetime(2026, 11, 2)  # a real date, shown in BE by its number format
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.title == "สรุปการรับเงิน" and sheet["A1"].value == "รายงานสรุปการรับเงินประจำวัน"
    pdf = get(client, world["reviewer_47"], "daily-summary-export", "pdf", unit="4701", day="2569-11-02")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert Event.objects.filter(action="receipts.report.exported").count() == 2
    # Another province's unit is not in the choices: the form refuses it, naming the code.
    refused = get(client, world["reviewer_49"], "daily-summary", unit="4701")
    assert refused.status_code == 400 and "ไม่มีหน่วยงานรหัส 4701" in refused.content.decode()


@pytest.mark.django_db
def test_a_province_reviewer_s_daily_summary_is_the_whole_province_and_downloads_as_shown(client, world):
    page = get(client, world["reviewer_47"], "daily-summary", day="2569-11-02")
    html = page.content.decode()
    assert page.status_code == 200 and '<option value="47" selected>' in html
    assert "/receipts/daily-summary/export/xlsx/?unit=47&amp;day=2569-11-02" in html
    for fmt in ("xlsx", "pdf"):
        download = get(client, world["reviewer_47"], "daily-summary-export", fmt, unit="47", day="2569-11-02")
        assert download.status_code == 200, fmt
    rows = xlsx_table(
        get(client, world["reviewer_47"], "daily-summary-export", "xlsx", unit="47", day="2569-11-02").content
    )
    assert rows[-1][4:] == [2, 0, 12600]  # 4701's fee and auction; Mukdahan's receipt is not the province's


@pytest.mark.django_db
def test_daily_summary_query_count_does_not_grow_with_rows(client, world, issue, django_assert_max_num_queries):
    client.force_login(world["clerk"])
    url = reverse("receipts:daily-summary")
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    for _ in range(15):
        issue(world["clerk"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_payin_slip_screens_and_paying_a_slip(client, world, fee_type):
    from receipts.services import receipt_office_update

    receipt_office_update(unit=Unit.objects.get(code="DOPA"), actor=None, biller_tax_id="0994000999992",
                          biller_suffix="01")
    client.force_login(world["clerk"])
    response = client.post(reverse("receipts:payin-create"), {
        "unit": Unit.objects.get(code="4701").pk, "fee_type": fee_type.pk, "amount": "250.00",
        "payer_name": "บริษัท ทดสอบ จำกัด", "description": "", "payer_national_id": "", "payer_address": "",
        "due_date": "",
    })
    assert response.status_code == 302
    slip_url = response.url
    html = client.get(slip_url).content.decode()
    assert "47012570000001" in html and "data:image/svg+xml" in html
    pdf = client.get(slip_url + "slip.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == 'inline; filename="payin-47012570000001.pdf"'
    assert get(client, world["reviewer_49"], "payin-detail", int(slip_url.rstrip("/").split("/")[-1])).status_code == 404
    client.force_login(world["clerk"])
    paid = client.post(slip_url + "pay/", {"payment_reference": "KTB-778"})
    receipt = Receipt.objects.get(payin_slip__reference1="47012570000001")
    assert paid.url == reverse("receipts:receipt-detail", args=[receipt.pk])
    assert receipt.total == Decimal("250.00") and receipt.payment_reference == "KTB-778"
    assert "ออกใบเสร็จแล้ว" in get(client, world["clerk"], "payin-list").content.decode()


# ---------------------------------------------------------------------------------------------------------------
# Sorting the list, and finding a payer by a whole national ID


def numbers_in_order(html: str, world) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    found = [(body.index(r.number_display), key) for key, r in world["receipts"].items() if r.number_display in body]
    return [key for _, key in sorted(found)]


@pytest.mark.django_db
def test_list_sorts_by_column_both_ways_and_ignores_unknown_keys(client, world):
    reviewer = world["reviewer_47"]
    listed = lambda **query: numbers_in_order(get(client, reviewer, "receipt-list", **query).content.decode(), world)  # noqa: E731
    assert listed() == ["auction", "fee"]  # newest first
    assert listed(sort="issued") == ["fee", "auction"]
    assert listed(sort="-total") == ["auction", "fee"]  # 12,500 before 100
    assert listed(sort="total") == ["fee", "auction"]
    assert listed(sort="payer") == ["fee", "auction"]  # นางสาวกาญจนา before นายสมพงษ์
    assert listed(sort="-payer") == ["auction", "fee"]
    for bad in ("payer_national_id", "-voided_by__password", "total;", ""):
        assert listed(sort=bad) == ["auction", "fee"]
    # A sort goes with the filters, and the filters with the sort.
    assert listed(sort="total", category="AUCTION") == ["auction"]
    html = get(client, reviewer, "receipt-list", sort="-total", category="FEE", page="2").content.decode()
    header = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    total_cell = header.split("จำนวนเงิน (บาท)", 1)[0].rsplit("<th", 1)[1]
    assert 'aria-sort="descending"' in total_cell and "sort=total" in total_cell and 'class="num"' in total_cell
    assert "category=FEE" in total_cell and "page=" not in total_cell
    assert '<input type="hidden" name="sort" value="-total">' in html


@pytest.mark.django_db
def test_sorted_list_query_count_does_not_grow_with_rows(client, world, issue, django_assert_max_num_queries):
    client.force_login(world["reviewer_47"])
    url = reverse("receipts:receipt-list") + "?sort=-payer&q=ผู้ชำระ"
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    for _ in range(15):
        issue(world["clerk"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).content.decode().count("นายผู้ชำระ ทดสอบ") == 15


@pytest.mark.django_db
def test_payers_are_found_by_a_whole_national_id_only(client, world, issue, fee_type):
    from accounts.models import Unit
    from core.national_id import format_national_id
    from receipts.services import payin_slip_create, receipt_office_update
    from receipts.tests.test_payin import SUFFIX, TAX_ID
    from tests.factories import new_national_id

    receipt_office_update(unit=Unit.objects.get(code="DOPA"), actor=None, biller_tax_id=TAX_ID, biller_suffix=SUFFIX)
    national_id = new_national_id()
    receipt = issue(world["clerk"], payer_name="นายบุญมี มีสุข", payer_national_id=national_id)
    slip = payin_slip_create(issuer=world["clerk"], unit=Unit.objects.get(code="4701"), fee_type=fee_type,
                             amount=Decimal("100"), payer_name="นายบุญมี มีสุข", payer_national_id=national_id)
    thai_digits = national_id.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    for query in (national_id, format_national_id(national_id), thai_digits):
        assert receipt.number_display in get(client, world["clerk"], "receipt-list", q=query).content.decode()
        assert slip.reference1 in get(client, world["clerk"], "payin-list", q=query).content.decode()
    for part in (national_id[:6], national_id[-4:], "-"):
        assert slip.reference1 not in get(client, world["clerk"], "payin-list", q=part).content.decode()
