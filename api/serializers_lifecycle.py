"""Change requests and leaver reports: the fields of their forms; the lifecycle services decide."""

from __future__ import annotations

from django.db.models import Q
from rest_framework import serializers

from accounts.models import Level, Position, Unit
from api.serializers import ThaiDateField
from lifecycle.models import ChangeRequest, LeaverReport


class RegistrationValuesSerializer(serializers.Serializer):
    position = serializers.CharField(source="position.name_th", allow_null=True, read_only=True)
    level = serializers.CharField(source="level.code", allow_null=True, read_only=True)
    unit = serializers.CharField(source="unit.code", allow_null=True, read_only=True)


class PreviousValuesSerializer(serializers.Serializer):
    position = serializers.CharField(source="previous_position.name_th", allow_null=True, read_only=True)
    level = serializers.CharField(source="previous_level.code", allow_null=True, read_only=True)
    unit = serializers.CharField(source="previous_unit.code", allow_null=True, read_only=True)


class ChangeRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    account = serializers.CharField(source="account.username", read_only=True)
    status = serializers.ChoiceField(choices=ChangeRequest.Status.choices, read_only=True)
    requested = RegistrationValuesSerializer(source="*", read_only=True, help_text="ข้อมูลที่ขอแก้ไขเป็น")
    previous = PreviousValuesSerializer(source="*", read_only=True, help_text="ข้อมูลเดิมที่ถูกแทนที่เมื่ออนุมัติ")
    order_number = serializers.CharField(read_only=True)
    order_date = serializers.DateField(read_only=True)
    note = serializers.CharField(read_only=True)
    filed_at = serializers.DateTimeField(source="created_at", read_only=True)
    filed_by = serializers.CharField(source="filed_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, read_only=True)
    decided_at = serializers.DateTimeField(allow_null=True, read_only=True)
    decision_reason = serializers.CharField(read_only=True)


class ChangeRequestFileSerializer(serializers.Serializer):
    """The holder's own request; `position` is the Thai position name, `level` its code, `unit` its code."""

    position = serializers.CharField(max_length=100, help_text="ชื่อตำแหน่งภาษาไทย เช่น ปลัดอำเภอ")
    level = serializers.CharField(max_length=100, help_text="รหัสระดับ เช่น K3 หรือชื่อภาษาไทย")
    unit = serializers.CharField(max_length=32, help_text="รหัสหน่วยงาน")
    order_number = serializers.CharField(max_length=20, help_text="เลขที่คำสั่งอ้างอิง เช่น 123/2569")
    order_date = ThaiDateField(help_text="วันที่ของคำสั่ง (ปปปป-ดด-วว)")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate_position(self, name: str) -> Position:
        position = Position.objects.filter(name_th=name.strip()).first()
        if position is None:
            raise serializers.ValidationError(f"ไม่พบตำแหน่ง {name} ในข้อมูลอ้างอิง")
        return position

    def validate_level(self, value: str) -> Level:
        value = value.strip()
        level = Level.objects.filter(Q(code__iexact=value) | Q(name_th=value) | Q(name_en__iexact=value)).first()
        if level is None:
            raise serializers.ValidationError(f"ไม่พบระดับ {value}")
        return level

    def validate_unit(self, code: str) -> Unit:
        unit = Unit.objects.exclude(kind=Unit.Kind.DEPARTMENT).filter(code=code.strip()).first()
        if unit is None:
            raise serializers.ValidationError(f"ไม่พบหน่วยงานรหัส {code}")
        return unit


class ChangeRequestDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "อนุมัติ"), ("reject", "ไม่อนุมัติ")])
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                   help_text="ต้องระบุเมื่อไม่อนุมัติ และเมื่ออนุมัติค่าที่ทะเบียนบุคคลและคำสั่งล่าสุดไม่รองรับ")
    acknowledge_flags = serializers.BooleanField(required=False, default=False,
                                                 help_text="รับทราบว่าการอนุมัติจะทำให้เกิดข้อสังเกตใหม่")

    def validate(self, data):
        if data["decision"] == "reject" and not data["reason"].strip():
            raise serializers.ValidationError({"reason": "กรุณาระบุเหตุผลที่ไม่อนุมัติ"})
        return data


class ChangeRequestQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=ChangeRequest.Status.choices, required=False, allow_blank=True, help_text="กรองตามสถานะ"
    )


class LeaverReportQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=LeaverReport.Status.choices, required=False, allow_blank=True, help_text="กรองตามสถานะ"
    )


class LeaverReportSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    account = serializers.CharField(source="account.username", read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True)
    reason = serializers.ChoiceField(choices=LeaverReport.Reason.choices, read_only=True)
    left_on = serializers.DateField(read_only=True)
    note = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=LeaverReport.Status.choices, read_only=True)
    reported_at = serializers.DateTimeField(source="created_at", read_only=True)
    reported_by = serializers.CharField(source="reported_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, read_only=True)
    decided_at = serializers.DateTimeField(allow_null=True, read_only=True)
    decision_reason = serializers.CharField(read_only=True)


class LeaverReportFileSerializer(serializers.Serializer):
    """One report per account, all or none. Accounts outside the caller's scope read as unknown."""

    accounts = serializers.ListField(
        child=serializers.CharField(max_length=150), allow_empty=False, max_length=500, help_text="ชื่อผู้ใช้งาน"
    )
    reason = serializers.ChoiceField(choices=LeaverReport.Reason.choices)
    left_on = ThaiDateField(help_text="วันที่พ้นจากหน้าที่ (ปปปป-ดด-วว)")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate_accounts(self, names: list[str]):
        names = list(dict.fromkeys(name.strip() for name in names if name.strip()))
        found = {a.username: a for a in self.context["accounts_in_scope"].filter(username__in=names)}
        missing = [name for name in names if name not in found]
        if missing or not names:
            raise serializers.ValidationError(f"ไม่พบบัญชีในขอบเขตหน่วยงานของท่าน: {', '.join(missing) or '-'}")
        return [found[name] for name in names]


class LeaverDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("accept", "รับรายงานและระงับการใช้งานบัญชี"), ("return", "ส่งคืนหน่วยงาน")])
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate(self, data):
        if data["decision"] == "return" and not data["reason"].strip():
            raise serializers.ValidationError({"reason": "กรุณาระบุเหตุผลที่ส่งคืน"})
        return data
