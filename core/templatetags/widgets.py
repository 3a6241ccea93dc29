"""The words the form scripts show (static/js/thai-date.js, static/js/select-search.js), in the page's language.

{% load widgets %}{% widget_strings %}   once, in base.html: a JSON block the scripts read (data, not a script, so
                                         the Content-Security-Policy has nothing to allow)
"""

from django import template
from django.utils import translation
from django.utils.html import json_script
from django.utils.translation import gettext as _

from core.thai import MONTHS_LONG, MONTHS_LONG_EN

register = template.Library()

WIDGET_STRINGS_ID = "widget-strings"


@register.simple_tag
def widget_strings() -> str:
    english = (translation.get_language() or "").startswith("en")
    return json_script({
        "date": {
            "open": _("เลือกวันที่"),
            "dialog": _("ปฏิทิน เลือกวันที่"),
            "previous": _("เดือนก่อนหน้า"),
            "next": _("เดือนถัดไป"),
            "today": _("วันนี้"),
            "close": _("ปิด"),
            "help": _("ใช้ปุ่มลูกศรเลื่อนวัน Page Up / Page Down เลื่อนเดือน Enter เลือก Esc ปิด"),
            # The year is always the Buddhist Era's, as the box is written in it.
            "months": list(MONTHS_LONG_EN if english else MONTHS_LONG),
            "weekdays": ["Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"] if english
            else ["อา", "จ", "อ", "พ", "พฤ", "ศ", "ส"],
        },
        "search": {
            "label": _("พิมพ์รหัสหรือชื่อหน่วยงานเพื่อค้นหา"),
            "placeholder": _("เช่น 4701 หรือ เมืองสกลนคร"),
            # {n}: the number of units listed.
            "found": _("พบ {n} หน่วยงาน"),
            "one": _("พบ 1 หน่วยงาน เลือกให้แล้ว"),
            "none": _("ไม่พบหน่วยงานที่ตรงกับคำค้น รายการยังแสดงทั้งหมด"),
        },
    }, WIDGET_STRINGS_ID)
