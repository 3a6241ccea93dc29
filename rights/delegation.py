"""Review delegated to an acting reviewer for dates (รักษาราชการแทน / ปฏิบัติราชการแทน while a reviewer is away).

A reviewer hands the review of one unit of their own scope to another active account registered inside that scope,
for at most REVIEW_DELEGATION_MAX_DAYS days. The delegate reviews there as the delegator does (rights.scope,
DELEGABLE_MENU), needs the second factor meanwhile, and cannot delegate it again. Nobody delegates to themselves.
Ending early is recorded, never deleted; every step is logged.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit, User
from core.thai import format_be_date
from events.services import event_record
from rights import rules
from rights.models import ReviewDelegation
from rights.scope import DELEGABLE_MENU, cached_account_rights, today
from rights.services import refusals_logged

NOT_A_REVIEWER = _("ท่านไม่ได้ถือสิทธิ์ตรวจสอบที่หน่วยงานนี้ด้วยตนเอง จึงมอบหมายให้ผู้อื่นตรวจสอบแทนไม่ได้")
SELF_DELEGATION = _("ท่านมอบหมายให้ตนเองตรวจสอบแทนไม่ได้")
DELEGATE_OUTSIDE = _("ผู้ตรวจสอบแทนต้องเป็นบัญชีที่ใช้งานอยู่และลงทะเบียนในหน่วยงานที่อยู่ในขอบเขตของท่าน")
DATES_REVERSED = _("วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่ม")
STARTS_IN_PAST = _("วันที่เริ่มต้องไม่เป็นวันที่ผ่านมาแล้ว")
TOO_LONG = _("มอบหมายให้ตรวจสอบแทนได้ครั้งละไม่เกิน %(days)s วัน")
REASON_REQUIRED = _("กรุณาระบุเหตุผลหรือคำสั่งที่อ้างถึง")
NOT_YOURS = _("การมอบหมายนี้ไม่ได้อยู่ในขอบเขตของท่าน")
ALREADY_ENDED = _("การมอบหมายนี้สิ้นสุดแล้ว")


@refusals_logged("rights.review.delegation_refused", target=lambda kw: kw.get("delegate"),
                 unit=lambda kw: kw.get("unit"))
@transaction.atomic
def review_delegate(*, actor: User, delegate: User, unit: Unit, starts_on: datetime.date, ends_on: datetime.date,
                    reason: str, ip_address: str | None = None) -> ReviewDelegation:
    own = cached_account_rights(actor).scope_for(DELEGABLE_MENU, own_only=True)
    rules.check_not_self(actor, str(SELF_DELEGATION), account=delegate)
    if not own.contains(unit):
        raise rules.AuthorityRefused(str(NOT_A_REVIEWER), rule=rules.GRANT_ABOVE_AUTHORITY, data={"unit": unit.code})
    if not delegate.is_active or not own.contains(delegate.registered_unit):
        raise ValidationError(DELEGATE_OUTSIDE, code="delegate_outside")
    if not reason.strip():
        raise ValidationError(REASON_REQUIRED, code="reason_required")
    if ends_on < starts_on:
        raise ValidationError(DATES_REVERSED, code="dates_reversed")
    if starts_on < today():
        raise ValidationError(STARTS_IN_PAST, code="starts_in_past")
    longest = settings.REVIEW_DELEGATION_MAX_DAYS
    if (ends_on - starts_on).days + 1 > longest:
        raise ValidationError(TOO_LONG, code="too_long", params={"days": longest})
    delegation = ReviewDelegation.objects.create(delegator=actor, delegate=delegate, unit=unit, starts_on=starts_on,
                                                 ends_on=ends_on, reason=reason.strip())
    event_record(
        action="rights.review.delegated", actor=actor, target=delegate, unit=unit, ip_address=ip_address,
        target_label=f"{delegate.username} ตรวจสอบแทนที่ {unit.display_name}",
        data={"delegation": delegation.pk, "unit": unit.code, "starts_on": starts_on, "ends_on": ends_on,
              "reason": delegation.reason},
    )
    return delegation


@transaction.atomic
def review_delegation_end(*, delegation: ReviewDelegation, actor: User, ip_address: str | None = None) -> None:
    """End a delegation before its date: by its delegator, or by a reviewer whose own scope holds its unit."""
    delegation = ReviewDelegation.objects.select_for_update(of=("self",)).select_related("unit", "delegate").get(pk=delegation.pk)
    if delegation.ended_at is not None or delegation.ends_on < today():
        raise ValidationError(ALREADY_ENDED, code="already_ended")
    own = cached_account_rights(actor).scope_for(DELEGABLE_MENU, own_only=True)
    if actor.pk != delegation.delegator_id and not own.contains(delegation.unit):
        raise ValidationError(NOT_YOURS, code="out_of_scope")
    delegation.ended_at, delegation.ended_by = timezone.now(), actor
    delegation.save(update_fields=["ended_at", "ended_by"])
    event_record(
        action="rights.review.delegation_ended", actor=actor, target=delegation.delegate, unit=delegation.unit,
        ip_address=ip_address, data={"delegation": delegation.pk, "ends_on": delegation.ends_on},
    )


def delegations_of(user: User) -> QuerySet[ReviewDelegation]:
    """The delegations `user` gave or received that have not ended, newest first."""
    return (
        ReviewDelegation.objects.filter(Q(delegator=user) | Q(delegate=user), ended_at__isnull=True,
                                        ends_on__gte=today())
        .select_related("delegator__official", "delegate__official", "unit")
    )


def delegation_label(delegation: ReviewDelegation) -> str:
    """How a page tells it: who reviews for whom, where, until when."""
    who = delegation.delegate.official.full_name if delegation.delegate.official_id else delegation.delegate.username
    for_whom = (delegation.delegator.official.full_name if delegation.delegator.official_id
                else delegation.delegator.username)
    return str(_("%(who)s ตรวจสอบแทน %(for_whom)s ที่ %(unit)s ตั้งแต่ %(start)s ถึง %(end)s")) % {
        "who": who, "for_whom": for_whom, "unit": delegation.unit.display_name,
        "start": format_be_date(delegation.starts_on), "end": format_be_date(delegation.ends_on),
    }
