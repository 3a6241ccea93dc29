"""Stream the rows of a CSV (UTF-8, with or without BOM) or XLSX (first sheet) file, header row first.

Rows are yielded one at a time (csv.reader, registry.importers.xlsx), so a large file is never held whole in memory.
The work a file may ask for is bounded (settings.REGISTRY_IMPORT_MAX_ROWS and its neighbours, see `read_limits`):
a file past a bound is refused at once with a message that names the bound and the row, never left to exhaust the
worker.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from registry.importers.values import Cell
from registry.importers.xlsx import SheetLimitError, SheetLimits, XlsxError, first_sheet_rows

CSV = "csv"
XLSX = "xlsx"
ZIP_MAGIC = b"PK\x03\x04"


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, not UTF-8, damaged). Nothing was imported."""


def not_csv_or_xlsx_message() -> str:
    return _("รับเฉพาะไฟล์ CSV (UTF-8) หรือ XLSX (Excel 2007 ขึ้นไป)")


def file_format(filename: str, head: bytes) -> str:
    """Decide CSV or XLSX from the file name and its first bytes; raise ImportFileError for anything else."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        if not head.startswith(ZIP_MAGIC):
            raise ImportFileError(_("ไฟล์นี้ไม่ใช่ไฟล์ XLSX ที่ถูกต้อง (อาจเสียหาย หรือเป็นไฟล์ .xls รุ่นเก่า)"))
        return XLSX
    if suffix == ".csv":
        if head.startswith(ZIP_MAGIC) or b"\x00" in head:
            raise ImportFileError(_("ไฟล์นี้ไม่ใช่ไฟล์ CSV แบบข้อความ"))
        return CSV
    raise ImportFileError(not_csv_or_xlsx_message())


def read_limits() -> SheetLimits:
    """The bounds on an imported file, from the settings (see rightsadmin/settings.py)."""
    return SheetLimits(
        max_rows=settings.REGISTRY_IMPORT_MAX_ROWS,
        max_columns=settings.REGISTRY_IMPORT_MAX_COLUMNS,
        max_blank_rows=settings.REGISTRY_IMPORT_MAX_BLANK_ROWS,
        max_unpacked_bytes=settings.REGISTRY_IMPORT_MAX_UNPACKED_BYTES,
        max_compression_ratio=settings.REGISTRY_IMPORT_MAX_COMPRESSION_RATIO,
    )


@contextmanager
def open_rows(source: BinaryIO, filename: str) -> Iterator[Iterator[list[Cell]]]:
    """Yield an iterator over the file's rows (header first), each a list of cells."""
    head = source.read(8)
    source.seek(0)
    kind = file_format(filename, head)
    limits = read_limits()
    if kind == XLSX:
        with _xlsx_rows(source, limits) as rows:
            yield rows
    else:
        yield _csv_rows(source, limits)


def _csv_rows(source: BinaryIO, limits: SheetLimits) -> Iterator[list[Cell]]:
    # utf-8-sig drops a BOM when there is one. Decoding errors surface while reading, at the row they are in.
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="", errors="strict")
    last_row = limits.max_rows + 1  # the header is row 1
    try:
        for number, row in enumerate(csv.reader(text), start=1):
            if number > last_row:
                raise SheetLimitError("rows", limits.max_rows, row=number)
            if len(row) > limits.max_columns and any(row[limits.max_columns:]):
                raise SheetLimitError("columns", limits.max_columns, row=number)
            yield row
    except SheetLimitError as exc:
        raise ImportFileError(limit_message(exc)) from None
    except UnicodeDecodeError:
        raise ImportFileError(_("ไฟล์ CSV ต้องบันทึกแบบ UTF-8 (ใน Excel เลือก “CSV UTF-8”)")) from None
    except csv.Error as exc:
        raise ImportFileError(_("อ่านไฟล์ CSV ไม่ได้: %(error)s") % {"error": exc}) from None
    finally:
        text.detach()  # leave the caller's file open; it closes it


@contextmanager
def _xlsx_rows(source: BinaryIO, limits: SheetLimits) -> Iterator[Iterator[list[Cell]]]:
    yield _xlsx_row_iterator(source, limits)


def _xlsx_row_iterator(source: BinaryIO, limits: SheetLimits) -> Iterator[list[Cell]]:
    try:
        yield from first_sheet_rows(source, limits)
    except SheetLimitError as exc:
        raise ImportFileError(limit_message(exc)) from None
    except (XlsxError, zipfile.BadZipFile, KeyError, ParseError, ValueError, IndexError, OverflowError):
        raise ImportFileError(_("เปิดไฟล์ XLSX ไม่ได้ (ไฟล์อาจเสียหาย)")) from None


def limit_message(error: SheetLimitError) -> str:
    """The Thai sentence for a file past one of the bounds: which bound, where, and what to do."""
    values = {
        "limit": number_format(error.limit, force_grouping=True),
        "row": number_format(error.row or 0, force_grouping=True),
        "previous": number_format(error.previous_row or 0, force_grouping=True),
        "cell": error.cell,
        "member": error.member,
        "limit_size": f"{error.limit / (1024 * 1024):,.0f}",
        "ratio": number_format(error.value, force_grouping=True),
    }
    if error.bound == "rows":
        return _("แถว %(row)s: ไฟล์มีข้อมูลเกิน %(limit)s แถวที่นำเข้าได้ในครั้งเดียว "
                 "กรุณาแบ่งไฟล์เป็นหลายไฟล์") % values
    if error.bound == "columns" and error.cell:
        return _("แถว %(row)s เซลล์ %(cell)s: อยู่เกินคอลัมน์ที่รับได้ (ไม่เกิน %(limit)s คอลัมน์)") % values
    if error.bound == "columns":
        return _("แถว %(row)s: มีข้อมูลเกิน %(limit)s คอลัมน์ที่รับได้") % values
    if error.bound == "row_order":
        return _("แถว %(row)s: เลขแถวในไฟล์ไม่เรียงลำดับ (มาหลังแถว %(previous)s) ไฟล์อาจถูกสร้างผิดรูปแบบ "
                 "กรุณาเปิดใน Excel แล้วบันทึกใหม่") % values
    if error.bound == "blank_rows":
        return _("แถว %(row)s: เลขแถวกระโดดจากแถว %(previous)s (เว้นว่างเกิน %(limit)s แถว) ไฟล์อาจถูกสร้างผิดรูปแบบ "
                 "กรุณาเปิดใน Excel แล้วบันทึกใหม่") % values
    if error.bound == "unpacked_bytes":
        return _("ไฟล์ XLSX เมื่อแตกออกมีขนาดเกิน %(limit_size)s MB ที่รับได้ "
                 "กรุณาแบ่งไฟล์เป็นหลายไฟล์") % values
    return _("ไฟล์ XLSX มีส่วน %(member)s ที่บีบอัดไว้ %(ratio)s เท่า เกินกว่าไฟล์ Excel ปกติ (ไม่เกิน %(limit)s เท่า)") % values


def is_utf8_text(head: bytes) -> bool:
    """Whether the first bytes of a file decode as UTF-8 (a cut multi-byte character at the end is allowed)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True
