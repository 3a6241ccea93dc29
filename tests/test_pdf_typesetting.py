"""Thai typesetting in PDFs: marks in their place and lines broken between words, and the checks that say so.

Each check is shown to fail on the faults it is for (the font's mark positioning switched off; Pango's own line
breaking) before the product's PDFs are held to it (their tests call tests.pdf_glyphs.assert_thai_typeset).
"""

import pytest

from conftest import require_tool
from core.thai_lines import BREAK, mark_word_breaks, words_of
from tests.pdf_glyphs import line_break_errors, mark_placement_errors, typed_lines

SAMPLE = ("หน่วยงาน ไชยวงศ์ ที่ทำการปกครอง ผู้ใช้งาน ปลัดอำเภอ ป่า ฝั่ง ฟ้า น้ำ ที่นี่ คุ้มครอง ปู่ ญี่ปุ่น สิทธิ์ "
          "เจ้าพนักงาน ชื่อ เรื่อง กิ่ง ปี่ ฟื้น")
REPORT_TITLE = "แบบรายงานผลการตรวจสอบสิทธิ์ผู้ใช้งานระบบ ขอรับรองว่าได้ตรวจสอบบัญชีผู้ใช้งานข้างต้นครบถ้วนแล้ว " \
               "เจ้าพนักงานปกครองชำนาญการพิเศษ"


def weasyprint_pdf(body: str, style: str = "") -> bytes:
    """`body` typeset as core.pdf.render_pdf does, without its word marking unless the caller applied it."""
    require_tool("pdftotext", "poppler-utils")
    from weasyprint import HTML

    from core import pdf_text

    pdf_text.install()
    html = (f'<html><head><style>body {{ font-family: "Laksaman"; font-size: 16pt }} {style}</style></head>'
            f'<body lang="th">{body}</body></html>')
    return HTML(string=html).write_pdf()


def pdf_lines(content: bytes) -> list[str]:
    return typed_lines(content)


def test_marks_in_place_pass_and_marks_left_unplaced_fail():
    placed = weasyprint_pdf(f"<p>{SAMPLE}</p>")
    checked, errors = mark_placement_errors(placed)
    assert checked > 30 and errors == []
    unplaced = weasyprint_pdf(f"<p>{SAMPLE}</p>", "body { font-feature-settings: 'ccmp' 0, 'mark' 0, 'mkmk' 0 }")
    _, errors = mark_placement_errors(unplaced)
    assert len(errors) >= 5 and all("floats" in error for error in errors)
    assert any("on 'น'" in error for error in errors)  # the ่ of หน่วยงาน, as the issue saw it


def test_pangos_breaks_fail_and_the_marked_words_pass():
    box = "div { width: 45mm }"
    pango = weasyprint_pdf(f"<div>{REPORT_TITLE}</div>", box)
    _, errors = line_break_errors(pango)
    assert any("ผู้ใช้งาน" in error for error in errors)  # "สิทธิ์ผู้ | ใช้งานระบบ"
    marked = weasyprint_pdf(mark_word_breaks(f"<head></head><div>{REPORT_TITLE}</div>"), box)
    checked, errors = line_break_errors(marked)
    assert checked >= 5 and errors == []
    lines = pdf_lines(marked)
    assert "ตรวจสอบสิทธิ์" in lines and any(line.startswith("ผู้ใช้งาน") for line in lines)
    assert any("ชำนาญการพิเศษ" in line for line in lines)  # a level of the reference data stays whole


def test_a_name_breaks_only_between_given_name_and_surname():
    name = "นางสาวจันทร์เพ็ญ วงศ์สวัสดิ์"
    content = weasyprint_pdf(mark_word_breaks(f'<head></head><div><span class="name">{name}</span></div>'),
                             "div { width: 28mm }")
    assert pdf_lines(content)[:2] == ["นางสาวจันทร์เพ็ญ", "วงศ์สวัสดิ์"]


def test_word_marking_leaves_tags_styles_and_titles_alone():
    html = ('<html><head><title>รายงานผล</title><style>p::after { content: "หน้า" }</style></head>'
            '<body><p title="ผู้ใช้งาน" class="x">ผู้ใช้งานระบบ i-SERVICE</p><!-- ผู้ใช้งาน --></body></html>')
    marked = mark_word_breaks(html)
    assert "<title>รายงานผล</title>" in marked and 'content: "หน้า"' in marked
    assert '<p title="ผู้ใช้งาน" class="x">' in marked and "<!-- ผู้ใช้งาน -->" in marked
    assert (f'<span class="th-word">ผู้ใช้งาน</span>{BREAK}<span class="th-word">ระบบ</span> i-SERVICE'
            in marked)
    assert "span.th-word { white-space: nowrap }" in marked.split("</head>")[0]
    quoted = mark_word_breaks('<p><a title="x>ไทย" href="#">ไทย</a></p>')  # a ">" inside quotes ends no tag
    assert quoted == '<p><a title="x>ไทย" href="#"><span class="th-word">ไทย</span></a></p>'


@pytest.mark.parametrize(("run", "words"), [
    ("ผู้ใช้งานระบบ", ("ผู้ใช้งาน", "ระบบ")),
    ("เจ้าพนักงานปกครองชำนาญการพิเศษ", ("เจ้าพนักงานปกครอง", "ชำนาญการพิเศษ")),
    ("ปลัดอำเภอชำนาญการ", ("ปลัดอำเภอ", "ชำนาญการ")),
    ("ใบเสร็จรับเงินค่าของเก่า", ("ใบเสร็จรับเงิน", "ค่า", "ของเก่า")),
])
def test_office_words_stay_whole(run, words):
    assert words_of(run) == words
