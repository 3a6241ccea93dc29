"""Writes of rollouts: the centre's plan, the offices' nominations, the centre's decisions, reminders, the written
order compiled from the accepted nominations, and the record of the calendar's steps. Every step is logged.

The rules (e-Bill circular มท ๐๓๐๓/ว ๑๔๔๑ ค, README "Decisions"): an office nominates people of its own HR record, for
a role of the rollout, within the quota of each office and before the deadline, each checked against the role's
policies in force; nobody nominates themselves. The Finance Division turns the accepted nominations into one written
order, which a second person confirms (four eyes, lifecycle.services.order_confirm) before it grants anything.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Official, Unit, User
from core.thai import format_be_date
from events.services import event_record
from lifecycle.services import OrderLineInput, order_record
from rights import rules
from rights.models import AssignmentOrder, Role
from rights.scope import Scope, policies_in_force, today
from rollout import selectors
from rollout.models import Nomination, Rollout

NOT_CENTRAL = _("เฉพาะส่วนกลางเท่านั้นที่จัดการแผนการเปิดใช้งานได้")
OFFICE_OUT_OF_SCOPE = _("หน่วยงานนี้อยู่นอกขอบเขตของท่าน")
PERSON_NOT_IN_SCOPE = _("ไม่พบบุคคลที่มีเลขประจำตัวประชาชนนี้ในทะเบียนบุคคลของหน่วยงานในความรับผิดชอบของท่าน")
ROLE_NOT_IN_ROLLOUT = _("บทบาทนี้ไม่อยู่ในแผนการเปิดใช้งานนี้")
PAST_DEADLINE = _("เลยกำหนดส่งรายชื่อแล้ว (ภายในวันที่ %(deadline)s)")
SELF_NOMINATION = _("ท่านเสนอชื่อตนเองไม่ได้ ต้องให้ผู้มีหน้าที่อีกคนหนึ่งของหน่วยงานเสนอชื่อ")
NOT_IN_SERVICE = _("บุคคลนี้ไม่อยู่ในราชการตามทะเบียนบุคคล (%(status)s) จึงเสนอชื่อไม่ได้")
ALREADY_NOMINATED = _("บุคคลนี้ได้รับการเสนอชื่อในบทบาทนี้แล้ว")
QUOTA_USERS = _("หน่วยงานนี้เสนอชื่อครบ %(n)s คนตามที่แผนกำหนดแล้ว")
QUOTA_TRAINEES = _("หน่วยงานนี้เสนอผู้เข้ารับการอบรมครบ %(n)s คนตามที่แผนกำหนดแล้ว")
QUOTA_ROLE = _("บทบาท %(code)s มีผู้ถือสิทธิ์ได้ไม่เกิน %(n)s คนต่อหน่วยงานตามเงื่อนไขสิทธิ์ที่มีผล")
NOT_PENDING = _("รายชื่อนี้ได้รับการพิจารณาหรือถอนไปแล้ว")
REASON_REQUIRED = _("กรุณาระบุเหตุผลที่ไม่รับรายชื่อ")
NOTHING_TO_COMPILE = _("ยังไม่มีรายชื่อที่รับแล้วให้รวบรวมเป็นคำสั่ง")
ALREADY_COMPILED = _("แผนนี้ออกคำสั่งมอบหมายแล้ว (คำสั่งที่ %(number)s)")
STILL_PENDING = _("ยังมีรายชื่อรอพิจารณา %(n)s รายการ กรุณาพิจารณาให้ครบก่อนออกคำสั่ง")
CALENDAR_STEPS = {"trial": "trial_started_at", "purge": "purged_at", "go_live": "went_live_at"}


class NominationRefused(ValidationError):
    """A nomination the rules refuse (policy, quota, deadline, scope of the HR record): `rule` names which."""

    def __init__(self, message, *, rule: str):
        super().__init__(str(message), code=rule)
        self.rule = rule


def _require_central(scope: Scope) -> None:
    if not scope.national:
        raise PermissionDenied(NOT_CENTRAL)


def refusals_logged(service: Callable) -> Callable:
    """Log every refused nomination (the rules' or an authority's) as rollout.nomination.refused, in a transaction
    of its own, then raise it again: put it outside the service's transaction."""

    @functools.wraps(service)
    def logged(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except (NominationRefused, rules.AuthorityRefused) as refusal:
            rule = refusal.rule
            message = refusal.message if isinstance(refusal, rules.AuthorityRefused) else refusal.messages[0]
            with transaction.atomic():
                event_record(
                    action="rollout.nomination.refused", actor=kwargs.get("actor"), target=kwargs.get("rollout"),
                    unit=kwargs.get("unit"), ip_address=kwargs.get("ip_address"),
                    data={"service": service.__name__, "rule": rule, "reason": message,
                          "national_id": kwargs.get("national_id"), "role": getattr(kwargs.get("role"), "code", None)},
                )
            raise

    return logged


# ---------------------------------------------------------------------------------------------------------------
# The plan


FIELDS = ("name", "nomination_deadline", "registration_from", "registration_to", "trial_from", "trial_to", "purge_on",
          "go_live_on", "trainees_per_office", "max_users_per_office")


def _snapshot(rollout: Rollout, roles: Iterable[Role]) -> dict:
    return {**{name: getattr(rollout, name) for name in FIELDS}, "roles": sorted(role.code for role in roles)}


@transaction.atomic
def rollout_create(*, actor: User, scope: Scope, roles: Iterable[Role], ip_address: str | None = None,
                   **fields) -> Rollout:
    """Create a rollout (the centre only); its dates must follow one another (Rollout.clean)."""
    _require_central(scope)
    roles = list(roles)
    rollout = Rollout(created_by=actor, **fields)
    rollout.full_clean()
    rollout.save()
    rollout.roles.set(roles)
    event_record(action="rollout.rollout.created", actor=actor, target=rollout, ip_address=ip_address,
                 data=_snapshot(rollout, roles))
    return rollout


@transaction.atomic
def rollout_update(*, rollout: Rollout, actor: User, scope: Scope, roles: Iterable[Role],
                   ip_address: str | None = None, **fields) -> Rollout:
    """Change a rollout's plan (never deleted); logged with before and after."""
    _require_central(scope)
    rollout = Rollout.objects.select_for_update().get(pk=rollout.pk)
    roles = list(roles)
    before = _snapshot(rollout, rollout.roles.all())
    for name, value in fields.items():
        if name not in FIELDS:
            raise TypeError(f"rollout_update() got an unexpected field {name!r}")
        setattr(rollout, name, value)
    rollout.full_clean()
    after = _snapshot(rollout, roles)
    if after != before:
        rollout.save()
        rollout.roles.set(roles)
        event_record(action="rollout.rollout.changed", actor=actor, target=rollout, ip_address=ip_address,
                     data={"before": before, "after": after})
    return rollout


# ---------------------------------------------------------------------------------------------------------------
# Nominations


def nomination_check(*, rollout: Rollout, official: Official, role: Role, unit: Unit, trainee: bool,
                     on: datetime.date) -> None:
    """Raise NominationRefused when the rules refuse this nomination (the caller holds the rollout's lock)."""
    if on > rollout.nomination_deadline:
        raise NominationRefused(
            str(PAST_DEADLINE) % {"deadline": format_be_date(rollout.nomination_deadline, long=True)}, rule="deadline")
    if not rollout.roles.filter(pk=role.pk).exists():
        raise NominationRefused(ROLE_NOT_IN_ROLLOUT, rule="role")
    out = rules.separation(status=official.status, retirement_date=official.retirement_date, on=on)
    if out:
        raise NominationRefused(str(NOT_IN_SERVICE) % {"status": official.get_status_display()}, rule="not_in_service")
    # The policies in force when the rights start (the registration window), or today when that has passed.
    policies = policies_in_force(on=max(on, rollout.registration_from), role_ids=[role.pk]).get(role.pk, [])
    refusal = rules.first_policy_refusal(policies, position=official.position, level=official.level)
    if refusal:
        raise NominationRefused(refusal, rule="policy")
    counted = Nomination.objects.filter(rollout=rollout, status__in=[Nomination.Status.PENDING,
                                                                     Nomination.Status.ACCEPTED])
    if counted.filter(official=official, role=role).exists():
        raise NominationRefused(ALREADY_NOMINATED, rule="duplicate")
    at_office = counted.filter(unit=unit)
    if at_office.count() >= rollout.max_users_per_office:
        raise NominationRefused(str(QUOTA_USERS) % {"n": rollout.max_users_per_office}, rule="quota_users")
    if trainee and at_office.filter(trainee=True).count() >= rollout.trainees_per_office:
        raise NominationRefused(str(QUOTA_TRAINEES) % {"n": rollout.trainees_per_office}, rule="quota_trainees")
    cap = rules.quota_limit(policies)
    if cap is not None and at_office.filter(role=role).count() >= cap:
        raise NominationRefused(str(QUOTA_ROLE) % {"code": role.code, "n": cap}, rule="quota_role")


@refusals_logged
@transaction.atomic
def nomination_file(*, rollout: Rollout, national_id: str, role: Role, unit: Unit, actor: User, scope: Scope,
                    reason: str = "", trainee: bool = False, on: datetime.date | None = None,
                    ip_address: str | None = None) -> Nomination:
    """An office nominates a person of its HR record for a role of the rollout, pending the centre's decision.

    `scope` is the actor's scope for recording orders: it must hold the office and the person's HR record (a person
    on another office's record is, to the actor, unknown). Refusals say why in Thai and are logged.
    """
    on = on or today()
    if not scope.contains(unit):
        raise PermissionDenied(OFFICE_OUT_OF_SCOPE)
    official = (
        scope.filter(Official.objects.filter(national_id=national_id), "unit")
        .select_related("position", "level", "unit").first()
    )
    if official is None:
        raise NominationRefused(PERSON_NOT_IN_SCOPE, rule="not_on_record")
    rules.check_not_self(actor, str(SELF_NOMINATION), national_id=official.national_id,
                         data={"rollout": rollout.pk, "unit": unit.code})
    rollout = Rollout.objects.select_for_update().get(pk=rollout.pk)  # one office's quota at a time
    nomination_check(rollout=rollout, official=official, role=role, unit=unit, trainee=trainee, on=on)
    nomination = Nomination.objects.create(rollout=rollout, official=official, role=role, unit=unit,
                                           reason=reason.strip(), trainee=trainee, filed_by=actor)
    event_record(action="rollout.nomination.filed", actor=actor, target=nomination, unit=unit, ip_address=ip_address,
                 target_label=f"{official.full_name} ({role.code})",
                 data={"rollout": rollout.pk, "national_id": official.national_id, "role": role.code,
                       "unit": unit.code, "trainee": trainee})
    return nomination


def _lock_pending(nomination: Nomination) -> Nomination:
    locked = Nomination.objects.select_for_update(of=("self",)).select_related("unit", "role", "rollout").get(pk=nomination.pk)
    if locked.status != Nomination.Status.PENDING:
        raise ValidationError(NOT_PENDING, code="not_pending")
    return locked


@transaction.atomic
def nomination_decide(*, nomination: Nomination, accept: bool, actor: User, scope: Scope, reason: str = "",
                      ip_address: str | None = None) -> Nomination:
    """The centre accepts a pending nomination, or refuses it with a reason. Nobody decides their own."""
    _require_central(scope)
    nomination = _lock_pending(nomination)
    rules.check_not_self(actor, str(SELF_NOMINATION), national_id=nomination.official_id)
    if not accept and not reason.strip():
        raise ValidationError(REASON_REQUIRED, code="reason_required")
    nomination.status = Nomination.Status.ACCEPTED if accept else Nomination.Status.REFUSED
    nomination.decided_by, nomination.decided_at, nomination.decision_reason = actor, timezone.now(), reason.strip()
    nomination.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    event_record(action="rollout.nomination.accepted" if accept else "rollout.nomination.rejected", actor=actor,
                 target=nomination, unit=nomination.unit, ip_address=ip_address,
                 data={"rollout": nomination.rollout_id, "national_id": nomination.official_id,
                       "role": nomination.role.code, "reason": nomination.decision_reason})
    return nomination


@transaction.atomic
def nomination_withdraw(*, nomination: Nomination, actor: User, scope: Scope,
                        ip_address: str | None = None) -> Nomination:
    """The office withdraws a nomination the centre has not decided yet."""
    if not scope.contains(nomination.unit):
        raise PermissionDenied(OFFICE_OUT_OF_SCOPE)
    nomination = _lock_pending(nomination)
    nomination.status = Nomination.Status.WITHDRAWN
    nomination.save(update_fields=["status"])
    event_record(action="rollout.nomination.withdrawn", actor=actor, target=nomination, unit=nomination.unit,
                 ip_address=ip_address, data={"rollout": nomination.rollout_id, "national_id": nomination.official_id,
                                              "role": nomination.role.code})
    return nomination


# ---------------------------------------------------------------------------------------------------------------
# Reminders


REMINDER_SUBJECT = "[rightsadmin] เตือนส่งรายชื่อผู้ได้รับมอบหมาย: {name}"


def rollout_reminders_send(*, rollout: Rollout, actor: User | None, on: datetime.date | None = None,
                           base_url: str = "", ip_address: str | None = None) -> dict[str, list[str]]:
    """Email the reviewers of each office that has not nominated anyone, while the deadline has not passed.
    Return {office code: addresses}; one event records the run (offices reminded and those without an address)."""
    on = on or today()
    if on > rollout.nomination_deadline:
        return {}
    offices = selectors.offices_not_nominated(rollout)
    reviewers = selectors.office_reviewers(offices, on=on)
    sent: dict[str, list[str]] = {}
    without_address = []
    for office in offices:
        emails = sorted({user.email for user in reviewers.get(office.pk, []) if user.email})
        if not emails:
            without_address.append(office.code)
            continue
        link = f"{base_url}/rollout/{rollout.pk}/office/{office.code}/"
        body = (
            f"เรียน ผู้มีหน้าที่บันทึกคำสั่งของ{office.display_name}\n\n"
            f"{office.display_name} ยังไม่ได้ส่งรายชื่อผู้ได้รับมอบหมายตาม{rollout.name} "
            f"กรุณาส่งรายชื่อภายในวันที่ {format_be_date(rollout.nomination_deadline, long=True)}\n{link}\n"
        )
        send_mail(REMINDER_SUBJECT.format(name=rollout.name), body, settings.DEFAULT_FROM_EMAIL, emails)
        sent[office.code] = emails
    with transaction.atomic():
        event_record(action="rollout.reminders.sent", actor=actor, target=rollout, ip_address=ip_address,
                     data={"on": on, "offices": sorted(sent), "recipients": sum(len(v) for v in sent.values()),
                           "without_address": len(without_address)})
    return sent


# ---------------------------------------------------------------------------------------------------------------
# The written order


def _pdf_context(*, rollout: Rollout, number: str, order_date: datetime.date, signer: str, issuing_unit: Unit,
                 nominations: list[Nomination]) -> dict:
    return {"rollout": rollout, "number": number, "order_date": order_date, "signer": signer,
            "issuing_unit": issuing_unit, "nominations": nominations, "printed_at": timezone.now()}


def compile_issuing_unit() -> Unit:
    """The Finance Division issues the order (e-Bill circular), or the department where the tree has no such unit."""
    return Unit.objects.filter(code="DOPA-FINANCE").first() or Unit.objects.get(kind=Unit.Kind.DEPARTMENT)


def rollout_order_compile(*, rollout: Rollout, number: str, order_date: datetime.date, signer: str, actor: User,
                          scope: Scope, ip_address: str | None = None) -> AssignmentOrder:
    """Turn the accepted nominations into one written order (lifecycle.services.order_record), its PDF attached as
    the order's scan; the order is pending until a second person confirms it (order_confirm)."""
    from core.pdf import render_pdf

    _require_central(scope)
    with transaction.atomic():
        rollout = Rollout.objects.select_for_update(of=("self",)).select_related("order").get(pk=rollout.pk)
        if rollout.order is not None and rollout.order.revoked_at is None:
            raise ValidationError(str(ALREADY_COMPILED) % {"number": rollout.order.number}, code="compiled")
        pending = Nomination.objects.filter(rollout=rollout, status=Nomination.Status.PENDING).count()
        if pending:
            raise ValidationError(str(STILL_PENDING) % {"n": pending}, code="pending")
        nominations = list(
            Nomination.objects.filter(rollout=rollout, status=Nomination.Status.ACCEPTED)
            .select_related("official__position", "official__level", "role", "unit").order_by("unit__path", "pk")
        )
        if not nominations:
            raise ValidationError(NOTHING_TO_COMPILE, code="empty")
        issuing_unit = compile_issuing_unit()
        lines = [
            OrderLineInput(
                national_id=n.official_id, role=n.role, unit=n.unit, position=n.official.position,
                level=n.official.level, effective_from=rollout.registration_from, written_name=n.official.full_name,
            )
            for n in nominations
        ]
        normalized = number.strip()
        pdf = render_pdf("rollout/order_pdf.html", _pdf_context(
            rollout=rollout, number=normalized, order_date=order_date, signer=signer, issuing_unit=issuing_unit,
            nominations=nominations))
        order = order_record(number=normalized, order_date=order_date, issuing_unit=issuing_unit, signer=signer,
                             lines=lines, actor=actor, scope=scope, ip_address=ip_address,
                             scan=ContentFile(pdf, name=f"rollout-{rollout.pk}.pdf"))
        rollout.order = order
        rollout.save(update_fields=["order", "updated_at"])
        event_record(action="rollout.order.compiled", actor=actor, target=rollout, ip_address=ip_address,
                     data={"order": order.pk, "number": order.number, "lines": len(lines)})
    return order


# ---------------------------------------------------------------------------------------------------------------
# The calendar (its steps are taken by receipts.rollout_calendar, which may reach the receipts)


def rollout_calendar_step_record(*, rollout: Rollout, step: str, on: datetime.date, actor: User | None = None,
                                 data: dict | None = None) -> Rollout:
    """Record that the calendar's `step` (trial, purge, go_live) was taken, once, and log it. Call it inside the
    transaction of the step's work."""
    field = CALENDAR_STEPS[step]
    rollout = Rollout.objects.select_for_update().get(pk=rollout.pk)
    if getattr(rollout, field) is None:
        setattr(rollout, field, timezone.now())
        rollout.save(update_fields=[field, "updated_at"])
        event_record(action="rollout.calendar.applied", actor=actor, target=rollout,
                     data={"step": step, "on": on, **(data or {})})
    return rollout
