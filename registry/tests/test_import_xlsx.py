"""The XLSX reader of the registry import gives the values openpyxl gives, much faster."""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from registry.importers.xlsx import XlsxError, first_sheet_rows

SAMPLES = Path(settings.BASE_DIR) / "fixtures" / "samples"


def trimmed(rows) -> list[list]:
    """Rows without trailing empty cells or rows; an empty string counts as empty, as it does for the import."""
    out = [[None if value == "" else value for value in row] for row in rows]
    for row in out:
        while row and row[-1] is None:
            row.pop()
    while out and not out[-1]:
        out.pop()
    return out


def openpyxl_rows(data: bytes) -> list[list]:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()
    rows = trimmed(sheet.iter_rows(values_only=True))
    workbook.close()
    return rows


def saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.xlsx")))
def test_samples_read_as_openpyxl_reads_them(name):
    data = (SAMPLES / name).read_bytes()
    assert trimmed(first_sheet_rows(io.BytesIO(data))) == openpyxl_rows(data)


def test_types_gaps_dates_and_the_first_sheet():
    workbook = Workbook()
    first = workbook.active
    first.title = "ข้อมูล"
    first["A1"], first["B1"], first["D1"] = "national_id", "ชื่อ", "birth_date"
    first["A2"] = 3470100000011
    first["B2"] = CellRichText([TextBlock(InlineFont(b=True), "สม"), "ชาย"])
    first["D2"] = datetime.date(1975, 3, 12)
    first["D2"].number_format = "d mmm yyyy"
    first["A3"], first["B3"], first["C3"] = 12.5, True, False
    first["D3"] = datetime.datetime(2026, 6, 15, 8, 30)
    first["A6"] = "after a gap"
    first["E6"] = 46188  # a plain number stays a number
    first["F6"] = 46188
    first["F6"].number_format = "[$-th-TH,107]d mmmm yyyy"  # a Thai date format
    second = workbook.create_sheet("อื่น")
    second["A1"] = "not this one"
    data = saved(workbook)

    rows = trimmed(first_sheet_rows(io.BytesIO(data)))

    assert rows == openpyxl_rows(data)
    assert rows[1] == [3470100000011, "สมชาย", None, datetime.datetime(1975, 3, 12)]
    assert rows[2] == [12.5, True, False, datetime.datetime(2026, 6, 15, 8, 30)]
    assert rows[3] == [] and rows[4] == []  # rows 4 and 5 are empty but still counted
    assert rows[5] == ["after a gap", None, None, None, 46188, datetime.datetime(2026, 6, 15)]


def test_first_sheet_is_the_first_in_the_workbook_not_the_first_file():
    workbook = Workbook()
    workbook.active["A1"] = "second"
    first = workbook.create_sheet("first", 0)
    first["A1"] = "first"
    data = saved(workbook)
    assert trimmed(first_sheet_rows(io.BytesIO(data))) == [["first"]] == openpyxl_rows(data)


def test_1904_date_system():
    workbook = Workbook()
    workbook.epoch = datetime.datetime(1904, 1, 1)
    workbook.active["A1"] = datetime.date(2026, 6, 15)
    data = saved(workbook)
    assert trimmed(first_sheet_rows(io.BytesIO(data))) == [[datetime.datetime(2026, 6, 15)]] == openpyxl_rows(data)


def test_damaged_files():
    with pytest.raises(XlsxError):
        list(first_sheet_rows(io.BytesIO(b"PK\x03\x04 not really a zip")))
