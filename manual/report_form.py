"""The report form (แบบรายงาน) of the i-SERVICE circular, blank: what an office fills in after checking its accounts.

The same lines make the PDF (templates/manual/report_form_pdf.html) and the XLSX. Each count names the audit flags
it adds up, so an office that uses the review screens copies the counts of those flags; a reviewer's prefilled form
is the audit's own (audit:account-list-export pdf, audit:province-summary-pdf), linked from the manual's index.
The form is an official document: Thai whatever the screen's language.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation

from rights import flags

TITLE = "แบบรายงานผลการตรวจสอบสิทธิ์ผู้ใช้งานระบบ i-SERVICE"
CIRCULAR = "ตามหนังสือกรมการปกครอง ที่ มท ๐๓๐๗/ว๑๓๕๐๗ เรื่อง การตรวจสอบสิทธิ์ผู้ใช้งานระบบ"
FILENAME = "report-form-i-service"


@dataclass(frozen=True)
class CountLine:
    label: str
    flag_codes: tuple[str, ...]  # the audit flags whose accounts this line counts

    @property
    def flag_labels(self) -> list[str]:
        return [flags.flag_label(code) for code in self.flag_codes]


HEADER_LINES = ("หน่วยงาน", "วันที่ตรวจสอบ (พ.ศ.)")
CHECKED = "จำนวนบัญชีผู้ใช้งานที่ตรวจสอบ"
COUNT_LINES = (
    CountLine("บัญชีที่ข้อมูลการลงทะเบียนไม่ถูกต้อง",
              (flags.POSITION_MISMATCH, flags.LEVEL_MISMATCH, flags.UNIT_MISMATCH, flags.UNKNOWN_PERSON)),
    CountLine("บัญชีที่ถือสิทธิ์โดยไม่มีคำสั่งมอบหมาย",
              (flags.NO_ORDER, flags.EXCESS_ROLE, flags.POLICY_VIOLATION, flags.QUOTA_EXCEEDED)),
    CountLine("ผู้พ้นจากหน้าที่ (เกษียณ ย้าย ลาออก) ที่ยังใช้งานอยู่",
              (flags.RETIRED_ACTIVE, flags.TRANSFERRED_ACTIVE, flags.SEPARATED_ACTIVE)),
)
ACTIONS = (
    "ยื่นคำขอเปลี่ยนแปลงข้อมูลผู้ปฏิบัติงานให้ตรงกับคำสั่ง",
    "ถอนสิทธิ์ที่ไม่มีคำสั่งมอบหมาย หรือบันทึกคำสั่งมอบหมายที่ให้สิทธิ์นั้น",
    "รายงานผู้พ้นจากหน้าที่ต่อสำนักการสอบสวนและนิติการเพื่อจำหน่ายออกจากระบบ",
    "อื่น ๆ (ระบุ)",
)
DONE = "การดำเนินการ"
CERTIFY = "ขอรับรองว่าได้ตรวจสอบบัญชีผู้ใช้งานของหน่วยงานกับคำสั่งมอบหมายและทะเบียนบุคคลแล้ว"
SIGNER = ("ลงชื่อ", "ชื่อผู้รายงาน", "ตำแหน่ง", "วันที่")
UNIT = "บัญชี"


def report_form_context() -> dict:
    with translation.override(settings.LANGUAGE_CODE):
        lines = [{"label": line.label, "flags": line.flag_labels} for line in COUNT_LINES]
    return {"title": TITLE, "circular": CIRCULAR, "header_lines": HEADER_LINES, "checked": CHECKED,
            "count_lines": lines, "done": DONE, "actions": ACTIONS, "certify": CERTIFY, "signer": SIGNER, "unit": UNIT}


def report_form_xlsx() -> bytes:
    """The blank form as a sheet: labels in column A, the office's answers in the bordered cells of B."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    context = report_form_context()
    book = Workbook()
    sheet = book.active
    sheet.title = "แบบรายงาน"
    sheet.column_dimensions["A"].width = 58
    sheet.column_dimensions["B"].width = 30
    sheet.column_dimensions["C"].width = 10
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")

    def line(label: str, *, answer: bool = True, unit: str = "", bold: bool = False, note: str = "") -> None:
        sheet.append([label, None, unit])
        row = sheet.max_row
        sheet.cell(row, 1).alignment = wrap
        if bold:
            sheet.cell(row, 1).font = Font(bold=True)
        if answer:
            sheet.cell(row, 2).border = box
        if note:
            sheet.append([note])
            sheet.cell(sheet.max_row, 1).font = Font(italic=True, size=9, color="555555")
            sheet.cell(sheet.max_row, 1).alignment = wrap

    sheet.append([context["title"]])
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.append([context["circular"]])
    sheet.append([])
    for label in context["header_lines"]:
        line(label)
    line(context["checked"], unit=UNIT)
    for count in context["count_lines"]:
        line(count.get("label"), unit=UNIT, note="ประเภทปัญหาในระบบ: " + ", ".join(count["flags"]))
    sheet.append([])
    line(context["done"], answer=False, bold=True)
    for action in context["actions"]:
        line(f"☐ {action}", unit=UNIT if action != ACTIONS[-1] else "")
    sheet.append([])
    line(context["certify"], answer=False)
    for label in context["signer"]:
        line(label)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
