"""Tabular exports a spreadsheet opens safely: CSV (UTF-8 with BOM, for Excel) and XLSX.

The CSV is data only (one header row), for programs. The XLSX is what a Thai office prints and files: a title block
(the report, the office, the as-of date and who exported it when, dates in the Buddhist Era), a bold header row that
stays in view and carries filters, columns as wide as their content, dates as real dates shown in BE, amounts and
counts as numbers with separators, and a Thai sheet name.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

from core.thai import format_be_date

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Excel's Thai locale (041E) with the Thai Buddhist calendar (07): 15 มิ.ย. 2569; LibreOffice reads it too.
BE_DATE_FORMAT = "[$-107041E]d mmm yyyy"
BE_DATETIME_FORMAT = "[$-107041E]d mmm yyyy hh:mm"
AMOUNT_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
MAX_COLUMN_WIDTH = 60
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class ExportTitle:
    """What the XLSX's title block says, and its sheet's name."""

    title: str
    sheet: str
    office: str = ""
    as_of: datetime.date | None = None
    exported_by: str = ""


def neutralise(value) -> object:
    """Prefix a text cell that a spreadsheet would read as a formula, so it stays text (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence], *, bom: bool = True) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise("" if v is None else v) for v in row])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def sheet_name(text: str) -> str:
    """A name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return _SHEET_FORBIDDEN.sub(" ", text).strip()[:31] or "report"


def _display_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 18
    if isinstance(value, datetime.date):
        return 12
    if isinstance(value, (int, float, Decimal)):
        return len(f"{value:,}") + 1
    # Thai vowels and tone marks above or below a consonant take no width of their own.
    text = str(value)
    return sum(1 for ch in text if not ("\u0e31" <= ch <= "\u0e3a" or "\u0e47" <= ch <= "\u0e4e")) + 1


def xlsx_bytes(
    header: Sequence[str], rows: Iterable[Sequence], *, title: ExportTitle | None = None, sheet: str = "report"
) -> bytes:
    """The rows under a bold, frozen, filtered header; with `title`, under its title block and on its sheet name.
    Without it (a file for programs, such as the interchange report) the header is the first row."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    rows = [list(row) for row in rows]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_name(title.sheet if title else sheet))
    widths = [_display_width(name) for name in header]
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], _display_width(value))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 8), MAX_COLUMN_WIDTH)

    def cell(value, **style):
        written = WriteOnlyCell(sheet, value=neutralise(value))
        for name, setting in style.items():
            setattr(written, name, setting)
        return written

    block = []
    if title is not None:
        block.append([cell(title.title, font=Font(bold=True, size=14))])
        if title.office:
            block.append([cell("หน่วยงาน"), cell(title.office)])
        if title.as_of is not None:
            block.append([cell("ข้อมูล ณ วันที่"), cell(format_be_date(title.as_of, long=True))])
        exported = f"{format_be_date(timezone.localdate())} {timezone.localtime():%H:%M} น."
        block.append([cell("ส่งออกเมื่อ"), cell(f"{exported} โดย {title.exported_by}" if title.exported_by else exported)])
        block.append([])
    header_row = len(block) + 1
    # A write-only sheet writes its view and settings with its first row: set them before any.
    sheet.freeze_panes = f"A{header_row + 1}"
    if header:
        last = f"{get_column_letter(len(header))}{header_row + len(rows)}"
        sheet.auto_filter.ref = f"A{header_row}:{last}"
    for line in block:
        sheet.append(line)
    bold, shaded = Font(bold=True), PatternFill("solid", fgColor="DDE3EE")
    sheet.append([cell(name, font=bold, fill=shaded, alignment=Alignment(wrap_text=True, vertical="top"))
                  for name in header])
    for row in rows:
        sheet.append([_data_cell(cell, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _data_cell(cell, value):
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)  # a spreadsheet knows no time zones
        return cell(value, number_format=BE_DATETIME_FORMAT)
    if isinstance(value, datetime.date):
        return cell(value, number_format=BE_DATE_FORMAT)
    if isinstance(value, Decimal):
        return cell(value, number_format=AMOUNT_FORMAT)
    if isinstance(value, int) and not isinstance(value, bool):
        return cell(value, number_format=COUNT_FORMAT)
    return cell(value)


def export_response(
    fmt: str, filename: str, header: Sequence[str], rows: Iterable[Sequence], *, title: ExportTitle | None = None
) -> HttpResponse:
    """An attachment response in `fmt` ("csv" or "xlsx"); `title` heads the XLSX (the CSV stays data only)."""
    if fmt == "xlsx":
        content = xlsx_bytes(header, rows, title=title)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        fmt, content, content_type = "csv", csv_bytes(header, rows), "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def exporter_name(user) -> str:
    """Who exported, for the title block: the name on the account, else its username."""
    return user.get_full_name() or user.username
