"""Forms: validate input and offer only choices in the user's reach. The services decide the rights."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from core.forms import ThaiDateField, searchable
from core.national_id import parse_national_id
from receipts.models import CATEGORY_ROLE, Category, FeeType, PaymentMethod
from rights.scope import RoleAtUnit

ROLE_CATEGORY = {role: category for category, role in CATEGORY_ROLE.items()}


def _national_id_or_blank(value: str) -> str:
    return parse_national_id(value) if value and value.strip() else ""


def _unit_choices(roles: list[RoleAtUnit]) -> list[Unit]:
    units = {item.unit.pk: item.unit for item in roles}
    return sorted(units.values(), key=lambda unit: unit.code)


class ReceiptForm(forms.Form):
    # One token per form shown: pressing "issue" twice, or again after a timeout, issues one receipt.
    submission_token = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False,
                                       initial=lambda: uuid.uuid4().hex)
    unit = forms.ModelChoiceField(label=_("หน่วยงานที่ออกใบเสร็จ"), queryset=Unit.objects.none(), empty_label=None)
    category = forms.ChoiceField(label=_("ประเภทใบเสร็จ"), choices=())
    fee_type = forms.ModelChoiceField(
        label=_("ประเภทค่าธรรมเนียม"), queryset=FeeType.objects.filter(is_active=True), required=False,
        help_text=_("ต้องระบุเมื่อเป็นใบเสร็จค่าธรรมเนียม"),
    )
    payer_name = forms.CharField(label=_("ชื่อผู้ชำระเงิน"), max_length=200)
    payer_national_id = forms.CharField(label=_("เลขประจำตัวประชาชนผู้ชำระเงิน (ถ้ามี)"), max_length=20, required=False)
    payer_address = forms.CharField(label=_("ที่อยู่ผู้ชำระเงิน (ถ้ามี)"), max_length=500, required=False)
    payment_method = forms.ChoiceField(label=_("วิธีชำระเงิน"), choices=PaymentMethod.choices, initial=PaymentMethod.CASH)
    payment_reference = forms.CharField(
        label=_("เลขที่เช็ค / เลขอ้างอิงการโอน"), max_length=100, required=False,
        help_text=_("ต้องระบุเมื่อชำระด้วยเช็ค"),
    )

    def __init__(self, *args, roles: list[RoleAtUnit], **kwargs):
        super().__init__(*args, **kwargs)
        units = _unit_choices(roles)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[unit.pk for unit in units]).order_by("code")
        held_categories = {ROLE_CATEGORY[item.role.code] for item in roles}
        self.fields["category"].choices = [(c.value, c.label) for c in Category if c in held_categories]
        # Offered: the categories the account may issue today. One it holds but may not use (a K2 ปลัดอำเภอ's auction
        # role under the rank rule) is not shown, and the page says why; posted anyway, it stays a valid choice so
        # the service refuses it, says why and logs the attempt.
        self.offered_categories = {ROLE_CATEGORY[item.role.code] for item in roles if item.effective}
        self.fields["category"].widget.choices = [(c.value, c.label) for c in Category if c in self.offered_categories]
        if held_categories - self.offered_categories:
            self.fields["category"].help_text = _("แสดงเฉพาะประเภทที่ท่านออกได้วันนี้ ประเภทอื่นดูเหตุผลได้ที่ “สิทธิ์ของท่านวันนี้”")

    def clean_payer_national_id(self):
        return _national_id_or_blank(self.cleaned_data["payer_national_id"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("category") == Category.FEE and not cleaned.get("fee_type"):
            self.add_error("fee_type", _("ใบเสร็จค่าธรรมเนียมต้องระบุประเภทค่าธรรมเนียม"))
        if cleaned.get("category") in (Category.AUCTION, Category.SCRAP) and cleaned.get("fee_type"):
            self.add_error("fee_type", _("ระบุประเภทค่าธรรมเนียมได้เฉพาะใบเสร็จค่าธรรมเนียม"))
        if cleaned.get("payment_method") == PaymentMethod.CHEQUE and not cleaned.get("payment_reference", "").strip():
            self.add_error("payment_reference", _("การชำระด้วยเช็คต้องระบุเลขที่เช็ค"))
        return cleaned


class ReceiptItemForm(forms.Form):
    description = forms.CharField(label=_("รายการ"), max_length=255)
    quantity = forms.DecimalField(label=_("จำนวน"), min_value=Decimal("0.01"), max_digits=10, decimal_places=2,
                                  initial=Decimal("1"))
    unit_price = forms.DecimalField(label=_("ราคาต่อหน่วย (บาท)"), min_value=Decimal("0.01"), max_digits=14,
                                    decimal_places=2)


class BaseReceiptItemFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if not any(form.cleaned_data for form in self.forms if form.is_valid()):
            raise ValidationError(_("กรุณาระบุรายการอย่างน้อย 1 รายการ"))


ReceiptItemFormSet = forms.formset_factory(
    ReceiptItemForm, formset=BaseReceiptItemFormSet, extra=5, max_num=20, validate_max=True
)


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("เหตุผลที่ยกเลิก"), max_length=255)


class ReceiptFilterForm(forms.Form):
    q = forms.CharField(label=_("ค้นหา (เลขที่ ชื่อ หรือเลขประจำตัวประชาชนผู้ชำระเงิน)"), required=False, max_length=100)
    unit = forms.ModelChoiceField(label=_("หน่วยงาน"), queryset=Unit.objects.none(), required=False,
                                  empty_label=_("ทุกหน่วยงานในความรับผิดชอบ"), to_field_name="code")
    date_from = ThaiDateField(label=_("ตั้งแต่วันที่"), required=False)
    date_to = ThaiDateField(label=_("ถึงวันที่"), required=False)
    category = forms.ChoiceField(label=_("ประเภท"), required=False, choices=[("", _("ทุกประเภท")), *Category.choices])
    issuer = forms.TypedChoiceField(label=_("ผู้ออก"), required=False, coerce=int, empty_value=None)
    voided = forms.ChoiceField(
        label=_("สถานะ"), required=False,
        choices=[("", _("ทั้งหมด")), ("no", _("ใช้ได้")), ("yes", _("ยกเลิกแล้ว"))],
    )
    trial = forms.ChoiceField(
        label=_("ใบเสร็จทดลอง"), required=False,
        choices=[("", _("ทั้งหมด")), ("no", _("ใบเสร็จจริง")), ("yes", _("ทดลอง"))],
    )

    def __init__(self, *args, units, issuers: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        searchable(self.fields["unit"])  # a province reviewer's or the centre's: hundreds of units
        self.fields["issuer"].choices = [("", _("ทุกคน")), *issuers]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", _("วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น"))
        return cleaned

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data
        yes_no = {"yes": True, "no": False}
        return {
            "search": data.get("q") or "",
            "unit": data.get("unit"),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "category": data.get("category") or None,
            "issuer_id": data.get("issuer"),
            "voided": yes_no.get(data.get("voided") or ""),
            "trial": yes_no.get(data.get("trial") or ""),
        }


class DailySummaryForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("หน่วยงาน"), queryset=Unit.objects.none(), to_field_name="code", required=False, empty_label=None,
        error_messages={"invalid_choice": _("ไม่มีหน่วยงานรหัส %(value)s ในหน่วยงานที่ท่านดูรายงานได้ กรุณาเลือกจากรายการ")},
    )
    day = ThaiDateField(label=_("วันที่"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        searchable(self.fields["unit"])


class PayInSlipForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("หน่วยงาน"), queryset=Unit.objects.none(), empty_label=None)
    fee_type = forms.ModelChoiceField(label=_("ประเภทค่าธรรมเนียม"), queryset=FeeType.objects.filter(is_active=True))
    description = forms.CharField(label=_("รายการ (ถ้าไม่ระบุใช้ชื่อประเภทค่าธรรมเนียม)"), max_length=255, required=False)
    amount = forms.DecimalField(label=_("จำนวนเงิน (บาท)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2)
    payer_name = forms.CharField(label=_("ชื่อผู้ชำระเงิน"), max_length=200)
    payer_national_id = forms.CharField(label=_("เลขประจำตัวประชาชนผู้ชำระเงิน (ถ้ามี)"), max_length=20, required=False)
    payer_address = forms.CharField(label=_("ที่อยู่ผู้ชำระเงิน (ถ้ามี)"), max_length=500, required=False)
    due_date = ThaiDateField(label=_("ชำระภายในวันที่"), required=False)

    def __init__(self, *args, roles: list[RoleAtUnit], **kwargs):
        super().__init__(*args, **kwargs)
        fee_units = _unit_choices([item for item in roles if item.role.code == CATEGORY_ROLE[Category.FEE]])
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[unit.pk for unit in fee_units]).order_by("code")

    def clean_payer_national_id(self):
        return _national_id_or_blank(self.cleaned_data["payer_national_id"])


class PayInSlipPayForm(forms.Form):
    payment_reference = forms.CharField(
        label=_("เลขอ้างอิงการชำระเงินจากธนาคาร"), max_length=100, required=False,
        help_text=_("ถ้าไม่ระบุ ใช้เลขอ้างอิง 1 ของใบแจ้ง"),
    )
