"""Issuing and voiding receipts, pay-in slips, office settings and the trial purge.

Every state change of a receipt (issue, void) and every pay-in slip goes through `receipt_right_check`, which judges,
at the moment of the action and on today's date in Asia/Bangkok: the account is active, the official is in service
according to the HR record, the account holds the category's role at the unit, an in-force assignment order grants it,
and the HR record meets every policy in force today (from 15 June 2569 BE the circular's rank rule for auction and
scrap receipts). A refusal raises ReceiptRefused with the Thai reason and is logged in a transaction of its own, so
the log entry outlives the refused action.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from accounts.models import Official, Unit, User
from core.national_id import parse_national_id
from core.thai import format_be_date
from events.services import event_record
from receipts.models import (
    BILL_REFERENCE,
    CATEGORY_ROLE,
    Category,
    FeeType,
    PayInSlip,
    PaymentMethod,
    Receipt,
    ReceiptCounter,
    ReceiptItem,
    ReceiptOffice,
    fiscal_year_be,
)
from receipts.payin import bill_payment_data
from rights.models import Role
from rights.scope import RoleAtUnit, account_right_at, today

# Messages (tests import them). Those raised as ValidationError are marked with gettext_noop and translated where
# raised, so they stay plain Thai str here; a refusal stays Thai: its reason is also written to the event log.
ACCOUNT_INACTIVE = "บัญชีผู้ใช้งานนี้ถูกระงับการใช้งาน จึงออกหรือยกเลิกใบเสร็จรับเงินไม่ได้"
NOT_IN_HR_RECORD = "ไม่พบเลขประจำตัวประชาชนของบัญชีนี้ในทะเบียนบุคคล จึงออกหรือยกเลิกใบเสร็จรับเงินไม่ได้"
NOT_IN_SERVICE = "ตามทะเบียนบุคคล ผู้ใช้งานมีสถานะ {status} จึงออกหรือยกเลิกใบเสร็จรับเงินไม่ได้"
RETIRED = "ตามทะเบียนบุคคล ผู้ใช้งานเกษียณอายุราชการตั้งแต่วันที่ {date} จึงออกหรือยกเลิกใบเสร็จรับเงินไม่ได้"
ROLE_NOT_HELD = "บัญชีนี้ไม่ได้ถือบทบาท {role} ({code}) ณ {unit}"
NO_ORDER = "ไม่มีคำสั่งมอบหมายที่มีผลในวันที่ {date} ให้ท่านปฏิบัติหน้าที่ {role} ({code}) ณ {unit}"
REASON_REQUIRED = gettext_noop("กรุณาระบุเหตุผลที่ยกเลิก")
ALREADY_VOIDED = gettext_noop("ใบเสร็จรับเงินนี้ถูกยกเลิกไปแล้ว")
VOIDED = "voided"  # the code of that refusal, which the API answers with 409 ALREADY_VOIDED
PAYER_REQUIRED = gettext_noop("กรุณาระบุชื่อผู้ชำระเงิน")
ITEMS_REQUIRED = gettext_noop("กรุณาระบุรายการอย่างน้อย 1 รายการ")
FEE_TYPE_REQUIRED = gettext_noop("ใบเสร็จค่าธรรมเนียมต้องระบุประเภทค่าธรรมเนียม")
FEE_TYPE_ONLY_FOR_FEES = gettext_noop("ระบุประเภทค่าธรรมเนียมได้เฉพาะใบเสร็จค่าธรรมเนียม")
FEE_TYPE_INACTIVE = gettext_noop("ประเภทค่าธรรมเนียมนี้เลิกใช้แล้ว")
CHEQUE_NUMBER_REQUIRED = gettext_noop("การชำระด้วยเช็คต้องระบุเลขที่เช็ค")
SLIP_OTHER_UNIT = gettext_noop("ใบแจ้งการชำระเงินนี้เป็นของหน่วยงานอื่น")
SLIP_ALREADY_PAID = gettext_noop("ใบแจ้งการชำระเงินนี้ออกใบเสร็จรับเงินไปแล้ว (เลขที่ {number})")
SLIP_TRIAL_MISMATCH = gettext_noop("ใบแจ้งการชำระเงินนี้ออกในช่วงทดลอง จึงออกใบเสร็จจริงจากใบนี้ไม่ได้")
SLIP_REAL_IN_TRIAL = gettext_noop("หน่วยงานอยู่ในช่วงทดลอง จึงออกใบเสร็จจากใบแจ้งการชำระเงินจริงไม่ได้")
SLIP_AMOUNT_MISMATCH = gettext_noop("จำนวนเงินในใบเสร็จไม่ตรงกับใบแจ้งการชำระเงิน")
BILLER_MISSING = gettext_noop("ยังไม่ได้กำหนดเลขประจำตัวผู้เสียภาษีและรหัสต่อท้ายของผู้รับชำระสำหรับหน่วยงานนี้ จึงออกใบแจ้งการชำระเงินไม่ได้")
DUE_DATE_PAST = gettext_noop("วันครบกำหนดชำระต้องไม่ก่อนวันนี้")

PAYIN_SLIP_DAYS = 7  # default time to pay a slip


class ReceiptRefused(Exception):
    """The caller lacks a right the action needs. `str(exc)` is the Thai reason; `rule` says which rule failed."""

    def __init__(self, message: str, *, rule: str):
        super().__init__(message)
        self.message = message
        self.rule = rule


@dataclass(frozen=True)
class ItemInput:
    description: str
    quantity: Decimal
    unit_price: Decimal


# ---------------------------------------------------------------------------------------------------------------
# Rights


def receipt_right_check(*, user: User, unit: Unit, category: str, on: datetime.date) -> RoleAtUnit:
    """Return the role the action rests on, or raise ReceiptRefused naming the first rule that fails.

    Reads the HR record (position, level, status), never the registration data the user declared.
    """
    role_code = CATEGORY_ROLE[Category(category)]
    if not user.is_active:
        raise ReceiptRefused(ACCOUNT_INACTIVE, rule="account_inactive")
    try:
        official = Official.objects.select_related("position", "level").get(national_id=user.official_id)
    except Official.DoesNotExist:
        raise ReceiptRefused(NOT_IN_HR_RECORD, rule="unknown_person") from None
    if official.status != Official.Status.ACTIVE:
        raise ReceiptRefused(NOT_IN_SERVICE.format(status=official.get_status_display()), rule="not_in_service")
    if official.retirement_date is not None and official.retirement_date < on:
        raise ReceiptRefused(RETIRED.format(date=format_be_date(official.retirement_date, long=True)), rule="retired")
    user.official = official  # account_right_at reads position and level from here
    with translation.override(settings.LANGUAGE_CODE):  # a refusal is logged, and every receipt text is Thai
        item = account_right_at(user, role_code, unit, on=on)
    if item is None or not item.held:
        role = item.role if item else Role.objects.get(code=role_code)
        raise ReceiptRefused(
            ROLE_NOT_HELD.format(role=role.name_th, code=role.code, unit=unit.display_name), rule="role_not_held"
        )
    if item.grant is None:
        raise ReceiptRefused(
            NO_ORDER.format(date=format_be_date(on, long=True), role=item.role.name_th, code=item.role.code,
                            unit=unit.display_name),
            rule="no_order",
        )
    if item.refusal:
        raise ReceiptRefused(item.refusal, rule="policy")
    return item


# The event log names the refused attempt as a person reads it (stored in Thai, as every label of the log).
REFUSED_LABEL = "{action}ใบเสร็จรับเงิน{category} ที่ {unit}"
REFUSED_ACTIONS = {"issue": "ออก", "void": "ยกเลิก"}


def _record_refusal(*, user: User, unit: Unit, action: str, category: str, refusal: ReceiptRefused,
                    receipt: Receipt | None = None, ip_address: str | None = None) -> None:
    """Log a refusal after the refused action's transaction was rolled back, in a transaction of its own."""
    with translation.override(settings.LANGUAGE_CODE):
        label = REFUSED_LABEL.format(action=REFUSED_ACTIONS.get(action, action), category=Category(category).label,
                                     unit=unit.code)
    with transaction.atomic():
        event_record(
            action="receipts.receipt.refused", actor=user, target=receipt, target_label="" if receipt else label,
            unit=unit, ip_address=ip_address,
            data={"action": action, "category": category, "role": CATEGORY_ROLE[Category(category)],
                  "unit": unit.code, "rule": refusal.rule, "reason": refusal.message},
        )


