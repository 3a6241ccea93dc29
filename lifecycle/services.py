"""The account lifecycle: change requests, leaver reports and deactivation, transfers, assignment orders.

Every service takes the caller's scope (from `rights.scope`) and refuses what lies outside it, checks the state it
starts from, and records what it changed, old and new values, in the event log inside the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Level, Position, Unit, UnitUserObjectPermission, User
from core.national_id import format_national_id, validate_national_id
from core.thai import format_be_date, thai_digits_to_arabic
from events.services import event_record
from lifecycle.change_review import change_request_evidence, flag_labels
from lifecycle.models import ChangeRequest, LeaverReport
from rights import rules
from rights.models import AssignmentOrder, OrderLine, Role
from rights.scope import Scope, account_rights, today
from rights.selectors import people_on_record
from rights.services import OUT_OF_SCOPE, REASON_REQUIRED, account_deactivate, refusals_logged, role_grant, role_revoke

ACCOUNT_INACTIVE = _("บัญชีนี้ถูกระงับการใช้งานแล้ว")
CR_ONLY_OWN = _("ยื่นคำขอเปลี่ยนแปลงข้อมูลได้เฉพาะข้อมูลของบัญชีตนเอง")
CR_NOTHING_TO_CHANGE = _("ข้อมูลที่ขอแก้ไขตรงกับข้อมูลที่ลงทะเบียนอยู่แล้ว ไม่มีสิ่งใดต้องเปลี่ยน")
CR_ALREADY_PENDING = _("มีคำขอที่รอพิจารณาอยู่แล้ว กรุณารอผลหรือถอนคำขอเดิมก่อน")
# The error code of every refusal because the request, report or order has been decided already: the API answers
# it with 409, whatever the message's language.
NOT_PENDING = "not_pending"
CR_NOT_PENDING = _("คำขอนี้ไม่อยู่ในสถานะรอพิจารณาแล้ว")
CR_OWN_DECISION = _("ผู้ยื่นคำขอไม่สามารถพิจารณาคำขอของตนเองได้")
CR_UNIT_OUT_OF_SCOPE = _("หน่วยงานที่ขอเปลี่ยนไปอยู่นอกขอบเขตของท่าน จึงอนุมัติไม่ได้ กรุณาให้หน่วยงานที่ครอบคลุมทั้งสองหน่วยงานพิจารณา")
LEAVER_NONE_SELECTED = _("กรุณาเลือกบัญชีที่จะรายงานอย่างน้อยหนึ่งบัญชี")
LEAVER_FUTURE_DATE = _("วันที่พ้นจากหน้าที่ต้องไม่เป็นวันในอนาคต")
LEAVER_ALREADY_PENDING = _("บัญชี {username} มีรายงานที่รอส่วนกลางพิจารณาอยู่แล้ว")
LEAVER_ACCOUNT_INACTIVE = _("บัญชี {username} ถูกระงับการใช้งานแล้ว")
LEAVER_OUT_OF_SCOPE = _("บัญชี {username} อยู่นอกขอบเขตหน่วยงานของท่าน")
LEAVER_NOT_PENDING = _("รายงาน #{pk} ไม่อยู่ในสถานะรอพิจารณาแล้ว")
CENTRAL_ONLY = _("เฉพาะผู้ดูแลระบบส่วนกลางเท่านั้นที่พิจารณารายงานผู้พ้นจากหน้าที่ได้")
MOVE_LINE_NOT_IN_FORCE = _("รายการในคำสั่งนี้ไม่มีผล ณ วันนี้")
MOVE_LINE_OTHER_PERSON = _("รายการในคำสั่งนี้ไม่ได้ระบุผู้ถือบัญชีนี้")
MOVE_SAME_UNIT = _("บัญชีนี้ลงทะเบียนอยู่ที่หน่วยงานนี้แล้ว")
ORDER_DUPLICATE = _("หน่วยงานนี้มีคำสั่งเลขที่ {number} บันทึกไว้แล้ว")
ORDER_NO_LINES = _("คำสั่งต้องมีรายการอย่างน้อยหนึ่งรายการ")
CR_UNSUPPORTED_NEEDS_REASON = _(
    "ทะเบียนบุคคลและคำสั่งที่มีผลล่าสุดไม่ได้ระบุ{fields}ตามที่ขอ กรุณาระบุเหตุผลที่อนุมัติ (เช่น ตรวจสำเนาคำสั่งแล้ว)"
)
CR_NEW_FLAGS = _(
    "การอนุมัติจะทำให้เกิดข้อสังเกตใหม่: {flags} กรุณายืนยันว่ารับทราบก่อนอนุมัติ"
)
ORDER_ALREADY_REVOKED = _("คำสั่งนี้ถูกยกเลิกแล้ว")
ORDER_UNIT_OUT_OF_SCOPE = _("หน่วยงาน {unit} อยู่นอกขอบเขตที่ท่านบันทึกคำสั่งได้")
ORDER_PERSON_NOT_ON_RECORD = _(
    "รายการที่ {index}: ไม่พบเลขประจำตัวประชาชน {national_id} ในทะเบียนบุคคล{where} "
    "จะบันทึกตามที่เขียนในคำสั่ง และเชื่อมกับทะเบียนบุคคลเมื่อมีข้อมูลของบุคคลนี้"
)
ORDER_PERSON_NEEDS_NAME = _(
    "รายการที่ {index}: ไม่พบเลขประจำตัวประชาชน {national_id} ในทะเบียนบุคคล{where} กรุณากรอกชื่อ-นามสกุลตามคำสั่ง"
)
WITHIN_YOUR_SCOPE = _("ของหน่วยงานในขอบเขตของท่าน")
ORDER_NAMES_SELF = _("รายการที่ {index}: ท่านบันทึกคำสั่งที่ระบุตนเองไม่ได้ ต้องให้ผู้มีอำนาจอีกคนหนึ่งบันทึก")
ORDER_LINE_ABOVE_AUTHORITY = _("รายการที่ {index}: {reason}")
ORDER_NOTHING_TO_CONFIRM = _("คำสั่งนี้ไม่มีรายการที่รอยืนยัน")
ORDER_RECORDER_CONFIRMS = _(
    "ผู้บันทึกคำสั่งหรือรายการในคำสั่งยืนยันเองไม่ได้ ต้องให้ผู้มีอำนาจอีกคนหนึ่งตรวจและยืนยัน"
)
ORDER_CONFIRM_NAMES_SELF = _("คำสั่งนี้มีรายการที่ระบุท่านเอง ท่านจึงยืนยันไม่ได้")
ORDER_REVOKE_NAMES_SELF = _("คำสั่งนี้มีรายการที่ระบุท่านเอง ท่านจึงยกเลิกไม่ได้ ต้องให้ผู้มีอำนาจอีกคนหนึ่งดำเนินการ")
ORDER_REVOKE_TYPE_NUMBER = _("พิมพ์เลขที่คำสั่ง {number} อีกครั้งเพื่อยืนยันการยกเลิก")
LEAVER_OWN = _("ท่านพิจารณารายงานผู้พ้นจากหน้าที่ที่เกี่ยวกับบัญชีของตนเอง หรือที่ท่านเป็นผู้รายงาน ไม่ได้")
MOVE_OWN = _("ท่านย้ายบัญชีของตนเองไม่ได้ ต้องให้ผู้มีอำนาจอีกคนหนึ่งดำเนินการ")


def order_number_normalized(number: str) -> str:
    """123/2569 as stored: Thai digits as Arabic, no spaces, no leading zeros (as the orders import reads it)."""
    text = thai_digits_to_arabic(number).replace(" ", "").strip()
    serial, slash, year = text.partition("/")
    if slash and serial.isdigit() and year.isdigit() and serial.isascii() and year.isascii():
        return f"{int(serial)}/{year}"
    return text


def _require_reason(reason: str) -> str:
    if not (reason or "").strip():
        raise ValidationError(gettext(REASON_REQUIRED))
    return reason.strip()


def _registration(account: User) -> dict[str, str | None]:
    """The registration data as text for the event log: readable even after the reference data changes."""
    return {
        "position": account.registered_position.name_th if account.registered_position_id else None,
        "level": account.registered_level.code if account.registered_level_id else None,
        "unit": account.registered_unit.code if account.registered_unit_id else None,
    }


def _lock_account(account: User) -> User:
    return (
        User.objects.select_for_update(of=("self",))
        .select_related("registered_position", "registered_level", "registered_unit")
        .get(pk=account.pk)
    )


# ---------------------------------------------------------------------------------------------------------------
# Change requests


@transaction.atomic
def change_request_file(
    *,
    account: User,
    filed_by: User,
    position: Position,
    level: Level,
    unit: Unit,
    order_number: str,
    order_date: datetime.date,
    attachment: File | None = None,
    note: str = "",
    ip_address: str | None = None,
) -> ChangeRequest:
    """File the holder's request to correct their own registration data."""
    if filed_by.pk != account.pk:
        raise PermissionDenied(CR_ONLY_OWN)
    account = _lock_account(account)
    if not account.is_active:
        raise ValidationError(ACCOUNT_INACTIVE)
    if (account.registered_position_id, account.registered_level_id, account.registered_unit_id) == (
        position.pk, level.pk, unit.pk
    ):
        raise ValidationError(CR_NOTHING_TO_CHANGE)
    if ChangeRequest.objects.filter(account=account, status=ChangeRequest.Status.PENDING).exists():
        raise ValidationError(CR_ALREADY_PENDING)
    request = ChangeRequest(
        account=account, filed_by=filed_by, position=position, level=level, unit=unit,
        order_number=order_number.strip(), order_date=order_date, note=note.strip(),
    )
    if attachment is not None:
        request.attachment = attachment
    request.full_clean(exclude=["attachment"])
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:  # a second request filed at the same moment
        raise ValidationError(CR_ALREADY_PENDING) from None
    event_record(
        action="accounts.change_request.filed", actor=filed_by, target=account, unit=account.registered_unit,
        ip_address=ip_address,
        data={
            "change_request": request.pk,
            "current": _registration(account),
            "requested": {"position": position.name_th, "level": level.code, "unit": unit.code},
            "order": {"number": request.order_number, "date": order_date},
        },
    )
    return request


