"""Cell readers of the registry import: the value rules of spec/interchange.md."""

import datetime
import random
from zoneinfo import ZoneInfo

import pytest
from stdnum.th import pin

from registry.importers.values import (
    CellError,
    boolean_value,
    date_value,
    datetime_value,
    national_id_value,
    order_number_value,
    status_value,
)

BANGKOK = ZoneInfo("Asia/Bangkok")


def test_national_id_check_digit_agrees_with_stdnum():
    rnd = random.Random(2569)
    for _ in range(2000):
        body = str(rnd.randint(1, 8)) + "".join(str(rnd.randint(0, 9)) for _ in range(11))
        good = body + pin.calc_check_digit(body)
        assert national_id_value(good) == good
        bad = body + str((int(good[-1]) + 1) % 10)
        with pytest.raises(CellError, match="เลขตรวจสอบ"):
            national_id_value(bad)


@pytest.mark.parametrize("written", ["3-4701-00000-01-1", "๓-๔๗๐๑-๐๐๐๐๐-๐๑-๑", " 3 4701 00000 01 1 ", 3470100000011])
def test_national_id_forms(written):
    assert national_id_value(written) == "3470100000011"


@pytest.mark.parametrize("written, message", [
    ("347010000001", "13 หลัก"), ("0470100000011", "ขึ้นต้นด้วย 0"), ("3-4701-ABCDE-01-1", "ตัวเลข"),
])
def test_national_id_refusals(written, message):
    with pytest.raises(CellError, match=message):
        national_id_value(written)


@pytest.mark.parametrize("written, expected", [
    ("2569-06-15", datetime.date(2026, 6, 15)),
    ("๒๕๖๙-๐๖-๑๕", datetime.date(2026, 6, 15)),
    ("2026-06-15", datetime.date(2026, 6, 15)),
    ("2567-02-29", datetime.date(2024, 2, 29)),  # BE 2567 is the leap year 2024
    (datetime.datetime(2026, 6, 15), datetime.date(2026, 6, 15)),
    (datetime.date(2569, 6, 15), datetime.date(2026, 6, 15)),  # a date cell typed in BE
])
def test_dates(written, expected):
    assert date_value(written) == expected


@pytest.mark.parametrize("written", ["2569-02-30", "15/06/2569", "2026-13-01", datetime.datetime(2026, 6, 15, 8, 30)])
def test_impossible_or_unreadable_dates(written):
    with pytest.raises(CellError):
        date_value(written)


@pytest.mark.parametrize("written, expected", [
    ("2026-06-15T08:30:00", datetime.datetime(2026, 6, 15, 8, 30, tzinfo=BANGKOK)),
    ("2026-06-15 08:30", datetime.datetime(2026, 6, 15, 8, 30, tzinfo=BANGKOK)),
    ("2569-06-15 08:30", datetime.datetime(2026, 6, 15, 8, 30, tzinfo=BANGKOK)),
    ("2567-02-29 23:59", datetime.datetime(2024, 2, 29, 23, 59, tzinfo=BANGKOK)),
    ("2026-06-15T01:30:00Z", datetime.datetime(2026, 6, 15, 8, 30, tzinfo=BANGKOK)),
    ("2026-06-15T08:30:00+07:00", datetime.datetime(2026, 6, 15, 8, 30, tzinfo=BANGKOK)),
    ("๒๐๒๖-๐๖-๑๕ ๐๘:๓๐", datetime.datetime(2026, 6, 15, 8, 30, tzinfo=BANGKOK)),
    (datetime.datetime(2026, 6, 15, 8, 30), datetime.datetime(2026, 6, 15, 8, 30, tzinfo=BANGKOK)),
])
def test_datetimes_are_read_in_bangkok_when_naive(written, expected):
    assert datetime_value(written) == expected


@pytest.mark.parametrize("written, expected", [
    ("true", True), ("FALSE", False), ("1", True), ("0", False), ("ใช่", True), (True, True), ("๑", True),
])
def test_booleans(written, expected):
    assert boolean_value(written) is expected


@pytest.mark.parametrize("written, expected", [
    ("active", "active"), ("ปฏิบัติราชการ", "active"), ("Retired", "retired"), ("เกษียณ", "retired"),
    ("ย้าย", "transferred"), ("ลาออก", "resigned"), ("ถึงแก่กรรม", "deceased"),
])
def test_status_words(written, expected):
    assert status_value(written) == expected


@pytest.mark.parametrize("written, expected", [("12/2569", "12/2569"), ("๕/๒๕๖๙", "5/2569"), (" 007 / 2569", "7/2569")])
def test_order_numbers(written, expected):
    assert order_number_value(written) == expected
