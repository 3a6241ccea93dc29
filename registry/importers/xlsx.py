"""Stream the values of the first sheet of an XLSX file, row by row.

openpyxl's read-only mode spends about 3 s of CPU on a 30,000-row, 9-column sheet, more than the whole rest of an
import: it builds and converts every cell in Python. This reader walks the sheet XML with the standard library's
C parser (xml.etree iterparse: it never resolves external entities, and expat 2.4+ caps entity expansion) and keeps
only what an import needs: strings (shared, inline, rich text), numbers, booleans and dates (number cells whose
style is a date format, as openpyxl decides it). Gaps in the sheet come back as empty rows, so row numbers stay
those the person sees.

A file is someone else's input, and a small one can ask for a great deal of work: `<row r="2000000000">` in 1.4 KB,
a zip member that unpacks a thousandfold, a cell reference `AAAAAAAA2`. `SheetLimits` bounds each of these before the
work is done, and `SheetLimitError` says which bound a file broke and where, for the caller to word.
"""

from __future__ import annotations

import datetime
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO
from xml.etree.ElementTree import Element, iterparse

from openpyxl.styles.numbers import is_date_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
ROW, CELL, VALUE, TEXT, INLINE = (f"{MAIN}{name}" for name in ("row", "c", "v", "t", "is"))
# Built-in number formats that show dates or times, including the East Asian and Thai ones (50-58, 71-81) that
# Excel does not write into styles.xml.
BUILTIN_DATE_FORMATS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59), *range(71, 82)}
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


# Excel's own bounds: 1,048,576 rows and 16,384 columns (XFD), so a column never has more than three letters.
EXCEL_MAX_COLUMN_LETTERS = 3
# Zip members smaller than this are not judged by their ratio: tiny XML parts compress very well and harm nobody.
RATIO_CHECK_FROM_BYTES = 1024 * 1024


class XlsxError(Exception):
    """The file is not a readable XLSX workbook."""


@dataclass(frozen=True)
class SheetLimits:
    max_rows: int = 300_000  # data rows, the header row not counted
    max_columns: int = 50
    max_blank_rows: int = 1_000  # rows a sheet may leave out between two rows it has
    max_unpacked_bytes: int = 256 * 1024 * 1024
    max_compression_ratio: int = 100


@dataclass
class SheetLimitError(XlsxError):
    """The file breaks one of the SheetLimits. `bound` names which: rows, columns, row_order, blank_rows,
    unpacked_bytes, compression_ratio; `row` and `cell` say where, when a place can be named."""

    bound: str
    limit: int
    row: int | None = None
    previous_row: int | None = None
    cell: str = ""
    member: str = ""
    value: int = 0

    def __str__(self) -> str:
        return f"{self.bound} (limit {self.limit}) at row {self.row} cell {self.cell!r} member {self.member!r}"


def first_sheet_rows(source: BinaryIO, limits: SheetLimits | None = None) -> Iterator[list]:
    """Yield each row of the first sheet as a list of values (str, int, float, bool, datetime, or None).

    Raises SheetLimitError as soon as the file breaks one of `limits`, before doing the work it asks for.
    """
    limits = limits or SheetLimits()
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        raise XlsxError(str(exc)) from None
    with archive:
        _check_sizes(archive, limits)
        sheet = _first_sheet_path(archive)
        shared = _shared_strings(archive)
        date_styles = _date_styles(archive)
        epoch = MAC_EPOCH if _uses_1904_dates(archive) else WINDOWS_EPOCH
        last_row = limits.max_rows + 1  # the header is row 1
        previous = 0
        with archive.open(sheet) as stream:
            for _event, element in iterparse(stream):
                if element.tag != ROW:
                    continue
                number = int(element.get("r") or previous + 1)
                if number <= previous:
                    raise SheetLimitError("row_order", 0, row=number, previous_row=previous)
                if number > last_row:
                    raise SheetLimitError("rows", limits.max_rows, row=number)
                if number - previous - 1 > limits.max_blank_rows:
                    raise SheetLimitError("blank_rows", limits.max_blank_rows, row=number, previous_row=previous)
                for _blank in range(number - previous - 1):  # rows the sheet leaves out are empty rows
                    yield []
                yield _row_values(element, number, shared, date_styles, epoch, limits.max_columns)
                previous = number
                element.clear()


