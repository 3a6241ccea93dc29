"""Forms of the lifecycle screens: they read and check input and scope the choices; the services decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.forms import LevelChoiceField, UnitChoiceField
from accounts.models import Level, Position, Unit, User
from core.forms import PdfField, ThaiDateField
from core.national_id import parse_national_id
from core.thai import thai_digits_to_arabic
from lifecycle.models import LeaverReport
from rights.models import OrderLine, Role

# ---------------------------------------------------------------------------------------------------------------
# Change requests


class ChangeRequestForm(forms.Form):
    position = forms.ModelChoiceField(label=_("ตำแหน่งที่ถูกต้อง"), queryset=Position.objects.all())
    level = LevelChoiceField(label=_("ระดับที่ถูกต้อง"), queryset=Level.objects.all())
    unit = UnitChoiceField(label=_("หน่วยงานที่ถูกต้อง"), queryset=Unit.objects.exclude(kind=Unit.Kind.DEPARTMENT))
    order_number = forms.CharField(
        label=_("เลขที่คำสั่งอ้างอิง"), max_length=20, help_text=_("เช่น 123/2569"),
        widget=forms.TextInput(attrs={"size": 12}),
    )
    order_date = ThaiDateField(label=_("วันที่ของคำสั่ง"))
    attachment = PdfField(label=_("สำเนาคำสั่ง (ถ้ามี)"))
    note = forms.CharField(label=_("คำชี้แจง"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_order_number(self) -> str:
        return thai_digits_to_arabic(self.cleaned_data["order_number"]).strip()


class DecisionForm(forms.Form):
    """Approve or reject; the reason is required to reject (the service says so too)."""

    decision = forms.ChoiceField(choices=[("approve", _("อนุมัติ")), ("reject", _("ไม่อนุมัติ"))], widget=forms.HiddenInput)
    reason = forms.CharField(label=_("เหตุผล"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    acknowledge_flags = forms.BooleanField(required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("กรุณาระบุเหตุผลที่ไม่อนุมัติ"))
        return cleaned


# ---------------------------------------------------------------------------------------------------------------
# Leavers


class LeaverReportForm(forms.Form):
    """Many accounts at once, by username: the list in the form is the reviewer's own scope only."""

    usernames = forms.CharField(
        label=_("ชื่อผู้ใช้งานที่จะรายงาน"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("บรรทัดละหนึ่งชื่อ หรือคั่นด้วยเครื่องหมายจุลภาค"),
    )
    reason = forms.ChoiceField(label=_("เหตุที่พ้นจากหน้าที่"), choices=LeaverReport.Reason.choices)
    left_on = ThaiDateField(label=_("วันที่พ้นจากหน้าที่"))
    evidence = PdfField(label=_("หลักฐาน เช่น คำสั่งย้าย หรือคำสั่งให้ออก (ถ้ามี)"))
    note = forms.CharField(label=_("หมายเหตุ"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, accounts_in_scope: QuerySet[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.accounts_in_scope = accounts_in_scope

    def clean_usernames(self) -> list[User]:
        names = [n.strip() for n in self.cleaned_data["usernames"].replace(",", "\n").splitlines() if n.strip()]
        names = list(dict.fromkeys(names))
        found = {a.username: a for a in self.accounts_in_scope.filter(username__in=names)}
        # Out of scope reads like unknown, so the form does not tell who exists elsewhere.
        missing = [name for name in names if name not in found]
        if missing:
            raise ValidationError(
                _("ไม่พบบัญชีในขอบเขตหน่วยงานของท่าน: %(names)s") % {"names": ", ".join(missing)}
            )
        if not found:
            raise ValidationError(_("กรุณาระบุชื่อผู้ใช้งานอย่างน้อยหนึ่งชื่อ"))
        return [found[name] for name in names]


class ReturnReportForm(forms.Form):
    reason = forms.CharField(label=_("เหตุผลที่ส่งคืน"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("เหตุผล"), max_length=255)


# ---------------------------------------------------------------------------------------------------------------
# Orders


class OrderForm(forms.Form):
    number = forms.CharField(label=_("เลขที่คำสั่ง"), max_length=20, help_text=_("เช่น 123/2569"),
                             widget=forms.TextInput(attrs={"size": 12}))
    order_date = ThaiDateField(label=_("วันที่ออกคำสั่ง"))
    issuing_unit = UnitChoiceField(label=_("หน่วยงานที่ออกคำสั่ง"), queryset=Unit.objects.none())
    signer = forms.CharField(label=_("ผู้ลงนาม"), max_length=200, required=False)
    scan = PdfField(label=_("ไฟล์คำสั่งที่สแกน"))

    def __init__(self, *args, units: QuerySet[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"].queryset = units

    def clean_number(self) -> str:
        return thai_digits_to_arabic(self.cleaned_data["number"]).strip()


class OrderLineForm(forms.Form):
    national_id = forms.CharField(label=_("เลขประจำตัวประชาชน"), max_length=17)
    written_name = forms.CharField(
        label=_("ชื่อ-นามสกุลตามคำสั่ง"), max_length=200, required=False,
        help_text=_("ต้องกรอกเมื่อทะเบียนบุคคลยังไม่มีผู้นี้"),
    )
    role = forms.ModelChoiceField(label=_("บทบาท"), queryset=Role.objects.all())
    unit = UnitChoiceField(label=_("หน่วยงาน"), queryset=Unit.objects.none())
    position = forms.ModelChoiceField(label=_("ตำแหน่งตามคำสั่ง"), queryset=Position.objects.all())
    level = LevelChoiceField(label=_("ระดับตามคำสั่ง"), queryset=Level.objects.all())
    effective_from = ThaiDateField(label=_("มีผลตั้งแต่"))
    effective_to = ThaiDateField(label=_("มีผลถึง"), required=False, help_text=_("เว้นว่างถ้าไม่กำหนด"))
    acting = forms.ChoiceField(
        label=_("แต่งตั้งให้"), choices=OrderLine.Acting.choices, required=False,
        help_text=_("รักษาราชการแทนหรือปฏิบัติราชการแทน: ตำแหน่งและระดับข้างต้นคือตำแหน่งที่รักษาการ "
                    "สิทธิ์ตรวจตามตำแหน่งนั้นเฉพาะช่วงวันที่ของรายการ"),
    )

    def __init__(self, *args, units: QuerySet[Unit], roles: QuerySet[Role], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        # The list offers only the roles the recorder may grant somewhere in their scope (rights.rules.
        # grantable_roles). Any role still validates, so that a crafted POST reaches the service, which refuses the
        # line at its unit and logs the refusal.
        self.fields["role"].widget.choices = [("", "---------"), *((role.pk, str(role)) for role in roles)]

    def clean_national_id(self) -> str:
        # Only the checksum here: a person the HR record does not have yet is recorded as written (with a warning).
        return parse_national_id(self.cleaned_data["national_id"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("effective_from"), cleaned.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", _("วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มมีผล"))
        if cleaned.get("acting") and start and not end:
            self.add_error("effective_to", _("การรักษาราชการแทนต้องระบุวันที่สิ้นสุด"))
        return cleaned


class BaseOrderLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, units: QuerySet[Unit], roles: QuerySet[Role], **kwargs):
        self.units = units
        self.roles = roles
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "units": self.units, "roles": self.roles}

    def clean(self):
        super().clean()
        if not any(form.has_changed() for form in self.forms):
            raise ValidationError(_("คำสั่งต้องมีรายการอย่างน้อยหนึ่งรายการ"))


OrderLineFormSet = forms.formset_factory(
    OrderLineForm, formset=BaseOrderLineFormSet, extra=3, max_num=200
)