# ---------------------------------------------------------------------------------------------------------------
# Numbering


_COUNTER = ReceiptCounter._meta.db_table
# One statement increments the counter and returns the number. On PostgreSQL it locks the row until the transaction
# ends, and READ COMMITTED re-reads a row it waited for, so the number follows the one the previous holder committed.
# On SQLite (3.35+ for RETURNING) the IMMEDIATE transaction already holds the database's write lock.
_COUNTER_ADVANCE = (
    f'UPDATE "{_COUNTER}" SET "last_number" = "last_number" + 1 '
    'WHERE "unit_id" = %s AND "fiscal_year" = %s AND "trial" = %s AND "kind" = %s RETURNING "last_number"'
)


def _next_number(*, unit: Unit, fiscal_year: int, trial: bool, kind: str) -> int:
    """Take the next number of a series. Call inside the issuing transaction, as late as possible: the counter row
    stays locked until the transaction ends and every issuer of the series waits for it; a rollback undoes the
    increment, so numbers have no gap.

    The counter row is created on first use with INSERT ... ON CONFLICT DO NOTHING, so two first issuers of a year
    cannot both create it.
    """
    series = [unit.pk, fiscal_year, trial, kind]
    with connection.cursor() as cursor:
        cursor.execute(_COUNTER_ADVANCE, series)
        row = cursor.fetchone()
        if row is None:
            ReceiptCounter.objects.bulk_create(
                [ReceiptCounter(unit=unit, fiscal_year=fiscal_year, trial=trial, kind=kind)], ignore_conflicts=True
            )
            cursor.execute(_COUNTER_ADVANCE, series)
            row = cursor.fetchone()
    return row[0]


