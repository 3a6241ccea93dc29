"""Stream the rows of a CSV (UTF-8, with or without BOM) or XLSX (first sheet) file, header row first.

Rows are yielded one at a time (csv.reader, accounts.importers.xlsx), so a large file is never held whole in memory.
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

from django.utils.translation import gettext as _

from accounts.importers.values import Cell
from accounts.importers.xlsx import XlsxError, first_sheet_rows

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


@contextmanager
def open_rows(source: BinaryIO, filename: str) -> Iterator[Iterator[list[Cell]]]:
    """Yield an iterator over the file's rows (header first), each a list of cells."""
    head = source.read(8)
    source.seek(0)
    kind = file_format(filename, head)
    if kind == XLSX:
        with _xlsx_rows(source) as rows:
            yield rows
    else:
        yield _csv_rows(source)


def _csv_rows(source: BinaryIO) -> Iterator[list[Cell]]:
    # utf-8-sig drops a BOM when there is one. Decoding errors surface while reading, at the row they are in.
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="", errors="strict")
    try:
        yield from csv.reader(text)
    except UnicodeDecodeError:
        raise ImportFileError(_("ไฟล์ CSV ต้องบันทึกแบบ UTF-8 (ใน Excel เลือก “CSV UTF-8”)")) from None
    except csv.Error as exc:
        raise ImportFileError(_("อ่านไฟล์ CSV ไม่ได้: %(error)s") % {"error": exc}) from None
    finally:
        text.detach()  # leave the caller's file open; it closes it


@contextmanager
def _xlsx_rows(source: BinaryIO) -> Iterator[Iterator[list[Cell]]]:
    yield _xlsx_row_iterator(source)


def _xlsx_row_iterator(source: BinaryIO) -> Iterator[list[Cell]]:
    try:
        yield from first_sheet_rows(source)
    except (XlsxError, zipfile.BadZipFile, KeyError, ParseError, ValueError, IndexError):
        raise ImportFileError(_("เปิดไฟล์ XLSX ไม่ได้ (ไฟล์อาจเสียหาย)")) from None


def is_utf8_text(head: bytes) -> bool:
    """Whether the first bytes of a file decode as UTF-8 (a cut multi-byte character at the end is allowed)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True
