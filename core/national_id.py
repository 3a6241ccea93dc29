"""Thai national ID numbers: normalisation, checksum, masking."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.th import pin

from core.thai import thai_digits_to_arabic

INVALID_NATIONAL_ID = _("เลขประจำตัวประชาชนต้องมี 13 หลักและเลขตรวจสอบ (หลักสุดท้าย) ถูกต้อง")


def normalize_national_id(value: str) -> str:
    """Return the 13 digits of a national ID written with dashes, spaces or Thai digits."""
    return "".join(ch for ch in thai_digits_to_arabic(str(value)) if ch not in " -\u00a0\t")


def parse_national_id(value: str) -> str:
    """Return the normalised national ID, or raise ValidationError when it is not a valid one."""
    digits = normalize_national_id(value)
    try:
        return pin.validate(digits)
    except StdnumValidationError:
        raise ValidationError(INVALID_NATIONAL_ID, code="invalid_national_id") from None


def validate_national_id(value: str) -> None:
    if not pin.is_valid(value):
        raise ValidationError(INVALID_NATIONAL_ID, code="invalid_national_id")


def format_national_id(value: str) -> str:
    """1-2345-67890-12-1, the way the ID is printed on the card."""
    if len(value) != 13:
        return value
    return f"{value[0]}-{value[1:5]}-{value[5:10]}-{value[10:12]}-{value[12]}"


def mask_national_id(value: str) -> str:
    """1-2345-xxxxx-xx-1: enough to tell people apart in a list, not enough to reuse."""
    if len(value) != 13:
        return "x" * len(value)
    return f"{value[0]}-{value[1:5]}-xxxxx-xx-{value[12]}"