def _lock_pending_request(change_request: ChangeRequest) -> ChangeRequest:
    locked = ChangeRequest.objects.select_for_update(of=("self",)).select_related(
        "position", "level", "unit", "account"
    ).get(pk=change_request.pk)
    if locked.status != ChangeRequest.Status.PENDING:
        raise ValidationError(CR_NOT_PENDING, code=NOT_PENDING)
    return locked


@transaction.atomic
def change_request_withdraw(*, change_request: ChangeRequest, actor: User, ip_address: str | None = None) -> ChangeRequest:
    """The holder takes back a request nobody has decided yet."""
    if actor.pk != change_request.account_id:
        raise PermissionDenied(CR_ONLY_OWN)
    change_request = _lock_pending_request(change_request)
    change_request.status = ChangeRequest.Status.WITHDRAWN
    change_request.decided_at = timezone.now()
    change_request.save(update_fields=["status", "decided_at", "updated_at"])
    event_record(
        action="accounts.change_request.withdrawn", actor=actor, target=change_request.account,
        unit=change_request.account.registered_unit, ip_address=ip_address,
        data={"change_request": change_request.pk},
    )
    return change_request


@refusals_logged("accounts.change_request.refused", target=lambda kw: kw["change_request"].account)
@transaction.atomic
def change_request_decide(
    *,
    change_request: ChangeRequest,
    actor: User,
    approve: bool,
    reason: str,
    scope: Scope,
    acknowledge_flags: bool = False,
    ip_address: str | None = None,
) -> ChangeRequest:
    """Approve (the registration data takes the requested values) or reject (a reason is required).

    `scope` is the actor's scope for deciding change requests; it must cover the account's registered unit and, to
    approve, the unit requested. Nobody decides their own request. Approval keeps the overwritten values on the
    request and in the event log. The guard (lifecycle.change_review): approving a value that neither the HR record
    nor the latest in-force order line supports needs a written reason, and approving what raises a new audit flag
    needs `acknowledge_flags`.
    """
    change_request = _lock_pending_request(change_request)
    account = _lock_account(change_request.account)
    if not scope.contains(account.registered_unit):
        raise PermissionDenied(OUT_OF_SCOPE)
    if approve and not scope.contains(change_request.unit):
        # Approving would hand the account to an office the decider does not answer for.
        raise PermissionDenied(CR_UNIT_OUT_OF_SCOPE)
    if actor.pk in (account.pk, change_request.filed_by_id):
        raise rules.AuthorityRefused(str(CR_OWN_DECISION), rule=rules.SELF_DEALING,
                                     data={"change_request": change_request.pk})
    reason = (reason or "").strip()
    if not approve:
        reason = _require_reason(reason)
    elif not account.is_active:
        raise ValidationError(ACCOUNT_INACTIVE)
    evidence = None
    if approve:
        evidence = change_request_evidence(change_request, on=today())
        if evidence.unsupported and not reason:
            names = ", ".join(item.label for item in evidence.unsupported)
            raise ValidationError(CR_UNSUPPORTED_NEEDS_REASON.format(fields=names))
        if evidence.new_flags and not acknowledge_flags:
            raise ValidationError(CR_NEW_FLAGS.format(flags=", ".join(flag_labels(evidence.new_flags))))
    before = _registration(account)
    change_request.decided_by = actor
    change_request.decided_at = timezone.now()
    change_request.decision_reason = reason
    fields = ["status", "decided_by", "decided_at", "decision_reason", "updated_at"]
    if approve:
        change_request.status = ChangeRequest.Status.APPROVED
        change_request.previous_position_id = account.registered_position_id
        change_request.previous_level_id = account.registered_level_id
        change_request.previous_unit_id = account.registered_unit_id
        fields += ["previous_position", "previous_level", "previous_unit"]
        account.registered_position = change_request.position
        account.registered_level = change_request.level
        account.registered_unit = change_request.unit
        account.save(update_fields=["registered_position", "registered_level", "registered_unit"])
    else:
        change_request.status = ChangeRequest.Status.REJECTED
    change_request.save(update_fields=fields)
    data = {"change_request": change_request.pk, "reason": reason}
    if approve:
        data |= {"before": before, "after": _registration(account),
                 "unsupported": [item.name for item in evidence.unsupported], "new_flags": evidence.new_flags,
                 "cited_order_found": evidence.cited_order_found}
    event_record(
        action="accounts.change_request.approved" if approve else "accounts.change_request.rejected",
        actor=actor, target=account, unit=change_request.previous_unit or account.registered_unit,
        ip_address=ip_address, data=data,
    )
    return change_request


