"""Form fields every screen shares: dates as Thai offices write them, PDF uploads, searchable lists."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.thai import be_iso, parse_date

MAX_PDF_BYTES = 5 * 1024 * 1024


class ThaiDateInput(forms.TextInput):
    """The text box of every date: what the person types is what is posted. `data-thai-date` lets
    static/js/thai-date.js add a calendar button beside it, which writes the chosen day in as 15/06/2569."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "15/06/2569", "size": 14, "autocomplete": "off", "data-thai-date": "",
                                **(attrs or {})})


class ThaiDateField(forms.CharField):
    """A date typed as Thai offices write it (15/06/2569, 15 มิ.ย. 2569, 2569-06-15; Thai or Arabic digits; BE or
    CE), stored CE and shown back in BE. Every form of the site that takes a date uses this one field."""

    widget = ThaiDateInput

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("เช่น 15/06/2569, 15 มิ.ย. 2569 หรือ 2569-06-15 (ปี พ.ศ. หรือ ค.ศ.)"))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return be_iso(value) if isinstance(value, datetime.date) else value

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid_date") from None


def validate_pdf(upload) -> None:
    """A scanned order or piece of evidence: a PDF of at most 5 MB, checked by its first bytes, not its name."""
    if upload is None:
        return
    if upload.size > MAX_PDF_BYTES:
        raise ValidationError(_("ไฟล์ต้องมีขนาดไม่เกิน 5 MB"))
    head = upload.read(5)
    upload.seek(0)
    if not upload.name.lower().endswith(".pdf") or head != b"%PDF-":
        raise ValidationError(_("ต้องเป็นไฟล์ PDF"))


class PdfField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("ไฟล์ PDF ไม่เกิน 5 MB"))
        super().__init__(validators=[validate_pdf], **kwargs)
        self.widget.attrs.setdefault("accept", "application/pdf")


SEARCHABLE_SELECT = "data-searchable"


def searchable(field: forms.ChoiceField) -> forms.ChoiceField:
    """Mark a long list of choices for static/js/select-search.js, which puts a search box before it. The
    <select> and its values stay what is posted; without the script it is a plain list."""
    field.widget.attrs[SEARCHABLE_SELECT] = ""
    return field
