"""Files built to exhaust a worker are refused at once, with a message that names the bound and the row.

Each file here is small on disk and asks for a great deal of work: two billion rows, a column past Excel's last,
a member that unpacks a thousandfold. The reader must stop before doing that work, on every path that reads a file
(the command, the web preview, the API), and nothing of the file is written.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Official
from events.models import Event
from registry.importers import ImportFileError, registry_import
from registry.importers.xlsx import SheetLimitError, SheetLimits, first_sheet_rows

pytestmark = pytest.mark.django_db  # the importer reads the reference tables before the file

HEADER = ["national_id", "first_name", "last_name", "position", "level", "unit_code", "status"]  # the officials file

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>"""


def header_row() -> str:
    cells = "".join(
        f'<c r="{chr(65 + index)}1" t="inlineStr"><is><t>{name}</t></is></c>' for index, name in enumerate(HEADER)
    )
    return f'<row r="1">{cells}</row>'


def value_row(number: int, *cells: tuple[str, str]) -> str:
    body = "".join(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>' for ref, text in cells)
    return f'<row r="{number}">{body}</row>'


def workbook(rows: str, padding: int = 0) -> bytes:
    """A minimal XLSX whose first sheet holds the header and `rows` (sheet XML); `padding` bytes of whitespace make
    the sheet member large on unpacking and tiny packed, as a zip bomb is."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f"{header_row()}{' ' * padding}{rows}</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def refusal(data: bytes, name: str = "hostile.xlsx") -> str:
    with pytest.raises(ImportFileError) as refused:
        registry_import(kind="officials", source=io.BytesIO(data), filename=name, dry_run=True)
    return str(refused.value)


TWO_BILLION_ROWS = workbook(value_row(2_000_000_000, ("A2000000000", "x")))
CELL_PAST_EXCEL = workbook(value_row(2, ("AAAAAAAA2", "x")))


def test_a_row_number_of_two_billion_is_refused_naming_the_row():
    assert len(TWO_BILLION_ROWS) < 2_000
    message = refusal(TWO_BILLION_ROWS)
    assert "แถว 2,000,000,000" in message and "300,000" in message


def test_a_row_number_that_jumps_past_the_blank_rows_allowed_is_refused_naming_both_rows():
    message = refusal(workbook(value_row(5_000, ("A5000", "x"))))
    assert "แถว 5,000" in message and "แถว 1 " in message and "1,000" in message


def test_blank_rows_within_the_bound_are_kept_so_row_numbers_stay_those_the_person_sees():
    rows = list(first_sheet_rows(io.BytesIO(workbook(value_row(12, ("A12", "x"))))))
    assert len(rows) == 12 and rows[-1] == ["x"] and rows[1:11] == [[]] * 10


def test_rows_out_of_order_are_refused_naming_the_row():
    message = refusal(workbook(value_row(3, ("A3", "x")) + value_row(2, ("A2", "y"))))
    assert "แถว 2" in message and "แถว 3" in message


def test_a_cell_past_excels_last_column_is_refused_naming_the_cell_not_a_memory_error():
    message = refusal(CELL_PAST_EXCEL)
    assert "แถว 2" in message and "AAAAAAAA2" in message


def test_a_value_past_the_column_bound_is_refused_and_an_empty_styled_cell_there_is_ignored(settings):
    settings.REGISTRY_IMPORT_MAX_COLUMNS = 10
    assert "K2" in refusal(workbook(value_row(2, ("A2", "x"), ("K2", "y"))))
    styled_only = workbook('<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c><c r="XFD2" s="1"/></row>')
    assert list(first_sheet_rows(io.BytesIO(styled_only), SheetLimits(max_columns=10)))[1] == ["x"]


def test_more_rows_than_the_bound_are_refused_in_xlsx_and_csv(settings):
    settings.REGISTRY_IMPORT_MAX_ROWS = 5
    rows = "".join(value_row(number, (f"A{number}", "x")) for number in range(2, 9))
    assert "แถว 7" in refusal(workbook(rows))
    csv = "\n".join([",".join(HEADER)] + ["1,x,y,z,K1,4701,active"] * 7).encode()
    assert "แถว 7" in refusal(csv, name="many.csv")


def test_a_csv_row_with_more_values_than_the_column_bound_is_refused(settings):
    settings.REGISTRY_IMPORT_MAX_COLUMNS = 10
    csv = (",".join(HEADER) + "\n" + ",".join(["v"] * 11)).encode()
    assert "แถว 2" in refusal(csv, name="wide.csv")


def test_a_member_that_unpacks_past_the_bound_is_refused_before_it_is_read(settings):
    settings.REGISTRY_IMPORT_MAX_UNPACKED_BYTES = 2 * 1024 * 1024
    data = workbook(value_row(2, ("A2", "x")), padding=3 * 1024 * 1024)
    assert len(data) < 50_000
    assert "2 MB" in refusal(data)


def test_a_member_packed_far_tighter_than_a_spreadsheet_is_refused_as_a_zip_bomb():
    data = workbook(value_row(2, ("A2", "x")), padding=8 * 1024 * 1024)  # whitespace packs about a thousandfold
    message = refusal(data)
    assert "xl/worksheets/sheet1.xml" in message and "100" in message


def test_the_reader_raises_the_bound_it_met():
    with pytest.raises(SheetLimitError) as met:
        list(first_sheet_rows(io.BytesIO(TWO_BILLION_ROWS)))
    assert met.value.bound == "rows" and met.value.row == 2_000_000_000


def test_the_command_refuses_a_hostile_file_with_the_message_and_writes_nothing(tmp_path):
    path = tmp_path / "officials.xlsx"
    path.write_bytes(TWO_BILLION_ROWS)
    before = Official.objects.count()
    with pytest.raises(CommandError, match="2,000,000,000"):
        call_command("import_registry", "officials", str(path))
    assert Official.objects.count() == before
    assert not Event.objects.filter(action="accounts.registry.imported").exists()


def test_the_web_preview_answers_a_hostile_file_with_the_message_not_a_500(client, make_account):
    client.force_login(make_account("CENTRAL_ADMIN", unit_code="DOPA-LEGAL"))
    upload = client.post(reverse("accounts:import-registry"), {
        "kind": "officials", "file": SimpleUploadedFile("officials.xlsx", CELL_PAST_EXCEL),
    })
    assert upload.status_code == 302
    preview = client.get(upload["Location"], follow=True)
    assert preview.status_code == 200
    assert "AAAAAAAA2" in preview.content.decode()