def _check_sizes(archive: zipfile.ZipFile, limits: SheetLimits) -> None:
    """Judge the archive by its directory before unpacking anything. zipfile stops a member at its declared size
    (and fails its checksum if the data runs on), so the declared sizes bound what reading can produce."""
    total = 0
    for member in archive.infolist():
        total += member.file_size
        if total > limits.max_unpacked_bytes:
            raise SheetLimitError("unpacked_bytes", limits.max_unpacked_bytes, member=member.filename, value=total)
        if member.file_size >= RATIO_CHECK_FROM_BYTES:
            ratio = member.file_size // max(member.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise SheetLimitError("compression_ratio", limits.max_compression_ratio, member=member.filename,
                                      value=ratio)


def _row_values(
    row: Element, number: int, shared: list[str], date_styles: set[int], epoch: datetime.datetime, max_columns: int
) -> list:
    values: list = []
    for cell in row.iter(CELL):
        ref = cell.get("r")
        if ref:
            match = _CELL_REF.match(ref)
            if match and len(match.group(1)) > EXCEL_MAX_COLUMN_LETTERS:
                raise SheetLimitError("columns", max_columns, row=number, cell=ref[:20])
            index = _column_index(match.group(1)) if match else len(values)
            if index >= max_columns:
                if _is_blank(cell):
                    continue  # formatting Excel keeps far to the right; no value, nothing to read
                raise SheetLimitError("columns", max_columns, row=number, cell=ref)
            if index > len(values):
                values.extend([None] * (index - len(values)))
        elif len(values) >= max_columns:
            if _is_blank(cell):
                continue
            raise SheetLimitError("columns", max_columns, row=number)
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(INLINE)
            values.append("".join(t.text or "" for t in inline.iter(TEXT)) if inline is not None else "")
            continue
        raw = cell.find(VALUE)
        text = raw.text if raw is not None else None
        if text is None:
            values.append(None)
        elif kind == "s":
            values.append(shared[int(text)])
        elif kind == "b":
            values.append(text == "1")
        elif kind in ("str", "e", "d"):
            values.append(text)
        else:
            number = float(text)
            if int(cell.get("s", "0")) in date_styles:
                values.append(from_excel(number, epoch))
            else:
                values.append(int(number) if number.is_integer() else number)
    return values


def _is_blank(cell: Element) -> bool:
    raw = cell.find(VALUE)
    inline = cell.find(INLINE)
    return (raw is None or not raw.text) and (inline is None or not "".join(inline.itertext()))


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _read(archive: zipfile.ZipFile, name: str) -> Element | None:
    root = None
    try:
        with archive.open(name) as stream:
            for _event, element in iterparse(stream):
                root = element  # the last element to end is the document's root
    except KeyError:
        return None
    return root


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    workbook = _read(archive, "xl/workbook.xml")
    relations = _read(archive, "xl/_rels/workbook.xml.rels")
    if workbook is None:
        raise XlsxError("no xl/workbook.xml")
    first = workbook.find(f"{MAIN}sheets/{MAIN}sheet")
    if first is None:
        raise XlsxError("no sheet")
    target = None
    if relations is not None:
        wanted = first.get(f"{DOC_REL}id")
        for relation in relations.iter(f"{PKG_REL}Relationship"):
            if relation.get("Id") == wanted:
                target = relation.get("Target")
    if not target:
        raise XlsxError("the first sheet has no part")
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    strings: list[str] = []
    try:
        stream = archive.open("xl/sharedStrings.xml")
    except KeyError:
        return strings
    with stream:
        for _event, element in iterparse(stream):
            if element.tag == f"{MAIN}si":
                # Plain text is one <t>; rich text is runs <r><t>; phonetic hints (<rPh>) are not part of the value.
                phonetic = {id(t) for hint in element.iter(f"{MAIN}rPh") for t in hint.iter(TEXT)}
                strings.append("".join(t.text or "" for t in element.iter(TEXT) if id(t) not in phonetic))
                element.clear()
    return strings


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    styles = _read(archive, "xl/styles.xml")
    if styles is None:
        return set()
    custom = {
        int(fmt.get("numFmtId")): fmt.get("formatCode", "")
        for fmt in styles.iter(f"{MAIN}numFmt")
        if fmt.get("numFmtId", "").isdigit()
    }
    cell_formats = styles.find(f"{MAIN}cellXfs")
    dates = set()
    for index, xf in enumerate(cell_formats if cell_formats is not None else []):
        format_id = int(xf.get("numFmtId", "0"))
        code = custom.get(format_id)
        if (code is not None and is_date_format(code)) or (code is None and format_id in BUILTIN_DATE_FORMATS):
            dates.add(index)
    return dates


def _uses_1904_dates(archive: zipfile.ZipFile) -> bool:
    workbook = _read(archive, "xl/workbook.xml")
    properties = workbook.find(f"{MAIN}workbookPr") if workbook is not None else None
    return properties is not None and properties.get("date1904", "0").lower() in ("1", "true")
