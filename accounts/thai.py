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
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def thai_digits_to_arabic(text: str) -> str:
    return text.translate(_TO_ARABIC)


def parse_date(text: str) -> datetime.date:
    """Read YYYY-MM-DD, in Thai or Arabic digits; a year of 2400 or more is Buddhist Era.

    Raises ValueError with a message for the user when the text is not a real date.
    """
    match = _ISO_DATE.match(thai_digits_to_arabic(text))
    if not match:
        raise ValueError("ต้องเป็นวันที่ในรูปแบบ ปปปป-ดด-วว")
    year, month, day = (int(part) for part in match.groups())
    if year >= 2400:
        year -= BE_OFFSET
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(f"ไม่มีวันที่นี้ในปฏิทิน: {text.strip()}") from None


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


def baht_in_words(amount: Decimal) -> str:
    """หนึ่งล้านสองแสน...บาทถ้วน / ...บาทห้าสิบสตางค์, for an amount with at most two decimals."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount == 0:
        return "ศูนย์บาทถ้วน"
    # bahttext takes a float; two decimals of a Decimal below 10^13 survive the conversion exactly enough.
    words = bahttext(float(amount))
    # Below one baht a receipt reads "ห้าสิบสตางค์", not "ศูนย์บาทห้าสิบสตางค์".
    return words.removeprefix("ศูนย์บาท") if amount < 1 else words
