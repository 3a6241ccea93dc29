from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from api.services import EXPIRY_DAYS_CHOICES


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("ชื่อโทเค็น"), max_length=100, help_text=_("ตั้งชื่อให้รู้ว่าใช้กับระบบใด เช่น เครื่องออกใบเสร็จ งานการเงิน")
    )
    days = forms.TypedChoiceField(
        label=_("อายุการใช้งาน"),
        # format_lazy: translated when the form is shown, not once in the language active at import
        choices=[(days, format_lazy("{} {}", days, _("วัน"))) for days in EXPIRY_DAYS_CHOICES],
        coerce=int,
        initial=90,
    )
