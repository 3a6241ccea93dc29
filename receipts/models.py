"""Receipts (ใบเสร็จรับเงิน), their gap-free counters, fee types and pay-in slips (ใบแจ้งการชำระเงิน).

An issued receipt is a financial record: nothing in it changes after issue except that it may be voided once, and
no receipt is ever deleted. The only exception is the e-Bill circular's trial period, whose receipts are removed
before go-live by `purge_trial_receipts` (see receipts.services.trial_receipts_purge).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.national_id import validate_national_id
from core.thai import BE_OFFSET

RECEIPT_IMMUTABLE = "ใบเสร็จรับเงินที่ออกแล้วแก้ไขไม่ได้ (ยกเลิกได้อย่างเดียว ผ่านการยกเลิกใบเสร็จ)"
RECEIPT_NOT_DELETABLE = "ใบเสร็จรับเงินลบไม่ได้ ใช้การยกเลิกแทน"
SLIP_IMMUTABLE = "ใบแจ้งการชำระเงินที่ออกแล้วแก้ไขหรือลบไม่ได้"

# Cross-bank bill payment references: upper-case letters and digits only, at most 18 characters (see payin.py).
BILL_REFERENCE = RegexValidator(r"^[0-9A-Z]{1,18}$", _("ใช้ตัวเลขหรืออักษรอังกฤษตัวใหญ่ ไม่เกิน 18 ตัว"))


class ReceiptImmutable(Exception):
    """Raised on any attempt to change or delete an issued receipt, item or pay-in slip outside the services."""


def fiscal_year_be(day: datetime.date) -> int:
    """The Thai government's fiscal year (1 October - 30 September) containing `day`, in the Buddhist Era.

    1 October 2026 opens fiscal year 2570; 30 September 2026 still belongs to 2569.
    """
    return day.year + BE_OFFSET + (1 if day.month >= 10 else 0)


class Category(models.TextChoices):
    AUCTION = "AUCTION", _("งานขายทอดตลาด")
    SCRAP = "SCRAP", _("ค่าของเก่า")
    FEE = "FEE", _("ค่าธรรมเนียม")


# The role each category needs (fixtures/reference.json); the circular's rank rule hangs on the first two.
CATEGORY_ROLE = {
    Category.AUCTION: "ISV_AUCTION_RECEIPT",
    Category.SCRAP: "ISV_SCRAP_RECEIPT",
    Category.FEE: "ISV_FEE_RECEIPT",
}


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("เงินสด")
    TRANSFER = "transfer", _("โอนเงิน")
    CHEQUE = "cheque", _("เช็ค")


class FeeType(models.Model):
    """A kind of fee an office collects. Reference data, loaded from fixtures/fee_types.json."""

    code = models.CharField(_("รหัส"), max_length=18, unique=True, validators=[BILL_REFERENCE])
    name_th = models.CharField(_("ชื่อภาษาไทย"), max_length=200)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=200)
    default_amount = models.DecimalField(
        _("อัตราปกติ (บาท)"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    is_active = models.BooleanField(_("ใช้งานอยู่"), default=True)

    class Meta:
        verbose_name = _("ประเภทค่าธรรมเนียม")
        verbose_name_plural = _("ประเภทค่าธรรมเนียม")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_th}"


class ReceiptOffice(models.Model):
    """What an issuing unit's receipts need beyond the unit tree: its trial mode and its bill-payment biller ID.

    A unit without a row is not in trial mode. The biller ID (payee tax ID and suffix) is looked up on the unit,
    then on its ancestors, so the department can hold one for every office.
    """

    unit = models.OneToOneField(
        "accounts.Unit", verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="receipt_office"
    )
    trial_mode = models.BooleanField(
        _("อยู่ในช่วงทดลองใช้งาน"), default=False,
        help_text=_("ใบเสร็จที่ออกในช่วงทดลองมีเลขที่แยกต่างหาก มีคำว่า ทดลอง และจะถูกลบก่อนใช้งานจริง"),
    )
    biller_tax_id = models.CharField(
        _("เลขประจำตัวผู้เสียภาษีของผู้รับชำระ"), max_length=13, blank=True,
        validators=[RegexValidator(r"^\d{13}$", _("ต้องเป็นตัวเลข 13 หลัก"))],
    )
    biller_suffix = models.CharField(
        _("รหัสต่อท้าย (Suffix)"), max_length=2, blank=True, validators=[RegexValidator(r"^\d{2}$", _("ต้องเป็นตัวเลข 2 หลัก"))]
    )
    biller_name = models.CharField(_("ชื่อบัญชีผู้รับชำระ"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("การตั้งค่าหน่วยงานออกใบเสร็จ")
        verbose_name_plural = _("การตั้งค่าหน่วยงานออกใบเสร็จ")

    def __str__(self) -> str:
        return str(self.unit)


class ReceiptCounter(models.Model):
    """The last number used in one series; locked with select_for_update while the next number is taken.

    A rollback of the issuing transaction undoes the increment too, so numbers have no gap (unlike a sequence).
    """

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("ใบเสร็จรับเงิน")
        PAYIN_SLIP = "payin_slip", _("ใบแจ้งการชำระเงิน")

    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    trial = models.BooleanField(_("ทดลอง"), default=False)
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.RECEIPT)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ตัวนับเลขที่")
        verbose_name_plural = _("ตัวนับเลขที่")
        constraints = [
            models.UniqueConstraint(fields=["unit", "fiscal_year", "trial", "kind"], name="receipt_counter_unique_series")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.fiscal_year}/{self.kind}{' trial' if self.trial else ''}: {self.last_number}"


class ImmutableQuerySet(models.QuerySet):
    """Bulk writes would bypass the model's guards, so they are refused outright."""

    def update(self, **kwargs):
        raise ReceiptImmutable(RECEIPT_IMMUTABLE)

    def delete(self):
        raise ReceiptImmutable(RECEIPT_NOT_DELETABLE)

    def _purge(self):
        """Delete for real: used only by the trial purge service, on rows it has checked are trial ones."""
        return models.QuerySet.delete(self)


