import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template

from core.thai import baht_in_words, parse_date, parse_iso_date


def render(template: str, **context) -> str:
    return Template(template).render(Context(context))


def test_be_date_filters():
    day = datetime.date(2026, 6, 15)
    assert render("{{ d|be_date }}", d=day) == "15 มิ.ย. 2569"
    assert render("{{ d|be_date_long }}", d=day) == "15 มิถุนายน 2569"
    assert render("{{ d|be_date }}", d=None) == ""


def test_be_datetime_shows_bangkok_time():
    moment = datetime.datetime(2026, 6, 14, 20, 30, tzinfo=datetime.UTC)  # 03:30 on the 15th in Bangkok
    assert render("{{ d|be_datetime }}", d=moment) == "15 มิ.ย. 2569 03:30"


@pytest.mark.parametrize(
    "text, expected",
    [("2026-06-15", datetime.date(2026, 6, 15)), ("2569-06-15", datetime.date(2026, 6, 15)),
     ("๒๕๖๙-๐๖-๑๕", datetime.date(2026, 6, 15)), ("15/06/2569", datetime.date(2026, 6, 15)),
     ("15/6/2026", datetime.date(2026, 6, 15)), ("๑๕/๐๖/๒๕๖๙", datetime.date(2026, 6, 15)),
     ("15 มิ.ย. 2569", datetime.date(2026, 6, 15)), ("15มิ.ย.2569", datetime.date(2026, 6, 15)),
     ("15 มิถุนายน พ.ศ. 2569", datetime.date(2026, 6, 15)), ("๑ ต.ค. ๒๕๖๙", datetime.date(2026, 10, 1)),
     ("15 June 2026", datetime.date(2026, 6, 15)), ("15 Jun 2569", datetime.date(2026, 6, 15))],
)
def test_parse_date_reads_the_ways_offices_write_a_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["15/06/2569", "15 มิ.ย. 2569"])
def test_the_interchange_files_and_the_api_take_iso_dates_only(text):
    with pytest.raises(ValueError, match="ปปปป-ดด-วว"):
        parse_iso_date(text)
    assert parse_iso_date("2569-06-15") == datetime.date(2026, 6, 15)


@pytest.mark.parametrize("text", ["2569-02-30", "31/04/2569", "15 มิถุ 2569", "", "2026-13-01", "15/13/2569"])
def test_parse_date_rejects_impossible_dates(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    "amount, words",
    [
        ("0.50", "ห้าสิบสตางค์"),
        ("1", "หนึ่งบาทถ้วน"),
        ("21", "ยี่สิบเอ็ดบาทถ้วน"),
        ("101", "หนึ่งร้อยเอ็ดบาทถ้วน"),
        ("1000000", "หนึ่งล้านบาทถ้วน"),
        ("1234567.89", "หนึ่งล้านสองแสนสามหมื่นสี่พันห้าร้อยหกสิบเจ็ดบาทแปดสิบเก้าสตางค์"),
        ("0", "ศูนย์บาทถ้วน"),
    ],
)
def test_baht_in_words(amount, words):
    assert baht_in_words(Decimal(amount)) == words


def test_thai_sort_key_puts_names_in_dictionary_order():
    from core.thai import thai_sort_key

    names = ["สมชาย", "เกศินี", "กมล", "ไก่", "เกิด", "วันที่", "วัว", "หมู"]
    # Code-point order would put every name starting with เ or ไ after สมชาย and หมู.
    assert sorted(names, key=thai_sort_key) == ["กมล", "เกศินี", "เกิด", "ไก่", "วันที่", "วัว", "สมชาย", "หมู"]
    assert sorted(["ก้อย", "กอ"], key=thai_sort_key) == ["กอ", "ก้อย"]  # tone marks only break ties
