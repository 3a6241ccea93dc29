"""The filters of the review screens. They read GET parameters; nothing here writes."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from audit.selectors import ANY_PROBLEM, NO_PROBLEM, flag_choices
from core.forms import ThaiDateInput
from core.thai import be_iso, parse_date
from rights.scope import today


class AsOfForm(forms.Form):
    """The "as of" date every report carries: today in Asia/Bangkok unless the viewer picks another day."""

    as_of = forms.CharField(
        label=_("ข้อมูล ณ วันที่"),
        required=False,
        help_text=_("เช่น 15/06/2569, 15 มิ.ย. 2569 หรือ 2569-06-15 (ปี พ.ศ. หรือ ค.ศ.)"),
        widget=ThaiDateInput(),
    )

    def __init__(self, data=None, **kwargs):
        data = data.copy() if data is not None else {}
        if not (data.get("as_of") or "").strip():
            data["as_of"] = be_iso(today())
        super().__init__(data, **kwargs)

    def clean_as_of(self) -> datetime.date:
        text = self.cleaned_data["as_of"]
        try:
            return parse_date(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    @property
    def as_of_date(self) -> datetime.date:
        """The date to report on: the one asked for, or today when it cannot be read (the form shows why)."""
        if self.is_valid():
            return self.cleaned_data["as_of"]
        return today()


class AccountFilterForm(AsOfForm):
    q = forms.CharField(
        label=_("ค้นหา"),
        required=False,
        max_length=100,
        help_text=_("ชื่อ นามสกุล ชื่อผู้ใช้งาน ตำแหน่ง ระดับ หรือเลขประจำตัวประชาชน 13 หลัก"),
        widget=forms.TextInput(attrs={"type": "search", "size": 28}),
    )
    flag = forms.ChoiceField(label=_("ปัญหาที่พบ"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["flag"].choices = [
            ("", _("ทุกบัญชี")),
            (ANY_PROBLEM, _("เฉพาะบัญชีที่พบปัญหา")),
            (NO_PROBLEM, _("เฉพาะบัญชีที่ไม่พบปัญหา")),
            *flag_choices(),
        ]

    def filters(self) -> dict[str, str]:
        """The flag and search to apply; a bad value in one field does not drop the other."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {"flag": cleaned.get("flag", "") or "", "query": cleaned.get("q", "") or ""}
