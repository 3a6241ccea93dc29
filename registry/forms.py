"""Forms of the accounts app. Each section belongs to one screen; add yours in its own section."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from registry.importers.reading import CSV, XLSX, ZIP_MAGIC, is_utf8_text, not_csv_or_xlsx_message

# ---------------------------------------------------------------------------------------------------------------
# Registry import (registry/views.py)

# A 30,000-row accounts file is about 4 MB as CSV; settings.REGISTRY_IMPORT_MAX_BYTES may raise the limit.
REGISTRY_IMPORT_DEFAULT_MAX_BYTES = 10 * 1024 * 1024

KIND_CHOICES = [
    ("officials", _("ทะเบียนบุคคล (officials)")),
    ("accounts", _("บัญชีผู้ใช้งานและบทบาทที่ถือ (accounts)")),
    ("orders", _("รายการในคำสั่งมอบหมาย (orders)")),
]


def registry_import_max_bytes() -> int:
    return getattr(settings, "REGISTRY_IMPORT_MAX_BYTES", REGISTRY_IMPORT_DEFAULT_MAX_BYTES)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


class RegistryImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("ประเภทแฟ้ม"), choices=KIND_CHOICES, widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("ไฟล์ CSV หรือ XLSX"),
        help_text=_("CSV แบบ UTF-8 หรือ XLSX (แผ่นงานแรก) แถวแรกเป็นชื่อคอลัมน์ตามมาตรฐานแฟ้มแลกเปลี่ยน"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = registry_import_max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("ไฟล์มีขนาด %(size)s MB เกินกว่าที่รับได้ (%(limit)s MB) กรุณาแบ่งไฟล์เป็นหลายไฟล์")
                % {"size": _megabytes(upload.size), "limit": _megabytes(limit)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("ไฟล์ว่างเปล่า"))
        name = upload.name.lower()
        upload.seek(0)
        head = upload.read(4096)
        upload.seek(0)
        # The name says what the file claims to be; its first bytes say what it is.
        if name.endswith(".xlsx") and head.startswith(ZIP_MAGIC):
            self.file_format = XLSX
        elif name.endswith(".csv") and not head.startswith(ZIP_MAGIC) and b"\x00" not in head and is_utf8_text(head):
            self.file_format = CSV
        elif name.endswith(".csv") and not head.startswith(ZIP_MAGIC) and b"\x00" not in head:
            raise forms.ValidationError(_("ไฟล์ CSV ต้องบันทึกแบบ UTF-8 (ใน Excel เลือก “CSV UTF-8”)"))
        else:
            raise forms.ValidationError(not_csv_or_xlsx_message())
        return upload