# ---------------------------------------------------------------------------------------------------------------
# Leavers


@transaction.atomic
def leaver_report_file(
    *,
    accounts: Sequence[User],
    reason: str,
    left_on: datetime.date,
    actor: User,
    scope: Scope,
    evidence: File | None = None,
    note: str = "",
    ip_address: str | None = None,
) -> list[LeaverReport]:
    """Report one or many accounts whose holders left; the central bureau decides. All of them, or none.

    `scope` is the actor's scope for reporting leavers. Raises one ValidationError naming every refused account.
    """
    if not accounts:
        raise ValidationError(LEAVER_NONE_SELECTED)
    if reason not in LeaverReport.Reason.values:
        raise ValidationError(f"เหตุที่พ้นจากหน้าที่ไม่ถูกต้อง: {reason}")
    if left_on > today():
        raise ValidationError(LEAVER_FUTURE_DATE)
    locked = list(
        User.objects.select_for_update(of=("self",)).select_related("registered_unit")
        .filter(pk__in=[a.pk for a in accounts]).order_by("username")
    )
    pending = set(
        LeaverReport.objects.filter(account__in=locked, status=LeaverReport.Status.PENDING).values_list("account_id", flat=True)
    )
    errors = []
    for account in locked:
        if not scope.contains(account.registered_unit):
            errors.append(LEAVER_OUT_OF_SCOPE.format(username=account.username))
        elif not account.is_active:
            errors.append(LEAVER_ACCOUNT_INACTIVE.format(username=account.username))
        elif account.pk in pending:
            errors.append(LEAVER_ALREADY_PENDING.format(username=account.username))
    if errors:
        raise ValidationError(errors)
    reports = []
    stored_name = None
    for account in locked:
        report = LeaverReport(
            account=account, reason=reason, left_on=left_on, note=note.strip(), reported_by=actor,
            unit=account.registered_unit,
        )
        if evidence is not None and stored_name is None:
            report.evidence = evidence
        elif stored_name:
            report.evidence.name = stored_name  # one scan for the whole batch, stored once
        report.save()
        stored_name = stored_name or (report.evidence.name if report.evidence else None)
        event_record(
            action="accounts.leaver_report.filed", actor=actor, target=account, unit=account.registered_unit,
            ip_address=ip_address,
            data={"leaver_report": report.pk, "reason": reason, "left_on": left_on, "note": report.note},
        )
        reports.append(report)
    return reports


