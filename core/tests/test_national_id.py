import pytest
from django.core.exceptions import ValidationError

from core.national_id import mask_national_id, parse_national_id

VALID = "1101700230708"


@pytest.mark.parametrize(
    "written",
    [VALID, "1-1017-00230-70-8", "1 1017 00230 70 8", "๑๑๐๑๗๐๐๒๓๐๗๐๘", "๑-๑๐๑๗-๐๐๒๓๐-๗๐-๘"],
)
def test_parse_accepts_dashes_spaces_and_thai_digits(written):
    assert parse_national_id(written) == VALID


@pytest.mark.parametrize("written", ["1101700230705", "110170023070", "11017002307055", "abc", ""])
def test_parse_rejects_bad_checksum_and_length(written):
    with pytest.raises(ValidationError):
        parse_national_id(written)


def test_mask_keeps_first_and_last_digit():
    assert mask_national_id(VALID) == "1-1017-xxxxx-xx-8"