def unit_in_trial_mode(unit: Unit) -> bool:
    return ReceiptOffice.objects.filter(unit=unit, trial_mode=True).exists()


# ---------------------------------------------------------------------------------------------------------------
# Input checks shared by receipts and slips


def _money(value, *, label: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{label}: ต้องเป็นตัวเลข") from None
    if amount <= 0:
        raise ValidationError(f"{label}: ต้องมากกว่า 0")
    return amount


def _payer_national_id(value: str) -> str:
    return parse_national_id(value) if value and value.strip() else ""


def _clean_items(items: Sequence[ItemInput]) -> list[ReceiptItem]:
    if not items:
        raise ValidationError(gettext(ITEMS_REQUIRED))
    cleaned = []
    for line_no, item in enumerate(items, start=1):
        description = (item.description or "").strip()
        if not description:
            raise ValidationError(f"รายการที่ {line_no}: กรุณาระบุรายการ")
        quantity = _money(item.quantity, label=f"รายการที่ {line_no}: จำนวน")
        unit_price = _money(item.unit_price, label=f"รายการที่ {line_no}: ราคาต่อหน่วย")
        amount = (quantity * unit_price).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        cleaned.append(ReceiptItem(line_no=line_no, description=description[:255], quantity=quantity,
                                   unit_price=unit_price, amount=amount))
    return cleaned


def _issuer_position(official: Official) -> str:
    """ปลัดอำเภอชำนาญการพิเศษ: the position with its level, as Thai documents print it (managerial titles alone)."""
    if official.level.track in ("O", "K"):
        return f"{official.position.name_th}{official.level.name_th}"
    return official.position.name_th


# ---------------------------------------------------------------------------------------------------------------
# Receipts


def receipt_issue(
    *,
    issuer: User,
    unit: Unit,
    category: str,
    payer_name: str,
    items: Sequence[ItemInput],
    payment_method: str,
    payer_national_id: str = "",
    payer_address: str = "",
    payment_reference: str = "",
    fee_type: FeeType | None = None,
    payin_slip: PayInSlip | None = None,
    ip_address: str | None = None,
    idempotency_key: str | None = None,
) -> Receipt:
    """Issue the next receipt of `unit`'s fiscal year, dated today (Asia/Bangkok); no back-dating.

    With an `idempotency_key`, the issuer's earlier receipt under the same key is returned instead of a new one (a
    retry after a dropped connection); its `replayed` attribute is then True. Two retries racing each other meet at
    the unique constraint, and the loser's transaction (its number included) rolls back: no gap, no duplicate.
    Raises ReceiptRefused (logged) when a right is missing, ValidationError when the input is wrong.
    """
    category = Category(category)
    key = (idempotency_key or "").strip()[:64] or None
    if key is not None and (earlier := _receipt_for_key(issuer, key)) is not None:
        return earlier
    try:
        with transaction.atomic():
            now = timezone.now()
            on = today()
            receipt_right_check(user=issuer, unit=unit, category=category, on=on)
            official = issuer.official
            if not payer_name or not payer_name.strip():
                raise ValidationError(gettext(PAYER_REQUIRED))
            if PaymentMethod(payment_method) == PaymentMethod.CHEQUE and not payment_reference.strip():
                raise ValidationError(gettext(CHEQUE_NUMBER_REQUIRED))
            if category == Category.FEE and fee_type is None:
                raise ValidationError(gettext(FEE_TYPE_REQUIRED))
            if category != Category.FEE and fee_type is not None:
                raise ValidationError(gettext(FEE_TYPE_ONLY_FOR_FEES))
            if fee_type is not None and not fee_type.is_active:
                raise ValidationError(gettext(FEE_TYPE_INACTIVE))
            lines = _clean_items(items)
            total = sum((line.amount for line in lines), Decimal("0.00"))
            trial = unit_in_trial_mode(unit)
            if payin_slip is not None:
                payin_slip = _slip_ready_to_pay(payin_slip, unit=unit, trial=trial, total=total)
            fiscal_year = fiscal_year_be(on)
            receipt = Receipt(
                unit=unit, fiscal_year=fiscal_year, trial=trial, category=category, fee_type=fee_type,
                payer_name=payer_name.strip(), payer_national_id=_payer_national_id(payer_national_id),
                payer_address=payer_address.strip(), payment_method=payment_method,
                payment_reference=payment_reference.strip(), total=total, issued_on=on, issued_at=now,
                issued_by=issuer, issuer_name=official.full_name, issuer_position=_issuer_position(official),
                office_name=unit.display_name, payin_slip=payin_slip, idempotency_key=key or "",
            )
            # The foreign keys are not looked up again: the service holds the unit, fee type, issuer and locked slip.
            receipt.full_clean(exclude=["number", "unit", "fee_type", "issued_by", "payin_slip"],
                               validate_unique=False, validate_constraints=False)
            for line in lines:
                line.receipt = receipt
            event_data = {"trial": trial, "category": category.value, "fee_type": fee_type.code if fee_type else None,
                          "total": total, "payin_slip": payin_slip.reference1 if payin_slip else None}
            # Everything else is ready: from the number to the commit, every issuer of the series waits.
            receipt.number = _next_number(unit=unit, fiscal_year=fiscal_year, trial=trial,
                                          kind=ReceiptCounter.Kind.RECEIPT)
            receipt.save(force_insert=True)
            ReceiptItem.objects.bulk_create(lines)
            event_record(
                action="receipts.receipt.issued", actor=issuer, target=receipt, unit=unit, ip_address=ip_address,
                data={"number": receipt.number_display, **event_data},
            )
    except ReceiptRefused as refusal:
        _record_refusal(user=issuer, unit=unit, action="issue", category=category, refusal=refusal,
                        ip_address=ip_address)
        raise
    except IntegrityError:
        earlier = _receipt_for_key(issuer, key) if key is not None else None
        if earlier is None:
            raise
        return earlier
    receipt.replayed = False
    return receipt


def _receipt_for_key(issuer: User, key: str) -> Receipt | None:
    earlier = Receipt.objects.filter(issued_by=issuer, idempotency_key=key).first()
    if earlier is not None:
        earlier.replayed = True
    return earlier


def receipt_void(*, receipt: Receipt, actor: User, reason: str, ip_address: str | None = None) -> Receipt:
    """Void an issued receipt: it keeps its number and every field, and gains the void fields. Same rights as issue."""
    try:
        with transaction.atomic():
            locked = Receipt.objects.select_for_update().get(pk=receipt.pk)
            receipt_right_check(user=actor, unit=locked.unit, category=locked.category, on=today())
            if not reason or not reason.strip():
                raise ValidationError(gettext(REASON_REQUIRED))
            if locked.voided_at is not None:
                raise ValidationError(gettext(ALREADY_VOIDED), code=VOIDED)
            locked.voided_at = timezone.now()
            locked.voided_by = actor
            locked.void_reason = reason.strip()[:255]
            locked._void_checked = True
            locked.save(update_fields=["voided_at", "voided_by", "void_reason"])
            event_record(
                action="receipts.receipt.voided", actor=actor, target=locked, unit=locked.unit, ip_address=ip_address,
                data={"number": locked.number_display, "trial": locked.trial, "reason": locked.void_reason,
                      "total": locked.total},
            )
    except ReceiptRefused as refusal:
        _record_refusal(user=actor, unit=receipt.unit, action="void", category=receipt.category, refusal=refusal,
                        receipt=receipt, ip_address=ip_address)
        raise
    return locked


# ---------------------------------------------------------------------------------------------------------------
# Pay-in slips


def biller_for(unit: Unit) -> ReceiptOffice | None:
    """The nearest ReceiptOffice with a biller ID: the unit's own, else its province's, else the department's."""
    codes = [code for code in unit.path.strip("/").split("/") if code]
    offices = {
        office.unit.code: office
        for office in ReceiptOffice.objects.filter(unit__code__in=codes).exclude(biller_tax_id="").select_related("unit")
    }
    for code in reversed(codes):
        if code in offices and offices[code].biller_suffix:
            return offices[code]
    return None


def _reference1(unit: Unit, fiscal_year: int, number: int) -> str:
    """Unit code (letters and digits only, at most 8), fiscal year and a 6-digit number: 47012570000123."""
    return f"{re.sub(r'[^0-9A-Z]', '', unit.code.upper())[:8]}{fiscal_year}{number:06d}"


def payin_slip_create(
    *,
    issuer: User,
    unit: Unit,
    fee_type: FeeType,
    amount: Decimal,
    payer_name: str,
    description: str = "",
    payer_national_id: str = "",
    payer_address: str = "",
    due_date: datetime.date | None = None,
    ip_address: str | None = None,
) -> PayInSlip:
    """Issue a pay-in slip for a fee; it needs the same rights as a fee receipt."""
    try:
        with transaction.atomic():
            on = today()
            receipt_right_check(user=issuer, unit=unit, category=Category.FEE, on=on)
            if not payer_name or not payer_name.strip():
                raise ValidationError(gettext(PAYER_REQUIRED))
            if not fee_type.is_active:
                raise ValidationError(gettext(FEE_TYPE_INACTIVE))
            amount = _money(amount, label="จำนวนเงิน")
            due_date = due_date or on + datetime.timedelta(days=PAYIN_SLIP_DAYS)
            if due_date < on:
                raise ValidationError(gettext(DUE_DATE_PAST))
            office = biller_for(unit)
            if office is None:
                raise ValidationError(gettext(BILLER_MISSING))
            trial = unit_in_trial_mode(unit)
            fiscal_year = fiscal_year_be(on)
            slip = PayInSlip(
                unit=unit, fiscal_year=fiscal_year, trial=trial, fee_type=fee_type,
                description=(description or fee_type.name_th).strip()[:255], amount=amount,
                payer_name=payer_name.strip(), payer_national_id=_payer_national_id(payer_national_id),
                payer_address=payer_address.strip(), due_date=due_date, created_by=issuer,
                biller_id=f"{office.biller_tax_id}{office.biller_suffix}", reference2=fee_type.code,
            )
            slip.number = _next_number(unit=unit, fiscal_year=fiscal_year, trial=trial,
                                       kind=ReceiptCounter.Kind.PAYIN_SLIP)
            slip.reference1 = _reference1(unit, fiscal_year, slip.number)
            BILL_REFERENCE(slip.reference1)
            # Raises ValueError if the data would not fit the banks' format: a programming error, not user input.
            bill_payment_data(tax_id=office.biller_tax_id, suffix=office.biller_suffix, reference1=slip.reference1,
                              reference2=slip.reference2, amount=amount)
            slip.full_clean(validate_constraints=False)
            slip.save(force_insert=True)
            event_record(
                action="receipts.payin_slip.created", actor=issuer, target=slip, unit=unit, ip_address=ip_address,
                data={"reference1": slip.reference1, "reference2": slip.reference2, "amount": amount, "trial": trial},
            )
    except ReceiptRefused as refusal:
        _record_refusal(user=issuer, unit=unit, action="payin_slip", category=Category.FEE, refusal=refusal,
                        ip_address=ip_address)
        raise
    return slip


def _slip_ready_to_pay(slip: PayInSlip, *, unit: Unit, trial: bool, total: Decimal) -> PayInSlip:
    """Lock the slip and check that this receipt may settle it."""
    slip = PayInSlip.objects.select_for_update().get(pk=slip.pk)
    if slip.unit_id != unit.pk:
        raise ValidationError(gettext(SLIP_OTHER_UNIT))
    if slip.trial and not trial:
        raise ValidationError(gettext(SLIP_TRIAL_MISMATCH))
    if trial and not slip.trial:
        raise ValidationError(gettext(SLIP_REAL_IN_TRIAL))
    paid = Receipt.objects.filter(payin_slip=slip, voided_at__isnull=True).select_related("unit").first()
    if paid is not None:
        raise ValidationError(gettext(SLIP_ALREADY_PAID).format(number=paid.number_display))
    if slip.amount != total:
        raise ValidationError(gettext(SLIP_AMOUNT_MISMATCH))
    return slip


def receipt_issue_from_slip(
    *, slip: PayInSlip, issuer: User, payment_method: str = PaymentMethod.TRANSFER, payment_reference: str = "",
    ip_address: str | None = None,
) -> Receipt:
    """Once the bank confirms the payment, issue the fee receipt for a pay-in slip."""
    return receipt_issue(
        issuer=issuer, unit=slip.unit, category=Category.FEE, fee_type=slip.fee_type, payer_name=slip.payer_name,
        payer_national_id=slip.payer_national_id, payer_address=slip.payer_address,
        items=[ItemInput(description=slip.description, quantity=Decimal("1"), unit_price=slip.amount)],
        payment_method=payment_method, payment_reference=payment_reference or slip.reference1, payin_slip=slip,
        ip_address=ip_address,
    )


# ---------------------------------------------------------------------------------------------------------------
# Office settings and the trial period


@transaction.atomic
def receipt_office_update(
    *, unit: Unit, actor: User | None, trial_mode: bool | None = None, biller_tax_id: str | None = None,
    biller_suffix: str | None = None, biller_name: str | None = None, ip_address: str | None = None,
) -> ReceiptOffice:
    """Switch a unit's trial mode or set its biller ID, and log the change (None leaves a field as it is)."""
    office, _ = ReceiptOffice.objects.select_for_update().get_or_create(unit=unit)
    before = {"trial_mode": office.trial_mode, "biller_tax_id": office.biller_tax_id,
              "biller_suffix": office.biller_suffix, "biller_name": office.biller_name}
    changes = {"trial_mode": trial_mode, "biller_tax_id": biller_tax_id, "biller_suffix": biller_suffix,
               "biller_name": biller_name}
    for name, value in changes.items():
        if value is not None:
            setattr(office, name, value)
    office.full_clean()
    after = {name: getattr(office, name) for name in before}
    if after != before:
        office.save()
        event_record(action="receipts.office.updated", actor=actor, target=office, unit=unit, ip_address=ip_address,
                     data={"before": before, "after": after})
    return office


@dataclass
class PurgeSummary:
    receipts: Counter = field(default_factory=Counter)  # unit code -> receipts removed
    slips: Counter = field(default_factory=Counter)
    items: int = 0
    went_live: list[str] = field(default_factory=list)

    @property
    def total_receipts(self) -> int:
        return sum(self.receipts.values())

    @property
    def total_slips(self) -> int:
        return sum(self.slips.values())


def trial_receipts_purge(
    *, unit: Unit | None = None, actor: User | None = None, dry_run: bool = False, go_live: bool = False,
) -> PurgeSummary:
    """Remove the trial period's receipts, their items, pay-in slips and counters (of `unit` and below, or all).

    The e-Bill circular deletes the trial data before go-live. Real receipts are never touched: every delete here
    filters on trial=True. With go_live, the units also leave trial mode. Each unit's purge is logged.
    """
    summary = PurgeSummary()
    with transaction.atomic():
        receipts = Receipt.objects.filter(trial=True)
        slips = PayInSlip.objects.filter(trial=True)
        counters = ReceiptCounter.objects.filter(trial=True)
        offices = ReceiptOffice.objects.filter(trial_mode=True)
        if unit is not None:
            receipts = receipts.filter(unit__path__startswith=unit.path)
            slips = slips.filter(unit__path__startswith=unit.path)
            counters = counters.filter(unit__path__startswith=unit.path)
            offices = offices.filter(unit__path__startswith=unit.path)
        summary.receipts.update(dict(_count_by_unit(receipts)))
        summary.slips.update(dict(_count_by_unit(slips)))
        summary.items = ReceiptItem.objects.filter(receipt__in=receipts).count()
        if go_live:
            summary.went_live = sorted(offices.values_list("unit__code", flat=True))
        if dry_run:
            return summary
        units = {u.code: u for u in Unit.objects.filter(code__in={*summary.receipts, *summary.slips, *summary.went_live})}
        receipts._purge()
        slips._purge()
        counters.delete()
        if go_live:
            for office in offices.select_related("unit"):
                receipt_office_update(unit=office.unit, actor=actor, trial_mode=False)
        for code in sorted(units):
            event_record(
                action="receipts.trial.purged", actor=actor, target=units[code], unit=units[code],
                data={"receipts": summary.receipts.get(code, 0), "payin_slips": summary.slips.get(code, 0),
                      "went_live": code in summary.went_live},
            )
    return summary


def _count_by_unit(qs) -> list[tuple[str, int]]:
    from django.db.models import Count

    return list(qs.order_by().values("unit__code").annotate(n=Count("pk")).values_list("unit__code", "n"))
