"""The XLSX a Thai office files: a title block, a frozen and filtered bold header, real dates shown in BE, numbers
with separators, columns as wide as their content, a Thai sheet name; the CSV stays data only."""

import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from conftest import xlsx_table
from core.exports import AMOUNT_FORMAT, BE_DATE_FORMAT, ExportTitle, csv_bytes, sheet_name, xlsx_bytes

HEADER = ["หน่วยงาน", "วันที่", "จำนวนใบ", "จำนวนเงิน (บาท)", "หมายเหตุ"]
ROWS = [
    ["ที่ทำการปกครองอำเภอเมืองสกลนคร", datetime.date(2026, 6, 15), 1234, Decimal("12500.50"), "=HYPERLINK(1)"],
    ["อำเภอกุสุมาลย์", datetime.date(2026, 6, 16), 2, Decimal("0.25"), ""],
]
TITLE = ExportTitle("รายงานสรุปการรับเงินประจำวัน", sheet="สรุป: มิ.ย./2569", office="ที่ทำการปกครองจังหวัดสกลนคร",
                    as_of=datetime.date(2026, 6, 15), exported_by="นายสมชาย ไชยวงศ์")


def test_the_xlsx_has_a_title_block_and_a_frozen_filtered_header():
    content = xlsx_bytes(HEADER, ROWS, title=TITLE)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "สรุป  มิ.ย. 2569"  # the characters Excel refuses in a sheet name are gone
    assert sheet["A1"].value == "รายงานสรุปการรับเงินประจำวัน" and sheet["A1"].font.bold
    block = {sheet.cell(row, 1).value: sheet.cell(row, 2).value for row in range(2, 5)}
    assert block["หน่วยงาน"] == "ที่ทำการปกครองจังหวัดสกลนคร"
    assert block["ข้อมูล ณ วันที่"] == "15 มิถุนายน 2569"
    assert "โดย นายสมชาย ไชยวงศ์" in block["ส่งออกเมื่อ"] and "น." in block["ส่งออกเมื่อ"]
    header_row = sheet.max_row - len(ROWS)
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert sheet.auto_filter.ref == f"A{header_row}:E{sheet.max_row}"
    assert [sheet.cell(header_row, column).value for column in range(1, 6)] == HEADER
    assert all(sheet.cell(header_row, column).font.bold for column in range(1, 6))


def test_dates_are_dates_shown_in_the_buddhist_era_and_amounts_are_numbers():
    sheet = load_workbook(io.BytesIO(xlsx_bytes(HEADER, ROWS, title=TITLE))).active
    first = sheet.max_row - 1
    day, count, amount, note = (sheet.cell(first, column) for column in (2, 3, 4, 5))
    assert day.value == datetime.datetime(2026, 6, 15) and day.number_format == BE_DATE_FORMAT
    assert count.value == 1234 and count.number_format == "#,##0"
    assert float(amount.value) == 12500.5 and amount.number_format == AMOUNT_FORMAT
    assert note.value == "'=HYPERLINK(1)"  # a formula-like text stays text
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDE"}
    assert widths["A"] > widths["C"] >= 8  # as wide as the office's name, not a fixed width


def test_without_a_title_the_header_is_the_first_row_for_programs():
    sheet = load_workbook(io.BytesIO(xlsx_bytes(HEADER, ROWS, sheet="audit"))).active
    assert sheet.title == "audit" and [cell.value for cell in sheet[1]] == HEADER and sheet.freeze_panes == "A2"
    assert xlsx_table(xlsx_bytes(HEADER, ROWS, title=TITLE))[0] == HEADER


def test_the_csv_stays_data_only():
    text = csv_bytes(HEADER, ROWS).decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(HEADER) and "2026-06-15" in text and "'=HYPERLINK(1)" in text
    assert sheet_name("") == "report" and len(sheet_name("ก" * 40)) == 31
