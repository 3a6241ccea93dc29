"""Thai text at the edges: digits, Buddhist Era dates, baht in words.

Dates are stored in the Common Era; the Buddhist Era (CE + 543) exists only on input and display.
"""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from pythainlp.util import bahttext

BE_OFFSET = 543
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")

MONTHS_SHORT = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
MONTHS_LONG = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
# The English interface keeps the Buddhist Era year of orders and documents, with English month names.
MONTHS_SHORT_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS_LONG_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")  # 15/06/2569, as offices write it
_WORDS = re.compile(r"^(\d{1,2})\s*([^\d\s]+(?:\s*[^\d\s]+)*?)\s*(?:พ\.\s?ศ\.|ค\.\s?ศ\.)?\s*(\d{4})$")


def _month_number(name: str) -> int | None:
    """1-12 for a Thai or English month name, long or short, with or without its dots; None when it is none."""
    key = re.sub(r"[\s.]", "", name).lower()
    for months in (MONTHS_SHORT, MONTHS_LONG, MONTHS_SHORT_EN, MONTHS_LONG_EN):
        for number, month in enumerate(months, start=1):
            if key == re.sub(r"[\s.]", "", month).lower():
                return number
    return None


def thai_digits_to_arabic(text: str) -> str:
    return text.translate(_TO_ARABIC)


_TONE_MARKS = re.compile(r"[\u0e47-\u0e4c]")
_LEADING_VOWEL = re.compile(r"([\u0e40-\u0e44])([\u0e01-\u0e2e])")


def thai_sort_key(text: str) -> str:
    """A key that sorts Thai words (almost) in dictionary order: a leading vowel (เ แ โ ใ ไ) sorts after the
    consonant it is written before, and tone marks count only between words otherwise equal. Code-point order
    would put every "เ..." name after every "ส...": เกศินี after สมชาย. The rule of pythainlp.util.collate, as a
    key, since lists sort rows, not bare words."""
    bare = _TONE_MARKS.sub("", text)
    return _LEADING_VOWEL.sub(r"\2\1", bare) + "".join(_TONE_MARKS.findall(text))


DATE_FORMATS_HELP = "2569-06-15, 15/06/2569 หรือ 15 มิ.ย. 2569"


class DateUnreadable(ValueError):
    """A text that is no date. `str(exc)` is the Thai reason; `code` says which: "invalid" (not in a form we read)
    or "no_such_date" (the form is right, the calendar has no such day)."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


def parse_iso_date(text: str) -> datetime.date:
    """Read YYYY-MM-DD only, in Thai or Arabic digits; a year of 2400 or more is Buddhist Era: the one form of the
    interchange files and the API, whose schema says so."""
    match = _ISO_DATE.match(" ".join(thai_digits_to_arabic(text).split()))
    if not match:
        raise DateUnreadable("ต้องเป็นวันที่ในรูปแบบ ปปปป-ดด-วว", code="invalid")
    return _date(*(int(part) for part in match.groups()), text=text)


def _date(year: int, month: int, day: int, *, text: str) -> datetime.date:
    if year >= 2400:
        year -= BE_OFFSET
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise DateUnreadable(f"ไม่มีวันที่นี้ในปฏิทิน: {text.strip()}", code="no_such_date") from None


def parse_date(text: str) -> datetime.date:
    """Read a date as Thai offices type it: 2569-06-15, 15/06/2569, 15 มิ.ย. 2569, 15 มิถุนายน พ.ศ. 2569, in Thai
    or Arabic digits; a year of 2400 or more is Buddhist Era, below it Common Era (2026-06-15).

    Raises DateUnreadable (a ValueError) with a message for the user when the text is not a real date.
    """
    cleaned = " ".join(thai_digits_to_arabic(text).split())
    if match := _ISO_DATE.match(cleaned):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_FIRST.match(cleaned):
        day, month, year = (int(part) for part in match.groups())
    elif (match := _WORDS.match(cleaned)) and (month := _month_number(match.group(2))) is not None:
        day, year = int(match.group(1)), int(match.group(3))
    else:
        raise DateUnreadable(f"อ่านวันที่ “{text.strip()}” ไม่ได้ ให้พิมพ์แบบ {DATE_FORMATS_HELP}", code="invalid")
    return _date(year, month, day, text=text)


def be_iso(value: datetime.date | None) -> str:
    """2569-06-15: how the forms show a date (the year as Thai offices write it); parse_date reads it back."""
    if value is None:
        return ""
    return f"{value.year + BE_OFFSET:04d}-{value.month:02d}-{value.day:02d}"


def be_year(value: datetime.date) -> int:
    return value.year + BE_OFFSET


def format_be_date(
    value: datetime.date | datetime.datetime | None, *, long: bool = False, english: bool = False
) -> str:
    """15 มิ.ย. 2569, or 15 มิถุนายน 2569 with long=True; 15 Jun 2569 / 15 June 2569 with english=True."""
    if value is None:
        return ""
    months = {(False, False): MONTHS_SHORT, (False, True): MONTHS_LONG,
              (True, False): MONTHS_SHORT_EN, (True, True): MONTHS_LONG_EN}[(english, long)]
    return f"{value.day} {months[value.month - 1]} {be_year(value)}"


def reader_is_english() -> bool:
    """Whether the active language is English (the interface's switch); Thai otherwise."""
    from django.utils.translation import get_language

    return (get_language() or "").startswith("en")


def format_reader_date(value: datetime.date | datetime.datetime | None, *, long: bool = False) -> str:
    """format_be_date in the active language: Thai months, or English ones on the English interface."""
    return format_be_date(value, long=long, english=reader_is_english())


def baht_in_words(amount: Decimal) -> str:
    """หนึ่งล้านสองแสน...บาทถ้วน / ...บาทห้าสิบสตางค์, for an amount with at most two decimals."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount == 0:
        return "ศูนย์บาทถ้วน"
    # bahttext takes a float; two decimals of a Decimal below 10^13 survive the conversion exactly enough.
    words = bahttext(float(amount))
    # Below one baht a receipt reads "ห้าสิบสตางค์", not "ศูนย์บาทห้าสิบสตางค์".
    return words.removeprefix("ศูนย์บาท") if amount < 1 else words
