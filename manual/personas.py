"""The manual's personas, and which one a viewer is, read from the menus their effective roles give them.

The most powerful menu decides: the centre's deactivation, then the province's registry import, then the review
menu of a district, then issuing receipts; everyone else is district staff. A superuser reads the centre's manual.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rights.access import DEACTIVATE_MENU, IMPORT_MENU, REVIEW_MENU
from rights.scope import cached_account_rights

# receipts.access.ISSUE_MENU: receipts is this app's sibling layer, so the codename is named here, not imported.
ISSUE_MENU = "menu_issue_receipts"


@dataclass(frozen=True)
class ManualPersona:
    slug: str
    title: Promise  # the persona's name (its own context: other screens use some of these words in sentences)
    summary: Promise  # who this is, one line for the index


PERSONAS = (
    ManualPersona("staff", pgettext_lazy("manual persona", "ผู้ใช้งานทั่วไป"),
                  _("เจ้าหน้าที่ของอำเภอ: เข้าสู่ระบบ ดูข้อมูลและคำสั่งของตนเอง ยื่นคำขอเปลี่ยนแปลงข้อมูล")),
    ManualPersona("issuer", pgettext_lazy("manual persona", "ผู้ออกใบเสร็จ"),
                  _("ผู้ได้รับมอบหมายให้ออกและยกเลิกใบเสร็จรับเงิน ใบแจ้งการชำระเงิน และรายงานประจำวัน")),
    ManualPersona("district-reviewer", pgettext_lazy("manual persona", "ผู้ตรวจสอบระดับอำเภอ"),
                  _("ตรวจสอบบัญชีผู้ใช้งานของอำเภอกับคำสั่งมอบหมาย พิจารณาคำขอ รายงานผู้พ้นจากหน้าที่")),
    ManualPersona("province-reviewer", pgettext_lazy("manual persona", "ผู้ตรวจสอบระดับจังหวัด"),
                  _("ตรวจสอบทั้งจังหวัด สรุปผลรายอำเภอ บันทึกคำสั่ง นำเข้าข้อมูลทะเบียน")),
    ManualPersona("central-admin", pgettext_lazy("manual persona", "ผู้ดูแลระบบส่วนกลาง"),
                  _("สำนักการสอบสวนและนิติการ: รอบการตรวจสอบ ระงับการใช้งานบัญชี สรุปทั่วประเทศ")),
)
BY_SLUG = {persona.slug: persona for persona in PERSONAS}
SLUG_PATTERN = "|".join(BY_SLUG)


def persona_for(user) -> ManualPersona | None:
    """The persona whose manual fits the viewer; None for a visitor who is not logged in."""
    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser:
        return BY_SLUG["central-admin"]
    menus = cached_account_rights(user).menu_codenames()
    if DEACTIVATE_MENU in menus:
        return BY_SLUG["central-admin"]
    if IMPORT_MENU in menus:
        return BY_SLUG["province-reviewer"]
    if REVIEW_MENU in menus:
        return BY_SLUG["district-reviewer"]
    if ISSUE_MENU in menus:
        return BY_SLUG["issuer"]
    return BY_SLUG["staff"]


def manual_url_for(user) -> str:
    """The viewer's own manual page, or the index for a visitor (who logs in first)."""
    persona = persona_for(user)
    if persona is None:
        return reverse("manual:index")
    return reverse("manual:page", args=[persona.slug])
