"""Read one cell of an interchange file into a Python value, or raise CellError with a Thai message.

The rules are those of spec/interchange.md ("Values"): dashed national IDs, Buddhist-Era years (2400 or more),
Thai digits wherever a digit may stand, levels by code or Thai or English name, Thai status words.
A cell arrives as text from a CSV file, or as text, a number, a date or a boolean from an XLSX file.
"""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Level, Official
from core.national_id import normalize_national_id
from core.thai import BE_OFFSET, format_be_date, parse_iso_date, thai_digits_to_arabic

BANGKOK = ZoneInfo("Asia/Bangkok")

Cell = str | datetime.date | datetime.datetime | bool | None


class CellError(ValueError):
    """A cell that cannot be read; the message is shown to the person who sent the file."""


def cell_text(value: object) -> str:
    """The text of a cell as a person would read it: numbers without ".0", surrounding spaces removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).replace("\u00a0", " ").strip()


def collapse_spaces(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------------------------
# National ID


def national_id_value(value: Cell) -> str:
    text = cell_text(value)
    digits = normalize_national_id(text)
    if not digits.isdigit() or not digits.isascii():
        raise CellError(_("เลขประจำตัวประชาชนต้องเป็นตัวเลข 13 หลัก (มีขีดหรือเว้นวรรคได้): %(value)s") % {"value": text})
    if len(digits) != 13:
        raise CellError(_("เลขประจำตัวประชาชนต้องมี 13 หลัก แต่มี %(count)d หลัก: %(value)s") % {"count": len(digits), "value": text})
    if digits[0] in "09":
        raise CellError(_("เลขประจำตัวประชาชนขึ้นต้นด้วย 0 หรือ 9 ไม่ได้: %(value)s") % {"value": text})
    if digits[-1] != _check_digit(digits):
        raise CellError(_("เลขตรวจสอบ (หลักสุดท้าย) ของเลขประจำตัวประชาชนไม่ถูกต้อง: %(value)s") % {"value": text})
    return digits


def _check_digit(digits: str) -> str:
    # The same rule as stdnum.th.pin.calc_check_digit, inlined: it runs once per row of large files.
    total = sum((13 - i) * int(d) for i, d in enumerate(digits[:12])) % 11
    return str((11 - total) % 10)


# ---------------------------------------------------------------------------------------------------------------
# Dates


def _be_to_ce(value: datetime.date) -> datetime.date:
    """A date cell typed as 2569-06-15 in a spreadsheet is a Buddhist-Era date."""
    if value.year >= 2400:
        try:
            return value.replace(year=value.year - BE_OFFSET)
        except ValueError:  # 29 February of a BE year whose CE year is not a leap year cannot exist
            raise CellError(_("ไม่มีวันที่นี้ในปฏิทิน: %(value)s") % {"value": value.isoformat()}) from None
    return value


def date_value(value: Cell) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time(0, 0):
            raise CellError(_("ต้องเป็นวันที่ ไม่ใช่วันเวลา: %(value)s") % {"value": cell_text(value)})
        return _be_to_ce(value.date())
    if isinstance(value, datetime.date):
        return _be_to_ce(value)
    try:
        return parse_iso_date(cell_text(value))
    except ValueError as exc:
        raise CellError(str(exc)) from None


_ISO_DATETIME_YEAR = re.compile(r"^(\d{4})(-.*)$")


def datetime_value(value: Cell) -> datetime.datetime:
    """An ISO date-time; a naive one is read in Asia/Bangkok. A date alone means midnight."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time())
    else:
        text = thai_digits_to_arabic(cell_text(value))
        match = _ISO_DATETIME_YEAR.match(text)
        if match and int(match.group(1)) >= 2400:
            # Convert the year before parsing: 2567-02-29 (BE) is 2024-02-29, a real day.
            text = f"{int(match.group(1)) - BE_OFFSET:04d}{match.group(2)}"
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise CellError(
                _("ต้องเป็นวันเวลาแบบ ISO เช่น 2026-06-15T08:30:00 หรือ 2569-06-15 08:30: %(value)s") % {"value": cell_text(value)}
            ) from None
    if moment.year >= 2400:
        moment = datetime.datetime.combine(_be_to_ce(moment.date()), moment.timetz())
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=BANGKOK)
    return moment