def _require_central(scope: Scope) -> None:
    if not scope.national:
        raise PermissionDenied(CENTRAL_ONLY)


def _check_not_own_report(report: LeaverReport, actor: User) -> None:
    if rules.is_self(actor, account=report.account) or report.reported_by_id == actor.pk:
        raise rules.AuthorityRefused(str(LEAVER_OWN), rule=rules.SELF_DEALING, data={"leaver_report": report.pk})


@refusals_logged("accounts.leaver_report.refused")
@transaction.atomic
def leaver_reports_accept(
    *, reports: Sequence[LeaverReport], actor: User, scope: Scope, ip_address: str | None = None
) -> int:
    """Deactivate the accounts of these pending reports (never delete them). All of them, or none.

    `scope` is the actor's scope for deactivating accounts, which must be national (the central bureau).
    """
    _require_central(scope)
    locked = list(
        LeaverReport.objects.select_for_update(of=("self",)).select_related("account__registered_unit")
        .filter(pk__in=[r.pk for r in reports]).order_by("pk")
    )
    not_pending = [
        ValidationError(LEAVER_NOT_PENDING.format(pk=r.pk), code=NOT_PENDING)
        for r in locked
        if r.status != LeaverReport.Status.PENDING
    ]
    if not_pending:
        raise ValidationError(not_pending)
    for report in locked:
        _check_not_own_report(report, actor)
    for report in locked:
        reason_text = (
            f"{report.get_reason_display()} ตั้งแต่วันที่ {format_be_date(report.left_on, long=True)}"
            f" ตามรายงานผู้พ้นจากหน้าที่ #{report.pk}"
        )
        deactivated = report.account.is_active
        if deactivated:
            account_deactivate(account=report.account, actor=actor, reason=reason_text, scope=scope, ip_address=ip_address)
        report.status = LeaverReport.Status.ACCEPTED
        report.decided_by = actor
        report.decided_at = timezone.now()
        report.decision_reason = reason_text if deactivated else f"{reason_text} (บัญชีถูกระงับไว้ก่อนแล้ว)"
        report.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"])
        event_record(
            action="accounts.leaver_report.accepted", actor=actor, target=report.account, unit=report.unit,
            ip_address=ip_address, data={"leaver_report": report.pk, "deactivated": deactivated},
        )
    return len(locked)


