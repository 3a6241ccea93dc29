"""The audit's flags, each defined once: its code, label, severity, when it is raised, the per-account explanation and
remedy, and the answers a review round accepts for it. The rules (rights.rules), the audit engine, the screens,
the exports, the PDFs, the rounds and the change-request review all read this registry; a new flag is one entry
here (and its test). It sits beside the rules that raise the flags, below every app that shows them.

Labels, legends and each account's explanation and remedy are Thai source text with English in the catalogue; the
explanation and remedy are made when shown (audit.engine.Flag), so they read in the viewer's language, and a
printed form, made in Thai, reads in Thai. A text may name `{days}`, the dormancy limit, which is a setting
(DORMANT_AFTER_DAYS) read when the text is shown.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Official, Unit
from core.names import local_name
from core.thai import format_reader_date
from rights.models import Role

UNKNOWN_PERSON = "UNKNOWN_PERSON"
NO_ORDER = "NO_ORDER"
POSITION_MISMATCH = "POSITION_MISMATCH"
LEVEL_MISMATCH = "LEVEL_MISMATCH"
UNIT_MISMATCH = "UNIT_MISMATCH"
EXCESS_ROLE = "EXCESS_ROLE"
POLICY_VIOLATION = "POLICY_VIOLATION"
QUOTA_EXCEEDED = "QUOTA_EXCEEDED"
RETIRED_ACTIVE = "RETIRED_ACTIVE"
TRANSFERRED_ACTIVE = "TRANSFERRED_ACTIVE"
SEPARATED_ACTIVE = "SEPARATED_ACTIVE"
DORMANT = "DORMANT"

WARN = "warn"  # the data needs correcting
BAD = "bad"  # a right or an account must go

# The answers of a review round beyond "fixed" and an accepted exception, which fit every flag
# (audit.models.RoundItem.Decision values).
CHANGE_REQUEST_FILED = "change_request"
REPORTED_AS_LEAVER = "leaver"


def _texts_unknown_person(username: str, named_by_order: bool = False) -> tuple[str, str]:
    if named_by_order:
        return (
            gettext("เลขประจำตัวประชาชนของบัญชี %(username)s ไม่พบในทะเบียนบุคคล แต่มีคำสั่งมอบหมายที่มีผลระบุเลขนี้")
            % {"username": username},
            gettext("แจ้งงานทะเบียนประวัติให้เพิ่มบุคคลนี้ในทะเบียนบุคคล (นำเข้าแฟ้ม officials) "
                    "สิทธิ์ตามคำสั่งจะให้ได้เมื่อตรวจคุณสมบัติกับทะเบียนบุคคลได้แล้ว"),
        )
    return (
        gettext("เลขประจำตัวประชาชนของบัญชี %(username)s ไม่พบในทะเบียนบุคคล") % {"username": username},
        gettext("ตรวจสอบเลขประจำตัวประชาชนกับทะเบียนประวัติ หากไม่ใช่บุคลากรของหน่วยงาน ให้รายงานเพื่อระงับการใช้งาน"),
    )


def _texts_no_order(as_of: datetime.date) -> tuple[str, str]:
    return (
        gettext("ไม่มีคำสั่งมอบหมายที่มีผล ณ วันที่ %(date)s") % {"date": format_reader_date(as_of, long=True)},
        gettext("ขอสำเนาคำสั่งมอบหมายให้ปฏิบัติหน้าที่และบันทึกเข้าระบบ หรือถอนสิทธิ์ทั้งหมดของบัญชีนี้"),
    )


# What a mismatch is about: (explanation, remedy), each naming the registered and the ordered value.
_MISMATCH_TEXTS = {
    "position": (
        _("ตำแหน่งที่ลงทะเบียน (%(registered)s) ไม่ตรงกับคำสั่งที่ %(number)s (%(ordered)s)"),
        _("ให้ผู้ใช้งานยื่นคำขอเปลี่ยนแปลงข้อมูลตำแหน่งให้ตรงกับคำสั่งที่ %(number)s"),
    ),
    "level": (
        _("ระดับที่ลงทะเบียน (%(registered)s) ไม่ตรงกับคำสั่งที่ %(number)s (%(ordered)s)"),
        _("ให้ผู้ใช้งานยื่นคำขอเปลี่ยนแปลงข้อมูลระดับให้ตรงกับคำสั่งที่ %(number)s"),
    ),
    "unit": (
        _("หน่วยงานที่ลงทะเบียน (%(registered)s) ไม่ตรงกับคำสั่งที่ %(number)s (%(ordered)s)"),
        _("ให้ผู้ใช้งานยื่นคำขอเปลี่ยนแปลงข้อมูลหน่วยงานให้ตรงกับคำสั่งที่ %(number)s"),
    ),
}


def _texts_mismatch(what: str, registered, ordered, order_number: str) -> tuple[str, str]:
    explanation, remedy = _MISMATCH_TEXTS[what]
    values = {"registered": local_name(registered) if registered is not None else gettext("ไม่ได้ลงทะเบียน"),
              "ordered": local_name(ordered), "number": order_number}
    return str(explanation) % values, str(remedy) % values


def _texts_excess_role(role: Role, unit: Unit) -> tuple[str, str]:
    return (
        gettext("ถือสิทธิ์ “%(role)s” ที่%(unit)s โดยไม่มีคำสั่งมอบหมายที่มีผล")
        % {"role": local_name(role), "unit": unit.display_name},
        gettext("ถอนสิทธิ์นี้ หรือบันทึกคำสั่งมอบหมายที่ให้สิทธิ์นี้"),
    )


def _texts_policy_violation(refusal: str, role: Role) -> tuple[str, str]:
    return refusal, gettext("ถอนสิทธิ์ “%(role)s” จากบัญชีนี้") % {"role": local_name(role)}


def _texts_quota(role: Role, unit: Unit, holders: int, limit: int) -> tuple[str, str]:
    values = {"unit": unit.display_name, "role": local_name(role), "holders": holders, "limit": limit}
    return (
        gettext("%(unit)s มีผู้ถือสิทธิ์ “%(role)s” %(holders)d คน เกินกว่าที่กำหนด %(limit)d คน") % values,
        gettext("คงผู้ถือสิทธิ์ไว้ไม่เกิน %(limit)d คนตามคำสั่ง และถอนสิทธิ์ผู้ที่เกิน") % values,
    )


def _texts_retired(retirement_date: datetime.date | None) -> tuple[str, str]:
    """`retirement_date`: the day the person retired, when the retirement is by age; None when the HR record's
    status says retired (its computed date may then lie ahead, and printing it would contradict the flag)."""
    if retirement_date is None:
        explanation = gettext("ทะเบียนบุคคลระบุว่าเกษียณอายุราชการแล้ว แต่บัญชียังใช้งานได้")
    else:
        explanation = gettext("ผู้ใช้งานเกษียณอายุราชการแล้ว (เกษียณอายุราชการเมื่อ %(date)s) แต่บัญชียังใช้งานได้") % {
            "date": format_reader_date(retirement_date, long=True)}
    return explanation, gettext("รายงานผู้พ้นจากหน้าที่ต่อสำนักการสอบสวนและนิติการเพื่อจำหน่ายออกจากระบบ")


def _texts_transferred() -> tuple[str, str]:
    return (
        gettext("ทะเบียนบุคคลระบุว่าย้ายไปปฏิบัติราชการที่อื่นแล้ว แต่บัญชียังใช้งานได้"),
        gettext("รายงานผู้พ้นจากหน้าที่ หรือย้ายบัญชีไปหน่วยงานใหม่ตามคำสั่ง"),
    )


def _texts_separated(status: str) -> tuple[str, str]:
    return (
        gettext("ทะเบียนบุคคลระบุว่า%(status)sแล้ว แต่บัญชียังใช้งานได้") % {"status": Official.Status(status).label},
        gettext("รายงานผู้พ้นจากหน้าที่เพื่อระงับการใช้งานบัญชี"),
    )


def _texts_dormant(last_login: datetime.date | None, days: int) -> tuple[str, str]:
    if last_login:
        explanation = gettext("ไม่ได้เข้าใช้งานตั้งแต่ %(date)s (เกิน %(days)d วัน)") % {
            "date": format_reader_date(last_login, long=True), "days": days}
    else:
        explanation = gettext("ไม่ได้เข้าใช้งานเลย (เกิน %(days)d วัน)") % {"days": days}
    return explanation, gettext("ยืนยันกับผู้ใช้งานว่ายังต้องใช้บัญชีนี้ หากไม่ใช้แล้วให้ระงับการใช้งาน")


@dataclass(frozen=True)
class FlagSpec:
    code: str
    label_text: Promise  # short, for badges, filters and column headers
    severity: str  # WARN or BAD: how loud its badge is
    help_text: Promise  # when the flag is raised, for the legends under the reports
    texts: Callable[..., tuple[str, str]]  # the flag's facts -> (explanation, remedy) for one account
    round_answers: tuple[str, ...] = ()  # CHANGE_REQUEST_FILED, REPORTED_AS_LEAVER

    @property
    def label(self) -> str:
        return str(self.label_text).format(days=settings.DORMANT_AFTER_DAYS)

    @property
    def help(self) -> str:
        return str(self.help_text).format(days=settings.DORMANT_AFTER_DAYS)


_REGISTRY = (
    FlagSpec(UNKNOWN_PERSON, _("ไม่พบในทะเบียนบุคคล"), BAD,
             _("เลขประจำตัวประชาชนของบัญชีไม่พบในทะเบียนบุคคล"),
             _texts_unknown_person, (REPORTED_AS_LEAVER,)),
    FlagSpec(NO_ORDER, _("ไม่มีคำสั่งมอบหมาย"), BAD,
             _("ไม่มีคำสั่งมอบหมายที่มีผล ณ วันที่ตรวจสอบ"),
             _texts_no_order),
    FlagSpec(POSITION_MISMATCH, _("ตำแหน่งไม่ตรงกับคำสั่ง"), WARN,
             _("ตำแหน่งที่ลงทะเบียนไม่ตรงกับคำสั่งมอบหมายล่าสุดที่มีผล"),
             partial(_texts_mismatch, "position"), (CHANGE_REQUEST_FILED,)),
    FlagSpec(LEVEL_MISMATCH, _("ระดับไม่ตรงกับคำสั่ง"), WARN,
             _("ระดับที่ลงทะเบียนไม่ตรงกับคำสั่งมอบหมายล่าสุดที่มีผล"),
             partial(_texts_mismatch, "level"), (CHANGE_REQUEST_FILED,)),
    FlagSpec(UNIT_MISMATCH, _("หน่วยงานไม่ตรงกับคำสั่ง"), WARN,
             _("หน่วยงานที่ลงทะเบียนไม่ตรงกับคำสั่งมอบหมายล่าสุดที่มีผล"),
             partial(_texts_mismatch, "unit"), (CHANGE_REQUEST_FILED,)),
    FlagSpec(EXCESS_ROLE, _("ถือสิทธิ์เกินคำสั่ง"), BAD,
             _("ถือสิทธิ์ที่ไม่มีคำสั่งมอบหมายที่มีผลให้ไว้"),
             _texts_excess_role),
    FlagSpec(POLICY_VIOLATION, _("ขัดเงื่อนไขสิทธิ์"), BAD,
             _("ถือสิทธิ์ที่ตำแหน่งหรือระดับตามทะเบียนบุคคลไม่ผ่านเงื่อนไขสิทธิ์ที่มีผลอยู่"),
             _texts_policy_violation),
    FlagSpec(QUOTA_EXCEEDED, _("ผู้ถือสิทธิ์เกินจำนวน"), BAD,
             _("หน่วยงานมีผู้ถือสิทธิ์เกินจำนวนที่เงื่อนไขกำหนด (แสดงทุกคนที่ถือสิทธิ์นั้น)"),
             _texts_quota),
    FlagSpec(RETIRED_ACTIVE, _("เกษียณแล้วแต่ยังใช้งาน"), BAD,
             _("ทะเบียนบุคคลระบุว่าเกษียณ หรือพ้นวันเกษียณอายุราชการแล้ว แต่บัญชียังใช้งานได้"),
             _texts_retired, (REPORTED_AS_LEAVER,)),
    FlagSpec(TRANSFERRED_ACTIVE, _("ย้ายแล้วแต่ยังใช้งาน"), BAD,
             _("ทะเบียนบุคคลระบุว่าย้ายไปปฏิบัติราชการที่อื่นแล้ว แต่บัญชียังใช้งานได้"),
             _texts_transferred, (REPORTED_AS_LEAVER,)),
    FlagSpec(SEPARATED_ACTIVE, _("พ้นจากราชการแล้วแต่ยังใช้งาน"), BAD,
             _("ทะเบียนบุคคลระบุว่าลาออกหรือถึงแก่กรรมแล้ว แต่บัญชียังใช้งานได้"),
             _texts_separated, (REPORTED_AS_LEAVER,)),
    FlagSpec(DORMANT, _("ไม่ได้เข้าใช้งานเกิน {days} วัน"), WARN,
             _("ไม่เคยเข้าใช้งาน หรือเข้าใช้งานครั้งล่าสุดนานกว่า {days} วันก่อนวันที่ตรวจสอบ"),
             _texts_dormant, (REPORTED_AS_LEAVER,)),
)

FLAGS: dict[str, FlagSpec] = {spec.code: spec for spec in _REGISTRY}
FLAG_CODES: tuple[str, ...] = tuple(FLAGS)  # the order of columns, filters and legends


def flag_label(code: str) -> str:
    """The label of a flag code in the active language; an unknown code (an old round's) as itself."""
    spec = FLAGS.get(code)
    return spec.label if spec is not None else code
