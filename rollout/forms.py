from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ThaiDateField
from core.thai import thai_digits_to_arabic
from rights.models import Role


class RolloutForm(forms.Form):
    name = forms.CharField(label=_("ชื่อแผนการเปิดใช้งาน"), max_length=200,
                           help_text=_("เช่น การเปิดใช้งานระบบรับชำระเงินค่าธรรมเนียม (e-Bill)"))
    roles = forms.ModelMultipleChoiceField(label=_("บทบาทที่เปิดให้เสนอชื่อ"), queryset=Role.objects.order_by("code"),
                                           widget=forms.CheckboxSelectMultiple)
    nomination_deadline = ThaiDateField(label=_("กำหนดส่งรายชื่อ"))
    registration_from = ThaiDateField(label=_("เริ่มลงทะเบียน"))
    registration_to = ThaiDateField(label=_("สิ้นสุดการลงทะเบียน"))
    trial_from = ThaiDateField(label=_("เริ่มทดลองใช้งาน"))
    trial_to = ThaiDateField(label=_("สิ้นสุดการทดลองใช้งาน"))
    purge_on = ThaiDateField(label=_("วันลบข้อมูลช่วงทดลอง"))
    go_live_on = ThaiDateField(label=_("วันเริ่มใช้งานจริง"))
    trainees_per_office = forms.IntegerField(label=_("ผู้เข้ารับการอบรมต่อหน่วยงาน"), min_value=0, initial=1)
    max_users_per_office = forms.IntegerField(label=_("ผู้ใช้งานสูงสุดต่อหน่วยงาน"), min_value=1, initial=3)


class NominationForm(forms.Form):
    national_id = forms.CharField(label=_("เลขประจำตัวประชาชน"), max_length=20,
                                  help_text=_("13 หลัก ของบุคคลในทะเบียนบุคคลของหน่วยงาน"))
    role = forms.ModelChoiceField(label=_("บทบาท"), queryset=Role.objects.none())
    trainee = forms.BooleanField(label=_("เข้ารับการอบรม"), required=False)
    reason = forms.CharField(label=_("เหตุผลที่เสนอชื่อ"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = roles

    def clean_national_id(self):
        digits = "".join(ch for ch in thai_digits_to_arabic(self.cleaned_data["national_id"]) if ch.isdigit())
        if len(digits) != 13:
            raise forms.ValidationError(_("เลขประจำตัวประชาชนต้องมี 13 หลัก"))
        return digits


class CompileForm(forms.Form):
    number = forms.CharField(label=_("เลขที่คำสั่ง"), max_length=20, help_text=_("เช่น 123/2569"))
    order_date = ThaiDateField(label=_("ลงวันที่"))
    signer = forms.CharField(label=_("ผู้ลงนาม"), max_length=200, help_text=_("เช่น อธิบดีกรมการปกครอง"))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "accept"), ("refuse", "refuse")])
    reason = forms.CharField(required=False, max_length=1000)