@refusals_logged("accounts.leaver_report.refused", target=lambda kw: kw["report"].account)
@transaction.atomic
def leaver_report_return(
    *, report: LeaverReport, actor: User, reason: str, scope: Scope, ip_address: str | None = None
) -> LeaverReport:
    """Send a report back to the office that filed it, with the reason; the account stays as it is."""
    _require_central(scope)
    reason = _require_reason(reason)
    report = LeaverReport.objects.select_for_update(of=("self",)).select_related("account").get(pk=report.pk)
    if report.status != LeaverReport.Status.PENDING:
        raise ValidationError(LEAVER_NOT_PENDING.format(pk=report.pk), code=NOT_PENDING)
    _check_not_own_report(report, actor)
    report.status = LeaverReport.Status.RETURNED
    report.decided_by = actor
    report.decided_at = timezone.now()
    report.decision_reason = reason
    report.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"])
    event_record(
        action="accounts.leaver_report.returned", actor=actor, target=report.account, unit=report.unit,
        ip_address=ip_address, data={"leaver_report": report.pk, "reason": reason},
    )
    return report


# ---------------------------------------------------------------------------------------------------------------
# A transfer inside the department: the account follows its holder to the new unit under a new order


@refusals_logged("accounts.role.refused", target=lambda kw: kw["account"])
@transaction.atomic
def account_move(*, account: User, line: OrderLine, actor: User, scope: Scope, ip_address: str | None = None) -> User:
    """Move `account` to the unit of `line` (an in-force line naming its holder), and its roles with it.

    `scope` is the actor's scope for recording orders; it must cover the new unit and the account's present one
    (a move between provinces is the centre's). Roles held at other units are
    revoked, and those the in-force lines grant at the new unit (policies permitting) are granted, each logged; a
    role above the actor's authority (rights.rules.may_grant) is left for rights sync by an office that has it.
    Nobody moves their own account.
    """
    line = OrderLine.objects.select_related("order", "unit", "position", "level").get(pk=line.pk)
    account = _lock_account(account)
    # Both ends of the move: an office may not take an account away from an office it does not answer for.
    if not (scope.contains(line.unit) and scope.contains(account.registered_unit)):
        raise PermissionDenied(OUT_OF_SCOPE)
    rules.check_not_self(actor, str(MOVE_OWN), account=account, data={"order_line": line.pk})
    if not account.is_active:
        raise ValidationError(ACCOUNT_INACTIVE)
    if line.official_id != account.official_id:
        raise ValidationError(MOVE_LINE_OTHER_PERSON)
    if not rules.order_line_in_force(line, today()):
        raise ValidationError(MOVE_LINE_NOT_IN_FORCE)
    if account.registered_unit_id == line.unit_id:
        raise ValidationError(MOVE_SAME_UNIT)
    before = _registration(account)
    old_unit = account.registered_unit
    account.registered_unit, account.registered_position, account.registered_level = line.unit, line.position, line.level
    account.save(update_fields=["registered_unit", "registered_position", "registered_level"])
    why = f"ย้ายไป{line.unit.display_name} ตามคำสั่งที่ {line.order.number}"
    revoked, granted = [], []
    for row in UnitUserObjectPermission.objects.filter(user=account, permission__role__isnull=False).exclude(
        content_object=line.unit
    ).select_related("permission__role", "content_object"):
        role_revoke(account=account, role=row.permission.role, unit=row.content_object, actor=actor, reason=why,
                    ip_address=ip_address)
        revoked.append(f"{row.permission.role.code}@{row.content_object.code}")
    not_granted = []
    for item in account_rights(account).to_grant:
        if item.unit.pk != line.unit_id:
            continue
        refusal = rules.grant_refusal(scope, item.role, item.unit)
        if refusal:  # left for an office with the authority, through rights sync
            not_granted.append({"role": f"{item.role.code}@{item.unit.code}", "reason": refusal})
            continue
        role_grant(account=account, role=item.role, unit=item.unit, actor=actor, scope=scope, reason=why,
                   ip_address=ip_address)
        granted.append(f"{item.role.code}@{item.unit.code}")
    event_record(
        action="accounts.account.moved", actor=actor, target=account, unit=line.unit, ip_address=ip_address,
        data={
            "order": line.order.number, "order_line": line.pk, "from_unit": old_unit.code if old_unit else None,
            "before": before, "after": _registration(account), "revoked": revoked, "granted": granted,
            "not_granted": not_granted,
        },
    )
    return account


