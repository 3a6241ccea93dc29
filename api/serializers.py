"""What the API reads and writes. Serializers validate input and shape output; the rules stay in the services."""

from __future__ import annotations

import datetime

from rest_framework import serializers
from rest_framework.utils import html

from core.thai import DateUnreadable, parse_iso_date

EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2199, 12, 31)


class ThaiDateField(serializers.DateField):
    """YYYY-MM-DD in the Common Era; a year of 2400 or more is read as Buddhist Era, as in the interchange files."""

    default_error_messages = {
        "invalid": "ต้องเป็นวันที่ในรูปแบบ ปปปป-ดด-วว",
        "range": "วันที่ต้องอยู่ระหว่าง 1900-01-01 ถึง 2199-12-31",
    }

    def get_value(self, dictionary):
        # DRF reads an empty query parameter as "not given"; an empty date is no date, so refuse it.
        if html.is_html_input(dictionary) and dictionary.get(self.field_name, None) == "":
            return ""
        return super().get_value(dictionary)

    def to_internal_value(self, value):
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            parsed = value
        else:
            try:
                parsed = parse_iso_date(str(value))
            except DateUnreadable as exc:
                raise serializers.ValidationError(str(exc), code=exc.code) from None
        if not EARLIEST_DATE <= parsed <= LATEST_DATE:
            self.fail("range")
        return parsed


# ---------------------------------------------------------------------------------------------------------------
# GET /me/


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)
    kind = serializers.CharField(read_only=True)


class LevelRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(source="name_th", read_only=True)


class RegistrationSerializer(serializers.Serializer):
    """ข้อมูลที่ผู้ใช้งานลงทะเบียนไว้เอง (สิทธิ์คิดจากทะเบียนบุคคลและคำสั่ง ไม่ใช่จากข้อมูลนี้)"""

    position = serializers.CharField(source="registered_position.name_th", allow_null=True, read_only=True)
    level = LevelRefSerializer(source="registered_level", allow_null=True, read_only=True)
    unit = UnitRefSerializer(source="registered_unit", allow_null=True, read_only=True)


class OfficialSerializer(serializers.Serializer):
    full_name = serializers.CharField(read_only=True)
    position = serializers.CharField(source="position.name_th", read_only=True)
    level = LevelRefSerializer(read_only=True)
    unit = UnitRefSerializer(read_only=True)
    status = serializers.CharField(read_only=True)
    retirement_date = serializers.DateField(allow_null=True, read_only=True)


class RightSerializer(serializers.Serializer):
    role = serializers.CharField(source="role.code", read_only=True)
    role_name = serializers.CharField(source="role.name_th", read_only=True)
    unit = UnitRefSerializer(read_only=True)
    held = serializers.BooleanField(read_only=True, help_text="ถือสิทธิ์อยู่ในระบบ")
    granted = serializers.BooleanField(read_only=True, help_text="มีคำสั่งมอบหมายที่มีผล และผ่านเงื่อนไขสิทธิ์")
    effective = serializers.BooleanField(read_only=True, help_text="ใช้สิทธิ์ได้จริง (ถือ และได้รับมอบหมาย)")
    order_number = serializers.CharField(source="grant.order.number", allow_null=True, read_only=True)
    refusal = serializers.CharField(allow_null=True, read_only=True, help_text="เหตุที่ไม่ผ่านเงื่อนไขสิทธิ์")


class MeSerializer(serializers.Serializer):
    username = serializers.CharField(source="account.username", read_only=True)
    national_id = serializers.CharField(source="account.national_id", read_only=True)
    full_name = serializers.CharField(read_only=True)
    unit = UnitRefSerializer(source="account.registered_unit", allow_null=True, read_only=True)
    registration = RegistrationSerializer(source="account", read_only=True)
    official = OfficialSerializer(source="account.official", allow_null=True, read_only=True)
    rights = RightSerializer(source="rights.items", many=True, read_only=True)
    menus = serializers.ListField(child=serializers.CharField(), read_only=True)
    as_of = serializers.DateField(source="rights.on", read_only=True)


# ---------------------------------------------------------------------------------------------------------------
# GET /audit/


class AuditQuerySerializer(serializers.Serializer):
    unit = serializers.CharField(
        required=False,
        allow_blank=True,  # an empty filter means no filter, as a form sends it
        max_length=32,
        help_text="รหัสหน่วยงาน (47 จังหวัด, 4701 อำเภอ); ไม่ระบุ = ทุกหน่วยงานในขอบเขตของผู้เรียก",
    )
    as_of = ThaiDateField(required=False, help_text="ตรวจสอบ ณ วันที่ (ปปปป-ดด-วว); ไม่ระบุ = วันนี้")


class AuditRowSerializer(serializers.Serializer):
    """หนึ่งแถวของรายงานผลการตรวจสอบ (คอลัมน์เดียวกับไฟล์ audit_report) โดย flags เป็นรายการ ไม่ใช่ข้อความคั่นด้วย ;"""

    unit_code = serializers.CharField(read_only=True)
    username = serializers.CharField(read_only=True)
    national_id = serializers.CharField(
        read_only=True, help_text="เลขประจำตัวประชาชน ปิดบางหลัก (1-2345-xxxxx-xx-1) เว้นแต่ผู้ดูแลระบบส่วนกลาง",
    )
    full_name = serializers.CharField(read_only=True)
    flags = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="รหัสข้อสังเกต เรียงตามตัวอักษร")