class PayInSlip(models.Model):
    """A pay-in slip (ใบแจ้งการชำระเงิน) for a fee, paid at a bank with its barcode or QR code."""

    unit = models.ForeignKey("accounts.Unit", verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="payin_slips")
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    trial = models.BooleanField(_("ทดลอง"), default=False)
    number = models.PositiveIntegerField(_("ลำดับ"))
    reference1 = models.CharField(_("เลขอ้างอิง 1 (Ref.1)"), max_length=18, validators=[BILL_REFERENCE])
    reference2 = models.CharField(_("เลขอ้างอิง 2 (Ref.2)"), max_length=18, validators=[BILL_REFERENCE])
    biller_id = models.CharField(_("รหัสผู้รับชำระ (Tax ID + Suffix)"), max_length=15)
    fee_type = models.ForeignKey(FeeType, verbose_name=_("ประเภทค่าธรรมเนียม"), on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("รายการ"), max_length=255)
    amount = models.DecimalField(
        _("จำนวนเงิน (บาท)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    payer_name = models.CharField(_("ชื่อผู้ชำระเงิน"), max_length=200)
    payer_national_id = models.CharField(
        _("เลขประจำตัวประชาชนผู้ชำระเงิน"), max_length=13, blank=True, validators=[validate_national_id]
    )
    payer_address = models.CharField(_("ที่อยู่ผู้ชำระเงิน"), max_length=500, blank=True)
    due_date = models.DateField(_("ชำระภายในวันที่"))
    created_at = models.DateTimeField(_("ออกเมื่อ"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้ออก"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("ใบแจ้งการชำระเงิน")
        verbose_name_plural = _("ใบแจ้งการชำระเงิน")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "fiscal_year", "trial", "number"], name="payin_slip_unique_number"),
            models.UniqueConstraint(fields=["biller_id", "reference1"], name="payin_slip_unique_reference"),
        ]

    def __str__(self) -> str:
        return f"ใบแจ้งการชำระเงิน {self.reference1}{' (ทดลอง)' if self.trial else ''}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ReceiptImmutable(SLIP_IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ReceiptImmutable(SLIP_IMMUTABLE)


class Receipt(models.Model):
    """A numbered receipt. Issued by receipts.services.receipt_issue, voided by receipt_void, never edited."""

    VOID_FIELDS = frozenset({"voided_at", "voided_by", "void_reason"})

    unit = models.ForeignKey("accounts.Unit", verbose_name=_("หน่วยงาน"), on_delete=models.PROTECT, related_name="receipts")
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    trial = models.BooleanField(_("ทดลอง"), default=False)
    number = models.PositiveIntegerField(_("เลขที่"))
    category = models.CharField(_("ประเภท"), max_length=8, choices=Category)
    fee_type = models.ForeignKey(
        FeeType, verbose_name=_("ประเภทค่าธรรมเนียม"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payer_name = models.CharField(_("ชื่อผู้ชำระเงิน"), max_length=200)
    payer_national_id = models.CharField(
        _("เลขประจำตัวประชาชนผู้ชำระเงิน"), max_length=13, blank=True, validators=[validate_national_id]
    )
    payer_address = models.CharField(_("ที่อยู่ผู้ชำระเงิน"), max_length=500, blank=True)
    payment_method = models.CharField(_("วิธีชำระเงิน"), max_length=16, choices=PaymentMethod)
    payment_reference = models.CharField(
        _("เลขที่เช็ค / เลขอ้างอิงการโอน"), max_length=100, blank=True
    )
    total = models.DecimalField(
        _("จำนวนเงินรวม (บาท)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    issued_on = models.DateField(_("วันที่ออก"), db_index=True)
    issued_at = models.DateTimeField(_("เวลาที่ออก"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้ออก"), on_delete=models.PROTECT, related_name="issued_receipts"
    )
    # As printed: the issuer's name and position from the HR record, and the office's name, on the day of issue.
    issuer_name = models.CharField(_("ชื่อผู้ออก"), max_length=200)
    issuer_position = models.CharField(_("ตำแหน่งผู้ออก"), max_length=200)
    office_name = models.CharField(_("ชื่อหน่วยงาน"), max_length=255)
    payin_slip = models.ForeignKey(
        PayInSlip, verbose_name=_("ใบแจ้งการชำระเงิน"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="receipts",
    )
    voided_at = models.DateTimeField(_("ยกเลิกเมื่อ"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ผู้ยกเลิก"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="voided_receipts",
    )
    void_reason = models.CharField(_("เหตุผลที่ยกเลิก"), max_length=255, blank=True)
    # The client's key for one issue (the API's Idempotency-Key header, the web form's token): a retry after a lost
    # answer gets the receipt already issued instead of a second one.
    idempotency_key = models.CharField(_("รหัสกันออกซ้ำ"), max_length=64, blank=True, editable=False)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("ใบเสร็จรับเงิน")
        verbose_name_plural = _("ใบเสร็จรับเงิน")
        ordering = ["-issued_at", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "fiscal_year", "trial", "number"], name="receipt_unique_number"),
            # A slip is paid once: a second live receipt for it is refused (a voided one frees it again).
            models.UniqueConstraint(
                fields=["payin_slip"], condition=Q(voided_at__isnull=True, payin_slip__isnull=False),
                name="receipt_one_live_per_slip",
            ),
            models.CheckConstraint(
                condition=Q(category="FEE", fee_type__isnull=False) | (~Q(category="FEE") & Q(fee_type__isnull=True)),
                name="receipt_fee_type_only_for_fees",
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""), name="receipt_void_has_reason"
            ),
            models.UniqueConstraint(
                fields=["issued_by", "idempotency_key"], condition=~Q(idempotency_key=""),
                name="receipt_one_per_idempotency_key",
            ),
        ]
        indexes = [models.Index(fields=["unit", "issued_on"])]

    def __str__(self) -> str:
        return f"ใบเสร็จรับเงินเลขที่ {self.number_display}{' (ทดลอง)' if self.trial else ''}"

    def save(self, *args, **kwargs):
        if self._state.adding:
            super().save(*args, **kwargs)
            return
        # Only receipt_void may touch an issued receipt, and only to void it once.
        update_fields = kwargs.get("update_fields")
        stored_voided = type(self)._base_manager.filter(pk=self.pk).values_list("voided_at", flat=True).first()
        if (
            not getattr(self, "_void_checked", False)
            or update_fields is None
            or not set(update_fields) <= self.VOID_FIELDS
            or stored_voided is not None
            or self.voided_at is None
        ):
            raise ReceiptImmutable(RECEIPT_IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ReceiptImmutable(RECEIPT_NOT_DELETABLE)

    @property
    def number_display(self) -> str:
        """4701/2570/000123: unit code, fiscal year (BE) and the number within them."""
        return f"{self.unit.code}/{self.fiscal_year}/{self.number:06d}"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class ReceiptItem(models.Model):
    # CASCADE is reached only by the trial purge: Receipt.delete() and the querysets refuse every other deletion.
    receipt = models.ForeignKey(Receipt, verbose_name=_("ใบเสร็จ"), on_delete=models.CASCADE, related_name="items")
    line_no = models.PositiveSmallIntegerField(_("ลำดับ"))
    description = models.CharField(_("รายการ"), max_length=255)
    quantity = models.DecimalField(
        _("จำนวน"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    unit_price = models.DecimalField(
        _("ราคาต่อหน่วย (บาท)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    amount = models.DecimalField(_("จำนวนเงิน (บาท)"), max_digits=14, decimal_places=2)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("รายการในใบเสร็จ")
        verbose_name_plural = _("รายการในใบเสร็จ")
        ordering = ["receipt", "line_no"]
        constraints = [models.UniqueConstraint(fields=["receipt", "line_no"], name="receipt_item_unique_line")]

    def __str__(self) -> str:
        return self.description

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ReceiptImmutable(RECEIPT_IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ReceiptImmutable(RECEIPT_NOT_DELETABLE)