# ---------------------------------------------------------------------------------------------------------------
# Accounts locked by failed logins (django-axes keeps the attempts by username)


def locked_usernames(*, ip_address: str | None = None) -> QuerySet:
    """A subquery of the usernames locked out now, at any address or at `ip_address` (axes locks a username at the
    address its wrong passwords came from); reviewers unlock them with account_unlock."""
    from axes.models import AccessAttempt  # axes imports the user model at import time

    locks = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    if ip_address is not None:
        locks = locks.filter(ip_address=ip_address)
    return locks.values("username")


# ---------------------------------------------------------------------------------------------------------------
# Assignment orders


@dataclass(frozen=True)
class OrderLineInput:
    national_id: str  # as written on the order (digits only); it need not be in the HR record
    role: Role
    unit: Unit
    position: Position
    level: Level
    effective_from: datetime.date
    effective_to: datetime.date | None = None
    written_name: str = ""  # the person's name as written, needed when the HR record does not have them
    acting: str = ""  # OrderLine.Acting: the position and level are those the person acts in, for the line's dates


def order_people_not_on_record(*, lines: Sequence[OrderLineInput], scope: Scope) -> list[str]:
    """A warning per line naming someone the HR record of `scope` does not have: the line is still recorded (the
    written order is a fact whatever the HR record says) and the audit reports it. The form and the API show these
    once the order is saved."""
    on_record = people_on_record(national_ids={line.national_id for line in lines}, scope=scope)
    where = "" if scope.national else str(WITHIN_YOUR_SCOPE)
    return [
        ORDER_PERSON_NOT_ON_RECORD.format(index=index, national_id=format_national_id(line.national_id), where=where)
        for index, line in enumerate(lines, start=1)
        if line.national_id not in on_record
    ]


