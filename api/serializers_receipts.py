"""Receipts through the API: the same fields as the issue form; the receipt services decide the rights."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from rest_framework import serializers

from api.serializers import ThaiDateField, UnitRefSerializer
from core.national_id import parse_national_id
from core.thai import baht_in_words
from receipts.models import Category, FeeType, PaymentMethod, Receipt

# "4701-2570-000123" (a real receipt) or "4701-2570-T000123" (the trial series): unit code (it may hold "-", as in
# DOPA-LEGAL), fiscal year (BE) and number. The printed form "4701/2570/000123" has slashes, which a path cannot hold.
RECEIPT_NUMBER = re.compile(r"^(?P<unit>[0-9A-Za-z][0-9A-Za-z-]*)-(?P<year>\d{4})-(?P<trial>T?)(?P<number>\d{1,9})$")
RECEIPT_NUMBER_PATTERN = r"[0-9A-Za-z][0-9A-Za-z-]*-\d{4}-T?\d{1,9}"


@dataclass(frozen=True)
class ReceiptNumber:
    unit_code: str
    fiscal_year: int
    trial: bool
    number: int

    @classmethod
    def parse(cls, text: str) -> ReceiptNumber | None:
        match = RECEIPT_NUMBER.match(text or "")
        if not match:
            return None
        return cls(match["unit"], int(match["year"]), bool(match["trial"]), int(match["number"]))

    @staticmethod
    def of(receipt: Receipt) -> str:
        return f"{receipt.unit.code}-{receipt.fiscal_year}-{'T' if receipt.trial else ''}{receipt.number:06d}"


class ReceiptItemSerializer(serializers.Serializer):
    line_no = serializers.IntegerField(read_only=True)
    description = serializers.CharField(read_only=True)
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)


class ReceiptSerializer(serializers.Serializer):
    number = serializers.SerializerMethodField(help_text="เลขที่สำหรับ API เช่น 4701-2570-000123 (ชุดทดลองมี T นำหน้าเลข)")
    number_display = serializers.CharField(read_only=True, help_text="เลขที่ตามที่พิมพ์ในใบเสร็จ เช่น 4701/2570/000123")
    unit = UnitRefSerializer(read_only=True)
    fiscal_year = serializers.IntegerField(read_only=True, help_text="ปีงบประมาณ (พ.ศ.)")
    trial = serializers.BooleanField(read_only=True, help_text="ใบเสร็จช่วงทดลอง (จะถูกลบก่อนใช้งานจริง)")
    category = serializers.ChoiceField(choices=Category.choices, read_only=True)
    fee_type = serializers.CharField(source="fee_type.code", allow_null=True, read_only=True)
    payer_name = serializers.CharField(read_only=True)
    payer_national_id = serializers.CharField(read_only=True)
    payer_address = serializers.CharField(read_only=True)
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices, read_only=True)
    payment_reference = serializers.CharField(read_only=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    total_in_words = serializers.SerializerMethodField()
    issued_on = serializers.DateField(read_only=True)
    issued_at = serializers.DateTimeField(read_only=True)
    issuer_name = serializers.CharField(read_only=True)
    issuer_position = serializers.CharField(read_only=True)
    office_name = serializers.CharField(read_only=True)
    voided = serializers.BooleanField(source="is_voided", read_only=True)
    voided_at = serializers.DateTimeField(allow_null=True, read_only=True)
    void_reason = serializers.CharField(read_only=True)
    items = ReceiptItemSerializer(many=True, read_only=True)

    def get_number(self, receipt: Receipt) -> str:
        return ReceiptNumber.of(receipt)

    def get_total_in_words(self, receipt: Receipt) -> str:
        return baht_in_words(receipt.total)


class ReceiptItemInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=255)
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))


class ReceiptIssueSerializer(serializers.Serializer):
    """The issue form's fields. `unit` must be a unit where the caller holds a receipt role (as on the form)."""

    unit = serializers.CharField(max_length=32, help_text="รหัสหน่วยงานที่ออกใบเสร็จ")
    category = serializers.ChoiceField(choices=Category.choices)
    fee_type = serializers.CharField(
        max_length=18, required=False, allow_null=True, allow_blank=True, help_text="รหัสประเภทค่าธรรมเนียม (เฉพาะ FEE)"
    )
    payer_name = serializers.CharField(max_length=200)
    payer_national_id = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    payer_address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    payment_reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    items = ReceiptItemInputSerializer(
        many=True,
        allow_empty=False,
        max_length=20,
        error_messages={
            "empty": "กรุณาระบุรายการอย่างน้อย 1 รายการ",
            "max_length": "ใบเสร็จหนึ่งใบมีได้ไม่เกิน 20 รายการ",
            "not_a_list": "ต้องเป็นรายการ (array) ของรายการรับเงิน",
        },
    )

    def validate_unit(self, code: str):
        units = {item.unit.code: item.unit for item in self.context["roles"]}
        if code not in units:
            # The same answer whether the unit exists or not: outsiders learn nothing.
            raise serializers.ValidationError("ไม่พบหน่วยงานนี้ หรือท่านไม่ได้ถือบทบาทออกใบเสร็จ ณ หน่วยงานนี้")
        return units[code]

    def validate_fee_type(self, code: str | None) -> FeeType | None:
        if not code:
            return None
        fee_type = FeeType.objects.filter(code=code).first()
        if fee_type is None:
            raise serializers.ValidationError(f"ไม่พบประเภทค่าธรรมเนียมรหัส {code}")
        return fee_type

    def validate_payer_national_id(self, value: str) -> str:
        if not value.strip():
            return ""
        return parse_national_id(value)  # its ValidationError keeps its code (invalid_national_id) in the errors


class ReceiptVoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, help_text="เหตุผลที่ยกเลิก")


class ReceiptQuerySerializer(serializers.Serializer):
    unit = serializers.CharField(
        required=False, allow_blank=True, max_length=32, help_text="รหัสหน่วยงาน (รวมหน่วยงานในสังกัด)"
    )
    date_from = ThaiDateField(required=False, help_text="ออกตั้งแต่วันที่ (ปปปป-ดด-วว)")
    date_to = ThaiDateField(required=False, help_text="ออกถึงวันที่ (ปปปป-ดด-วว)")
    category = serializers.ChoiceField(choices=Category.choices, required=False, allow_blank=True)
