"""Passwords a Thai official would guess first, on top of Django's validators (length, common, numeric, similar).

Django's common-password list is English. The guesses it misses here: a Thai word typed with the keyboard left in
English mode (รหัสผ่าน becomes "isylzjko"), romanised Thai words (sawasdee, bangkok, the department's names), and
the person's own national ID or birth date, in the Buddhist or the Christian Era.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The Thai Kedmanee layout: what each key of a US keyboard types in Thai mode.
_KEDMANEE = dict(zip(
    "`1234567890-=qwertyuiop[]\\asdfghjkl;'zxcvbnm,./"
    '~!@#$%^&*()_+QWERTYUIOP{}|ASDFGHJKL:"ZXCVBNM<>?',
    "_ๅ/-ภถุึคตจขชๆไำพะัีรนยบลฃฟหกดเ้่าสวงผปแอิืทมใฝ"
    "%+๑๒๓๔ู฿๕๖๗๘๙๐\"ฎฑธํ๊ณฯญฐ,ฅฤฆฏโฌ็๋ษศซ.()ฉฮฺ์?ฒฬฦ",
    strict=True,
))
THAI_WORDS = (
    "รหัสผ่าน", "สวัสดี", "ประเทศไทย", "กรุงเทพ", "ปกครอง", "ปลัดอำเภอ", "อำเภอ", "จังหวัด", "คนไทย", "ขอบคุณ",
    "รักนะ", "ผู้ใหญ่บ้าน", "กำนัน", "มหาดไทย",
)
ROMANISED_WORDS = (
    "sawasdee", "sawadee", "sawatdee", "thailand", "bangkok", "krungthep", "dopa", "moi", "mahadthai", "mahatthai",
    "pokkrong", "kanpokkrong", "palad", "paladamphoe", "amphoe", "amphur", "changwat", "kamnan", "rightsadmin",
    "password", "khonthai", "khobkhun", "chaiyo",
)


def thai_typed_as_english(text: str) -> str:
    return "".join(_KEDMANEE.get(ch, ch) for ch in text)


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _date_forms(day) -> set[str]:
    forms = set()
    for year in (day.year, day.year + 543):
        forms |= {f"{day:%d%m}{year}", f"{year}{day:%m%d}", f"{day:%d%m}{year % 100:02d}"}
    return forms


class GuessablePasswordValidator:
    """Refuse a password made of a Thai word typed in English mode, a romanised Thai word, or the person's own
    national ID or birth date."""

    def validate(self, password: str, user=None) -> None:
        as_thai = thai_typed_as_english(password)
        if any(word in password or word in as_thai for word in THAI_WORDS):
            raise ValidationError(_("รหัสผ่านนี้เป็นคำภาษาไทยที่เดาได้ง่าย (รวมถึงพิมพ์ขณะแป้นพิมพ์เป็นภาษาอังกฤษ)"),
                                  code="password_thai_word")
        letters = _letters(password)
        if letters and any(letters == word or (word in letters and len(word) >= len(letters) - 2)
                           for word in ROMANISED_WORDS):
            raise ValidationError(_("รหัสผ่านนี้เป็นคำที่เดาได้ง่าย เช่น ชื่อหน่วยงานหรือคำทักทาย"),
                                  code="password_romanised_word")
        digits = re.sub(r"\D", "", password)
        official = getattr(user, "official", None) if user is not None and user.pk else None
        national_id = getattr(user, "official_id", None) or ""
        if national_id and (national_id in digits or national_id[-6:] in digits):
            raise ValidationError(_("รหัสผ่านต้องไม่มีเลขประจำตัวประชาชนของท่าน"), code="password_national_id")
        birth_date = getattr(official, "birth_date", None)
        if birth_date and any(form in digits for form in _date_forms(birth_date)):
            raise ValidationError(_("รหัสผ่านต้องไม่มีวันเกิดของท่าน"), code="password_birth_date")

    def get_help_text(self) -> str:
        return _("ไม่ใช่คำภาษาไทยที่พิมพ์ขณะแป้นพิมพ์เป็นภาษาอังกฤษ ไม่ใช่ชื่อหน่วยงาน และไม่มีเลขประจำตัวประชาชนหรือวันเกิดของท่าน")