def describe_date(value: datetime.date | None) -> str:
    return format_be_date(value) if value else "-"


# ---------------------------------------------------------------------------------------------------------------
# Words


_TRUE = {"true", "t", "yes", "y", "1", "ใช่", "จริง", "ใช้งาน"}
_FALSE = {"false", "f", "no", "n", "0", "ไม่ใช่", "เท็จ", "ไม่ใช้งาน", "ระงับ"}


def boolean_value(value: Cell) -> bool:
    if isinstance(value, bool):
        return value
    text = thai_digits_to_arabic(cell_text(value)).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(_("ต้องเป็น true หรือ false: %(value)s") % {"value": cell_text(value)})


STATUS_WORDS: dict[str, str] = {
    **{status.value: status.value for status in Official.Status},
    # The Thai words of the interchange spec, written out rather than read from the labels: the labels are
    # translated, and this module is first imported inside a request, where English may be the active language.
    "ปฏิบัติราชการ": Official.Status.ACTIVE.value,
    "เกษียณ": Official.Status.RETIRED.value,
    "ย้าย": Official.Status.TRANSFERRED.value,
    "ลาออก": Official.Status.RESIGNED.value,
    "ถึงแก่กรรม": Official.Status.DECEASED.value,
    "เกษียณอายุราชการ": Official.Status.RETIRED.value,
    "ย้ายไปปฏิบัติราชการที่อื่น": Official.Status.TRANSFERRED.value,
}


def status_value(value: Cell) -> str:
    text = collapse_spaces(cell_text(value))
    status = STATUS_WORDS.get(text.casefold()) or STATUS_WORDS.get(text)
    if status is None:
        raise CellError(
            _("ไม่รู้จักสถานะ %(value)s (ใช้ active, retired, transferred, resigned, deceased "
              "หรือ ปฏิบัติราชการ, เกษียณ, ย้าย, ลาออก, ถึงแก่กรรม)") % {"value": text}
        )
    return status


def level_names(levels: list[Level]) -> dict[str, Level]:
    """Every way a file may name a level: K3, ชำนาญการพิเศษ, Senior Professional, and "ชำนาญการพิเศษ (K3)"."""
    names: dict[str, Level] = {}
    for level in levels:
        for name in (level.code, level.name_th, level.name_en, f"{level.name_th} ({level.code})"):
            names[collapse_spaces(name).casefold()] = level
    return names


def level_key(value: Cell) -> str:
    return collapse_spaces(thai_digits_to_arabic(cell_text(value))).casefold()


def code_value(value: Cell) -> str:
    """A unit or role code: Thai digits read as digits, letters in upper case."""
    return thai_digits_to_arabic(cell_text(value)).replace(" ", "").upper()


_ORDER_NUMBER = re.compile(r"^(\d{1,6})/(\d{4})$")


def order_number_value(value: Cell) -> str:
    text = thai_digits_to_arabic(cell_text(value)).replace(" ", "")
    match = _ORDER_NUMBER.match(text)
    if not match:
        raise CellError(_("เลขที่คำสั่งต้องอยู่ในรูปแบบ 123/2569: %(value)s") % {"value": cell_text(value)})
    return f"{int(match.group(1))}/{match.group(2)}"


_username_validator = UnicodeUsernameValidator()


def username_value(value: Cell) -> str:
    text = cell_text(value)
    if len(text) > 150:
        raise CellError(_("ชื่อผู้ใช้ยาวเกิน 150 ตัวอักษร"))
    try:
        _username_validator(text)
    except ValidationError:
        raise CellError(_("ชื่อผู้ใช้ใช้ได้เฉพาะตัวอักษร ตัวเลข และ @ . + - _ (ไม่มีเว้นวรรค): %(value)s") % {"value": text}) from None
    return text
