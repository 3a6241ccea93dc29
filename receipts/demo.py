"""Demo receipts for อำเภอเมืองสกลนคร (4701), on top of the accounts demo world (python manage.py seed_demo).

Everything goes through the services, dated today, so the event log tells the same story as the screens:
auction and scrap receipts by palad.4701 (K3), fee receipts by clerk.4701 (one voided), a pay-in slip waiting for
payment and one paid, a refusal of palad.k2.4701 under the rank rule, and อำเภอกุสุมาลย์ (4702) in trial mode.
"""

from __future__ import annotations

import contextlib
from decimal import Decimal

from django.db import transaction

from accounts.models import Unit, User
from receipts.models import FeeType, Receipt
from receipts.services import (
    ItemInput,
    ReceiptRefused,
    payin_slip_create,
    receipt_issue,
    receipt_issue_from_slip,
    receipt_office_update,
    receipt_void,
)

# A made-up tax ID (valid check digit, not the department's): pay-in slips of the demo go nowhere.
DEMO_BILLER_TAX_ID = "0994000999992"
DEMO_BILLER_SUFFIX = "01"


def _fee(code: str) -> FeeType:
    return FeeType.objects.get(code=code)


@transaction.atomic
def demo_receipts_build() -> dict[str, int]:
    """Build the demo receipts once; an empty dict when they exist already or the demo world is missing."""
    accounts = {u.username: u for u in User.objects.filter(username__in=["palad.4701", "clerk.4701", "palad.k2.4701"])}
    if len(accounts) < 3 or Receipt.objects.filter(unit__code="4701").exists():
        return {}
    u4701, u4702, dopa = (Unit.objects.get(code=code) for code in ("4701", "4702", "DOPA"))
    palad, clerk, palad_k2 = accounts["palad.4701"], accounts["clerk.4701"], accounts["palad.k2.4701"]
    receipt_office_update(unit=dopa, actor=None, biller_tax_id=DEMO_BILLER_TAX_ID, biller_suffix=DEMO_BILLER_SUFFIX,
                          biller_name="กรมการปกครอง (บัญชีสาธิต)")
    receipts = [
        receipt_issue(
            issuer=palad, unit=u4701, category="AUCTION", payer_name="นายสมพงษ์ ศรีสกล",
            payer_address="99 หมู่ 3 ต.ธาตุเชิงชุม อ.เมืองสกลนคร จ.สกลนคร", payment_method="cash",
            items=[ItemInput("รถจักรยานยนต์ของกลาง ขายทอดตลาด ครั้งที่ 1/2570 ลำดับที่ 4", Decimal("1"),
                             Decimal("12500.00"))],
        ),
        receipt_issue(
            issuer=palad, unit=u4701, category="SCRAP", payer_name="ร้านรับซื้อของเก่าสกลรุ่งเรือง",
            payment_method="transfer", payment_reference="KTB 0457812",
            items=[ItemInput("เศษเหล็ก (กิโลกรัม)", Decimal("350"), Decimal("4.50")),
                   ItemInput("กระดาษเก่า (กิโลกรัม)", Decimal("120"), Decimal("2.25"))],
        ),
    ]
    for payer, fee, description, amount in [
        ("นางสาวกาญจนา บุญมา", "IDCARD", "ค่าธรรมเนียมออกบัตรประจำตัวประชาชนใหม่ กรณีบัตรหาย", "100.00"),
        ("นายอนุชา พลราช", "CERTCOPY", "ค่าคัดและรับรองสำเนาทะเบียนบ้าน", "20.00"),
        ("นายวิชัย ไชยวงศ์", "FIREARM", "ค่าธรรมเนียมใบอนุญาตให้มีและใช้อาวุธปืน", "1000.00"),
    ]:
        receipts.append(receipt_issue(
            issuer=clerk, unit=u4701, category="FEE", fee_type=_fee(fee), payer_name=payer, payment_method="cash",
            items=[ItemInput(description, Decimal("1"), Decimal(amount))],
        ))
    receipt_void(receipt=receipts[-2], actor=clerk, reason="ผู้ชำระแจ้งว่าชื่อในใบเสร็จไม่ถูกต้อง ออกใบใหม่แทน")
    receipts.append(receipt_issue(
        issuer=clerk, unit=u4701, category="FEE", fee_type=_fee("CERTCOPY"), payer_name="นายอนุชา พลราช",
        payment_method="cash", items=[ItemInput("ค่าคัดและรับรองสำเนาทะเบียนบ้าน", Decimal("1"), Decimal("20.00"))],
    ))
    waiting = payin_slip_create(issuer=clerk, unit=u4701, fee_type=_fee("HOTEL"), amount=Decimal("2500.00"),
                                payer_name="บริษัท ภูพานรีสอร์ท จำกัด", description="ค่าธรรมเนียมใบอนุญาตประกอบธุรกิจโรงแรม")
    paid = payin_slip_create(issuer=clerk, unit=u4701, fee_type=_fee("IDCARD"), amount=Decimal("100.00"),
                             payer_name="นางอรุณี แสนสุข")
    receipts.append(receipt_issue_from_slip(slip=paid, issuer=clerk, payment_reference="SCB-20261122-0042"))
    with contextlib.suppress(ReceiptRefused):  # the rank rule at work: logged as a refusal
        receipt_issue(issuer=palad_k2, unit=u4701, category="AUCTION", payer_name="นายทดลอง ซื้อทรัพย์",
                      payment_method="cash", items=[ItemInput("โต๊ะไม้เก่า", Decimal("1"), Decimal("300"))])
    trial_receipts = 0
    receipt_office_update(unit=u4702, actor=None, trial_mode=True)
    trial_clerk = User.objects.filter(
        username__startswith="clerk", registered_unit=u4702, is_active=True
    ).order_by("username").first()
    if trial_clerk is not None:
        receipt_issue(issuer=trial_clerk, unit=u4702, category="FEE", fee_type=_fee("IDCARD"),
                      payer_name="นายทดสอบ ช่วงทดลอง", payment_method="cash",
                      items=[ItemInput("ทดสอบระบบออกใบเสร็จ", Decimal("1"), Decimal("100.00"))])
        trial_receipts = 1
    return {"receipts": len(receipts), "payin_slips": 2, "voided": 1, "trial_receipts": trial_receipts,
            "waiting_slips": 1 if waiting else 0}
