"""Assignment orders: the fields of the order form; lifecycle.services records and confirms, and decides who may."""

from __future__ import annotations

from django.db.models import Q
from rest_framework import serializers

from accounts.models import Level, Position, Unit
from api.serializers import ThaiDateField
from core.national_id import parse_national_id
from rights.models import Role


class OrderLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    national_id = serializers.CharField(source="official_id", read_only=True)
    written_name = serializers.CharField(read_only=True, help_text="ชื่อ-นามสกุลตามที่เขียนในคำสั่ง")
    role = serializers.CharField(source="role.code", read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True)
    position = serializers.CharField(source="position.name_th", read_only=True)
    level = serializers.CharField(source="level.code", read_only=True)
    effective_from = serializers.DateField(read_only=True)
    effective_to = serializers.DateField(allow_null=True, read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", allow_null=True, read_only=True)
    confirmed_by = serializers.CharField(source="confirmed_by.username", allow_null=True, read_only=True)
    confirmed_at = serializers.DateTimeField(allow_null=True, read_only=True,
                                             help_text="ว่างเมื่อรายการยังรอผู้มีอำนาจอีกคนหนึ่งยืนยัน")


class OrderSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    order_date = serializers.DateField(read_only=True)
    issuing_unit = serializers.CharField(source="issuing_unit.code", read_only=True)
    signer = serializers.CharField(read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", allow_null=True, read_only=True)
    revoked_at = serializers.DateTimeField(allow_null=True, read_only=True)
    pending_confirmation = serializers.SerializerMethodField(help_text="มีรายการที่ยังรอการยืนยัน")
    lines = OrderLineSerializer(many=True, read_only=True)

    def get_pending_confirmation(self, order) -> bool:
        return order.revoked_at is None and any(line.confirmed_at is None for line in order.lines.all())


class OrderRecordedSerializer(OrderSerializer):
    warnings = serializers.ListField(
        child=serializers.CharField(), read_only=True,
        help_text="รายการที่ระบุผู้ที่ทะเบียนบุคคล (ในขอบเขตของท่าน) ยังไม่มี: บันทึกตามที่เขียนในคำสั่งแล้ว",
    )


def _unit(code: str) -> Unit:
    unit = Unit.objects.exclude(kind=Unit.Kind.DEPARTMENT).filter(code=code.strip()).first()
    if unit is None:
        raise serializers.ValidationError(f"ไม่พบหน่วยงานรหัส {code}")
    return unit


class OrderLineInputSerializer(serializers.Serializer):
    national_id = serializers.CharField(
        max_length=17, help_text="เลขประจำตัวประชาชน 13 หลักของผู้ได้รับมอบหมาย (ทะเบียนบุคคลยังไม่มีก็บันทึกได้ "
                                 "โดยกรอก written_name และได้คำเตือนกลับใน warnings)",
    )
    written_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="",
        help_text="ชื่อ-นามสกุลตามคำสั่ง ต้องกรอกเมื่อทะเบียนบุคคลยังไม่มีผู้นี้",
    )
    role = serializers.CharField(max_length=50, help_text="รหัสบทบาท เช่น ISV_FEE_RECEIPT")
    unit = serializers.CharField(max_length=32, help_text="รหัสหน่วยงานที่มอบหมาย")
    position = serializers.CharField(max_length=100, help_text="ชื่อตำแหน่งภาษาไทยตามคำสั่ง")
    level = serializers.CharField(max_length=100, help_text="รหัสระดับตามคำสั่ง เช่น K3")
    effective_from = ThaiDateField()
    effective_to = ThaiDateField(required=False, allow_null=True, default=None)

    def validate_national_id(self, value: str) -> str:
        # Only the checksum: someone the HR record does not have yet is recorded as written, with a warning.
        return parse_national_id(value)  # its ValidationError keeps its code (invalid_national_id) in the errors

    def validate_role(self, code: str) -> Role:
        role = Role.objects.filter(code=code.strip()).first()
        if role is None:
            raise serializers.ValidationError(f"ไม่พบบทบาทรหัส {code}")
        return role

    def validate_unit(self, code: str) -> Unit:
        return _unit(code)

    def validate_position(self, name: str) -> Position:
        position = Position.objects.filter(name_th=name.strip()).first()
        if position is None:
            raise serializers.ValidationError(f"ไม่พบตำแหน่ง {name} ในข้อมูลอ้างอิง")
        return position

    def validate_level(self, value: str) -> Level:
        value = value.strip()
        level = Level.objects.filter(Q(code__iexact=value) | Q(name_th=value)).first()
        if level is None:
            raise serializers.ValidationError(f"ไม่พบระดับ {value}")
        return level

    def validate(self, data):
        if data.get("effective_to") and data["effective_to"] < data["effective_from"]:
            raise serializers.ValidationError({"effective_to": "วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มมีผล"})
        return data


class OrderRecordSerializer(serializers.Serializer):
    """An order as written on paper; it grants nothing until a second person confirms it."""

    number = serializers.RegexField(r"^\d{1,6}/\d{4}$", max_length=20, help_text="เลขที่คำสั่ง เช่น 123/2569")
    order_date = ThaiDateField()
    issuing_unit = serializers.CharField(max_length=32, help_text="รหัสหน่วยงานที่ออกคำสั่ง")
    signer = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lines = OrderLineInputSerializer(many=True, allow_empty=False, max_length=200)

    def validate_issuing_unit(self, code: str) -> Unit:
        return _unit(code)


class OrderQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[("pending", "รอยืนยัน"), ("mine", "รอท่านยืนยัน")], required=False, allow_blank=True,
        help_text="pending: มีรายการรอยืนยัน; mine: รอการยืนยันที่ท่านให้ได้",
    )
