"""Pay-in slips: the banks' bill-payment data, its barcode and QR code, and the receipt issued once paid."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Unit
from events.models import Event
from receipts.models import PayInSlip, Receipt
from receipts.payin import amount_in_satang, bill_payment_data, code128_svg, qr_data_uri
from receipts.services import (
    BILLER_MISSING,
    SLIP_ALREADY_PAID,
    SLIP_TRIAL_MISMATCH,
    ReceiptRefused,
    payin_slip_create,
    receipt_issue_from_slip,
    receipt_office_update,
    receipt_void,
)
from tests.pdf_glyphs import assert_thai_typeset

TAX_ID, SUFFIX = "0994000999992", "01"


def test_bill_payment_data_follows_the_cross_bank_format():
    data = bill_payment_data(tax_id=TAX_ID, suffix=SUFFIX, reference1="47012570000123", reference2="IDCARD",
                             amount=Decimal("1500.50"))
    assert data == "|099400099999201\r47012570000123\rIDCARD\r150050"


@pytest.mark.parametrize("amount, satang", [("0.01", 1), ("1", 100), ("100.00", 10000), ("1234567.89", 123456789)])
def test_amount_is_written_in_satang(amount, satang):
    assert amount_in_satang(Decimal(amount)) == satang


@pytest.mark.parametrize(
    "kwargs",
    [
        {"tax_id": "099400099999", "suffix": "01"},  # 12 digits
        {"tax_id": TAX_ID, "suffix": "1"},
        {"amount": Decimal("0")},
        {"reference1": "X" * 19},
        {"reference2": "idcard"},
        {"reference2": ""},
        # 18-character references and an amount of ten thousand million baht: over the 62 characters
        {"reference1": "X" * 18, "reference2": "Y" * 18, "amount": Decimal("10000000000")},
    ],
)
def test_bill_payment_data_refuses_what_banks_would_reject(kwargs):
    values = {"tax_id": TAX_ID, "suffix": SUFFIX, "reference1": "1", "reference2": "2", "amount": Decimal("1")}
    with pytest.raises(ValueError):
        bill_payment_data(**{**values, **kwargs})


def test_code128_carries_the_carriage_returns_in_code_set_a():
    import barcode

    data = "|099400099999201\r47012570000123\rIDCARD\r150050"
    codes = barcode.get("code128", data)._build()
    cr_in_set_a = 77  # Code 128 value of CR in code set A
    assert codes.count(cr_in_set_a) == 3
    assert b"<svg" in code128_svg(data)
    assert qr_data_uri(data).startswith("data:image/svg+xml")


@pytest.fixture
def clerk(clock, make_account):
    clock(datetime.date(2026, 11, 2))
    receipt_office_update(unit=Unit.objects.get(code="DOPA"), actor=None, biller_tax_id=TAX_ID, biller_suffix=SUFFIX)
    return make_account("ISV_FEE_RECEIPT", position_name="เจ้าพนักงานธุรการ", level_code="O2")


@pytest.fixture
def slip(clerk, fee_type):
    return payin_slip_create(issuer=clerk, unit=Unit.objects.get(code="4701"), fee_type=fee_type,
                             amount=Decimal("100.00"), payer_name="นางอรุณี แสนสุข")


@pytest.mark.django_db
def test_slip_references_and_biller_from_the_nearest_office(slip, clerk, fee_type):
    assert (slip.biller_id, slip.reference1, slip.reference2) == ("099400099999201", "47012570000001", "IDCARD")
    assert slip.due_date == datetime.date(2026, 11, 9)
    second = payin_slip_create(issuer=clerk, unit=slip.unit, fee_type=fee_type, amount=Decimal("1"), payer_name="ก")
    assert second.reference1 == "47012570000002"
    assert Event.objects.filter(action="receipts.payin_slip.created").count() == 2
    # A province's own biller ID wins over the department's.
    receipt_office_update(unit=Unit.objects.get(code="47"), actor=None, biller_tax_id="0994000888880", biller_suffix="47")
    third = payin_slip_create(issuer=clerk, unit=slip.unit, fee_type=fee_type, amount=Decimal("1"), payer_name="ข")
    assert third.biller_id == "099400088888047"


@pytest.mark.django_db
def test_slip_needs_a_biller_and_the_fee_role(clock, make_account, fee_type):
    clock(datetime.date(2026, 11, 2))
    unit = Unit.objects.get(code="4701")
    clerk = make_account("ISV_FEE_RECEIPT")
    with pytest.raises(ValidationError, match=BILLER_MISSING):
        payin_slip_create(issuer=clerk, unit=unit, fee_type=fee_type, amount=Decimal("1"), payer_name="ก")
    receipt_office_update(unit=Unit.objects.get(code="DOPA"), actor=None, biller_tax_id=TAX_ID, biller_suffix=SUFFIX)
    auctioneer = make_account("ISV_AUCTION_RECEIPT")
    with pytest.raises(ReceiptRefused):
        payin_slip_create(issuer=auctioneer, unit=unit, fee_type=fee_type, amount=Decimal("1"), payer_name="ก")
    assert not PayInSlip.objects.exists()
    assert Event.objects.filter(action="receipts.receipt.refused", data__action="payin_slip").count() == 1


@pytest.mark.django_db
def test_receipt_from_a_paid_slip_once(slip, clerk):
    receipt = receipt_issue_from_slip(slip=slip, issuer=clerk, payment_reference="SCB-0042")
    assert (receipt.payin_slip, receipt.total, receipt.category, receipt.fee_type) == (slip, Decimal("100.00"), "FEE",
                                                                                        slip.fee_type)
    assert receipt.payment_method == "transfer" and receipt.items.get().description == slip.description
    with pytest.raises(ValidationError, match=re.escape(SLIP_ALREADY_PAID.format(number="4701/2570/000001"))):
        receipt_issue_from_slip(slip=slip, issuer=clerk)
    receipt_void(receipt=receipt, actor=clerk, reason="ออกผิดคน")
    again = receipt_issue_from_slip(slip=slip, issuer=clerk)  # voiding frees the slip
    assert again.number == 2
    assert Receipt.objects.filter(payin_slip=slip).count() == 2


@pytest.mark.django_db
def test_trial_slip_cannot_become_a_real_receipt(clerk, fee_type):
    unit = Unit.objects.get(code="4701")
    receipt_office_update(unit=unit, actor=None, trial_mode=True)
    trial_slip = payin_slip_create(issuer=clerk, unit=unit, fee_type=fee_type, amount=Decimal("5"), payer_name="ก")
    assert trial_slip.trial
    receipt_office_update(unit=unit, actor=None, trial_mode=False)
    with pytest.raises(ValidationError, match=SLIP_TRIAL_MISMATCH):
        receipt_issue_from_slip(slip=trial_slip, issuer=clerk)


@pytest.mark.django_db
def test_slip_pdf_shows_the_references(slip):
    from receipts.documents import payin_slip_pdf
    from receipts.tests.test_documents import pdf_text, thai

    content = payin_slip_pdf(slip, biller_name="กรมการปกครอง")
    assert_thai_typeset(content)
    text = pdf_text(content)
    for expected in ["ใบแจ้งการชำระเงิน", "47012570000001", "IDCARD", "099400099999201 47012570000001 IDCARD 10000",
                     "หนึ่งร้อยบาทถ้วน", "นางอรุณี แสนสุข"]:
        assert thai(expected) in text, expected
