"""The printed receipt: Thai glyphs that come back out of the PDF, amounts in Thai words, ยกเลิก and ทดลอง marks."""

import datetime
import subprocess
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from accounts.models import Unit
from conftest import require_tool
from core.thai import baht_in_words
from receipts.documents import daily_summary_pdf, receipt_pdf
from receipts.models import ReceiptOffice
from receipts.services import ItemInput, receipt_void
from tests.pdf_glyphs import assert_thai_typeset, printed_text


def pdf_text(content: bytes) -> str:
    """The text of a PDF in content order. NFKC, because SARA AM comes back as NIKHAHIT + SARA AA (its decomposition)."""
    require_tool("pdftotext", "poppler-utils")
    assert content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=content, capture_output=True, check=True).stdout
    return unicodedata.normalize("NFKC", text.decode("utf-8"))


def thai(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize(
    "amount, words",
    [
        ("0.50", "ห้าสิบสตางค์"),
        ("1", "หนึ่งบาทถ้วน"),
        ("21", "ยี่สิบเอ็ดบาทถ้วน"),
        ("101", "หนึ่งร้อยเอ็ดบาทถ้วน"),
        ("1000000", "หนึ่งล้านบาทถ้วน"),
        ("1234567.89", "หนึ่งล้านสองแสนสามหมื่นสี่พันห้าร้อยหกสิบเจ็ดบาทแปดสิบเก้าสตางค์"),
    ],
)
def test_amounts_in_thai_words(amount, words):
    assert baht_in_words(Decimal(amount)) == words


@pytest.fixture
def big_receipt(clock, issue, make_account):
    clock(datetime.date(2026, 11, 2))
    return issue(
        make_account("ISV_AUCTION_RECEIPT", first_name="ประเสริฐ"), "AUCTION",
        payer_name="นายสมพงษ์ ศรีสกล", payer_national_id="1101700230708",
        items=[ItemInput("ที่ดินพร้อมสิ่งปลูกสร้าง ขายทอดตลาด", Decimal("1"), Decimal("1234567.39")),
               ItemInput("ค่าธรรมเนียมการขาย", Decimal("2"), Decimal("0.25"))],
    )


@pytest.mark.django_db
def test_receipt_pdf_has_extractable_thai_text(big_receipt):
    content = receipt_pdf(big_receipt)
    assert_thai_typeset(content)
    text = pdf_text(content)
    for expected in [
        "ใบเสร็จรับเงิน", "ที่ทำการปกครองอำเภอเมืองสกลนคร", "4701/2570/000001", "2 พฤศจิกายน 2569",
        "นายสมพงษ์ ศรีสกล", "1-1017-00230-70-8", "ที่ดินพร้อมสิ่งปลูกสร้าง ขายทอดตลาด", "1,234,567.89",
        "หนึ่งล้านสองแสนสามหมื่นสี่พันห้าร้อยหกสิบเจ็ดบาทแปดสิบเก้าสตางค์", "นายประเสริฐ ใจดี",
        "ปลัดอำเภอชำนาญการพิเศษ", "งานขายทอดตลาด",
    ]:
        assert thai(expected) in text, expected
    assert text.count(thai("ต้นฉบับ")) == 1 and text.count(thai("สำเนา")) == 1  # an original and a copy
    assert thai("ยกเลิก") not in text and thai("ทดลอง") not in text


@pytest.mark.django_db
def test_voided_receipt_pdf_says_yokloek_on_both_pages(big_receipt, make_account):
    voided = receipt_void(receipt=big_receipt, actor=big_receipt.issued_by, reason="ผู้ซื้อสละสิทธิ์")
    text = pdf_text(receipt_pdf(voided))
    assert text.count(thai("ใบเสร็จรับเงินฉบับนี้ถูกยกเลิกแล้ว")) == 2
    assert thai("ผู้ซื้อสละสิทธิ์") in text
    assert "4701/2570/000001" in text  # keeps its number


@pytest.mark.django_db
def test_trial_receipt_pdf_says_thotlong(clock, issue, make_account):
    clock(datetime.date(2026, 11, 2))
    ReceiptOffice.objects.create(unit=Unit.objects.get(code="4701"), trial_mode=True)
    text = pdf_text(receipt_pdf(issue(make_account("ISV_FEE_RECEIPT"))))
    assert thai("ทดลอง") in text and "4701/2570/000001" in text


@pytest.mark.django_db
def test_daily_summary_pdf(clock, issue, make_account):
    from receipts.selectors import receipt_daily_summary

    clock(datetime.date(2026, 11, 2))
    account = make_account("ISV_FEE_RECEIPT")
    issue(account, items=[ItemInput("ค่าธรรมเนียม", Decimal("1"), Decimal("21.00"))])
    summary = receipt_daily_summary(viewer=account, unit=Unit.objects.get(code="4701"), day=datetime.date(2026, 11, 2))
    from rights.selectors import signer_of

    pdf = daily_summary_pdf(summary, signer=signer_of(account))
    assert_thai_typeset(pdf)
    text = pdf_text(pdf)
    for expected in ["รายงานสรุปการรับเงินประจำวัน", "2 พฤศจิกายน 2569", "ยี่สิบเอ็ดบาทถ้วน", "4701/2570/000001",
                     "ขอรับรองว่ารายงานสรุปการรับเงินประจำวันที่", "ผู้จัดทำรายงาน", "หัวหน้าหน่วยงาน",
                     account.official.full_name]:
        assert thai(expected) in text, expected
    Path("test-artifacts").mkdir(exist_ok=True)
    Path("test-artifacts/daily-summary.pdf").write_bytes(pdf)  # looked at as an image (pdftoppm)


@pytest.mark.django_db
def test_the_receipt_is_thai_in_the_english_interface(client, make_account, issue, monkeypatch):
    """The receipt is an official Thai document: its original and copy say so in Thai whatever the screen's language."""
    import weasyprint

    printed = {}

    class CapturedHTML:
        def __init__(self, string, base_url=None):
            printed["html"] = string

        def write_pdf(self):
            return b"%PDF-1.7 captured"

    monkeypatch.setattr(weasyprint, "HTML", CapturedHTML)
    clerk = make_account("ISV_FEE_RECEIPT")
    receipt = issue(clerk)
    client.force_login(clerk)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.get(f"/receipts/{receipt.pk}/receipt.pdf").status_code == 200
    assert "ต้นฉบับ" in printed["html"] and "สำเนา" in printed["html"]
    assert "Original" not in printed["html"] and "Copy" not in printed["html"]
    # The printed daily summary too: its categories are the Thai ones, though the screen's summary is in English.
    assert "Auction sales" in client.get("/receipts/daily-summary/").content.decode()
    assert client.get("/receipts/daily-summary/export/pdf/").status_code == 200
    text = printed_text(printed["html"])
    assert "งานขายทอดตลาด" in text and "Auction sales" not in text