@refusals_logged("accounts.order.refused", unit=lambda kw: kw["issuing_unit"])
@transaction.atomic
def order_record(
    *,
    number: str,
    order_date: datetime.date,
    issuing_unit: Unit,
    signer: str,
    lines: Sequence[OrderLineInput],
    actor: User,
    scope: Scope,
    scan: File | None = None,
    ip_address: str | None = None,
) -> AssignmentOrder:
    """Record a written assignment order and its lines, pending confirmation by a second person (order_confirm).

    `scope` is the actor's scope for recording orders: it must cover the issuing unit and every line's unit. A line
    may name someone the HR record of the scope does not have (order_people_not_on_record): it is kept as written,
    with the name typed in, and the audit reports it; the HR record of another office is never read or revealed.
    Each line's role must be one the actor may grant at its unit (rights.rules.may_grant), and no line may name
    the actor. Rights follow only once the order is confirmed, and then through sync (explicit, logged).
    """
    errors = []
    for unit in {issuing_unit, *(line.unit for line in lines)}:
        if not scope.contains(unit):
            errors.append(ORDER_UNIT_OUT_OF_SCOPE.format(unit=unit.display_name))
    if errors:
        raise PermissionDenied(" ".join(sorted(errors)))
    refused, self_named = [], []
    for index, line in enumerate(lines, start=1):
        if rules.is_self(actor, national_id=line.national_id):
            self_named.append(ORDER_NAMES_SELF.format(index=index))
        elif reason := rules.grant_refusal(scope, line.role, line.unit):
            refused.append(ORDER_LINE_ABOVE_AUTHORITY.format(index=index, reason=reason))
    if self_named or refused:
        raise rules.AuthorityRefused(
            " ".join([*self_named, *refused]), rule=rules.SELF_DEALING if self_named else rules.GRANT_ABOVE_AUTHORITY,
            data={"number": number.strip(), "lines": [f"{line.role.code}@{line.unit.code}" for line in lines]},
        )
    if not lines:
        raise ValidationError(ORDER_NO_LINES)
    on_record = people_on_record(national_ids={line.national_id for line in lines}, scope=scope)
    where = "" if scope.national else str(WITHIN_YOUR_SCOPE)
    unnamed = [
        ORDER_PERSON_NEEDS_NAME.format(index=index, national_id=format_national_id(line.national_id), where=where)
        for index, line in enumerate(lines, start=1)
        if line.national_id not in on_record and not line.written_name.strip()
    ]
    if unnamed:
        raise ValidationError(unnamed)
    number = order_number_normalized(number)
    if AssignmentOrder.objects.filter(issuing_unit=issuing_unit, number=number).exists():
        raise ValidationError(ORDER_DUPLICATE.format(number=number))
    order = AssignmentOrder(number=number, order_date=order_date, issuing_unit=issuing_unit, signer=signer.strip(),
                            recorded_by=actor)
    if scan is not None:
        order.scan = scan
    order.full_clean(exclude=["scan"])
    order.save()
    rows = []
    for index, line in enumerate(lines, start=1):
        row = OrderLine(order=order, official_id=line.national_id, written_name=line.written_name.strip(),
                        role=line.role, unit=line.unit, position=line.position, level=line.level,
                        effective_from=line.effective_from, effective_to=line.effective_to, acting=line.acting,
                        recorded_by=actor)
        try:
            # The person is checked as a national ID, not as a row of the HR record (which may not have them).
            validate_national_id(line.national_id)
            row.full_clean(exclude=["order", "official"])
        except ValidationError as exc:
            raise ValidationError([f"รายการที่ {index}: {message}" for message in exc.messages]) from None
        rows.append(row)
    OrderLine.objects.bulk_create(rows)
    event_record(
        action="accounts.order.recorded", actor=actor, target=order, target_label=f"คำสั่งที่ {order.number}",
        unit=issuing_unit, ip_address=ip_address,
        data={
            "number": order.number, "order_date": order_date, "signer": order.signer, "pending_confirmation": True,
            "lines": [
                {"national_id": line.national_id, "written_name": line.written_name.strip(), "role": line.role.code,
                 "unit": line.unit.code,
                 "position": line.position.name_th, "level": line.level.code, "from": line.effective_from,
                 "to": line.effective_to}
                for line in lines
            ],
        },
    )
    return order


def order_confirm_refusal(
    *, order: AssignmentOrder, lines: Sequence[OrderLine], actor: User, scope: Scope
) -> rules.AuthorityRefused | None:
    """Why `actor` may not confirm these pending lines of `order`, or None: the screens ask before offering the
    button, order_confirm asks again. `lines` have their official, role, unit and recorder loaded."""
    recorders = [order.recorded_by, *(line.recorded_by for line in lines)]
    if any(rules.is_self(actor, account=recorder) for recorder in recorders if recorder is not None):
        return rules.AuthorityRefused(str(ORDER_RECORDER_CONFIRMS), rule=rules.RECORDER_CONFIRMS)
    if any(rules.is_self(actor, national_id=line.official_id) for line in lines):
        return rules.AuthorityRefused(str(ORDER_CONFIRM_NAMES_SELF), rule=rules.SELF_DEALING)
    for index, line in enumerate(lines, start=1):
        reason = rules.grant_refusal(scope, line.role, line.unit)
        if reason:
            return rules.AuthorityRefused(ORDER_LINE_ABOVE_AUTHORITY.format(index=index, reason=reason),
                                          rule=rules.GRANT_ABOVE_AUTHORITY)
    return None


@refusals_logged("accounts.order.refused", target=lambda kw: kw["order"])
@transaction.atomic
def order_confirm(*, order: AssignmentOrder, actor: User, scope: Scope, ip_address: str | None = None) -> int:
    """The second pair of eyes: confirm every pending line of `order`, which then grants (through sync). Return how
    many lines were confirmed.

    `scope` is the actor's scope for recording orders: it must cover the issuing unit, and the actor must have the
    authority to grant every pending line (rights.rules.may_grant). Nobody confirms an order or a line they
    recorded, or one that names themselves. Decision (README "Authority to grant", issue of four eyes).
    """
    order = AssignmentOrder.objects.select_for_update(of=("self",)).select_related("issuing_unit", "recorded_by").get(
        pk=order.pk
    )
    if not scope.contains(order.issuing_unit):
        raise PermissionDenied(ORDER_UNIT_OUT_OF_SCOPE.format(unit=order.issuing_unit.display_name))
    if order.revoked_at is not None:
        raise ValidationError(ORDER_ALREADY_REVOKED, code=NOT_PENDING)
    lines = list(
        order.lines.select_for_update(of=("self",)).filter(confirmed_at__isnull=True)
        .select_related("role", "unit", "recorded_by").order_by("pk")
    )
    if not lines:
        raise ValidationError(ORDER_NOTHING_TO_CONFIRM, code=NOT_PENDING)
    refusal = order_confirm_refusal(order=order, lines=lines, actor=actor, scope=scope)
    if refusal is not None:
        refusal.data["number"] = order.number
        raise refusal
    now = timezone.now()
    OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(confirmed_at=now, confirmed_by=actor)
    event_record(
        action="accounts.order.confirmed", actor=actor, target=order, target_label=f"คำสั่งที่ {order.number}",
        unit=order.issuing_unit, ip_address=ip_address,
        data={
            "number": order.number,
            "recorded_by": sorted({line.recorded_by.username for line in lines if line.recorded_by}),
            "lines": [f"{line.official_id} {line.role.code}@{line.unit.code}" for line in lines],
        },
    )
    return len(lines)


@refusals_logged("accounts.order.refused", target=lambda kw: kw["order"])
@transaction.atomic
def order_revoke(
    *, order: AssignmentOrder, actor: User, reason: str, typed_number: str, scope: Scope, ip_address: str | None = None
) -> AssignmentOrder:
    """Revoke an order recorded in error or withdrawn; its lines stop granting anything. Nothing is deleted.

    As strong as granting, so asked as carefully: a reason, the order's number typed again (a click alone, or a
    crawler following every form, revokes nothing), the authority to grant every line of it (rights.rules), and
    never an order that names the actor (which would be how one keeps or sheds one's own rights).
    """
    reason = _require_reason(reason)
    order = AssignmentOrder.objects.select_for_update(of=("self",)).select_related("issuing_unit").get(pk=order.pk)
    if not scope.contains(order.issuing_unit):
        raise PermissionDenied(ORDER_UNIT_OUT_OF_SCOPE.format(unit=order.issuing_unit.display_name))
    if order.revoked_at is not None:
        raise ValidationError(ORDER_ALREADY_REVOKED, code=NOT_PENDING)
    if order_number_normalized(typed_number or "") != order.number:
        raise ValidationError(ORDER_REVOKE_TYPE_NUMBER.format(number=order.number))
    lines = list(order.lines.select_related("role", "unit").order_by("pk"))
    if any(rules.is_self(actor, national_id=line.official_id) for line in lines):
        raise rules.AuthorityRefused(str(ORDER_REVOKE_NAMES_SELF), rule=rules.SELF_DEALING,
                                     data={"number": order.number, "revoke": True})
    for index, line in enumerate(lines, start=1):
        if refusal := rules.grant_refusal(scope, line.role, line.unit):
            raise rules.AuthorityRefused(ORDER_LINE_ABOVE_AUTHORITY.format(index=index, reason=refusal),
                                         rule=rules.GRANT_ABOVE_AUTHORITY, data={"number": order.number, "revoke": True})
    order.revoked_at = timezone.now()
    order.revocation_reason = reason
    order.save(update_fields=["revoked_at", "revocation_reason", "updated_at"])
    event_record(
        action="accounts.order.revoked", actor=actor, target=order, target_label=f"คำสั่งที่ {order.number}",
        unit=order.issuing_unit, ip_address=ip_address, data={"reason": reason},
    )
    return order
